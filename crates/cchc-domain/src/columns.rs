//! Column roles of forms B, C and D, recognised by a phrase table kept in
//! `data/headers.toml`, and the [`ColumnClassifier`] trait that every form's header
//! reader shares (Form A's classifier is [`crate::measure::HeaderAliases`]).

use std::fmt::Debug;

use crate::text::{contains_phrase, normalize};

/// Turns a column's header path (top level first) into a role.
pub trait ColumnClassifier {
    /// What a column can be.
    type Role: Copy + Ord + Debug;
    /// The role of a column, if it has one.
    fn classify(&self, path: &[&str]) -> Option<Self::Role>;
    /// Whether a role counts towards recognising the form (label columns do not).
    fn scores(&self, role: &Self::Role) -> bool;
    /// Fewest scoring roles for a table to be this form at all.
    fn min_score(&self) -> usize;
    /// Scoring roles of a complete table (the denominator when forms compete for a sheet).
    fn max_score(&self) -> usize;
}

/// One way a phrase table entry can match.
#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    /// A header level equal to this normalised text (before abbreviation expansion).
    Exact(String),
    /// Every phrase somewhere in the path (after expansion).
    All(Vec<String>),
}

/// An ordered list of (role name, matchers).
#[derive(Debug, Clone, Default)]
pub struct PhraseTable {
    entries: Vec<(String, Vec<Matcher>)>,
}

impl PhraseTable {
    /// Builds a table from `[[role, phrase, …], …]`.
    ///
    /// # Errors
    /// A message naming the entry that is not a list of strings.
    pub fn from_value(form: &str, value: &toml::Value) -> Result<PhraseTable, String> {
        let rows = value.get("columns").and_then(|c| c.as_array()).ok_or_else(|| format!("{form}.columns phải là danh sách"))?;
        let mut entries = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let items: Vec<&str> = row
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .filter(|a: &Vec<&str>| a.len() >= 2)
                .ok_or_else(|| format!("{form}.columns[{i}] phải là [vai trò, cụm từ, …]"))?;
            let matchers = items[1..]
                .iter()
                .map(|p| match p.strip_prefix('=') {
                    Some(exact) => Matcher::Exact(normalize(exact)),
                    None => Matcher::All(p.split('+').map(normalize).filter(|s| !s.is_empty()).collect()),
                })
                .collect();
            entries.push((items[0].to_string(), matchers));
        }
        Ok(PhraseTable { entries })
    }

    /// The role name of a column: `raw` are the levels normalised, `expanded` the same
    /// with abbreviations expanded.
    pub fn role_of(&self, raw: &[String], expanded: &[String]) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, matchers)| {
                matchers.iter().any(|m| match m {
                    Matcher::Exact(x) => raw.iter().any(|l| l == x),
                    Matcher::All(parts) => parts.iter().all(|p| expanded.iter().any(|l| contains_phrase(l, p))),
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

/// The year a header path names: `Năm 2021`, `2021`, `năm 2022`.
pub fn year_in_path(levels: &[String]) -> Option<u16> {
    levels.iter().rev().find_map(|l| {
        l.split(' ').find_map(|w| w.parse::<u16>().ok().filter(|y| (1990..=2100).contains(y) && w.len() == 4))
    })
}

/// A phrase-table classifier for one of forms B, C, D.
#[derive(Debug, Clone)]
pub struct FormColumns<R> {
    pub(crate) table: PhraseTable,
    pub(crate) abbreviations: std::collections::BTreeMap<String, String>,
    pub(crate) map: fn(&str, &[String]) -> Option<R>,
    pub(crate) scoring: fn(&R) -> bool,
    pub(crate) min: usize,
    pub(crate) max: usize,
}

impl<R: Copy + Ord + Debug> ColumnClassifier for FormColumns<R> {
    type Role = R;

    fn classify(&self, path: &[&str]) -> Option<R> {
        let raw: Vec<String> = path.iter().map(|c| normalize(c)).filter(|c| !c.is_empty()).collect();
        if raw.is_empty() {
            return None;
        }
        let expanded: Vec<String> = raw
            .iter()
            .map(|l| l.split(' ').map(|w| self.abbreviations.get(w).map_or(w, String::as_str)).collect::<Vec<_>>().join(" "))
            .collect();
        let role = self.table.role_of(&raw, &expanded)?;
        (self.map)(role, &raw)
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

pub(crate) fn map_b(role: &str, _: &[String]) -> Option<BColumn> {
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

pub(crate) fn map_c(role: &str, levels: &[String]) -> Option<CColumn> {
    let year = year_in_path(levels);
    Some(match role {
        "row_number" => CColumn::RowNumber,
        "unit_name" => CColumn::UnitName,
        "public_units" => CColumn::Measure(CMeasure::PublicUnits, year),
        "state_paid_staff" => CColumn::Measure(CMeasure::StatePaidStaff, year),
        "staff_present" => CColumn::Measure(CMeasure::StaffPresent, year),
        _ => return None,
    })
}

pub(crate) fn map_d(role: &str, _: &[String]) -> Option<DColumn> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::HeaderAliases;

    #[test]
    fn form_b_columns() {
        let a = HeaderAliases::embedded();
        let b = a.form_b();
        assert_eq!(b.classify(&["Mức độ DVC trực tuyến"]), Some(BColumn::Level));
        assert_eq!(b.classify(&["Đủ điều kiện cung cấp mức độ 3, 4"]), Some(BColumn::Eligible));
        assert_eq!(b.classify(&["Tích hợp trên Cổng DVC quốc gia"]), Some(BColumn::NationalPortal));
        assert_eq!(b.classify(&["Số hồ sơ tiếp nhận", "Trực tuyến"]), Some(BColumn::DossiersOnline));
        assert_eq!(b.classify(&["Số hồ sơ tiếp nhận", "Tổng số"]), Some(BColumn::DossiersTotal));
        assert_eq!(b.classify(&["Mã TTHC"]), Some(BColumn::ProcedureCode));
        assert_eq!(b.classify(&["Tên thủ tục hành chính"]), Some(BColumn::ProcedureName));
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
            c.classify(&["Biên chế sự nghiệp hưởng lương từ NSNN được giao", "Năm 2022"]),
            Some(CColumn::Measure(CMeasure::StatePaidStaff, Some(2022)))
        );
        assert_eq!(c.classify(&["Số người làm việc có mặt"]), Some(CColumn::Measure(CMeasure::StaffPresent, None)));
        assert_eq!(c.classify(&["Tên đơn vị"]), Some(CColumn::UnitName));
        assert_eq!(c.classify(&["Bien che nam 2022"]), Some(CColumn::Measure(CMeasure::StatePaidStaff, Some(2022))));
    }

    #[test]
    fn form_d_columns() {
        let a = HeaderAliases::embedded();
        let d = a.form_d();
        assert_eq!(d.classify(&["Mã chỉ tiêu"]), Some(DColumn::Code));
        assert_eq!(d.classify(&["Chỉ tiêu"]), Some(DColumn::Name));
        assert_eq!(d.classify(&["Đơn vị tính"]), Some(DColumn::UnitOfMeasure));
        assert_eq!(d.classify(&["Số thực hiện (tử số)"]), Some(DColumn::Numerator));
        assert_eq!(d.classify(&["Tổng số (mẫu số)"]), Some(DColumn::Denominator));
        assert_eq!(d.classify(&["Tỷ lệ (%)"]), Some(DColumn::Ratio));
    }
}
