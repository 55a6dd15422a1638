//! Form A computed from dossiers (DOMAIN.md §11). For a period [start, end], dates
//! compared by day: received in the period → online or direct/postal; received before
//! it and not finished before it → carried over; finished in the period → early before
//! the due date, on time on it, late after it; not finished by the end → pending, in
//! time if the due date is on or after the end, else overdue. A dossier without a due
//! date is due its time limit in working days after the day it counts as received
//! (worked out when the batch is assembled, [`BatchDossier::due`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::measure::Measure;
use chrono::NaiveDate;

use super::{BatchDossier, DossierShared, DossierSource};
use crate::dossier_export::{Channel, DossierTexts};

/// The counts of one unit and field for a period, by [`Measure::index`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedCounts {
    /// Unit id.
    pub unit_id: Arc<str>,
    /// Field as the dossiers give it.
    pub field: Arc<str>,
    /// Every Form A measure by index; the ones dossiers cannot tell (toàn trình / một
    /// phần, apologies) stay 0 and are not carried.
    pub values: Vec<i64>,
}

/// A dossier finished late, or pending past its due date at the end of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateDossier {
    /// Dossier id.
    pub id: compact_str::CompactString,
    /// Texts, unit and source, shared with the batch's dossier.
    pub shared: Arc<DossierShared>,
    /// Day received.
    pub received: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Day finished (`None`: still pending at the end of the period).
    pub finished: Option<NaiveDate>,
    /// Calendar days past the due date (to the day finished, or to the period's end).
    pub days_late: i64,
    /// Row (0-based) of the source cell.
    pub row: u32,
    /// Column (0-based) of the source cell.
    pub col: u16,
}

impl LateDossier {
    /// The unit's id.
    pub fn unit_id(&self) -> &str {
        &self.shared.unit.unit_id
    }

    /// Procedure, field, agency and status.
    pub fn texts(&self) -> &DossierTexts {
        &self.shared.texts
    }

    /// Source file and sheet.
    pub fn source(&self) -> &DossierSource {
        &self.shared.source
    }

    /// A1 reference of the source cell.
    pub fn cell(&self) -> String {
        cchc_domain::finding::a1(self.row, u32::from(self.col))
    }
}

/// The measures dossiers tell: the eleven of the form, and in person / postal.
pub fn computed_measures() -> u32 {
    let mut bits = 0;
    for m in Measure::all() {
        if m.required() || matches!(m.id(), "received_in_person" | "received_postal") {
            bits |= m.bit();
        }
    }
    bits
}

/// Form A of `[start, end]` by unit and field, and the late and overdue dossiers, from
/// `dossiers` (in reading order; the output is sorted by unit and field, the late list
/// by unit, each unit's in reading order).
pub fn classify(
    dossiers: &[BatchDossier],
    range: (NaiveDate, NaiveDate),
) -> (Vec<ComputedCounts>, Vec<LateDossier>) {
    let mut late = Vec::new();
    let counts = classify_into(dossiers, range, &mut late, |l| l);
    (counts, late)
}

/// [`classify`], its late list appended to `late`, each made into what `late` holds
/// by `wrap` (no second copy of a list of millions).
pub(super) fn classify_into<T>(
    dossiers: &[BatchDossier],
    range: (NaiveDate, NaiveDate),
    out: &mut Vec<T>,
    wrap: impl Fn(LateDossier) -> T,
) -> Vec<ComputedCounts> {
    use rayon::prelude::*;
    // In parts on every core, the counts then added up.
    let part = dossiers
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1 << 16);
    let parts: Vec<_> = dossiers
        .par_chunks(part)
        .map(|p| classify_part(p, range))
        .collect();
    let mut counts: BTreeMap<(&str, &str), Vec<i64>> = BTreeMap::new();
    let mut late: Vec<&BatchDossier> = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    for (c, mut l) in parts {
        for (key, values) in c {
            match counts.entry(key) {
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(values);
                }
                std::collections::btree_map::Entry::Occupied(mut e) => {
                    for (a, b) in e.get_mut().iter_mut().zip(values) {
                        *a += b;
                    }
                }
            }
        }
        late.append(&mut l);
    }
    // By unit (grouped by the address each unit's dossiers share, the groups sorted
    // by unit id), each unit's in reading order (as its export lists them; sorting a
    // third of a million by id compared strings for longer than all the rest took).
    let n = late.len();
    let mut group_of: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut groups: Vec<Vec<&BatchDossier>> = Vec::new();
    for d in late {
        let g = *group_of
            .entry(Arc::as_ptr(&d.shared.unit) as usize)
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[g].push(d);
    }
    // Stable: units met first stay first among equal ids (a frame's rows need not
    // share their units' allocations).
    groups.sort_by(|a, b| a[0].unit().unit_id.cmp(&b[0].unit().unit_id));
    // Made here, on one thread: each shares an allocation with thousands of others,
    // whose counts two threads would fight over.
    out.reserve(n);
    out.extend(groups.into_iter().flatten().map(|d| {
        let finished = d.finished.filter(|f| *f <= range.1);
        wrap(LateDossier {
            id: d.id.clone(),
            shared: d.shared.clone(),
            received: d.received,
            due: d.due,
            finished,
            days_late: (finished.unwrap_or(range.1) - d.due).num_days(),
            row: d.row,
            col: d.col,
        })
    }));
    counts
        .into_iter()
        .map(|((unit_id, field), values)| ComputedCounts {
            unit_id: Arc::from(unit_id),
            field: Arc::from(field),
            values,
        })
        .collect()
}

type PartCounts<'a> = BTreeMap<(&'a str, &'a str), Vec<i64>>;

/// [`classify`] of some of the dossiers: counts by unit and field, the late ones
/// unsorted.
fn classify_part<'a>(
    dossiers: &'a [BatchDossier],
    (start, end): (NaiveDate, NaiveDate),
) -> (PartCounts<'a>, Vec<&'a BatchDossier>) {
    let idx = |id: &str| Measure::named(id).map(Measure::index);
    let [total, online, direct, carried, resolved, early, on_time, late, pending, in_time, overdue, in_person, postal] =
        [
            "received_total",
            "received_online",
            "received_direct",
            "carried_over",
            "resolved_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "pending_total",
            "pending_in_time",
            "pending_overdue",
            "received_in_person",
            "received_postal",
        ]
        .map(|id| idx(id).unwrap_or(usize::MAX));
    // Counts by unit and field, found by the addresses the dossiers share (comparing
    // the texts for each of a million dossiers took most of the time).
    let mut slots: Vec<Vec<i64>> = Vec::new();
    let mut slot_of: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut by_name: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut late_list = Vec::new();
    for d in dossiers {
        let r = d;
        let due = d.due;
        let in_period = (start..=end).contains(&r.received);
        let carried_in = r.received < start && r.finished.is_none_or(|f| f >= start);
        if !in_period && !carried_in {
            continue;
        }
        let slot = *slot_of
            .entry(Arc::as_ptr(&d.shared) as usize)
            .or_insert_with(|| {
                let name = (&*d.shared.unit.unit_id, &*d.shared.texts.field);
                *by_name.entry(name).or_insert_with(|| {
                    slots.push(vec![0; Measure::count()]);
                    slots.len() - 1
                })
            });
        let v = &mut slots[slot];
        let mut add = |i: usize| {
            if let Some(x) = v.get_mut(i) {
                *x += 1;
            }
        };
        add(total);
        if in_period {
            match r.channel {
                Channel::Online => add(online),
                Channel::Direct => {
                    add(direct);
                    add(in_person);
                }
                Channel::Postal => {
                    add(direct);
                    add(postal);
                }
            }
        } else {
            add(carried);
        }
        match r.finished.filter(|f| *f <= end) {
            Some(f) => {
                add(resolved);
                match f.cmp(&due) {
                    std::cmp::Ordering::Less => add(early),
                    std::cmp::Ordering::Equal => add(on_time),
                    std::cmp::Ordering::Greater => {
                        add(late);
                        late_list.push(d);
                    }
                }
            }
            None => {
                add(pending);
                if due >= end {
                    add(in_time);
                } else {
                    add(overdue);
                    late_list.push(d);
                }
            }
        }
    }
    let counts = by_name
        .into_iter()
        .map(|(key, i)| (key, std::mem::take(&mut slots[i])))
        .collect();
    (counts, late_list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn dossier(
        id: &str,
        received: NaiveDate,
        due: Option<NaiveDate>,
        limit: Option<u16>,
        finished: Option<NaiveDate>,
        channel: Channel,
    ) -> BatchDossier {
        let s = |t: &str| Arc::<str>::from(t);
        let at = NaiveTime::from_hms_opt(9, 0, 0);
        let calendar = cchc_domain::workdays::WorkCalendar::embedded();
        let effective = due
            .or_else(|| limit.map(|n| calendar.due_date(received, at, n.into())))
            .expect("a due date");
        BatchDossier {
            id: id.into(),
            shared: Arc::new(DossierShared {
                texts: Arc::new(DossierTexts {
                    procedure_code: "1.0".into(),
                    procedure_name: "Thủ tục".into(),
                    field: "F".into(),
                    ..DossierTexts::default()
                }),
                unit: Arc::new(super::super::DossierUnit {
                    unit_id: s("u"),
                    name: s("Đơn vị"),
                    district: s("X"),
                }),
                source: Arc::new(DossierSource {
                    file: s("f.csv"),
                    sheet: s("CSV"),
                }),
            }),
            received,
            received_time: at.map(crate::dossier_export::ClockTime::new),
            due: effective,
            due_from_limit: due.is_none(),
            finished,
            returned: None,
            time_limit: limit,
            channel,
            row: 1,
            col: 0,
        }
    }

    /// Eight dossiers around 2022-Q1, each placed by hand (see each line).
    #[test]
    fn a_quarter_by_hand() {
        use Channel::*;
        let list = [
            // finished before the quarter: not in it
            dossier(
                "D1",
                d(2021, 12, 20),
                Some(d(2021, 12, 30)),
                None,
                Some(d(2021, 12, 28)),
                Online,
            ),
            // carried over, finished 5/1 after its due 4/1: late by 1 day
            dossier(
                "D2",
                d(2021, 12, 27),
                Some(d(2022, 1, 4)),
                None,
                Some(d(2022, 1, 5)),
                Online,
            ),
            // Monday 10/1 + 3 working days = Thursday 13/1, finished that day: on time
            dossier(
                "D3",
                d(2022, 1, 10),
                None,
                Some(3),
                Some(d(2022, 1, 13)),
                Online,
            ),
            // Friday 28/1 + 2 across Tết = Tuesday 8/2, finished 7/2: early
            dossier(
                "D4",
                d(2022, 1, 28),
                None,
                Some(2),
                Some(d(2022, 2, 7)),
                Direct,
            ),
            // pending, due 5/4 after the end: in time
            dossier(
                "D5",
                d(2022, 3, 30),
                Some(d(2022, 4, 5)),
                None,
                None,
                Postal,
            ),
            // pending, due 15/3: overdue by 16 days at 31/3
            dossier(
                "D6",
                d(2022, 3, 1),
                Some(d(2022, 3, 15)),
                None,
                None,
                Online,
            ),
            // received after the quarter: not in it
            dossier(
                "D7",
                d(2022, 4, 2),
                Some(d(2022, 4, 10)),
                None,
                None,
                Online,
            ),
            // finished 3/4, after the end: pending then, due 20/2, overdue by 39 days
            dossier(
                "D8",
                d(2022, 2, 10),
                Some(d(2022, 2, 20)),
                None,
                Some(d(2022, 4, 3)),
                Direct,
            ),
        ];
        let (counts, late) = classify(&list, (d(2022, 1, 1), d(2022, 3, 31)));
        assert_eq!(counts.len(), 1);
        let v = |id: &str| counts[0].values[Measure::named(id).expect("measure").index()];
        let got: Vec<i64> = [
            "received_total",
            "received_online",
            "received_direct",
            "carried_over",
            "resolved_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "pending_total",
            "pending_in_time",
            "pending_overdue",
            "received_in_person",
            "received_postal",
        ]
        .iter()
        .map(|id| v(id))
        .collect();
        // received D2 D3 D4 D5 D6 D8 = 6: online D3 D6, direct D4 D5 D8, carried D2;
        // resolved D2 D3 D4: early D4, on time D3, late D2; pending D5 D6 D8: in time D5.
        assert_eq!(got, [6, 2, 3, 1, 3, 1, 1, 1, 3, 1, 2, 2, 1]);
        let late: Vec<_> = late
            .iter()
            .map(|l| (l.id.as_str(), l.due, l.finished, l.days_late))
            .collect();
        assert_eq!(
            late,
            [
                ("D2", d(2022, 1, 4), Some(d(2022, 1, 5)), 1),
                ("D6", d(2022, 3, 15), None, 16),
                ("D8", d(2022, 2, 20), None, 39),
            ]
        );
    }
}
