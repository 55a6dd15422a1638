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
            *fields = Fields::default().split(&raw, self.sep).to_strings();
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

/// Splits records into fields: a record without quotes is cut where it lies (nearly
/// every record of an export); one with quotes is unquoted into one buffer (no
/// allocation per field).
#[derive(Default)]
pub(super) struct Fields {
    text: String,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    spans: Vec<(u32, u32)>,
}

/// One record's fields, borrowed from the record or from [`Fields`]' buffer.
pub(super) struct Split<'a> {
    text: &'a str,
    spans: &'a [(u32, u32)],
}

impl Split<'_> {
    /// Field `i`, or `None` past the last.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        let (start, end) = *self.spans.get(i)?;
        self.text.get(start as usize..end as usize)
    }

    pub(super) fn to_strings(&self) -> Vec<String> {
        (0..self.spans.len())
            .map(|i| self.get(i).unwrap_or_default().to_string())
            .collect()
    }
}

impl Fields {
    /// Splits one record (its line terminator dropped; at most [`MAX_RECORD_BYTES`]).
    /// RFC 4180: a field opening with `"` (after blanks) runs to the closing one, `""`
    /// inside is a quote. Text that is not UTF-8 is read lossily, field by field.
    pub(super) fn split<'a>(&'a mut self, raw: &'a [u8], sep: u8) -> Split<'a> {
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        self.spans.clear();
        if memchr::memchr(b'"', raw).is_none() {
            if let Ok(text) = simdutf8::basic::from_utf8(raw) {
                let mut start = 0u32;
                for at in memchr::memchr_iter(sep, raw) {
                    self.spans.push((start, at as u32));
                    start = at as u32 + 1;
                }
                self.spans.push((start, raw.len() as u32));
                return Split {
                    text,
                    spans: &self.spans,
                };
            }
        }
        self.unquote(raw, sep);
        let mut start = 0;
        for &end in &self.ends {
            self.spans.push((start as u32, end as u32));
            start = end;
        }
        Split {
            text: &self.text,
            spans: &self.spans,
        }
    }

    /// The fields of `raw` into `text`, each ending at its `ends`.
    fn unquote(&mut self, raw: &[u8], sep: u8) {
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
        // Straight into the batch's buffer (no copy through the reader's).
        let want = self.block as u64;
        match source.by_ref().take(want).read_to_end(buf) {
            Ok(n) if (n as u64) < want => self.done = true,
            Ok(_) => {}
            Err(e) => {
                findings.push(broken(file, e, self.line));
                self.done = true;
                return;
            }
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

/// The texts of a file read on every core: the file's numbering, and each worker's
/// copies of the numbers it has met (kept from batch to batch: a part of a batch meets
/// thousands of texts, most of them met before).
pub(super) struct FileTexts {
    pub(super) file: Arc<Mutex<Interner>>,
    workers: Vec<Mutex<Interner>>,
}

impl FileTexts {
    pub(super) fn new() -> FileTexts {
        let file = Arc::new(Mutex::new(Interner::default()));
        let workers = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::new(Interner::sharing(file.clone())))
            .collect();
        FileTexts { file, workers }
    }

    /// The file's numbering, once no worker reads any more.
    pub(super) fn into_list(self) -> Vec<Arc<crate::dossier_export::DossierTexts>> {
        drop(self.workers);
        let file = match Arc::try_unwrap(self.file) {
            Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
            Err(shared) => std::mem::take(&mut *shared.lock().unwrap_or_else(|p| p.into_inner())),
        };
        file.into_list()
    }

    /// The interner of the worker this runs on (taken from it while a part is read).
    fn take(&self) -> (usize, Interner) {
        let i = rayon::current_thread_index().unwrap_or(0) % self.workers.len();
        let mut held = self.workers[i].lock().unwrap_or_else(|p| p.into_inner());
        let interner = std::mem::replace(&mut *held, Interner::sharing(self.file.clone()));
        (i, interner)
    }

    fn give_back(&self, i: usize, interner: Interner) {
        *self.workers[i].lock().unwrap_or_else(|p| p.into_inner()) = interner;
    }
}

/// Parts of a batch for each core (more than one: a core that finishes first, or
/// splits the next batch meanwhile, takes another).
const PARTS_PER_CORE: usize = 4;

impl Batch {
    /// The batch's dossiers, read on every core: a table and findings per part.
    pub(super) fn read(
        &self,
        h: &Header<XColumn>,
        sep: u8,
        file: &str,
        texts: &FileTexts,
    ) -> Vec<(DossierTable, Vec<Finding>)> {
        let part = self
            .spans
            .len()
            .div_ceil(rayon::current_num_threads().max(1) * PARTS_PER_CORE)
            .max(1);
        self.spans
            .par_chunks(part)
            .map(|part| {
                let mut findings = Vec::new();
                let (worker, interner) = texts.take();
                let Some(mut reader) =
                    RowReader::sharing(h, CSV_SHEET, file, &mut findings, interner)
                else {
                    return (DossierTable::default(), findings);
                };
                reader.reserve(part.len());
                let mut fields = Fields::default();
                for &(line, from, to) in part {
                    let split = fields.split(&self.buffer[from..to], sep);
                    reader.row(
                        line,
                        |c| RowCell::Text(split.get(c as usize).unwrap_or_default()),
                        &mut findings,
                    );
                }
                let (table, interner) = reader.into_parts();
                texts.give_back(worker, interner);
                (table, findings)
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
                got.push((
                    line,
                    fields.split(&batch.buffer[from..to], b',').to_strings(),
                ));
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

    /// A record without quotes is cut where it lies, one with quotes unquoted: the same
    /// fields either way; text that is not UTF-8 is read lossily, field by field.
    #[test]
    fn fields_with_and_without_quotes() {
        let mut f = Fields::default();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            f.split(b"a, b ,,c\r\n", b',').to_strings(),
            s(&["a", " b ", "", "c"])
        );
        assert_eq!(
            f.split(b"\"a\", b ,,c\n", b',').to_strings(),
            s(&["a", " b ", "", "c"])
        );
        assert_eq!(
            f.split(b"\"x,y\",\"\"\"q\"\"\"", b',').to_strings(),
            s(&["x,y", "\"q\""])
        );
        assert_eq!(
            f.split(b"ok;\xff\xfe;z", b';').to_strings(),
            s(&["ok", "\u{FFFD}\u{FFFD}", "z"])
        );
        assert_eq!(f.split(b"", b',').to_strings(), s(&[""]));
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
