//! Form A measures and the header alias table that recognises their columns.
//!
//! The table lives in `data/headers.toml`; [`HeaderAliases`] applies it to a column's
//! header path (top › middle › bottom) and says which measure, if any, the column holds.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::columns::{map_b, map_c, map_d, BColumn, CColumn, CMeasure, ColumnClassifier, DColumn, FormColumns, PhraseTable};
use crate::text::{contains_phrase, normalize};

/// The embedded alias table.
pub const HEADERS_TOML: &str = include_str!("../data/headers.toml");

/// The eleven Form A measures, in the order of the official form (columns 3–13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// (3) received, total.
    ReceivedTotal,
    /// (4) received online in the period.
    ReceivedOnline,
    /// (5) received in person or by post in the period.
    ReceivedDirect,
    /// (6) carried over from the previous period.
    CarriedOver,
    /// (7) resolved, total.
    ResolvedTotal,
    /// (8) resolved before the deadline.
    ResolvedEarly,
    /// (9) resolved on the deadline.
    ResolvedOnTime,
    /// (10) resolved after the deadline.
    ResolvedLate,
    /// (11) pending, total.
    PendingTotal,
    /// (12) pending, not yet due.
    PendingInTime,
    /// (13) pending, overdue.
    PendingOverdue,
}

impl Measure {
    /// All measures in form order.
    pub const ALL: [Measure; 11] = [
        Measure::ReceivedTotal,
        Measure::ReceivedOnline,
        Measure::ReceivedDirect,
        Measure::CarriedOver,
        Measure::ResolvedTotal,
        Measure::ResolvedEarly,
        Measure::ResolvedOnTime,
        Measure::ResolvedLate,
        Measure::PendingTotal,
        Measure::PendingInTime,
        Measure::PendingOverdue,
    ];

    /// Column name in frames and exports (`resolved_early`).
    pub fn id(self) -> &'static str {
        match self {
            Measure::ReceivedTotal => "received_total",
            Measure::ReceivedOnline => "received_online",
            Measure::ReceivedDirect => "received_direct",
            Measure::CarriedOver => "carried_over",
            Measure::ResolvedTotal => "resolved_total",
            Measure::ResolvedEarly => "resolved_early",
            Measure::ResolvedOnTime => "resolved_on_time",
            Measure::ResolvedLate => "resolved_late",
            Measure::PendingTotal => "pending_total",
            Measure::PendingInTime => "pending_in_time",
            Measure::PendingOverdue => "pending_overdue",
        }
    }

    /// Position in [`Measure::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The column number on the official form (3–13).
    pub fn form_column(self) -> usize {
        self.index() + 3
    }

    /// Vietnamese column label for reports.
    pub fn label_vi(self) -> &'static str {
        match self {
            Measure::ReceivedTotal => "Số hồ sơ nhận giải quyết - Tổng số",
            Measure::ReceivedOnline => "Nhận trong kỳ - Trực tuyến",
            Measure::ReceivedDirect => "Nhận trong kỳ - Trực tiếp, dịch vụ bưu chính",
            Measure::CarriedOver => "Từ kỳ trước chuyển qua",
            Measure::ResolvedTotal => "Số hồ sơ đã giải quyết - Tổng số",
            Measure::ResolvedEarly => "Đã giải quyết - Trước hạn",
            Measure::ResolvedOnTime => "Đã giải quyết - Đúng hạn",
            Measure::ResolvedLate => "Đã giải quyết - Quá hạn",
            Measure::PendingTotal => "Số hồ sơ đang giải quyết - Tổng số",
            Measure::PendingInTime => "Đang giải quyết - Trong hạn",
            Measure::PendingOverdue => "Đang giải quyết - Quá hạn",
        }
    }

    fn from_id(id: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// What a Form A header column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnRole {
    /// The row-number column (`TT`, `STT`).
    RowNumber,
    /// The row label: a field (lĩnh vực).
    Field,
    /// The row label: a unit (district roll-up).
    UnitLabel,
    /// A measure.
    Measure(Measure),
}

#[derive(Deserialize)]
struct RawHeaders {
    abbreviations: BTreeMap<String, String>,
    form_a: RawFormA,
    form_b: toml::Value,
    form_c: toml::Value,
    form_d: toml::Value,
}

#[derive(Deserialize)]
struct RawFormA {
    field: Vec<String>,
    unit_rows: Vec<String>,
    groups: BTreeMap<String, Vec<String>>,
    leaves: toml::Table,
    leaf_group: BTreeMap<String, String>,
    measure: Vec<RawMeasure>,
}

#[derive(Deserialize)]
struct RawMeasure {
    id: String,
    group: String,
    leaf: String,
}

/// The compiled alias table.
#[derive(Debug, Clone)]
pub struct HeaderAliases {
    abbreviations: BTreeMap<String, String>,
    field: Vec<String>,
    unit_rows: Vec<String>,
    groups: Vec<(String, Vec<String>)>,
    /// Leaves in file order (priority).
    leaves: Vec<(String, Vec<String>)>,
    leaf_group: BTreeMap<String, String>,
    measures: BTreeMap<(String, String), Measure>,
    form_b: FormColumns<BColumn>,
    form_c: FormColumns<CColumn>,
    form_d: FormColumns<DColumn>,
}

/// The alias table could not be read.
#[derive(Debug, thiserror::Error)]
#[error("bảng tên cột: {0}")]
pub struct AliasError(String);

impl HeaderAliases {
    /// The embedded table.
    pub fn embedded() -> HeaderAliases {
        // Checked by a unit test; an error here is a build defect, and an empty table
        // then recognises nothing rather than crashing.
        HeaderAliases::from_toml(HEADERS_TOML).unwrap_or_else(|_| {
            let empty = BTreeMap::new();
            HeaderAliases {
                abbreviations: empty.clone(),
                field: Vec::new(),
                unit_rows: Vec::new(),
                groups: Vec::new(),
                leaves: Vec::new(),
                leaf_group: BTreeMap::new(),
                measures: BTreeMap::new(),
                form_b: form_b(PhraseTable::default(), empty.clone()),
                form_c: form_c(PhraseTable::default(), empty.clone()),
                form_d: form_d(PhraseTable::default(), empty),
            }
        })
    }

    /// Form B's classifier.
    pub fn form_b(&self) -> &FormColumns<BColumn> {
        &self.form_b
    }

    /// Form C's classifier.
    pub fn form_c(&self) -> &FormColumns<CColumn> {
        &self.form_c
    }

    /// Form D's classifier.
    pub fn form_d(&self) -> &FormColumns<DColumn> {
        &self.form_d
    }

    /// Reads an alias table.
    ///
    /// # Errors
    /// [`AliasError`] for invalid TOML or an unknown measure id.
    pub fn from_toml(text: &str) -> Result<HeaderAliases, AliasError> {
        let raw: RawHeaders = toml::from_str(text).map_err(|e| AliasError(e.to_string()))?;
        let norm_all = |v: &[String]| v.iter().map(|s| normalize(s)).collect::<Vec<_>>();
        let mut leaves = Vec::new();
        for (name, value) in &raw.form_a.leaves {
            let phrases: Vec<String> = value
                .as_array()
                .ok_or_else(|| AliasError(format!("form_a.leaves.{name} phải là danh sách")))?
                .iter()
                .filter_map(|v| v.as_str().map(normalize))
                .collect();
            leaves.push((name.clone(), phrases));
        }
        // toml::Table keeps keys sorted; restore the file's order for priority.
        leaves.sort_by_key(|(name, _)| text.find(&format!("\n{name} =")).unwrap_or(usize::MAX));
        let mut measures = BTreeMap::new();
        for m in raw.form_a.measure {
            let measure = Measure::from_id(&m.id).ok_or_else(|| AliasError(format!("measure `{}` không có", m.id)))?;
            measures.insert((m.group, m.leaf), measure);
        }
        Ok(HeaderAliases {
            form_b: form_b(PhraseTable::from_value("form_b", &raw.form_b).map_err(AliasError)?, raw.abbreviations.clone()),
            form_c: form_c(PhraseTable::from_value("form_c", &raw.form_c).map_err(AliasError)?, raw.abbreviations.clone()),
            form_d: form_d(PhraseTable::from_value("form_d", &raw.form_d).map_err(AliasError)?, raw.abbreviations.clone()),
            abbreviations: raw.abbreviations,
            field: norm_all(&raw.form_a.field),
            unit_rows: norm_all(&raw.form_a.unit_rows),
            groups: raw.form_a.groups.iter().map(|(k, v)| (k.clone(), norm_all(v))).collect(),
            leaves,
            leaf_group: raw.form_a.leaf_group,
            measures,
        })
    }

    /// Normalises a header cell and expands abbreviations word by word.
    pub fn normalize_header(&self, cell: &str) -> String {
        let norm = normalize(cell);
        norm.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| self.abbreviations.get(w).map_or(w, String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Classifies a column by its header path, top level first. Empty levels and
    /// repeats (a vertically merged cell seen twice) are fine.
    ///
    /// ```
    /// use cchc_domain::measure::{ColumnRole, HeaderAliases, Measure};
    /// let a = HeaderAliases::embedded();
    /// let role = a.classify(&["Số hồ sơ đang giải quyết", "Quá hạn"]);
    /// assert_eq!(role, Some(ColumnRole::Measure(Measure::PendingOverdue)));
    /// let role = a.classify(&["Số hồ sơ đã giải quyết", "Quá hạn"]);
    /// assert_eq!(role, Some(ColumnRole::Measure(Measure::ResolvedLate)));
    /// ```
    pub fn classify(&self, path: &[&str]) -> Option<ColumnRole> {
        let raw_levels: Vec<String> = path.iter().map(|c| normalize(c)).filter(|c| !c.is_empty()).collect();
        if raw_levels.is_empty() {
            return None;
        }
        let levels: Vec<String> = path.iter().map(|c| self.normalize_header(c)).filter(|c| !c.is_empty()).collect();
        let any_level = |phrases: &[String]| levels.iter().any(|l| phrases.iter().any(|p| contains_phrase(l, p)));
        let leaf = levels.iter().rev().find_map(|l| {
            self.leaves.iter().find(|(_, phrases)| phrases.iter().any(|p| contains_phrase(l, p))).map(|(n, _)| n.as_str())
        });
        let group = levels.iter().rev().find_map(|l| {
            self.groups.iter().find(|(_, phrases)| phrases.iter().any(|p| contains_phrase(l, p))).map(|(n, _)| n.as_str())
        });
        // A cell that is only `TT`/`STT` is the row number, unless it sits under a
        // column group (`Số hồ sơ nhận giải quyết › Trong kỳ › TT` is trực tuyến).
        let bottom_is_number = raw_levels.last().is_some_and(|l| l == "tt" || l == "stt");
        if bottom_is_number && (group.is_none() || raw_levels.iter().all(|l| l == "tt" || l == "stt")) {
            return Some(ColumnRole::RowNumber);
        }
        // The row label is recognised before measures: "Lĩnh vực, công việc giải quyết
        // theo cấp" contains "giải quyết" but is no measure.
        if any_level(&self.field) {
            return Some(ColumnRole::Field);
        }
        if leaf.is_none() && levels.iter().any(|l| self.unit_rows.contains(l)) {
            return Some(ColumnRole::UnitLabel);
        }
        let leaf = leaf?;
        let group = group.or_else(|| self.leaf_group.get(leaf).map(String::as_str))?;
        self.measures.get(&(group.to_string(), leaf.to_string())).map(|m| ColumnRole::Measure(*m))
    }
}

fn form_b(table: PhraseTable, abbreviations: BTreeMap<String, String>) -> FormColumns<BColumn> {
    // Recognised by its level column plus at least two of name, code, portal, counts.
    FormColumns {
        table,
        abbreviations,
        map: map_b,
        scoring: |r| !matches!(r, BColumn::RowNumber | BColumn::Field),
        min: 3,
        max: 7,
    }
}

fn form_c(table: PhraseTable, abbreviations: BTreeMap<String, String>) -> FormColumns<CColumn> {
    FormColumns {
        table,
        abbreviations,
        map: map_c,
        scoring: |r| matches!(r, CColumn::Measure(CMeasure::PublicUnits | CMeasure::StatePaidStaff, Some(_))),
        min: 2,
        max: 4,
    }
}

fn form_d(table: PhraseTable, abbreviations: BTreeMap<String, String>) -> FormColumns<DColumn> {
    FormColumns {
        table,
        abbreviations,
        map: map_d,
        scoring: |r| matches!(r, DColumn::Name | DColumn::Code | DColumn::Numerator | DColumn::Denominator | DColumn::Ratio),
        min: 3,
        max: 5,
    }
}

impl ColumnClassifier for HeaderAliases {
    type Role = ColumnRole;

    fn classify(&self, path: &[&str]) -> Option<ColumnRole> {
        HeaderAliases::classify(self, path)
    }

    fn scores(&self, role: &ColumnRole) -> bool {
        matches!(role, ColumnRole::Measure(_))
    }

    fn min_score(&self) -> usize {
        4
    }

    fn max_score(&self) -> usize {
        Measure::ALL.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(path: &[&str]) -> Option<Measure> {
        match HeaderAliases::embedded().classify(path) {
            Some(ColumnRole::Measure(m)) => Some(m),
            _ => None,
        }
    }

    #[test]
    fn embedded_table_loads() {
        let a = HeaderAliases::from_toml(HEADERS_TOML).expect("embedded table parses");
        assert_eq!(a.measures.len(), 11);
        assert_eq!(a.leaves.first().map(|(n, _)| n.as_str()), Some("carried"));
        assert_eq!(a.leaves.last().map(|(n, _)| n.as_str()), Some("total"));
    }

    #[test]
    fn wording_2020_three_levels() {
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Tổng số", "Tổng số"]), Some(Measure::ReceivedTotal));
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tuyến"]), Some(Measure::ReceivedOnline));
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tiếp, dịch vụ bưu chính"]), Some(Measure::ReceivedDirect));
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Từ kỳ trước", ""]), Some(Measure::CarriedOver));
        assert_eq!(m(&["Số hồ sơ đã giải quyết", "Tổng số"]), Some(Measure::ResolvedTotal));
        assert_eq!(m(&["Số hồ sơ đã giải quyết", "Trước hạn"]), Some(Measure::ResolvedEarly));
        assert_eq!(m(&["Số hồ sơ đã giải quyết", "Đúng hạn"]), Some(Measure::ResolvedOnTime));
        assert_eq!(m(&["Số hồ sơ đang giải quyết", "Tổng số"]), Some(Measure::PendingTotal));
        assert_eq!(m(&["Số hồ sơ đang giải quyết", "Trong hạn"]), Some(Measure::PendingInTime));
    }

    #[test]
    fn wording_2017() {
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Trong đó", "Số kỳ trước chuyển qua"]), Some(Measure::CarriedOver));
        assert_eq!(m(&["Số hồ sơ nhận giải quyết", "Số mới tiếp nhận trực tuyến"]), Some(Measure::ReceivedOnline));
        assert_eq!(
            m(&["Số hồ sơ nhận giải quyết", "Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính công ích"]),
            Some(Measure::ReceivedDirect)
        );
        assert_eq!(m(&["Kết quả giải quyết", "Số hồ sơ đã giải quyết", "Tổng số"]), Some(Measure::ResolvedTotal));
        assert_eq!(m(&["Kết quả giải quyết", "Số hồ sơ đã giải quyết", "Trả đúng thời hạn"]), Some(Measure::ResolvedOnTime));
        assert_eq!(m(&["Kết quả giải quyết", "Số hồ sơ đã giải quyết", "Trả quá hạn"]), Some(Measure::ResolvedLate));
        assert_eq!(m(&["Kết quả giải quyết", "Số hồ sơ đang giải quyết", "Chưa đến hạn"]), Some(Measure::PendingInTime));
        assert_eq!(m(&["Kết quả giải quyết", "Số hồ sơ đang giải quyết", "Quá hạn"]), Some(Measure::PendingOverdue));
    }

    #[test]
    fn flat_abbreviated_and_unaccented() {
        assert_eq!(m(&["Số HS đã GQ - Trước hạn"]), Some(Measure::ResolvedEarly));
        assert_eq!(m(&["SO HO SO DANG GIAI QUYET - QUA HAN"]), Some(Measure::PendingOverdue));
        assert_eq!(m(&["Số hồ sơ nhận\ngiải quyết", "Trong kỳ", "TT"]), Some(Measure::ReceivedOnline));
        assert_eq!(m(&["Ghi chú"]), None);
    }

    #[test]
    fn label_and_row_number_columns() {
        let a = HeaderAliases::embedded();
        assert_eq!(a.classify(&["TT"]), Some(ColumnRole::RowNumber));
        assert_eq!(a.classify(&["STT", "STT"]), Some(ColumnRole::RowNumber));
        assert_eq!(a.classify(&["Lĩnh vực, công việc giải quyết theo cấp"]), Some(ColumnRole::Field));
        assert_eq!(a.classify(&["Đơn vị"]), Some(ColumnRole::UnitLabel));
        assert_eq!(a.classify(&["Đơn vị tính: Số hồ sơ TTHC", "TT"]), Some(ColumnRole::RowNumber));
    }
}
