//! The frames of dossier-level data (DOMAIN.md §11): `dossier_records`, one row per
//! dossier of the batch's one-stop-shop exports, and `late_dossiers`, each classified
//! period's dossiers finished late or overdue at its end. Days are ISO text
//! (`2022-03-07`): they sort and compare as days in any engine (DuckDB, Spark SQL,
//! polars) and cast to a date there.

use cchc_domain::period::Period;
use cchc_read::batch::{BatchDossier, LateDossier};
use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame};

use crate::frames::text_column;
use crate::AnalysisError;

/// Columns of `dossier_records`, in order.
pub const DOSSIER_RECORD_COLUMNS: [&str; 20] = [
    "unit_id",
    "unit_name",
    "district",
    "dossier_id",
    "procedure_code",
    "procedure_name",
    "field",
    "agency",
    "received",
    "received_time",
    "due",
    "due_from_limit",
    "time_limit",
    "finished",
    "returned",
    "status",
    "channel",
    "source_file",
    "sheet",
    "cell",
];

/// Columns of `late_dossiers`, in order.
pub const LATE_DOSSIER_COLUMNS: [&str; 15] = [
    "period",
    "unit_id",
    "unit_name",
    "dossier_id",
    "procedure_code",
    "procedure_name",
    "field",
    "received",
    "due",
    "finished",
    "days_late",
    "state",
    "source_file",
    "sheet",
    "cell",
];

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// `dossier_records`: every dossier counted once, sorted by unit (each unit's in reading order); `due` is the
/// due date used (the export's, else the time limit counted in working days,
/// `due_from_limit` then true).
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses a column.
pub fn dossier_records_frame(dossiers: &[BatchDossier]) -> Result<DataFrame, AnalysisError> {
    // By unit id, each unit's in reading order (a stable sort of references).
    let mut sorted: Vec<&BatchDossier> = dossiers.iter().collect();
    sorted.sort_by(|a, b| {
        if std::sync::Arc::ptr_eq(&a.shared.unit, &b.shared.unit) {
            std::cmp::Ordering::Equal
        } else {
            a.unit().unit_id.cmp(&b.unit().unit_id)
        }
    });
    let dossiers = sorted;
    let text =
        |f: fn(&BatchDossier) -> &str| -> Vec<&str> { dossiers.iter().map(|d| f(d)).collect() };
    let days = |f: fn(&BatchDossier) -> Option<NaiveDate>| -> Vec<Option<String>> {
        dossiers.iter().map(|d| day(f(d))).collect()
    };
    let due: Vec<Option<String>> = dossiers.iter().map(|d| day(Some(d.due))).collect();
    let from_limit: Vec<bool> = dossiers.iter().map(|d| d.due_from_limit).collect();
    let limit: Vec<Option<i32>> = dossiers
        .iter()
        .map(|d| d.time_limit.map(i32::from))
        .collect();
    let time: Vec<Option<String>> = dossiers
        .iter()
        .map(|d| {
            d.received_time
                .map(|t| t.time().format("%H:%M:%S").to_string())
        })
        .collect();
    let cells: Vec<String> = dossiers.iter().map(|d| d.cell()).collect();
    let n = DOSSIER_RECORD_COLUMNS;
    let columns = vec![
        text_column(n[0], &text(|d| &d.unit().unit_id)),
        text_column(n[1], &text(|d| &d.unit().name)),
        text_column(n[2], &text(|d| &d.unit().district)),
        text_column(n[3], &text(|d| &d.id)),
        text_column(n[4], &text(|d| &d.texts().procedure_code)),
        text_column(n[5], &text(|d| &d.texts().procedure_name)),
        text_column(n[6], &text(|d| &d.texts().field)),
        text_column(n[7], &text(|d| &d.texts().agency)),
        Column::new(n[8].into(), days(|d| Some(d.received))),
        Column::new(n[9].into(), time),
        Column::new(n[10].into(), due),
        Column::new(n[11].into(), from_limit),
        Column::new(n[12].into(), limit),
        Column::new(n[13].into(), days(|d| d.finished)),
        Column::new(n[14].into(), days(|d| d.returned)),
        text_column(n[15], &text(|d| &d.texts().status)),
        text_column(n[16], &text(|d| d.channel.id())),
        text_column(n[17], &text(|d| &d.source().file)),
        text_column(n[18], &text(|d| &d.source().sheet)),
        Column::new(n[19].into(), cells),
    ];
    Ok(DataFrame::new(dossiers.len(), columns)?)
}

/// `late_dossiers`: by period and unit, each unit's in reading order; `state` is `late` (finished after
/// its due date) or `overdue` (pending past it at the period's end), `days_late` the
/// calendar days past it.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses a column.
pub fn late_dossiers_frame(
    late: &[(Period, LateDossier)],
    names: &dyn Fn(&str) -> String,
) -> Result<DataFrame, AnalysisError> {
    let periods: Vec<String> = late.iter().map(|(p, _)| p.to_string()).collect();
    let unit_names: Vec<String> = late.iter().map(|(_, l)| names(l.unit_id())).collect();
    let text =
        |f: fn(&LateDossier) -> &str| -> Vec<&str> { late.iter().map(|(_, l)| f(l)).collect() };
    let n = LATE_DOSSIER_COLUMNS;
    let columns = vec![
        Column::new(n[0].into(), periods),
        text_column(n[1], &text(|l| l.unit_id())),
        Column::new(n[2].into(), unit_names),
        text_column(n[3], &text(|l| &l.id)),
        text_column(n[4], &text(|l| &l.texts().procedure_code)),
        text_column(n[5], &text(|l| &l.texts().procedure_name)),
        text_column(n[6], &text(|l| &l.texts().field)),
        Column::new(
            n[7].into(),
            late.iter()
                .map(|(_, l)| day(Some(l.received)))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            n[8].into(),
            late.iter()
                .map(|(_, l)| day(Some(l.due)))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            n[9].into(),
            late.iter()
                .map(|(_, l)| day(l.finished))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            n[10].into(),
            late.iter().map(|(_, l)| l.days_late).collect::<Vec<i64>>(),
        ),
        text_column(
            n[11],
            &text(|l| {
                if l.finished.is_some() {
                    "late"
                } else {
                    "overdue"
                }
            }),
        ),
        text_column(n[12], &text(|l| &l.source().file)),
        text_column(n[13], &text(|l| &l.source().sheet)),
        Column::new(
            n[14].into(),
            late.iter().map(|(_, l)| l.cell()).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(late.len(), columns)?)
}
