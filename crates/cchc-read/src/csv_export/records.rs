//! A CSV export's records: found by their line breaks outside quotes (RFC 4180), with
//! the line each starts on, split into fields, in batches read on every core.

use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

use cchc_domain::columns::XColumn;
use cchc_domain::finding::{Finding, Rule};
use rayon::prelude::*;

use super::CSV_SHEET;
use crate::dossier_export::{DossierTable, Interner, RowCell, RowReader};
use crate::header::Header;

/// Bytes of records split before they are read on every core.
pub(super) const BATCH_BYTES: usize = 8 << 20;

/// The longest record read: a dossier's row is a few hundred bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The error of a record starting on `line` longer than [`MAX_RECORD_BYTES`].
fn too_long(line: u32) -> std::io::Error {
    std::io::Error::other(format!(
        "dòng {} dài quá {} KB (dấu ngoặc kép không đóng, hoặc tệp không xuống dòng)",
        line + 1,
        MAX_RECORD_BYTES / 1024
    ))
}

/// Records of a CSV text with the line each starts on (0-based). Written here rather
/// than with the `csv` crate, whose record positions skip blank lines and miscount
/// `\r\n` (a record on line 5 was said to be on line 2): a finding's cell must name the
/// line an officer sees. RFC 4180 quoting: a field in `"…"` may hold the delimiter, line
/// breaks and `""` for a quote.
pub(super) struct Records<R> {
    pub(super) source: R,
    sep: u8,
    /// The line the next physical line is.
    pub(super) line: u32,
    pub(super) raw: Vec<u8>,
}

impl<R: BufRead> Records<R> {
    pub(super) fn new(source: R, sep: u8) -> Records<R> {
        Records {
            source,
            sep,
            line: 0,
            raw: Vec::new(),
        }
    }

    /// The next record that is not blank: its line and fields (text, lossy UTF-8). A
    /// record longer than [`MAX_RECORD_BYTES`] (a quote never closed, a file without line
    /// breaks) is an error: the rest of the file is not read, and never held whole.
    pub(super) fn next_record(&mut self, fields: &mut Vec<String>) -> std::io::Result<Option<u32>> {
        self.raw.clear();
        let mut raw = std::mem::take(&mut self.raw);
        let line = self.next_raw(&mut raw);
        if let Ok(Some(_)) = line {
            let mut split = Fields::default();
            split.split(&raw, self.sep);
            *fields = split.to_strings();
        }
        self.raw = raw;
        line
    }

    /// [`Records::next_record`]'s bytes appended to `out`, not split: its line.
    pub(super) fn next_raw(&mut self, out: &mut Vec<u8>) -> std::io::Result<Option<u32>> {
        let at = out.len();
        loop {
            out.truncate(at);
            let start = self.line;
            // Physical lines until the quotes balance (counted in each new line only).
            let mut quotes = 0usize;
            loop {
                let before = out.len();
                let room = (MAX_RECORD_BYTES + 1).saturating_sub(before - at) as u64;
                let n = (&mut self.source).take(room).read_until(b'\n', out)?;
                if out.len() - at > MAX_RECORD_BYTES {
                    return Err(too_long(start));
                }
                if n == 0 {
                    break;
                }
                self.line += 1;
                quotes += memchr::memchr_iter(b'"', &out[before..]).count();
                if quotes.is_multiple_of(2) {
                    break;
                }
            }
            if out.len() == at {
                return Ok(None);
            }
            if out[at..].iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Ok(Some(start));
        }
    }
}

/// The fields of one record, unquoted, in one buffer (no allocation per field).
#[derive(Default)]
pub(super) struct Fields {
    text: String,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Fields {
    /// Field `i`, or `None` past the last.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub(super) fn to_strings(&self) -> Vec<String> {
        (0..self.ends.len())
            .map(|i| self.get(i).unwrap_or_default().to_string())
            .collect()
    }

    /// Splits one record (its line terminator dropped). RFC 4180: a field opening with
    /// `"` (after blanks) runs to the closing one, `""` inside is a quote.
    pub(super) fn split(&mut self, raw: &[u8], sep: u8) {
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let out = &mut self.bytes;
        out.clear();
        self.ends.clear();
        let mut i = 0;
        loop {
            // An unquoted run up to the next delimiter or quote.
            let field_start = out.len();
            let next = memchr::memchr2(sep, b'"', &raw[i..]).map_or(raw.len(), |n| i + n);
            out.extend_from_slice(&raw[i..next]);
            i = next;
            if i < raw.len() && raw[i] == b'"' {
                let blanks = out[field_start..].iter().all(u8::is_ascii_whitespace);
                if blanks {
                    out.truncate(field_start);
                }
                let mut quoted = blanks;
                if !quoted {
                    out.push(b'"');
                }
                i += 1;
                // The rest of the field, byte by byte (quotes are rare).
                while i < raw.len() {
                    let b = raw[i];
                    match (quoted, b) {
                        (true, b'"') if raw.get(i + 1) == Some(&b'"') => {
                            out.push(b'"');
                            i += 1;
                        }
                        (true, b'"') => quoted = false,
                        (false, b'"') if out[field_start..].iter().all(u8::is_ascii_whitespace) => {
                            out.truncate(field_start);
                            quoted = true;
                        }
                        (false, b) if b == sep => break,
                        _ => out.push(b),
                    }
                    i += 1;
                }
            }
            self.ends.push(out.len());
            if i >= raw.len() {
                break;
            }
            i += 1; // the delimiter
        }
        self.text.clear();
        match simdutf8::basic::from_utf8(out) {
            Ok(t) => self.text.push_str(t),
            Err(_) => {
                // Lossy field by field, so the ends still fall between characters.
                let mut start = 0;
                for end in self.ends.iter_mut() {
                    self.text
                        .push_str(&String::from_utf8_lossy(&out[start..*end]));
                    start = *end;
                    *end = self.text.len();
                }
            }
        }
    }
}

/// A batch of records split from the file: their bytes and where each is.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) buffer: Vec<u8>,
    /// Line, start and end in `buffer`.
    pub(super) spans: Vec<(u32, usize, usize)>,
}

/// Splits the file's records into batches: read in blocks, records found by their
/// line breaks outside quotes (one scan for both).
pub(super) struct Splitter {
    /// Bytes read at a time ([`BATCH_BYTES`]; a few in tests, to cut records).
    pub(super) block: usize,
    /// The line the first byte of `tail` is on.
    pub(super) line: u32,
    /// The start of a record the last block cut.
    pub(super) tail: Vec<u8>,
    /// No more records.
    pub(super) done: bool,
}

impl Splitter {
    /// Fills `batch` with the next block or so of records; empty when there
    /// are no more (the file is read, or broken: then the finding is pushed).
    pub(super) fn fill<R: BufRead>(
        &mut self,
        source: &mut R,
        batch: &mut Batch,
        findings: &mut Vec<Finding>,
        file: &str,
    ) {
        batch.buffer.clear();
        batch.spans.clear();
        while batch.spans.is_empty() && !self.done {
            self.fill_once(source, batch, findings, file);
        }
    }

    /// One block's records (none when it holds only blank lines or part of one).
    fn fill_once<R: BufRead>(
        &mut self,
        source: &mut R,
        batch: &mut Batch,
        findings: &mut Vec<Finding>,
        file: &str,
    ) {
        let buf = &mut batch.buffer;
        buf.clear();
        buf.append(&mut self.tail);
        let filled = buf.len();
        while buf.len() < filled + self.block {
            let n = match source.fill_buf() {
                Ok(block) => {
                    buf.extend_from_slice(block);
                    block.len()
                }
                Err(e) => {
                    findings.push(broken(file, e, self.line));
                    self.done = true;
                    return;
                }
            };
            if n == 0 {
                self.done = true;
                break;
            }
            source.consume(n);
        }
        let (mut start, mut line, mut quoted) = (0usize, self.line, false);
        let mut record_line = line;
        for at in memchr::memchr2_iter(b'\n', b'"', buf) {
            if buf[at] == b'"' {
                quoted = !quoted;
                continue;
            }
            line += 1;
            if quoted {
                continue;
            }
            if at + 1 - start > MAX_RECORD_BYTES {
                findings.push(broken(file, too_long(record_line), record_line));
                self.done = true;
                return;
            }
            if !buf[start..at].iter().all(u8::is_ascii_whitespace) {
                batch.spans.push((record_line, start, at + 1));
            }
            start = at + 1;
            record_line = line;
        }
        if buf.len() - start > MAX_RECORD_BYTES {
            findings.push(broken(file, too_long(record_line), record_line));
            self.done = true;
        } else if self.done {
            // The last record, without a line break after it.
            if !buf[start..].iter().all(u8::is_ascii_whitespace) {
                batch.spans.push((record_line, start, buf.len()));
            }
        } else {
            self.tail.extend_from_slice(&buf[start..]);
            buf.truncate(start);
        }
        self.line = record_line;
    }
}

impl Batch {
    /// The batch's dossiers, read on every core: a table and findings per part.
    pub(super) fn read(
        &self,
        h: &Header<XColumn>,
        sep: u8,
        file: &str,
        texts: &Arc<Mutex<Interner>>,
    ) -> Vec<(DossierTable, Vec<Finding>)> {
        let part = self
            .spans
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(1);
        self.spans
            .par_chunks(part)
            .map(|part| {
                let mut findings = Vec::new();
                let interner = Interner::sharing(texts.clone());
                let Some(mut reader) =
                    RowReader::sharing(h, CSV_SHEET, file, &mut findings, interner)
                else {
                    return (DossierTable::default(), findings);
                };
                reader.reserve(part.len());
                let mut fields = Fields::default();
                for &(line, from, to) in part {
                    fields.split(&self.buffer[from..to], sep);
                    reader.row(
                        line,
                        |c| RowCell::Text(fields.get(c as usize).unwrap_or_default()),
                        &mut findings,
                    );
                }
                (reader.finish(), findings)
            })
            .collect()
    }
}

/// The finding for a file whose records stop making sense after `line`.
pub(super) fn broken(file: &str, e: std::io::Error, line: u32) -> Finding {
    Finding::file(
        Rule::FileUnreadable,
        file,
        format!(
            "Tệp CSV hỏng sau dòng {}: các dòng sau không được đọc",
            line + 1
        ),
    )
    .with_raw(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` with its line, as the splitter gives them when it reads
    /// `block` bytes at a time; and its findings.
    fn split_all(text: &str, block: usize) -> (Vec<(u32, Vec<String>)>, Vec<Finding>) {
        let mut splitter = Splitter {
            block,
            line: 0,
            tail: Vec::new(),
            done: false,
        };
        let mut source = std::io::BufReader::with_capacity(block.max(1), text.as_bytes());
        let (mut batch, mut findings, mut got) = (Batch::default(), Vec::new(), Vec::new());
        let mut fields = Fields::default();
        loop {
            splitter.fill(&mut source, &mut batch, &mut findings, "x.csv");
            if batch.spans.is_empty() {
                return (got, findings);
            }
            for &(line, from, to) in &batch.spans {
                fields.split(&batch.buffer[from..to], b',');
                got.push((line, fields.to_strings()));
            }
        }
    }

    /// Records cut by the blocks anywhere (inside a quoted line break, between `\r` and
    /// `\n`) come out whole, on their lines; blank lines are skipped, the last record
    /// needs no line break.
    #[test]
    fn records_cut_by_blocks_come_out_whole() {
        let text = "a,\"b, c\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",x\r\nlast,";
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let expected = vec![
            (0, s(&["a", "b, c", "say \"hi\""])),
            (2, s(&["two\nlines", "x"])),
            (4, s(&["last", ""])),
        ];
        for block in 1..=text.len() + 1 {
            let (got, findings) = split_all(text, block);
            assert_eq!(got, expected, "block {block}");
            assert!(findings.is_empty());
        }
    }

    /// A quote never closed stops the file at the record limit, naming its line.
    #[test]
    fn an_open_quote_stops_the_splitter() {
        let mut text = String::from("id,x\n1,\"never closed\n");
        text.push_str(&"x,y\n".repeat(400_000));
        let (got, findings) = split_all(&text, 1 << 16);
        assert_eq!(got, vec![(0, vec!["id".to_string(), "x".to_string()])]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].raw.contains("dòng 2"), "{:?}", findings[0]);
    }
}
