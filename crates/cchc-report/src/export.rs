//! `--export DIR`: `attainment.csv`, `findings.csv`, and each normalised frame
//! (`dossiers`, `online_services`, `staffing`, `indicators`) as CSV and Parquet.
//!
//! CSV files are UTF-8 with a header line, comma-separated, quoted where needed;
//! text is written exactly as read (no formula escaping: these files are for
//! programs, the workbook is for people).

use std::path::Path;

use cchc_analysis::frames::Frames;
use polars::prelude::*;

use crate::{write_atomic, ReportError};

/// Writes a frame as CSV: integers plain, floats with up to 12 significant
/// decimals and no exponent, nulls empty.
///
/// # Errors
/// [`ReportError`] on a column polars cannot read or a write failure.
pub fn frame_to_csv(df: &DataFrame) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    let cols = df.columns();
    for i in 0..df.height() {
        let mut rec = Vec::with_capacity(cols.len());
        for c in cols {
            let v = c.get(i)?;
            rec.push(match v {
                AnyValue::Null => String::new(),
                AnyValue::String(s) => s.to_string(),
                AnyValue::StringOwned(s) => s.to_string(),
                AnyValue::Float64(f) => format_float(f),
                AnyValue::Float32(f) => format_float(f64::from(f)),
                other => other.to_string(),
            });
        }
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| ReportError::Csv(e.into_error().into()))
}

/// `0.8`, `0.666666666667`, `1`: plain decimals, at most 12 places, no trailing zeros.
pub fn format_float(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let s = format!("{f:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// Writes a frame as Parquet (zstd-free, uncompressed statistics kept simple).
///
/// # Errors
/// [`ReportError`] if polars cannot write it.
pub fn frame_to_parquet(df: &DataFrame) -> Result<Vec<u8>, ReportError> {
    let mut buf = Vec::new();
    let mut df = df.clone();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    Ok(buf)
}

/// The frames of one run, for export.
pub struct Exports<'a> {
    /// `attainment.csv`.
    pub attainment: &'a DataFrame,
    /// `findings.csv`.
    pub findings: &'a DataFrame,
    /// The normalised frames, each as CSV and Parquet.
    pub frames: &'a Frames,
}

/// Writes every export into `dir` (created if needed).
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_exports(dir: &Path, e: &Exports<'_>) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io { path: dir.to_path_buf(), source })?;
    write_atomic(&dir.join("attainment.csv"), &frame_to_csv(e.attainment)?)?;
    write_atomic(&dir.join("findings.csv"), &frame_to_csv(e.findings)?)?;
    let f = e.frames;
    for (name, df) in [("dossiers", &f.dossiers), ("online_services", &f.online_services), ("staffing", &f.staffing), ("indicators", &f.indicators)] {
        write_atomic(&dir.join(format!("{name}.csv")), &frame_to_csv(df)?)?;
        write_atomic(&dir.join(format!("{name}.parquet")), &frame_to_parquet(df)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_plain() {
        assert_eq!(format_float(0.8), "0.8");
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(2.0 / 3.0), "0.666666666667");
        assert_eq!(format_float(0.025), "0.025");
    }

    #[test]
    fn csv_quotes_and_nulls() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("a".into(), &["x,y", "=1+1"]),
                Column::new("n".into(), &[Some(3i64), None]),
            ],
        )
        .expect("frame");
        let text = String::from_utf8(frame_to_csv(&df).expect("csv")).expect("utf8");
        assert_eq!(text, "a,n\n\"x,y\",3\n=1+1,\n");
    }
}
