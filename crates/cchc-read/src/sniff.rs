//! What a file really is, from its first bytes and not its name: a workbook is read by
//! its content (an `.xlsx` that is really `.xls` reads normally), and a file that is
//! not a workbook at all (an HTML table or CSV saved as `.xls` by a web system, an empty
//! file, an encrypted workbook) gets a finding saying what it is and how to fix it.
//! Size limits are checked here too, before anything is inflated.

use std::io::Read;
use std::path::Path;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Nothing in it.
    Empty,
    /// A zip archive: xlsx, xlsm, xlsb or ods.
    Zip,
    /// An OLE compound file: xls, or an encrypted OOXML workbook.
    Compound,
    /// An HTML page (many web systems export "Excel" this way).
    Html,
    /// Excel 2003 XML spreadsheet.
    Xml2003,
    /// An Excel 2.x–4.0 worksheet (BIFF2–4, before 1995): records without a compound
    /// file around them.
    OldExcel,
    /// A flat OpenDocument spreadsheet (`.fods`: the whole document as one XML file).
    FlatOds,
    /// Plain text: CSV or tab-separated.
    Text,
    /// None of these.
    Unknown,
}

const ZIP: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";
const COMPOUND: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Classifies a file by its first bytes (a few kilobytes are enough).
pub fn sniff(head: &[u8]) -> Content {
    if head.is_empty() {
        return Content::Empty;
    }
    if head.starts_with(ZIP) || head.starts_with(ZIP_EMPTY) {
        return Content::Zip;
    }
    if head.starts_with(COMPOUND) {
        return Content::Compound;
    }
    // A BIFF2, BIFF3 or BIFF4 BOF record (0x0009, 0x0209, 0x0409) of 4 to 16 bytes.
    if let [0x09, 0x00 | 0x02 | 0x04, len, 0x00, ..] = head {
        if (4..=16).contains(len) {
            return Content::OldExcel;
        }
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let lower: Vec<u8> = text.iter().take(2048).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let start = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&lower[..0], |i| &lower[i..]);
    if start.starts_with(b"<") {
        if has(b"urn:schemas-microsoft-com:office:spreadsheet") {
            return Content::Xml2003;
        }
        // The mimetype is an attribute of the root element, after its namespaces (past
        // the first 2 KB in LibreOffice's files): the whole head is searched for it.
        let mimetype = b"application/vnd.oasis.opendocument.spreadsheet";
        if has(b"<office:document") && text.windows(mimetype.len()).any(|w| w == mimetype) {
            return Content::FlatOds;
        }
        if has(b"<html") || has(b"<table") || has(b"<!doctype html") || has(b"<body") {
            return Content::Html;
        }
    }
    // Text: no control bytes other than tab and line ends, and valid UTF-8 (a cut
    // multi-byte character at the end of the sample is allowed).
    let printable = text
        .iter()
        .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'));
    let utf8 = match std::str::from_utf8(text) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if printable && (utf8 || text.iter().all(u8::is_ascii)) {
        return Content::Text;
    }
    Content::Unknown
}

/// Whether an OLE compound file holds an encrypted OOXML package (its directory names
/// the streams `EncryptionInfo` and `EncryptedPackage`, in UTF-16).
pub fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

/// Limits checked before a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest total a zip workbook may inflate to, in bytes (its parts' declared sizes).
    pub max_unpacked_bytes: u64,
    /// Longest one file may take to read, in seconds, before the batch gives it up
    /// (`file.unreadable`) and goes on.
    pub max_read_seconds: u64,
}

impl Limits {
    /// Default file limit in MB: a unit's report is well under 1 MB.
    pub const DEFAULT_FILE_MB: u64 = 20;
    /// Default reading time limit per file, in seconds: a unit's report reads in
    /// milliseconds, a 20 MB workbook in a few seconds.
    pub const DEFAULT_READ_SECONDS: u64 = 30;

    /// What any zip workbook may inflate to, whatever its own size (see
    /// [`Limits::unpacked_for`]).
    pub const UNPACKED_ALLOWANCE: u64 = 32 * 1024 * 1024;
    /// How many times its own size a zip workbook may inflate to beyond the allowance.
    /// Real workbooks inflate 5 to 15 times (44 times for a 10,000-row table of one
    /// number); a bomb, hundreds of times.
    pub const UNPACKED_RATIO: u64 = 16;

    /// The most a zip workbook of `file_bytes` may inflate to: the allowance plus
    /// [`Limits::UNPACKED_RATIO`] times its size, within `max_unpacked_bytes` — so memory
    /// stays within a small multiple of the file's size (a 478 KB file inflating to
    /// 150 MB took 687 MB before).
    ///
    /// ```
    /// use cchc_read::sniff::Limits;
    /// let l = Limits::default();
    /// assert_eq!(l.unpacked_for(500_000), 32 * 1024 * 1024 + 8_000_000);
    /// assert_eq!(l.unpacked_for(19 * 1024 * 1024), 200 * 1024 * 1024);
    /// ```
    pub fn unpacked_for(&self, file_bytes: u64) -> u64 {
        self.max_unpacked_bytes.min(
            Self::UNPACKED_ALLOWANCE
                .saturating_add(file_bytes.saturating_mul(Self::UNPACKED_RATIO)),
        )
    }

    /// Limits from a file size in MB; a workbook may inflate to ten times that.
    pub fn from_file_mb(mb: u64) -> Limits {
        let bytes = mb.saturating_mul(1024 * 1024);
        Limits {
            max_file_bytes: bytes,
            max_unpacked_bytes: bytes.saturating_mul(10),
            max_read_seconds: Self::DEFAULT_READ_SECONDS,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from_file_mb(Self::DEFAULT_FILE_MB)
    }
}

/// Reads the first `n` bytes of a file.
///
/// # Errors
/// The file cannot be opened or read.
pub fn read_head(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    std::fs::File::open(path)?
        .take(n as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// A zip workbook's directory, read once: the archive and the total size its entries
/// declare they inflate to, nothing inflated (`None` when the directory cannot be read).
/// The file is read into memory (its size was checked against the limit first).
pub fn open_zip(path: &Path) -> Option<(zip::ZipArchive<std::io::Cursor<Vec<u8>>>, u64)> {
    open_zip_bytes(std::fs::read(path).ok()?)
}

/// [`open_zip`] of bytes already read.
pub fn open_zip_bytes(bytes: Vec<u8>) -> Option<(zip::ZipArchive<std::io::Cursor<Vec<u8>>>, u64)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).ok()?.size());
    }
    Some((archive, total))
}

/// Whether an OpenDocument archive is password-protected: its manifest lists
/// `encryption-data` for its parts (their content is then ciphertext, which reads as
/// broken XML).
pub fn ods_encrypted<R: std::io::Read + std::io::Seek>(archive: &mut zip::ZipArchive<R>) -> bool {
    use std::io::Read;
    let Ok(part) = archive.by_name("META-INF/manifest.xml") else {
        return false;
    };
    // A manifest lists a few parts; a megabyte is far beyond any real one.
    let mut text = Vec::new();
    if part.take(1 << 20).read_to_end(&mut text).is_err() {
        return false;
    }
    memchr::memmem::find(&text, b"encryption-data").is_some()
}

/// A flat OpenDocument spreadsheet packed as the .ods archive it stands for: the
/// document as `content.xml` (its root element aside, the body is the same; layout
/// whitespace taken out, [`crate::ods_layout`]), the `mimetype` and a manifest.
pub fn flat_ods_to_zip(document: &[u8]) -> Option<Vec<u8>> {
    let manifest: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let content = crate::ods_layout::without_layout_whitespace(document)?;
    pack_ods(manifest, &content)
}

/// An .ods archive whose `content.xml` has its layout whitespace taken out
/// ([`crate::ods_layout`]), its manifest kept; `None` when it has no such parts.
pub fn ods_without_layout_whitespace(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        archive.by_name(name).ok()?.read_to_end(&mut out).ok()?;
        Some(out)
    };
    let manifest = part("META-INF/manifest.xml")?;
    let content = crate::ods_layout::without_layout_whitespace(&part("content.xml")?)?;
    pack_ods(&manifest, &content)
}

/// An xlsx whose shared-string table declares more strings than its part could hold,
/// repacked with the count set to 0; `None` when the count is plausible (at most one
/// per 5 bytes of the part: `<si/>`) or there is no table. calamine reserves room for
/// the declared count before reading a string: `uniqueCount="4294967295"` asked for
/// 103 GB, and the failed allocation aborts the process (found by `cchc-fuzz` on
/// Apache POI's `poc-xmlbomb-empty.xlsx`; with jemalloc the reservation happened not to
/// fail, with the system allocator of the Python module it does).
pub fn xlsx_with_plausible_string_count(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    const PART: &str = "xl/sharedStrings.xml";
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let size = archive.by_name(PART).ok()?.size();
    let mut part = Vec::new();
    archive
        .by_name(PART)
        .ok()?
        .take(size)
        .read_to_end(&mut part)
        .ok()?;
    let key = memchr::memmem::find(&part, b"uniqueCount=")? + "uniqueCount=".len();
    let digits = part.get(key + 1..)?;
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let count: u64 = std::str::from_utf8(&digits[..len])
        .ok()?
        .parse()
        .unwrap_or(u64::MAX);
    if count <= size / 5 {
        return None;
    }
    part.splice(key + 1..key + 1 + len, *b"0");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).ok()?;
        if entry.name().ok()? == PART {
            drop(entry);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            out.start_file(PART, stored).ok()?;
            out.write_all(&part).ok()?;
        } else {
            out.raw_copy_file(entry).ok()?;
        }
    }
    Some(out.finish().ok()?.into_inner())
}

/// The three parts an .ods reader needs, stored.
fn pack_ods(manifest: &[u8], content: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).ok()?;
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .ok()?;
    out.start_file("META-INF/manifest.xml", stored).ok()?;
    out.write_all(manifest).ok()?;
    out.start_file("content.xml", stored).ok()?;
    out.write_all(content).ok()?;
    Some(out.finish().ok()?.into_inner())
}

/// What an .ods file's `content.xml` is, read once before calamine parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdsScan {
    /// Well-formed XML to its end: calamine 0.38 loops forever on content cut short or
    /// missing a tag (found by `cchc-fuzz`), so such a file is refused first.
    pub well_formed: bool,
    /// The largest sheet, in cells, as calamine would lay it out: from the first row to
    /// the last row holding a value, by the widest such row, repeats counted. calamine
    /// makes that rectangle in memory (one repeated cell can ask for billions), so a
    /// file whose sheet is larger than [`crate::workbook::MAX_DECLARED_CELLS`] is refused.
    pub largest_cells: u64,
    /// The most text a sheet's cells hold once repeats are laid out (each text cell's
    /// bytes plus 16 for its allocation, times its repeats): calamine copies a repeated
    /// cell's text into every cell, so an 852-byte file asked for 60 MB (and could for
    /// gigabytes); a file past [`crate::xlsx::MAX_SHEET_TEXT`] is refused.
    pub largest_text: u64,
    /// Cells holding a formula saved without its value (no `office:value-type`: what
    /// scripts write; LibreOffice always stores the value, even an empty text), by
    /// sheet; at most [`MAX_UNCACHED_BLOCKS`] blocks are kept.
    pub uncached: Vec<UncachedBlock>,
}

/// Blocks of formulas without a value an [`OdsScan`] keeps (a file with more is still
/// named; only the cells past these are not marked).
pub const MAX_UNCACHED_BLOCKS: usize = 10_000;

/// A formula cell without its value in an .ods sheet, repeated over `rows` × `cols`
/// cells from (`row`, `col`), counted from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncachedBlock {
    /// The sheet's name.
    pub sheet: String,
    /// First row.
    pub row: u64,
    /// First column.
    pub col: u64,
    /// Rows the cell is repeated over.
    pub rows: u64,
    /// Columns the cell is repeated over.
    pub cols: u64,
}

/// A repeat count attribute (`table:number-rows-repeated`, `…-columns-repeated`).
fn repeat(e: &quick_xml::events::BytesStart<'_>, key: &str) -> u64 {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.0 == key)
        .and_then(|a| a.value.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Scans an .ods archive's `content.xml` (see [`OdsScan`]); `None` for an archive
/// without one (xlsx, xlsb).
pub fn scan_ods_content<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Option<OdsScan> {
    use quick_xml::events::Event;
    archive.index_for_name("content.xml")?;
    let broken = OdsScan {
        well_formed: false,
        largest_cells: 0,
        largest_text: 0,
        uncached: Vec::new(),
    };
    let Ok(part) = archive.by_name("content.xml") else {
        return Some(broken);
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth: i64 = 0;
    let mut largest: u64 = 0;
    // The table being read: rows so far, end of the last row with a value, widest such row.
    let (mut rows, mut last_row_end, mut widest) = (0u64, 0u64, 0u64);
    // The row being read: its repeat, column so far, end of its last cell with a value.
    let (mut row_repeat, mut col, mut row_end) = (1u64, 0u64, 0u64);
    let (mut sheet, mut uncached) = (String::new(), Vec::new());
    let mut pending: Option<UncachedBlock> = None;
    // Text: of the sheet so far, of the row so far, of the cell being read (its repeat,
    // whether it is a text cell, its bytes so far), and the most of any sheet.
    let (mut sheet_text, mut row_text, mut most_text) = (0u64, 0u64, 0u64);
    let (mut cell_repeat, mut text_cell, mut cell_text) = (1u64, false, 0u64);
    let end_row = |rows: &mut u64, last: &mut u64, widest: &mut u64, rep: u64, end: u64| {
        if end > 0 {
            *last = rows.saturating_add(rep);
            *widest = (*widest).max(end);
        }
        *rows = rows.saturating_add(rep);
    };
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Some(broken),
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if !empty {
                    depth += 1;
                }
                match e.name().0 {
                    "table:table" => {
                        (rows, last_row_end, widest, sheet_text) = (0, 0, 0, 0);
                        sheet = e
                            .attributes()
                            .with_checks(false)
                            .flatten()
                            .find(|a| a.key.0 == "table:name")
                            .and_then(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok()
                            })
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                    }
                    "table:table-row" => {
                        (row_repeat, col, row_end, row_text) =
                            (repeat(e, "table:number-rows-repeated"), 0, 0, 0);
                        if empty {
                            end_row(&mut rows, &mut last_row_end, &mut widest, row_repeat, 0);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let n = repeat(e, "table:number-columns-repeated");
                        let (mut typed, mut formula) = (false, false);
                        text_cell = true;
                        for a in e.attributes().with_checks(false).flatten() {
                            match a.key.0 {
                                "office:value-type" => {
                                    typed = true;
                                    text_cell = &*a.value == "string";
                                }
                                "table:formula" => formula = true,
                                _ => {}
                            }
                        }
                        // Without a value type and without text: a value-less formula
                        // (with an empty paragraph it is LibreOffice's empty-text result).
                        pending = (formula && !typed && uncached.len() < MAX_UNCACHED_BLOCKS).then(
                            || UncachedBlock {
                                sheet: sheet.clone(),
                                row: rows,
                                col,
                                rows: row_repeat,
                                cols: n,
                            },
                        );
                        if empty {
                            uncached.extend(pending.take());
                        }
                        let valued = !empty || typed;
                        (cell_repeat, cell_text) = (n, 0);
                        col = col.saturating_add(n);
                        if valued {
                            row_end = col;
                        }
                    }
                    "text:p" => pending = None,
                    _ => {}
                }
            }
            Event::End(ref e) => {
                depth -= 1;
                match e.name().0 {
                    "table:table-cell" => {
                        uncached.extend(pending.take());
                        if text_cell && cell_text > 0 {
                            row_text = row_text.saturating_add(
                                cell_text.saturating_add(16).saturating_mul(cell_repeat),
                            );
                        }
                        cell_text = 0;
                    }
                    "table:table-row" => {
                        end_row(
                            &mut rows,
                            &mut last_row_end,
                            &mut widest,
                            row_repeat,
                            row_end,
                        );
                        sheet_text = sheet_text.saturating_add(row_text.saturating_mul(row_repeat));
                        row_text = 0;
                    }
                    "table:table" => {
                        largest = largest.max(last_row_end.saturating_mul(widest));
                        most_text = most_text.max(sheet_text);
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                return Some(OdsScan {
                    well_formed: depth == 0,
                    largest_cells: largest,
                    largest_text: most_text,
                    uncached,
                })
            }
            Event::Text(ref t) => cell_text = cell_text.saturating_add(t.len() as u64),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_first_bytes() {
        assert_eq!(sniff(b""), Content::Empty);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x06\x00"), Content::Zip);
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            Content::Compound
        );
        assert_eq!(
            sniff(b"<html><body><table><tr><td>1</td></tr></table>"),
            Content::Html
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  <!DOCTYPE html>\n<html>"),
            Content::Html
        );
        assert_eq!(sniff(b"<table border=1><tr><td>STT</td>"), Content::Html);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"),
            Content::Xml2003
        );
        assert_eq!(
            sniff("STT;Lĩnh vực;Tổng số\n1;Giáo dục;12\n".as_bytes()),
            Content::Text
        );
        assert_eq!(sniff(b"a,b\n1,2\n"), Content::Text);
        // A Vietnamese letter cut in half at the end of the sample is still text.
        let cut = "Tổng số".as_bytes();
        assert_eq!(sniff(&cut[..cut.len() - 1]), Content::Text);
        assert_eq!(sniff(&[0x00, 0x01, 0x02, 0xFF]), Content::Unknown);
    }

    #[test]
    fn encrypted_package_is_named_in_utf16() {
        let mut bytes = COMPOUND.to_vec();
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(is_encrypted_package(&bytes));
        assert!(!is_encrypted_package(
            b"EncryptedPackage in ASCII is not a directory entry"
        ));
    }

    #[test]
    fn limits_from_megabytes() {
        let l = Limits::from_file_mb(20);
        assert_eq!(l.max_file_bytes, 20 * 1024 * 1024);
        assert_eq!(l.max_unpacked_bytes, 200 * 1024 * 1024);
        assert_eq!(Limits::default(), l);
    }
}
