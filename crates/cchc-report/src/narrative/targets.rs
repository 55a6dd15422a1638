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
    format!("{} {amount}", t.comparator.symbol_vi())
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

/// Rows of the appendix at most (about 60 pages): a province of 10,000 units missing
/// 60,000 (unit, target) pairs made a 160 MB document that took 2.6 GB to build; past
/// this the workbook's unit × target matrix is the list.
pub(super) const APPENDIX_ROWS: usize = 2_000;

/// The appendix: every unit that misses a target, target by target (the first
/// [`APPENDIX_ROWS`]), and how many pairs were left out.
pub(super) fn not_met_table(
    input: &ReportInput<'_>,
    units: &UnitCounts<'_>,
) -> Option<(Table, usize)> {
    let mut rows = Vec::new();
    let mut left_out = 0;
    for t in &input.catalogue.targets {
        for (id, value) in units.not_met.get(t.id.as_str()).into_iter().flatten() {
            if rows.len() == APPENDIX_ROWS {
                left_out += 1;
                continue;
            }
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
    (!rows.is_empty()).then(|| {
        let table = Table {
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
        };
        (table, left_out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cchc_analysis::by_field::FieldTable;
    use cchc_analysis::by_procedure::ProcedureTable;
    use cchc_domain::issuer::Issuer;
    use cchc_domain::period::Calendar;
    use cchc_domain::target::Catalogue;
    use cchc_domain::unit::{Registry, Unit};
    use cchc_read::Batch;

    use crate::workbook::Figures;

    /// 2,100 units missing one target: the sentence names ten and counts 2,090 more,
    /// the appendix lists 2,000 and counts the 100 left out.
    #[test]
    fn long_lists_are_cut_and_counted() {
        let units: Vec<Unit> = (0..2100)
            .map(|i| Unit::new(&format!("u{i:04}"), &format!("Đơn vị {i}"), "school", "X"))
            .collect();
        let registry = Registry::from_units(units);
        let catalogue = Catalogue::default_2022();
        let rows: Vec<Attainment> = registry
            .units()
            .iter()
            .map(|u| Attainment {
                period: "2022-Q1".into(),
                scope: Scope::Unit,
                scope_id: u.unit_id.as_str().into(),
                target_id: "tthc.on_time".into(),
                numerator: Some(Fraction::int(9)),
                denominator: Some(Fraction::int(10)),
                value: Some(0.9),
                status: Status::NotMet,
                gap: Some(1),
            })
            .collect();
        let batch = Batch {
            period: "2022-Q1".parse().ok(),
            periods: Vec::new(),
            calendar: Calendar::official(),
            submissions: Vec::new(),
            dossier_records: Vec::new(),
            late_dossiers: Vec::new(),
            findings: Vec::new(),
            files: Vec::new(),
            registry: registry.clone(),
        };
        let inputs = Default::default();
        let input = ReportInput {
            batch: &batch,
            registry: &registry,
            figures: Figures::Inputs(&inputs),
            attainment: &rows,
            catalogue: &catalogue,
            province: "P",
            fields: &FieldTable::default(),
            procedures: &ProcedureTable::default(),
            issuer: &Issuer::embedded(),
        };
        let by_key = AttainmentIndex::new(&rows);
        let units = UnitCounts::new(&input, &by_key);
        let (table, left_out) = not_met_table(&input, &units).expect("units miss it");
        assert_eq!(
            (table.rows.len(), left_out),
            (APPENDIX_ROWS, 2100 - APPENDIX_ROWS)
        );
        assert_eq!(table.rows[APPENDIX_ROWS - 1][2], "u1999");
        let on_time = catalogue.get("tthc.on_time").expect("present");
        let blocks = target_sentences(on_time, &input, &by_key, &units);
        let Some(Block::Text(named)) = blocks.get(1) else {
            panic!("{blocks:?}");
        };
        assert!(named.starts_with("Đơn vị chưa đạt: Đơn vị 0 (90 %); Đơn vị 1 (90 %);"));
        assert_eq!(named.matches(" (90 %)").count(), NAMED_IN_SENTENCE);
        assert!(named.ends_with("Đơn vị 9 (90 %) và 2.090 đơn vị khác (xem Phụ lục)."));
    }
}
