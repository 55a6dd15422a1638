//! Damaged copies of real workbooks, made on purpose: the byte- and XML-level damage
//! that e-mail, old software and hand-edited files do, seeded so a run can be repeated.
//! Each copy is read with [`cchc_read::workbook::read_workbook`]; it must come back
//! with tables or findings, never a panic (which the reader turns into
//! `file.unreadable`, but which is a defect to fix) and never a hang.

use std::io::{Read, Write};
use std::path::Path;

use cchc_read::workbook::{read_workbook, FileRead, ReadContext};

/// The message the reader gives a file whose reading panicked (see `read_workbook_with`).
pub const PANIC_MESSAGE: &str = "thư viện đọc gặp lỗi nghiêm trọng";

/// One damaged copy of a seed file.
pub fn mutate(seed: &[u8], rng: &mut fastrand::Rng) -> Vec<u8> {
    if seed.starts_with(b"PK\x03\x04") && rng.u8(0..4) != 0 {
        if let Some(bytes) = mutate_zip_part(seed, rng) {
            return bytes;
        }
    }
    mutate_bytes(seed, rng)
}

/// Damage to the raw bytes: flipped bytes, a cut, a zeroed or repeated stretch.
pub fn mutate_bytes(seed: &[u8], rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    if b.is_empty() {
        return b;
    }
    match rng.u8(0..4) {
        0 => {
            for _ in 0..rng.usize(1..16) {
                let i = rng.usize(0..b.len());
                b[i] = rng.u8(..);
            }
        }
        1 => b.truncate(rng.usize(0..b.len())),
        2 => {
            let i = rng.usize(0..b.len());
            let end = (i + rng.usize(1..4096)).min(b.len());
            b[i..end].fill(0);
        }
        _ => {
            let i = rng.usize(0..b.len());
            let end = (i + rng.usize(1..4096)).min(b.len());
            let piece = b[i..end].to_vec();
            let at = rng.usize(0..b.len());
            b.splice(at..at, piece);
        }
    }
    b
}

/// Damage to one XML part of a zip workbook (a sheet, the shared strings, the
/// workbook, styles or an ods's content), re-zipped so the archive itself is sound
/// and the damage reaches the spreadsheet parser.
pub fn mutate_zip_part(seed: &[u8], rng: &mut fastrand::Rng) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(seed)).ok()?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).ok()?;
        let name = e.name().ok()?.to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).ok()?;
        entries.push((name, data));
    }
    let targets: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| {
            n.ends_with(".xml")
                && (n.contains("sheet")
                    || n.contains("workbook")
                    || n.contains("styles")
                    || n.contains("sharedStrings")
                    || n == "content.xml")
        })
        .map(|(i, _)| i)
        .collect();
    let &k = targets.get(rng.usize(0..targets.len().max(1)))?;
    let text = String::from_utf8_lossy(&entries[k].1).to_string();
    entries[k].1 = mutate_xml(&text, rng).into_bytes();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in &entries {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .ok()?;
        out.write_all(data).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

/// Values that break readers: extreme cell references, indexes past the end,
/// numbers that are not numbers.
const NASTY: &[&str] = &[
    "XFD1048576",
    "A0",
    "ZZZZ99999999",
    "A1048577",
    "4294967295",
    "-1",
    "99999999999999999999",
    "NaN",
    "1e309",
    "",
    "&#0;",
    "\u{FFFF}",
];

fn mutate_xml(xml: &str, rng: &mut fastrand::Rng) -> String {
    let nasty = NASTY[rng.usize(0..NASTY.len())];
    match rng.u8(0..5) {
        // An attribute value (a cell reference, a string index, a style) replaced.
        0 | 1 => {
            let quotes: Vec<usize> = xml.match_indices("=\"").map(|(i, _)| i + 2).collect();
            let Some(&start) = quotes.get(rng.usize(0..quotes.len().max(1))) else {
                return xml.to_string();
            };
            let end = xml[start..].find('"').map_or(xml.len(), |e| start + e);
            format!("{}{}{}", &xml[..start], nasty, &xml[end..])
        }
        // An element's text (a value, a shared string) replaced.
        2 => {
            let opens: Vec<usize> = xml.match_indices('>').map(|(i, _)| i + 1).collect();
            let Some(&start) = opens.get(rng.usize(0..opens.len().max(1))) else {
                return xml.to_string();
            };
            let end = xml[start..].find('<').map_or(xml.len(), |e| start + e);
            format!("{}{}{}", &xml[..start], nasty, &xml[end..])
        }
        // Cut short.
        3 => {
            let mut cut = rng.usize(0..xml.len().max(1));
            while !xml.is_char_boundary(cut) {
                cut -= 1;
            }
            xml[..cut].to_string()
        }
        // A tag dropped.
        _ => {
            let opens: Vec<usize> = xml.match_indices('<').map(|(i, _)| i).collect();
            let Some(&start) = opens.get(rng.usize(0..opens.len().max(1))) else {
                return xml.to_string();
            };
            let end = xml[start..].find('>').map_or(xml.len(), |e| start + e + 1);
            format!("{}{}", &xml[..start], &xml[end..])
        }
    }
}

/// Reads one file's bytes as `name` (its extension decides nothing, its content does).
///
/// # Errors
/// The temporary file cannot be written.
pub fn read_bytes(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    ctx: &ReadContext,
) -> std::io::Result<FileRead> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(read_workbook(&path, name, ctx))
}

/// Whether reading the file panicked inside a library.
pub fn panicked(read: &FileRead) -> bool {
    read.findings
        .iter()
        .any(|f| f.message.contains(PANIC_MESSAGE))
}

/// Whether a read accounts for the file: tables, or at least one finding.
pub fn accounted(read: &FileRead) -> bool {
    !read.tables.is_empty() || !read.findings.is_empty()
}
