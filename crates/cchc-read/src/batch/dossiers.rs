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

/// The unit that handles dossiers, as the batch's dossiers share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierUnit {
    /// The unit's id.
    pub unit_id: Arc<str>,
    /// The unit's name.
    pub name: Arc<str>,
    /// The unit's district.
    pub district: Arc<str>,
}

/// Where dossiers were read, as the batch's dossiers share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSource {
    /// Source file.
    pub file: Arc<str>,
    /// Source sheet.
    pub sheet: Arc<str>,
}

/// One dossier of the batch, tied to the unit that handles it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDossier {
    /// The unit.
    pub unit: Arc<DossierUnit>,
    /// Source file and sheet.
    pub source: Arc<DossierSource>,
    /// The due date: the export's, else its time limit counted in working days.
    pub due: chrono::NaiveDate,
    /// The dossier.
    pub record: DossierRecord,
}

impl BatchDossier {
    /// `file / sheet / cell`, for messages.
    fn place(&self) -> String {
        format!(
            "{} / {} / {}",
            self.source.file,
            self.source.sheet,
            self.record.cell()
        )
    }
}

/// Everything but where it was read.
fn same_data(a: &BatchDossier, b: &BatchDossier) -> bool {
    let (x, y) = (&a.record, &b.record);
    a.unit.unit_id == b.unit.unit_id
        && x.id == y.id
        && x.texts == y.texts
        && (x.received, x.received_time, x.due, x.finished, x.returned)
            == (y.received, y.received_time, y.due, y.finished, y.returned)
        && (x.channel, x.time_limit, x.supplement) == (y.channel, y.time_limit, y.supplement)
}

/// Ties every dossier to a unit (its agency column, else the table's unit line, the
/// file name, `--unit`), then keeps each dossier id once; in reading order (files
/// sorted, then rows).
pub(super) fn assemble_dossiers(
    tables: Vec<ExportTable>,
    reg: &Registry,
    workdays: &cchc_domain::workdays::WorkCalendar,
    findings: &mut Vec<Finding>,
    stats: &mut BTreeMap<String, FileStat>,
) -> Vec<BatchDossier> {
    let mut all = Vec::with_capacity(tables.iter().map(|t| t.table.rows.len()).sum());
    // One shared copy of each unit's names.
    let mut units: BTreeMap<&str, Arc<DossierUnit>> = BTreeMap::new();
    for t in tables {
        let table_unit = t
            .written
            .as_deref()
            .and_then(|w| reg.match_name(w))
            .or_else(|| reg.match_name(&unit_words_of_file_name(&t.stem)))
            .or_else(|| t.fallback.as_deref().and_then(|f| reg.match_name(f)));
        let source = Arc::new(DossierSource {
            file: Arc::from(t.file.as_str()),
            sheet: Arc::from(t.sheet.as_str()),
        });
        // One look-up per agency as written; the unknown ones said once each. A file's
        // equal texts share one allocation (the reader interns them): the map is keyed
        // by it, not by comparing the texts row after row.
        let mut by_texts: rustc_hash::FxHashMap<usize, Option<Arc<DossierUnit>>> =
            Default::default();
        let mut unknown: BTreeMap<Box<str>, (String, usize)> = BTreeMap::new();
        for record in t.table.rows {
            let unit = by_texts
                .entry(Arc::as_ptr(&record.texts) as usize)
                .or_insert_with(|| {
                    let agency = &record.texts.agency;
                    let unit = if agency.is_empty() {
                        table_unit
                    } else {
                        reg.match_name(agency)
                    }?;
                    let shared = units.entry(&unit.unit_id).or_insert_with(|| {
                        Arc::new(DossierUnit {
                            unit_id: Arc::from(unit.unit_id.as_str()),
                            name: Arc::from(unit.name.as_str()),
                            district: Arc::from(unit.district.as_str()),
                        })
                    });
                    Some(shared.clone())
                })
                .clone();
            let r = &record;
            // Read without a due date or a time limit: never (dossier.incomplete).
            let Some(due) = r.due.or_else(|| {
                r.time_limit
                    .map(|n| workdays.due_date(r.received, r.received_time, n))
            }) else {
                continue;
            };
            match unit {
                Some(unit) => all.push(BatchDossier {
                    unit,
                    source: source.clone(),
                    due,
                    record,
                }),
                None => {
                    let e = unknown
                        .entry(record.texts.agency.clone())
                        .or_insert_with(|| (record.cell(), 0));
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
    let dropped = duplicates(&all, findings, stats);
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
    for d in &all {
        if let Some(s) = stats.get_mut(&*d.source.file) {
            s.rows_accepted += 1;
        }
    }
    all.shrink_to_fit();
    all
}

/// Each id once: the same data again counts once, different data counts nowhere; the
/// findings, and which dossiers are dropped. Found by sorting the ids' hashes (16 bytes
/// a dossier; a map of the ids took four times that), occurrences in reading order.
fn duplicates(
    all: &[BatchDossier],
    findings: &mut Vec<Finding>,
    stats: &mut BTreeMap<String, FileStat>,
) -> Vec<bool> {
    use rayon::prelude::*;
    use std::hash::{Hash, Hasher};
    let mut hashes: Vec<(u64, u32)> = all
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let mut h = rustc_hash::FxHasher::default();
            d.record.id.as_str().hash(&mut h);
            (h.finish(), i as u32)
        })
        .collect();
    hashes.par_sort_unstable();
    // Groups of the same id, by their first occurrence.
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for same_hash in hashes.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut left: Vec<u32> = same_hash.iter().map(|x| x.1).collect();
        while let Some(&first) = left.first() {
            let id = &all[first as usize].record.id;
            let (group, rest): (Vec<u32>, Vec<u32>) = left
                .iter()
                .partition(|&&j| all[j as usize].record.id == *id);
            if group.len() > 1 {
                groups.push(group);
            }
            left = rest;
        }
    }
    drop(hashes);
    groups.sort_unstable();
    let mut dropped = vec![false; all.len()];
    for indices in &groups {
        let group: Vec<&BatchDossier> = indices.iter().map(|&i| &all[i as usize]).collect();
        let places: Vec<String> = group.iter().map(|d| d.place()).collect();
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
                    &*d.source.file,
                    format!(
                        "Hồ sơ \"{}\" ghi {} lần {}",
                        d.record.id,
                        group.len(),
                        message.replace("{}", &places.join("; "))
                    ),
                )
                .at(&*d.source.sheet, d.record.cell())
                .with_raw(d.record.id.to_string()),
            );
            if let Some(s) = stats.get_mut(&*d.source.file) {
                s.rows_set_aside += 1;
            }
        }
        for &i in &indices[usize::from(same)..] {
            dropped[i as usize] = true;
        }
    }
    dropped
}
