//! Checks between periods of one unit: what a period carried over is what the one
//! before left pending (`period.carry_over`), and a cumulative period's figures follow
//! from its parts' (`period.cumulative_mismatch`, docs/contract.md §9).

use cchc_domain::forms::{vocabulary, OverTime};
use cchc_domain::period::Calendar;

use super::*;

/// Each unit's own Form A report per period (not a roll-up row).
pub(super) type OwnReports<'a> = BTreeMap<(&'a str, Period), &'a Submission>;

/// Each unit's own Form A report per period (not a roll-up row): the counted one, else
/// the first in batch order.
pub(super) fn own_form_a(submissions: &[Submission]) -> OwnReports<'_> {
    let mut own: BTreeMap<(&str, Period), &Submission> = BTreeMap::new();
    for s in submissions
        .iter()
        .filter(|s| s.data.form() == Form::A && !s.from_roll_up)
    {
        let slot = own.entry((s.unit.unit_id.as_str(), s.period)).or_insert(s);
        if s.counted && !slot.counted {
            *slot = s;
        }
    }
    own
}

/// A period's carried-over dossiers should equal the pending ones of the period before
/// it in the calendar (quarter, month, year), when both were read together (warning,
/// docs/contract.md §2).
pub(super) fn carry_over_check(
    own_a: &OwnReports<'_>,
    calendar: &Calendar,
    findings: &mut Vec<Finding>,
) {
    for s in own_a.values().copied().filter(|s| s.counted) {
        let Some(prev) = calendar.previous(s.period) else {
            continue;
        };
        let Some(p) = own_a.get(&(s.unit.unit_id.as_str(), prev)) else {
            continue;
        };
        let Some((this, previous)) = cchc_domain::forms::vocabulary().carry else {
            return;
        };
        let carried = s.totals()[this];
        let pending = p.totals()[previous];
        if carried != pending {
            findings.push(
                Finding::file(
                    Rule::PeriodCarryOver,
                    &s.file,
                    format!(
                        "Đơn vị \"{}\": số hồ sơ từ kỳ trước chuyển qua kỳ {} là {carried}, nhưng số đang giải quyết cuối kỳ {prev} ({}) là {pending}",
                        s.unit.name, s.period, p.file
                    ),
                )
                .at(&s.sheet, s.data.first_cell())
                .with_raw(format!("{carried} ≠ {pending}")),
            );
        }
    }
}

/// A unit's figures over a cumulative period (H1, 9M, year) against its parts in the
/// calendar (Q1 + Q2, H1 + Q3, 9M + Q4), where the unit's own reports of the period and
/// of every part are among the inputs: flows add up, what was carried over is the first
/// part's, what is pending is the last part's (`over_time` in `data/forms.toml`). A
/// measure some of the reports do not carry is not compared.
pub(super) fn cumulative_check(
    own: &OwnReports<'_>,
    calendar: &Calendar,
    findings: &mut Vec<Finding>,
) {
    let measures = &vocabulary().form(Form::A).measures;
    for (&(unit_id, period), whole) in own {
        if !whole.counted {
            continue;
        }
        let parts: Option<Vec<&Submission>> = calendar
            .parts(period)
            .iter()
            .map(|p| own.get(&(unit_id, *p)).copied())
            .collect();
        let Some(parts) = parts.filter(|p| !p.is_empty()) else {
            continue;
        };
        let totals: Vec<(Vec<i64>, u32)> =
            parts.iter().map(|s| (s.totals(), s.carried())).collect();
        let (whole_totals, whole_carried) = (whole.totals(), whole.carried());
        for (k, m) in measures.iter().enumerate() {
            let Some(rule) = m.over_time else {
                continue;
            };
            let bit = 1u32 << k;
            if whole_carried & bit == 0 || totals.iter().any(|(_, c)| c & bit == 0) {
                continue;
            }
            let (first, last) = (parts[0], parts[parts.len() - 1]);
            let (expected, how) = match rule {
                OverTime::Sum => (
                    totals.iter().map(|(t, _)| t[k]).sum::<i64>(),
                    "tổng các kỳ thành phần".to_string(),
                ),
                OverTime::First => (totals[0].0[k], format!("số của kỳ đầu {}", first.period)),
                OverTime::Last => (
                    totals[totals.len() - 1].0[k],
                    format!("số của kỳ cuối {}", last.period),
                ),
            };
            let value = whole_totals[k];
            if value == expected {
                continue;
            }
            let sources = parts
                .iter()
                .map(|s| format!("{} ({})", s.period, s.file))
                .collect::<Vec<_>>()
                .join(", ");
            findings.push(
                Finding::file(
                    Rule::PeriodCumulativeMismatch,
                    &whole.file,
                    format!(
                        "Đơn vị \"{}\": \"{}\" ({}) kỳ {period} ({}) là {value}, nhưng {how} là {expected} (các kỳ thành phần: {sources})",
                        whole.unit.name, m.label, m.id, whole.file
                    ),
                )
                .at(&whole.sheet, whole.data.first_cell())
                .with_raw(format!("{value} ≠ {expected}")),
            );
        }
    }
}
