//! A one-stop-shop system's dossier export (DOMAIN.md §11): one row per dossier, its
//! header found like a form's, its dates in any of the ways systems write them.

use std::sync::Arc;

use calamine::Data;
use cchc_domain::columns::XColumn;
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::text::normalize;
use chrono::{NaiveDate, NaiveTime};

use crate::grid::{cell_text, Grid};
use crate::header::{body_rows, BodyRow, Header};

mod dates;
mod texts;

pub use dates::{date_of, ClockTime};
use dates::{date_text, days_of, days_text};
pub use texts::DossierTexts;
pub(crate) use texts::Interner;

/// How a dossier was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// Online (trực tuyến, toàn trình or một phần).
    Online,
    /// In person at the one-stop desk.
    Direct,
    /// By public postal service (bưu chính công ích).
    Postal,
}

impl Channel {
    /// `online`, `direct`, `postal`, as in exports.
    pub fn id(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Direct => "direct",
            Channel::Postal => "postal",
        }
    }

    /// The channel a cell names (`Trực tuyến`, `Nộp trực tiếp`, `Qua bưu chính`, …).
    ///
    /// ```
    /// use cchc_read::dossier_export::Channel;
    /// assert_eq!(Channel::parse("DVC trực tuyến toàn trình"), Some(Channel::Online));
    /// assert_eq!(Channel::parse("BCCI"), Some(Channel::Postal));
    /// assert_eq!(Channel::parse("Tại bộ phận một cửa"), Some(Channel::Direct));
    /// assert_eq!(Channel::parse("khác"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Channel> {
        let n = normalize(text);
        let has = |phrases: &[&str]| phrases.iter().any(|p| has_words(&n, p));
        if has(&[
            "truc tuyen",
            "online",
            "qua mang",
            "dich vu cong",
            "dvc",
            "toan trinh",
            "mot phan",
        ]) {
            Some(Channel::Online)
        } else if has(&["buu chinh", "buu dien", "bcci"]) {
            Some(Channel::Postal)
        } else if has(&["truc tiep", "mot cua", "tai quay", "tai co quan"]) {
            Some(Channel::Direct)
        } else {
            None
        }
    }
}

/// Whether normalised `text` holds the words of `phrase` together.
fn has_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = at == 0 || text.as_bytes()[at - 1] == b' ';
        let end = at + phrase.len();
        let after = end == text.len() || text.as_bytes()[end] == b' ';
        before && after
    })
}

/// One dossier as the export gives it, normalised. 64 bytes (a batch may hold tens of
/// millions), the size of a [`crate::batch::BatchDossier`], which the batch makes of
/// it in place.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierRecord {
    /// `Mã hồ sơ` (held inline up to 24 bytes).
    pub id: compact_str::CompactString,
    /// Procedure, field, agency and status: their number in the table's
    /// [`DossierTable::texts`].
    pub texts: u32,
    /// The day received.
    pub received: NaiveDate,
    /// The time received, when the export gives one.
    pub received_time: Option<ClockTime>,
    /// The due date (`Ngày hẹn trả`), when given.
    pub due: Option<NaiveDate>,
    /// The day it was finished (`Ngày có kết quả`), or returned when only that is given.
    pub finished: Option<NaiveDate>,
    /// `Ngày trả kết quả`.
    pub returned: Option<NaiveDate>,
    /// `Thời hạn giải quyết`, in working days (below 10,000).
    pub time_limit: Option<u16>,
    /// How it was submitted.
    pub channel: Channel,
    /// The row (0-based) of the source cell.
    pub row: u32,
    /// The column (0-based) of the row's first table cell.
    pub col: u16,
}

impl DossierRecord {
    /// A1 reference of the row's first table cell.
    pub fn cell(&self) -> String {
        a1(self.row, u32::from(self.col))
    }
}

/// A dossier export's table.
#[derive(Debug, Clone, Default)]
pub struct DossierTable {
    /// Accepted rows.
    pub rows: Vec<DossierRecord>,
    /// The texts the rows share, by the number a row holds.
    pub texts: Vec<Arc<DossierTexts>>,
    /// Rows set aside (`dossier.incomplete`).
    pub rows_set_aside: usize,
}

impl DossierTable {
    /// The texts of `row`, one of the table's.
    pub fn texts_of(&self, row: &DossierRecord) -> &DossierTexts {
        &self.texts[row.texts as usize]
    }
}

/// Whether a status says the dossier is finished (`Đã trả kết quả`, `Đã giải quyết`).
fn says_finished(status: &str) -> bool {
    let n = normalize(status);
    [
        "da tra",
        "da giai quyet",
        "hoan thanh",
        "da co ket qua",
        "da xu ly xong",
    ]
    .iter()
    .any(|p| n.contains(p))
}

/// A date cell: empty, not a date, or a day (and perhaps a time).
enum Got {
    Absent,
    Bad,
    Day((NaiveDate, Option<NaiveTime>)),
}

impl Got {
    fn day(self) -> Option<NaiveDate> {
        match self {
            Got::Day((d, _)) => Some(d),
            _ => None,
        }
    }
}

/// What a few distinct texts say, worked out once each (a channel or a status is
/// normalised for its words; an export of a million rows has a handful of each).
#[derive(Default)]
struct Said {
    channels: Memo<Option<Channel>>,
    finished: Memo<bool>,
}

impl Said {
    fn channel(&mut self, text: &str) -> Option<Channel> {
        self.channels.get(text, Channel::parse)
    }

    fn finished(&mut self, status: &str) -> bool {
        self.finished.get(status, says_finished)
    }
}

/// What a function of a text gives, for the texts met: the first few compared in turn
/// (quicker than hashing for the handful an export has), the rest in a map.
struct Memo<V> {
    few: Vec<(Box<str>, V)>,
    more: rustc_hash::FxHashMap<Box<str>, V>,
}

impl<V> Default for Memo<V> {
    fn default() -> Memo<V> {
        Memo {
            few: Vec::new(),
            more: Default::default(),
        }
    }
}

impl<V: Copy> Memo<V> {
    const FEW: usize = 8;

    fn get(&mut self, text: &str, f: impl Fn(&str) -> V) -> V {
        if let Some((_, v)) = self.few.iter().find(|(t, _)| **t == *text) {
            return *v;
        }
        if let Some(v) = self.more.get(text) {
            return *v;
        }
        let v = f(text);
        if self.few.len() < Self::FEW {
            self.few.push((text.into(), v));
        } else {
            self.more.insert(text.into(), v);
        }
        v
    }
}

/// A row's cell as the reader is given it: a sheet's cell, or a CSV field's text.
#[derive(Debug, Clone, Copy)]
pub enum RowCell<'a> {
    /// A cell of a sheet.
    Data(&'a Data),
    /// A field of a CSV record.
    Text(&'a str),
}

impl<'a> RowCell<'a> {
    /// Trimmed text, borrowed when it is text already.
    fn text(self) -> std::borrow::Cow<'a, str> {
        match self {
            RowCell::Text(s) => std::borrow::Cow::Borrowed(trim(s)),
            RowCell::Data(Data::String(s)) => std::borrow::Cow::Borrowed(trim(s)),
            RowCell::Data(other) => std::borrow::Cow::Owned(cell_text(other).trim().to_string()),
        }
    }

    /// Empty, or only blanks.
    fn is_blank(self) -> bool {
        match self {
            RowCell::Data(Data::Empty) => true,
            RowCell::Text(s) => s.trim().is_empty(),
            RowCell::Data(Data::String(s)) => s.trim().is_empty(),
            RowCell::Data(_) => false,
        }
    }

    /// As written, for a finding.
    fn raw(self) -> String {
        match self {
            RowCell::Text(s) => s.to_string(),
            RowCell::Data(d) => cell_text(d),
        }
    }

    fn date(self) -> Option<(NaiveDate, Option<NaiveTime>)> {
        match self {
            RowCell::Text(s) => date_text(s),
            RowCell::Data(d) => date_of(d),
        }
    }

    fn days(self) -> Option<Option<u16>> {
        match self {
            RowCell::Text(s) => days_text(s),
            RowCell::Data(d) => days_of(d),
        }
    }
}

/// `s` without the blanks around it (`str::trim`, ASCII ones first: nearly always all).
fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(z)) if !a.is_ascii() || !z.is_ascii() => t.trim(),
        _ => t,
    }
}

/// Reads the dossiers under an export's header in a sheet.
pub fn read_table(
    grid: &Grid,
    h: &Header<XColumn>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> DossierTable {
    let Some(mut reader) = RowReader::new(h, &grid.name, file, findings) else {
        return DossierTable::default();
    };
    for body in body_rows(grid, h.end(), h.span(), h.col(XColumn::RowNumber)) {
        let BodyRow::Data(r) = body else { continue };
        reader.row(r, |c| RowCell::Data(grid.cell(r, c)), findings);
    }
    reader.finish()
}

/// Reads an export's rows one at a time (from a sheet, or streamed from a CSV file).
pub struct RowReader {
    /// The column of each role, by the role's number.
    cols: Vec<Option<u32>>,
    span_start: u32,
    sheet: String,
    file: String,
    interner: Interner,
    said: Said,
    table: DossierTable,
}

impl RowReader {
    /// A reader for the rows under `h`; `None` (with the finding) when the header
    /// cannot be read: a role found in two columns is `column.ambiguous` (which one
    /// holds the dates would be a guess), a missing channel column `column.missing`.
    pub fn new(
        h: &Header<XColumn>,
        sheet: &str,
        file: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<RowReader> {
        Self::sharing(h, sheet, file, findings, Interner::default())
    }

    /// [`RowReader::new`] whose texts come from `interner`.
    pub(crate) fn sharing(
        h: &Header<XColumn>,
        sheet: &str,
        file: &str,
        findings: &mut Vec<Finding>,
        interner: Interner,
    ) -> Option<RowReader> {
        let span = h.span();
        let mut roles: Vec<XColumn> = h.columns.iter().map(|(_, r)| *r).collect();
        roles.sort();
        if let Some(twice) = roles.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]) {
            let cols: Vec<String> = h
                .columns
                .iter()
                .filter(|(_, r)| *r == twice)
                .map(|(c, _)| a1(h.top, *c))
                .collect();
            findings.push(
                Finding::file(
                    Rule::ColumnAmbiguous,
                    file,
                    format!(
                        "Bảng hồ sơ xuất từ hệ thống một cửa: {} cột cùng là \"{}\" ({}); không rõ cột nào đúng nên bảng không được đọc — hãy xóa hoặc đổi tên cột thừa",
                        cols.len(),
                        x_label(twice),
                        cols.join(", ")
                    ),
                )
                .at(sheet, cols[0].clone()),
            );
            return None;
        }
        if h.col(XColumn::Channel).is_none() {
            findings.push(
                Finding::file(
                    Rule::ColumnMissing,
                    file,
                    "Bảng hồ sơ xuất từ hệ thống một cửa thiếu cột \"Hình thức nộp\" (trực tuyến, trực tiếp, bưu chính): không tính được số hồ sơ trực tuyến nên bảng không được đọc",
                )
                .at(sheet, a1(h.top, span.start)),
            );
            return None;
        }
        let roles = h.columns.iter().map(|(_, r)| *r as usize + 1).max();
        let mut cols = vec![None; roles.unwrap_or(0)];
        for (c, r) in &h.columns {
            cols[*r as usize] = Some(*c);
        }
        Some(RowReader {
            cols,
            span_start: span.start,
            sheet: sheet.to_string(),
            file: file.to_string(),
            interner,
            said: Said::default(),
            table: DossierTable::default(),
        })
    }

    /// Reads row `r`, whose cells `cell_at` gives by column.
    pub fn row<'c>(
        &mut self,
        r: u32,
        cell_at: impl Fn(u32) -> RowCell<'c>,
        findings: &mut Vec<Finding>,
    ) {
        let cols = &self.cols;
        let (sheet, file, span_start) = (self.sheet.as_str(), self.file.as_str(), self.span_start);
        let col = |role: XColumn| cols.get(role as usize).copied().flatten();
        let cell = |role: XColumn| col(role).map(|c| (c, cell_at(c)));
        let text =
            |role: XColumn| cell(role).map_or(std::borrow::Cow::Borrowed(""), |(_, d)| d.text());
        // What is wrong with the row, each with the column and text at fault if any.
        let mut problems: Vec<(String, Option<(u32, String)>)> = Vec::new();
        let date = |role: XColumn, problems: &mut Vec<_>| match cell(role) {
            None => Got::Absent,
            Some((_, d)) if d.is_blank() => Got::Absent,
            Some((c, d)) => match d.date() {
                Some(v) => Got::Day(v),
                None => {
                    problems.push((
                        format!("\"{}\" không phải ngày", x_label(role)),
                        Some((c, d.raw())),
                    ));
                    Got::Bad
                }
            },
        };
        let id = text(XColumn::Id);
        let received = date(XColumn::Received, &mut problems);
        let due = date(XColumn::Due, &mut problems).day();
        let finished_on = date(XColumn::Finished, &mut problems).day();
        let returned = date(XColumn::Returned, &mut problems).day();
        // Read for its form only: no rule of §11 uses the day more was asked for.
        date(XColumn::Supplement, &mut problems);
        let status = text(XColumn::Status);
        let channel_text = text(XColumn::Channel);
        let time_limit = match cell(XColumn::TimeLimit) {
            None => None,
            Some((c, d)) => d.days().unwrap_or_else(|| {
                problems.push((
                    "\"Thời hạn giải quyết\" không phải số ngày".into(),
                    Some((c, d.raw())),
                ));
                None
            }),
        };
        if id.is_empty()
            && matches!(received, Got::Absent)
            && channel_text.is_empty()
            && problems.is_empty()
        {
            return; // none of a dossier's key cells: a note under the table
        }
        if id.is_empty() {
            problems.push(("thiếu mã hồ sơ".into(), None));
        }
        if matches!(received, Got::Absent) {
            problems.push(("thiếu ngày tiếp nhận".into(), None));
        }
        if due.is_none() && time_limit.is_none() {
            problems.push(("thiếu ngày hẹn trả (hoặc thời hạn giải quyết)".into(), None));
        }
        let channel = self.said.channel(&channel_text);
        if channel.is_none() {
            let what = if channel_text.is_empty() {
                "thiếu hình thức nộp"
            } else {
                "hình thức nộp không rõ (trực tuyến, trực tiếp hay bưu chính)"
            };
            let at = col(XColumn::Channel).map(|c| (c, channel_text.to_string()));
            problems.push((what.into(), at));
        }
        let finished = finished_on.or(returned);
        if finished.is_none() && self.said.finished(&status) {
            problems.push((
                format!("trạng thái \"{status}\" nhưng thiếu ngày có kết quả"),
                None,
            ));
        }
        let (Got::Day((received, received_time)), Some(channel), true) =
            (received, channel, problems.is_empty())
        else {
            let (col, raw) = problems
                .iter()
                .find_map(|(_, at)| at.clone())
                .unwrap_or((span_start, String::new()));
            let all: Vec<&str> = problems.iter().map(|(w, _)| w.as_str()).collect();
            findings.push(
                Finding::file(
                    Rule::DossierIncomplete,
                    file,
                    format!("Hồ sơ \"{id}\": {}; hồ sơ không được tính", all.join("; ")),
                )
                .at(sheet, a1(r, col))
                .with_raw(raw),
            );
            self.table.rows_set_aside += 1;
            return;
        };
        let texts = self.interner.get([
            &text(XColumn::ProcedureCode),
            &text(XColumn::ProcedureName),
            &text(XColumn::Field),
            &text(XColumn::Agency),
            &status,
        ]);
        self.table.rows.push(DossierRecord {
            id: compact_str::CompactString::from(&*id),
            texts,
            received,
            received_time: received_time.map(ClockTime::new),
            due,
            finished,
            returned,
            time_limit,
            channel,
            row: r,
            col: u16::try_from(span_start).unwrap_or(u16::MAX),
        });
    }

    /// Room for `n` more rows.
    pub fn reserve(&mut self, n: usize) {
        self.table.rows.reserve(n);
    }

    /// The rows read.
    pub fn finish(self) -> DossierTable {
        let (mut table, interner) = self.into_parts();
        table.texts = interner.into_list();
        table
    }

    /// The rows read, their texts left to the interner (a reader sharing a file's
    /// texts has none of its own: the file's interner numbers them).
    pub(crate) fn into_parts(mut self) -> (DossierTable, Interner) {
        self.table.rows.shrink_to_fit();
        (self.table, self.interner)
    }
}

/// The column's name in messages.
fn x_label(role: XColumn) -> &'static str {
    match role {
        XColumn::RowNumber => "STT",
        XColumn::Id => "Mã hồ sơ",
        XColumn::ProcedureCode => "Mã TTHC",
        XColumn::ProcedureName => "Tên TTHC",
        XColumn::Field => "Lĩnh vực",
        XColumn::Agency => "Cơ quan / Đơn vị giải quyết",
        XColumn::Received => "Ngày tiếp nhận",
        XColumn::Due => "Ngày hẹn trả",
        XColumn::Finished => "Ngày có kết quả",
        XColumn::Returned => "Ngày trả kết quả",
        XColumn::Status => "Trạng thái",
        XColumn::Channel => "Hình thức nộp",
        XColumn::TimeLimit => "Thời hạn giải quyết",
        XColumn::Supplement => "Ngày yêu cầu bổ sung",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_ascii_and_other_blanks() {
        assert_eq!(trim("  Trực tuyến \t"), "Trực tuyến");
        assert_eq!(trim("\u{a0}Trực tuyến\u{a0} "), "Trực tuyến");
        assert_eq!(trim(" \u{3000}x"), "x");
        assert_eq!(trim("   "), "");
        assert_eq!(trim("đ"), "đ");
    }

    /// Past the first few texts, the map answers: every text's own value, each worked
    /// out once.
    #[test]
    fn a_memo_works_each_text_out_once() {
        let calls = std::cell::Cell::new(0);
        let mut memo: Memo<usize> = Memo::default();
        let f = |t: &str| {
            calls.set(calls.get() + 1);
            t.len()
        };
        let texts: Vec<String> = (0..20).map(|i| "x".repeat(i)).collect();
        for _ in 0..3 {
            for t in &texts {
                assert_eq!(memo.get(t, f), t.len());
            }
        }
        assert_eq!(calls.get(), 20);
    }
}
