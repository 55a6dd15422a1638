//! The normalised polars frames: `dossiers` and `findings`.

use cchc_domain::finding::Finding;
use cchc_domain::measure::Measure;
use cchc_domain::target::Form;
use cchc_read::batch::SubmissionData;
use cchc_read::{Batch, Submission};
use polars::prelude::*;

use crate::AnalysisError;

/// Identity columns of the `dossiers` frame, before the measures.
pub const DOSSIER_KEY_COLUMNS: [&str; 5] = ["unit_id", "unit_name", "district", "period", "field"];
/// The `dossiers` frame's column saying whether a row was `submitted` (read from a
/// unit's table) or `computed` (from its dossiers), after the measures.
pub const DOSSIER_SOURCE_COLUMN: &str = "source";
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
    dossiers_of(counted(batch))
}

fn dossiers_of<'a>(
    submissions: impl Iterator<Item = (&'a Submission, &'a SubmissionData)>,
) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let mut field: Vec<&str> = Vec::new();
    // Required measures are never null; an optional one is null on the rows of a table
    // without its column.
    let mut measures: Vec<Vec<Option<i64>>> = vec![Vec::new(); Measure::count()];
    for (s, data) in submissions {
        let SubmissionData::A(rows) = data else {
            continue;
        };
        for r in rows {
            k.push(s, &r.cell);
            field.push(&r.label);
            for (m, col) in Measure::all().zip(measures.iter_mut()) {
                col.push(r.get(m));
            }
        }
    }
    let mut middle = vec![text_column(DOSSIER_KEY_COLUMNS[4], &field)];
    for (m, col) in Measure::all().zip(&measures) {
        middle.push(match m.required() {
            true => Column::new(
                m.id().into(),
                col.iter().map(|v| v.unwrap_or(0)).collect::<Vec<i64>>(),
            ),
            false => Column::new(m.id().into(), col),
        });
    }
    // Where the row's figures come from: a table the unit sent, or its dossiers in a
    // one-stop-shop export (DOMAIN.md §11).
    middle.push(k.column(DOSSIER_SOURCE_COLUMN, |s| match s.computed {
        true => "computed",
        false => "submitted",
    }));
    k.frame(middle)
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
    runs_column(name, values.iter().map(|v| (*v, 1)), values.len())
}

/// [`text_column`] from runs of a repeated value (`value`, rows), `rows` in all: a
/// value that is the same for every row of a submission is listed once per submission.
fn runs_column<'a>(
    name: &str,
    runs: impl Iterator<Item = (&'a str, usize)> + Clone,
    rows: usize,
) -> Column {
    use polars_arrow::array::MutableBinaryViewArray;
    let long = |v: &str| v.len() > polars_arrow::array::View::MAX_INLINE_SIZE as usize;
    let mut distinct = MutableBinaryViewArray::<str>::new();
    let mut position: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (v, _) in runs.clone().filter(|(v, _)| long(v)) {
        position.entry(v).or_insert_with(|| {
            distinct.push_value(v);
            distinct.len() - 1
        });
    }
    let distinct = distinct.freeze();
    let mut out = MutableBinaryViewArray::<str>::with_capacity(rows);
    for (v, n) in runs {
        match position.get(v) {
            Some(&i) => {
                for _ in 0..n {
                    out.push_view(distinct.views()[i], distinct.data_buffers());
                }
            }
            None => {
                for _ in 0..n {
                    out.push_value(v);
                }
            }
        }
    }
    StringChunked::with_chunk(name.into(), out.freeze()).into_column()
}

/// Counted submissions with their rows, in batch order.
fn counted(batch: &Batch) -> impl Iterator<Item = (&Submission, &SubmissionData)> {
    batch
        .submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| (s, &s.data))
}

/// The `period` column, written once per submission rather than once per row.
#[derive(Default)]
struct Periods {
    texts: Vec<String>,
    last: Option<cchc_domain::period::Period>,
    rows: Vec<u32>,
}

impl Periods {
    fn push(&mut self, s: &Submission) {
        if self.last != Some(s.period) {
            self.last = Some(s.period);
            self.texts.push(s.period.to_string());
        }
        self.rows.push((self.texts.len() - 1) as u32);
    }

    fn column(&self) -> Column {
        let values: Vec<&str> = self
            .rows
            .iter()
            .map(|&i| self.texts[i as usize].as_str())
            .collect();
        Column::new("period".into(), values)
    }
}

/// Key columns every frame starts with: the submission's unit, period, file and sheet
/// once per submission (with how many rows it has), the cell once per row.
#[derive(Default)]
struct Keys<'a> {
    runs: Vec<(&'a Submission, usize)>,
    period: Periods,
    cell: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    fn push(&mut self, s: &'a Submission, cell: &'a str) {
        match self.runs.last_mut() {
            Some((last, n)) if std::ptr::eq(*last, s) => *n += 1,
            _ => self.runs.push((s, 1)),
        }
        self.period.push(s);
        self.cell.push(cell);
    }

    fn column(&self, name: &str, value: impl Fn(&'a Submission) -> &'a str) -> Column {
        runs_column(
            name,
            self.runs.iter().map(|&(s, n)| (value(s), n)),
            self.cell.len(),
        )
    }

    fn head(&self) -> Vec<Column> {
        vec![
            self.column("unit_id", |s| &s.unit.unit_id),
            self.column("unit_name", |s| &s.unit.name),
            self.column("district", |s| &s.unit.district),
            self.period.column(),
        ]
    }

    fn tail(&self) -> Vec<Column> {
        vec![
            self.column("source_file", |s| &s.file),
            self.column("sheet", |s| &s.sheet),
            text_column("cell", &self.cell),
        ]
    }

    fn frame(&self, middle: Vec<Column>) -> Result<DataFrame, AnalysisError> {
        let mut columns = self.head();
        columns.extend(middle);
        columns.extend(self.tail());
        Ok(DataFrame::new(self.cell.len(), columns)?)
    }
}

/// The `online_services` frame (Form B): one row per procedure of a counted submission.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn online_services_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    online_services_of(counted(batch))
}

fn online_services_of<'a>(
    submissions: impl Iterator<Item = (&'a Submission, &'a SubmissionData)>,
) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut code, mut name, mut field) = (Vec::new(), Vec::new(), Vec::new());
    let (mut level, mut eligible, mut portal, mut total, mut online) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (s, data) in submissions {
        let SubmissionData::B(rows) = data else {
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
    staffing_of(counted(batch))
}

fn staffing_of<'a>(
    submissions: impl Iterator<Item = (&'a Submission, &'a SubmissionData)>,
) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut row_name, mut base_year, mut current_year) = (Vec::new(), Vec::new(), Vec::new());
    let (mut pu_b, mut pu_c, mut st_b, mut st_c, mut present) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (s, data) in submissions {
        let SubmissionData::C {
            base_year: by,
            current_year: cy,
            rows,
        } = data
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
    indicators_of(counted(batch))
}

fn indicators_of<'a>(
    submissions: impl Iterator<Item = (&'a Submission, &'a SubmissionData)>,
) -> Result<DataFrame, AnalysisError> {
    let mut k = Keys::default();
    let (mut target, mut indicator, mut uom) = (Vec::new(), Vec::new(), Vec::new());
    let (mut num, mut den, mut ratio, mut verifiable) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (s, data) in submissions {
        let SubmissionData::D(rows) = data else {
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

/// Above this many rows in all, [`Frames::take_from_batch`] builds one frame at a time
/// (memory); at or below, two at a time (time). 100,000 rows of frames are ≈ 25 MB; at
/// 250,000 rows (10,000 workbooks) two frames built side by side on top of the rows read
/// pushed the peak from 184 MB to 204 MB.
pub const PARALLEL_FRAME_ROWS: usize = 100_000;

/// One form's frame from its rows (taken from their submissions), the rows then freed.
fn build(
    form: Form,
    rows: Vec<(usize, SubmissionData)>,
    subs: &[Submission],
) -> Result<DataFrame, AnalysisError> {
    let it = rows.iter().map(|(i, d)| (&subs[*i], d));
    let frame = match form {
        Form::A => dossiers_of(it),
        Form::B => online_services_of(it),
        Form::C => staffing_of(it),
        Form::D => indicators_of(it),
    };
    drop(rows);
    frame
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

    /// [`Frames::from_batch`] that takes the counted submissions' rows out of the
    /// batch (each is left with no rows) and lets each form's rows go as soon as its
    /// frame is built: the rows read and the frames are never all held at once.
    ///
    /// # Errors
    /// [`AnalysisError::Frame`] if polars refuses a column.
    pub fn take_from_batch(batch: &mut Batch) -> Result<Frames, AnalysisError> {
        Frames::take_from_batch_above(batch, PARALLEL_FRAME_ROWS)
    }

    /// [`Frames::take_from_batch`], one frame at a time above `parallel_rows` rows.
    fn take_from_batch_above(
        batch: &mut Batch,
        parallel_rows: usize,
    ) -> Result<Frames, AnalysisError> {
        let rows = batch.counted_rows();
        let mut by_form: [Vec<(usize, SubmissionData)>; 4] = Default::default();
        for (i, s) in batch.submissions.iter_mut().enumerate() {
            if !s.counted {
                continue;
            }
            let empty = match &s.data {
                SubmissionData::A(_) => SubmissionData::A(Vec::new()),
                SubmissionData::B(_) => SubmissionData::B(Vec::new()),
                SubmissionData::C {
                    base_year,
                    current_year,
                    ..
                } => SubmissionData::C {
                    base_year: *base_year,
                    current_year: *current_year,
                    rows: Vec::new(),
                },
                SubmissionData::D(_) => SubmissionData::D(Vec::new()),
            };
            let data = std::mem::replace(&mut s.data, empty);
            let form = data.form() as usize;
            by_form[form].push((i, data));
        }
        let subs = &batch.submissions;
        let [a, b, c, d] = by_form;
        // Two lanes: D (the most rows) then C, and B then A.
        let d_then_c = move || (build(Form::D, d, subs), build(Form::C, c, subs));
        let b_then_a = move || (build(Form::B, b, subs), build(Form::A, a, subs));
        let ((indicators, staffing), (online_services, dossiers)) = if rows <= parallel_rows {
            // A small batch: the lanes side by side, one per core.
            rayon::join(d_then_c, b_then_a)
        } else {
            // A large one: one frame at a time, so that rows and frames never peak together.
            (d_then_c(), b_then_a())
        };
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
    fn frames_taken_from_the_batch_are_the_frames_built_from_it() {
        // The sample batch (all four forms, several periods' worth of layouts).
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
        let registry = cchc_domain::unit::Registry::from_csv(
            &std::fs::read_to_string(samples.join("units.csv")).expect("units.csv"),
        )
        .expect("registry");
        let opts = cchc_read::batch::BatchOptions {
            registry,
            ..Default::default()
        };
        let batch = cchc_read::batch::read_batch(&[samples], &opts, &|| {});
        let built = Frames::from_batch(&batch).expect("built");
        let counted_rows: usize = batch
            .submissions
            .iter()
            .filter(|s| s.counted)
            .map(|s| s.data.len())
            .sum();
        // Both ways of building them: two at a time, and one at a time.
        for parallel_rows in [usize::MAX, 0] {
            let mut batch = batch.clone();
            let taken = Frames::take_from_batch_above(&mut batch, parallel_rows).expect("taken");
            for ((name, a), (_, b)) in [
                ("dossiers", &built.dossiers),
                ("online_services", &built.online_services),
                ("staffing", &built.staffing),
                ("indicators", &built.indicators),
            ]
            .into_iter()
            .zip([
                ("dossiers", &taken.dossiers),
                ("online_services", &taken.online_services),
                ("staffing", &taken.staffing),
                ("indicators", &taken.indicators),
            ]) {
                assert!(
                    a.height() > 0,
                    "{name}: the samples have rows of every form"
                );
                assert!(a.equals_missing(b), "{name} differs");
            }
            let heights = built.dossiers.height()
                + built.online_services.height()
                + built.staffing.height()
                + built.indicators.height();
            assert_eq!(heights, counted_rows);
            // The counted submissions keep their unit, file and form, not their rows.
            assert!(batch
                .submissions
                .iter()
                .filter(|s| s.counted)
                .all(|s| s.data.is_empty()));
        }
    }

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
