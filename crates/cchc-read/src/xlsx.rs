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
//! is an [`Unsupported`] and the caller reads the file with calamine instead.

use std::borrow::Cow;
use std::io::{Read, Seek};

use calamine::{
    Cell, CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType, Sheet, SheetType,
    SheetVisible,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Why the direct reader gave the file back to calamine, or refused it.
#[derive(Debug)]
pub struct Unsupported {
    /// What it met.
    pub what: String,
    /// The archive is damaged: a part cannot be read from it, inflates to another size
    /// or checksum than its directory entry says, a sheet part is missing, or a sheet
    /// names a row or cell outside any worksheet (calamine overflows on it, or places
    /// the cell elsewhere). Such a part is not given to calamine.
    pub damaged: bool,
}

fn unsupported(what: impl Into<String>) -> Unsupported {
    Unsupported {
        what: what.into(),
        damaged: false,
    }
}

fn damaged(what: impl Into<String>) -> Unsupported {
    Unsupported {
        what: what.into(),
        damaged: true,
    }
}

impl From<quick_xml::Error> for Unsupported {
    fn from(e: quick_xml::Error) -> Self {
        unsupported(format!("xml: {e}"))
    }
}

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
    pub fn open(archive: zip::ZipArchive<R>, max_part: u64) -> Result<Self, Unsupported> {
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
    fn text(&self) -> Result<&str, Unsupported> {
        simdutf8::basic::from_utf8(&self.text).map_err(|_| unsupported("not UTF-8"))
    }

    /// Inflates a part into `self.text`; `false` when the archive has no such part.
    /// The part must inflate to exactly the size its directory entry declares (at most
    /// `max_part`), with the declared CRC, and be UTF-8.
    fn load(&mut self, name: &str) -> Result<bool, Unsupported> {
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
        // UTF-8 is checked where the part is parsed ([`Book::text`]).
        self.text = bytes;
        Ok(true)
    }

    /// The cells of the sheet at `index` in [`Book::sheets`], keeping those for which
    /// `keep(row, col)` holds and counting the others in `left_out`.
    pub fn sheet_cells(
        &mut self,
        index: usize,
        mut keep: impl FnMut(u32, u32) -> bool,
    ) -> Result<SheetCells, Unsupported> {
        let part = self.parts[index].clone();
        if !self.load(&part)? {
            return Err(damaged(format!("no part {part}")));
        }
        let text = simdutf8::basic::from_utf8(&self.text).map_err(|_| unsupported("not UTF-8"))?;
        parse_sheet(text, &self.strings, &self.formats, self.is_1904, &mut keep)
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

fn local<'a>(e: &'a BytesStart<'_>) -> &'a str {
    let name = e.name().0;
    match name.bytes().position(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn attr_local(key: &str) -> &str {
    key.rsplit_once(':').map_or(key, |(_, l)| l)
}

/// An attribute's value with XML escapes resolved.
fn attr_value<'a>(
    a: &quick_xml::events::attributes::Attribute<'a>,
) -> Result<Cow<'a, str>, Unsupported> {
    Ok(a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?)
}

fn reader(text: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_str(text);
    r.config_mut().check_end_names = false;
    r
}

/// (name, visibility, relationship id) of each sheet, and whether dates count from 1904.
#[allow(clippy::type_complexity)]
fn parse_workbook(text: &str) -> Result<(Vec<(String, SheetVisible, String)>, bool), Unsupported> {
    let mut r = reader(text);
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "sheet" => {
                    let (mut name, mut visible, mut id) = (None, SheetVisible::Visible, None);
                    for a in e.attributes() {
                        let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                        match a.key.0 {
                            "name" => name = Some(attr_value(&a)?.into_owned()),
                            "state" => {
                                visible = match &*a.value {
                                    "hidden" => SheetVisible::Hidden,
                                    "veryHidden" => SheetVisible::VeryHidden,
                                    _ => SheetVisible::Visible,
                                }
                            }
                            k if attr_local(k) == "id" && k != "id" => {
                                id = Some(attr_value(&a)?.into_owned())
                            }
                            _ => {}
                        }
                    }
                    match (name, id) {
                        (Some(n), Some(i)) => sheets.push((n, visible, i)),
                        _ => return Err(unsupported("a sheet without name or id")),
                    }
                }
                "workbookPr" => {
                    for a in e.attributes().flatten() {
                        if a.key.0 == "date1904" {
                            is_1904 = matches!(&*a.value, "1" | "true");
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

/// (id, sheet type, target) of each relationship of the workbook.
fn parse_relationships(text: &str) -> Result<Vec<(String, SheetType, String)>, Unsupported> {
    let mut r = reader(text);
    let mut out = Vec::new();
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                let (mut id, mut typ, mut target) = (None, None, None);
                for a in e.attributes() {
                    let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                    match a.key.0 {
                        "Id" => id = Some(attr_value(&a)?.into_owned()),
                        "Type" => typ = Some(attr_value(&a)?.into_owned()),
                        "Target" => target = Some(attr_value(&a)?.into_owned()),
                        _ => {}
                    }
                }
                if let (Some(id), Some(typ), Some(target)) = (id, typ, target) {
                    let kind = match typ.rsplit('/').next().unwrap_or_default() {
                        "worksheet" => SheetType::WorkSheet,
                        "chartsheet" => SheetType::ChartSheet,
                        "dialogsheet" => SheetType::DialogSheet,
                        "xlMacrosheet" | "macrosheet" => SheetType::MacroSheet,
                        _ => continue,
                    };
                    out.push((id, kind, target));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The archive path of a relationship target (relative to `xl/`, or absolute).
fn part_path(target: &str) -> Result<String, Unsupported> {
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    if path.contains("..") || path.contains('\\') {
        return Err(unsupported(format!("sheet target {target}")));
    }
    Ok(path)
}

/// The text of the first element named `name` (any prefix).
fn element_text(text: &str, name: &str) -> Option<String> {
    let mut r = reader(text);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if local(&e) == name => {
                let mut out = String::new();
                read_text(&mut r, name, &mut out).ok()?;
                return Some(out);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Appends the text of the element just opened, up to its end tag named `end`:
/// text and CDATA with line ends normalised, entities resolved, other tags skipped.
fn read_text(r: &mut Reader<&[u8]>, end: &str, out: &mut String) -> Result<(), Unsupported> {
    loop {
        match r.read_event()? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => push_entity(&g, out)?,
            Event::End(x) if x.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(unsupported(format!("<{end}> cut short"))),
            _ => {}
        }
    }
}

fn push_entity(g: &quick_xml::events::BytesRef<'_>, out: &mut String) -> Result<(), Unsupported> {
    let named = match g.as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    };
    match named {
        Some(c) => out.push(c),
        None => match g.resolve_char_ref()? {
            Some(c) => out.push(c),
            None => return Err(unsupported(format!("entity &{};", g.as_ref()))),
        },
    }
    Ok(())
}

/// Reads a rich or plain string element (`<si>`, `<is>`) up to its end: the text of
/// its `<t>` elements, phonetic runs left out. Text not marked `xml:space="preserve"`
/// loses surrounding ASCII blanks, and Excel's `_xHHHH_` escapes are resolved.
fn read_string(r: &mut Reader<&[u8]>, end: &str) -> Result<String, Unsupported> {
    let mut out = String::new();
    let mut phonetic = false;
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.local_name().as_ref() == end => return Ok(out),
            Event::Start(e) if local(&e) == "t" && !phonetic => {
                let preserve = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.0 == "xml:space" && &*a.value == "preserve");
                let mut value = String::new();
                read_text(r, "t", &mut value)?;
                let value = if preserve {
                    value.as_str()
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_excel(value));
            }
            Event::Eof => return Err(unsupported("string cut short")),
            _ => {}
        }
    }
}

/// Excel writes characters XML cannot hold as `_xHHHH_` (a UTF-16 unit in hex); a
/// pair of surrogate units makes one character, a lone one becomes U+FFFD.
pub fn unescape_excel(s: &str) -> Cow<'_, str> {
    fn unit_at(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes();
        if b.len() >= i + 7
            && &b[i..i + 2] == b"_x"
            && b[i + 6] == b'_'
            && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
        {
            return u16::from_str_radix(&s[i + 2..i + 6], 16).ok();
        }
        None
    }
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(found) = s[i..].find("_x") {
        let at = i + found;
        let Some(unit) = unit_at(s, at) else {
            i = at + 2;
            continue;
        };
        out.push_str(&s[copied..at]);
        let mut next = at + 7;
        let c = match unit {
            0xD800..=0xDBFF => match unit_at(s, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    next += 7;
                    char::from_u32(
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            u => char::from_u32(u32::from(u)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        i = next;
        copied = next;
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

fn parse_shared_strings(text: &str) -> Result<Vec<String>, Unsupported> {
    if let Some(strings) = plain_shared_strings(text) {
        return Ok(strings);
    }
    let mut r = reader(text);
    let mut out = Vec::new();
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "sst" => {
                if let Some(n) = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.0 == "uniqueCount")
                    .and_then(|a| a.value.parse::<usize>().ok())
                {
                    out.reserve(n.min(1 << 20));
                }
            }
            Event::Start(e) if local(&e) == "si" => out.push(read_string(&mut r, "si")?),
            Event::Empty(e) if local(&e) == "si" => out.push(String::new()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The shared strings of a table in the shape Excel and most writers give it — each
/// item one `<t>` (plain or `xml:space="preserve"`), no runs, no line feeds written as
/// `\r`, no `_xHHHH_` escapes — read by scanning instead of by events; `None` for
/// anything else (then [`parse_shared_strings`] reads it with the XML reader, which
/// gives the same strings: tested below).
fn plain_shared_strings(text: &str) -> Option<Vec<String>> {
    const ITEM: &str = "<si><t>";
    const PRESERVED: &str = "<si><t xml:space=\"preserve\">";
    const END: &str = "</t></si>";
    let start = text.find("<sst")?;
    let mut rest = &text[start + text[start..].find('>')? + 1..];
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let (preserve, body) = if let Some(b) = rest.strip_prefix(ITEM) {
            (false, b)
        } else if let Some(b) = rest.strip_prefix(PRESERVED) {
            (true, b)
        } else if let Some(b) = rest.strip_prefix("<si/>") {
            out.push(String::new());
            rest = b;
            continue;
        } else if rest.starts_with("</sst>") {
            return Some(out);
        } else {
            return None;
        };
        // The item's text ends at its first `<`, which must open `</t></si>` (a search
        // for one byte: a substring search sets itself up anew for every item).
        let end = body.find('<')?;
        if !body[end..].starts_with(END) {
            return None;
        }
        let raw = &body[..end];
        let b = raw.as_bytes();
        if b.contains(&b'\r') || b.windows(2).any(|w| w == b"_x") {
            return None;
        }
        let raw = if preserve {
            raw
        } else {
            raw.trim_matches([' ', '\t', '\r', '\n'])
        };
        let value = if raw.contains('&') {
            quick_xml::escape::unescape(raw).ok()?.into_owned()
        } else {
            raw.to_string()
        };
        out.push(value);
        rest = &body[end + END.len()..];
    }
}

/// What each cell style (`cellXfs`, by index) does to a number.
fn parse_number_formats(text: &str) -> Result<Vec<NumberKind>, Unsupported> {
    let mut r = reader(text);
    let mut custom: Vec<(u32, NumberKind)> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "cellXfs" => in_cell_xfs = true,
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "numFmt" => {
                    let (mut id, mut code) = (None, None);
                    for a in e.attributes().flatten() {
                        match a.key.0 {
                            "numFmtId" => id = a.value.parse::<u32>().ok(),
                            "formatCode" => code = Some(attr_value(&a)?.into_owned()),
                            _ => {}
                        }
                    }
                    if let (Some(id), Some(code)) = (id, code) {
                        custom.push((id, number_kind_of_code(&code)));
                    }
                }
                "xf" if in_cell_xfs => ids.push(
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.0 == "numFmtId")
                        .and_then(|a| a.value.parse::<u32>().ok())
                        .unwrap_or(0),
                ),
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            custom
                .iter()
                .find(|(c, _)| *c == id)
                .map_or_else(|| builtin_number_kind(id), |(_, k)| *k)
        })
        .collect())
}

/// The built-in number formats (ECMA-376 §18.8.30) that show dates and times:
/// 14–22, 27–36, 45–47 and 50–58 (46 is an elapsed time).
fn builtin_number_kind(id: u32) -> NumberKind {
    match id {
        46 => NumberKind::Duration,
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberKind::Date,
        _ => NumberKind::Number,
    }
}

/// What a custom format code does to a number: its first section shows a date when a
/// day, month, year, hour or second letter (or `AM/PM`, `A/P`) stands outside quoted
/// text, escapes and brackets; `[h]`, `[m]`, `[s]` make it an elapsed time.
pub fn number_kind_of_code(code: &str) -> NumberKind {
    let section = first_section(code);
    let mut chars = section.chars().peekable();
    let mut kind = NumberKind::Number;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                let lower = inner.to_ascii_lowercase();
                let elapsed = |unit: u8| !lower.is_empty() && lower.bytes().all(|b| b == unit);
                if elapsed(b'h') || elapsed(b'm') || elapsed(b's') {
                    return NumberKind::Duration;
                }
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => kind = NumberKind::Date,
            'a' | 'A' => {
                let rest: String = std::iter::once(c).chain(chars.clone().take(4)).collect();
                let upper = rest.to_ascii_uppercase();
                if upper.starts_with("AM/PM") || upper.starts_with("A/P") {
                    kind = NumberKind::Date;
                }
            }
            _ => {}
        }
        if kind == NumberKind::Date {
            // A later `[h]` would not make it an elapsed time in Excel either.
            return kind;
        }
    }
    kind
}

/// A format code's first section (up to the first `;` outside quotes and escapes).
fn first_section(code: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => escaped = true,
            ';' if !quoted => return &code[..i],
            _ => {}
        }
    }
    code
}

/// "B12" → (row 11, column 1).
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let b = r.as_bytes();
    let mut i = 0;
    let mut col: u32 = 0;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b[i].to_ascii_uppercase() - b'A') + 1)?;
        i += 1;
    }
    if i == 0 || i == b.len() || col > 16_384 {
        return None;
    }
    let row: u32 = r[i..].parse().ok()?;
    if row == 0 || row > 1_048_576 {
        return None;
    }
    Some((row - 1, col - 1))
}

/// "A1:C2" → its corners.
fn range_ref(r: &str) -> Option<Dimensions> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    let (start, end) = (cell_ref(a)?, cell_ref(b)?);
    Some(Dimensions { start, end })
}

/// A sheet's cells: by [`plain_sheet`] when the sheet has the plain shape, else by
/// XML events ([`parse_sheet_events`]); both give the same cells (tested).
fn parse_sheet(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Result<SheetCells, Unsupported> {
    if let Some(out) = plain_sheet(text, strings, formats, is_1904, keep) {
        return Ok(out);
    }
    parse_sheet_events(text, strings, formats, is_1904, keep)
}

/// The sheet read by scanning, without an XML event per element, when its cells have
/// the shape Excel, LibreOffice and most writers give them: inside `<sheetData>`, rows
/// and cells (`<c>` with `r`, `s`, `t` and any other attributes, double- or
/// single-quoted) holding only `<v>` values without escapes, line breaks or CDATA, and
/// `<f>` formulas; outside it, no cells. Anything else (inline strings, prefixed
/// names, comments, escapes in a value, text between elements, a row number out of
/// range, a value of unknown type) is `None`, and the XML reader reads the sheet.
/// Cells are handed to `keep` only once the whole sheet is known to be plain.
fn plain_sheet(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Option<SheetCells> {
    let open = text.find("<sheetData")?;
    let after_name = &text[open + "<sheetData".len()..];
    let (body, rest) = if let Some(r) = after_name.strip_prefix("/>") {
        ("", r)
    } else {
        let inner = after_name.strip_prefix('>')?;
        let close = inner.find("</sheetData>")?;
        (&inner[..close], &inner[close + "</sheetData>".len()..])
    };
    // The rest of the sheet (merged regions, and proof that it holds no cells), read
    // by events with the cells taken out: it is short.
    let outside_text = format!("{}<sheetData/>{rest}", &text[..open]);
    let outside = parse_sheet_events(&outside_text, strings, formats, is_1904, &mut |_, _| true)
        .ok()
        .filter(|o| o.cells.is_empty() && o.uncached.0 == 0)?;
    let (cells, uncached) = plain_sheet_data(body, strings, formats, is_1904)?;
    let mut out = SheetCells {
        merges: outside.merges,
        uncached,
        cells: Vec::with_capacity(cells.len()),
    };
    for (pos, data) in cells {
        if keep(pos.0, pos.1) {
            out.cells.push(Cell::new(pos, data));
        }
    }
    Some(out)
}

/// One start tag of [`plain_sheet_data`]: its name and whether it closes itself, each
/// attribute handed to `attr` (qualified name, raw value) in order; `None` for anything
/// that is not a plain start tag. (The XML reader does not check attributes for
/// repeats either: callers take the first or the last as it does.)
fn plain_tag<'a>(
    b: &'a str,
    i: &mut usize,
    mut attr: impl FnMut(&'a str, &'a str),
) -> Option<(&'a str, bool)> {
    let bytes = b.as_bytes();
    if bytes.get(*i) != Some(&b'<') {
        return None;
    }
    let start = *i + 1;
    let mut j = start;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    if j == start {
        return None;
    }
    let name = &b[start..j];
    loop {
        let ws = j;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        match bytes.get(j)? {
            b'>' => {
                *i = j + 1;
                return Some((name, false));
            }
            b'/' if bytes.get(j + 1) == Some(&b'>') => {
                *i = j + 2;
                return Some((name, true));
            }
            _ if j == ws => return None,
            _ => {}
        }
        let key_start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b':' | b'_' | b'-' | b'.'))
        {
            j += 1;
        }
        if j == key_start || bytes.get(j) != Some(&b'=') {
            return None;
        }
        let quote = *bytes.get(j + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = j + 2;
        let len = memchr::memchr(quote, &bytes[value_start..])?;
        let value = &bytes[value_start..value_start + len];
        if memchr::memchr2(b'<', b'&', value).is_some() {
            return None;
        }
        attr(&b[key_start..j], &b[value_start..value_start + len]);
        j = value_start + len + 1;
    }
}

/// The cells inside `<sheetData>` (see [`plain_sheet`]): each with its position, in
/// the order of the file, and the formulas without a value.
#[allow(clippy::type_complexity)]
fn plain_sheet_data(
    body: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
) -> Option<(Vec<((u32, u32), Data)>, (usize, Option<(u32, u32)>))> {
    let bytes = body.as_bytes();
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let mut cells = Vec::new();
    let mut uncached = (0usize, None);
    let (mut row, mut next_row, mut next_col) = (0u32, 0u32, 0u32);
    // Rows opened and not yet closed: every `</row>` closes one, and all are closed at
    // the end (the XML reader refuses a document whose tags do not balance).
    let mut open_rows = 0usize;
    let mut i = 0;
    loop {
        skip_ws(&mut i);
        if i == bytes.len() {
            return (open_rows == 0).then_some((cells, uncached));
        }
        if body[i..].starts_with("</row>") {
            open_rows = open_rows.checked_sub(1)?;
            i += "</row>".len();
            continue;
        }
        // The attributes that matter: a row's first `r`; a cell's last `r`, `t`, `s`.
        let (mut row_ref, mut pos_ref, mut typ, mut style_ref) = (None, None, None, None);
        let (name, empty) = plain_tag(body, &mut i, |k, v| match k {
            "r" => {
                row_ref.get_or_insert(v);
                pos_ref = Some(v);
            }
            "t" => typ = Some(v),
            "s" => style_ref = Some(v),
            _ => {}
        })?;
        match name {
            "row" => {
                if !empty {
                    open_rows += 1;
                }
                row = match row_ref {
                    Some(v) => {
                        v.parse::<u32>()
                            .ok()
                            .filter(|r| (1..=1_048_576).contains(r))?
                            - 1
                    }
                    None => next_row,
                };
                next_row = row + 1;
                next_col = 0;
            }
            "c" => {
                let pos = match pos_ref {
                    Some(v) => Some(cell_ref(v)?),
                    None => None,
                };
                let style = style_ref.map(|v| v.parse::<usize>().unwrap_or(0));
                let (crow, ccol) = pos.unwrap_or((row, next_col));
                next_col = ccol + 1;
                if empty {
                    continue;
                }
                let inline_type = matches!(typ, Some("inlineStr" | "is"));
                let (mut formula, mut got, mut inline) = (false, None, None);
                loop {
                    skip_ws(&mut i);
                    if body[i..].starts_with("</c>") {
                        i += "</c>".len();
                        break;
                    }
                    let (child, child_empty) = plain_tag(body, &mut i, |_, _| {})?;
                    match child {
                        "v" => {
                            let text = if child_empty {
                                ""
                            } else {
                                let len = memchr::memchr(b'<', &bytes[i..])?;
                                let text = &body[i..i + len];
                                i += len;
                                if !body[i..].starts_with("</v>") || text.contains(['&', '\r']) {
                                    return None;
                                }
                                i += "</v>".len();
                                text
                            };
                            if !inline_type {
                                got = Some(
                                    cell_value(text, typ, style, strings, formats, is_1904).ok()?,
                                );
                            }
                        }
                        "is" if child_empty => inline = Some(String::new()),
                        "is" => inline = Some(plain_inline_string(body, &mut i)?),
                        "f" => {
                            formula = true;
                            if !child_empty {
                                let len = memchr::memchr(b'<', &bytes[i..])?;
                                i += len;
                                if !body[i..].starts_with("</f>") {
                                    return None;
                                }
                                i += "</f>".len();
                            }
                        }
                        _ => return None,
                    }
                }
                let data = match inline {
                    Some(s) => Data::String(s),
                    None => got.unwrap_or(Data::Empty),
                };
                match data {
                    Data::Empty if formula => {
                        uncached.0 += 1;
                        uncached.1.get_or_insert((crow, ccol));
                        cells.push(((crow, ccol), crate::cells::UNCACHED));
                    }
                    Data::Empty => {}
                    data => cells.push(((crow, ccol), data)),
                }
            }
            _ => return None,
        }
    }
}

/// An inline string's text after its `<is>`, up to and past `</is>`, as
/// [`read_string`] reads it: one or more `<t>` (`xml:space="preserve"` or trimmed),
/// Excel's `_xHHHH_` escapes resolved; `None` for runs, phonetic text, XML escapes or
/// anything else.
fn plain_inline_string(body: &str, i: &mut usize) -> Option<String> {
    let bytes = body.as_bytes();
    let mut out = String::new();
    loop {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
        if body[*i..].starts_with("</is>") {
            *i += "</is>".len();
            return Some(out);
        }
        let (mut other, mut preserve) = (false, false);
        let (name, empty) = plain_tag(body, i, |k, v| match k {
            "xml:space" => preserve |= v == "preserve",
            _ => other = true,
        })?;
        if name != "t" || other {
            return None;
        }
        if empty {
            continue;
        }
        let len = memchr::memchr(b'<', &bytes[*i..])?;
        let text = &body[*i..*i + len];
        *i += len;
        if !body[*i..].starts_with("</t>") || text.contains(['&', '\r']) {
            return None;
        }
        *i += "</t>".len();
        let text = if preserve {
            text
        } else {
            text.trim_matches([' ', '\t', '\r', '\n'])
        };
        out.push_str(&unescape_excel(text));
    }
}

/// A sheet's cells read by XML events (any well-formed sheet).
fn parse_sheet_events(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Result<SheetCells, Unsupported> {
    let mut r = reader(text);
    let mut out = SheetCells::default();
    let mut row: u32 = 0;
    let mut next_row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut value = String::new();
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "row" => {
                row = match e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.0 == "r")
                {
                    Some(a) => {
                        a.value
                            .parse::<u32>()
                            .ok()
                            .filter(|r| (1..=1_048_576).contains(r))
                            .ok_or_else(|| damaged(format!("row number {}", a.value)))?
                            - 1
                    }
                    None => next_row,
                };
                next_row = row + 1;
                next_col = 0;
            }
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let (Event::Start(e) | Event::Empty(e)) = &ev else {
                    unreachable!()
                };
                match local(e) {
                    "c" => {
                        let (mut pos, mut typ, mut style) = (None, None, None);
                        for a in e.attributes().with_checks(false) {
                            let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                            match a.key.0 {
                                "r" => {
                                    pos = Some(cell_ref(&a.value).ok_or_else(|| {
                                        damaged(format!("cell reference {}", a.value))
                                    })?)
                                }
                                "t" => typ = Some(a.value.into_owned()),
                                "s" => style = Some(a.value.parse::<usize>().unwrap_or(0)),
                                _ => {}
                            }
                        }
                        let (crow, ccol) = pos.unwrap_or((row, next_col));
                        next_col = ccol + 1;
                        if matches!(ev, Event::Empty(_)) {
                            continue;
                        }
                        // The cell's children: <v>, <f>, <is>.
                        let mut formula = false;
                        let mut got: Option<Data> = None;
                        let mut inline: Option<String> = None;
                        loop {
                            match r.read_event()? {
                                Event::Start(c) => match local(&c) {
                                    "v" => {
                                        value.clear();
                                        read_text(&mut r, "v", &mut value)?;
                                        if !matches!(typ.as_deref(), Some("inlineStr" | "is")) {
                                            got = Some(cell_value(
                                                &value,
                                                typ.as_deref(),
                                                style,
                                                strings,
                                                formats,
                                                is_1904,
                                            )?);
                                        }
                                    }
                                    "f" => {
                                        formula = true;
                                        r.read_to_end(c.name())?;
                                    }
                                    "is" => inline = Some(read_string(&mut r, "is")?),
                                    _ => {
                                        r.read_to_end(c.name())?;
                                    }
                                },
                                Event::Empty(c) => match local(&c) {
                                    "f" => formula = true,
                                    "v" if !matches!(typ.as_deref(), Some("inlineStr" | "is")) => {
                                        got = Some(cell_value(
                                            "",
                                            typ.as_deref(),
                                            style,
                                            strings,
                                            formats,
                                            is_1904,
                                        )?);
                                    }
                                    "is" => inline = Some(String::new()),
                                    _ => {}
                                },
                                Event::End(x) if x.local_name().as_ref() == "c" => break,
                                Event::Eof => return Err(unsupported("cell cut short")),
                                _ => {}
                            }
                        }
                        let data = match inline {
                            Some(s) => Data::String(s),
                            None => got.unwrap_or(Data::Empty),
                        };
                        let data = match data {
                            Data::Empty if formula => {
                                out.uncached.0 += 1;
                                out.uncached.1.get_or_insert((crow, ccol));
                                crate::cells::UNCACHED
                            }
                            Data::Empty => continue,
                            data => data,
                        };
                        if keep(crow, ccol) {
                            out.cells.push(Cell::new((crow, ccol), data));
                        }
                    }
                    "mergeCell" => {
                        if let Some(a) = e.attributes().flatten().find(|a| a.key.0 == "ref") {
                            if let Some(d) = range_ref(&a.value) {
                                out.merges.push(d);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A `<v>` value by the cell's type and style.
fn cell_value(
    v: &str,
    typ: Option<&str>,
    style: Option<usize>,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
) -> Result<Data, Unsupported> {
    Ok(match typ {
        Some("s") => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            let i: usize = v
                .trim()
                .parse()
                .map_err(|_| unsupported(format!("string index {v}")))?;
            Data::String(
                strings
                    .get(i)
                    .ok_or_else(|| unsupported(format!("string index {i} outside the table")))?
                    .clone(),
            )
        }
        Some("b") => match v {
            "1" | "true" | "TRUE" => Data::Bool(true),
            "0" | "false" | "FALSE" => Data::Bool(false),
            _ => return Err(unsupported(format!("boolean {v}"))),
        },
        Some("d") => Data::DateTimeIso(v.to_string()),
        Some("e") => Data::Error(
            v.parse::<CellErrorType>()
                .map_err(|_| unsupported(format!("error value {v}")))?,
        ),
        Some("str") => Data::String(unescape_excel(v).into_owned()),
        Some("n") | None => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            match v.parse::<f64>() {
                Ok(x) => {
                    let kind = match style {
                        None => Some(NumberKind::Number),
                        Some(i) => formats.get(i).copied(),
                    };
                    match kind {
                        Some(NumberKind::Date) => Data::DateTime(ExcelDateTime::new(
                            x,
                            ExcelDateTimeType::DateTime,
                            is_1904,
                        )),
                        Some(NumberKind::Duration) => Data::DateTime(ExcelDateTime::new(
                            x,
                            ExcelDateTimeType::TimeDelta,
                            is_1904,
                        )),
                        _ => Data::Float(x),
                    }
                }
                Err(_) if typ.is_none() => Data::String(v.to_string()),
                Err(_) => return Err(unsupported(format!("number {v}"))),
            }
        }
        Some(t) => return Err(unsupported(format!("cell type {t}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sheet of the repository: (file › sheet, its XML, the shared strings, the number
    /// formats, whether the book counts dates from 1904).
    type RepositorySheet = (String, String, Vec<String>, Vec<NumberKind>, bool);

    /// Every worksheet's XML of every xlsx in the repository (samples, fixtures, fuzz
    /// corpus), with the book's shared strings, number formats and date system.
    fn repository_sheets() -> Vec<RepositorySheet> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in [
            "samples",
            "crates/cchc-read/tests/fixtures/xlsx",
            "fuzz/corpus",
        ] {
            for e in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
                if e.path().extension().is_some_and(|x| x == "xlsx") {
                    files.push(e.path());
                }
            }
        }
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let bytes = std::fs::read(&f).expect("read");
            let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
                continue;
            };
            let Ok(mut book) = Book::open(archive, u64::MAX / 4) else {
                continue;
            };
            for part in book.parts.clone() {
                if book.load(&part).unwrap_or(false) {
                    if let Ok(text) = book.text() {
                        let text = text.to_string();
                        out.push((
                            format!("{} {part}", f.display()),
                            text,
                            book.strings.clone(),
                            book.formats.clone(),
                            book.is_1904,
                        ));
                    }
                }
            }
        }
        out
    }

    /// The scan's cells against the XML reader's, for one sheet text: `None` when the
    /// scan declines it.
    fn plain_equals_events(
        text: &str,
        strings: &[String],
        formats: &[NumberKind],
        is_1904: bool,
    ) -> Option<bool> {
        // A keep that leaves some cells out, to see it applied the same way.
        let keep = |r: u32, c: u32| (r + c) % 7 != 3;
        let plain = plain_sheet(text, strings, formats, is_1904, &mut { keep })?;
        let events = parse_sheet_events(text, strings, formats, is_1904, &mut { keep });
        let cells = |s: &SheetCells| -> Vec<((u32, u32), Data)> {
            s.cells
                .iter()
                .map(|c| (c.get_position(), c.get_value().clone()))
                .collect()
        };
        let merges = |s: &SheetCells| -> Vec<((u32, u32), (u32, u32))> {
            s.merges.iter().map(|d| (d.start, d.end)).collect()
        };
        Some(events.is_ok_and(|e| {
            cells(&e) == cells(&plain)
                && merges(&e) == merges(&plain)
                && e.uncached == plain.uncached
        }))
    }

    #[test]
    fn the_plain_scan_reads_what_the_xml_reader_reads() {
        let sheets = repository_sheets();
        let mut scanned = 0;
        for (name, text, strings, formats, is_1904) in &sheets {
            if let Some(same) = plain_equals_events(text, strings, formats, *is_1904) {
                assert!(same, "{name}: the scan and the XML reader differ");
                scanned += 1;
            }
        }
        // The writers of the samples (Excel, LibreOffice, openpyxl, rust_xlsxwriter)
        // give the plain shape: nearly every sheet is scanned, not read by events.
        assert!(sheets.len() > 30, "{} sheets", sheets.len());
        assert!(
            scanned * 10 >= sheets.len() * 8,
            "{scanned} of {} scanned",
            sheets.len()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// A repository sheet with a few bytes changed, cut, repeated or inserted where
        /// the markup is (`<>/="' &;` and spaces): whatever the scan accepts, the XML
        /// reader reads the same.
        #[test]
        fn damaged_sheets_are_scanned_the_same_or_declined(
            sheet in 0usize..1000,
            edits in proptest::collection::vec((0usize..1_000_000, 0u8..4, 0usize..16, 0usize..9), 1..4),
        ) {
            static SHEETS: std::sync::OnceLock<Vec<RepositorySheet>> = std::sync::OnceLock::new();
            let sheets = SHEETS.get_or_init(repository_sheets);
            let (name, text, strings, formats, is_1904) = &sheets[sheet % sheets.len()];
            let mut bytes = text.clone().into_bytes();
            const MARKUP: &[u8] = b"<>/=\"' &;\n";
            for (at, kind, len, pick) in edits {
                // Near a tag of the sheet data, where the scan makes its decisions.
                let Some(data) = text.find("<sheetData") else { break };
                let at = data + at % (bytes.len() - data).max(1);
                let end = (at + len).min(bytes.len());
                match kind {
                    0 => {
                        bytes.drain(at..end);
                    }
                    1 => {
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    2 => bytes.insert(at, MARKUP[pick % MARKUP.len()]),
                    _ => {
                        if at < bytes.len() {
                            bytes[at] = MARKUP[pick % MARKUP.len()];
                        }
                    }
                }
            }
            if let Ok(edited) = String::from_utf8(bytes) {
                if let Some(same) = plain_equals_events(&edited, strings, formats, *is_1904) {
                    proptest::prop_assert!(same, "{}: the scan and the XML reader differ on\n{}", name, edited);
                }
            }
        }
    }

    #[test]
    fn sheets_rewritten_are_scanned_the_same_or_declined() {
        // Each sheet of the repository rewritten in ways XML allows (and in some that
        // take the scan off its plain path): whatever the scan accepts, it reads as the
        // XML reader does.
        type Edit = fn(&str) -> String;
        let edits: [(&str, Edit); 12] = [
            ("single quotes", |t| {
                // Every attribute value: name="v" becomes name='v'.
                let mut out = String::new();
                let mut rest = t;
                while let Some(i) = rest.find("=\"") {
                    let after = &rest[i + 2..];
                    let Some(j) = after.find('"') else { break };
                    out.push_str(&rest[..i]);
                    out.push_str("='");
                    out.push_str(&after[..j]);
                    out.push('\'');
                    rest = &after[j + 1..];
                }
                out.push_str(rest);
                out
            }),
            ("spaces between elements", |t| {
                t.replace("</c><c", "</c>\n  <c").replace("<row", "\n<row")
            }),
            ("spaces in tags", |t| {
                t.replace("<c r=", "<c   r=").replace("\">", "\" >")
            }),
            ("prefixed names", |t| {
                t.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
            }),
            ("entities in values", |t| t.replace("<v>1", "<v>&#49;")),
            ("comments", |t| t.replace("</row>", "<!-- x --></row>")),
            ("CDATA values", |t| t.replace("<v>2", "<v><![CDATA[2]]>")),
            ("line breaks in values", |t| t.replace("<v>3", "<v>\r\n3")),
            ("inline strings", |t| {
                t.replacen(
                    "<c r=\"A1\"",
                    "<c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c><c r=\"Z1\"",
                    1,
                )
            }),
            ("formulas without values", |t| {
                t.replace("<v>4</v>", "<f>1+3</f>")
            }),
            ("cells outside sheetData", |t| {
                t.replacen("<sheetData>", "<c r=\"A9\"><v>1</v></c><sheetData>", 1)
            }),
            ("rows without numbers", |t| {
                let mut out = String::new();
                let mut rest = t;
                while let Some(i) = rest.find("<row r=\"") {
                    out.push_str(&rest[..i]);
                    out.push_str("<row");
                    let after = &rest[i + "<row r=\"".len()..];
                    rest = &after[after.find('"').map_or(0, |j| j + 1)..];
                }
                out.push_str(rest);
                out
            }),
        ];
        let sheets = repository_sheets();
        for (what, edit) in edits {
            let (mut changed, mut scanned) = (0, 0);
            for (name, text, strings, formats, is_1904) in &sheets {
                let edited = edit(text);
                if edited == *text {
                    continue;
                }
                changed += 1;
                if let Some(same) = plain_equals_events(&edited, strings, formats, *is_1904) {
                    assert!(same, "{name}, {what}: the scan and the XML reader differ");
                    scanned += 1;
                }
            }
            assert!(changed > 0, "{what}: no sheet changed");
            eprintln!("{what}: {scanned} of {changed} rewritten sheets scanned");
        }
    }

    #[test]
    fn format_codes_that_show_dates() {
        use NumberKind::*;
        // Labelled by reading each code as Excel shows it.
        let cases = [
            ("General", Number),
            ("0", Number),
            ("#,##0.00", Number),
            ("0.00E+00", Number),
            ("0%", Number),
            ("@", Number),
            ("#,##0 \"ngày\"", Number),
            ("#,##0 \"đ\";[Red]-#,##0 \"đ\"", Number),
            ("[Red]0.00", Number),
            ("0.00;[Red]dd", Number),
            ("\\d0", Number),
            ("_-* #,##0_-;-* #,##0_-", Number),
            ("dd/mm/yyyy", Date),
            ("d/m", Date),
            ("mmm-yy", Date),
            ("yyyy\\-mm\\-dd", Date),
            ("[$-42A]d mmmm yyyy", Date),
            ("h:mm AM/PM", Date),
            ("mm:ss", Date),
            ("[h]:mm", Duration),
            ("[hh]:mm:ss", Duration),
            ("[mm]:ss", Duration),
            ("[s]", Duration),
        ];
        for (code, kind) in cases {
            assert_eq!(number_kind_of_code(code), kind, "{code}");
        }
        assert_eq!(builtin_number_kind(14), Date);
        assert_eq!(builtin_number_kind(46), Duration);
        assert_eq!(builtin_number_kind(49), Number);
        assert_eq!(builtin_number_kind(0), Number);
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_excel("_xDE00_"), "\u{FFFD}");
        assert_eq!(unescape_excel("_x12G4_ _x12"), "_x12G4_ _x12");
        assert_eq!(unescape_excel("_xé123_"), "_xé123_");
    }

    #[test]
    fn plain_shared_strings_read_as_the_xml_reader_does() {
        let head = r#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="9">"#;
        let plain = [
            "<si><t>Tổng số</t></si>",
            "<si><t>  cắt khoảng trắng  </t></si>",
            r#"<si><t xml:space="preserve">  giữ  </t></si>"#,
            "<si/>",
            "<si><t>a &amp; b &lt;c&gt; &#x41;&#66;</t></si>",
            "\n<si><t>dòng 1\ndòng 2</t></si>",
        ];
        let body: String = plain.concat();
        let text = format!("{head}{body}</sst>");
        let fast = plain_shared_strings(&text).expect("plain shape");
        assert_eq!(
            fast,
            [
                "Tổng số",
                "cắt khoảng trắng",
                "  giữ  ",
                "",
                "a & b <c> AB",
                "dòng 1\ndòng 2"
            ]
        );
        // The XML reader, on the same text with one item it must read itself, agrees.
        let mixed = format!("{head}{body}<si><r><t>x</t></r></si></sst>");
        assert!(plain_shared_strings(&mixed).is_none());
        let slow = parse_shared_strings(&mixed).expect("xml reader");
        assert_eq!(slow[..fast.len()], fast[..]);
        assert_eq!(slow[fast.len()], "x");
        // Shapes left to the XML reader.
        for odd in [
            "<si><t>a_x000D_b</t></si>",
            "<si><t>a\r\nb</t></si>",
            "<x:si><x:t>a</x:t></x:si>",
            "<si><t><![CDATA[a]]></t></si>",
            "<si><r><t>a</t></r></si>",
        ] {
            assert!(
                plain_shared_strings(&format!("{head}{odd}</sst>")).is_none(),
                "{odd}"
            );
        }
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("B12"), Some((11, 1)));
        assert_eq!(cell_ref("AA3"), Some((2, 26)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("XFE1"), None);
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("A1048577"), None);
        assert_eq!(cell_ref("12"), None);
        assert_eq!(cell_ref("A"), None);
        assert_eq!(cell_ref("ZZZZZZZZZ1"), None);
    }
}
