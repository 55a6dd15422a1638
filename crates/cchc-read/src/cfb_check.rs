//! A structural check of OLE compound files (`.xls`) before calamine opens them.
//!
//! calamine follows a compound file's sector chains without looking for loops: a
//! damaged `.xls` whose allocation table links a sector back into its own chain makes
//! it grow a vector until memory runs out, which aborts the whole process (found by
//! `cchc-fuzz`; calamine 0.38, `cfb::Sectors::get_chain`). Here the allocation tables
//! are read with every bound checked, and a file whose chains loop or point outside
//! the file is refused with a finding instead.

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
    // The mini allocation table, read through its own (now loop-free) chain.
    let mut mini = Vec::new();
    let mut s = u32_at(bytes, 0x3C).ok_or(CfbProblem::Header)?;
    while s != END_OF_CHAIN && s != FREE {
        let data = table_sector(s)?;
        mini.extend((0..data.len() / 4).filter_map(|i| u32_at(data, 4 * i)));
        s = *fat.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
    }
    no_loops(&mini, mini.len())?;
    Ok(Tables { size, fat, mini })
}

/// Follows a checked chain (it ends and stays in the file) and returns its bytes.
fn read_chain(bytes: &[u8], t: &Tables, start: u32, len: usize) -> Result<Vec<u8>, CfbProblem> {
    let mut out = Vec::new();
    let mut s = start;
    while s != END_OF_CHAIN && s != FREE && out.len() < len {
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
    for name in ["\u{5}summaryinformation", "\u{5}documentsummaryinformation"] {
        streams.read(name)?;
    }
    // As calamine finds it: "Workbook", else "Book".
    match streams.read("workbook")? {
        Some(stream) => Ok(Some(stream)),
        None => streams.read("book"),
    }
}

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
        let mini_stream = read_chain(bytes, t, root_start, root_len as usize)?;
        Ok(Some(Streams {
            bytes,
            t,
            dir,
            mini_stream,
        }))
    }

    /// The stream of the first entry named `lower_name` in any ASCII case, whatever
    /// type the entry says it is (a damaged type hid the stream from this check while
    /// calamine read it; found by `cargo fuzz`).
    fn read(&self, lower_name: &str) -> Result<Option<Vec<u8>>, CfbProblem> {
        let Some(e) = self
            .dir
            .chunks_exact(128)
            .find(|e| entry_name(e).eq_ignore_ascii_case(lower_name))
        else {
            return Ok(None);
        };
        let (Some(start), Some(len)) = (u32_at(e, 116), u32_at(e, 120)) else {
            return Ok(None);
        };
        let len = len as usize;
        // calamine takes streams under 4,096 bytes from the mini stream, whatever cutoff
        // the header states.
        if len >= 4096 {
            return read_chain(self.bytes, self.t, start, len).map(Some);
        }
        // A small stream lives in 64-byte pieces of the root entry's mini stream.
        let mut out = Vec::new();
        let mut s = start;
        while s != END_OF_CHAIN && s != FREE && out.len() < len {
            let at = s as usize * 64;
            // A mini sector past the end of the mini stream: calamine slices past its end.
            let piece = self
                .mini_stream
                .get(at..(at + 64).min(self.mini_stream.len()))
                .ok_or(CfbProblem::OutOfRange)?;
            out.extend_from_slice(piece);
            s = *self.t.mini.get(s as usize).ok_or(CfbProblem::OutOfRange)?;
        }
        out.truncate(len);
        Ok(Some(out))
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

/// What the sheet records of an xls workbook stream declare, walked once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetScan {
    /// Every sheet position the BOUNDSHEET records give lies inside the stream
    /// (calamine slices the stream at each without a check: a panic).
    pub positions_inside: bool,
    /// The largest sheet, in cells, the `DIMENSIONS` records declare or its cells span:
    /// calamine reserves memory for the declared rectangle before reading a sheet, and
    /// lays the sheet out as the rectangle around its cells after; a damaged record
    /// declaring, or a cell placed, billions of cells away aborts the process.
    pub largest_cells: u64,
    /// The first record (type, length) shorter than calamine 0.38 reads without checking,
    /// or laid out so that its checks overflow (found by fuzzing: FILEPASS, CODEPAGE,
    /// DATEMODE and BOF under 2 bytes, BOUNDSHEET under 8, a defined name under 14 or
    /// shorter than its formula, EXTERNSHEET under 2, MERGEDCELLS shorter than its count
    /// of ranges, MULRK ending before its first column, a shared-string table whose last
    /// string is cut short — see [`sst_overrun`]): a panic inside calamine.
    pub short_record: Option<(u16, usize)>,
}

/// Whether calamine would read past the end of a record of this type and length.
fn too_short(typ: u16, data: &[u8]) -> bool {
    match typ {
        0x002F | 0x0042 | 0x0022 | 0x0809 | 0x0017 => data.len() < 2,
        0x0085 => data.len() < 8,
        // A defined name: its formula (the last `cce` bytes) must fit in the record.
        0x0018 => {
            data.len() < 14 || u16_at(data, 4).is_none_or(|cce| usize::from(cce) > data.len())
        }
        0x00E5 => u16_at(data, 0).is_none_or(|n| data.len() < 2 + 8 * usize::from(n)),
        // DIMENSIONS ending before they start: calamine's size arithmetic overflows.
        0x0200 => dimensions(data).is_some_and(|(start, end)| end.0 < start.0 || end.1 < start.1),
        // MULRK: a last column before the first overflows calamine's length check.
        0x00BD => {
            data.len() < 6
                || u16_at(data, 2)
                    .zip(u16_at(data, data.len() - 2))
                    .is_none_or(|(first, last)| last < first)
        }
        _ => false,
    }
}

/// Whether calamine 0.38 would read past the data of the shared-string table (SST) of
/// the workbook globals, and panic: it reads strings until the SST and its CONTINUE
/// records are used up, and a string cut short after its flags (its run count or the
/// size of its extension missing) or a character run continued in an empty CONTINUE
/// record is read without a check (found by fuzzing). Walked as calamine walks it
/// (`parse_sst`, `read_rich_extended_string`, `read_dbcs`, `Record::skip`): a string
/// calamine refuses with an error is not a panic, and stops the walk.
fn sst_overrun(stream: &[u8]) -> Option<usize> {
    // Records as calamine's RecordIter gives them: each with the CONTINUE records that
    // follow it, up to the globals' EOF.
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + usize::from(len))?;
        at += 4 + usize::from(len);
        let mut conts: Vec<&[u8]> = Vec::new();
        while stream.len() - at.min(stream.len()) > 4 && u16_at(stream, at) == Some(0x003C) {
            let Some(len) = u16_at(stream, at + 2) else {
                break;
            };
            conts.push(stream.get(at + 4..at + 4 + usize::from(len))?);
            at += 4 + usize::from(len);
        }
        match typ {
            0x000A => return None,
            0x00FC if data.len() >= 8 && sst_strings_overrun(&data[8..], &conts) => {
                return Some(data.len());
            }
            _ => {}
        }
    }
    None
}

/// The strings of one SST (see [`sst_overrun`]).
fn sst_strings_overrun<'a>(first: &'a [u8], conts: &[&'a [u8]]) -> bool {
    let mut data = first;
    let mut rest = conts.iter();
    let mut next = |data: &mut &'a [u8]| match rest.next() {
        Some(c) => {
            *data = c;
            true
        }
        None => false,
    };
    loop {
        if data.is_empty() && !next(&mut data) {
            return false;
        }
        if data.is_empty() {
            continue;
        }
        if data.len() < 3 {
            return false;
        }
        let cch = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let flags = data[2];
        data = &data[3..];
        let mut high = flags & 0x1 != 0;
        let (mut runs, mut ext) = (0usize, 0usize);
        if flags & 0x8 != 0 {
            let Some(b) = data.get(..2) else {
                return true;
            };
            runs = usize::from(u16::from_le_bytes([b[0], b[1]]));
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(b) = data.get(..4) else {
                return true;
            };
            ext = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
            data = &data[4..];
        }
        let mut len = cch;
        while len > 0 {
            let chars = if high {
                (data.len() / 2).min(len)
            } else {
                data.len().min(len)
            };
            data = &data[if high { 2 * chars } else { chars }..];
            len -= chars;
            if len > 0 {
                if !next(&mut data) {
                    return false;
                }
                let Some((&flag, tail)) = data.split_first() else {
                    return true;
                };
                high = flag & 0x1 != 0;
                data = tail;
            }
        }
        for mut n in [runs.saturating_mul(4), ext] {
            while n > 0 {
                if data.is_empty() && !next(&mut data) {
                    return false;
                }
                let l = n.min(data.len());
                data = &data[l..];
                n -= l;
            }
        }
    }
}

/// Scans an xls workbook stream's sheet records (see [`SheetScan`]).
pub fn scan_sheets(stream: &[u8]) -> SheetScan {
    // calamine reads each sheet from the position its BOUNDSHEET record gives, so the
    // records are walked from there too, as well as from the start.
    let mut starts = vec![0usize];
    walk_records(stream, 0, |typ, data| {
        if typ == 0x0085 {
            if let Some(pos) = u32_at(data, 0) {
                starts.push(pos as usize);
            }
        }
    });
    let positions_inside = starts.iter().all(|&pos| pos <= stream.len());
    let mut largest_cells = 0u64;
    let mut short_record = None;
    for start in starts {
        // calamine lays a sheet out as the rectangle around its cells, wherever a
        // damaged record puts one (row 65,535 and column 65,535: 4.3 billion cells, an
        // allocation of 137 GB; found by `cargo fuzz`), so that rectangle is measured
        // too, over the cell records of the sheet's own substream.
        let (mut depth, mut done) = (0u32, false);
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        walk_records(stream, start, |typ, data| {
            if typ == 0x0200 {
                largest_cells = largest_cells.max(declared_cells(data));
            }
            if short_record.is_none() && too_short(typ, data) {
                short_record = Some((typ, data.len()));
            }
            match typ {
                0x0809 => depth += 1,
                0x000A => {
                    depth = depth.saturating_sub(1);
                    done |= depth == 0;
                }
                _ if done || depth > 1 => {}
                // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA: row, column first.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD => {
                    let (Some(row), Some(first)) = (u16_at(data, 0), u16_at(data, 2)) else {
                        return;
                    };
                    // MULRK ends with its last column.
                    let last = if typ == 0x00BD {
                        data.len()
                            .checked_sub(2)
                            .and_then(|at| u16_at(data, at))
                            .unwrap_or(first)
                    } else {
                        first
                    };
                    let (row, lo, hi) = (
                        u32::from(row),
                        u32::from(first.min(last)),
                        u32::from(first.max(last)),
                    );
                    bounds = Some(match bounds {
                        None => (row, row, lo, hi),
                        Some((r0, r1, c0, c1)) => {
                            (r0.min(row), r1.max(row), c0.min(lo), c1.max(hi))
                        }
                    });
                }
                _ => {}
            }
        });
        if let Some((r0, r1, c0, c1)) = bounds {
            let laid_out = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
            largest_cells = largest_cells.max(laid_out);
        }
    }
    if short_record.is_none() {
        short_record = sst_overrun(stream).map(|len| (0x00FC, len));
    }
    SheetScan {
        positions_inside,
        largest_cells,
        short_record,
    }
}

fn walk_records(stream: &[u8], start: usize, mut visit: impl FnMut(u16, &[u8])) {
    let mut at = start;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        visit(
            typ,
            stream
                .get(at + 4..at + 4 + len as usize)
                .unwrap_or_default(),
        );
        at += 4 + len as usize;
    }
}

/// Cells calamine reserves for a `DIMENSIONS` record: its own arithmetic (calamine
/// 0.38 `parse_dimensions` and the sheet reader), wrapping where its u32 sums wrap.
fn declared_cells(data: &[u8]) -> u64 {
    let Some((start, end)) = dimensions(data) else {
        return 0;
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// A `DIMENSIONS` record's first and last cell as calamine 0.38 reads them.
fn dimensions(data: &[u8]) -> Option<((u32, u32), (u32, u32))> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => u16_at(data, 0)
            .zip(u16_at(data, 2))
            .zip(u16_at(data, 4).zip(u16_at(data, 6)))
            .map(|((a, b), (c, d))| (u32::from(a), u32::from(b), u32::from(c), u32::from(d))),
        14 | 16 => u32_at(data, 0)
            .zip(u32_at(data, 4))
            .zip(u16_at(data, 8).zip(u16_at(data, 10)))
            .map(|((a, b), (c, d))| (a, b, u32::from(c), u32::from(d))),
        _ => None,
    }?;
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    Some(if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    })
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

    /// A string of the SST: length, flags, then what follows.
    fn sst_string(chars: &[u8], flags: u8, extra: &[u8]) -> Vec<u8> {
        let mut out = (chars.len() as u16).to_le_bytes().to_vec();
        out.push(flags);
        out.extend_from_slice(extra);
        out.extend_from_slice(chars);
        out
    }

    #[test]
    fn sst_strings_walked_as_calamine_reads_them() {
        // Two plain strings, a rich one (one run) and one with a 2-byte extension.
        let mut good = sst_string(b"ab", 0, &[]);
        good.extend(sst_string(b"xyz", 0, &[]));
        good.extend(sst_string(b"r", 0x8, &[1, 0]));
        good.extend([0, 0, 0, 0]); // the run
        good.extend(sst_string(b"e", 0x4, &[2, 0, 0, 0]));
        good.extend([9, 9]); // the extension
        assert!(!sst_strings_overrun(&good, &[]));
        // Split in a CONTINUE record: the characters go on after a flags byte.
        let (head, tail) = good.split_at(4); // cch, flags, 'a'
        let mut cont = vec![0u8];
        cont.extend_from_slice(tail);
        assert!(!sst_strings_overrun(head, &[&cont]));
        // Cut after a string's flags where its run count (2 bytes) should be: read
        // without a check by calamine (a panic).
        assert!(sst_strings_overrun(&[1, 0, 0x8, 5], &[]));
        // ... or its extension size (4 bytes): the file the fuzzer found.
        assert!(sst_strings_overrun(&[1, 0, 0x4, 1, 2, 3], &[]));
        // Characters continued in an empty CONTINUE record: its flags byte is read blind.
        assert!(sst_strings_overrun(&[3, 0, 0, b'a'], &[&[]]));
        // What calamine refuses with an error is not a panic: fewer than 3 bytes for a
        // string, characters missing with no CONTINUE left, a run block cut short.
        assert!(!sst_strings_overrun(&[1, 0], &[]));
        assert!(!sst_strings_overrun(&[5, 0, 0, b'a'], &[]));
        assert!(!sst_strings_overrun(&sst_string(b"r", 0x8, &[3, 0]), &[]));
    }

    #[test]
    fn records_shorter_than_calamine_reads() {
        assert!(too_short(0x0809, &[0x00]));
        assert!(!too_short(0x0809, &[0x00, 0x06, 0x10, 0x00]));
        assert!(too_short(0x0085, &[0; 7]));
        assert!(!too_short(0x0085, &[0; 8]));
        // A defined name of 16 bytes whose formula claims 20.
        let mut lbl = [0u8; 16];
        lbl[4] = 20;
        assert!(too_short(0x0018, &lbl));
        lbl[4] = 2;
        assert!(!too_short(0x0018, &lbl));
        // MERGEDCELLS: 2 ranges need 2 + 16 bytes.
        assert!(too_short(0x00E5, &[2, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
        assert!(!too_short(
            0x00E5,
            &[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        ));
        assert!(!too_short(0x0203, &[]));
        // MULRK row 0, columns 5 to 3.
        assert!(too_short(0x00BD, &[0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 3, 0]));
        assert!(!too_short(0x00BD, &[0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0]));
    }

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
