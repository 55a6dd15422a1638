//! Cells of an `.xls` sheet beyond the rows and columns cchc reads, taken out before
//! calamine lays the sheet out (it makes the rectangle around every cell: one cell at
//! row 65,536 beside A1 is a million-cell sheet), so an `.xls` with a stray far cell is
//! read like an xlsx one: the table, and one `cell.out_of_range` naming the rest.
//!
//! Records are not removed (sheet positions would move): a far cell's record gets a
//! type no reader knows, of the same length, and the `DIMENSIONS` record is clamped.

use super::biff::{walk_records, walk_sheet};
use super::*;

/// A record type that no BIFF reader acts on: a far cell's record becomes one.
const IGNORED: u16 = 0x1FFF;

/// Far cells of one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarSheet {
    /// The sheet's name, as its BOUNDSHEET record gives it.
    pub name: String,
    /// Cells left out.
    pub cells: usize,
    /// The first of them (row, column).
    pub first: (u32, u32),
}

/// What [`far_cells`] found: byte changes to the workbook stream, and per sheet what
/// they leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FarCells {
    /// (offset in the workbook stream, new bytes).
    pub patches: Vec<(usize, Vec<u8>)>,
    /// The sheets that had far cells.
    pub sheets: Vec<FarSheet>,
}

/// A BOUNDSHEET record's sheet position and name (BIFF8: a byte count, a flags byte,
/// then Latin-1 or UTF-16 characters).
fn bound_sheet(data: &[u8]) -> Option<(usize, String)> {
    let pos = u32_at(data, 0)? as usize;
    let cch = usize::from(*data.get(6)?);
    let wide = data.get(7)? & 1 != 0;
    let name = if wide {
        let units: Vec<u16> = (0..cch).filter_map(|k| u16_at(data, 8 + 2 * k)).collect();
        String::from_utf16_lossy(&units)
    } else {
        data.get(8..8 + cch)?
            .iter()
            .map(|&b| char::from(b))
            .collect()
    };
    Some((pos, name))
}

/// The changes that take out every cell at or beyond `rows` rows or `cols` columns of
/// each sheet (cell, formula and the string result after a formula), and clamp the
/// `DIMENSIONS` of a sheet that had such cells to the cells kept.
pub fn far_cells(stream: &[u8], rows: u32, cols: u32) -> FarCells {
    let mut sheets = Vec::new();
    walk_records(stream, 0, |typ, data| {
        if typ == 0x0085 {
            if let Some(s) = bound_sheet(data) {
                sheets.push(s);
            }
        }
    });
    let mut out = FarCells::default();
    for (start, name) in sheets {
        let (mut cells, mut first) = (0usize, None);
        let mut after_far_formula = false;
        let mut dims: Option<(usize, &[u8])> = None;
        // One past the last row and column of the cells kept.
        let (mut end_row, mut end_col) = (0u32, 0u32);
        walk_sheet(stream, start, |at, typ, data, depth| {
            match typ {
                0x0809 | 0x000A => {}
                _ if depth > 1 => {}
                // DIMENSIONS: clamped, once the sheet is walked, to the cells kept.
                0x0200 if data.len() >= 12 => dims = Some((at, data)),
                0x0207 if after_far_formula => {
                    out.patches.push((at, IGNORED.to_le_bytes().to_vec()));
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD => {
                    if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                        let last = if typ == 0x00BD {
                            data.len()
                                .checked_sub(2)
                                .and_then(|i| u16_at(data, i))
                                .unwrap_or(col)
                        } else {
                            col
                        };
                        let (row, hi) = (u32::from(row), u32::from(col.max(last)));
                        if row >= rows || hi >= cols {
                            let n = if typ == 0x00BD {
                                usize::from(last.saturating_sub(col)) + 1
                            } else {
                                1
                            };
                            cells += n;
                            let pos = (
                                row,
                                if u32::from(col) >= cols {
                                    u32::from(col)
                                } else {
                                    hi
                                },
                            );
                            first = Some(first.map_or(pos, |f: (u32, u32)| f.min(pos)));
                            out.patches.push((at, IGNORED.to_le_bytes().to_vec()));
                        } else {
                            end_row = end_row.max(row + 1);
                            end_col = end_col.max(hi + 1);
                        }
                        if typ == 0x0006 {
                            after_far_formula = row >= rows || hi >= cols;
                        }
                    }
                }
                _ => {}
            }
            if typ != 0x0006 && typ != 0x0207 {
                after_far_formula = false;
            }
        });
        if let Some(first) = first {
            // BIFF8 DIMENSIONS: last row + 1 (u32 at 4), last column + 1 (u16 at 10).
            if let Some((d, data)) = dims {
                if u32_at(data, 4).is_some_and(|r| r > end_row) {
                    out.patches.push((d + 8, end_row.to_le_bytes().to_vec()));
                }
                let end_col = u16::try_from(end_col).unwrap_or(u16::MAX);
                if u16_at(data, 10).is_some_and(|c| c > end_col) {
                    out.patches.push((d + 14, end_col.to_le_bytes().to_vec()));
                }
            }
            out.sheets.push(FarSheet { name, cells, first });
        }
    }
    out
}

/// Applies stream patches to the file's bytes through the stream's pieces (each `size`
/// bytes, at the file offsets [`workbook_stream_pieces`] gives); `false` (nothing changed)
/// when a patch falls outside them.
pub fn patch_stream(
    bytes: &mut [u8],
    size: usize,
    pieces: &[usize],
    patches: &[(usize, Vec<u8>)],
) -> bool {
    let at = |off: usize| -> Option<usize> {
        let s = pieces.get(off / size)?;
        let pos = s + off % size;
        (pos < bytes.len()).then_some(pos)
    };
    let mut targets = Vec::new();
    for (off, data) in patches {
        for (k, b) in data.iter().enumerate() {
            match at(off + k) {
                Some(pos) => targets.push((pos, *b)),
                None => return false,
            }
        }
    }
    for (pos, b) in targets {
        bytes[pos] = b;
    }
    true
}

/// The same changes applied to a copy of the stream itself.
pub fn patched_stream(stream: &[u8], patches: &[(usize, Vec<u8>)]) -> Vec<u8> {
    let mut out = stream.to_vec();
    for (off, data) in patches {
        if let Some(dst) = out.get_mut(*off..off + data.len()) {
            dst.copy_from_slice(data);
        }
    }
    out
}
