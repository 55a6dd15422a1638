//! The lines above a table: who reports (`Đơn vị báo cáo: …`) and for which
//! period (`Kỳ báo cáo: …`, a title, a date range).

use cchc_domain::finding::a1;
use cchc_domain::period::{Calendar, Period, PeriodKind};
use cchc_domain::text::normalize;

use crate::grid::Grid;

/// Labels that introduce the reporting unit (docs/contract.md §7.3); `Đơn vị tính` and
/// `Đơn vị nhận báo cáo` are not among them.
const UNIT_LABELS: &[&str] = &[
    "don vi",
    "don vi bao cao",
    "ten don vi",
    "ten don vi bao cao",
    "co quan bao cao",
];
const PERIOD_LABELS: &[&str] = &["ky bao cao"];

/// A value read from a labelled line, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The text as written.
    pub raw: String,
    /// A1 reference.
    pub cell: String,
}

/// What the lines above a table say.
#[derive(Debug, Clone, Default)]
pub struct SheetMeta {
    /// The unit name written on the `Đơn vị` line.
    pub unit: Option<Located<String>>,
    /// The period stated above the table.
    pub period: Option<Located<Period>>,
    /// Every other text cell above the table (the agency line at the top left, titles):
    /// a last resort for naming the unit when neither the `Đơn vị` line nor the file
    /// name does.
    pub other_lines: Vec<Located<String>>,
}

/// Each cell's would-be label (the text before `:`, or all of it), normalised.
fn row_labels(cells: &[(u32, String)]) -> Vec<String> {
    cells
        .iter()
        .map(|(_, text)| normalize(text.split_once(':').map_or(text.as_str(), |(l, _)| l)))
        .collect()
}

/// `Label: value`, or `Label:` with the value in the next cell of the row (`normalized`:
/// the row's [`row_labels`]).
fn labelled_value(
    cells: &[(u32, String)],
    normalized: &[String],
    labels: &[&str],
) -> Option<(u32, String)> {
    for (i, (col, text)) in cells.iter().enumerate() {
        if !labels.contains(&normalized[i].as_str()) {
            continue;
        }
        let value = text
            .split_once(':')
            .map_or(String::new(), |(_, v)| v.trim().to_string());
        if !value.is_empty() {
            return Some((*col, value));
        }
        if let Some((c, next)) = cells.get(i + 1) {
            return Some((*c, next.trim().trim_start_matches(':').trim().to_string()));
        }
    }
    None
}

/// Reads unit and period from rows `first..end` (the rows above a header); periods
/// are those of `calendar`.
pub fn read_meta(grid: &Grid, rows: std::ops::Range<u32>, calendar: &Calendar) -> SheetMeta {
    let mut meta = SheetMeta::default();
    let mut labelled_period = None;
    let mut year_period = None;
    let mut specific_period = None;
    for r in rows {
        let cells = grid.row_texts(r);
        if cells.is_empty() {
            continue;
        }
        let mut labels: Option<Vec<String>> = None;
        if meta.unit.is_none() {
            if let Some((c, v)) = labelled_value(
                &cells,
                labels.get_or_insert_with(|| row_labels(&cells)),
                UNIT_LABELS,
            ) {
                if !v.is_empty() {
                    meta.unit = Some(Located {
                        value: v.clone(),
                        raw: v,
                        cell: a1(r, c),
                    });
                    continue;
                }
            }
        }
        if labelled_period.is_none() {
            if let Some((c, v)) = labelled_value(
                &cells,
                labels.get_or_insert_with(|| row_labels(&cells)),
                PERIOD_LABELS,
            ) {
                if let Some(p) = calendar.parse_text(&v) {
                    labelled_period = Some(Located {
                        value: p,
                        raw: v,
                        cell: a1(r, c),
                    });
                    continue;
                }
            }
        }
        for (c, text) in &cells {
            meta.other_lines.push(Located {
                value: text.clone(),
                raw: text.clone(),
                cell: a1(r, *c),
            });
            if let Some(p) = calendar.parse_text(text) {
                let slot = if p.kind == PeriodKind::Year {
                    &mut year_period
                } else {
                    &mut specific_period
                };
                if slot.is_none() {
                    *slot = Some(Located {
                        value: p,
                        raw: text.clone(),
                        cell: a1(r, *c),
                    });
                }
            }
        }
    }
    meta.period = labelled_period.or(specific_period).or(year_period);
    meta
}
