//! A dossier export saved as CSV (DOMAIN.md §11): its header found in the first rows
//! like a sheet's, then every row streamed, never the file as a grid. Text in UTF-8
//! (with or without BOM), UTF-16 with a BOM, or Windows-1258 (Vietnamese ANSI) when it
//! is not UTF-8; `,`, `;` or tab between fields.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use calamine::{Cell, Data};
use cchc_domain::finding::{Finding, Rule};

use crate::dossier_export::{DossierTable, Interner, RowCell, RowReader};
use crate::grid::{Grid, GridCells};
use crate::header::{find_header_in, HeaderCells, HEADER_SEARCH_ROWS, MAX_HEADER_DEPTH};
use crate::meta::read_meta;
use crate::workbook::{FileRead, ReadContext, ReadMemo, SheetTable, TableData};

mod records;

pub use records::MAX_RECORD_BYTES;
use records::{broken, Batch, FileTexts, Records, Splitter, BATCH_BYTES};

/// The most rows reserved ahead from a file's size (≈ 1.8 GB of address space, not of
/// memory: pages never written are never given).
const MAX_RESERVED_ROWS: usize = 20_000_000;

/// The sheet name findings give a CSV file's cells.
pub const CSV_SHEET: &str = "CSV";

/// How many times the workbook limit a CSV export may weigh: it is streamed, so what
/// it costs is its rows, not its bytes (10 million dossiers ≈ 1.5 GB).
pub const CSV_SIZE_RATIO: u64 = 256;

/// The delimiter of the file's first lines: of `,`, `;` and tab, the one some line
/// holds most of (title lines above the header hold none).
fn delimiter(head: &[u8]) -> u8 {
    let lines: Vec<&[u8]> = head.split(|b| *b == b'\n').take(40).collect();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| {
            let most = lines
                .iter()
                .map(|l| l.iter().filter(|b| *b == d).count())
                .max()
                .unwrap_or(0);
            (most, *d == b',')
        })
        .unwrap_or(b',')
}

/// The file's text as UTF-8: itself (BOM dropped) when it is UTF-8, else decoded whole
/// (UTF-16 by its BOM, otherwise Windows-1258) and put in NFC.
fn utf8_source(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let head = file.fill_buf()?.to_vec();
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 {
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        // Judged by its first 64 KB (a cut character at the end of the window is fine).
        let valid = match std::str::from_utf8(&head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        };
        if valid || bom {
            if bom {
                file.consume(3);
            }
            return Ok(Box::new(file));
        }
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let encoding = if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
    } else {
        codepage::to_encoding(1258).unwrap_or(encoding_rs::WINDOWS_1252)
    };
    let (text, _, _) = encoding.decode(&bytes);
    let text: String = unicode_normalization::UnicodeNormalization::nfc(text.as_ref()).collect();
    Ok(Box::new(std::io::Cursor::new(text.into_bytes())))
}

/// Reads a CSV file as a dossier export; a CSV that is not one is skipped (info), as
/// any file that is not a workbook.
pub fn read_csv(path: &Path, file: &str, ctx: &ReadContext, memo: &mut ReadMemo) -> FileRead {
    let mut out = FileRead {
        file: file.to_string(),
        ..FileRead::default()
    };
    let unreadable = |e: std::io::Error| {
        Finding::file(
            Rule::FileUnreadable,
            file,
            "Không đọc được tệp CSV; hãy xuất lại từ hệ thống một cửa",
        )
        .with_raw(e.to_string())
    };
    let limit = ctx.limits.max_file_bytes.saturating_mul(CSV_SIZE_RATIO);
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limit => {
            out.findings.push(Finding::file(
                Rule::FileTooLarge,
                file,
                format!(
                    "Tệp CSV {} MB vượt giới hạn {} MB: không đọc",
                    m.len() / (1024 * 1024),
                    limit / (1024 * 1024)
                ),
            ));
            return out;
        }
        Ok(_) => {}
        Err(e) => {
            out.findings.push(unreadable(e));
            return out;
        }
    }
    let mut source = match utf8_source(path) {
        Ok(s) => s,
        Err(e) => {
            out.findings.push(unreadable(e));
            return out;
        }
    };
    let sep = match source.fill_buf() {
        Ok(head) => delimiter(head),
        Err(e) => {
            out.findings.push(unreadable(e));
            return out;
        }
    };
    let mut records = Records::new(source, sep);
    let mut fields: Vec<String> = Vec::new();
    // The first rows, as a small grid, for the header. `read`: the line after them.
    // Text that is a number is one there (a CSV has no types, and a row of numbers is
    // no header); the rows are read from their text as written (an id `000123` stays).
    let head_rows = HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH;
    let mut cells = Vec::new();
    let mut head: Vec<(u32, Vec<String>)> = Vec::new();
    let mut read = 0u32;
    while read < head_rows {
        match records.next_record(&mut fields) {
            Ok(Some(line)) => {
                for (i, t) in fields.iter().enumerate() {
                    let value = match t.trim() {
                        "" => continue,
                        n if n.bytes().all(|b| b.is_ascii_digit() || b == b'.') => n
                            .parse()
                            .map_or_else(|_| Data::String(t.clone()), Data::Float),
                        _ => Data::String(t.clone()),
                    };
                    cells.push(Cell::new((line, i as u32), value));
                }
                head.push((line, std::mem::take(&mut fields)));
                read = records.line;
            }
            Ok(None) => break,
            Err(e) => {
                out.findings.push(broken(file, e, records.line));
                return out;
            }
        }
    }
    let grid = Grid::new(
        CSV_SHEET.to_string(),
        GridCells::from_cells(cells),
        Vec::new(),
    );
    let header_cells = HeaderCells::new(&grid, &mut memo.texts);
    let header = find_header_in(
        &header_cells,
        &memo.texts,
        ctx.aliases.dossier_export(),
        &mut memo.x,
    );
    let Some(h) = header else {
        out.findings.push(Finding::file(
            Rule::FileSkipped,
            file,
            "Tệp CSV không phải bảng hồ sơ xuất từ hệ thống một cửa (không thấy các cột Mã hồ sơ, Ngày tiếp nhận, Hình thức nộp, Ngày hẹn trả): bỏ qua",
        ));
        return out;
    };
    let meta = read_meta(&grid, grid.first_row()..h.top, &ctx.calendar);
    // The rows of the first window under the header, then the rest in batches of
    // records: split here while the previous batch is read on every core (each part with its reader, all sharing the file's texts), put back in
    // file order.
    let texts = FileTexts::new();
    let Some(mut rows) = RowReader::sharing(
        &h,
        CSV_SHEET,
        file,
        &mut out.findings,
        Interner::sharing(texts.file.clone()),
    ) else {
        return out;
    };
    for (r, fields) in head.into_iter().filter(|(r, _)| *r >= h.end()) {
        rows.row(
            r,
            |c| RowCell::Text(fields.get(c as usize).map_or("", String::as_str)),
            &mut out.findings,
        );
    }
    let mut table = rows.finish();
    let mut splitter = Splitter {
        block: BATCH_BYTES,
        line: records.line,
        tail: Vec::new(),
        done: false,
    };
    let source = &mut records.source;
    let (mut current, mut next) = (Batch::default(), Batch::default());
    splitter.fill(source, &mut current, &mut out.findings, file);
    // Room for the whole file's rows, judged by the first batch (pages never written
    // cost nothing; growing by copies did).
    if let (Some(last), Ok(meta)) = (current.spans.last(), std::fs::metadata(path)) {
        let per_row = last.2 as f64 / current.spans.len() as f64;
        let rows = (meta.len() as f64 / per_row * 1.02) as usize;
        table.rows.reserve(rows.min(MAX_RESERVED_ROWS));
    }
    // A batch's rows are added to the table while the next is read (the copy on
    // one core, with the split, while the other cores read).
    let mut read: Batched = (Vec::new(), Vec::new());
    while !current.spans.is_empty() {
        let previous = std::mem::take(&mut read);
        let mut findings = Vec::new();
        let (table, out_findings) = (&mut table, &mut out.findings);
        let ((), parts) = rayon::join(
            || {
                splitter.fill(source, &mut next, &mut findings, file);
                add_batch(table, out_findings, previous);
            },
            || current.read(&h, sep, file, &texts),
        );
        read = (parts, findings);
        std::mem::swap(&mut current, &mut next);
    }
    add_batch(&mut table, &mut out.findings, read);
    table.rows.shrink_to_fit();
    // Every reader of the file is gone: the numbering is the file's interner's.
    table.texts = texts.into_list();
    out.tables.push(SheetTable {
        sheet: CSV_SHEET.to_string(),
        meta,
        data: TableData::X(table),
    });
    out
}

/// A batch read: each part's rows and findings, and the findings of splitting the
/// batch after it.
type Batched = (Vec<(DossierTable, Vec<Finding>)>, Vec<Finding>);

/// Adds a batch's rows to `table`, its findings to `findings`, in file order.
fn add_batch(table: &mut DossierTable, findings: &mut Vec<Finding>, (parts, after): Batched) {
    for (mut t, mut f) in parts {
        table.rows.append(&mut t.rows);
        table.rows_set_aside += t.rows_set_aside;
        findings.append(&mut f);
    }
    findings.extend(after);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quoted fields hold the delimiter, `""` and a line break; blank lines and `\r\n`
    /// keep the line count right.
    #[test]
    fn records_and_their_lines() {
        let text = "a,\"b, c\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",x\r\nlast,\n";
        let mut records = Records::new(text.as_bytes(), b',');
        let mut fields = Vec::new();
        let mut got = Vec::new();
        while let Some(line) = records.next_record(&mut fields).expect("read") {
            got.push((line, fields.clone()));
        }
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            [
                (0, s(&["a", "b, c", "say \"hi\""])),
                (2, s(&["two\nlines", "x"])),
                (4, s(&["last", ""])),
            ]
        );
        assert_eq!(delimiter(b"TITLE\n\na;b;c\n1;2;3\n"), b';');
        assert_eq!(delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(delimiter(b"a,b\n"), b',');
    }

    /// A quote never closed does not read the rest of the file into one record.
    #[test]
    fn an_open_quote_stops_at_the_record_limit() {
        let mut text = b"id,\"never closed\n".to_vec();
        text.extend(std::iter::repeat_n(b"x,y\n".as_slice(), 400_000).flatten());
        let mut records = Records::new(text.as_slice(), b',');
        let mut fields = Vec::new();
        let err = records.next_record(&mut fields).expect_err("too long");
        assert!(err.to_string().contains("dòng 1"), "{err}");
        assert!(records.raw.len() <= MAX_RECORD_BYTES + 1);
    }
}
