//! The "by unit" and "by district" tables every form shares: figures per unit
//! with a SUM total row, and district rows as SUMIF formulas over the unit sheet,
//! each formula with its cached result; optional rate columns as formulas.

use std::collections::BTreeMap;

use cchc_domain::unit::Unit;
use rust_xlsxwriter::{Format, Formula, Worksheet};

use crate::workbook::{col_letters, column_formats, headers, setup, Formats, DATA_ROW};
use crate::ReportError;

/// A rate column: label, numerator columns (added up), denominator column
/// (indices into the values).
pub struct Rate {
    /// Column label.
    pub label: &'static str,
    /// Indices of the numerator's columns among the value columns.
    pub num: &'static [usize],
    /// Indices of the denominator's columns.
    pub den: &'static [usize],
}

/// One form's table by unit and by district.
pub struct FormTables<'a> {
    /// Sheet of the unit table.
    pub unit_sheet: &'a str,
    /// Sheet of the district table.
    pub district_sheet: &'a str,
    /// Title of the unit table.
    pub unit_title: &'a str,
    /// Title of the district table.
    pub district_title: &'a str,
    /// Line under the titles (unit of measure).
    pub note: &'a str,
    /// Value column labels.
    pub columns: Vec<&'a str>,
    /// Rate columns after the values.
    pub rates: Vec<Rate>,
    /// Units with figures, in registry order.
    pub rows: Vec<(&'a Unit, Vec<i128>)>,
    /// Every district of the registry, sorted.
    pub districts: Vec<String>,
}

/// Where the rows of a unit table landed (0-based, inclusive), for charts.
pub struct Placed {
    /// First data row.
    pub first: u32,
    /// Last data row (the total row is the next one).
    pub last: u32,
    /// First value column.
    pub first_value_col: u16,
}

fn rate_cached(values: &[i128], r: &Rate) -> String {
    let (n, d) = (
        r.num.iter().map(|k| values[*k]).sum::<i128>(),
        r.den.iter().map(|k| values[*k]).sum::<i128>(),
    );
    if d == 0 {
        String::new()
    } else {
        (n as f64 / d as f64).to_string()
    }
}

fn write_rates(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    value_col: u16,
    values: &[i128],
    rates: &[Rate],
    format: Option<&Format>,
) -> Result<(), ReportError> {
    use std::fmt::Write as _;
    let nv = values.len() as u16;
    let row1 = row + 1;
    // `E7` or `(E7+F7)`: written into `out` (a formula per rate and row; building each
    // reference as its own string was a third of these sheets' work).
    let sum = |out: &mut String, cols: &[usize]| {
        if cols.len() > 1 {
            out.push('(');
        }
        for (i, k) in cols.iter().enumerate() {
            if i > 0 {
                out.push('+');
            }
            let _ = write!(out, "{}{row1}", col_letters(value_col + *k as u16));
        }
        if cols.len() > 1 {
            out.push(')');
        }
    };
    for (k, r) in rates.iter().enumerate() {
        let (mut n, mut d) = (String::new(), String::new());
        sum(&mut n, r.num);
        sum(&mut d, r.den);
        let formula =
            Formula::new(format!("=IF({d}>0,{n}/{d},\"\")")).set_result(rate_cached(values, r));
        match format {
            Some(fmt) => {
                ws.write_formula_with_format(row, value_col + nv + k as u16, formula, fmt)?
            }
            None => ws.write_formula(row, value_col + nv + k as u16, formula)?,
        };
    }
    Ok(())
}

/// Writes both tables, the unit table into `units` (a constant-memory worksheet: its
/// strings are written inline, so it can be filled on any thread) and the district
/// table into `districts`; returns where the unit rows and the district rows are.
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value.
pub fn write_form_tables(
    units: &mut Worksheet,
    districts: &mut Worksheet,
    f: &Formats,
    period_text: &str,
    t: &FormTables<'_>,
) -> Result<(Placed, Placed), ReportError> {
    let nv = t.columns.len();
    let first = DATA_ROW;
    let last = DATA_ROW + t.rows.len().max(1) as u32 - 1;
    let unit_placed = {
        let ws = units;
        ws.set_formula_result_default("");
        setup(ws, t.unit_sheet, t.unit_title, period_text, f)?;
        ws.write_string_with_format(2, 0, t.note, &f.plain)?;
        let mut cols: Vec<(&str, f64)> = vec![
            ("STT", 5.0),
            ("Mã đơn vị", 18.0),
            ("Tên đơn vị", 40.0),
            ("Huyện/TX/TP", 14.0),
        ];
        cols.extend(t.columns.iter().map(|c| (*c, 12.0)));
        cols.extend(t.rates.iter().map(|r| (r.label, 11.0)));
        headers(ws, &cols, f)?;
        let mut formats: Vec<&Format> = vec![&f.int, &f.text, &f.text, &f.text];
        formats.extend(std::iter::repeat_n(&f.int, nv));
        formats.extend(std::iter::repeat_n(&f.pct, t.rates.len()));
        column_formats(ws, &formats)?;
        let mut totals = vec![0i128; nv];
        for (i, (u, values)) in t.rows.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number(r, 0, (i + 1) as f64)?;
            ws.write_string(r, 1, &u.unit_id)?;
            ws.write_string(r, 2, &u.name)?;
            ws.write_string(r, 3, &u.district)?;
            for (k, v) in values.iter().enumerate() {
                ws.write_number(r, 4 + k as u16, *v as f64)?;
                totals[k] += v;
            }
            write_rates(ws, r, 4, values, &t.rates, None)?;
        }
        let tr = DATA_ROW + t.rows.len() as u32;
        ws.write_string_with_format(tr, 2, "Tổng cộng", &f.total_text)?;
        for (k, total) in totals.iter().enumerate() {
            let c = 4 + k as u16;
            let l = col_letters(c);
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", first + 1, last + 1))
                .set_result(total.to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
        write_rates(ws, tr, 4, &totals, &t.rates, Some(&f.pct))?;
        Placed {
            first,
            last: DATA_ROW + t.rows.len() as u32 - u32::from(!t.rows.is_empty()),
            first_value_col: 4,
        }
    };
    let district_placed = {
        let mut by_district: BTreeMap<&str, Vec<i128>> = BTreeMap::new();
        for (u, values) in &t.rows {
            let e = by_district
                .entry(u.district.as_str())
                .or_insert(vec![0; nv]);
            for (k, v) in values.iter().enumerate() {
                e[k] += v;
            }
        }
        let ws = districts;
        ws.set_formula_result_default("");
        setup(ws, t.district_sheet, t.district_title, period_text, f)?;
        ws.write_string_with_format(
            2,
            0,
            "Gồm phòng GDĐT và các trường, trung tâm trên địa bàn",
            &f.plain,
        )?;
        let mut cols: Vec<(&str, f64)> = vec![("STT", 5.0), ("Huyện/TX/TP", 18.0)];
        cols.extend(t.columns.iter().map(|c| (*c, 12.0)));
        cols.extend(t.rates.iter().map(|r| (r.label, 11.0)));
        headers(ws, &cols, f)?;
        let mut totals = vec![0i128; nv];
        let sheet = t.unit_sheet;
        for (i, d) in t.districts.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, d, &f.text)?;
            let values = by_district.get(d.as_str()).cloned().unwrap_or(vec![0; nv]);
            for (k, v) in values.iter().enumerate() {
                let src = col_letters(4 + k as u16);
                let formula = Formula::new(format!(
                    "=SUMIF('{sheet}'!$D${}:$D${},$B{},'{sheet}'!{src}${}:{src}${})",
                    first + 1,
                    last + 1,
                    r + 1,
                    first + 1,
                    last + 1
                ))
                .set_result(v.to_string());
                ws.write_formula_with_format(r, 2 + k as u16, formula, &f.int)?;
                totals[k] += v;
            }
            write_rates(ws, r, 2, &values, &t.rates, Some(&f.pct))?;
        }
        let tr = DATA_ROW + t.districts.len() as u32;
        ws.write_string_with_format(tr, 1, "Toàn tỉnh", &f.total_text)?;
        for (k, total) in totals.iter().enumerate() {
            let c = 2 + k as u16;
            let l = col_letters(c);
            let end = DATA_ROW + t.districts.len().max(1) as u32;
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", DATA_ROW + 1, end))
                .set_result(total.to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
        write_rates(ws, tr, 2, &totals, &t.rates, Some(&f.pct))?;
        Placed {
            first: DATA_ROW,
            last: DATA_ROW + t.districts.len().max(1) as u32 - 1,
            first_value_col: 2,
        }
    };
    Ok((unit_placed, district_placed))
}
