//! A sheet as the readers see it: typed cells addressed by absolute (row, column),
//! with merged regions, and the header-text rules built on them.

use calamine::{Data, Dimensions, Range};

/// Widest table we look for a header in; extra columns far to the right are ignored.
pub const MAX_TABLE_COLUMNS: u32 = 64;

static EMPTY: Data = Data::Empty;

/// One worksheet's cells and merged regions.
pub struct Grid {
    /// Sheet name.
    pub name: String,
    range: Range<Data>,
    merges: Vec<Dimensions>,
}

impl Grid {
    /// Wraps a calamine range and its merged regions (empty where the format has none).
    pub fn new(name: String, range: Range<Data>, merges: Vec<Dimensions>) -> Grid {
        Grid {
            name,
            range,
            merges,
        }
    }

    /// Replaces the merged regions.
    pub fn set_merges(&mut self, merges: Vec<Dimensions>) {
        self.merges = merges;
    }

    /// First row with data (absolute).
    pub fn first_row(&self) -> u32 {
        self.range.start().map_or(0, |(r, _)| r)
    }

    /// One past the last row with data.
    pub fn end_row(&self) -> u32 {
        self.range.end().map_or(0, |(r, _)| r + 1)
    }

    /// First column with data.
    pub fn first_col(&self) -> u32 {
        self.range.start().map_or(0, |(_, c)| c)
    }

    /// One past the last column looked at (capped at [`MAX_TABLE_COLUMNS`]).
    pub fn end_col(&self) -> u32 {
        self.range
            .end()
            .map_or(0, |(_, c)| (c + 1).min(MAX_TABLE_COLUMNS))
    }

    /// The cell at an absolute position (empty outside the data).
    pub fn cell(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
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
