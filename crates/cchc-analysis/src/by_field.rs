//! Form A pooled by level and field: the rows of the department's Biểu II.06a
//! (DOMAIN.md §10). A unit's level is the district level for a district education
//! office (registry kind `district_office`, until districts ended on 1/7/2025), else
//! the province level: the department's divisions and the schools and centres directly
//! under it, wherever they stand (a THPT school is grouped under its district for the
//! district tables, but answers to the department). Fields are pooled by the
//! vocabulary's printed name; one it does not know is kept as written. Rows of a
//! district's roll-up name units, not fields: they are pooled apart, in one row.

use std::collections::BTreeMap;

use cchc_domain::field::FieldVocabulary;
use cchc_domain::measure::Measure;
use cchc_domain::unit::Registry;
use polars::prelude::DataFrame;

use crate::inputs::{ints_or_null, strings};
use crate::AnalysisError;

/// The registry kind of a district education office.
pub const DISTRICT_OFFICE: &str = "district_office";

/// The row of a level holding its roll-up rows (rows that name a unit, not a field).
pub const NOT_BY_FIELD: &str = "Chưa phân theo lĩnh vực (số liệu tổng hợp theo đơn vị)";

/// A level of Biểu II.06a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The department and the units directly under it.
    Province,
    /// District offices and the schools under them (before 1/7/2025).
    District,
}

impl Level {
    /// The group's heading on the form.
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Province => "Cấp tỉnh (Sở và các đơn vị trực thuộc)",
            Level::District => "Cấp huyện (Phòng Giáo dục và Đào tạo)",
        }
    }
}

/// One field of a level: columns (3)–(13) summed over the units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The printed name, or the text as a unit wrote it.
    pub field: String,
    /// Whether the vocabulary knows the field.
    pub known: bool,
    /// The eleven measures of columns (3)–(13), in order.
    pub values: [i64; 11],
}

/// A field no vocabulary entry matches, where it was first written (the frame's
/// `source_file`, `sheet` and `cell`, empty when the frame has none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnknownField {
    /// As written.
    pub field: String,
    /// The unit that wrote it.
    pub unit_id: String,
    /// Source file, sheet and cell of the row.
    pub source: (String, String, String),
}

/// Biểu II.06a's rows: each level with its fields, in the vocabulary's order, unknown
/// fields after them by name, the roll-up row last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTable {
    /// Levels in order (province first), only those with rows.
    pub groups: Vec<(Level, Vec<FieldRow>)>,
    /// Fields the vocabulary does not know, sorted.
    pub unknown: Vec<UnknownField>,
}

/// The measures of columns (3)–(13), in the form's order.
pub fn form_columns() -> [Measure; 11] {
    let required: Vec<Measure> = Measure::all().filter(|m| m.required()).collect();
    required
        .try_into()
        .expect("eleven required Form A measures")
}

impl FieldTable {
    /// Each level's columns (3)–(13) summed over its fields, in the table's order.
    pub fn level_totals(&self) -> Vec<(Level, [i64; 11])> {
        self.groups
            .iter()
            .map(|(level, rows)| {
                let mut sum = [0i64; 11];
                for row in rows {
                    for (s, v) in sum.iter_mut().zip(row.values) {
                        *s += v;
                    }
                }
                (*level, sum)
            })
            .collect()
    }

    /// Pools the `dossiers` frame's rows of `period` (every row when the frame has no
    /// `period` column) by level and field.
    ///
    /// # Errors
    /// [`AnalysisError`] when a column is missing or of the wrong type.
    pub fn of(
        dossiers: &DataFrame,
        period: &str,
        registry: &Registry,
        vocabulary: &FieldVocabulary,
    ) -> Result<FieldTable, AnalysisError> {
        let ids = strings(dossiers, "unit_id")?;
        let fields = strings(dossiers, "field")?;
        let periods = match dossiers.column("period") {
            Ok(_) => Some(strings(dossiers, "period")?),
            Err(_) => None,
        };
        let columns = form_columns();
        let values = columns
            .iter()
            .map(|m| ints_or_null(dossiers, m.id(), false))
            .collect::<Result<Vec<_>, _>>()?;
        // (level, place in the order, field) → sums; the place: vocabulary index, then
        // unknown fields, then the roll-up row.
        type Key = (Level, usize, String);
        let mut sums: BTreeMap<Key, (bool, [i64; 11])> = BTreeMap::new();
        let mut unknown: BTreeMap<String, UnknownField> = BTreeMap::new();
        let source = |name: &str| -> Result<Option<_>, AnalysisError> {
            match dossiers.column(name) {
                Ok(_) => Ok(Some(strings(dossiers, name)?)),
                Err(_) => Ok(None),
            }
        };
        let (files, sheets, cells) = (source("source_file")?, source("sheet")?, source("cell")?);
        let at = |c: &Option<polars::prelude::StringChunked>, row: usize| {
            c.as_ref()
                .and_then(|c| c.get(row))
                .unwrap_or_default()
                .to_string()
        };
        let mut looked_up: BTreeMap<&str, (Option<usize>, Option<&str>)> = BTreeMap::new();
        for row in 0..dossiers.height() {
            if periods.as_ref().is_some_and(|p| p.get(row) != Some(period)) {
                continue;
            }
            let id = ids.get(row).unwrap_or_default();
            let written = fields.get(row).unwrap_or_default();
            let unit = registry.get(id);
            let level = match unit {
                Some(u) if u.kind == DISTRICT_OFFICE => Level::District,
                _ => Level::Province,
            };
            // Each distinct text is looked up once (a batch writes a few dozen).
            let (position, named) = looked_up.entry(written).or_insert_with(|| {
                (
                    vocabulary.position(written),
                    registry.match_name(written).map(|u| u.unit_id.as_str()),
                )
            });
            let names_a_unit = *named == Some(id);
            let key = match *position {
                _ if names_a_unit => (level, usize::MAX, NOT_BY_FIELD.to_string()),
                Some(p) => (level, p, vocabulary.names()[p].clone()),
                None => {
                    let text = cchc_domain::text::nfc(written.trim());
                    unknown.entry(text.clone()).or_insert_with(|| UnknownField {
                        field: text.clone(),
                        unit_id: id.to_string(),
                        source: (at(&files, row), at(&sheets, row), at(&cells, row)),
                    });
                    (level, usize::MAX - 1, text)
                }
            };
            let known = key.1 < usize::MAX - 1;
            let entry = sums.entry(key).or_insert((known, [0; 11]));
            for (s, v) in entry.1.iter_mut().zip(&values) {
                *s += v[row].unwrap_or(0);
            }
        }
        let mut groups: Vec<(Level, Vec<FieldRow>)> = Vec::new();
        for ((level, _, field), (known, values)) in sums {
            if groups.last().is_none_or(|(l, _)| *l != level) {
                groups.push((level, Vec::new()));
            }
            if let Some((_, rows)) = groups.last_mut() {
                rows.push(FieldRow {
                    field,
                    known,
                    values,
                });
            }
        }
        Ok(FieldTable {
            groups,
            unknown: unknown.into_values().collect(),
        })
    }
}
