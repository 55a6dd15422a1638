//! `.xlsb` parts checked before calamine reads them: calamine sizes its buffer from each
//! record's declared length before reading the record (up to 256 MiB for a record of a
//! few bytes), so a record longer than what is left of its part is refused first. The
//! parts are streamed, never held whole.

use std::io::Read;

/// The parts calamine reads as records.
fn is_record_part(name: &str) -> bool {
    matches!(
        name,
        "xl/workbook.bin" | "xl/styles.bin" | "xl/sharedStrings.bin"
    ) || (name.starts_with("xl/worksheets/") && name.ends_with(".bin"))
}

/// A record that runs past the end of its part: (part, record type, declared length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRecord {
    /// The part (`xl/worksheets/sheet1.bin`).
    pub part: String,
    /// The record's type.
    pub typ: u16,
    /// The length it declares.
    pub len: usize,
}

/// The first record of an `.xlsb` archive's record parts that declares more bytes than
/// its part has left, if any (a part that cannot be inflated is left to calamine, whose
/// error is then the file's finding).
pub fn long_record<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Option<LongRecord> {
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| is_record_part(n))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let Ok(part) = archive.by_name(&name) else {
            continue;
        };
        let mut part = std::io::BufReader::new(part);
        let byte = |r: &mut std::io::BufReader<_>| -> Option<u8> {
            let mut b = [0u8; 1];
            r.read_exact(&mut b).ok().map(|()| b[0])
        };
        while let Some(b0) = byte(&mut part) {
            let mut typ = u16::from(b0 & 0x7F);
            if b0 & 0x80 != 0 {
                let Some(b1) = byte(&mut part) else { break };
                typ += u16::from(b1 & 0x7F) << 7;
            }
            let mut len = 0usize;
            for i in 0..4 {
                let Some(b) = byte(&mut part) else { break };
                len += usize::from(b & 0x7F) << (7 * i);
                if b & 0x80 == 0 {
                    break;
                }
            }
            let skipped = std::io::copy(&mut (&mut part).take(len as u64), &mut std::io::sink());
            if skipped.ok() != Some(len as u64) {
                return Some(LongRecord {
                    part: name,
                    typ,
                    len,
                });
            }
        }
    }
    None
}
