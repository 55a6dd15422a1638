//! Form A computed from the batch's dossiers for each of its periods (DOMAIN.md §11):
//! a unit without a Form A of its own for the period gets the computed one, counted
//! like a submitted table; a unit with both keeps its own, and each measure that
//! differs is a `reconcile.mismatch`.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::finding::{Finding, Rule};
use cchc_domain::measure::Measure;
use cchc_domain::period::Period;

use super::classify::{classify_into, computed_measures, LateDossier};
use super::{BatchDossier, BatchOptions, Submission, SubmissionData};
use crate::form_a::DossierRow;

/// Adds the computed Form A submissions of every period the batch counts (and the
/// run's), reconciles the units' own, and returns the late and overdue dossiers.
pub(super) fn computed_form_a(
    dossiers: &[BatchDossier],
    submissions: &mut Vec<Submission>,
    run_period: Option<Period>,
    opts: &BatchOptions,
    findings: &mut Vec<Finding>,
) -> Vec<(Period, LateDossier)> {
    if dossiers.is_empty() {
        return Vec::new();
    }
    let calendar = &opts.context.calendar;
    let mut periods: Vec<Period> = submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| s.period)
        .chain(run_period)
        .collect();
    periods.sort();
    periods.dedup();
    if periods.is_empty() {
        findings.push(Finding::file(
            Rule::PeriodUnknown,
            &*dossiers[0].source().file,
            "Hồ sơ xuất từ hệ thống một cửa: không xác định được kỳ để tính biểu A (không có báo cáo nào ghi kỳ); hãy chỉ rõ kỳ bằng --period",
        ));
        return Vec::new();
    }
    let carried = computed_measures();
    // Each unit's first dossier and how many it has, looked up by the address each
    // unit's dossiers share.
    let mut of_unit: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut by_ptr: rustc_hash::FxHashMap<usize, (usize, usize)> = Default::default();
    for (i, d) in dossiers.iter().enumerate() {
        by_ptr
            .entry(Arc::as_ptr(&d.shared.unit) as usize)
            .or_insert((i, 0))
            .1 += 1;
    }
    for (first, n) in by_ptr.into_values() {
        let e = of_unit
            .entry(&dossiers[first].unit().unit_id)
            .or_insert((first, 0));
        e.0 = e.0.min(first);
        e.1 += n;
    }
    let mut late_all = Vec::new();
    for period in periods {
        let Some(range) = calendar.range(period) else {
            continue;
        };
        let counts = classify_into(dossiers, range, &mut late_all, |l| (period, l));
        let mut by_unit: BTreeMap<Arc<str>, Vec<DossierRow>> = BTreeMap::new();
        for c in counts {
            by_unit.entry(c.unit_id).or_default().push(DossierRow {
                label: c.field.to_string(),
                values: c.values.into_boxed_slice(),
                present: carried,
                cell: String::new(),
            });
        }
        let in_run = opts.period.is_none_or(|r| r == period);
        for (unit_id, rows) in by_unit {
            let own = submissions.iter().find(|s| {
                s.counted
                    && !s.computed
                    && s.period == period
                    && *s.unit.unit_id == *unit_id
                    && matches!(s.data, SubmissionData::A(_))
            });
            let (first, count) = of_unit.get(&*unit_id).copied().unwrap_or((0, 0));
            if let Some(own) = own {
                reconcile(own, &rows, count, findings);
                continue;
            }
            let Some(unit) = opts.registry.get(&unit_id).cloned() else {
                continue;
            };
            let first = dossiers.get(first);
            submissions.push(Submission {
                unit,
                period,
                file: first
                    .map(|d| d.source().file.to_string())
                    .unwrap_or_default(),
                sheet: first
                    .map(|d| d.source().sheet.to_string())
                    .unwrap_or_default(),
                data: SubmissionData::A(rows),
                from_roll_up: false,
                counted: in_run,
                computed: true,
            });
        }
    }
    late_all
}

/// Each of the eleven measures where the unit's own Form A differs from the one its
/// dossiers give: a warning at its own table, naming both figures.
fn reconcile(own: &Submission, computed: &[DossierRow], n: usize, findings: &mut Vec<Finding>) {
    let totals = own.totals();
    let mut sums = vec![0i64; Measure::count()];
    for r in computed {
        for (s, v) in sums.iter_mut().zip(r.values.iter()) {
            *s += v;
        }
    }
    for m in Measure::all().filter(|m| m.required()) {
        let (theirs, ours) = (totals[m.index()], sums[m.index()]);
        if theirs != ours {
            findings.push(
                Finding::file(
                    Rule::ReconcileMismatch,
                    &own.file,
                    format!(
                        "Đơn vị \"{}\" kỳ {}: \"{}\" đơn vị báo cáo {theirs}, tính từ {n} hồ sơ của hệ thống một cửa được {ours}",
                        own.unit.name,
                        own.period,
                        m.label_vi()
                    ),
                )
                .at(&own.sheet, own.data.first_cell())
                .with_raw(m.id()),
            );
        }
    }
}
