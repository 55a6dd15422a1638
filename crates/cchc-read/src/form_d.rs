//! Form D (other plan indicators): key–value rows matched to the catalogue.

use cchc_domain::columns::DColumn;
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::target::Catalogue;

use crate::cells::{read_decimal, CellValue};
use crate::grid::{cell_text, Grid};
use crate::header::{body_rows, BodyRow, Header};
use crate::memo::Memo;

/// One indicator row matched to a target.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// The target it reports on.
    pub target_id: String,
    /// The indicator's name as written.
    pub indicator: String,
    /// `Đơn vị tính` as written.
    pub unit_of_measure: String,
    /// `Số thực hiện (tử số)`.
    pub numerator: Option<f64>,
    /// `Tổng số (mẫu số)`.
    pub denominator: Option<f64>,
    /// `Tỷ lệ`, as a fraction (95% is 0.95).
    pub ratio: Option<f64>,
    /// A1 reference of the row's first table cell.
    pub cell: String,
}

impl IndicatorRow {
    /// Numerator and denominator both given: the row can be checked and pooled.
    pub fn verifiable(&self) -> bool {
        self.numerator.is_some() && self.denominator.is_some()
    }
}

/// A Form D table.
#[derive(Debug, Clone)]
pub struct FormDTable {
    /// Rows matched to targets.
    pub rows: Vec<IndicatorRow>,
    /// Rows set aside (bad cells, no target).
    pub rows_set_aside: usize,
}

/// A ratio cell as a fraction: text with `%` is already divided; a number above 1
/// is a percentage (`95` is 95%); 0–1 is a fraction (`0.95`).
fn as_fraction(x: f64, had_percent: bool) -> f64 {
    if had_percent || x <= 1.0 {
        x
    } else {
        x / 100.0
    }
}

/// Reads the indicator rows under a Form D header.
pub fn read_table(
    grid: &Grid,
    h: &Header<DColumn>,
    catalogue: &Catalogue,
    file: &str,
    findings: &mut Vec<Finding>,
) -> FormDTable {
    read_table_with(
        grid,
        h,
        catalogue,
        file,
        findings,
        &mut IndicatorMemo::default(),
    )
}

/// Which target (by catalogue index) each (code, name) written in Form D matched.
pub type IndicatorMemo = Memo<(String, String), Option<usize>>;

/// [`read_table`] with a memo of indicator matches (same catalogue only).
pub fn read_table_with(
    grid: &Grid,
    h: &Header<DColumn>,
    catalogue: &Catalogue,
    file: &str,
    findings: &mut Vec<Finding>,
    memo: &mut IndicatorMemo,
) -> FormDTable {
    let sheet = grid.name.as_str();
    let span = h.span();
    let mut rows = Vec::new();
    let mut set_aside = 0;
    for body in body_rows(grid, h.end(), span.clone(), h.col(DColumn::RowNumber)) {
        let BodyRow::Data(r) = body else { continue };
        let text = |role| {
            h.col(role)
                .map(|c| cell_text(grid.cell(r, c)).trim().to_string())
                .unwrap_or_default()
        };
        let (code, name) = (text(DColumn::Code), text(DColumn::Name));
        let mut problems = Vec::new();
        let mut value = |role| {
            let c = h.col(role)?;
            let d = grid.cell(r, c);
            match read_decimal(d) {
                CellValue::Ok(v) => v,
                CellValue::Problem(rule, what) => {
                    problems.push((rule, what, c, cell_text(d)));
                    None
                }
            }
        };
        let numerator = value(DColumn::Numerator);
        let denominator = value(DColumn::Denominator);
        let ratio_raw = value(DColumn::Ratio);
        if code.is_empty()
            && name.is_empty()
            && numerator.is_none()
            && denominator.is_none()
            && ratio_raw.is_none()
            && problems.is_empty()
        {
            continue;
        }
        let label = if name.is_empty() {
            code.clone()
        } else {
            name.clone()
        };
        for (rule, what, c, raw) in &problems {
            findings.push(
                Finding::file(
                    *rule,
                    file,
                    format!("Biểu D, chỉ tiêu \"{label}\": {what}; dòng không được tổng hợp"),
                )
                .at(sheet, a1(r, *c))
                .with_raw(raw.clone()),
            );
        }
        if !problems.is_empty() {
            set_aside += 1;
            continue;
        }
        let matched = memo.get_or_compute(&(code.clone(), name.clone()), || {
            catalogue
                .match_indicator(&code, &name)
                .and_then(|t| catalogue.targets.iter().position(|x| x.id == t.id))
        });
        let Some(target) = matched.and_then(|i| catalogue.targets.get(i)) else {
            findings.push(
                Finding::file(
                    Rule::IndicatorUnknown,
                    file,
                    format!("Biểu D: chỉ tiêu \"{label}\" không khớp với chỉ tiêu nào của kế hoạch (theo mã hoặc tên): bỏ qua"),
                )
                .at(sheet, a1(r, span.start))
                .with_raw(label.clone()),
            );
            set_aside += 1;
            continue;
        };
        let had_percent = h
            .col(DColumn::Ratio)
            .is_some_and(|c| cell_text(grid.cell(r, c)).contains('%'));
        let ratio = ratio_raw.map(|x| as_fraction(x, had_percent));
        let row = IndicatorRow {
            target_id: target.id.clone(),
            indicator: label.clone(),
            unit_of_measure: text(DColumn::UnitOfMeasure),
            numerator,
            denominator,
            ratio,
            cell: a1(r, span.start),
        };
        if !row.verifiable() && row.ratio.is_some() {
            findings.push(
                Finding::file(
                    Rule::RatioUnverifiable,
                    file,
                    format!("Biểu D, chỉ tiêu \"{label}\": chỉ có tỷ lệ, không có tử số và mẫu số; chỉ tính cho đơn vị, không cộng vào huyện và tỉnh"),
                )
                .at(sheet, a1(r, span.start))
                .with_raw(ratio_raw.map(|x| x.to_string()).unwrap_or_default()),
            );
        }
        rows.push(row);
    }
    rows.shrink_to_fit();
    FormDTable {
        rows,
        rows_set_aside: set_aside,
    }
}
