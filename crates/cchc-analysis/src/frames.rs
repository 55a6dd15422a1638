//! The normalised polars frames: `dossiers` and `findings`.

use cchc_domain::finding::Finding;
use cchc_domain::measure::Measure;
use cchc_read::Batch;
use polars::prelude::*;

use crate::AnalysisError;

/// Identity columns of the `dossiers` frame, before the measures.
pub const DOSSIER_KEY_COLUMNS: [&str; 5] = ["unit_id", "unit_name", "district", "period", "field"];
/// Provenance columns, after the measures.
pub const SOURCE_COLUMNS: [&str; 3] = ["source_file", "sheet", "cell"];
/// Columns of the `findings` frame.
pub const FINDING_COLUMNS: [&str; 7] = ["severity", "rule", "file", "sheet", "cell", "message", "raw"];

/// The `dossiers` frame: one row per accepted Form A row of a counted submission,
/// in submission order (unit, period, file, sheet) then sheet order.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns (a defect, not an input problem).
pub fn dossiers_frame(batch: &Batch) -> Result<DataFrame, AnalysisError> {
    let mut text: [Vec<String>; 8] = Default::default();
    let mut measures: Vec<Vec<i64>> = vec![Vec::new(); 11];
    for s in batch.submissions.iter().filter(|s| s.counted) {
        for r in &s.rows {
            let values = [
                s.unit.unit_id.clone(),
                s.unit.name.clone(),
                s.unit.district.clone(),
                s.period.to_string(),
                r.label.clone(),
                s.file.clone(),
                s.sheet.clone(),
                r.cell.clone(),
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
        columns.push(Column::new((*name).into(), values));
    }
    for m in Measure::ALL {
        columns.push(Column::new(m.id().into(), &measures[m.index()]));
    }
    for (name, values) in SOURCE_COLUMNS.iter().zip(&text[5..]) {
        columns.push(Column::new((*name).into(), values));
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
    let columns = FINDING_COLUMNS.iter().zip(cols.iter()).map(|(n, v)| Column::new((*n).into(), v)).collect();
    Ok(DataFrame::new(height, columns)?)
}
