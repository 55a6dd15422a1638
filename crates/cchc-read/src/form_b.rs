//! Form B (online public services): one row per administrative procedure.

use cchc_domain::columns::BColumn;
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::text::normalize;

use crate::cells::{read_count, read_level, read_yes, CellValue};
use crate::grid::{cell_text, Grid};
use crate::header::{body_rows, BodyRow, Header};

/// One procedure row.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    /// `Mã TTHC` (`1.005092`), as written.
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Online-service level 1–4.
    pub level: u8,
    /// Eligible for level 3/4 (true when the form has no eligibility column, docs/contract.md §7.5).
    pub eligible_34: bool,
    /// Integrated on the national public-service portal.
    pub on_national_portal: bool,
    /// Dossiers received, total.
    pub dossiers_total: i64,
    /// Dossiers received online.
    pub dossiers_online: i64,
    /// A1 reference of the row's first table cell.
    pub cell: String,
}

/// A Form B table.
#[derive(Debug, Clone)]
pub struct FormBTable {
    /// Accepted rows.
    pub rows: Vec<ServiceRow>,
    /// Rows set aside for bad cells.
    pub rows_set_aside: usize,
}

/// Reads the procedures under a Form B header.
pub fn read_table(
    grid: &Grid,
    h: &Header<BColumn>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> FormBTable {
    let sheet = grid.name.as_str();
    let span = h.span();
    let text = |r: u32, role: BColumn| {
        h.col(role)
            .map(|c| cell_text(grid.cell(r, c)).trim().to_string())
            .unwrap_or_default()
    };
    if h.col(BColumn::Level).is_none() {
        findings.push(
            Finding::file(
                Rule::ColumnMissing,
                file,
                "Biểu B thiếu cột \"Mức độ DVC trực tuyến\"; các dòng không được tổng hợp",
            )
            .at(sheet, a1(h.top, span.start)),
        );
        return FormBTable {
            rows: Vec::new(),
            rows_set_aside: 0,
        };
    }
    let mut rows = Vec::new();
    let mut set_aside = 0;
    for body in body_rows(grid, h.end(), span.clone(), h.col(BColumn::RowNumber)) {
        let BodyRow::Data(r) = body else { continue };
        let name = text(r, BColumn::ProcedureName);
        let code = text(r, BColumn::ProcedureCode);
        let label = if name.is_empty() {
            code.clone()
        } else {
            name.clone()
        };
        let first = normalize(&label);
        if first.starts_with("tong") || first == "cong" {
            continue; // a total row: counts only, nothing to check against
        }
        let level_cell = h.col(BColumn::Level).map(|c| (c, grid.cell(r, c)));
        let mut problems = Vec::new();
        let level = match level_cell.map(|(c, d)| (c, d, read_level(d))) {
            Some((_, _, CellValue::Ok(Some(l)))) => Some(l),
            Some((c, d, CellValue::Ok(None))) => {
                if !label.is_empty() {
                    problems.push((
                        Rule::ValueNotANumber,
                        "thiếu mức độ DVC trực tuyến".to_string(),
                        c,
                        cell_text(d),
                    ));
                }
                None
            }
            Some((c, d, CellValue::Problem(rule, what))) => {
                problems.push((rule, what, c, cell_text(d)));
                None
            }
            None => None,
        };
        let mut count = |role: BColumn| match h.col(role).map(|c| (c, grid.cell(r, c))) {
            None => 0,
            Some((c, d)) => match read_count(d) {
                CellValue::Ok(v) => v,
                CellValue::Problem(rule, what) => {
                    problems.push((rule, what, c, cell_text(d)));
                    0
                }
            },
        };
        let dossiers_total = count(BColumn::DossiersTotal);
        let dossiers_online = count(BColumn::DossiersOnline);
        if label.is_empty() && level.is_none() && problems.is_empty() {
            continue; // nothing written in the row's key cells
        }
        for (rule, what, c, raw) in &problems {
            findings.push(
                Finding::file(
                    *rule,
                    file,
                    format!("Biểu B, thủ tục \"{label}\": {what}; dòng không được tổng hợp"),
                )
                .at(sheet, a1(r, *c))
                .with_raw(raw.clone()),
            );
        }
        let Some(level) = level.filter(|_| problems.is_empty()) else {
            set_aside += 1;
            continue;
        };
        let mark = |role: BColumn| h.col(role).map(|c| read_yes(grid.cell(r, c)));
        rows.push(ServiceRow {
            procedure_code: code,
            procedure_name: name,
            field: text(r, BColumn::Field),
            level,
            eligible_34: mark(BColumn::Eligible).unwrap_or(true),
            on_national_portal: mark(BColumn::NationalPortal).unwrap_or(false),
            dossiers_total,
            dossiers_online,
            cell: a1(r, span.start),
        });
    }
    rows.shrink_to_fit();
    FormBTable {
        rows,
        rows_set_aside: set_aside,
    }
}
