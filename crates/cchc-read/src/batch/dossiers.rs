//! The dossiers of one-stop-shop exports tied to their units, and each dossier counted
//! once (DOMAIN.md §11): a dossier id seen again with the same data is a warning and
//! counts once; seen with different data, it is an error and counts nowhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::unit::Registry;

use super::assemble::unit_words_of_file_name;
use super::FileStat;
use chrono::NaiveDate;

use crate::dossier_export::{Channel, ClockTime, DossierRecord, DossierTable, DossierTexts};

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

/// What many dossiers of the batch share: their texts, the unit that handles them and
/// where they were read (one per table and texts: a few thousand for a million rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierShared {
    /// Procedure, field, agency and status.
    pub texts: Arc<DossierTexts>,
    /// The unit.
    pub unit: Arc<DossierUnit>,
    /// Source file and sheet.
    pub source: Arc<DossierSource>,
}

/// One dossier of the batch, tied to the unit that handles it: the fields of its
/// [`DossierRecord`], the due date worked out. As large as the record (64 bytes), so a
/// table of records becomes the batch's dossiers in its own memory.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDossier {
    /// `Mã hồ sơ`.
    pub id: compact_str::CompactString,
    /// Texts, unit and source.
    pub shared: Arc<DossierShared>,
    /// The day received.
    pub received: NaiveDate,
    /// The time received, when the export gives one.
    pub received_time: Option<ClockTime>,
    /// The due date: the export's, else its time limit counted in working days.
    pub due: NaiveDate,
    /// The due date was counted from the time limit (the export gives none).
    pub due_from_limit: bool,
    /// The day it was finished (or returned when only that is given).
    pub finished: Option<NaiveDate>,
    /// `Ngày trả kết quả`.
    pub returned: Option<NaiveDate>,
    /// `Thời hạn giải quyết`, in working days.
    pub time_limit: Option<u16>,
    /// How it was submitted.
    pub channel: Channel,
    /// The row (0-based) of the source cell.
    pub row: u32,
    /// The column (0-based) of the source cell.
    pub col: u16,
}

// The batch is made of the tables' records where they lie: the sizes must agree.
const _: () = assert!(std::mem::size_of::<BatchDossier>() == std::mem::size_of::<DossierRecord>());
const _: () = assert!(std::mem::size_of::<BatchDossier>() <= 64);

impl BatchDossier {
    /// Procedure, field, agency and status.
    pub fn texts(&self) -> &DossierTexts {
        &self.shared.texts
    }

    /// The unit that handles it.
    pub fn unit(&self) -> &DossierUnit {
        &self.shared.unit
    }

    /// Where it was read.
    pub fn source(&self) -> &DossierSource {
        &self.shared.source
    }

    /// A1 reference of the source cell.
    pub fn cell(&self) -> String {
        a1(self.row, u32::from(self.col))
    }

    /// `file / sheet / cell`, for messages.
    fn place(&self) -> String {
        let s = self.source();
        format!("{} / {} / {}", s.file, s.sheet, self.cell())
    }
}

/// Everything but where it was read.
fn same_data(x: &BatchDossier, y: &BatchDossier) -> bool {
    x.unit().unit_id == y.unit().unit_id
        && x.id == y.id
        && x.texts() == y.texts()
        && (x.received, x.received_time, x.due, x.due_from_limit)
            == (y.received, y.received_time, y.due, y.due_from_limit)
        && (x.finished, x.returned, x.channel, x.time_limit)
            == (y.finished, y.returned, y.channel, y.time_limit)
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
    let mut all: Vec<BatchDossier> = Vec::new();
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
        // One look-up per agency as written (per texts the table numbers), the
        // unknown ones said once each.
        let shared: Vec<Option<Arc<DossierShared>>> = t
            .table
            .texts
            .iter()
            .map(|texts| {
                let unit = if texts.agency.is_empty() {
                    table_unit
                } else {
                    reg.match_name(&texts.agency)
                }?;
                let unit = units.entry(&unit.unit_id).or_insert_with(|| {
                    Arc::new(DossierUnit {
                        unit_id: Arc::from(unit.unit_id.as_str()),
                        name: Arc::from(unit.name.as_str()),
                        district: Arc::from(unit.district.as_str()),
                    })
                });
                Some(Arc::new(DossierShared {
                    texts: texts.clone(),
                    unit: unit.clone(),
                    source: source.clone(),
                }))
            })
            .collect();
        let mut unknown: BTreeMap<Box<str>, (String, usize)> = BTreeMap::new();
        let texts = &t.table.texts;
        // Each record becomes its dossier where it lies (the same size: no second copy
        // of a table of millions).
        let mut tied: Vec<BatchDossier> = t
            .table
            .rows
            .into_iter()
            .filter_map(|r| {
                let Some(shared) = shared.get(r.texts as usize).cloned().flatten() else {
                    let agency = texts.get(r.texts as usize).map(|t| t.agency.clone());
                    let e = unknown
                        .entry(agency.unwrap_or_default())
                        .or_insert_with(|| (r.cell(), 0));
                    e.1 += 1;
                    return None;
                };
                // Read without a due date or a time limit: never (dossier.incomplete).
                let (due, due_from_limit) = match r.due {
                    Some(due) => (due, false),
                    None => {
                        let time = r.received_time.map(ClockTime::time);
                        let limit = u32::from(r.time_limit?);
                        (workdays.due_date(r.received, time, limit), true)
                    }
                };
                Some(BatchDossier {
                    id: r.id,
                    shared,
                    received: r.received,
                    received_time: r.received_time,
                    due,
                    due_from_limit,
                    finished: r.finished,
                    returned: r.returned,
                    time_limit: r.time_limit,
                    channel: r.channel,
                    row: r.row,
                    col: r.col,
                })
            })
            .collect();
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
        if all.is_empty() {
            all = tied;
        } else {
            all.append(&mut tied);
        }
    }
    let dropped = duplicates(&all, findings, stats);
    let mut i = 0;
    all.retain(|_| {
        i += 1;
        !dropped[i - 1]
    });
    // Accepted rows by file, a run of one table's dossiers at a time.
    for run in all.chunk_by(|a, b| Arc::ptr_eq(&a.shared.source, &b.shared.source)) {
        if let Some(s) = stats.get_mut(&*run[0].source().file) {
            s.rows_accepted += run.len();
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
            d.id.as_str().hash(&mut h);
            (h.finish(), i as u32)
        })
        .collect();
    hashes.par_sort_unstable();
    // Groups of the same id, by their first occurrence.
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for same_hash in hashes.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut left: Vec<u32> = same_hash.iter().map(|x| x.1).collect();
        while let Some(&first) = left.first() {
            let id = &all[first as usize].id;
            let (group, rest): (Vec<u32>, Vec<u32>) =
                left.iter().partition(|&&j| all[j as usize].id == *id);
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
                    &*d.source().file,
                    format!(
                        "Hồ sơ \"{}\" ghi {} lần {}",
                        d.id,
                        group.len(),
                        message.replace("{}", &places.join("; "))
                    ),
                )
                .at(&*d.source().sheet, d.cell())
                .with_raw(d.id.to_string()),
            );
            if let Some(s) = stats.get_mut(&*d.source().file) {
                s.rows_set_aside += 1;
            }
        }
        for &i in &indices[usize::from(same)..] {
            dropped[i as usize] = true;
        }
    }
    dropped
}
