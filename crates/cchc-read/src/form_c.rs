//! Form C (staffing and public service units): two years read from the headers.

use cchc_domain::columns::{CColumn, CMeasure};
use cchc_domain::finding::{a1, Finding, Rule};
use cchc_domain::text::normalize;

use crate::cells::{read_count, CellValue};
use crate::grid::{cell_text, Grid};
use crate::header::{body_rows, BodyRow, Header};

/// One row: a unit or a school level.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    /// `Tên đơn vị` as written.
    pub name: String,
    /// Public service units in the base and current year.
    pub public_units: Option<[i64; 2]>,
    /// State-paid staff in the base and current year.
    pub state_paid_staff: Option<[i64; 2]>,
    /// Staff present, when the form has the column.
    pub staff_present: Option<i64>,
    /// A1 reference of the row's first table cell.
    pub cell: String,
}

/// A Form C table.
#[derive(Debug, Clone)]
pub struct FormCTable {
    /// The earlier year in the headers.
    pub base_year: u16,
    /// The later year.
    pub current_year: u16,
    /// Accepted rows.
    pub rows: Vec<StaffRow>,
    /// Rows set aside for bad cells.
    pub rows_set_aside: usize,
}

/// Reads the rows under a Form C header. `None` (with a `column.missing` finding)
/// when the headers do not name two years for any measure.
pub fn read_table(
    grid: &Grid,
    h: &Header<CColumn>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<FormCTable> {
    let sheet = grid.name.as_str();
    let span = h.span();
    let mut years: Vec<u16> = h
        .columns
        .iter()
        .filter_map(|(_, r)| match r {
            CColumn::Measure(CMeasure::PublicUnits | CMeasure::StatePaidStaff, Some(y)) => Some(*y),
            _ => None,
        })
        .collect();
    years.sort_unstable();
    years.dedup();
    let (Some(&base_year), Some(&current_year)) = (years.first(), years.last()) else {
        return None;
    };
    if base_year == current_year {
        findings.push(
            Finding::file(
                Rule::ColumnMissing,
                file,
                format!(
                    "Biểu C chỉ có số liệu năm {base_year}; cần hai năm (năm gốc và năm báo cáo)"
                ),
            )
            .at(sheet, a1(h.top, span.start)),
        );
        return None;
    }
    let col_of = |m: CMeasure, y: u16| h.col(CColumn::Measure(m, Some(y)));
    let present_col = h
        .columns
        .iter()
        .find(|(_, r)| matches!(r, CColumn::Measure(CMeasure::StaffPresent, _)))
        .map(|(c, _)| *c);
    let mut rows = Vec::new();
    let mut set_aside = 0;
    for body in body_rows(grid, h.end(), span.clone(), h.col(CColumn::RowNumber)) {
        let BodyRow::Data(r) = body else { continue };
        let name = h
            .col(CColumn::UnitName)
            .map(|c| cell_text(grid.cell(r, c)).trim().to_string())
            .unwrap_or_default();
        let n = normalize(&name);
        if n.starts_with("tong") || n == "cong" {
            continue;
        }
        let mut problems = Vec::new();
        let mut read = |c: Option<u32>| {
            c.map(|c| match read_count(grid.cell(r, c)) {
                CellValue::Ok(v) => v,
                CellValue::Problem(rule, what) => {
                    problems.push((rule, what, c, cell_text(grid.cell(r, c))));
                    0
                }
            })
        };
        let pair = |m: CMeasure, read: &mut dyn FnMut(Option<u32>) -> Option<i64>| match (
            read(col_of(m, base_year)),
            read(col_of(m, current_year)),
        ) {
            (Some(b), Some(c)) => Some([b, c]),
            _ => None,
        };
        let public_units = pair(CMeasure::PublicUnits, &mut read);
        let state_paid_staff = pair(CMeasure::StatePaidStaff, &mut read);
        let staff_present = read(present_col);
        for (rule, what, c, raw) in &problems {
            findings.push(
                Finding::file(
                    *rule,
                    file,
                    format!("Biểu C, dòng \"{name}\": {what}; dòng không được tổng hợp"),
                )
                .at(sheet, a1(r, *c))
                .with_raw(raw.clone()),
            );
        }
        if !problems.is_empty() {
            set_aside += 1;
            continue;
        }
        for (label, v) in [
            ("số đơn vị sự nghiệp công lập", public_units),
            ("biên chế hưởng lương từ NSNN", state_paid_staff),
        ] {
            if let Some([b, c]) = v {
                if c > b {
                    findings.push(
                        Finding::file(
                            Rule::StaffIncrease,
                            file,
                            format!("Biểu C, dòng \"{name}\": {label} tăng từ {b} (năm {base_year}) lên {c} (năm {current_year})"),
                        )
                        .at(sheet, a1(r, span.start))
                        .with_raw(format!("{b} → {c}")),
                    );
                }
            }
        }
        rows.push(StaffRow {
            name,
            public_units,
            state_paid_staff,
            staff_present,
            cell: a1(r, span.start),
        });
    }
    rows.shrink_to_fit();
    Some(FormCTable {
        base_year,
        current_year,
        rows,
        rows_set_aside: set_aside,
    })
}
