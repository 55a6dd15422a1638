//! Finding a form's header anywhere in the first rows of a sheet, and walking the
//! rows of the table under it. One mechanism for every form: each form brings only
//! its [`ColumnClassifier`].

use calamine::Data;
use cchc_domain::columns::ColumnClassifier;
use cchc_domain::text::{contains_phrase, normalize, words};

use crate::grid::{cell_text, header_paths, is_blank, Grid};

/// Rows searched for a header (DOMAIN §3).
pub const HEADER_SEARCH_ROWS: u32 = 30;
/// Header levels tried (one to four: the 2017 Form A nests `Trong đó › Số mới tiếp nhận`).
pub const MAX_HEADER_DEPTH: u32 = 4;

/// Where a header is and what its columns are.
#[derive(Debug, Clone)]
pub struct Header<R> {
    /// First header row (absolute, 0-based).
    pub top: u32,
    /// Number of header rows.
    pub depth: u32,
    /// Every recognised column, left to right.
    pub columns: Vec<(u32, R)>,
    /// Distinct scoring roles found.
    pub score: usize,
    /// `score` over the form's complete score, to choose between forms.
    pub coverage: f64,
}

impl<R: Copy + PartialEq> Header<R> {
    /// The first column with this role.
    pub fn col(&self, role: R) -> Option<u32> {
        self.columns.iter().find(|(_, r)| *r == role).map(|(c, _)| *c)
    }

    /// Columns the table spans.
    pub fn span(&self) -> std::ops::Range<u32> {
        let lo = self.columns.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let hi = self.columns.iter().map(|(c, _)| *c).max().unwrap_or(0);
        lo..hi + 1
    }

    /// First row after the header.
    pub fn end(&self) -> u32 {
        self.top + self.depth
    }
}

/// A number that can stand in a header row: a year (`2021` typed as a number).
fn header_number_ok(d: &Data) -> bool {
    let year = |x: f64| x.fract() == 0.0 && (1990.0..=2100.0).contains(&x);
    match d {
        Data::Float(f) => year(*f),
        Data::Int(i) => year(*i as f64),
        _ => true,
    }
}

/// Looks for the header of the form `classifier` describes, in the first
/// [`HEADER_SEARCH_ROWS`] rows, one to [`MAX_HEADER_DEPTH`] levels deep. Best is most
/// scoring roles, then fewest levels, then highest up.
pub fn find_header<C: ColumnClassifier>(grid: &Grid, classifier: &C) -> Option<Header<C::Role>> {
    let first = grid.first_row();
    let last = grid.end_row().min(first + HEADER_SEARCH_ROWS);
    let cols = grid.first_col()..grid.end_col();
    let mut best: Option<Header<C::Role>> = None;
    // The same column path comes back for many (top, depth) candidates: classify once.
    let mut seen: std::collections::HashMap<Vec<String>, Option<C::Role>> = std::collections::HashMap::new();
    for top in first..last {
        if grid.row_is_blank(top, cols.clone()) {
            continue;
        }
        for depth in 1..=MAX_HEADER_DEPTH {
            let bottom = top + depth - 1;
            if bottom >= grid.end_row() || !cols.clone().all(|c| header_number_ok(grid.cell(bottom, c))) {
                break;
            }
            let paths = header_paths(grid, top..top + depth, cols.clone());
            let mut columns = Vec::new();
            let mut scoring = Vec::new();
            for (i, path) in paths.into_iter().enumerate() {
                let role = match seen.get(&path) {
                    Some(role) => *role,
                    None => {
                        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
                        let role = classifier.classify(&refs);
                        seen.insert(path, role);
                        role
                    }
                };
                if let Some(role) = role {
                    if classifier.scores(&role) && !scoring.contains(&role) {
                        scoring.push(role);
                    }
                    columns.push((cols.start + i as u32, role));
                }
            }
            let score = scoring.len();
            if score < classifier.min_score() {
                continue;
            }
            let better = best.as_ref().is_none_or(|b| (score, std::cmp::Reverse(depth)) > (b.score, std::cmp::Reverse(b.depth)));
            if better {
                let coverage = score as f64 / classifier.max_score().max(1) as f64;
                best = Some(Header { top, depth, columns, score, coverage });
            }
        }
    }
    best
}

/// Row-end markers of the signature block (DOMAIN §7.1).
const SIGNATURE_PHRASES: &[&str] = &["nguoi lap bieu", "thu truong don vi", "thu truong co quan", "giam doc", "nguoi lap"];

/// Whether a row is (the start of) the signature block.
pub fn is_signature_row(grid: &Grid, row: u32) -> bool {
    grid.row_texts(row).iter().any(|(_, t)| {
        let n = normalize(t);
        if SIGNATURE_PHRASES.iter().any(|p| contains_phrase(&n, p)) {
            return true;
        }
        // "…, ngày … tháng … năm …"
        let ws = words(&n);
        let pos = |w: &str| ws.iter().position(|x| *x == w);
        matches!((pos("ngay"), pos("thang"), pos("nam")), (Some(a), Some(b), Some(c)) if a < b && b < c && c - a <= 6)
    })
}

/// `I`, `II`, `IV`, `A`, `B`: group and subtotal rows (DOMAIN §7.2).
pub fn is_group_marker(raw: &str) -> bool {
    let t = raw.trim().trim_end_matches('.');
    if t.is_empty() {
        return false;
    }
    let roman = t.len() <= 6 && t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    let letter = t.chars().count() == 1 && t.chars().all(|c| c.is_ascii_uppercase());
    roman || letter
}

/// `(1)`, `1`, `(3)=(4)+(5)`: a cell of the column-numbering row under a header.
fn numbering_value(d: &Data) -> Option<i64> {
    match d {
        Data::Int(i) => Some(*i),
        Data::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        Data::String(s) => {
            let t = s.trim();
            let inner = t.strip_prefix('(')?;
            let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
            if inner[digits.len()..].starts_with(')') {
                digits.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether the row is the column-numbering row (`(1) (2) …` or `1 2 3 …`).
pub fn is_numbering_row(grid: &Grid, row: u32, cols: std::ops::Range<u32>) -> bool {
    let mut values = Vec::new();
    for c in cols {
        let d = grid.cell(row, c);
        if is_blank(d) {
            continue;
        }
        match numbering_value(d) {
            Some(v) => values.push(v),
            None => return false,
        }
    }
    values.len() >= 3 && values.windows(2).all(|w| w[1] > w[0])
}

/// A row of a table's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRow {
    /// A group or subtotal row (`I`, `II`, `A` in the row-number column).
    Group(u32),
    /// Any other non-blank row.
    Data(u32),
}

/// The rows of the table under a header: the numbering row skipped, single blank
/// rows skipped, ending at two blank rows or the signature block (DOMAIN §7.1).
pub fn body_rows(grid: &Grid, header_end: u32, span: std::ops::Range<u32>, number_col: Option<u32>) -> Vec<BodyRow> {
    let mut out = Vec::new();
    let mut row = header_end;
    if row < grid.end_row() && is_numbering_row(grid, row, span.clone()) {
        row += 1;
    }
    let mut blank_run = 0;
    while row < grid.end_row() {
        let r = row;
        row += 1;
        if grid.row_is_blank(r, span.clone()) {
            blank_run += 1;
            if blank_run >= 2 {
                break;
            }
            continue;
        }
        blank_run = 0;
        if is_signature_row(grid, r) {
            break;
        }
        let number_text = number_col.map(|c| cell_text(grid.cell(r, c))).unwrap_or_default();
        out.push(if is_group_marker(&number_text) { BodyRow::Group(r) } else { BodyRow::Data(r) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_markers() {
        assert!(is_group_marker("I"));
        assert!(is_group_marker("IV."));
        assert!(is_group_marker("B"));
        assert!(!is_group_marker("1"));
        assert!(!is_group_marker("Tổng"));
    }

    #[test]
    fn numbering_values() {
        assert_eq!(numbering_value(&Data::String("(3)=(4)+(5)+(6)".into())), Some(3));
        assert_eq!(numbering_value(&Data::String("(12)".into())), Some(12));
        assert_eq!(numbering_value(&Data::Float(4.0)), Some(4));
        assert_eq!(numbering_value(&Data::String("12".into())), None);
    }
}
