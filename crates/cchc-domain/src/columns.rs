//! Column roles of forms B, C and D, recognised by a phrase table kept in
//! `data/headers.toml`, and the [`ColumnClassifier`] trait that every form's header
//! reader shares (Form A's classifier is [`crate::measure::HeaderAliases`]).

use std::fmt::Debug;

use crate::text::{normalize, PhraseBits, PhraseSet};

/// Turns a column's header path (top level first) into a role.
///
/// Classification is split in two so that a header search can work per sheet: what
/// one header cell says ([`ColumnClassifier::level`], computed once per distinct cell
/// text) and what a column's levels say together ([`ColumnClassifier::combine`], cheap).
pub trait ColumnClassifier {
    /// What a column can be.
    type Role: Copy + Ord + Debug;
    /// What one header level says.
    type Level: Clone + Debug;
    /// Reads one header level, normalised with [`normalize`] and not empty.
    fn level(&self, normalized: &str) -> Self::Level;
    /// Whether a level says anything at all to this form (a header's first row has a
    /// cell that does).
    fn relevant(&self, level: &Self::Level) -> bool;
    /// The role of a column from its non-empty levels, top first.
    fn combine(&self, levels: &[&Self::Level]) -> Option<Self::Role>;
    /// Whether a role counts towards recognising the form (label columns do not).
    fn scores(&self, role: &Self::Role) -> bool;
    /// Fewest scoring roles for a table to be this form at all.
    fn min_score(&self) -> usize;
    /// Scoring roles of a complete table (the denominator when forms compete for a sheet).
    fn max_score(&self) -> usize;

    /// The role of a column from its header cells as written, top level first.
    fn classify(&self, path: &[&str]) -> Option<Self::Role> {
        let levels: Vec<Self::Level> = path
            .iter()
            .map(|c| normalize(c))
            .filter(|c| !c.is_empty())
            .map(|c| self.level(&c))
            .collect();
        if levels.is_empty() {
            return None;
        }
        let refs: Vec<&Self::Level> = levels.iter().collect();
        self.combine(&refs)
    }
}

/// Word-level abbreviations (`hs` → `ho so`), with a cheap test that skips the map
/// for words that cannot be one.
#[derive(Debug, Clone, Default)]
pub struct Abbreviations {
    map: std::collections::BTreeMap<String, String>,
    /// Bit `b - b'a'` set when some abbreviation starts with byte `b`.
    first_letters: u32,
}

impl Abbreviations {
    /// From `abbreviation → expansion` (both normalised).
    pub fn new(map: std::collections::BTreeMap<String, String>) -> Abbreviations {
        let first_letters = map
            .keys()
            .filter_map(|k| k.bytes().next())
            .filter(u8::is_ascii_lowercase)
            .fold(0, |acc, b| acc | 1 << (b - b'a'));
        Abbreviations { map, first_letters }
    }

    fn get(&self, word: &str) -> Option<&str> {
        let first = *word.as_bytes().first()?;
        if !first.is_ascii_lowercase()
            || self.first_letters & (1 << (first - b'a')) == 0
            || word.len() > MAX_ABBREVIATION
        {
            return None;
        }
        self.map.get(word).map(String::as_str)
    }

    /// A normalised text with abbreviations expanded word by word.
    pub fn expand<'a>(&self, normalized: &'a str) -> std::borrow::Cow<'a, str> {
        if !normalized.split(' ').any(|w| self.get(w).is_some()) {
            return std::borrow::Cow::Borrowed(normalized);
        }
        normalized
            .split(' ')
            .map(|w| self.get(w).unwrap_or(w))
            .collect::<Vec<_>>()
            .join(" ")
            .into()
    }
}

/// Longest abbreviation looked up; a longer alias-table key is refused when the table
/// is read.
pub const MAX_ABBREVIATION: usize = 8;

/// One way a phrase table entry can match.
#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    /// A header level equal to this normalised text (before abbreviation expansion).
    Exact(u32),
    /// Every phrase somewhere in the path (after expansion).
    All(PhraseBits),
}

/// An ordered list of (role name, matchers).
#[derive(Debug, Clone, Default)]
pub struct PhraseTable {
    entries: Vec<(String, Vec<Matcher>)>,
    phrases: PhraseSet,
    exact: std::collections::HashMap<String, u32>,
}

/// What one header level says to a [`PhraseTable`].
#[derive(Debug, Clone, Default)]
pub struct PhraseLevel {
    /// Phrases found in the expanded level.
    phrases: PhraseBits,
    /// Index of the exact text this level is, if any.
    exact: Option<u32>,
    /// A year the level names.
    year: Option<u16>,
}

impl PhraseTable {
    /// Builds a table from `[[role, phrase, …], …]`.
    ///
    /// # Errors
    /// A message naming the entry that is not a list of strings, or a table with
    /// more phrases than a [`PhraseSet`] holds.
    pub fn from_value(form: &str, value: &toml::Value) -> Result<PhraseTable, String> {
        let rows = value
            .get("columns")
            .and_then(|c| c.as_array())
            .ok_or_else(|| format!("{form}.columns phải là danh sách"))?;
        let mut table = PhraseTable::default();
        for (i, row) in rows.iter().enumerate() {
            let items: Vec<&str> = row
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .filter(|a: &Vec<&str>| a.len() >= 2)
                .ok_or_else(|| format!("{form}.columns[{i}] phải là [vai trò, cụm từ, …]"))?;
            let mut matchers = Vec::new();
            for p in &items[1..] {
                matchers.push(match p.strip_prefix('=') {
                    Some(exact) => {
                        let n = table.exact.len() as u32;
                        Matcher::Exact(*table.exact.entry(normalize(exact)).or_insert(n))
                    }
                    None => {
                        let mut bits = 0;
                        for part in p.split('+').filter(|s| !normalize(s).is_empty()) {
                            bits |= table
                                .phrases
                                .add(part)
                                .ok_or_else(|| format!("{form}: quá nhiều cụm từ"))?;
                        }
                        Matcher::All(bits)
                    }
                });
            }
            table.entries.push((items[0].to_string(), matchers));
        }
        Ok(table)
    }

    /// What one level says: `raw` normalised, `expanded` with abbreviations expanded.
    pub fn level(&self, raw: &str, expanded: &str) -> PhraseLevel {
        PhraseLevel {
            phrases: self.phrases.find_all(expanded),
            exact: self.exact.get(raw).copied(),
            year: year_in_level(raw),
        }
    }

    /// The role name of a column from its levels.
    pub fn role_of(&self, levels: &[&PhraseLevel]) -> Option<&str> {
        let phrases = levels.iter().fold(0, |acc, l| acc | l.phrases);
        self.entries
            .iter()
            .find(|(_, matchers)| {
                matchers.iter().any(|m| match m {
                    Matcher::Exact(x) => levels.iter().any(|l| l.exact == Some(*x)),
                    Matcher::All(bits) => *bits != 0 && phrases & bits == *bits,
                })
            })
            .map(|(role, _)| role.as_str())
    }
}

/// Form B (online public services) columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BColumn {
    /// `TT`/`STT`.
    RowNumber,
    /// `Mã TTHC`.
    ProcedureCode,
    /// `Tên thủ tục hành chính`.
    ProcedureName,
    /// `Lĩnh vực`.
    Field,
    /// `Mức độ DVC trực tuyến`.
    Level,
    /// `Đủ điều kiện cung cấp mức độ 3, 4` (optional).
    Eligible,
    /// `Tích hợp trên Cổng DVC quốc gia`.
    NationalPortal,
    /// Dossiers received, total.
    DossiersTotal,
    /// Dossiers received online.
    DossiersOnline,
}

/// What a Form C column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CMeasure {
    /// `Số đơn vị sự nghiệp công lập`.
    PublicUnits,
    /// `Biên chế sự nghiệp hưởng lương từ NSNN được giao`.
    StatePaidStaff,
    /// `Số người làm việc có mặt`.
    StaffPresent,
}

/// Form C (staffing and public units) columns: a measure of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CColumn {
    /// `TT`/`STT`.
    RowNumber,
    /// `Tên đơn vị` (or school level).
    UnitName,
    /// A measure and the year its header names (`Năm 2021`), if any.
    Measure(CMeasure, Option<u16>),
}

/// Form D (other indicators) columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DColumn {
    /// `TT`/`STT`.
    RowNumber,
    /// `Mã chỉ tiêu`.
    Code,
    /// `Chỉ tiêu`.
    Name,
    /// `Đơn vị tính`.
    UnitOfMeasure,
    /// `Số thực hiện (tử số)`.
    Numerator,
    /// `Tổng số (mẫu số)`.
    Denominator,
    /// `Tỷ lệ (%)`.
    Ratio,
    /// `Ghi chú`.
    Note,
}

/// Columns of a one-stop-shop system's dossier export (DOMAIN.md §11): one row per
/// dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum XColumn {
    /// `TT`/`STT`.
    RowNumber,
    /// `Mã hồ sơ`.
    Id,
    /// `Mã TTHC`.
    ProcedureCode,
    /// `Tên TTHC`.
    ProcedureName,
    /// `Lĩnh vực`.
    Field,
    /// `Cơ quan / Đơn vị giải quyết`.
    Agency,
    /// `Ngày tiếp nhận`.
    Received,
    /// `Ngày hẹn trả`.
    Due,
    /// `Ngày có kết quả` / `Ngày hoàn thành`.
    Finished,
    /// `Ngày trả kết quả`.
    Returned,
    /// `Trạng thái`.
    Status,
    /// `Hình thức nộp` / `Kênh`.
    Channel,
    /// `Thời hạn giải quyết` (working days).
    TimeLimit,
    /// `Ngày yêu cầu bổ sung`.
    Supplement,
}

/// The year a normalised header level names: `nam 2021`, `2021`.
fn year_in_level(level: &str) -> Option<u16> {
    level
        .split(' ')
        .filter(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .find_map(|w| w.parse::<u16>().ok().filter(|y| (1990..=2100).contains(y)))
}

/// A phrase-table classifier for one of forms B, C, D.
#[derive(Debug, Clone)]
pub struct FormColumns<R> {
    pub(crate) table: PhraseTable,
    pub(crate) abbreviations: Abbreviations,
    pub(crate) map: fn(&str, Option<u16>) -> Option<R>,
    pub(crate) scoring: fn(&R) -> bool,
    pub(crate) min: usize,
    pub(crate) max: usize,
}

impl<R: Copy + Ord + Debug> ColumnClassifier for FormColumns<R> {
    type Role = R;
    type Level = PhraseLevel;

    fn level(&self, normalized: &str) -> PhraseLevel {
        self.table
            .level(normalized, &self.abbreviations.expand(normalized))
    }

    fn relevant(&self, level: &PhraseLevel) -> bool {
        level.phrases != 0 || level.exact.is_some()
    }

    fn combine(&self, levels: &[&PhraseLevel]) -> Option<R> {
        let role = self.table.role_of(levels)?;
        let year = levels.iter().rev().find_map(|l| l.year);
        (self.map)(role, year)
    }

    fn scores(&self, role: &R) -> bool {
        (self.scoring)(role)
    }

    fn min_score(&self) -> usize {
        self.min
    }

    fn max_score(&self) -> usize {
        self.max
    }
}

pub(crate) fn map_b(role: &str, _: Option<u16>) -> Option<BColumn> {
    Some(match role {
        "row_number" => BColumn::RowNumber,
        "procedure_code" => BColumn::ProcedureCode,
        "procedure_name" => BColumn::ProcedureName,
        "field" => BColumn::Field,
        "level" => BColumn::Level,
        "eligible_34" => BColumn::Eligible,
        "on_national_portal" => BColumn::NationalPortal,
        "dossiers_total" => BColumn::DossiersTotal,
        "dossiers_online" => BColumn::DossiersOnline,
        _ => return None,
    })
}

pub(crate) fn map_c(role: &str, year: Option<u16>) -> Option<CColumn> {
    Some(match role {
        "row_number" => CColumn::RowNumber,
        "unit_name" => CColumn::UnitName,
        "public_units" => CColumn::Measure(CMeasure::PublicUnits, year),
        "state_paid_staff" => CColumn::Measure(CMeasure::StatePaidStaff, year),
        "staff_present" => CColumn::Measure(CMeasure::StaffPresent, year),
        _ => return None,
    })
}

pub(crate) fn map_d(role: &str, _: Option<u16>) -> Option<DColumn> {
    Some(match role {
        "row_number" => DColumn::RowNumber,
        "code" => DColumn::Code,
        "name" => DColumn::Name,
        "unit_of_measure" => DColumn::UnitOfMeasure,
        "numerator" => DColumn::Numerator,
        "denominator" => DColumn::Denominator,
        "ratio" => DColumn::Ratio,
        "note" => DColumn::Note,
        _ => return None,
    })
}

pub(crate) fn map_x(role: &str, _: Option<u16>) -> Option<XColumn> {
    Some(match role {
        "row_number" => XColumn::RowNumber,
        "id" => XColumn::Id,
        "procedure_code" => XColumn::ProcedureCode,
        "procedure_name" => XColumn::ProcedureName,
        "field" => XColumn::Field,
        "agency" => XColumn::Agency,
        "received" => XColumn::Received,
        "due" => XColumn::Due,
        "finished" => XColumn::Finished,
        "returned" => XColumn::Returned,
        "status" => XColumn::Status,
        "channel" => XColumn::Channel,
        "time_limit" => XColumn::TimeLimit,
        "supplement" => XColumn::Supplement,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HeaderAliases;

    #[test]
    fn dossier_export_columns() {
        let a = HeaderAliases::embedded();
        let x = a.dossier_export();
        let cases = [
            ("Mã hồ sơ", Some(XColumn::Id)),
            ("Số biên nhận", Some(XColumn::Id)),
            ("Mã TTHC", Some(XColumn::ProcedureCode)),
            ("Tên TTHC", Some(XColumn::ProcedureName)),
            ("Tên thủ tục hành chính", Some(XColumn::ProcedureName)),
            ("Lĩnh vực", Some(XColumn::Field)),
            ("Cơ quan / Đơn vị giải quyết", Some(XColumn::Agency)),
            ("Đơn vị giải quyết", Some(XColumn::Agency)),
            ("Ngày tiếp nhận", Some(XColumn::Received)),
            ("Ngày hẹn trả", Some(XColumn::Due)),
            ("Ngày hẹn trả kết quả", Some(XColumn::Due)),
            ("Hạn giải quyết", Some(XColumn::Due)),
            ("Ngày có kết quả", Some(XColumn::Finished)),
            ("Ngày hoàn thành", Some(XColumn::Finished)),
            ("Ngày trả kết quả", Some(XColumn::Returned)),
            ("Trạng thái", Some(XColumn::Status)),
            ("Hình thức nộp", Some(XColumn::Channel)),
            ("Kênh tiếp nhận", Some(XColumn::Channel)),
            (
                "Thời hạn giải quyết (ngày làm việc)",
                Some(XColumn::TimeLimit),
            ),
            ("Số ngày giải quyết", Some(XColumn::TimeLimit)),
            ("Ngày yêu cầu bổ sung", Some(XColumn::Supplement)),
            ("STT", Some(XColumn::RowNumber)),
            ("Chủ hồ sơ", None),
            ("Ghi chú", None),
        ];
        for (header, role) in cases {
            assert_eq!(x.classify(&[header]), role, "{header}");
        }
    }

    #[test]
    fn form_b_columns() {
        let a = HeaderAliases::embedded();
        let b = a.form_b();
        assert_eq!(b.classify(&["Mức độ DVC trực tuyến"]), Some(BColumn::Level));
        assert_eq!(
            b.classify(&["Đủ điều kiện cung cấp mức độ 3, 4"]),
            Some(BColumn::Eligible)
        );
        assert_eq!(
            b.classify(&["Tích hợp trên Cổng DVC quốc gia"]),
            Some(BColumn::NationalPortal)
        );
        assert_eq!(
            b.classify(&["Số hồ sơ tiếp nhận", "Trực tuyến"]),
            Some(BColumn::DossiersOnline)
        );
        assert_eq!(
            b.classify(&["Số hồ sơ tiếp nhận", "Tổng số"]),
            Some(BColumn::DossiersTotal)
        );
        assert_eq!(b.classify(&["Mã TTHC"]), Some(BColumn::ProcedureCode));
        assert_eq!(
            b.classify(&["Tên thủ tục hành chính"]),
            Some(BColumn::ProcedureName)
        );
        assert_eq!(b.classify(&["Lĩnh vực"]), Some(BColumn::Field));
        assert_eq!(b.classify(&["STT"]), Some(BColumn::RowNumber));
        assert_eq!(b.classify(&["Ghi chú"]), None);
    }

    #[test]
    fn form_c_columns_carry_years() {
        let a = HeaderAliases::embedded();
        let c = a.form_c();
        assert_eq!(
            c.classify(&["Số đơn vị sự nghiệp công lập", "Năm 2021"]),
            Some(CColumn::Measure(CMeasure::PublicUnits, Some(2021)))
        );
        assert_eq!(
            c.classify(&[
                "Biên chế sự nghiệp hưởng lương từ NSNN được giao",
                "Năm 2022"
            ]),
            Some(CColumn::Measure(CMeasure::StatePaidStaff, Some(2022)))
        );
        assert_eq!(
            c.classify(&["Số người làm việc có mặt"]),
            Some(CColumn::Measure(CMeasure::StaffPresent, None))
        );
        assert_eq!(c.classify(&["Tên đơn vị"]), Some(CColumn::UnitName));
        assert_eq!(
            c.classify(&["Bien che nam 2022"]),
            Some(CColumn::Measure(CMeasure::StatePaidStaff, Some(2022)))
        );
    }

    #[test]
    fn form_d_columns() {
        let a = HeaderAliases::embedded();
        let d = a.form_d();
        assert_eq!(d.classify(&["Mã chỉ tiêu"]), Some(DColumn::Code));
        assert_eq!(d.classify(&["Chỉ tiêu"]), Some(DColumn::Name));
        assert_eq!(d.classify(&["Đơn vị tính"]), Some(DColumn::UnitOfMeasure));
        assert_eq!(
            d.classify(&["Số thực hiện (tử số)"]),
            Some(DColumn::Numerator)
        );
        assert_eq!(
            d.classify(&["Tổng số (mẫu số)"]),
            Some(DColumn::Denominator)
        );
        assert_eq!(d.classify(&["Tỷ lệ (%)"]), Some(DColumn::Ratio));
    }
}
