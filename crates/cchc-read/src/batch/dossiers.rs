//! The dossiers of one-stop-shop exports tied to their units, and each dossier counted
//! once (DOMAIN.md §11): a dossier id seen again with the same data is a warning and
//! counts once; seen with different data, it is an error and counts nowhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::finding::{Finding, Rule};
use cchc_domain::unit::Registry;

use super::assemble::unit_words_of_file_name;
use super::FileStat;
use crate::dossier_export::{DossierRecord, DossierTable};

/// A dossier export's table, waiting for its units.
pub(super) struct ExportTable {
    pub(super) file: String,
    pub(super) sheet: String,
    /// The unit the lines above the table (or another sheet of the file) name.
    pub(super) written: Option<String>,
    /// The file name without its extension.
    pub(super) stem: String,
    /// `--unit`.
    pub(super) fallback: Option<String>,
    pub(super) table: DossierTable,
}

/// One dossier of the batch, tied to the unit that handles it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDossier {
    /// The unit's id.
    pub unit_id: Arc<str>,
    /// The unit's name.
    pub unit_name: Arc<str>,
    /// The unit's district.
    pub district: Arc<str>,
    /// Source file.
    pub file: Arc<str>,
    /// Source sheet.
    pub sheet: Arc<str>,
    /// The due date: the export's, else its time limit counted in working days.
    pub due: chrono::NaiveDate,
    /// The dossier.
    pub record: DossierRecord,
}

/// Everything but where it was read.
fn same_data(a: &BatchDossier, b: &BatchDossier) -> bool {
    let (x, y) = (&a.record, &b.record);
    a.unit_id == b.unit_id
        && (
            &x.id,
            &x.procedure_code,
            &x.procedure_name,
            &x.field,
            &x.status,
        ) == (
            &y.id,
            &y.procedure_code,
            &y.procedure_name,
            &y.field,
            &y.status,
        )
        && (x.received, x.received_time, x.due, x.finished, x.returned)
            == (y.received, y.received_time, y.due, y.finished, y.returned)
        && (x.channel, x.time_limit, x.supplement) == (y.channel, y.time_limit, y.supplement)
}

/// Ties every dossier to a unit (its agency column, else the table's unit line, the
/// file name, `--unit`), then keeps each dossier id once. Sorted by unit and id.
pub(super) fn assemble_dossiers(
    tables: Vec<ExportTable>,
    reg: &Registry,
    workdays: &cchc_domain::workdays::WorkCalendar,
    findings: &mut Vec<Finding>,
    stats: &mut BTreeMap<String, FileStat>,
) -> Vec<BatchDossier> {
    let mut all = Vec::new();
    for t in tables {
        let file: Arc<str> = Arc::from(t.file.as_str());
        let sheet: Arc<str> = Arc::from(t.sheet.as_str());
        let table_unit = t
            .written
            .as_deref()
            .and_then(|w| reg.match_name(w))
            .or_else(|| reg.match_name(&unit_words_of_file_name(&t.stem)))
            .or_else(|| t.fallback.as_deref().and_then(|f| reg.match_name(f)));
        // One look-up per agency as written; the unknown ones said once each.
        type Named = Option<(Arc<str>, Arc<str>, Arc<str>)>;
        let mut by_agency: BTreeMap<Arc<str>, Named> = BTreeMap::new();
        let mut unknown: BTreeMap<Arc<str>, (String, usize)> = BTreeMap::new();
        for record in t.table.rows {
            let named = by_agency
                .entry(record.agency.clone())
                .or_insert_with(|| {
                    let unit = if record.agency.is_empty() {
                        table_unit
                    } else {
                        reg.match_name(&record.agency)
                    };
                    unit.map(|u| {
                        (
                            Arc::from(u.unit_id.as_str()),
                            Arc::from(u.name.as_str()),
                            Arc::from(u.district.as_str()),
                        )
                    })
                })
                .clone();
            let r = &record;
            let due = r.due.or_else(|| {
                r.time_limit
                    .map(|n| workdays.due_date(r.received, r.received_time, n))
            });
            match (named, due) {
                (Some((unit_id, unit_name, district)), Some(due)) => all.push(BatchDossier {
                    unit_id,
                    unit_name,
                    district,
                    file: file.clone(),
                    sheet: sheet.clone(),
                    due,
                    record,
                }),
                // Read without a due date or a time limit: never (dossier.incomplete).
                (Some(_), None) => {}
                (None, _) => {
                    let e = unknown
                        .entry(record.agency.clone())
                        .or_insert_with(|| (record.cell.clone(), 0));
                    e.1 += 1;
                }
            }
        }
        for (agency, (cell, n)) in unknown {
            let written = if agency.is_empty() {
                t.written.clone().unwrap_or_else(|| t.stem.clone())
            } else {
                agency.to_string()
            };
            findings.push(
                Finding::file(
                    Rule::UnitUnknown,
                    &t.file,
                    format!(
                        "Cơ quan giải quyết \"{written}\" không có trong danh mục đơn vị: {n} hồ sơ không được tính"
                    ),
                )
                .at(&t.sheet, cell)
                .with_raw(written),
            );
            if let Some(s) = stats.get_mut(&t.file) {
                s.rows_set_aside += n;
            }
        }
    }
    // Each id once: the same data again counts once, different data counts nowhere.
    all.sort_by(|a, b| (&a.record.id, &a.file, &a.sheet).cmp(&(&b.record.id, &b.file, &b.sheet)));
    let mut kept = Vec::with_capacity(all.len());
    let mut rest = all.into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut group = vec![first];
        while rest
            .peek()
            .is_some_and(|n| n.record.id == group[0].record.id)
        {
            group.extend(rest.next());
        }
        if group.len() == 1 {
            kept.extend(group);
            continue;
        }
        let places: Vec<String> = group
            .iter()
            .map(|d| format!("{} / {} / {}", d.file, d.sheet, d.record.cell))
            .collect();
        if group.iter().all(|d| same_data(d, &group[0])) {
            for d in &group[1..] {
                findings.push(
                    Finding::file(
                        Rule::DossierDuplicate,
                        &*d.file,
                        format!(
                            "Hồ sơ \"{}\" ghi {} lần với cùng dữ liệu ({}): chỉ tính một lần",
                            d.record.id,
                            group.len(),
                            places.join("; ")
                        ),
                    )
                    .at(&*d.sheet, d.record.cell.clone())
                    .with_raw(d.record.id.clone()),
                );
                if let Some(s) = stats.get_mut(&*d.file) {
                    s.rows_set_aside += 1;
                }
            }
            kept.push(group.swap_remove(0));
        } else {
            for d in &group {
                findings.push(
                    Finding::file(
                        Rule::DossierConflict,
                        &*d.file,
                        format!(
                            "Hồ sơ \"{}\" ghi {} lần với dữ liệu khác nhau ({}): không tính lần nào — hãy kiểm tra lại trên hệ thống một cửa",
                            d.record.id,
                            group.len(),
                            places.join("; ")
                        ),
                    )
                    .at(&*d.sheet, d.record.cell.clone())
                    .with_raw(d.record.id.clone()),
                );
                if let Some(s) = stats.get_mut(&*d.file) {
                    s.rows_set_aside += 1;
                }
            }
        }
    }
    for d in &kept {
        if let Some(s) = stats.get_mut(&*d.file) {
            s.rows_accepted += 1;
        }
    }
    kept.sort_by(|a, b| (&a.unit_id, &a.record.id).cmp(&(&b.unit_id, &b.record.id)));
    kept
}
