//! A structural check of OLE compound files (`.xls`) before calamine opens them.
//!
//! calamine follows a compound file's sector chains without looking for loops: a
//! damaged `.xls` whose allocation table links a sector back into its own chain makes
//! it grow a vector until memory runs out, which aborts the whole process (found by
//! `cchc-fuzz`; calamine 0.38, `cfb::Sectors::get_chain`). Here the allocation tables
//! are read with every bound checked, and a file whose chains loop or point outside
//! the file is refused with a finding instead.

mod biff;
mod crypt;
mod far;

pub use biff::{codepage, is_encrypted, scan_sheets, shared_text_per_sheet, SheetScan};
pub use crypt::{decrypt_file, BUILT_IN_PASSWORD};
pub use far::{far_cells, patch_stream, patched_stream, FarCells, FarSheet};

/// Why a compound file cannot be read safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CfbProblem {
    /// The header is cut short or its sizes are impossible.
    Header,
    /// A chain of sectors points outside the file.
    OutOfRange,
    /// A chain of sectors comes back to itself.
    Loop,
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

/// Checks the allocation tables (and the mini allocation table) of a whole compound
/// file: every chain ends, inside the file, without coming back on itself.
///
/// # Errors
/// The [`CfbProblem`] found first.
pub fn check(bytes: &[u8]) -> Result<(), CfbProblem> {
    tables(bytes).map(|_| ())
}

/// A compound file whose last sector is cut short, padded with zeros to whole sectors
/// (at most one sector, 64 KiB, more). Writers leave out the unused tail of the last
/// sector; Excel and LibreOffice read such files, and calamine would slice past the end.
/// Anything that is not a compound file's header is returned as it is.
pub fn pad_to_sectors(mut bytes: Vec<u8>) -> Vec<u8> {
    if let Some(shift) = u16_at(&bytes, 0x1E).filter(|s| (7..=16).contains(s)) {
        let size = 1usize << shift;
        let rest = bytes.len() % size;
        if rest != 0 && bytes.len() > size {
            bytes.resize(bytes.len() + size - rest, 0);
        }
    }
    bytes
}

/// A compound file's sector size and allocation tables, checked (see [`check`]).
struct Tables {
    size: usize,
    fat: Vec<u32>,
    mini: Vec<u32>,
}

fn tables(bytes: &[u8]) -> Result<Tables, CfbProblem> {
    let shift = u16_at(bytes, 0x1E).ok_or(CfbProblem::Header)?;
    if !(7..=16).contains(&shift) {
        return Err(CfbProblem::Header);
    }
    let size = 1usize << shift;
    // Whole sectors after the header (which takes one sector): a chain reaching a
    // sector the file does not wholly hold makes calamine slice past the end (a panic).
    let sectors = (bytes.len() / size).saturating_sub(1);
    let sector = |s: u32| -> Option<&[u8]> {
        let start = (s as usize + 1).checked_mul(size)?;
        bytes.get(start..(start + size).min(bytes.len()))
    };
    // A table sector (DIFAT, FAT, mini FAT) cut short inside an entry: calamine asserts
    // its length is a multiple of four, a panic (found by `cargo fuzz`).
    let table_sector = |s: u32| -> Result<&[u8], CfbProblem> {
        sector(s)
            .filter(|d| d.len() % 4 == 0)
            .ok_or(CfbProblem::OutOfRange)
    };
    // The sectors holding the allocation table: 109 in the header, then DIFAT sectors.
    let fat_count = u32_at(bytes, 0x2C).ok_or(CfbProblem::Header)? as usize;
    if fat_count > sectors + 1 {
        return Err(CfbProblem::Header);
    }
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&s| s != FREE)
        .collect();
    let mut difat = u32_at(bytes, 0x44).ok_or(CfbProblem::Header)?;
    let mut hops = 0;
    while difat != END_OF_CHAIN && difat != FREE {
        hops += 1;
        if hops > sectors {
            return Err(CfbProblem::Loop);
        }
        let s = table_sector(difat)?;
        let per = size / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&x| x != FREE),
        );
        difat = u32_at(s, 4 * per).ok_or(CfbProblem::OutOfRange)?;
    }
    // calamine reads every sector the DIFAT lists below DIFSECT as a FAT sector, however
    // many the header declares: each must be readable as one (cut short inside an entry,
    // or starting past the end of the file, it panics; found by `cargo fuzz`).
    let last_id = bytes.len() / size;
    for &f in fat_sectors.iter().filter(|&&f| f < 0xFFFF_FFFA) {
        if (f as usize) <= last_id {
            table_sector(f)?;
        }
    }
    fat_sectors.truncate(fat_count);
    let mut fat: Vec<u32> = Vec::with_capacity(fat_sectors.len() * size / 4);
    for &f in &fat_sectors {
        let s = table_sector(f)?;
        fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    no_loops(&fat, sectors)?;
    // The mini allocation table, read through its own (now loop-free) chain, as long as
    // the header says (calamine reads that many sectors of it, and none when the header
    // says 0: every small stream is then out of reach, and reading one panics).
    let mini_sectors = u32_at(bytes, 0x40).ok_or(CfbProblem::Header)? as usize;
    let mut mini = Vec::new();
    let mut s = u32_at(bytes, 0x3C).ok_or(CfbProblem::Header)?;
    while mini_sectors > 0 && s != END_OF_CHAIN && s != FREE {
        let data = table_sector(s)?;
        mini.extend((0..data.len() / 4).filter_map(|i| u32_at(data, 4 * i)));
        s = *fat.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
    }
    mini.truncate(mini_sectors.saturating_mul(size / 4));
    no_loops(&mini, mini.len())?;
    Ok(Tables { size, fat, mini })
}

/// Follows a checked chain (it ends and stays in the file) and returns its bytes.
fn read_chain(bytes: &[u8], t: &Tables, start: u32, len: usize) -> Result<Vec<u8>, CfbProblem> {
    let mut out = Vec::new();
    let mut s = start;
    // calamine reads a chain's first sector even for an empty stream (its loop tests
    // only for the end of the chain), so the first one is checked whatever `len` is.
    while s != END_OF_CHAIN && s != FREE {
        // calamine slices its buffer from the sector's start: a sector starting past the
        // end of the file panics there (found by `cchc-fuzz`).
        let at = (s as usize + 1)
            .checked_mul(t.size)
            .ok_or(CfbProblem::OutOfRange)?;
        out.extend_from_slice(
            bytes
                .get(at..(at + t.size).min(bytes.len()))
                .ok_or(CfbProblem::OutOfRange)?,
        );
        if out.len() >= len {
            break;
        }
        // calamine indexes the FAT with the next sector without a check (a panic).
        s = *t.fat.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
    }
    out.truncate(len);
    Ok(out)
}

/// The workbook stream (`Workbook`, or `Book` in old files) of a checked compound file.
///
/// The document-property streams calamine reads for the keywords are checked too: a
/// chain of theirs starting past the end of the file panics in calamine (found by
/// `cargo fuzz`), so such a file is refused here like one whose workbook stream is.
///
/// # Errors
/// The [`CfbProblem`] of a file whose allocation tables fail [`check`], or one of whose
/// streams calamine may read runs outside the file; `Ok(None)` when the tables are sound
/// but no workbook stream is found.
pub fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, CfbProblem> {
    let t = tables(bytes)?;
    let Some(streams) = Streams::of(bytes, &t)? else {
        return Ok(None);
    };
    // calamine takes the first entry of the exact name; every entry that could be it, in
    // any case, is checked (a damaged copy of a name hid a stream from the check).
    for name in [
        "\u{5}summaryinformation",
        "\u{5}documentsummaryinformation",
        "workbook",
        "book",
    ] {
        streams.check_each(name)?;
    }
    streams
        .workbook_entry()
        .map(|e| streams.read_entry(e))
        .transpose()
}

/// Where the workbook stream lies in the file, for changing it in place: the size of its
/// pieces and the file offset of each, in stream order. A stream of 4,096 bytes or more
/// lies in regular sectors; a smaller one in 64-byte pieces of the mini stream, itself in
/// the root entry's sectors.
///
/// # Errors
/// As [`workbook_stream`].
pub fn workbook_stream_pieces(bytes: &[u8]) -> Result<Option<(usize, Vec<usize>)>, CfbProblem> {
    let t = tables(bytes)?;
    let Some(streams) = Streams::of(bytes, &t)? else {
        return Ok(None);
    };
    let Some(e) = streams.workbook_entry() else {
        return Ok(None);
    };
    let (Some(start), Some(len)) = (u32_at(e, 116), u32_at(e, 120)) else {
        return Ok(None);
    };
    let len = len as usize;
    let sectors_of = |start: u32, len: usize| -> Result<Vec<usize>, CfbProblem> {
        let mut offsets = Vec::new();
        let mut s = start;
        while s != END_OF_CHAIN && s != FREE && offsets.len() * t.size < len {
            offsets.push((s as usize + 1) * t.size);
            s = *t.fat.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
        }
        Ok(offsets)
    };
    if len >= 4096 {
        return Ok(Some((t.size, sectors_of(start, len)?)));
    }
    let root = streams.dir.get(..128).ok_or(CfbProblem::Header)?;
    let (Some(root_start), Some(root_len)) = (u32_at(root, 116), u32_at(root, 120)) else {
        return Ok(None);
    };
    let root_sectors = sectors_of(root_start, root_len as usize)?;
    let mut pieces = Vec::new();
    let mut s = start;
    while s != END_OF_CHAIN && s != FREE && pieces.len() * 64 < len {
        let at = s as usize * 64;
        let sector = root_sectors
            .get(at / t.size)
            .ok_or(CfbProblem::OutOfRange)?;
        pieces.push(sector + at % t.size);
        s = *t.mini.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
    }
    Ok(Some((64, pieces)))
}

/// The workbook stream's names, in the order calamine 0.38 tries them.
const WORKBOOK_NAMES: [&str; 4] = ["Workbook", "Book", "WORKBOOK", "BOOK"];

/// A checked compound file's directory and mini stream, read as calamine reads them.
struct Streams<'a> {
    bytes: &'a [u8],
    t: &'a Tables,
    dir: Vec<u8>,
    mini_stream: Vec<u8>,
}

impl<'a> Streams<'a> {
    fn of(bytes: &'a [u8], t: &'a Tables) -> Result<Option<Self>, CfbProblem> {
        let Some(dir_start) = u32_at(bytes, 0x30) else {
            return Ok(None);
        };
        let dir = read_chain(bytes, t, dir_start, usize::MAX)?;
        // calamine reads the first entry's stream as the mini stream whatever the entry
        // says it is: a sector of it past the end of the file panics (found by `cchc-fuzz`).
        let Some(root) = dir.get(..128) else {
            return Ok(None);
        };
        let (Some(root_start), Some(root_len)) = (u32_at(root, 116), u32_at(root, 120)) else {
            return Ok(None);
        };
        // calamine loads no mini stream when the header counts no mini FAT sector.
        let mini_stream = if t.mini.is_empty() {
            Vec::new()
        } else {
            read_chain(bytes, t, root_start, root_len as usize)?
        };
        Ok(Some(Streams {
            bytes,
            t,
            dir,
            mini_stream,
        }))
    }

    /// The workbook stream's entry as calamine finds it: "Workbook", "Book", "WORKBOOK",
    /// "BOOK"; else the first "workbook" or "book" in any casing.
    fn workbook_entry(&self) -> Option<&[u8]> {
        WORKBOOK_NAMES
            .into_iter()
            .find_map(|n| self.entry_named(n))
            .or_else(|| {
                ["workbook", "book"].into_iter().find_map(|n| {
                    self.dir
                        .chunks_exact(128)
                        .find(|e| entry_name(e).eq_ignore_ascii_case(n))
                })
            })
    }

    /// The first entry of exactly this name, as calamine looks streams up.
    fn entry_named(&self, name: &str) -> Option<&[u8]> {
        self.dir.chunks_exact(128).find(|e| entry_name(e) == name)
    }

    /// Reads the stream of every entry named `lower_name` in any ASCII case, whatever
    /// type the entry says it is (a damaged type hid the stream from this check while
    /// calamine read it; found by `cargo fuzz`).
    fn check_each(&self, lower_name: &str) -> Result<(), CfbProblem> {
        for e in self
            .dir
            .chunks_exact(128)
            .filter(|e| entry_name(e).eq_ignore_ascii_case(lower_name))
        {
            self.read_entry(e)?;
        }
        Ok(())
    }

    /// One directory entry's stream.
    fn read_entry(&self, e: &[u8]) -> Result<Vec<u8>, CfbProblem> {
        let (Some(start), Some(len)) = (u32_at(e, 116), u32_at(e, 120)) else {
            return Ok(Vec::new());
        };
        let len = len as usize;
        // calamine takes streams under 4,096 bytes from the mini stream, whatever cutoff
        // the header states.
        if len >= 4096 {
            return read_chain(self.bytes, self.t, start, len);
        }
        // A small stream lives in 64-byte pieces of the root entry's mini stream.
        let mut out = Vec::new();
        let mut s = start;
        // As for regular sectors: the first mini sector is read even for an empty stream.
        while s != END_OF_CHAIN && s != FREE {
            let at = s as usize * 64;
            // A mini sector past the end of the mini stream: calamine slices past its end.
            let piece = self
                .mini_stream
                .get(at..(at + 64).min(self.mini_stream.len()))
                .ok_or(CfbProblem::OutOfRange)?;
            out.extend_from_slice(piece);
            if out.len() >= len {
                break;
            }
            s = *self.t.mini.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
        }
        out.truncate(len);
        Ok(out)
    }
}

/// A directory entry's name as calamine takes it: all 64 bytes read as UTF-16, cut at
/// the first NUL (not at the length the entry states).
fn entry_name(e: &[u8]) -> String {
    let units: Vec<u16> = (0..32).filter_map(|k| u16_at(e, 2 * k)).collect();
    let mut name = String::from_utf16_lossy(&units);
    if let Some(l) = name.find('\0') {
        name.truncate(l);
    }
    name
}

/// Every chain of `table` ends: links stay below `limit` and never come back.
fn no_loops(table: &[u32], limit: usize) -> Result<(), CfbProblem> {
    // 0 unseen, 1 on the chain being walked, 2 known to end.
    let mut state = vec![0u8; table.len()];
    let mut path = Vec::new();
    let terminal = |v: u32| matches!(v, END_OF_CHAIN | FREE | FAT_SECTOR | DIFAT_SECTOR);
    for start in 0..table.len() {
        let mut s = start;
        while state.get(s) == Some(&0) {
            state[s] = 1;
            path.push(s);
            match table[s] {
                v if terminal(v) => break,
                // Pointing past the file: calamine would slice out of bounds.
                next if next as usize >= limit => return Err(CfbProblem::OutOfRange),
                next => s = next as usize,
            }
        }
        if state.get(s) == Some(&1) && !terminal(table[s]) {
            return Err(CfbProblem::Loop);
        }
        for p in path.drain(..) {
            state[p] = 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compound file of 512-byte sectors with one FAT sector (sector 0) holding `fat`.
    fn file(fat: &[u32], sectors: usize) -> Vec<u8> {
        let mut b = vec![0u8; 512 * (sectors + 1)];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        b[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        b[0x3C..0x40].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        b[0x44..0x48].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        b[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for i in 1..109 {
            b[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&FREE.to_le_bytes());
        }
        let mut table = vec![FREE; 128];
        table[..fat.len()].copy_from_slice(fat);
        for (i, v) in table.iter().enumerate() {
            b[512 + 4 * i..516 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn chains_that_end_pass() {
        // Sector 0 is the FAT; 1 → 2 → 3 → end; 4 → end.
        assert_eq!(
            check(&file(&[FAT_SECTOR, 2, 3, END_OF_CHAIN, END_OF_CHAIN], 5)),
            Ok(())
        );
    }

    #[test]
    fn a_chain_back_into_itself_is_a_loop() {
        // 1 → 2 → 3 → 2: calamine would follow it forever.
        assert_eq!(
            check(&file(&[FAT_SECTOR, 2, 3, 2], 4)),
            Err(CfbProblem::Loop)
        );
        // A sector pointing at itself.
        assert_eq!(check(&file(&[FAT_SECTOR, 1], 2)), Err(CfbProblem::Loop));
    }

    #[test]
    fn a_chain_past_the_end_is_out_of_range() {
        assert_eq!(
            check(&file(&[FAT_SECTOR, 5000], 2)),
            Err(CfbProblem::OutOfRange)
        );
    }

    /// `file` with its directory in sector 1: a root entry holding no mini stream and
    /// one stream entry `name` starting at `start`, `len` bytes long.
    fn file_with_stream(fat: &[u32], sectors: usize, name: &str, start: u32, len: u32) -> Vec<u8> {
        let mut b = file(fat, sectors);
        b[0x30..0x34].copy_from_slice(&1u32.to_le_bytes());
        let mut entry = |i: usize, name: &str, start: u32, len: u32| {
            let e = 1024 + 128 * i;
            for (k, u) in name.encode_utf16().enumerate() {
                b[e + 2 * k..e + 2 * k + 2].copy_from_slice(&u.to_le_bytes());
            }
            let name_len = 2 * (name.encode_utf16().count() as u16 + 1);
            b[e + 64..e + 66].copy_from_slice(&name_len.to_le_bytes());
            b[e + 116..e + 120].copy_from_slice(&start.to_le_bytes());
            b[e + 120..e + 124].copy_from_slice(&len.to_le_bytes());
        };
        entry(0, "Root Entry", END_OF_CHAIN, 0);
        entry(1, name, start, len);
        b
    }

    #[test]
    fn a_property_stream_starting_past_the_end_is_refused() {
        // Sector 0 the FAT, 1 the directory, 2 → … → 9 a 4,096-byte stream.
        let mut fat = vec![FAT_SECTOR, END_OF_CHAIN];
        fat.extend(3..=9);
        fat.push(END_OF_CHAIN);
        let summary = "\u{5}SummaryInformation";
        let sound = file_with_stream(&fat, 10, summary, 2, 4096);
        assert_eq!(workbook_stream(&sound), Ok(None));
        // The same entry starting at sector 5,000 of a ten-sector file: calamine panics.
        let past = file_with_stream(&fat, 10, summary, 5000, 4096);
        assert_eq!(workbook_stream(&past), Err(CfbProblem::OutOfRange));
        // calamine finds the entry in any ASCII case, and so does the check.
        let upper = file_with_stream(&fat, 10, "\u{5}DOCUMENTSUMMARYINFORMATION", 5000, 4096);
        assert_eq!(workbook_stream(&upper), Err(CfbProblem::OutOfRange));
        // Another stream's bad start does not matter: calamine never reads it.
        let other = file_with_stream(&fat, 10, "Other", 5000, 4096);
        assert_eq!(workbook_stream(&other), Ok(None));
    }

    #[test]
    fn a_cut_header_is_refused() {
        assert_eq!(check(&[0xD0, 0xCF, 0x11, 0xE0]), Err(CfbProblem::Header));
    }
}
