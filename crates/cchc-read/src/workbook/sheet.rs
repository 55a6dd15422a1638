//! One sheet read: its cells bounded, uncached formulas marked, the header of every
//! form looked for, the tables read.

use super::open::MAX_DECLARED_CELLS;
use super::*;
use cchc_domain::columns::DColumn;

use crate::grid::GridCells;
use crate::xlsx::MAX_SHEET_TEXT;

pub(super) fn merges<RS: std::io::Read + std::io::Seek>(
    wb: &mut Sheets<RS>,
    name: &str,
) -> Vec<calamine::Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        // xlsb and ods: calamine reports no merges; the header reader copes (grid::header_paths).
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// Rows a sheet may use; cells further down are left out with a finding (a unit's
/// report has a few hundred rows; a stray cell at row 1,048,576 would otherwise make
/// the sheet a rectangle of a million rows).
pub const MAX_SHEET_ROWS: u32 = 100_000;

/// A sheet's cells. For xlsx the cells are streamed and only those within
/// [`MAX_SHEET_ROWS`] rows and [`MAX_TABLE_COLUMNS`] columns are kept (one
/// `cell.out_of_range` finding names the others), so a cell at XFD1048576 beside A1
/// costs nothing; formulas saved without a computed value (files written by scripts)
/// get `value.formula_uncached` instead of reading as blanks.
pub(super) fn sheet_range(
    wb: &mut Sheets<LibrarySource>,
    ods_uncached: &[crate::sniff::UncachedBlock],
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<GridCells, String> {
    if let Sheets::Xlsb(x) = wb {
        return xlsb_range(x, name, file, findings);
    }
    let Sheets::Xlsx(x) = wb else {
        let mut range = wb.worksheet_range(name).map_err(|e| e.to_string())?;
        let uncached = mark_uncached(ods_uncached, name, &mut range);
        left_out_findings(name, file, (0, None), uncached, findings);
        return Ok(range.into());
    };
    let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut kept = Kept::default();
    let (mut uncached, mut first_uncached) = (0usize, None);
    while let Some(record) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| e.to_string())?
    {
        let (row, col) = record.pos;
        let value = match record.value {
            calamine::DataRef::Empty if record.formula.is_some() => {
                uncached += 1;
                first_uncached.get_or_insert((row, col));
                crate::cells::UNCACHED
            }
            calamine::DataRef::Empty => continue,
            value => calamine::Data::from(value),
        };
        kept.push((row, col), value);
    }
    Ok(kept.finish((uncached, first_uncached), name, file, findings))
}

/// Cells streamed from a sheet: those within [`MAX_SHEET_ROWS`] rows and
/// [`MAX_TABLE_COLUMNS`] columns kept, the others counted; none kept once those kept
/// spread over more than [`MAX_DECLARED_CELLS`] or hold more than [`MAX_SHEET_TEXT`]
/// (the sheet is then refused).
#[derive(Default)]
struct Kept {
    cells: Vec<calamine::Cell<calamine::Data>>,
    outside: usize,
    first_outside: Option<(u32, u32)>,
    spread: Spread,
    too_wide: Option<u64>,
    text: u64,
    too_much_text: Option<u64>,
}

impl Kept {
    /// The findings for the cells left out (and the formulas `uncached`), and the cells
    /// kept laid out.
    fn finish(
        self,
        uncached: (usize, Option<(u32, u32)>),
        name: &str,
        file: &str,
        findings: &mut Vec<Finding>,
    ) -> GridCells {
        left_out_findings(
            name,
            file,
            (self.outside, self.first_outside),
            uncached,
            findings,
        );
        laid_out(
            self.cells,
            (self.too_wide, self.too_much_text),
            name,
            file,
            findings,
        )
    }

    fn push(&mut self, (row, col): (u32, u32), value: calamine::Data) {
        if row >= MAX_SHEET_ROWS || col >= crate::grid::MAX_TABLE_COLUMNS {
            self.outside += 1;
            self.first_outside.get_or_insert((row, col));
        } else if self.too_wide.is_none() && self.too_much_text.is_none() {
            let mut spread = self.spread;
            spread.add((row, col));
            self.text += crate::xlsx::text_cost(&value);
            if spread.area() > MAX_DECLARED_CELLS {
                self.too_wide = Some(spread.area());
                self.cells = Vec::new();
            } else if self.text > MAX_SHEET_TEXT {
                self.too_much_text = Some(self.text);
                self.cells = Vec::new();
            } else {
                self.spread = spread;
                self.cells.push(calamine::Cell::new((row, col), value));
            }
        }
    }
}

/// An .xlsb sheet's cells, streamed as an xlsx sheet's are: only those within
/// [`MAX_SHEET_ROWS`] rows and [`MAX_TABLE_COLUMNS`] columns are kept, the others
/// counted in one `cell.out_of_range` finding. (calamine lays a sheet out as the
/// rectangle around all its cells: two cells at A1 and XFD1048576 asked for 14 GB.)
/// `.xlsb` formulas always carry their last result.
fn xlsb_range(
    x: &mut calamine::Xlsb<LibrarySource>,
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<GridCells, String> {
    let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut kept = Kept::default();
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        match cell.get_value() {
            calamine::DataRef::Empty => {}
            value => kept.push(cell.get_position(), calamine::Data::from(value.clone())),
        }
    }
    Ok(kept.finish((0, None), name, file, findings))
}

/// An .ods sheet's formulas saved without a computed value (found by the content scan):
/// each such cell inside the range read becomes [`crate::cells::UNCACHED`] instead of
/// a blank. Returns how many there are and the first (row, column). (.xls and .xlsb
/// formulas always carry their last result.)
pub(super) fn mark_uncached(
    blocks: &[crate::sniff::UncachedBlock],
    name: &str,
    range: &mut calamine::Range<calamine::Data>,
) -> (usize, Option<(u32, u32)>) {
    let (mut count, mut first) = (0usize, None);
    let (end_row, end_col) = range.end().unwrap_or((0, 0));
    for b in blocks.iter().filter(|b| b.sheet == name) {
        count = count
            .saturating_add(usize::try_from(b.rows.saturating_mul(b.cols)).unwrap_or(usize::MAX));
        let at = |r: u64, c: u64| {
            (
                u32::try_from(r).unwrap_or(u32::MAX),
                u32::try_from(c).unwrap_or(u32::MAX),
            )
        };
        let start = at(b.row, b.col);
        first = Some(first.map_or(start, |f: (u32, u32)| f.min(start)));
        // Only inside the rectangle already laid out (never grown for it), and a
        // repeat is walked no further than that rectangle.
        let rows = b.row..b.row.saturating_add(b.rows).min(u64::from(end_row) + 1);
        for r in rows {
            for c in b.col..b.col.saturating_add(b.cols).min(u64::from(end_col) + 1) {
                let pos = at(r, c);
                if range
                    .get_value(pos)
                    .is_some_and(|v| *v == calamine::Data::Empty)
                {
                    range.set_value(pos, crate::cells::UNCACHED);
                }
            }
        }
    }
    (count, first)
}

/// The sheet's cells laid out ([`GridCells::from_cells`]), unless the rectangle around
/// them is larger than [`MAX_DECLARED_CELLS`] (a cell at each corner of the bounds read
/// would otherwise take 100,000 × 64 cells, ≈ 200 MB), or `spread` says the cells
/// already went past it while they were read, or `text` that they would hold more than
/// [`MAX_SHEET_TEXT`]: such a sheet is left out with `file.too_large`.
pub(super) fn laid_out(
    cells: Vec<calamine::Cell<calamine::Data>>,
    (spread, text): (Option<u64>, Option<u64>),
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> GridCells {
    if let Some(text) = text {
        findings.push(
            Finding::file(
                Rule::FileTooLarge,
                file,
                format!("Trang tính \"{name}\" chứa hơn {} MB chữ trong các ô (một chuỗi dài được dùng lại ở rất nhiều ô), vượt giới hạn {} MB: không đọc trang này; hãy xoá các ô thừa, lưu lại rồi gửi lại", text >> 20, MAX_SHEET_TEXT >> 20),
            )
            .at(name, "")
            .with_raw(text.to_string()),
        );
        return calamine::Range::empty().into();
    }
    let area = spread.unwrap_or_else(|| Spread::of(&cells).area());
    if area > MAX_DECLARED_CELLS {
        findings.push(
            Finding::file(
                Rule::FileTooLarge,
                file,
                format!("Trang tính \"{name}\" trải trên {area} ô, vượt giới hạn {MAX_DECLARED_CELLS} ô (có ô dữ liệu nằm rất xa bảng): không đọc trang này; hãy xoá các ô thừa, lưu lại rồi gửi lại"),
            )
            .at(name, "")
            .with_raw(area.to_string()),
        );
        return calamine::Range::empty().into();
    }
    GridCells::from_cells(cells)
}

/// The rectangle around the cells kept so far.
#[derive(Default, Clone, Copy)]
pub(super) struct Spread(Option<(u32, u32, u32, u32)>);

impl Spread {
    fn of(cells: &[calamine::Cell<calamine::Data>]) -> Spread {
        let mut s = Spread::default();
        for c in cells {
            s.add(c.get_position());
        }
        s
    }

    fn add(&mut self, (r, c): (u32, u32)) {
        self.0 = Some(match self.0 {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
    }

    fn area(self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

/// A sheet read by the direct reader: its cells within bounds and its merged regions.
/// Cells stop being kept once those kept spread over more than [`MAX_DECLARED_CELLS`]
/// (the sheet is then refused), so a sheet of millions of small cells is never held.
pub(super) fn direct_sheet(
    book: &mut crate::xlsx::Book<std::io::Cursor<Vec<u8>>>,
    index: usize,
    name: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Result<(GridCells, Option<Vec<calamine::Dimensions>>), crate::error::ReadError> {
    let (mut outside, mut first_outside) = (0usize, None);
    let mut spread = Spread::default();
    let mut too_wide = None;
    let read = book.sheet_cells(index, |row, col| {
        let inside = row < MAX_SHEET_ROWS && col < crate::grid::MAX_TABLE_COLUMNS;
        if !inside {
            outside += 1;
            first_outside.get_or_insert((row, col));
            return false;
        }
        if too_wide.is_some() {
            return false;
        }
        let before = spread;
        spread.add((row, col));
        if spread.area() > MAX_DECLARED_CELLS {
            too_wide = Some(spread.area());
            spread = before;
            return false;
        }
        true
    })?;
    left_out_findings(
        name,
        file,
        (outside, first_outside),
        read.uncached,
        findings,
    );
    Ok((
        laid_out(
            read.cells,
            (too_wide, read.too_much_text),
            name,
            file,
            findings,
        ),
        Some(read.merges),
    ))
}

/// The findings for cells left out of a sheet: beyond the bounds read, and formulas
/// saved without a value.
pub(super) fn left_out_findings(
    name: &str,
    file: &str,
    (outside, first_outside): (usize, Option<(u32, u32)>),
    (uncached, first_uncached): (usize, Option<(u32, u32)>),
    findings: &mut Vec<Finding>,
) {
    if let Some((r, c)) = first_outside {
        findings.push(
            Finding::file(
                Rule::CellOutOfRange,
                file,
                format!(
                    "{outside} ô có dữ liệu nằm ngoài vùng đọc ({MAX_SHEET_ROWS} dòng, {} cột đầu), đầu tiên là ô {}: bỏ qua các ô này",
                    crate::grid::MAX_TABLE_COLUMNS,
                    a1(r, c)
                ),
            )
            .at(name, a1(r, c)),
        );
    }
    if let Some((r, c)) = first_uncached {
        findings.push(
            Finding::file(
                Rule::FormulaUncached,
                file,
                format!(
                    "{uncached} ô có công thức nhưng chưa có giá trị đã tính (tệp do phần mềm tạo ra, chưa mở bằng Excel hay LibreOffice), đầu tiên là ô {}: các ô này không được tính là 0, dòng chứa chúng không được tổng hợp; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại",
                    a1(r, c)
                ),
            )
            .at(name, a1(r, c)),
        );
    }
}

/// A sheet's table and where its header starts.
pub(super) struct SheetRead {
    pub(super) top: u32,
    pub(super) data: TableData,
    /// Every column of the form's header was found.
    pub(super) complete: bool,
}

/// Finds which form a sheet holds (the one whose header is most complete; ties go
/// to the earlier form) and reads it.
pub(super) fn read_sheet(
    grid: &Grid,
    file: &str,
    ctx: &ReadContext,
    memo: &mut ReadMemo,
    findings: &mut Vec<Finding>,
) -> Option<SheetRead> {
    memo.trim();
    let cells = HeaderCells::new(grid, &mut memo.texts);
    // Forms are tried in order; a complete header cannot be beaten (ties go to the
    // earlier form), so the forms after it are not searched.
    fn coverage<R>(h: &Option<Header<R>>) -> Option<f64> {
        h.as_ref().map(|h| h.coverage)
    }
    let whole = |cov: Option<f64>| cov.is_some_and(|c| c >= 1.0);
    // A one-stop-shop system's dossier export first: its id, dates and channel are
    // none of the forms' headers, and a complete one is not searched further.
    let x = find_header_in(
        &cells,
        &memo.texts,
        ctx.aliases.dossier_export(),
        &mut memo.x,
    );
    let read_x = |h: Header<XColumn>, findings: &mut Vec<Finding>| SheetRead {
        top: h.top,
        complete: h.coverage >= 1.0,
        data: TableData::X(crate::dossier_export::read_table(grid, &h, file, findings)),
    };
    let x = match x {
        Some(h) if h.coverage >= 1.0 => return Some(read_x(h, findings)),
        x => x,
    };
    let a = find_header_in(&cells, &memo.texts, &ctx.aliases, &mut memo.a);
    let done = whole(coverage(&a));
    let b = if done {
        None
    } else {
        find_header_in(&cells, &memo.texts, ctx.aliases.form_b(), &mut memo.b)
    };
    let done = done || whole(coverage(&b));
    let c = if done {
        None
    } else {
        find_header_in(&cells, &memo.texts, ctx.aliases.form_c(), &mut memo.c)
    };
    let done = done || whole(coverage(&c));
    let d = if done {
        None
    } else {
        // A Form D table reports a value: a numerator or a ratio column. Name, code and
        // "Tổng số" alone are any list's (a budget table's `Nội dung`, `Mã số`, `Tổng số`
        // read as 96 unknown indicators).
        find_header_in(&cells, &memo.texts, ctx.aliases.form_d(), &mut memo.d).filter(|h| {
            h.columns
                .iter()
                .any(|(_, r)| matches!(r, DColumn::Numerator | DColumn::Ratio))
        })
    };
    let coverages = [coverage(&a), coverage(&b), coverage(&c), coverage(&d)];
    let mut best: Option<(usize, f64)> = None;
    for (i, cov) in coverages.iter().enumerate() {
        if let Some(cov) = cov {
            if best.is_none_or(|(_, b)| *cov > b) {
                best = Some((i, *cov));
            }
        }
    }
    // An incomplete export against the forms: ties go to the export.
    if let Some(h) = x.filter(|h| best.is_none_or(|(_, b)| h.coverage >= b)) {
        return Some(read_x(h, findings));
    }
    let (form, coverage) = best?;
    let complete = coverage >= 1.0;
    let (top, data) = match form {
        0 => {
            let h = a?;
            let table = read_table(grid, HeaderMatch::from_header(&h), file, findings);
            let complete = table.complete;
            return Some(SheetRead {
                top: h.top,
                data: TableData::A(table),
                complete,
            });
        }
        1 => {
            let h = b?;
            (
                h.top,
                TableData::B(crate::form_b::read_table(grid, &h, file, findings)),
            )
        }
        2 => {
            let h = c?;
            (
                h.top,
                TableData::C(crate::form_c::read_table(grid, &h, file, findings)?),
            )
        }
        _ => {
            let h = d?;
            (
                h.top,
                TableData::D(crate::form_d::read_table_with(
                    grid,
                    &h,
                    &ctx.catalogue,
                    file,
                    findings,
                    &mut memo.indicators,
                )),
            )
        }
    };
    Some(SheetRead {
        top,
        data,
        complete,
    })
}
