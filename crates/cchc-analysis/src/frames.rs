//! The normalised polars frames: `dossiers` and `findings`.

use cchc_domain::finding::Finding;
use cchc_domain::measure::Measure;
use cchc_read::batch::SubmissionData;
use cchc_read::{Batch, Submission};
use polars::prelude::*;

use crate::AnalysisError;

/// Identity columns of the `dossiers` frame, before the measures.
pub const DOSSIER_KEY_COLUMNS: [&str; 5] = ["unit_id", "unit_name", "district", "period", "field"];
/// Provenance columns, after the measures.
pub const SOURCE_COLUMNS: [&str; 3] = ["source_file", "sheet", "cell"];
/// Columns of the `findings` frame.
pub const FINDING_COLUMNS: [&str; 7] = [
    "severity", "rule", "file", "sheet", "cell", "message", "raw",
];

/// The `dossiers` frame: one row per accepted Form A row of a counted submission,
/// in submission order (unit, period, file, sheet) then sheet order.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns (a defect, not an input problem).
pub fn dossiers_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    let mut text: [Vec<&str>; 8] = Default::default();
    let mut periods: Vec<String> = Vec::new();
    let mut measures: Vec<Vec<i64>> = vec![Vec::new(); 11];
    for s in batch.submissions.iter().filter(|s| s.counted) {
        for r in s.dossier_rows() {
            periods.push(s.period.to_string());
            let values = [
                s.unit.unit_id.as_str(),
                s.unit.name.as_str(),
                s.unit.district.as_str(),
                "",
                r.label.as_str(),
                s.file.as_str(),
                s.sheet.as_str(),
                r.cell.as_str(),
            ];
            for (col, v) in text.iter_mut().zip(values) {
                col.push(v);
            }
            for m in Measure::ALL {
                measures[m.index()].push(r.values[m.index()]);
            }
        }
    }
    let height = text[0].len();
    let mut columns: Vec<Column> = Vec::new();
    for (name, values) in DOSSIER_KEY_COLUMNS.iter().zip(&text[..5]) {
        if *name == "period" {
            columns.push(Column::new((*name).into(), &periods));
        } else {
            columns.push(text_column(name, values));
        }
    }
    for m in Measure::ALL {
        columns.push(Column::new(m.id().into(), &measures[m.index()]));
    }
    for (name, values) in SOURCE_COLUMNS.iter().zip(&text[5..]) {
        columns.push(text_column(name, values));
    }
    Ok(DataFrame::new(height, columns)?)
}

/// The `findings` frame, in the batch's order.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn findings_frame(findings: &[Finding]) -> Result<DataFrame, AnalysisError> {
    let cols: [Vec<&str>; 7] = [
        findings.iter().map(|f| f.severity().id()).collect(),
        findings.iter().map(|f| f.rule.id()).collect(),
        findings.iter().map(|f| f.file.as_str()).collect(),
        findings.iter().map(|f| f.sheet.as_str()).collect(),
        findings.iter().map(|f| f.cell.as_str()).collect(),
        findings.iter().map(|f| f.message.as_str()).collect(),
        findings.iter().map(|f| f.raw.as_str()).collect(),
    ];
    let height = findings.len();
    let columns = FINDING_COLUMNS
        .iter()
        .zip(cols.iter())
        .map(|(n, v)| Column::new((*n).into(), v))
        .collect();
    Ok(DataFrame::new(height, columns)?)
}

/// A text column whose repeated values share their bytes. Polars keeps a text value of
/// more than 12 bytes in a buffer and a 16-byte view per row; here each distinct long
/// value is stored once and every row holding it points at that copy, so a file name,
/// unit name or procedure name repeated on thousands of rows costs one copy (at 10,000
/// workbooks this halves the frames' memory). The column is an ordinary String column.
pub fn text_column(name: &str, values: &[&str]) -> Column {
    use polars_arrow::array::MutableBinaryViewArray;
    let long = |v: &str| v.len() > polars_arrow::array::View::MAX_INLINE_SIZE as usize;
    let mut distinct = MutableBinaryViewArray::<str>::new();
    let mut position: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for v in values.iter().filter(|v| long(v)) {
        position.entry(v).or_insert_with(|| {
            distinct.push_value(*v);
            distinct.len() - 1
        });
    }
    let distinct = distinct.freeze();
    let mut out = MutableBinaryViewArray::<str>::with_capacity(values.len());
    for v in values {
        match position.get(v) {
            Some(&i) => out.push_view(distinct.views()[i], distinct.data_buffers()),
            None => out.push_value(*v),
        }
    }
    StringChunked::with_chunk(name.into(), out.freeze()).into_column()
}

/// Counted submissions of one form, in batch order.
fn counted<'a>(
    batch: &'a Batch,
    pick: impl Fn(&'a SubmissionData) -> bool + 'a,
) -> impl Iterator<Item = &'a Submission> + 'a {
    batch
        .submissions
        .iter()
        .filter(move |s| s.counted && pick(&s.data))
}

/// Key columns every frame starts with, one value per row.
#[derive(Default)]
struct Keys<'a> {
    unit_id: Vec<&'a str>,
    unit_name: Vec<&'a str>,
    district: Vec<&'a str>,
    period: Vec<String>,
    source_file: Vec<&'a str>,
    sheet: Vec<&'a str>,
    cell: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    fn push(&mut self, s: &'a Submission, cell: &'a str) {
        self.unit_id.push(&s.unit.unit_id);
        self.unit_name.push(&s.unit.name);
        self.district.push(&s.unit.district);
        self.period.push(s.period.to_string());
        self.source_file.push(&s.file);
        self.sheet.push(&s.sheet);
        self.cell.push(cell);
    }

    fn head(&self) -> Vec<Column> {
        vec![
            text_column("unit_id", &self.unit_id),
            text_column("unit_name", &self.unit_name),
            text_column("district", &self.district),
            Column::new("period".into(), &self.period),
        ]
    }

    fn tail(&self) -> Vec<Column> {
        vec![
            text_column("source_file", &self.source_file),
            text_column("sheet", &self.sheet),
            text_column("cell", &self.cell),
        ]
    }

    fn frame(&self, middle: Vec<Column>) -> Result<DataFrame, AnalysisError> {
        let mut columns = self.head();
        columns.extend(middle);
        columns.extend(self.tail());
        Ok(DataFrame::new(self.unit_id.len(), columns)?)
    }
}

/// The `online_services` frame (Form B): one row per procedure of a counted submission.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn online_services_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut code, mut name, mut field) = (Vec::new(), Vec::new(), Vec::new());
    let (mut level, mut eligible, mut portal, mut total, mut online) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in counted(batch, |d| matches!(d, SubmissionData::B(_))) {
        let SubmissionData::B(rows) = &s.data else {
            continue;
        };
        for r in rows {
            k.push(s, &r.cell);
            code.push(r.procedure_code.as_str());
            name.push(r.procedure_name.as_str());
            field.push(r.field.as_str());
            level.push(i64::from(r.level));
            eligible.push(r.eligible_34);
            portal.push(r.on_national_portal);
            total.push(r.dossiers_total);
            online.push(r.dossiers_online);
        }
    }
    k.frame(vec![
        text_column("procedure_code", &code),
        text_column("procedure_name", &name),
        text_column("field", &field),
        Column::new("level".into(), level),
        Column::new("eligible_34".into(), eligible),
        Column::new("on_national_portal".into(), portal),
        Column::new("dossiers_total".into(), total),
        Column::new("dossiers_online".into(), online),
    ])
}

/// The `staffing` frame (Form C): one row per unit or school level of a counted submission.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn staffing_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut row_name, mut base_year, mut current_year) = (Vec::new(), Vec::new(), Vec::new());
    let (mut pu_b, mut pu_c, mut st_b, mut st_c, mut present) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in counted(batch, |d| matches!(d, SubmissionData::C { .. })) {
        let SubmissionData::C {
            base_year: by,
            current_year: cy,
            rows,
        } = &s.data
        else {
            continue;
        };
        for r in rows {
            k.push(s, &r.cell);
            row_name.push(r.name.as_str());
            base_year.push(i64::from(*by));
            current_year.push(i64::from(*cy));
            pu_b.push(r.public_units.map(|v| v[0]));
            pu_c.push(r.public_units.map(|v| v[1]));
            st_b.push(r.state_paid_staff.map(|v| v[0]));
            st_c.push(r.state_paid_staff.map(|v| v[1]));
            present.push(r.staff_present);
        }
    }
    k.frame(vec![
        text_column("row_name", &row_name),
        Column::new("base_year".into(), base_year),
        Column::new("current_year".into(), current_year),
        Column::new("public_units_base".into(), pu_b),
        Column::new("public_units_current".into(), pu_c),
        Column::new("state_paid_staff_base".into(), st_b),
        Column::new("state_paid_staff_current".into(), st_c),
        Column::new("staff_present".into(), present),
    ])
}

/// The `indicators` frame (Form D): one row per indicator matched to a target.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn indicators_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut target, mut indicator, mut uom) = (Vec::new(), Vec::new(), Vec::new());
    let (mut num, mut den, mut ratio, mut verifiable) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in counted(batch, |d| matches!(d, SubmissionData::D(_))) {
        let SubmissionData::D(rows) = &s.data else {
            continue;
        };
        for r in rows {
            k.push(s, &r.cell);
            target.push(r.target_id.as_str());
            indicator.push(r.indicator.as_str());
            uom.push(r.unit_of_measure.as_str());
            num.push(r.numerator);
            den.push(r.denominator);
            ratio.push(r.ratio);
            verifiable.push(r.verifiable());
        }
    }
    k.frame(vec![
        text_column("target_id", &target),
        text_column("indicator", &indicator),
        text_column("unit_of_measure", &uom),
        Column::new("numerator".into(), num),
        Column::new("denominator".into(), den),
        Column::new("ratio".into(), ratio),
        Column::new("verifiable".into(), verifiable),
    ])
}

/// The four normalised frames of a batch.
#[derive(Debug, Clone)]
pub struct Frames {
    /// Form A rows.
    pub dossiers: DataFrame,
    /// Form B rows.
    pub online_services: DataFrame,
    /// Form C rows.
    pub staffing: DataFrame,
    /// Form D rows.
    pub indicators: DataFrame,
}

impl Frames {
    /// Each frame's name and polars' estimate of the memory it holds, in bytes.
    pub fn estimated_sizes(&self) -> [(&'static str, usize); 4] {
        [
            ("dossiers", self.dossiers.estimated_size()),
            ("online_services", self.online_services.estimated_size()),
            ("staffing", self.staffing.estimated_size()),
            ("indicators", self.indicators.estimated_size()),
        ]
    }

    /// Builds every frame of a batch.
    ///
    /// # Errors
    /// [`AnalysisError::Frame`] if polars refuses a column.
    pub fn from_batch(batch: &Batch) -> Result<Frames, AnalysisError> {
        // Four independent frames: built side by side.
        let ((dossiers, online_services), (staffing, indicators)) = rayon::join(
            || rayon::join(|| dossiers_frame(batch), || online_services_frame(batch)),
            || rayon::join(|| staffing_frame(batch), || indicators_frame(batch)),
        );
        Ok(Frames {
            dossiers: dossiers?,
            online_services: online_services?,
            staffing: staffing?,
            indicators: indicators?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_column_keeps_values_and_stores_each_long_one_once() {
        let long_a = "Phòng Giáo dục và Đào tạo huyện Văn Lâm"; // 52 bytes in UTF-8
        let long_b = "Trường THPT Nguyễn Trung Ngạn"; // 36 bytes
        let mut values = Vec::new();
        for i in 0..1000 {
            values.push(if i % 3 == 0 { long_b } else { long_a });
            values.push("A7"); // short: kept in the view itself
        }
        values.push("");
        let col = text_column("x", &values);
        let ca = col.str().expect("a String column");
        assert_eq!(ca.len(), values.len());
        for (i, v) in values.iter().enumerate() {
            assert_eq!(ca.get(i), Some(*v), "row {i}");
        }
        // The long values' bytes, once each: 52 + 36 = 88 (not 2,000 rows' worth).
        let bytes: usize = ca.downcast_iter().map(|a| a.total_buffer_len()).sum();
        assert_eq!(long_a.len() + long_b.len(), 88);
        assert_eq!(bytes, 88);
    }
}
