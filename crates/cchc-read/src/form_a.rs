//! Form A (dossier results): finding the header anywhere in a sheet, then reading
//! its rows with every check of DOMAIN §5 and §7.

use cchc_domain::finding::{a1, Finding, Rule};
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
    pub measure_cols: [Option<u32>; 11],
    /// The row-label column (field or unit).
    pub label_col: Option<u32>,
    /// Whether the label column lists units (a district roll-up).
    pub label_is_unit: bool,
    /// The row-number (`TT`/`STT`) column.
    pub number_col: Option<u32>,
    /// Columns the table spans.
    pub span: std::ops::Range<u32>,
}

impl HeaderMatch {
    /// Form A's view of a generic header.
    pub fn from_header(h: &Header<ColumnRole>) -> HeaderMatch {
        let mut m = HeaderMatch {
            top: h.top,
            depth: h.depth,
            measure_cols: [None; 11],
            label_col: None,
            label_is_unit: false,
            number_col: h.col(ColumnRole::RowNumber),
            span: h.span(),
        };
        for (c, role) in &h.columns {
            match role {
                ColumnRole::Measure(me) => {
                    m.measure_cols[me.index()].get_or_insert(*c);
                }
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
    /// The eleven measures, by [`Measure::index`].
    pub values: [i64; 11],
    /// A1 reference of the row's first table cell.
    pub cell: String,
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

/// The four identities of DOMAIN §2: (rule, total, parts, Vietnamese formula).
const IDENTITIES: [(Rule, Measure, &[Measure], &str); 4] = [
    (
        Rule::IdentityReceived,
        Measure::ReceivedTotal,
        &[
            Measure::ReceivedOnline,
            Measure::ReceivedDirect,
            Measure::CarriedOver,
        ],
        "(3) = (4) + (5) + (6)",
    ),
    (
        Rule::IdentityResolved,
        Measure::ResolvedTotal,
        &[
            Measure::ResolvedEarly,
            Measure::ResolvedOnTime,
            Measure::ResolvedLate,
        ],
        "(7) = (8) + (9) + (10)",
    ),
    (
        Rule::IdentityPending,
        Measure::PendingTotal,
        &[Measure::PendingInTime, Measure::PendingOverdue],
        "(11) = (12) + (13)",
    ),
    (
        Rule::IdentityBalance,
        Measure::ReceivedTotal,
        &[Measure::ResolvedTotal, Measure::PendingTotal],
        "(3) = (7) + (11)",
    ),
];

/// Checks the identities of one row; returns findings (the row still counts).
pub fn check_identities(values: &[i64; 11]) -> Vec<(Rule, String, String)> {
    let mut out = Vec::new();
    for (rule, total, parts, formula) in IDENTITIES {
        let sum: i64 = parts.iter().map(|m| values[m.index()]).sum();
        let t = values[total.index()];
        if sum != t {
            let parts_text: Vec<String> = parts
                .iter()
                .map(|m| values[m.index()].to_string())
                .collect();
            out.push((
                rule,
                format!(
                    "không khớp {formula}: {t} ≠ {} = {sum}",
                    parts_text.join(" + ")
                ),
                format!("{t} ≠ {sum}"),
            ));
        }
    }
    out
}

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
    let mut complete = true;
    for m in Measure::ALL {
        if header.measure_cols[m.index()].is_none() {
            complete = false;
            findings.push(
                Finding::file(
                    Rule::ColumnMissing,
                    file,
                    format!(
                        "Biểu A thiếu cột ({}) \"{}\"; các dòng của bảng không được tổng hợp",
                        m.form_column(),
                        m.label_vi()
                    ),
                )
                .at(sheet, a1(header.top, span.start)),
            );
        }
    }
    // Each total row with the running sum and the sum since the last group row when
    // it was met: a total row may stand first, last, or close a group (a subtotal).
    let mut totals: Vec<(u32, [Option<i64>; 11], [i64; 11], [i64; 11])> = Vec::new();
    let mut sums = [0i64; 11];
    let mut group_sums = [0i64; 11];
    let mut rows = Vec::new();
    let mut set_aside = 0;
    for body in body_rows(
        grid,
        header.top + header.depth,
        span.clone(),
        header.number_col,
    ) {
        let r = match body {
            BodyRow::Group(_) => {
                group_sums = [0; 11];
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
        let mut values = [0i64; 11];
        let mut parsed = [None; 11];
        let mut problems = Vec::new();
        let mut any_value = false;
        for m in Measure::ALL {
            let Some(c) = header.measure_cols[m.index()] else {
                continue;
            };
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
            totals.push((r, parsed, sums, group_sums));
            group_sums = [0; 11];
            continue;
        }
        if !problems.is_empty() || !complete {
            set_aside += 1;
            for m in Measure::ALL {
                // Parsed cells of a set-aside row still count in the total-row check.
                sums[m.index()] += parsed[m.index()].unwrap_or(0);
                group_sums[m.index()] += parsed[m.index()].unwrap_or(0);
            }
            continue;
        }
        for m in Measure::ALL {
            sums[m.index()] += values[m.index()];
            group_sums[m.index()] += values[m.index()];
        }
        for (rule, message, raw) in check_identities(&values) {
            findings.push(
                Finding::file(rule, file, format!("Biểu A, dòng \"{label}\": {message}"))
                    .at(sheet, row_cell.clone())
                    .with_raw(raw),
            );
        }
        rows.push(DossierRow {
            label,
            values,
            cell: row_cell,
        });
    }
    if complete {
        for (r, parsed, running, group) in totals {
            let matches = |reference: &[i64; 11]| {
                Measure::ALL
                    .iter()
                    .all(|m| parsed[m.index()].is_none_or(|v| v == reference[m.index()]))
            };
            if matches(&sums) || matches(&running) || matches(&group) {
                continue;
            }
            for m in Measure::ALL {
                let (Some(c), Some(v)) = (header.measure_cols[m.index()], parsed[m.index()]) else {
                    continue;
                };
                if v != sums[m.index()] {
                    findings.push(
                        Finding::file(
                            Rule::TotalRowMismatch,
                            file,
                            format!(
                                "Biểu A, dòng tổng cột ({}) \"{}\": ghi {v}, tổng các dòng là {}",
                                m.form_column(),
                                m.label_vi(),
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

    #[test]
    fn identities_by_hand() {
        // received 10 = 4 + 5 + 1; resolved 8 = 6 + 1 + 1; pending 2 = 2 + 0; 10 = 8 + 2
        let ok = [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0];
        assert!(check_identities(&ok).is_empty());
        // resolved total 9 but parts sum to 8, and then 10 ≠ 9 + 2
        let bad = [10, 4, 5, 1, 9, 6, 1, 1, 2, 2, 0];
        let rules: Vec<Rule> = check_identities(&bad)
            .into_iter()
            .map(|(r, _, _)| r)
            .collect();
        assert_eq!(rules, vec![Rule::IdentityResolved, Rule::IdentityBalance]);
    }
}
