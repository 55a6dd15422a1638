//! The "by unit" and "by district" tables forms A, B and C share: each measure of the
//! form per unit with a SUM total row, district rows as SUMIF formulas over the unit
//! sheet, each formula with its cached result, then a rate column per catalogue target
//! of the form, written from the target's own expressions.
//!
//! A cell holds a figure only where every row it stands for carries the measure (an
//! optional column a unit's table left out stays blank, and so do the rates over it):
//! a partial sum would pass for a total.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cchc_analysis::attainment::Inputs;
use cchc_domain::forms::{vocabulary, Form};
use cchc_domain::target::{Catalogue, Target};
use cchc_domain::unit::{Registry, Unit};
use rust_xlsxwriter::{Format, Formula, Worksheet};

use crate::style::{col_letters, column_formats, headers, setup, Formats, DATA_ROW};
use crate::ReportError;

/// One form's table by unit and by district.
pub struct FormTables<'a> {
    /// Sheet names, titles and the note under them.
    pub labels: FormLabels<'a>,
    /// The form's measures shown, by index in the form's measures, with their labels.
    pub columns: Vec<(usize, &'a str)>,
    /// Rate columns after the values: the catalogue's targets of the form, in order.
    pub rates: Vec<&'a Target>,
    /// Units with figures, in registry order, each measure's value by column.
    pub rows: Vec<(&'a Unit, Vec<Option<i128>>)>,
    /// Every district of the registry, sorted.
    pub districts: Vec<String>,
    /// The value column of each of the form's measures (by index in its measures): a
    /// measure shown under another name's column maps to that one.
    pub column_of: Vec<Option<usize>>,
}

/// Sheet titles and the note under them, for one form's two tables.
pub struct FormLabels<'a> {
    /// Sheet of the unit table.
    pub unit_sheet: &'a str,
    /// Sheet of the district table.
    pub district_sheet: &'a str,
    /// Title of the unit table.
    pub unit_title: &'a str,
    /// Title of the district table.
    pub district_title: &'a str,
    /// Line under the titles.
    pub note: &'a str,
}

impl<'a> FormTables<'a> {
    /// The tables of `form` (A, B or C): every measure of the form that is not a
    /// second name for an earlier one's figures, the optional ones only when some unit
    /// carries them; a rate column per target of the form.
    pub fn new(
        form: Form,
        labels: FormLabels<'a>,
        inputs: &BTreeMap<String, Inputs>,
        registry: &'a Registry,
        catalogue: &'a Catalogue,
    ) -> FormTables<'a> {
        let def = vocabulary().form(form);
        let rows_all: Vec<(&Unit, &[Option<i128>])> = registry
            .units()
            .iter()
            .filter_map(|u| inputs.get(&u.unit_id)?.form(form).map(|v| (u, v)))
            .collect();
        let columns: Vec<(usize, &str)> = def
            .measures
            .iter()
            .enumerate()
            .filter(|(k, m)| !def.measures[..*k].iter().any(|e| e.source == m.source))
            .filter(|(k, m)| {
                form != Form::A || m.required || rows_all.iter().any(|(_, v)| v[*k].is_some())
            })
            .map(|(k, m)| (k, m.label.as_str()))
            .collect();
        let rows = rows_all
            .iter()
            .map(|(u, v)| (*u, columns.iter().map(|(k, _)| v[*k]).collect()))
            .collect();
        let column_of = def
            .measures
            .iter()
            .map(|m| {
                columns
                    .iter()
                    .position(|(k, _)| def.measures[*k].source == m.source)
            })
            .collect();
        FormTables {
            labels,
            rates: catalogue
                .targets
                .iter()
                .filter(|t| t.form == form)
                .collect(),
            columns,
            rows,
            districts: registry.districts(),
            column_of,
        }
    }
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

/// A rate's value over one row's values, `None` when a measure it reads is blank
/// there, `Some(None)` when its denominator is 0.
fn rate_value(
    t: &Target,
    values: &[Option<i128>],
    column_of: &[Option<usize>],
) -> Option<Option<f64>> {
    let value = |m: usize| column_of.get(m).copied().flatten().and_then(|c| values[c]);
    let n = t.numerator.eval_int(value)?;
    match &t.denominator {
        None => Some(Some(n as f64)),
        Some(d) => {
            let d = d.eval_int(value)?;
            Some((d != 0).then(|| n as f64 / d as f64))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_rates(
    ws: &mut Worksheet,
    row: u32,
    value_col: u16,
    values: &[Option<i128>],
    t: &FormTables<'_>,
    f: &Formats,
    styled: bool,
) -> Result<(), ReportError> {
    let nv = t.columns.len() as u16;
    let row1 = row + 1;
    // A measure's cell, `E7`, written straight into the formula (a string per
    // reference was a third of these sheets' work).
    let cell = |out: &mut String, m: usize| {
        let c = t.column_of.get(m).copied().flatten().unwrap_or(0);
        out.push_str(&col_letters(value_col + c as u16));
        let _ = write!(out, "{row1}");
    };
    for (k, target) in t.rates.iter().enumerate() {
        let c = value_col + nv + k as u16;
        let Some(value) = rate_value(target, values, &t.column_of) else {
            ws.write_blank(row, c, if target.is_count() { &f.int } else { &f.pct })?;
            continue;
        };
        let cached = value.map_or(String::new(), |v| v.to_string());
        let mut text = String::with_capacity(48);
        match &target.denominator {
            Some(d) => {
                let mut den = String::with_capacity(16);
                d.write_formula(&mut den, cell);
                text.push_str("=IF(");
                text.push_str(&den);
                text.push_str("<>0,");
                target.numerator.write_formula(&mut text, cell);
                text.push('/');
                text.push_str(&den);
                text.push_str(",\"\")");
            }
            None => {
                text.push('=');
                target.numerator.write_formula(&mut text, cell);
            }
        }
        let formula = Formula::new(text).set_result(cached);
        match (styled, target.is_count()) {
            (true, false) => ws.write_formula_with_format(row, c, formula, &f.pct)?,
            (true, true) => ws.write_formula_with_format(row, c, formula, &f.total_int)?,
            (false, _) => ws.write_formula(row, c, formula)?,
        };
    }
    Ok(())
}

/// Adds `v` into `total`: a total stays blank once a row lacks the value.
fn add_into(total: &mut [Option<i128>], v: &[Option<i128>]) {
    for (t, v) in total.iter_mut().zip(v) {
        *t = t.zip(*v).map(|(a, b)| a + b);
    }
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
    let value_labels = t.columns.iter().map(|(_, l)| (*l, 12.0));
    let rate_labels = t.rates.iter().map(|r| (r.name.as_str(), 11.0));
    let rate_formats = t
        .rates
        .iter()
        .map(|r| if r.is_count() { &f.int } else { &f.pct });
    let unit_placed = {
        let ws = units;
        ws.set_formula_result_default("");
        setup(ws, t.labels.unit_sheet, t.labels.unit_title, period_text, f)?;
        ws.write_string_with_format(2, 0, t.labels.note, &f.plain)?;
        let mut cols: Vec<(&str, f64)> = vec![
            ("STT", 5.0),
            ("Mã đơn vị", 18.0),
            ("Tên đơn vị", 40.0),
            ("Huyện/TX/TP", 14.0),
        ];
        cols.extend(value_labels.clone());
        cols.extend(rate_labels.clone());
        headers(ws, &cols, f)?;
        let mut formats: Vec<&Format> = vec![&f.int, &f.text, &f.text, &f.text];
        formats.extend(std::iter::repeat_n(&f.int, nv));
        formats.extend(rate_formats.clone());
        column_formats(ws, &formats)?;
        let mut totals = vec![Some(0i128); nv];
        for (i, (u, values)) in t.rows.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number(r, 0, (i + 1) as f64)?;
            ws.write_string(r, 1, &u.unit_id)?;
            ws.write_string(r, 2, &u.name)?;
            ws.write_string(r, 3, &u.district)?;
            for (k, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    ws.write_number(r, 4 + k as u16, *v as f64)?;
                }
            }
            add_into(&mut totals, values);
            write_rates(ws, r, 4, values, t, f, false)?;
        }
        let tr = DATA_ROW + t.rows.len() as u32;
        ws.write_string_with_format(tr, 2, "Tổng cộng", &f.total_text)?;
        for (k, total) in totals.iter().enumerate() {
            let c = 4 + k as u16;
            let Some(total) = total else {
                ws.write_blank(tr, c, &f.total_int)?;
                continue;
            };
            // No rows: the total is 0, not a sum of its own cell (a circular reference).
            if t.rows.is_empty() {
                ws.write_number_with_format(tr, c, 0.0, &f.total_int)?;
                continue;
            }
            let l = col_letters(c);
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", first + 1, last + 1))
                .set_result(total.to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
        write_rates(ws, tr, 4, &totals, t, f, true)?;
        Placed {
            first,
            last: DATA_ROW + t.rows.len() as u32 - u32::from(!t.rows.is_empty()),
            first_value_col: 4,
        }
    };
    let district_placed = {
        let mut by_district: BTreeMap<&str, Vec<Option<i128>>> = BTreeMap::new();
        for (u, values) in &t.rows {
            let e = by_district
                .entry(u.district.as_str())
                .or_insert(vec![Some(0); nv]);
            add_into(e, values);
        }
        let ws = districts;
        ws.set_formula_result_default("");
        setup(
            ws,
            t.labels.district_sheet,
            t.labels.district_title,
            period_text,
            f,
        )?;
        ws.write_string_with_format(
            2,
            0,
            "Gồm phòng GDĐT và các trường, trung tâm trên địa bàn",
            &f.plain,
        )?;
        let mut cols: Vec<(&str, f64)> = vec![("STT", 5.0), ("Huyện/TX/TP", 18.0)];
        cols.extend(value_labels);
        cols.extend(rate_labels);
        headers(ws, &cols, f)?;
        let mut totals = vec![Some(0i128); nv];
        let sheet = t.labels.unit_sheet;
        for (i, d) in t.districts.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, d, &f.text)?;
            let values = by_district
                .get(d.as_str())
                .cloned()
                .unwrap_or(vec![Some(0); nv]);
            for (k, v) in values.iter().enumerate() {
                let Some(v) = v else {
                    ws.write_blank(r, 2 + k as u16, &f.int)?;
                    continue;
                };
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
            }
            add_into(&mut totals, &values);
            write_rates(ws, r, 2, &values, t, f, true)?;
        }
        let tr = DATA_ROW + t.districts.len() as u32;
        ws.write_string_with_format(tr, 1, "Toàn tỉnh", &f.total_text)?;
        for (k, total) in totals.iter().enumerate() {
            let c = 2 + k as u16;
            let Some(total) = total else {
                ws.write_blank(tr, c, &f.total_int)?;
                continue;
            };
            if t.districts.is_empty() {
                ws.write_number_with_format(tr, c, 0.0, &f.total_int)?;
                continue;
            }
            let l = col_letters(c);
            let end = DATA_ROW + t.districts.len() as u32;
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", DATA_ROW + 1, end))
                .set_result(total.to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
        write_rates(ws, tr, 2, &totals, t, f, true)?;
        Placed {
            first: DATA_ROW,
            last: DATA_ROW + t.districts.len().max(1) as u32 - 1,
            first_value_col: 2,
        }
    };
    Ok((unit_placed, district_placed))
}
