//! What the report says of each target: its row in a section's table, the sentence
//! with the province's figures, the units that miss it.

use std::collections::BTreeMap;

use cchc_analysis::attainment::{Attainment, Scope, Status};
use cchc_domain::target::{Fraction, Target};

use super::content::{Block, Column, Table};
use super::vi;
use crate::sheets::AttainmentIndex;
use crate::workbook::ReportInput;

/// Units named in a target's sentence before "và N đơn vị khác"; the appendix lists
/// them all.
pub(super) const NAMED_IN_SENTENCE: usize = 10;

/// The value of an attainment row as the report writes it: a count as an amount, a
/// ratio as a percentage to one decimal (exact, from the pooled numerator and
/// denominator when there are some).
pub(super) fn value_text(t: &Target, a: &Attainment) -> String {
    match (t.is_count(), a.numerator, a.denominator) {
        (true, Some(n), _) => vi::amount(n),
        (false, Some(n), Some(d)) => vi::percent_of(n, d).unwrap_or_default(),
        _ => a.value.map(vi::percent).unwrap_or_default(),
    }
}

/// The plan's threshold (`≥ 80 %`, `≤ 0`).
pub(super) fn threshold_text(t: &Target) -> String {
    let amount = if t.is_count() {
        vi::amount(t.threshold)
    } else {
        vi::percent_of(t.threshold, Fraction::int(1)).unwrap_or_default()
    };
    format!("{}{}{amount}", t.comparator.symbol_vi(), vi::NBSP)
}

/// `numerator/denominator` of a row, or the numerator alone for a count.
fn fraction_text(t: &Target, a: &Attainment) -> String {
    match (a.numerator, a.denominator) {
        (Some(n), Some(d)) if !t.is_count() => format!("{}/{}", vi::amount(n), vi::amount(d)),
        (Some(n), _) => vi::amount(n),
        _ => String::new(),
    }
}

/// Units meeting each target and units with data for it (met or not met).
pub(super) struct UnitCounts<'a> {
    counts: BTreeMap<&'a str, (usize, usize)>,
    /// Units not meeting each target, in registry order: (unit id, value text).
    pub(super) not_met: BTreeMap<&'a str, Vec<(&'a str, String)>>,
}

impl<'a> UnitCounts<'a> {
    pub(super) fn new(input: &'a ReportInput<'_>, by_key: &AttainmentIndex<'a>) -> Self {
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for a in by_key.rows.iter().filter(|a| a.scope == Scope::Unit) {
            let c = counts.entry(&*a.target_id).or_default();
            c.0 += usize::from(a.status == Status::Met);
            c.1 += usize::from(matches!(a.status, Status::Met | Status::NotMet));
        }
        let mut not_met: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
        for u in input.registry.units() {
            for t in &input.catalogue.targets {
                if let Some(a) = by_key.get(Scope::Unit, &u.unit_id, &t.id) {
                    if a.status == Status::NotMet {
                        not_met
                            .entry(t.id.as_str())
                            .or_default()
                            .push((u.unit_id.as_str(), value_text(t, a)));
                    }
                }
            }
        }
        UnitCounts { counts, not_met }
    }

    fn of(&self, target: &str) -> (usize, usize) {
        self.counts.get(target).copied().unwrap_or((0, 0))
    }
}

/// The table of `targets` with the province's figures.
pub(super) fn targets_table(
    targets: &[&Target],
    input: &ReportInput<'_>,
    by_key: &AttainmentIndex<'_>,
    units: &UnitCounts<'_>,
) -> Table {
    let columns = vec![
        Column::text("STT", 700),
        Column::text("Chỉ tiêu", 2900),
        Column::number("Kế hoạch", 1050),
        Column::number("Kết quả", 1000),
        Column::number("Tử số/mẫu số", 1550),
        Column::text("Đánh giá", 1200),
        Column::number("Đơn vị đạt", 950),
    ];
    let rows = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let a = by_key.get(Scope::Province, input.province, &t.id);
            let (met, with_data) = units.of(&t.id);
            vec![
                (i + 1).to_string(),
                t.name.clone(),
                threshold_text(t),
                a.map(|a| value_text(t, a)).unwrap_or_default(),
                a.map(|a| fraction_text(t, a)).unwrap_or_default(),
                a.map_or(Status::NoData, |a| a.status)
                    .label_vi()
                    .to_string(),
                format!("{met}/{with_data}"),
            ]
        })
        .collect();
    Table {
        columns,
        rows,
        font_size: 24,
    }
}

/// The sentence of one target, and the units that miss it.
pub(super) fn target_sentences(
    t: &Target,
    input: &ReportInput<'_>,
    by_key: &AttainmentIndex<'_>,
    units: &UnitCounts<'_>,
) -> Vec<Block> {
    let a = by_key.get(Scope::Province, input.province, &t.id);
    let status = a.map_or(Status::NoData, |a| a.status);
    let (met, with_data) = units.of(&t.id);
    let head = format!("Chỉ tiêu “{}” (kế hoạch {})", t.name, threshold_text(t));
    let figure = |a: &Attainment| {
        let fraction = fraction_text(t, a);
        let value = value_text(t, a);
        if t.is_count() || fraction.is_empty() {
            value
        } else {
            format!("{value} ({fraction})")
        }
    };
    let result = match (status, a) {
        (Status::Met, Some(a)) => format!("toàn ngành đạt {}, đạt chỉ tiêu", figure(a)),
        (Status::NotMet, Some(a)) => {
            let gap = a
                .gap
                .map(|g| format!(", còn thiếu {}", vi::int(g)))
                .unwrap_or_default();
            format!("toàn ngành đạt {}, chưa đạt chỉ tiêu{gap}", figure(a))
        }
        (Status::NotApplicable, _) => "không áp dụng (mẫu số bằng 0)".to_string(),
        _ => "chưa có số liệu".to_string(),
    };
    let mut text = format!("{head}: {result}");
    if with_data > 0 {
        text.push_str(&format!(
            "; {}/{} đơn vị có số liệu đạt chỉ tiêu",
            vi::int(met as i128),
            vi::int(with_data as i128)
        ));
    }
    text.push('.');
    let mut blocks = vec![Block::Text(text)];
    if let Some(missing) = units.not_met.get(t.id.as_str()) {
        let named: Vec<String> = missing
            .iter()
            .take(NAMED_IN_SENTENCE)
            .map(|(id, value)| {
                let name = input.registry.get(id).map_or(*id, |u| u.name.as_str());
                format!("{name} ({value})")
            })
            .collect();
        let rest = missing.len().saturating_sub(NAMED_IN_SENTENCE);
        let tail = if rest > 0 {
            format!(" và {} đơn vị khác (xem Phụ lục)", vi::int(rest as i128))
        } else {
            String::new()
        };
        blocks.push(Block::Text(format!(
            "Đơn vị chưa đạt: {}{tail}.",
            named.join("; ")
        )));
    }
    blocks
}

/// The appendix: every unit that misses a target, target by target.
pub(super) fn not_met_table(input: &ReportInput<'_>, units: &UnitCounts<'_>) -> Option<Table> {
    let mut rows = Vec::new();
    for t in &input.catalogue.targets {
        for (id, value) in units.not_met.get(t.id.as_str()).into_iter().flatten() {
            let name = input.registry.get(id).map_or(*id, |u| u.name.as_str());
            rows.push(vec![
                (rows.len() + 1).to_string(),
                t.name.clone(),
                id.to_string(),
                name.to_string(),
                value.clone(),
                threshold_text(t),
            ]);
        }
    }
    (!rows.is_empty()).then(|| Table {
        columns: vec![
            Column::text("STT", 700),
            Column::text("Chỉ tiêu", 2450),
            Column::text("Mã đơn vị", 1450),
            Column::text("Tên đơn vị", 2650),
            Column::number("Kết quả", 1050),
            Column::number("Kế hoạch", 1050),
        ],
        rows,
        font_size: 22,
    })
}
