//! `--export DIR`: `attainment.csv`, `findings.csv`, and each normalised frame
//! (`dossiers`, `online_services`, `staffing`, `indicators`) as CSV and Parquet, the
//! Parquet also as a Hive-partitioned dataset under `DIR/parquet/` (see
//! [`write_partitioned`]).
//!
//! CSV files are written as [`crate::csv_out`] says (text safe to open unless
//! `--csv-raw`); Parquet is always exact.

use std::path::Path;

use cchc_analysis::attainment::{Attainment, ATTAINMENT_COLUMNS};
use cchc_analysis::frames::{findings_frame, Frames};
use cchc_domain::finding::Finding;
use cchc_domain::target::{Catalogue, Fraction};
use polars::prelude::*;

use crate::csv_out::push_float;
pub use crate::csv_out::{format_float, frame_to_csv, write_csv, CsvText};
use crate::{write_atomic_with, ReportError};

/// Writes a frame as Parquet (see [`write_parquet`]).
///
/// # Errors
/// [`ReportError`] if polars cannot write it.
pub fn frame_to_parquet(df: &DataFrame) -> Result<Vec<u8>, ReportError> {
    let mut buf = Vec::new();
    write_parquet(df, &mut buf)?;
    Ok(buf)
}

/// Rows per Parquet row group, roughly (see [`write_parquet`]).
pub const ROW_GROUP_ROWS: usize = 16_384;

/// Writes a frame as Parquet into `out`.
///
/// # Errors
/// [`ReportError::Frame`] if polars cannot write the frame.
pub fn write_parquet(df: &DataFrame, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut df = df.clone();
    // Row groups of about 16,384 rows (polars makes ⌊rows ÷ 16,384⌋ equal groups): a
    // reader skips by unit (rows are in unit order) with the groups' statistics.
    // Snappy, the codec every Parquet reader has (Spark's and pyarrow's default): polars'
    // default zstd took a quarter of the exports' work for files that are small anyway.
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Snappy)
        .with_row_group_size(Some(ROW_GROUP_ROWS))
        .finish(&mut df)?;
    Ok(())
}

/// The frames of one run, for export.
pub struct Exports<'a> {
    /// The attainment rows of every period, for `attainment.csv`.
    pub attainment: &'a [Attainment],
    /// The targets judged (threshold and comparator columns of `attainment.csv`).
    pub catalogue: &'a Catalogue,
    /// `findings.csv`.
    pub findings: &'a [Finding],
    /// The normalised frames, each as CSV and Parquet.
    pub frames: &'a Frames,
    /// The province the run consolidates: a level of the partitioned Parquet tree.
    pub province: &'a str,
    /// How CSV text cells are written.
    pub csv: CsvText,
}

/// Writes every export into `dir` (created if needed).
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_exports(dir: &Path, e: &Exports<'_>) -> Result<(), ReportError> {
    write_summary_exports(dir, e.attainment, e.catalogue, e.findings, e.csv)?;
    write_frame_exports(dir, e.frames, e.province, e.csv)
}

fn create_dir(dir: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// The part of [`write_exports`] that needs the attainment: `attainment.csv` and
/// `findings.csv`.
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_summary_exports(
    dir: &Path,
    attainment: &[Attainment],
    catalogue: &Catalogue,
    findings: &[Finding],
    csv: CsvText,
) -> Result<(), ReportError> {
    create_dir(dir)?;
    write_atomic_with(&dir.join("attainment.csv"), |w| {
        write_attainment_csv(attainment, catalogue, w, csv)
    })?;
    let findings = findings_frame(findings)?;
    write_atomic_with(&dir.join("findings.csv"), |w| write_csv(&findings, w, csv))
}

/// `attainment.csv` straight from the rows, with the columns and formatting of
/// [`write_csv`] applied to [`attainment_frame`] (the same bytes; a test holds them
/// equal) but without building that frame: at 10,000 units it has 200,000 rows.
///
/// # Errors
/// [`ReportError`] on a write failure.
pub fn write_attainment_csv(
    rows: &[Attainment],
    catalogue: &Catalogue,
    out: &mut dyn std::io::Write,
    text: CsvText,
) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ATTAINMENT_COLUMNS)?;
    let mut number = itoa::Buffer::new();
    let mut field = String::new();
    let mut float = |w: &mut csv::Writer<&mut dyn std::io::Write>, v: Option<f64>| {
        field.clear();
        if let Some(v) = v {
            push_float(&mut field, v);
        }
        w.write_field(&field)
    };
    // Rows come target by target for each scope: the catalogue lookup is remembered.
    let mut target: Option<&cchc_domain::target::Target> = None;
    for r in rows {
        if target.is_none_or(|t| *t.id != *r.target_id) {
            target = catalogue.get(&r.target_id);
        }
        w.write_field(r.scope.id())?;
        w.write_field(&*text.cell(&r.scope_id))?;
        w.write_field(&*r.period)?;
        w.write_field(&*r.target_id)?;
        float(&mut w, r.numerator.map(Fraction::to_f64))?;
        float(&mut w, r.denominator.map(Fraction::to_f64))?;
        float(&mut w, r.value())?;
        float(&mut w, target.map(|t| t.threshold.to_f64()))?;
        w.write_field(target.map_or("", |t| t.comparator.symbol()))?;
        w.write_field(r.status.id())?;
        match r.gap.and_then(|g| i64::try_from(g).ok()) {
            Some(g) => w.write_field(number.format(g))?,
            None => w.write_field("")?,
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

/// The part of [`write_exports`] that needs only the frames (so it can be written
/// while the attainment is computed): each frame as CSV, Parquet and Hive partitions.
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_frame_exports(
    dir: &Path,
    f: &Frames,
    province: &str,
    csv: CsvText,
) -> Result<(), ReportError> {
    // A frame's clone shares its columns: nothing is copied.
    write_frame_exports_consuming(dir, f.clone(), province, csv)
}

/// [`write_frame_exports`] that lets each frame go once it is written (the run no
/// longer needs it), so the frames' memory is returned while the report is written.
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_frame_exports_consuming(
    dir: &Path,
    f: Frames,
    province: &str,
    csv: CsvText,
) -> Result<(), ReportError> {
    create_dir(dir)?;
    for (name, df) in [
        ("dossiers", f.dossiers),
        ("online_services", f.online_services),
        ("staffing", f.staffing),
        ("indicators", f.indicators),
    ] {
        write_frame_export(dir, name, &df, province, csv)?;
    }
    Ok(())
}

/// The dossier-level frames (DOMAIN.md §11): `dossier_records` as CSV, Parquet and a
/// Hive-partitioned dataset by the month received (`received_month=2022-03`), and
/// `late_dossiers` as CSV, Parquet and partitioned by period. Written only for a batch
/// with dossiers.
///
/// # Errors
/// [`ReportError`] if a frame or a file cannot be written.
pub fn write_dossier_exports(
    dir: &Path,
    records: &DataFrame,
    late: &DataFrame,
    province: &str,
    csv: CsvText,
) -> Result<(), ReportError> {
    create_dir(dir)?;
    write_atomic_with(&dir.join("dossier_records.csv"), |w| {
        write_csv(records, w, csv)
    })?;
    write_atomic_with(&dir.join("dossier_records.parquet"), |w| {
        write_parquet(records, w)
    })?;
    let month: Vec<Option<String>> = records
        .column("received")?
        .str()?
        .iter()
        .map(|d| d.and_then(|d| d.get(..7)).map(str::to_string))
        .collect();
    let mut by_month = records.clone();
    by_month.with_column(Column::new("received_month".into(), month))?;
    write_partitioned_by(
        &dir.join("parquet"),
        "dossier_records",
        &by_month,
        "received_month",
        province,
    )?;
    write_frame_export(dir, "late_dossiers", late, province, csv)
}

/// One frame as `<name>.csv`, `<name>.parquet` and its Hive partitions.
fn write_frame_export(
    dir: &Path,
    name: &str,
    df: &DataFrame,
    province: &str,
    csv: CsvText,
) -> Result<(), ReportError> {
    write_atomic_with(&dir.join(format!("{name}.csv")), |w| write_csv(df, w, csv))?;
    write_atomic_with(&dir.join(format!("{name}.parquet")), |w| {
        write_parquet(df, w)
    })?;
    write_partitioned(&dir.join("parquet"), name, df, province)
}

/// The directory name of a province in the partitioned tree: `hung-yen`.
pub fn province_slug(province: &str) -> String {
    cchc_domain::text::normalize(province).replace(' ', "-")
}

/// Writes a frame as a Hive-partitioned Parquet dataset:
/// `root/<frame>/period=<period>/province=<slug>/part-0.parquet`, the `period` column
/// moved into the path, rows sorted by `unit_id` (so row-group statistics find a unit
/// without a directory per unit). Each run replaces only its own partitions, so the
/// trees of many runs (quarters, provinces) can be merged by copying them together.
///
/// # Errors
/// [`ReportError`] if polars cannot split or write the frame, or a file cannot be written.
pub fn write_partitioned(
    root: &Path,
    name: &str,
    df: &DataFrame,
    province: &str,
) -> Result<(), ReportError> {
    write_partitioned_by(root, name, df, "period", province)
}

/// [`write_partitioned`] by another column (`received_month`).
///
/// # Errors
/// [`ReportError`] if polars cannot split or write the frame, or a file cannot be written.
pub fn write_partitioned_by(
    root: &Path,
    name: &str,
    df: &DataFrame,
    key: &str,
    province: &str,
) -> Result<(), ReportError> {
    let periods: std::collections::BTreeSet<String> = df
        .column(key)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let slug = province_slug(province);
    let periods_count = periods.len();
    for period in periods {
        // One period (the usual run) needs no filtering, and frames already in unit
        // order no sorting: neither then copies the frame.
        let part = if periods_count == 1 {
            df.drop(key)?
        } else {
            let mask = df.column(key)?.str()?.equal(period.as_str());
            df.filter(&mask)?.drop(key)?
        };
        let part = if part.column("unit_id")?.str()?.iter().is_sorted() {
            part
        } else {
            part.sort(
                ["unit_id"],
                SortMultipleOptions::default().with_maintain_order(true),
            )?
        };
        let dir = root
            .join(name)
            .join(format!("{key}={period}"))
            .join(format!("province={slug}"));
        std::fs::create_dir_all(&dir).map_err(|source| ReportError::Io {
            path: dir.clone(),
            source,
        })?;
        write_atomic_with(&dir.join("part-0.parquet"), |w| write_parquet(&part, w))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cchc_analysis::attainment::{attainment_frame, Scope, Status};

    #[test]
    fn attainment_csv_is_the_frame_written_as_csv() {
        // The direct writer against the general one (frame + write_csv): every kind of
        // value — none, whole, a fraction with no finite decimal form, negative gap, a
        // target the catalogue does not know, scopes and statuses of every kind.
        let cat = Catalogue::default_2022();
        let ids: Vec<String> = cat.targets.iter().map(|t| t.id.clone()).collect();
        let frac = |num, den| Some(Fraction { num, den });
        let row = |scope, scope_id: &str, target: &str, n, d, value, status, gap| Attainment {
            period: "2022-Q1".into(),
            scope,
            scope_id: scope_id.into(),
            target_id: target.into(),
            numerator: n,
            denominator: d,
            value,
            status,
            gap,
        };
        let rows = vec![
            row(
                Scope::Unit,
                "u1",
                &ids[0],
                frac(2, 3),
                frac(1, 1),
                Some(2.0 / 3.0),
                Status::NotMet,
                Some(-4),
            ),
            row(
                Scope::Unit,
                "u1",
                &ids[1],
                frac(10, 1),
                frac(10, 1),
                Some(1.0),
                Status::Met,
                Some(0),
            ),
            row(
                Scope::Unit,
                "u1",
                &ids[1],
                None,
                None,
                None,
                Status::NoData,
                None,
            ),
            row(
                Scope::Unit,
                "u2, \"x\"",
                &ids[2],
                frac(0, 1),
                frac(0, 1),
                None,
                Status::NotApplicable,
                None,
            ),
            row(
                Scope::District,
                "Văn Lâm",
                &ids[2],
                None,
                None,
                Some(0.125),
                Status::Met,
                None,
            ),
            row(
                Scope::Province,
                "Hưng Yên",
                "no.such.target",
                frac(7, 8),
                frac(1, 1),
                Some(0.875),
                Status::Met,
                Some(i128::MAX),
            ),
        ];
        let mut direct = Vec::new();
        write_attainment_csv(&rows, &cat, &mut direct, CsvText::Safe).expect("direct");
        let frame = attainment_frame(&rows, &cat).expect("frame");
        let general = frame_to_csv(&frame).expect("general");
        assert_eq!(
            String::from_utf8(direct).expect("utf8"),
            String::from_utf8(general).expect("utf8")
        );
    }

    #[test]
    fn parquet_is_written_in_row_groups() {
        // polars splits a frame into ⌊rows ÷ 16,384⌋ equal groups: 40,000 rows → ⌊2.44⌋ = 2
        // groups of 20,000 (one group of 40,000 without the setting).
        let ids: Vec<String> = (0..40_000).map(|i| format!("u{i:05}")).collect();
        let df = DataFrame::new(40_000, vec![Column::new("unit_id".into(), ids)]).expect("frame");
        let bytes = frame_to_parquet(&df).expect("parquet");
        let mut reader = ParquetReader::new(std::io::Cursor::new(bytes));
        let groups: Vec<usize> = reader
            .get_metadata()
            .expect("metadata")
            .row_groups
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups, [20_000, 20_000]);
        assert_eq!(reader.finish().expect("read").height(), 40_000);
    }
}
