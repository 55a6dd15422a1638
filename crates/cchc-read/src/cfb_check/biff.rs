//! BIFF records of an `.xls` workbook stream walked as calamine 0.38 reads them: records
//! shorter than calamine reads, shared strings that overrun their record, and how many
//! cells each sheet declares — each refused or bounded before calamine opens the file.

use super::*;

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

/// Whether the workbook globals hold a FILEPASS record (0x002F): the workbook is
/// password-protected (XOR obfuscation, RC4 or CryptoAPI RC4), and every record after
/// it is ciphertext — read as records, it would look damaged or enormous.
pub fn is_encrypted(stream: &[u8]) -> bool {
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        match typ {
            0x002F => return true,
            // The globals' EOF: FILEPASS comes right after their BOF.
            0x000A => return false,
            _ => at += 4 + usize::from(len),
        }
    }
    false
}

/// The code page the workbook globals' CODEPAGE record (0x0042) gives, if any.
pub fn codepage(stream: &[u8]) -> Option<u16> {
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        match typ {
            0x0042 => return u16_at(stream, at + 4),
            0x000A => return None,
            _ => at += 4 + usize::from(len),
        }
    }
    None
}

/// Whether calamine would read past the end of a record of this type and length.
pub(super) fn too_short(typ: u16, data: &[u8]) -> bool {
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
pub(super) fn sst_overrun(stream: &[u8]) -> Option<usize> {
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
            0x00FC if data.len() >= 8 && sst_strings_overrun(&data[8..], &conts, |_| ()) => {
                return Some(data.len());
            }
            _ => {}
        }
    }
    None
}

/// The strings of one SST (see [`sst_overrun`]), each string's length in characters
/// handed to `each` as it is read.
pub(super) fn sst_strings_overrun<'a>(
    first: &'a [u8],
    conts: &[&'a [u8]],
    mut each: impl FnMut(usize),
) -> bool {
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
        each(cch);
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

/// The most text one sheet's cells would hold once calamine copies each shared string
/// into every LABELSST cell naming it: per sheet, each such cell's string length in
/// characters (at least as many bytes) plus 16 for its allocation. A 3 MB `.xls` of
/// 200,000 cells naming one 8,000-character string would ask for 1.6 GB.
pub fn shared_text_per_sheet(stream: &[u8]) -> u64 {
    let mut lengths: Vec<u32> = Vec::new();
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let Some(data) = stream.get(at + 4..at + 4 + usize::from(len)) else {
            break;
        };
        at += 4 + usize::from(len);
        let mut conts: Vec<&[u8]> = Vec::new();
        while let (Some(0x003C), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
            let Some(c) = stream.get(at + 4..at + 4 + usize::from(len)) else {
                break;
            };
            conts.push(c);
            at += 4 + usize::from(len);
        }
        match typ {
            0x00FC if data.len() >= 8 => {
                sst_strings_overrun(&data[8..], &conts, |cch| lengths.push(cch as u32));
            }
            0x000A => break,
            _ => {}
        }
    }
    if lengths.is_empty() {
        return 0;
    }
    // Each sheet from the BOF that starts it to its EOF, where its BOUNDSHEET says.
    let mut most = 0u64;
    for start in sheet_starts(stream) {
        let mut text = 0u64;
        walk_sheet(stream, start, |_, typ, data, _| {
            if typ == 0x00FD {
                let cch = u32_at(data, 6)
                    .and_then(|i| lengths.get(i as usize))
                    .copied()
                    .unwrap_or(0);
                text += u64::from(cch) + 16;
            }
        });
        most = most.max(text);
    }
    most
}

/// Scans an xls workbook stream's sheet records (see [`SheetScan`]).
pub fn scan_sheets(stream: &[u8]) -> SheetScan {
    // calamine reads each sheet from the position its BOUNDSHEET record gives, so the
    // records are walked from there too, as well as from the start.
    let mut starts = vec![0usize];
    starts.extend(sheet_starts(stream));
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

/// The sheet positions the BOUNDSHEET records give, in the stream's order.
fn sheet_starts(stream: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    walk_records(stream, 0, |typ, data| {
        if typ == 0x0085 {
            if let Some(pos) = u32_at(data, 0) {
                starts.push(pos as usize);
            }
        }
    });
    starts
}

/// Walks one sheet's substream from its BOF at `start` to the EOF that closes it
/// (substreams nest: a chart inside a sheet has its own BOF and EOF). `visit(at, typ,
/// data, depth)` sees every record but that closing EOF, `depth` counting the BOFs
/// open (1 in the sheet itself).
pub(super) fn walk_sheet<'a>(
    stream: &'a [u8],
    start: usize,
    mut visit: impl FnMut(usize, u16, &'a [u8], u32),
) {
    let mut at = start;
    let mut depth = 0u32;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = stream
            .get(at + 4..at + 4 + usize::from(len))
            .unwrap_or_default();
        match typ {
            0x0809 => depth += 1,
            0x000A => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
        visit(at, typ, data, depth);
        at += 4 + usize::from(len);
    }
}

pub(super) fn walk_records(stream: &[u8], start: usize, mut visit: impl FnMut(u16, &[u8])) {
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
pub(super) fn declared_cells(data: &[u8]) -> u64 {
    let Some((start, end)) = dimensions(data) else {
        return 0;
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// A `DIMENSIONS` record's first and last cell as calamine 0.38 reads them.
pub(super) fn dimensions(data: &[u8]) -> Option<((u32, u32), (u32, u32))> {
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
        assert!(!sst_strings_overrun(&good, &[], |_| ()));
        // Split in a CONTINUE record: the characters go on after a flags byte.
        let (head, tail) = good.split_at(4); // cch, flags, 'a'
        let mut cont = vec![0u8];
        cont.extend_from_slice(tail);
        assert!(!sst_strings_overrun(head, &[&cont], |_| ()));
        // Cut after a string's flags where its run count (2 bytes) should be: read
        // without a check by calamine (a panic).
        assert!(sst_strings_overrun(&[1, 0, 0x8, 5], &[], |_| ()));
        // ... or its extension size (4 bytes): the file the fuzzer found.
        assert!(sst_strings_overrun(&[1, 0, 0x4, 1, 2, 3], &[], |_| ()));
        // Characters continued in an empty CONTINUE record: its flags byte is read blind.
        assert!(sst_strings_overrun(&[3, 0, 0, b'a'], &[&[]], |_| ()));
        // What calamine refuses with an error is not a panic: fewer than 3 bytes for a
        // string, characters missing with no CONTINUE left, a run block cut short.
        assert!(!sst_strings_overrun(&[1, 0], &[], |_| ()));
        assert!(!sst_strings_overrun(&[5, 0, 0, b'a'], &[], |_| ()));
        assert!(!sst_strings_overrun(
            &sst_string(b"r", 0x8, &[3, 0]),
            &[],
            |_| ()
        ));
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
}
