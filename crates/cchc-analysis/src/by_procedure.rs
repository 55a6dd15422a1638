//! Form B consolidated by procedure code across units: the department's list of online
//! public services (DOMAIN.md §10). Units that state a procedure at different levels
//! are a conflict the office must settle: listed, and the list gives the level most
//! units state (ties: the higher).

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use crate::inputs::{ints_or_null, strings};
use crate::AnalysisError;

/// Where a row was read: source file, sheet and cell.
type Source = (String, String, String);

/// One procedure over the units that list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRow {
    /// Procedure code (`1.004494`).
    pub code: String,
    /// Its name, as the first unit (by id) wrote it.
    pub name: String,
    /// Its field, likewise.
    pub field: String,
    /// The level most units state (ties: the higher); 0 when none states one.
    pub level: i64,
    /// Whether some unit marks it integrated with the national portal.
    pub on_national_portal: bool,
    /// Units that list it.
    pub units: usize,
    /// Dossiers, summed.
    pub dossiers_total: i64,
    /// Dossiers received online, summed.
    pub dossiers_online: i64,
}

/// A procedure stated at different levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelConflict {
    /// Procedure code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Each level stated, with the units (ids, sorted) that state it.
    pub levels: Vec<(i64, Vec<String>)>,
    /// Source file, sheet and cell of the first row off the consolidated level.
    pub source: Source,
}

/// The department's list, by procedure code, and the conflicts in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcedureTable {
    /// Procedures sorted by code.
    pub rows: Vec<ProcedureRow>,
    /// Procedures stated at more than one level, by code.
    pub conflicts: Vec<LevelConflict>,
}

/// `Toàn trình` for level 4, `Một phần` for level 3 (Nghị định 42/2022/NĐ-CP's words
/// for the old levels), empty otherwise.
pub fn extent_vi(level: i64) -> &'static str {
    match level {
        4 => "Toàn trình",
        3 => "Một phần",
        _ => "",
    }
}

impl ProcedureTable {
    /// The `online_services` frame's rows of `period` (every row when the frame has no
    /// `period` column) by procedure code; rows without a code are left out.
    ///
    /// # Errors
    /// [`AnalysisError`] when a column is missing or of the wrong type.
    pub fn of(services: &DataFrame, period: &str) -> Result<ProcedureTable, AnalysisError> {
        if services.height() == 0 {
            return Ok(ProcedureTable::default());
        }
        let text = |name: &str| strings(services, name);
        let (ids, codes, names, fields) = (
            text("unit_id")?,
            text("procedure_code")?,
            text("procedure_name")?,
            text("field")?,
        );
        let periods = match services.column("period") {
            Ok(_) => Some(text("period")?),
            Err(_) => None,
        };
        let optional = |name: &str| -> Result<Option<_>, AnalysisError> {
            match services.column(name) {
                Ok(_) => Ok(Some(text(name)?)),
                Err(_) => Ok(None),
            }
        };
        let (files, sheets, cells) = (
            optional("source_file")?,
            optional("sheet")?,
            optional("cell")?,
        );
        let at = |c: &Option<polars::prelude::StringChunked>, row: usize| {
            c.as_ref()
                .and_then(|c| c.get(row))
                .unwrap_or_default()
                .to_string()
        };
        let levels = ints_or_null(services, "level", false)?;
        let totals = ints_or_null(services, "dossiers_total", false)?;
        let online = ints_or_null(services, "dossiers_online", false)?;
        let portal = strings(services, "on_national_portal")?;
        struct Acc {
            first: Source,
            names: (String, String),
            by_level: BTreeMap<i64, Vec<(String, Source)>>,
            portal: bool,
            total: i64,
            online: i64,
        }
        let mut by_code: BTreeMap<String, Acc> = BTreeMap::new();
        for row in 0..services.height() {
            if periods.as_ref().is_some_and(|p| p.get(row) != Some(period)) {
                continue;
            }
            let code = codes.get(row).unwrap_or_default().trim();
            if code.is_empty() {
                continue;
            }
            let id = ids.get(row).unwrap_or_default().to_string();
            let source = (at(&files, row), at(&sheets, row), at(&cells, row));
            let acc = by_code.entry(code.to_string()).or_insert_with(|| Acc {
                first: source.clone(),
                names: (
                    names.get(row).unwrap_or_default().to_string(),
                    fields.get(row).unwrap_or_default().to_string(),
                ),
                by_level: BTreeMap::new(),
                portal: false,
                total: 0,
                online: 0,
            });
            acc.by_level
                .entry(levels[row].unwrap_or(0))
                .or_default()
                .push((id, source));
            acc.portal |= portal.get(row) == Some("true");
            acc.total += totals[row].unwrap_or(0);
            acc.online += online[row].unwrap_or(0);
        }
        let mut table = ProcedureTable::default();
        for (code, mut acc) in by_code {
            for units in acc.by_level.values_mut() {
                units.sort();
                units.dedup_by(|a, b| a.0 == b.0);
            }
            // Most units, then the higher level.
            let level = acc
                .by_level
                .iter()
                .max_by_key(|(l, u)| (u.len(), **l))
                .map_or(0, |(l, _)| *l);
            let units: usize = acc.by_level.values().map(Vec::len).sum();
            let stated: Vec<i64> = acc.by_level.keys().copied().filter(|l| *l != 0).collect();
            if stated.len() > 1 {
                let source = acc
                    .by_level
                    .iter()
                    .filter(|(l, _)| **l != level)
                    .flat_map(|(_, u)| u.iter().map(|(_, s)| s.clone()))
                    .min()
                    .unwrap_or_else(|| acc.first.clone());
                table.conflicts.push(LevelConflict {
                    code: code.clone(),
                    name: acc.names.0.clone(),
                    levels: acc
                        .by_level
                        .iter()
                        .filter(|(l, _)| **l != 0)
                        .map(|(l, u)| (*l, u.iter().map(|(id, _)| id.clone()).collect()))
                        .collect(),
                    source,
                });
            }
            table.rows.push(ProcedureRow {
                code,
                name: acc.names.0,
                field: acc.names.1,
                level,
                on_national_portal: acc.portal,
                units,
                dossiers_total: acc.total,
                dossiers_online: acc.online,
            });
        }
        Ok(table)
    }
}
