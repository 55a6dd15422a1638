//! What feeds the targets: each unit's measures read from the frames, as
//! `data/forms.toml` defines them ([`cchc_domain::forms::Source`]).
//!
//! A measure is summed over the unit's rows (Forms A and C), counted over its listed
//! procedures (Form B), or taken from the Form D row matched to a target. A measure the
//! unit's rows do not all carry (an optional column its table left out) has no value,
//! so a target over it is `no_data` for the unit rather than 0.

use std::collections::BTreeMap;

use cchc_domain::forms::{vocabulary, Condition, Form, Source};
use cchc_domain::target::Fraction;
use polars::prelude::*;

use crate::AnalysisError;

/// What feeds the targets for one unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// Forms A, B and C: each measure's value by its index in the form's measures;
    /// `None` for a form the unit sent no rows of, and `Some(None)` for a measure its
    /// rows do not all carry.
    pub forms: [Option<Vec<Option<i128>>>; 3],
    /// Form D numerator and denominator sums per target id (verifiable rows only).
    pub d: BTreeMap<String, (Fraction, Fraction)>,
    /// Form D lone ratios per target id (unit scope only, never pooled).
    pub d_lone: BTreeMap<String, f64>,
}

impl Inputs {
    /// The measures of form A, B or C, when the unit sent rows of it.
    pub fn form(&self, form: Form) -> Option<&[Option<i128>]> {
        match form {
            Form::D => None,
            f => self.forms[f as usize].as_deref(),
        }
    }

    /// One measure's value (`None` for Form D, whose figures are per target).
    pub fn measure(&self, form: Form, index: usize) -> Option<i128> {
        self.form(form)?.get(index).copied().flatten()
    }
}

/// A text column (cast when an analyst's frame holds another type); the caller walks it
/// with `.iter()`, borrowing each value rather than copying it.
pub(crate) fn strings(df: &DataFrame, name: &str) -> Result<StringChunked, AnalysisError> {
    Ok(df
        .column(name)?
        .cast(&DataType::String)?
        .str()?
        .rechunk()
        .into_owned())
}

fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

/// An integer column; an optional Form A column an analyst's frame lacks is all null.
pub(crate) fn ints_or_null(
    df: &DataFrame,
    name: &str,
    optional: bool,
) -> Result<Vec<Option<i64>>, AnalysisError> {
    if optional && df.column(name).is_err() {
        return Ok(vec![None; df.height()]);
    }
    ints(df, name)
}

fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().map(|v| v.unwrap_or(false)).collect())
}

/// Units by period and id while frames are read: each row's slot. A frame's rows come
/// unit by unit, so the slot of the row before is tried first; other keys are found by
/// hash. (A map lookup per row took 1,200 instructions, a fifth of the attainment's
/// work.) A frame without a `period` column has every row in the period `""`.
#[derive(Default)]
struct Slots {
    /// Slot by period, then unit id (looked up by `&str`, without a key to build).
    index: rustc_hash::FxHashMap<String, rustc_hash::FxHashMap<String, usize>>,
    keys: Vec<(String, String)>,
}

impl Slots {
    /// The slot of every row of `df` (`None` for a row without a unit id).
    fn of_rows(&mut self, df: &DataFrame) -> Result<Vec<Option<usize>>, AnalysisError> {
        let ids = strings(df, "unit_id")?;
        let periods = match df.column("period") {
            Ok(_) => Some(strings(df, "period")?),
            Err(_) => None,
        };
        let mut period_iter = periods.as_ref().map(|p| p.iter());
        let mut last: Option<(usize, &str, &str)> = None;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids.iter() {
            let period = period_iter
                .as_mut()
                .and_then(Iterator::next)
                .flatten()
                .unwrap_or("");
            let Some(id) = id else {
                out.push(None);
                continue;
            };
            let slot = match last {
                Some((slot, prev, prev_period)) if prev == id && prev_period == period => slot,
                _ => match self.index.get(period).and_then(|units| units.get(id)) {
                    Some(&s) => s,
                    None => {
                        let slot = self.keys.len();
                        self.keys.push((period.to_string(), id.to_string()));
                        self.index
                            .entry(period.to_string())
                            .or_default()
                            .insert(id.to_string(), slot);
                        slot
                    }
                },
            };
            last = Some((slot, id, period));
            out.push(Some(slot));
        }
        Ok(out)
    }
}

/// Per-unit measure values of one form's frame (A, B or C), by slot.
fn form_measures(
    form: Form,
    df: &DataFrame,
    slots: &[Option<usize>],
    units: usize,
) -> Result<Vec<Option<Vec<Option<i128>>>>, AnalysisError> {
    let def = vocabulary().form(form);
    let mut out: Vec<Option<Vec<Option<i128>>>> = vec![None; units];
    let initial: Vec<Option<i128>> = def
        .measures
        .iter()
        .map(|m| match &m.source {
            // Summed over every row: absent as soon as one row lacks it.
            Source::Sum { rows_with, .. } if rows_with.is_empty() => Some(0),
            // Summed over the rows that carry a pair, or counted: absent until a row counts.
            Source::Sum { .. } => None,
            _ => Some(0),
        })
        .collect();
    for s in slots.iter().flatten() {
        if out[*s].is_none() {
            out[*s] = Some(initial.clone());
        }
    }
    let mut int_cols: BTreeMap<&str, Vec<Option<i64>>> = BTreeMap::new();
    let mut bool_cols: BTreeMap<&str, Vec<bool>> = BTreeMap::new();
    for (k, m) in def.measures.iter().enumerate() {
        match &m.source {
            Source::Sum { column, rows_with } => {
                for c in std::iter::once(column).chain(rows_with) {
                    if !int_cols.contains_key(c.as_str()) {
                        let optional = form == Form::A && !m.required;
                        int_cols.insert(c, ints_or_null(df, c, optional)?);
                    }
                }
                let values = &int_cols[column.as_str()];
                let with: Vec<&Vec<Option<i64>>> =
                    rows_with.iter().map(|c| &int_cols[c.as_str()]).collect();
                for (row, slot) in slots.iter().enumerate() {
                    let Some(acc) = slot.and_then(|s| out[s].as_mut()) else {
                        continue;
                    };
                    let v = values[row].map(i128::from);
                    if with.is_empty() {
                        acc[k] = acc[k].zip(v).map(|(a, b)| a + b);
                    } else if with.iter().all(|c| c[row].is_some()) {
                        acc[k] = Some(acc[k].unwrap_or(0) + v.unwrap_or(0));
                    }
                }
            }
            Source::Count(conditions) => {
                for c in conditions {
                    match c {
                        Condition::OneOf(name, _) if !int_cols.contains_key(name.as_str()) => {
                            int_cols.insert(name, ints(df, name)?);
                        }
                        Condition::Is(name, _) if !bool_cols.contains_key(name.as_str()) => {
                            bool_cols.insert(name, bools(df, name)?);
                        }
                        _ => {}
                    }
                }
                for (row, slot) in slots.iter().enumerate() {
                    let Some(acc) = slot.and_then(|s| out[s].as_mut()) else {
                        continue;
                    };
                    let holds = conditions.iter().all(|c| match c {
                        Condition::OneOf(name, values) => {
                            int_cols[name.as_str()][row].is_some_and(|v| values.contains(&v))
                        }
                        Condition::Is(name, value) => bool_cols[name.as_str()][row] == *value,
                    });
                    if let Some(a) = acc[k].as_mut() {
                        *a += i128::from(holds);
                    }
                }
            }
            Source::Row(_) => {}
        }
    }
    Ok(out)
}

/// The frames attainment is computed from; forms B–D may be absent.
#[derive(Debug, Clone, Copy)]
pub struct FramesRef<'a> {
    /// `dossiers` (Form A).
    pub dossiers: &'a DataFrame,
    /// `online_services` (Form B).
    pub online_services: Option<&'a DataFrame>,
    /// `staffing` (Form C).
    pub staffing: Option<&'a DataFrame>,
    /// `indicators` (Form D).
    pub indicators: Option<&'a DataFrame>,
}

impl<'a> From<&'a crate::frames::Frames> for FramesRef<'a> {
    fn from(f: &'a crate::frames::Frames) -> Self {
        FramesRef {
            dossiers: &f.dossiers,
            online_services: Some(&f.online_services),
            staffing: Some(&f.staffing),
            indicators: Some(&f.indicators),
        }
    }
}

/// Each unit's inputs in one period, keyed by unit id.
pub type UnitInputs = BTreeMap<String, Inputs>;

/// Reads every frame into per-unit inputs, by period key (the frames' `period` column;
/// `""` for frames without one) and unit id: each table counts in its own period.
///
/// # Errors
/// [`AnalysisError::Frame`] when a frame lacks a column (an optional Form A column
/// may be missing) or has a wrong type.
pub fn period_inputs(f: &FramesRef<'_>) -> Result<BTreeMap<String, UnitInputs>, AnalysisError> {
    let mut slots = Slots::default();
    let frames = [Some(f.dossiers), f.online_services, f.staffing];
    let mut rows = Vec::new();
    for df in frames {
        rows.push(df.map(|df| slots.of_rows(df)).transpose()?);
    }
    let indicator_rows = f.indicators.map(|df| slots.of_rows(df)).transpose()?;
    let mut units = vec![Inputs::default(); slots.keys.len()];
    for (k, (df, rows)) in frames.iter().zip(&rows).enumerate() {
        let (Some(df), Some(rows)) = (df, rows) else {
            continue;
        };
        let measures = form_measures(Form::ALL[k], df, rows, units.len())?;
        for (u, m) in units.iter_mut().zip(measures) {
            u.forms[k] = m;
        }
    }
    if let (Some(df), Some(rows)) = (f.indicators, indicator_rows) {
        let targets = strings(df, "target_id")?;
        let (num, den, ratio) = (
            floats(df, "numerator")?,
            floats(df, "denominator")?,
            floats(df, "ratio")?,
        );
        for (i, slot) in rows.iter().enumerate() {
            let (Some(s), Some(t)) = (slot, targets.get(i)) else {
                continue;
            };
            let u = &mut units[*s];
            match (
                num[i].and_then(Fraction::from_f64),
                den[i].and_then(Fraction::from_f64),
            ) {
                (Some(n), Some(d)) => {
                    let e = match u.d.get_mut(t) {
                        Some(e) => e,
                        None => {
                            u.d.entry(t.to_string())
                                .or_insert((Fraction::int(0), Fraction::int(0)))
                        }
                    };
                    *e = (e.0 + n, e.1 + d);
                }
                _ => {
                    if let Some(r) = ratio[i] {
                        u.d_lone.entry(t.to_string()).or_insert(r);
                    }
                }
            }
        }
    }
    let mut out: BTreeMap<String, UnitInputs> = BTreeMap::new();
    for ((period, unit), x) in slots.keys.into_iter().zip(units) {
        out.entry(period).or_default().insert(unit, x);
    }
    Ok(out)
}
