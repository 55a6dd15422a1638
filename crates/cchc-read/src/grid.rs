//! A sheet as the readers see it: typed cells addressed by absolute (row, column),
//! with merged regions, and the header-text rules built on them.

use calamine::{Cell, Data, Dimensions, Range};

/// Widest table we look for a header in; extra columns far to the right are ignored.
pub const MAX_TABLE_COLUMNS: u32 = 64;

static EMPTY: Data = Data::Empty;

/// Largest rectangle laid out cell by cell (8 MB of cells); a larger sheet keeps only
/// its non-empty cells, sorted, so it is never held twice (once as the cells read, once
/// as the rectangle around them).
pub const DENSE_CELLS: u64 = 1 << 18;

/// A sheet's cells: the rectangle around them, or for a large sheet its non-empty cells
/// sorted by row and column.
pub enum GridCells {
    /// Every cell of the rectangle.
    Dense(Range<Data>),
    /// Non-empty cells only.
    Sparse(SparseCells),
}

impl From<Range<Data>> for GridCells {
    fn from(range: Range<Data>) -> GridCells {
        GridCells::Dense(range)
    }
}

impl GridCells {
    /// The cells read (any order; of two at one position the later counts), laid out
    /// as a rectangle when it is at most [`DENSE_CELLS`], else kept sparse.
    pub fn from_cells(cells: Vec<Cell<Data>>) -> GridCells {
        let bounds = cells
            .iter()
            .map(Cell::get_position)
            .fold(None, |b, (r, c)| {
                Some(match b {
                    None => (r, r, c, c),
                    Some((r0, r1, c0, c1)) => (r.min(r0), r.max(r1), c.min(c0), c.max(c1)),
                })
            });
        let area = bounds.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        });
        if area <= DENSE_CELLS {
            GridCells::Dense(Range::from_sparse(cells))
        } else {
            GridCells::Sparse(SparseCells::new(cells))
        }
    }
}

/// A large sheet's non-empty cells, sorted by (row, column), with where each row starts.
pub struct SparseCells {
    /// First row and column, last row and column.
    start: (u32, u32),
    end: (u32, u32),
    /// `cells[rows[i]..rows[i + 1]]` are the cells of row `start.0 + i`.
    rows: Vec<u32>,
    cells: Vec<Cell<Data>>,
}

impl SparseCells {
    fn new(mut cells: Vec<Cell<Data>>) -> SparseCells {
        if !cells.is_sorted_by_key(Cell::get_position) {
            // Later cells win: reversed, a stable sort keeps them first, and dedup keeps
            // the first of each position.
            cells.reverse();
            cells.sort_by_key(Cell::get_position);
        }
        cells.dedup_by_key(|c| c.get_position());
        let first = cells.first().map_or((0, 0), Cell::get_position);
        let last_row = cells.last().map_or(0, |c| c.get_position().0);
        let (mut c0, mut c1) = (u32::MAX, 0);
        for (_, c) in cells.iter().map(Cell::get_position) {
            (c0, c1) = (c0.min(c), c1.max(c));
        }
        let mut rows = Vec::with_capacity((last_row - first.0 + 2) as usize);
        let mut at = 0usize;
        for r in first.0..=last_row {
            rows.push(at as u32);
            while cells.get(at).is_some_and(|c| c.get_position().0 == r) {
                at += 1;
            }
        }
        rows.push(at as u32);
        SparseCells {
            start: (first.0, c0.min(c1)),
            end: (last_row, c1),
            rows,
            cells,
        }
    }

    fn get(&self, row: u32, col: u32) -> Option<&Data> {
        let i = row.checked_sub(self.start.0)? as usize;
        let (from, to) = (*self.rows.get(i)?, *self.rows.get(i + 1)?);
        let row_cells = &self.cells[from as usize..to as usize];
        row_cells
            .binary_search_by_key(&col, |c| c.get_position().1)
            .ok()
            .map(|k| row_cells[k].get_value())
    }
}

/// One worksheet's cells and merged regions.
pub struct Grid {
    /// Sheet name.
    pub name: String,
    cells: GridCells,
    merges: Vec<Dimensions>,
}

impl Grid {
    /// Wraps a sheet's cells (a calamine range, or [`GridCells`]) and its merged regions
    /// (empty where the format has none).
    pub fn new(name: String, cells: impl Into<GridCells>, merges: Vec<Dimensions>) -> Grid {
        Grid {
            name,
            cells: cells.into(),
            merges,
        }
    }

    /// Replaces the merged regions.
    pub fn set_merges(&mut self, merges: Vec<Dimensions>) {
        self.merges = merges;
    }

    /// First and last (row, column) with data.
    fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        match &self.cells {
            GridCells::Dense(r) => Some((r.start()?, r.end()?)),
            GridCells::Sparse(s) => (!s.cells.is_empty()).then_some((s.start, s.end)),
        }
    }

    /// First row with data (absolute).
    pub fn first_row(&self) -> u32 {
        self.bounds().map_or(0, |((r, _), _)| r)
    }

    /// One past the last row with data.
    pub fn end_row(&self) -> u32 {
        self.bounds().map_or(0, |(_, (r, _))| r + 1)
    }

    /// First column with data.
    pub fn first_col(&self) -> u32 {
        self.bounds().map_or(0, |((_, c), _)| c)
    }

    /// One past the last column looked at (capped at [`MAX_TABLE_COLUMNS`]).
    pub fn end_col(&self) -> u32 {
        self.bounds()
            .map_or(0, |(_, (_, c))| (c + 1).min(MAX_TABLE_COLUMNS))
    }

    /// The cell at an absolute position (empty outside the data).
    pub fn cell(&self, row: u32, col: u32) -> &Data {
        match &self.cells {
            GridCells::Dense(r) => r.get_value((row, col)),
            GridCells::Sparse(s) => s.get(row, col),
        }
        .unwrap_or(&EMPTY)
    }

    /// The cell as a header reads it: a merged cell anywhere in its region shows the
    /// region's top-left value.
    pub fn merged_cell(&self, row: u32, col: u32) -> &Data {
        let origin = self
            .merges
            .iter()
            .find(|d| d.start.0 <= row && row <= d.end.0 && d.start.1 <= col && col <= d.end.1)
            .map_or((row, col), |d| d.start);
        self.cell(origin.0, origin.1)
    }

    /// Whether the row has no non-blank cell in the given columns.
    pub fn row_is_blank(&self, row: u32, cols: std::ops::Range<u32>) -> bool {
        cols.into_iter().all(|c| is_blank(self.cell(row, c)))
    }

    /// Texts of the non-blank cells of a row, left to right, with their columns.
    pub fn row_texts(&self, row: u32) -> Vec<(u32, String)> {
        (self.first_col()..self.end_col())
            .filter_map(|c| {
                let t = cell_text(self.cell(row, c));
                (!t.trim().is_empty()).then_some((c, t))
            })
            .collect()
    }
}

/// A cell's text as a person would read it (numbers without a trailing `.0`).
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => format!("{e}"),
        Data::DateTime(dt) => format!("{dt}"),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// Empty, or text that is only white space.
pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A typed number (header rows never hold one).
pub fn is_number(d: &Data) -> bool {
    matches!(d, Data::Float(_) | Data::Int(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large sheet kept sparse answers every position as the rectangle laid out
    /// from the same cells does: cells out of order, two at one position (the later
    /// counts), gaps, rows without cells.
    #[test]
    fn sparse_cells_read_as_the_rectangle() {
        let mut rng = fastrand::Rng::with_seed(16);
        let mut cells = Vec::new();
        for i in 0..5_000u32 {
            let pos = (3 + rng.u32(0..9_000), 2 + rng.u32(0..40));
            cells.push(Cell::new(pos, Data::Float(f64::from(i))));
        }
        cells.push(Cell::new(
            cells[10].get_position(),
            Data::String("sau".into()),
        ));
        let dense = Grid::new("d".into(), Range::from_sparse(cells.clone()), Vec::new());
        let sparse = Grid::new("s".into(), GridCells::from_cells(cells), Vec::new());
        assert!(matches!(sparse.cells, GridCells::Sparse(_)));
        assert_eq!(
            (
                sparse.first_row(),
                sparse.end_row(),
                sparse.first_col(),
                sparse.end_col()
            ),
            (
                dense.first_row(),
                dense.end_row(),
                dense.first_col(),
                dense.end_col()
            )
        );
        for row in 0..9_010 {
            for col in 0..45 {
                assert_eq!(sparse.cell(row, col), dense.cell(row, col), "{row} {col}");
            }
        }
        // A small sheet is laid out whole.
        let small = GridCells::from_cells(vec![Cell::new((0, 0), Data::Int(1))]);
        assert!(matches!(small, GridCells::Dense(_)));
    }
}
