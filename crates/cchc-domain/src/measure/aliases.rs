//! The header alias table (`data/headers.toml`) and the Form A column classifier built
//! from it; the classifiers of forms B, C and D share its abbreviations.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::phrase_forms::{dossier_export, form_b, form_c, form_d};
use super::{ColumnRole, Measure};
use crate::columns::{
    Abbreviations, BColumn, CColumn, ColumnClassifier, DColumn, FormColumns, PhraseTable, XColumn,
};
use crate::text::{normalize, PhraseBits, PhraseSet};

/// The embedded alias table.
pub const HEADERS_TOML: &str = include_str!("../../data/headers.toml");

#[derive(Deserialize)]
struct RawHeaders {
    abbreviations: BTreeMap<String, String>,
    form_a: RawFormA,
    form_b: toml::Value,
    form_c: toml::Value,
    form_d: toml::Value,
    dossier_export: toml::Value,
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
    abbreviations: Abbreviations,
    phrases: PhraseSet,
    field: PhraseBits,
    unit_rows: Vec<String>,
    groups: Vec<(String, PhraseBits)>,
    /// Leaves in file order (priority).
    leaves: Vec<(String, PhraseBits)>,
    /// The group a leaf implies, by leaf index.
    leaf_group: Vec<Option<usize>>,
    /// Levels that are exactly this text (normalised, abbreviations expanded) are this
    /// leaf, before any phrase is looked for.
    exact_leaves: Vec<(String, usize)>,
    /// (group index, leaf index) → measure.
    measures: BTreeMap<(usize, usize), Measure>,
    form_b: FormColumns<BColumn>,
    form_c: FormColumns<CColumn>,
    form_d: FormColumns<DColumn>,
    dossier_export: FormColumns<XColumn>,
}

/// What one header level says to the Form A classifier.
#[derive(Debug, Clone)]
pub struct FormALevel {
    phrases: PhraseBits,
    /// The level is only `TT`/`STT`.
    number: bool,
    /// The level names the unit column of a district roll-up.
    unit_row: bool,
    /// The level is exactly a leaf's `=` phrase.
    exact_leaf: Option<usize>,
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
        HeaderAliases::from_toml(HEADERS_TOML).unwrap_or_else(|_| HeaderAliases {
            abbreviations: Abbreviations::default(),
            phrases: PhraseSet::default(),
            field: 0,
            unit_rows: Vec::new(),
            groups: Vec::new(),
            leaves: Vec::new(),
            leaf_group: Vec::new(),
            exact_leaves: Vec::new(),
            measures: BTreeMap::new(),
            form_b: form_b(PhraseTable::default(), Abbreviations::default()),
            form_c: form_c(PhraseTable::default(), Abbreviations::default()),
            form_d: form_d(PhraseTable::default(), Abbreviations::default()),
            dossier_export: dossier_export(PhraseTable::default(), Abbreviations::default()),
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

    /// The classifier of one-stop-shop dossier exports.
    pub fn dossier_export(&self) -> &FormColumns<XColumn> {
        &self.dossier_export
    }

    /// Reads an alias table.
    ///
    /// # Errors
    /// [`AliasError`] for invalid TOML, an unknown measure, group or leaf id, or more
    /// phrases than a [`PhraseSet`] holds.
    pub fn from_toml(text: &str) -> Result<HeaderAliases, AliasError> {
        let raw: RawHeaders = toml::from_str(text).map_err(|e| AliasError(e.to_string()))?;
        if let Some(long) = raw
            .abbreviations
            .keys()
            .find(|k| k.len() > crate::columns::MAX_ABBREVIATION)
        {
            return Err(AliasError(format!(
                "abbreviations: `{long}` dài quá {} ký tự",
                crate::columns::MAX_ABBREVIATION
            )));
        }
        let mut phrases = PhraseSet::default();
        let mut add_all = |list: &mut dyn Iterator<Item = &str>| -> Result<PhraseBits, AliasError> {
            let mut bits = 0;
            for p in list {
                if !normalize(p).is_empty() {
                    bits |= phrases
                        .add(p)
                        .ok_or_else(|| AliasError("quá nhiều cụm từ trong form_a".into()))?;
                }
            }
            Ok(bits)
        };
        let field = add_all(&mut raw.form_a.field.iter().map(String::as_str))?;
        let mut groups = Vec::new();
        for (name, list) in &raw.form_a.groups {
            groups.push((name.clone(), add_all(&mut list.iter().map(String::as_str))?));
        }
        let abbreviations = Abbreviations::new(raw.abbreviations.clone());
        let mut named_leaves = Vec::new();
        let mut exact = Vec::new();
        for (name, value) in &raw.form_a.leaves {
            let list: Vec<&str> = value
                .as_array()
                .ok_or_else(|| AliasError(format!("form_a.leaves.{name} phải là danh sách")))?
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let (whole, runs): (Vec<&str>, Vec<&str>) =
                list.into_iter().partition(|p| p.starts_with('='));
            for p in whole {
                let text = abbreviations.expand(&normalize(&p[1..])).into_owned();
                exact.push((text, name.clone()));
            }
            named_leaves.push((name.clone(), add_all(&mut runs.into_iter())?));
        }
        // toml::Table keeps keys sorted; restore the file's order for priority.
        named_leaves
            .sort_by_key(|(name, _)| text.find(&format!("\n{name} =")).unwrap_or(usize::MAX));
        let exact_leaves = exact
            .into_iter()
            .filter_map(|(text, name)| {
                let i = named_leaves.iter().position(|(n, _)| *n == name)?;
                Some((text, i))
            })
            .collect();
        let group_index = |g: &str| groups.iter().position(|(n, _)| n == g);
        let leaf_index = |l: &str| named_leaves.iter().position(|(n, _)| n == l);
        let mut leaf_group = vec![None; named_leaves.len()];
        for (leaf, group) in &raw.form_a.leaf_group {
            let (l, g) = (leaf_index(leaf), group_index(group));
            match (l, g) {
                (Some(l), Some(g)) => leaf_group[l] = Some(g),
                _ => {
                    return Err(AliasError(format!(
                        "form_a.leaf_group: `{leaf}` = `{group}` không có"
                    )))
                }
            }
        }
        let mut measures = BTreeMap::new();
        for m in raw.form_a.measure {
            let measure = Measure::named(&m.id).ok_or_else(|| {
                AliasError(format!("measure `{}` không có trong forms.toml", m.id))
            })?;
            let (Some(g), Some(l)) = (group_index(&m.group), leaf_index(&m.leaf)) else {
                return Err(AliasError(format!(
                    "measure `{}`: nhóm `{}` hoặc cột `{}` không có",
                    m.id, m.group, m.leaf
                )));
            };
            measures.insert((g, l), measure);
        }
        Ok(HeaderAliases {
            form_b: form_b(
                PhraseTable::from_value("form_b", &raw.form_b).map_err(AliasError)?,
                Abbreviations::new(raw.abbreviations.clone()),
            ),
            form_c: form_c(
                PhraseTable::from_value("form_c", &raw.form_c).map_err(AliasError)?,
                Abbreviations::new(raw.abbreviations.clone()),
            ),
            form_d: form_d(
                PhraseTable::from_value("form_d", &raw.form_d).map_err(AliasError)?,
                Abbreviations::new(raw.abbreviations.clone()),
            ),
            dossier_export: dossier_export(
                PhraseTable::from_value("dossier_export", &raw.dossier_export)
                    .map_err(AliasError)?,
                Abbreviations::new(raw.abbreviations.clone()),
            ),
            abbreviations,
            phrases,
            field,
            unit_rows: raw.form_a.unit_rows.iter().map(|s| normalize(s)).collect(),
            groups,
            leaves: named_leaves,
            leaf_group,
            exact_leaves,
            measures,
        })
    }

    /// Normalises a header cell and expands abbreviations word by word.
    pub fn normalize_header(&self, cell: &str) -> String {
        self.abbreviations.expand(&normalize(cell)).into_owned()
    }

    /// Classifies a column by its header path, top level first. Empty levels and
    /// repeats (a vertically merged cell seen twice) are fine.
    ///
    /// ```
    /// use cchc_domain::measure::{ColumnRole, HeaderAliases, Measure};
    /// let a = HeaderAliases::embedded();
    /// let id = |path: &[&str]| match a.classify(path) {
    ///     Some(ColumnRole::Measure(m)) => Some(m.id()),
    ///     _ => None,
    /// };
    /// assert_eq!(id(&["Số hồ sơ đang giải quyết", "Quá hạn"]), Some("pending_overdue"));
    /// assert_eq!(id(&["Số hồ sơ đã giải quyết", "Quá hạn"]), Some("resolved_late"));
    /// ```
    pub fn classify(&self, path: &[&str]) -> Option<ColumnRole> {
        ColumnClassifier::classify(self, path)
    }
}

impl ColumnClassifier for HeaderAliases {
    type Role = ColumnRole;
    type Level = FormALevel;

    fn level(&self, normalized: &str) -> FormALevel {
        let expanded = self.abbreviations.expand(normalized);
        FormALevel {
            phrases: self.phrases.find_all(&expanded),
            number: normalized == "tt" || normalized == "stt",
            unit_row: self.unit_rows.iter().any(|u| *u == *expanded),
            exact_leaf: self
                .exact_leaves
                .iter()
                .find(|(t, _)| *t == *expanded)
                .map(|(_, i)| *i),
        }
    }

    fn relevant(&self, level: &FormALevel) -> bool {
        level.phrases != 0 || level.number || level.unit_row || level.exact_leaf.is_some()
    }

    fn combine(&self, levels: &[&FormALevel]) -> Option<ColumnRole> {
        let first_of = |table: &[(String, PhraseBits)]| {
            levels
                .iter()
                .rev()
                .find_map(|l| table.iter().position(|(_, bits)| l.phrases & bits != 0))
        };
        let leaf = levels.iter().rev().find_map(|l| {
            l.exact_leaf.or_else(|| {
                self.leaves
                    .iter()
                    .position(|(_, bits)| l.phrases & bits != 0)
            })
        });
        let group = first_of(&self.groups);
        // A cell that is only `TT`/`STT` is the row number, unless it sits under a
        // column group (`Số hồ sơ nhận giải quyết › Trong kỳ › TT` is trực tuyến).
        let bottom_is_number = levels.last().is_some_and(|l| l.number);
        if bottom_is_number && (group.is_none() || levels.iter().all(|l| l.number)) {
            return Some(ColumnRole::RowNumber);
        }
        // The row label is recognised before measures: "Lĩnh vực, công việc giải quyết
        // theo cấp" contains "giải quyết" but is no measure.
        if levels.iter().any(|l| l.phrases & self.field != 0) {
            return Some(ColumnRole::Field);
        }
        if leaf.is_none() && levels.iter().any(|l| l.unit_row) {
            return Some(ColumnRole::UnitLabel);
        }
        let leaf = leaf?;
        let group = group.or(self.leaf_group.get(leaf).copied().flatten())?;
        self.measures
            .get(&(group, leaf))
            .map(|m| ColumnRole::Measure(*m))
    }

    fn scores(&self, role: &ColumnRole) -> bool {
        // Optional columns count too: a one-stop export's third header level may hold
        // only them (intake split into toàn trình, một phần, trực tiếp, bưu chính).
        matches!(role, ColumnRole::Measure(_))
    }

    fn min_score(&self) -> usize {
        4
    }

    /// The required columns: a table with optional ones as well covers more than 1.
    fn max_score(&self) -> usize {
        Measure::all().filter(|m| m.required()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(path: &[&str]) -> Option<&'static str> {
        match HeaderAliases::embedded().classify(path) {
            Some(ColumnRole::Measure(m)) => Some(m.id()),
            _ => None,
        }
    }

    #[test]
    fn embedded_table_loads() {
        let a = HeaderAliases::from_toml(HEADERS_TOML).expect("embedded table parses");
        assert_eq!(a.measures.len(), Measure::count());
        assert_eq!(a.leaves.first().map(|(n, _)| n.as_str()), Some("carried"));
        assert_eq!(a.leaves.last().map(|(n, _)| n.as_str()), Some("total"));
    }

    #[test]
    fn wording_2020_three_levels() {
        assert_eq!(
            m(&["Số hồ sơ nhận giải quyết", "Tổng số", "Tổng số"]),
            Some("received_total")
        );
        assert_eq!(
            m(&["Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tuyến"]),
            Some("received_online")
        );
        assert_eq!(
            m(&[
                "Số hồ sơ nhận giải quyết",
                "Trong kỳ",
                "Trực tiếp, dịch vụ bưu chính"
            ]),
            Some("received_direct")
        );
        assert_eq!(
            m(&["Số hồ sơ nhận giải quyết", "Từ kỳ trước", ""]),
            Some("carried_over")
        );
        assert_eq!(
            m(&["Số hồ sơ đã giải quyết", "Tổng số"]),
            Some("resolved_total")
        );
        assert_eq!(
            m(&["Số hồ sơ đã giải quyết", "Trước hạn"]),
            Some("resolved_early")
        );
        assert_eq!(
            m(&["Số hồ sơ đã giải quyết", "Đúng hạn"]),
            Some("resolved_on_time")
        );
        assert_eq!(
            m(&["Số hồ sơ đang giải quyết", "Tổng số"]),
            Some("pending_total")
        );
        assert_eq!(
            m(&["Số hồ sơ đang giải quyết", "Trong hạn"]),
            Some("pending_in_time")
        );
    }

    #[test]
    fn wording_2017() {
        assert_eq!(
            m(&[
                "Số hồ sơ nhận giải quyết",
                "Trong đó",
                "Số kỳ trước chuyển qua"
            ]),
            Some("carried_over")
        );
        assert_eq!(
            m(&["Số hồ sơ nhận giải quyết", "Số mới tiếp nhận trực tuyến"]),
            Some("received_online")
        );
        assert_eq!(
            m(&[
                "Số hồ sơ nhận giải quyết",
                "Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính công ích"
            ]),
            Some("received_direct")
        );
        assert_eq!(
            m(&["Kết quả giải quyết", "Số hồ sơ đã giải quyết", "Tổng số"]),
            Some("resolved_total")
        );
        assert_eq!(
            m(&[
                "Kết quả giải quyết",
                "Số hồ sơ đã giải quyết",
                "Trả đúng thời hạn"
            ]),
            Some("resolved_on_time")
        );
        assert_eq!(
            m(&[
                "Kết quả giải quyết",
                "Số hồ sơ đã giải quyết",
                "Trả quá hạn"
            ]),
            Some("resolved_late")
        );
        assert_eq!(
            m(&[
                "Kết quả giải quyết",
                "Số hồ sơ đang giải quyết",
                "Chưa đến hạn"
            ]),
            Some("pending_in_time")
        );
        assert_eq!(
            m(&["Kết quả giải quyết", "Số hồ sơ đang giải quyết", "Quá hạn"]),
            Some("pending_overdue")
        );
    }

    #[test]
    fn flat_abbreviated_and_unaccented() {
        assert_eq!(m(&["Số HS đã GQ - Trước hạn"]), Some("resolved_early"));
        assert_eq!(
            m(&["SO HO SO DANG GIAI QUYET - QUA HAN"]),
            Some("pending_overdue")
        );
        assert_eq!(
            m(&["Số hồ sơ nhận\ngiải quyết", "Trong kỳ", "TT"]),
            Some("received_online")
        );
        assert_eq!(m(&["Ghi chú"]), None);
    }

    #[test]
    fn optional_columns_in_the_wordings_met() {
        let cases: [(&[&str], &str); 9] = [
            (
                &["Trong đó", "Trực tuyến toàn trình"],
                "received_online_full",
            ),
            (
                &["Số hồ sơ nhận giải quyết", "Trong kỳ", "Toàn trình"],
                "received_online_full",
            ),
            (
                &["Trong đó", "Hồ sơ trực tuyến một phần"],
                "received_online_partial",
            ),
            (&["Trong đó", "Qua dịch vụ BCCI"], "received_postal"),
            (
                &["Số hồ sơ nhận giải quyết", "Tiếp nhận trực tiếp"],
                "received_in_person",
            ),
            (
                &["Số hồ sơ nhận giải quyết", "Trong kỳ", "Trực tiếp"],
                "received_in_person",
            ),
            (
                &[
                    "Số hồ sơ nhận giải quyết",
                    "Trong kỳ",
                    "Trực tiếp, dịch vụ bưu chính",
                ],
                "received_direct",
            ),
            (
                &["Trong đó", "Quá hạn đã có văn bản xin lỗi"],
                "resolved_late_apologised",
            ),
            (
                &["Số hồ sơ đã giải quyết", "Quá hạn", "Đã có thư xin lỗi"],
                "resolved_late_apologised",
            ),
        ];
        for (path, id) in cases {
            assert_eq!(m(path), Some(id), "{path:?}");
        }
    }

    #[test]
    fn label_and_row_number_columns() {
        let a = HeaderAliases::embedded();
        assert_eq!(a.classify(&["TT"]), Some(ColumnRole::RowNumber));
        assert_eq!(a.classify(&["STT", "STT"]), Some(ColumnRole::RowNumber));
        assert_eq!(
            a.classify(&["Lĩnh vực, công việc giải quyết theo cấp"]),
            Some(ColumnRole::Field)
        );
        assert_eq!(a.classify(&["Đơn vị"]), Some(ColumnRole::UnitLabel));
        assert_eq!(
            a.classify(&["Đơn vị tính: Số hồ sơ TTHC", "TT"]),
            Some(ColumnRole::RowNumber)
        );
    }
}
