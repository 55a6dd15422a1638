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
/// file name, `--unit`), then keeps each dossier id once. Sorted by unit id, each
/// unit's dossiers in reading order (files sorted, then rows).
pub(super) fn assemble_dossiers(
    tables: Vec<ExportTable>,
    reg: &Registry,
    workdays: &cchc_domain::workdays::WorkCalendar,
    findings: &mut Vec<Finding>,
    stats: &mut BTreeMap<String, FileStat>,
) -> Vec<BatchDossier> {
    let mut all = Vec::with_capacity(tables.iter().map(|t| t.table.rows.len()).sum());
    for t in tables {
        let file: Arc<str> = Arc::from(t.file.as_str());
        let sheet: Arc<str> = Arc::from(t.sheet.as_str());
        let table_unit = t
            .written
            .as_deref()
            .and_then(|w| reg.match_name(w))
            .or_else(|| reg.match_name(&unit_words_of_file_name(&t.stem)))
            .or_else(|| t.fallback.as_deref().and_then(|f| reg.match_name(f)));
        // One look-up per agency as written; the unknown ones said once each. A table's
        // equal texts share one allocation (the reader interns them): the map is keyed
        // by it, not by comparing the texts row after row.
        type Named = Option<(Arc<str>, Arc<str>, Arc<str>)>;
        let mut by_agency: rustc_hash::FxHashMap<*const u8, Named> = Default::default();
        let mut unknown: BTreeMap<Arc<str>, (String, usize)> = BTreeMap::new();
        for record in t.table.rows {
            let named = by_agency
                .entry(record.agency.as_ptr())
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
    // Found by hashing (1 million dossiers: sorting them by id, 250 bytes each, took
    // most of the read), occurrences in reading order.
    let mut first_of: rustc_hash::FxHashMap<&str, u32> = Default::default();
    first_of.reserve(all.len());
    let mut again: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, d) in all.iter().enumerate() {
        match first_of.entry(d.record.id.as_str()) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i as u32);
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                again.entry(*e.get()).or_default().push(i as u32);
            }
        }
    }
    drop(first_of);
    let mut dropped = vec![false; all.len()];
    for (first, others) in &again {
        let group: Vec<&BatchDossier> = std::iter::once(*first)
            .chain(others.iter().copied())
            .map(|i| &all[i as usize])
            .collect();
        let places: Vec<String> = group
            .iter()
            .map(|d| format!("{} / {} / {}", d.file, d.sheet, d.record.cell))
            .collect();
        let same = group.iter().all(|d| same_data(d, group[0]));
        let (rule, message, said) = if same {
            (
                Rule::DossierDuplicate,
                "với cùng dữ liệu ({}): chỉ tính một lần",
                &group[1..],
            )
        } else {
            (
                Rule::DossierConflict,
                "với dữ liệu khác nhau ({}): không tính lần nào — hãy kiểm tra lại trên hệ thống một cửa",
                &group[..],
            )
        };
        for d in said {
            findings.push(
                Finding::file(
                    rule,
                    &*d.file,
                    format!(
                        "Hồ sơ \"{}\" ghi {} lần {}",
                        d.record.id,
                        group.len(),
                        message.replace("{}", &places.join("; "))
                    ),
                )
                .at(&*d.sheet, d.record.cell.clone())
                .with_raw(d.record.id.clone()),
            );
            if let Some(s) = stats.get_mut(&*d.file) {
                s.rows_set_aside += 1;
            }
        }
        let from = usize::from(same);
        for i in std::iter::once(*first)
            .chain(others.iter().copied())
            .skip(from)
        {
            dropped[i as usize] = true;
        }
    }
    // By unit (by id), each unit's dossiers in reading order: a counting sort on the
    // units' ranks, each dossier moved once (sorting a million by unit and dossier id
    // spent most of its time comparing strings).
    let mut rank: BTreeMap<&str, u32> = BTreeMap::new();
    for d in &all {
        rank.entry(&d.unit_id).or_insert(0);
    }
    for (r, v) in rank.values_mut().enumerate() {
        *v = r as u32;
    }
    let ranks: Vec<u32> = all.iter().map(|d| rank[&*d.unit_id]).collect();
    let mut start = vec![0usize; rank.len() + 1];
    for (i, r) in ranks.iter().enumerate() {
        if !dropped[i] {
            start[*r as usize + 1] += 1;
        }
    }
    for u in 1..start.len() {
        start[u] += start[u - 1];
    }
    drop(rank);
    let mut slots: Vec<Option<BatchDossier>> = Vec::new();
    slots.resize_with(start[start.len() - 1], || None);
    for (i, d) in all.into_iter().enumerate() {
        if !dropped[i] {
            let at = &mut start[ranks[i] as usize];
            slots[*at] = Some(d);
            *at += 1;
        }
    }
    let kept: Vec<BatchDossier> = slots.into_iter().flatten().collect();
    for d in &kept {
        if let Some(s) = stats.get_mut(&*d.file) {
            s.rows_accepted += 1;
        }
    }
    kept
}
