//! A direct reader for xlsx workbooks, the format almost every submission comes in.
//!
//! calamine reads every part of a workbook it might need (styles with their fonts,
//! fills and theme colours, the whole sheet again for its merged regions), through a
//! buffered XML reader over a new inflater per part. A unit's report is a few
//! kilobytes, so that fixed cost per file is most of the time of a batch. This reader
//! inflates each part once into a reused buffer and parses it in place: the workbook
//! and its relationships, the shared strings, only the number formats of the styles
//! (a count typed as `1/2` that Excel turned into a date must still read as a date),
//! and each sheet's cells and merged regions in one pass.
//!
//! It gives the same cells as calamine (`tests` below, and `tests/xlsx_reader.rs` over
//! every workbook in the repository); anything it does not expect — a part missing or
//! not UTF-8, an unknown cell type, a string index outside the table, malformed XML —
//! is a [`ReadError`](crate::error::ReadError) and the caller reads the file with
//! calamine instead.

use std::borrow::Cow;
use std::io::{Read, Seek};

use calamine::{
    Cell, CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType, Sheet, SheetType,
    SheetVisible,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

mod book;
mod events;
mod scan;
mod strings;
mod styles;
#[cfg(test)]
mod tests;
mod xml;

use book::{parse_relationships, parse_workbook, part_path};
use scan::parse_sheet;
use strings::parse_shared_strings;
pub use styles::number_kind_of_code;
use styles::parse_number_formats;
use xml::element_text;
pub use xml::unescape_excel;

pub use crate::error::ReadError;

fn unsupported(what: impl Into<String>) -> ReadError {
    ReadError::Unsupported(what.into())
}

fn damaged(what: impl Into<String>) -> ReadError {
    ReadError::Damaged(what.into())
}

/// A part in UTF-16, as UTF-8 (without a byte-order mark); `None` for any other part,
/// `Some(Err)` for UTF-16 that does not decode. UTF-16 is known as XML knows it: by
/// the byte-order mark, or, without one, by the `<` that starts the part. The XML
/// declaration's `encoding="UTF-16"` stays: the parser reads the text as UTF-8 whatever
/// it says.
fn utf16_to_utf8(bytes: &[u8]) -> Option<Result<Vec<u8>, ()>> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        [b'<', 0, ..] => (true, bytes),
        [0, b'<', ..] => (false, bytes),
        _ => return None,
    };
    if body.len() % 2 != 0 {
        return Some(Err(()));
    }
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(body.len() / 2);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) => return Some(Err(())),
        }
    }
    Some(Ok(out.into_bytes()))
}

/// The largest part buffer kept between parts: 4 MiB, far above a unit's report.
const KEPT_BUFFER: usize = 4 << 20;

/// How a cell style shows numbers, as far as reading needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A number.
    Number,
    /// A date or time of day.
    Date,
    /// An elapsed time (`[h]:mm`).
    Duration,
}

/// A sheet's cells (row, column from 0) and merged regions.
#[derive(Debug, Default)]
pub struct SheetCells {
    /// Non-empty cells in the order of the file.
    pub cells: Vec<Cell<Data>>,
    /// Formula cells saved without a value: (count, first).
    pub uncached: (usize, Option<(u32, u32)>),
    /// Merged regions.
    pub merges: Vec<Dimensions>,
    /// The text the cells kept hold, by [`text_cost`].
    pub text: u64,
    /// Set (to the text counted) when the cells kept would hold more than
    /// [`MAX_SHEET_TEXT`]: no cell is kept then.
    pub too_much_text: Option<u64>,
}

/// Most text one sheet's cells may hold, by [`text_cost`]: 32 MiB. A shared string is
/// copied into every cell that uses it, so a 50 KB workbook of 400,000 cells naming
/// one 10 KB string asked for 5.5 GB.
pub const MAX_SHEET_TEXT: u64 = 32 << 20;

/// What a cell's text costs in memory: its bytes and its allocation.
pub fn text_cost(d: &Data) -> u64 {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64 + 16,
        _ => 0,
    }
}

/// An opened xlsx workbook: its sheets, shared strings and number formats.
pub struct Book<R: Read + Seek> {
    archive: zip::ZipArchive<R>,
    /// Sheets in tab order, as calamine lists them.
    pub sheets: Vec<Sheet>,
    /// Each sheet's part inside the archive.
    parts: Vec<String>,
    strings: Vec<String>,
    formats: Vec<NumberKind>,
    is_1904: bool,
    /// Most bytes one part may inflate to.
    max_part: u64,
    /// The part last loaded (UTF-8, checked when loaded).
    text: Vec<u8>,
    /// One inflater for every part.
    inflater: libdeflater::Decompressor,
    packed: Vec<u8>,
}

impl<R: Read + Seek> Book<R> {
    /// Reads the workbook's sheet list, shared strings and number formats; no part may
    /// inflate to more than `max_part` bytes.
    pub fn open(archive: zip::ZipArchive<R>, max_part: u64) -> Result<Self, ReadError> {
        let mut book = Book {
            archive,
            sheets: Vec::new(),
            parts: Vec::new(),
            strings: Vec::new(),
            formats: Vec::new(),
            is_1904: false,
            max_part,
            text: Vec::new(),
            inflater: libdeflater::Decompressor::new(),
            packed: Vec::new(),
        };
        if !book.load("xl/workbook.xml")? {
            return Err(unsupported("no xl/workbook.xml"));
        }
        let (listed, is_1904) = parse_workbook(book.text()?)?;
        book.is_1904 = is_1904;
        if !book.load("xl/_rels/workbook.xml.rels")? {
            return Err(unsupported("no workbook relationships"));
        }
        let rels = parse_relationships(book.text()?)?;
        for (name, visible, id) in listed {
            let (typ, target) = rels
                .iter()
                .find(|(rid, ..)| *rid == id)
                .map(|(_, typ, target)| (*typ, target.clone()))
                .ok_or_else(|| unsupported(format!("sheet {name}: no relationship {id}")))?;
            book.parts.push(part_path(&target)?);
            book.sheets.push(Sheet { name, typ, visible });
        }
        if book.load("xl/sharedStrings.xml")? {
            book.strings = parse_shared_strings(book.text()?)?;
        }
        if book.load("xl/styles.xml")? {
            book.formats = parse_number_formats(book.text()?)?;
        }
        Ok(book)
    }

    /// The part last loaded, as text.
    fn text(&self) -> Result<&str, ReadError> {
        simdutf8::basic::from_utf8(&self.text).map_err(|_| unsupported("not UTF-8"))
    }

    /// Inflates a part into `self.text`; `false` when the archive has no such part.
    /// The part must inflate to exactly the size its directory entry declares (at most
    /// `max_part`), with the declared CRC, and be UTF-8.
    fn load(&mut self, name: &str) -> Result<bool, ReadError> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(false);
        };
        let fail = |what: &str| damaged(format!("{name}: {what}"));
        let mut part = self
            .archive
            .by_index_raw(index)
            .map_err(|e| fail(&e.to_string()))?;
        let (size, crc, method) = (part.size(), part.crc32(), part.compression());
        if size > self.max_part {
            return Err(fail("inflates past the limit"));
        }
        let mut bytes = std::mem::take(&mut self.text);
        bytes.clear();
        bytes.reserve(size as usize);
        match method {
            zip::CompressionMethod::Stored => {
                (&mut part)
                    .take(size + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| fail(&e.to_string()))?;
            }
            zip::CompressionMethod::Deflated => {
                self.packed.clear();
                part.read_to_end(&mut self.packed)
                    .map_err(|e| fail(&e.to_string()))?;
                // The whole part at once, into its declared size and one byte more: a
                // part longer than declared does not fit.
                bytes.resize(size as usize + 1, 0);
                let n = self
                    .inflater
                    .deflate_decompress(&self.packed, &mut bytes)
                    .map_err(|e| match e {
                        libdeflater::DecompressionError::InsufficientSpace => {
                            fail("inflates past the size its directory declares")
                        }
                        libdeflater::DecompressionError::BadData => {
                            fail("compressed data damaged or cut short")
                        }
                    })?;
                bytes.truncate(n);
            }
            other => return Err(unsupported(format!("{name}: compression {other:?}"))),
        }
        if bytes.len() as u64 != size || crc32fast::hash(&bytes) != crc {
            return Err(fail("size or CRC differs from the directory"));
        }
        // UTF-8 is checked where the part is parsed ([`Book::text`]); a part saved as
        // UTF-16 (some phone and web apps write every part so) is turned into UTF-8.
        self.text = match utf16_to_utf8(&bytes) {
            Some(converted) => converted.map_err(|()| fail("UTF-16 text damaged"))?,
            None => bytes,
        };
        Ok(true)
    }

    /// The cells of the sheet at `index` in [`Book::sheets`], keeping those for which
    /// `keep(row, col)` holds and counting the others in `left_out`.
    pub fn sheet_cells(
        &mut self,
        index: usize,
        mut keep: impl FnMut(u32, u32) -> bool,
    ) -> Result<SheetCells, ReadError> {
        let part = self.parts[index].clone();
        if !self.load(&part)? {
            return Err(damaged(format!("no part {part}")));
        }
        let text = simdutf8::basic::from_utf8(&self.text).map_err(|_| unsupported("not UTF-8"))?;
        let cells = parse_sheet(text, &self.strings, &self.formats, self.is_1904, &mut keep);
        // A large sheet's text is let go before its cells are laid out (the buffer is
        // kept for the next part when it is of an ordinary size).
        if self.text.capacity() > KEPT_BUFFER {
            self.text = Vec::new();
            self.packed = Vec::new();
        }
        cells
    }

    /// The document's keywords (docProps/core.xml), empty when it has none.
    pub fn keywords(&mut self) -> String {
        match self.load("docProps/core.xml") {
            Ok(true) => self
                .text()
                .ok()
                .and_then(|t| element_text(t, "keywords"))
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}
