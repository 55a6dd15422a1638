//! Finding a form's header anywhere in the first rows of a sheet, and walking the
//! rows of the table under it. One mechanism for every form: each form brings only
//! its [`ColumnClassifier`].

use calamine::Data;
use cchc_domain::columns::ColumnClassifier;
use cchc_domain::text::{contains_phrase, normalize};

use crate::grid::{cell_text, is_blank, Grid};
use crate::memo::Memo;

/// Rows searched for a header (docs/contract.md §3).
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
        self.columns
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(c, _)| *c)
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

/// Header texts a reading thread has met, each given a number: submissions repeat the
/// same header wording from file to file, so each raw text is normalised once per
/// thread and what it says to each form is looked up by number.
pub struct HeaderTexts {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    /// Normalised text per id; id 0 is the blank text.
    normalized: Vec<String>,
}

impl Default for HeaderTexts {
    fn default() -> Self {
        HeaderTexts {
            ids: rustc_hash::FxHashMap::default(),
            normalized: vec![String::new()],
        }
    }
}

impl HeaderTexts {
    /// Texts kept at most; beyond, the owner starts afresh between sheets (titles and
    /// unit lines differ in every file and would otherwise pile up).
    pub const CAPACITY: usize = 20_000;

    /// Distinct texts held.
    pub fn len(&self) -> usize {
        self.normalized.len()
    }

    /// Whether only the blank text is held.
    pub fn is_empty(&self) -> bool {
        self.normalized.len() == 1
    }

    /// The id of a raw text (0 when it normalises to nothing).
    fn intern(&mut self, raw: &str) -> u32 {
        if let Some(id) = self.ids.get(raw) {
            return *id;
        }
        let text = normalize(raw);
        let id = if text.is_empty() {
            0
        } else {
            self.normalized.push(text);
            (self.normalized.len() - 1) as u32
        };
        self.ids.insert(raw.into(), id);
        id
    }

    /// The normalised text of an id.
    pub fn text(&self, id: u32) -> &str {
        &self.normalized[id as usize]
    }
}

/// What each header text (by [`HeaderTexts`] id) says to one form, worked out once, and
/// the role each column path (its text ids, top first) was given (a header's paths recur
/// from file to file of one template).
pub struct Levels<L, R> {
    /// `None` until worked out.
    by_id: Vec<Option<L>>,
    roles: rustc_hash::FxHashMap<Path, Option<R>>,
}

/// A column's text ids over the header's levels, top first (0: blank).
type Path = [u32; MAX_HEADER_DEPTH as usize];

impl<L, R> Default for Levels<L, R> {
    fn default() -> Self {
        Levels {
            by_id: Vec::new(),
            roles: rustc_hash::FxHashMap::default(),
        }
    }
}

impl<L, R> Levels<L, R> {
    /// Most column paths remembered: past it they are forgotten (titles make new paths
    /// in every file; a few hundred kilobytes per form and thread at most).
    const MAX_ROLES: usize = 16_384;

    fn ensure(&mut self, id: u32, compute: impl FnOnce() -> L) {
        let i = id as usize;
        if i >= self.by_id.len() {
            self.by_id.resize_with(i + 1, || None);
        }
        if self.by_id[i].is_none() {
            self.by_id[i] = Some(compute());
        }
    }

    /// Forgets everything (when the texts are forgotten).
    pub fn clear(&mut self) {
        self.by_id.clear();
        self.roles.clear();
    }
}

/// The header search window of one sheet, read once and shared by every form: the
/// text id of each cell (a merged cell shows its region's value) in the rows that can
/// hold a header.
pub struct HeaderCells {
    first_row: u32,
    /// One past the last row a header may reach.
    end_row: u32,
    /// One past the last row a header may start in.
    last_top: u32,
    cols: std::ops::Range<u32>,
    /// Text id per cell, row-major from `first_row`; 0 is blank.
    ids: Vec<u32>,
    /// The distinct non-blank ids of the window.
    distinct: Vec<u32>,
    /// Per row: no non-year number and not blank, so a header may include it.
    header_like: Vec<bool>,
}

impl HeaderCells {
    /// Reads the window: the first [`HEADER_SEARCH_ROWS`] rows and the levels below.
    pub fn new(grid: &Grid, texts: &mut HeaderTexts) -> HeaderCells {
        let first_row = grid.first_row();
        let end_row = grid
            .end_row()
            .min(first_row + HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH - 1);
        let last_top = grid.end_row().min(first_row + HEADER_SEARCH_ROWS);
        let cols = grid.first_col()..grid.end_col();
        let width = cols.len();
        let mut ids = vec![0; (end_row - first_row) as usize * width];
        let mut distinct = Vec::new();
        let mut header_like = Vec::with_capacity((end_row - first_row) as usize);
        for (r_i, r) in (first_row..end_row).enumerate() {
            // A header row holds no number other than a year (docs/contract.md §3: header rows
            // may type years as numbers); rows with counts are never header rows.
            let ok = !grid.row_is_blank(r, cols.clone())
                && cols.clone().all(|c| header_number_ok(grid.cell(r, c)));
            header_like.push(ok);
            if !ok {
                continue;
            }
            for (c_i, c) in cols.clone().enumerate() {
                let id = match grid.merged_cell(r, c) {
                    Data::Empty => 0,
                    Data::String(s) => texts.intern(s),
                    other => texts.intern(&cell_text(other)),
                };
                if id != 0 {
                    ids[r_i * width + c_i] = id;
                    distinct.push(id);
                }
            }
        }
        distinct.sort_unstable();
        distinct.dedup();
        HeaderCells {
            first_row,
            end_row,
            last_top,
            cols,
            ids,
            distinct,
            header_like,
        }
    }

    fn id(&self, row: u32, col_index: usize) -> u32 {
        self.ids[(row - self.first_row) as usize * self.cols.len() + col_index]
    }

    fn header_like(&self, row: u32) -> bool {
        row >= self.first_row
            && row < self.end_row
            && self.header_like[(row - self.first_row) as usize]
    }

    /// Text ids of each column over `depth` rows from `top`: a blank parent cell takes
    /// its left neighbour's text when both columns have children below and share the
    /// same ancestors (the unmerged-parent layout, and `.ods` files whose merges
    /// calamine does not report).
    fn paths(&self, top: u32, depth: usize) -> Vec<Path> {
        let mut paths: Vec<Path> = (0..self.cols.len())
            .map(|c| {
                let mut p = [0; MAX_HEADER_DEPTH as usize];
                for (l, slot) in p.iter_mut().enumerate().take(depth) {
                    *slot = self.id(top + l as u32, c);
                }
                p
            })
            .collect();
        let has_below = |p: &Path, level: usize| p[level + 1..depth].iter().any(|&t| t != 0);
        for level in 0..depth.saturating_sub(1) {
            for i in 1..paths.len() {
                let (prev, cur) = (paths[i - 1], paths[i]);
                if cur[level] == 0
                    && prev[level] != 0
                    && prev[..level] == cur[..level]
                    && has_below(&prev, level)
                    && has_below(&cur, level)
                {
                    paths[i][level] = prev[level];
                }
            }
        }
        paths
    }
}

/// Looks for the header of the form `classifier` describes (see [`find_header_in`]).
pub fn find_header<C: ColumnClassifier>(grid: &Grid, classifier: &C) -> Option<Header<C::Role>> {
    let mut texts = HeaderTexts::default();
    let cells = HeaderCells::new(grid, &mut texts);
    find_header_in(&cells, &texts, classifier, &mut Levels::default())
}

/// Looks for the header of the form `classifier` describes, in the first
/// [`HEADER_SEARCH_ROWS`] rows, one to [`MAX_HEADER_DEPTH`] levels deep. Best is most
/// scoring roles, then fewest levels, then highest up. A header starts in a row with
/// at least one cell that means something to the form.
pub fn find_header_in<C: ColumnClassifier>(
    cells: &HeaderCells,
    texts: &HeaderTexts,
    classifier: &C,
    levels: &mut Levels<C::Level, C::Role>,
) -> Option<Header<C::Role>> {
    // What each distinct text says to this form, once per thread.
    for &id in &cells.distinct {
        levels.ensure(id, || classifier.level(texts.text(id)));
    }
    if levels.roles.len() > Levels::<C::Level, C::Role>::MAX_ROLES {
        levels.roles.clear();
    }
    let Levels { by_id, roles } = levels;
    let level = |id: u32| by_id.get(id as usize).and_then(Option::as_ref);
    let relevant = |id: u32| level(id).is_some_and(|l| classifier.relevant(l));
    let mut best: Option<Header<C::Role>> = None;
    let mut refs: Vec<&C::Level> = Vec::with_capacity(MAX_HEADER_DEPTH as usize);
    for top in cells.first_row..cells.last_top {
        if !cells.header_like(top) || !(0..cells.cols.len()).any(|c| relevant(cells.id(top, c))) {
            continue;
        }
        for depth in 1..=MAX_HEADER_DEPTH {
            let bottom = top + depth - 1;
            if !cells.header_like(bottom) {
                break;
            }
            let mut columns = Vec::new();
            let mut scoring = Vec::new();
            for (i, path) in cells.paths(top, depth as usize).iter().enumerate() {
                // The role depends on the path's levels alone: worked out once per path.
                let role = *roles.entry(*path).or_insert_with(|| {
                    refs.clear();
                    refs.extend(path.iter().filter_map(|&id| level(id)));
                    if refs.is_empty() {
                        None
                    } else {
                        classifier.combine(&refs)
                    }
                });
                if let Some(role) = role {
                    if classifier.scores(&role) && !scoring.contains(&role) {
                        scoring.push(role);
                    }
                    columns.push((cells.cols.start + i as u32, role));
                }
            }
            let score = scoring.len();
            if score < classifier.min_score() {
                continue;
            }
            let better = best.as_ref().is_none_or(|b| {
                (score, std::cmp::Reverse(depth)) > (b.score, std::cmp::Reverse(b.depth))
            });
            if better {
                let coverage = score as f64 / classifier.max_score().max(1) as f64;
                best = Some(Header {
                    top,
                    depth,
                    columns,
                    score,
                    coverage,
                });
            }
        }
    }
    best
}

/// Row-end markers of the signature block (docs/contract.md §7.1).
const SIGNATURE_PHRASES: &[&str] = &[
    "nguoi lap bieu",
    "thu truong don vi",
    "thu truong co quan",
    "giam doc",
    "nguoi lap",
];

/// Whether a row is (the start of) the signature block.
pub fn is_signature_row(grid: &Grid, row: u32) -> bool {
    (grid.first_col()..grid.end_col()).any(|c| match grid.cell(row, c) {
        // Only text with letters can be a signature line; numbers, blanks and text
        // numbers (`1.234`, `-`) are skipped unformatted.
        Data::String(s) if s.chars().any(char::is_alphabetic) => is_signature_raw(s),
        _ => false,
    })
}

thread_local! {
    /// Row labels repeat from file to file (procedure and indicator names): each
    /// reading thread decides once per text whether it opens the signature block.
    static SIGNATURE_MEMO: std::cell::RefCell<Memo<String, bool>> = std::cell::RefCell::default();
}

fn is_signature_raw(s: &str) -> bool {
    SIGNATURE_MEMO.with_borrow_mut(|m| m.get_or_compute(s, || is_signature_text(&normalize(s))))
}

/// `Người lập biểu`, `Thủ trưởng đơn vị`, `…, ngày … tháng … năm …` (normalised).
fn is_signature_text(n: &str) -> bool {
    if SIGNATURE_PHRASES.iter().any(|p| contains_phrase(n, p)) {
        return true;
    }
    let (mut ngay, mut thang, mut nam) = (None, None, None);
    for (i, w) in n.split(' ').enumerate() {
        match w {
            "ngay" if ngay.is_none() => ngay = Some(i),
            "thang" if thang.is_none() => thang = Some(i),
            "nam" if nam.is_none() => nam = Some(i),
            _ => {}
        }
    }
    matches!((ngay, thang, nam), (Some(a), Some(b), Some(c)) if a < b && b < c && c - a <= 6)
}

/// `I`, `II`, `IV`, `A`, `B`: group and subtotal rows (docs/contract.md §7.2).
pub fn is_group_marker(raw: &str) -> bool {
    let t = raw.trim().trim_end_matches('.');
    if t.is_empty() {
        return false;
    }
    let roman = t.len() <= 6 && t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    let letter = t.chars().count() == 1 && t.chars().all(|c| c.is_ascii_uppercase());
    roman || letter
}

/// `(1)`, `1`, `(3)=(4)+(5)`, `1=3+9+10`: a cell of the column-numbering row under a
/// header. A number written as text is not one (codes `01`, `02` are text), unless an
/// `=` formula description follows it.
fn numbering_value(d: &Data) -> Option<i64> {
    match d {
        Data::Int(i) => Some(*i),
        Data::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        Data::String(s) => {
            let t = s.trim();
            let (head, formula) = match t.split_once('=') {
                Some((head, rest)) => (head.trim(), Some(rest)),
                None => (t, None),
            };
            // What follows `=` describes the column as a sum or difference of others.
            if formula.is_some_and(|f| {
                f.trim().is_empty()
                    || !f
                        .chars()
                        .all(|c| c.is_ascii_digit() || "()+-*x/:. ".contains(c))
            }) {
                return None;
            }
            let digits = match head.strip_prefix('(') {
                Some(inner) => inner.strip_suffix(')')?,
                None if formula.is_some() => head,
                None => return None,
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        }
        _ => None,
    }
}

/// Whether the row is the column-numbering row (`(1) (2) …`, `1 2 3 …`, or
/// `A B C 1 2 3=1+2 …`: letters for the text columns first, then numbers).
pub fn is_numbering_row(grid: &Grid, row: u32, cols: std::ops::Range<u32>) -> bool {
    let mut values = Vec::new();
    for c in cols {
        let d = grid.cell(row, c);
        if is_blank(d) {
            continue;
        }
        match numbering_value(d) {
            Some(v) => values.push(v),
            // A letter, before any number.
            None if values.is_empty() && is_column_letter(d) => {}
            None => return false,
        }
    }
    values.len() >= 3 && values.windows(2).all(|w| w[1] > w[0])
}

/// `A`, `B`, `(C)`: the letter a numbering row gives a text column.
fn is_column_letter(d: &Data) -> bool {
    let Data::String(s) = d else { return false };
    let t = s.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t);
    t.len() == 1 && t.bytes().all(|b| b.is_ascii_uppercase())
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
/// rows skipped, ending at two blank rows or the signature block (docs/contract.md §7.1).
pub fn body_rows(
    grid: &Grid,
    header_end: u32,
    span: std::ops::Range<u32>,
    number_col: Option<u32>,
) -> Vec<BodyRow> {
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
        let number_text = number_col
            .map(|c| cell_text(grid.cell(r, c)))
            .unwrap_or_default();
        out.push(if is_group_marker(&number_text) {
            BodyRow::Group(r)
        } else {
            BodyRow::Data(r)
        });
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
        assert_eq!(
            numbering_value(&Data::String("(3)=(4)+(5)+(6)".into())),
            Some(3)
        );
        assert_eq!(numbering_value(&Data::String("(12)".into())), Some(12));
        assert_eq!(numbering_value(&Data::Float(4.0)), Some(4));
        assert_eq!(numbering_value(&Data::String("12".into())), None);
        assert_eq!(numbering_value(&Data::String("1=3+9+10".into())), Some(1));
        assert_eq!(numbering_value(&Data::String("3 = 4 + 5".into())), Some(3));
        assert_eq!(
            numbering_value(&Data::String("(5)=(3)-(4)".into())),
            Some(5)
        );
        assert_eq!(numbering_value(&Data::String("1=".into())), None);
        assert_eq!(numbering_value(&Data::String("1=Tổng".into())), None);
        assert_eq!(numbering_value(&Data::String("(1".into())), None);
        assert!(is_column_letter(&Data::String("B".into())));
        assert!(is_column_letter(&Data::String("(C)".into())));
        assert!(!is_column_letter(&Data::String("AB".into())));
    }

    #[test]
    fn numbering_rows_with_letters_and_formulas() {
        let row = |cells: &[Data]| {
            let mut r = calamine::Range::new((0, 0), (0, cells.len() as u32 - 1));
            for (c, d) in cells.iter().enumerate() {
                r.set_value((0, c as u32), d.clone());
            }
            Grid::new("s".into(), r, Vec::new())
        };
        let s = |t: &str| Data::String(t.into());
        let budget = row(&[s("A"), s("B"), s("C"), s("1=2+3"), Data::Float(2.0), s("3")]);
        // "3" as text is no number: the row is numbering only with its formula cells.
        assert!(!is_numbering_row(&budget, 0, 0..6));
        let budget = row(&[
            s("A"),
            s("B"),
            s("1=2+3"),
            Data::Float(2.0),
            Data::Float(3.0),
        ]);
        assert!(is_numbering_row(&budget, 0, 0..5));
        // Letters after the numbers, or a data row, are not numbering.
        let late = row(&[Data::Float(1.0), Data::Float(2.0), Data::Float(3.0), s("D")]);
        assert!(!is_numbering_row(&late, 0, 0..4));
        let data = row(&[
            Data::Float(1.0),
            s("Trường A"),
            Data::Float(5.0),
            Data::Float(6.0),
        ]);
        assert!(!is_numbering_row(&data, 0, 0..4));
    }
}
