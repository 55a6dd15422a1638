//! Form A (dossier results): finding the header anywhere in a sheet, then reading
//! its rows with every check of docs/contract.md §5 and §7.

use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::forms::vocabulary;
use cchc_domain::measure::{ColumnRole, HeaderAliases, Measure};
use cchc_domain::text::{normalize, words};

use crate::cells::{read_count, CellValue};
use crate::grid::{cell_text, is_blank, Grid};
use crate::header::{body_rows, BodyRow, Header};

/// Where a Form A header was found and what its columns are.
#[derive(Debug, Clone)]
pub struct HeaderMatch {
    /// First header row (absolute, 0-based).
    pub top: u32,
    /// Number of header rows.
    pub depth: u32,
    /// Column of each measure found, indexed by [`Measure::index`].
    pub measure_cols: Vec<Option<u32>>,
    /// The row-label column (field or unit).
    pub label_col: Option<u32>,
    /// Whether the label column lists units (a district roll-up).
    pub label_is_unit: bool,
    /// The row-number (`TT`/`STT`) column.
    pub number_col: Option<u32>,
    /// Columns the table spans.
    pub span: std::ops::Range<u32>,
    /// Measures two or more columns claim: (measure, every such column).
    pub ambiguous: Vec<(Measure, Vec<u32>)>,
}

impl HeaderMatch {
    /// Form A's view of a generic header.
    pub fn from_header(h: &Header<ColumnRole>) -> HeaderMatch {
        let mut m = HeaderMatch {
            top: h.top,
            depth: h.depth,
            measure_cols: vec![None; Measure::count()],
            label_col: None,
            label_is_unit: false,
            number_col: h.col(ColumnRole::RowNumber),
            span: h.span(),
            ambiguous: Vec::new(),
        };
        for (c, role) in &h.columns {
            match role {
                ColumnRole::Measure(me) => match m.measure_cols[me.index()] {
                    None => m.measure_cols[me.index()] = Some(*c),
                    Some(first) => match m.ambiguous.iter_mut().find(|(x, _)| x == me) {
                        Some((_, cols)) => cols.push(*c),
                        None => m.ambiguous.push((*me, vec![first, *c])),
                    },
                },
                ColumnRole::Field | ColumnRole::UnitLabel if m.label_col.is_none() => {
                    m.label_col = Some(*c);
                    m.label_is_unit = *role == ColumnRole::UnitLabel;
                }
                _ => {}
            }
        }
        m
    }
}

/// Looks for the Form A header (see [`crate::header::find_header`]).
pub fn find_header(grid: &Grid, aliases: &HeaderAliases) -> Option<HeaderMatch> {
    crate::header::find_header(grid, aliases).map(|h| HeaderMatch::from_header(&h))
}

/// One accepted data row of Form A.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierRow {
    /// The row label: a field, or (roll-ups) a unit name.
    pub label: String,
    /// Every Form A measure, by [`Measure::index`]; 0 where the table has no such column.
    pub values: Box<[i64]>,
    /// The measures the table carries (a column, or derived from columns), by
    /// [`Measure::bit`]: every required one, and the optional ones it has.
    pub present: u32,
    /// A1 reference of the row's first table cell.
    pub cell: String,
}

impl DossierRow {
    /// The value of a measure, `None` when the row's table does not carry it.
    pub fn get(&self, m: Measure) -> Option<i64> {
        (self.present & m.bit() != 0).then(|| self.values[m.index()])
    }
}

/// A Form A table read from one sheet.
#[derive(Debug, Clone)]
pub struct FormATable {
    /// Where the header is.
    pub header: HeaderMatch,
    /// Accepted rows, in sheet order.
    pub rows: Vec<DossierRow>,
    /// Data rows set aside for bad cells.
    pub rows_set_aside: usize,
    /// Whether the table is complete (every measure column present); an
    /// incomplete table's rows are all set aside.
    pub complete: bool,
}

/// `Tổng số`, `Tổng cộng`, `Cộng`, `Cộng cấp huyện` (but not `Công chứng`: `Cộng`
/// with its dot below is a sum, `Công` is a word; without diacritics only a bare `Cong`).
fn is_total_label(raw: &str) -> bool {
    let n = normalize(raw);
    let ws = words(&n);
    let lower: String = cchc_domain::text::nfc(raw.trim()).to_lowercase();
    (ws.first() == Some(&"tong") && ws.len() <= 4)
        || n == "cong"
        || (lower.starts_with("cộng") && ws.len() <= 4)
}

/// Checks the identities of `data/forms.toml` on one row whose table carries the
/// measures in `present`; returns findings (the row still counts). An identity over a
/// measure the table does not carry is not checked.
pub fn check_identities(values: &[i64], present: u32) -> Vec<(Rule, String, String)> {
    let mut out = Vec::new();
    let has = |m: usize| present & (1 << m) != 0;
    for (i, identity) in vocabulary().identities.iter().enumerate() {
        if !has(identity.total) || !identity.parts.iter().all(|&m| has(m)) {
            continue;
        }
        let sum: i64 = identity.parts.iter().map(|&m| values[m]).sum();
        let t = values[identity.total];
        if sum != t {
            let parts_text: Vec<String> = identity
                .parts
                .iter()
                .map(|&m| values[m].to_string())
                .collect();
            out.push((
                Rule::Identity(i as u8),
                format!(
                    "không khớp {}: {t} ≠ {} = {sum}",
                    identity.text,
                    parts_text.join(" + ")
                ),
                format!("{t} ≠ {sum}"),
            ));
        }
    }
    out
}

/// The measures a table carries: those with a column, then those derived from them
/// (`data/forms.toml`, the first rule whose parts are all there), as a mask; and the
/// derivations that apply, (measure, parts).
fn carried(measure_cols: &[Option<u32>]) -> (u32, Vec<(usize, &'static [usize])>) {
    let mut present = 0u32;
    for (i, c) in measure_cols.iter().enumerate() {
        if c.is_some() {
            present |= 1 << i;
        }
    }
    let mut derived = Vec::new();
    for d in &vocabulary().derived {
        let has = |m: usize| present & (1 << m) != 0;
        if !has(d.measure) && d.sum.iter().all(|&m| has(m)) {
            present |= 1 << d.measure;
            derived.push((d.measure, d.sum.as_slice()));
        }
    }
    (present, derived)
}

/// A total row as met: its row, the values it states, and the running sum and the sum
/// since the last group row at that point.
type TotalRow = (u32, Vec<Option<i64>>, Vec<i64>, Vec<i64>);

/// Reads the Form A table under a found header. Findings go to `findings` with
/// `file` and the sheet filled in.
pub fn read_table(
    grid: &Grid,
    header: HeaderMatch,
    file: &str,
    findings: &mut Vec<Finding>,
) -> FormATable {
    let span = header.span.clone();
    let sheet = grid.name.as_str();
    let n = Measure::count();
    let (present, derived) = carried(&header.measure_cols);
    let mut complete = true;
    // Two columns for one measure: which one holds it cannot be told, so neither is
    // guessed (a figure from the wrong column is worse than none).
    for (m, cols) in &header.ambiguous {
        complete = false;
        let letters: Vec<String> = cols
            .iter()
            .map(|c| {
                a1(header.top, *c)
                    .trim_end_matches(char::is_numeric)
                    .to_string()
            })
            .collect();
        findings.push(
            Finding::file(
                Rule::ColumnAmbiguous,
                file,
                format!(
                    "Biểu A có {} cột cùng là {} (cột {}): không rõ cột nào đúng; sửa tiêu đề cột, các dòng của bảng không được tổng hợp",
                    cols.len(),
                    m.describe_vi(),
                    letters.join(", ")
                ),
            )
            .at(sheet, a1(header.top, cols[0])),
        );
    }
    for m in Measure::all().filter(|m| m.required() && present & m.bit() == 0) {
        complete = false;
        findings.push(
            Finding::file(
                Rule::ColumnMissing,
                file,
                format!(
                    "Biểu A thiếu cột {}; các dòng của bảng không được tổng hợp",
                    m.describe_vi()
                ),
            )
            .at(sheet, a1(header.top, span.start)),
        );
    }
    // The measures read from a column, in order.
    let columns: Vec<(Measure, u32)> = Measure::all()
        .filter_map(|m| header.measure_cols[m.index()].map(|c| (m, c)))
        .collect();
    // Each total row with the running sum and the sum since the last group row when
    // it was met: a total row may stand first, last, or close a group (a subtotal).
    let mut totals: Vec<TotalRow> = Vec::new();
    let mut sums = vec![0i64; n];
    let mut group_sums = vec![0i64; n];
    let mut rows = Vec::new();
    let mut set_aside = 0;
    // Each row's parsed cells, reused from row to row.
    let mut parsed: Vec<Option<i64>> = vec![None; n];
    for body in body_rows(
        grid,
        header.top + header.depth,
        span.clone(),
        header.number_col,
    ) {
        let r = match body {
            BodyRow::Group(_) => {
                group_sums.fill(0);
                continue;
            }
            BodyRow::Data(r) => r,
        };
        let number_text = header
            .number_col
            .map(|c| cell_text(grid.cell(r, c)))
            .unwrap_or_default();
        let label = header
            .label_col
            .map(|c| cell_text(grid.cell(r, c)).trim().to_string())
            .unwrap_or_default();
        let is_total = is_total_label(&label) || is_total_label(&number_text);
        let mut values = vec![0i64; n].into_boxed_slice();
        parsed.fill(None);
        let mut problems = Vec::new();
        let mut any_value = false;
        for &(m, c) in &columns {
            let d = grid.cell(r, c);
            if !is_blank(d) {
                any_value = true;
            }
            match read_count(d) {
                CellValue::Ok(v) => {
                    values[m.index()] = v;
                    parsed[m.index()] = Some(v);
                }
                CellValue::Problem(rule, what) => problems.push((rule, what, c, cell_text(d))),
            }
        }
        let row_cell = a1(r, span.start);
        if !any_value {
            continue;
        }
        for (rule, what, c, raw) in &problems {
            let where_ = if is_total { "dòng tổng" } else { "dòng" };
            findings.push(
                Finding::file(
                    *rule,
                    file,
                    format!("Biểu A, {where_} \"{label}\": {what}; dòng không được tổng hợp"),
                )
                .at(sheet, a1(r, *c))
                .with_raw(raw.clone()),
            );
        }
        if is_total {
            totals.push((r, parsed.clone(), sums.clone(), group_sums.clone()));
            group_sums.fill(0);
            continue;
        }
        for (k, p) in parsed.iter().enumerate() {
            // Parsed cells of a set-aside row still count in the total-row check.
            sums[k] += p.unwrap_or(0);
            group_sums[k] += p.unwrap_or(0);
        }
        if !problems.is_empty() || !complete {
            set_aside += 1;
            continue;
        }
        for &(m, parts) in &derived {
            values[m] = parts.iter().map(|&p| values[p]).sum();
        }
        for (rule, message, raw) in check_identities(&values, present) {
            findings.push(
                Finding::file(rule, file, format!("Biểu A, dòng \"{label}\": {message}"))
                    .at(sheet, row_cell.clone())
                    .with_raw(raw),
            );
        }
        rows.push(DossierRow {
            label,
            values,
            present,
            cell: row_cell,
        });
    }
    if complete {
        for (r, parsed, running, group) in totals {
            let matches = |reference: &[i64]| {
                columns
                    .iter()
                    .all(|(m, _)| parsed[m.index()].is_none_or(|v| v == reference[m.index()]))
            };
            if matches(&sums) || matches(&running) || matches(&group) {
                continue;
            }
            for &(m, c) in &columns {
                let Some(v) = parsed[m.index()] else {
                    continue;
                };
                if v != sums[m.index()] {
                    findings.push(
                        Finding::file(
                            Rule::TotalRowMismatch,
                            file,
                            format!(
                                "Biểu A, dòng tổng cột {}: ghi {v}, tổng các dòng là {}",
                                m.describe_vi(),
                                sums[m.index()]
                            ),
                        )
                        .at(sheet, a1(r, c))
                        .with_raw(v.to_string()),
                    );
                }
            }
        }
    }
    if !complete {
        set_aside += rows.len();
        rows.clear();
    }
    // Held until the batch is assembled: no spare capacity (a growing vector of 11 rows
    // has room for 16).
    rows.shrink_to_fit();
    FormATable {
        header,
        rows,
        rows_set_aside: set_aside,
        complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals() {
        assert!(is_total_label("Tổng cộng"));
        assert!(is_total_label("TỔNG SỐ"));
        assert!(is_total_label("Cộng"));
        assert!(!is_total_label("Công chứng"));
        assert!(!is_total_label("Giáo dục trung học"));
    }

    fn rule_ids(values: &[i64], present: u32) -> Vec<&'static str> {
        check_identities(values, present)
            .into_iter()
            .map(|(r, _, _)| r.id())
            .collect()
    }

    #[test]
    fn identities_by_hand() {
        let core = (1u32 << 11) - 1;
        let row = |v: &[i64]| {
            let mut all = vec![0; Measure::count()];
            all[..v.len()].copy_from_slice(v);
            all
        };
        // received 10 = 4 + 5 + 1; resolved 8 = 6 + 1 + 1; pending 2 = 2 + 0; 10 = 8 + 2
        let ok = row(&[10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0]);
        assert!(rule_ids(&ok, core).is_empty());
        // resolved total 9 but parts sum to 8, and then 10 ≠ 9 + 2
        let bad = row(&[10, 4, 5, 1, 9, 6, 1, 1, 2, 2, 0]);
        assert_eq!(
            rule_ids(&bad, core),
            ["identity.resolved", "identity.balance"]
        );
        // Online 4 split into toàn trình 3 + một phần 2: checked only when both are carried.
        let full = Measure::named("received_online_full").expect("measure");
        let partial = Measure::named("received_online_partial").expect("measure");
        let mut split = ok.clone();
        split[full.index()] = 3;
        split[partial.index()] = 2;
        assert!(rule_ids(&split, core | full.bit()).is_empty());
        let both = core | full.bit() | partial.bit();
        assert_eq!(rule_ids(&split, both), ["identity.online"]);
        split[partial.index()] = 1;
        assert!(rule_ids(&split, both).is_empty());
    }
}
