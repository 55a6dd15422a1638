//! Attainment of the plan's targets for units, districts and the province.
//!
//! Ratios are pooled (Σ numerators / Σ denominators), compared exactly, with the
//! gap of docs/contract.md §7.6. Works on a `dossiers` frame, so a frame edited by an
//! analyst is recomputed the same way.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::forms::{vocabulary, Source};
use cchc_domain::target::{Catalogue, Form, Fraction, Target};
use cchc_domain::unit::Registry;
use polars::prelude::*;

pub use crate::inputs::{period_inputs, FramesRef, Inputs, UnitInputs};
use crate::AnalysisError;

/// The level a figure is computed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// One unit (`scope_id` = unit id).
    Unit,
    /// A district (`scope_id` = the registry's district text).
    District,
    /// The province (`scope_id` = its name).
    Province,
}

impl Scope {
    /// `unit`, `district`, `province`.
    pub fn id(self) -> &'static str {
        match self {
            Scope::Unit => "unit",
            Scope::District => "district",
            Scope::Province => "province",
        }
    }
}

/// Whether a target is met for a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The value meets the threshold.
    Met,
    /// It does not.
    NotMet,
    /// No input feeds this target for this scope.
    NoData,
    /// The denominator is 0.
    NotApplicable,
}

impl Status {
    /// `met`, `not_met`, `no_data`, `not_applicable`.
    pub fn id(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::NoData => "no_data",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// Vietnamese label for reports.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Met => "Đạt",
            Status::NotMet => "Không đạt",
            Status::NoData => "Chưa có số liệu",
            Status::NotApplicable => "Không áp dụng",
        }
    }
}

/// One target at one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Attainment {
    /// The period's key (`2022-Q1`; shared by the period's rows).
    pub period: Arc<str>,
    /// Level.
    pub scope: Scope,
    /// Unit id, district text or province name (shared by the scope's rows).
    pub scope_id: Arc<str>,
    /// Target id (shared by the target's rows).
    pub target_id: Arc<str>,
    /// Pooled numerator (`None` for `no_data` and for a lone ratio).
    pub numerator: Option<Fraction>,
    /// Pooled denominator (`None` for `no_data` and for a lone ratio).
    pub denominator: Option<Fraction>,
    /// The value: numerator / denominator, or a lone ratio (Form D, unit scope only).
    pub value: Option<f64>,
    /// Status.
    pub status: Status,
    /// Items short of the target (`None` for `no_data`, `not_applicable` and a lone ratio).
    pub gap: Option<i128>,
}

impl Attainment {
    /// The value as a float, when defined.
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

/// What a target's figure is for one scope.
#[derive(Debug, Clone, Copy)]
enum Figure {
    /// No input feeds it.
    None,
    /// A numerator and a denominator.
    Pair(Fraction, Fraction),
    /// A count target's value (no denominator).
    Count(Fraction),
    /// A ratio given alone (Form D, unit scope).
    Lone(f64),
}

impl Figure {
    /// Pools another scope's figure into this one (lone ratios are not pooled).
    fn pool(&mut self, o: Figure) {
        *self = match (*self, o) {
            (Figure::None, Figure::Pair(n, d)) => Figure::Pair(n, d),
            (Figure::None, Figure::Count(n)) => Figure::Count(n),
            (Figure::Pair(a, b), Figure::Pair(n, d)) => Figure::Pair(a + n, b + d),
            (Figure::Count(a), Figure::Count(n)) => Figure::Count(a + n),
            (kept, _) => kept,
        };
    }
}

/// Which Form D measure (by index) is the row's numerator (`true`) or denominator.
fn form_d_sides() -> Vec<bool> {
    vocabulary()
        .form(Form::D)
        .measures
        .iter()
        .map(|m| matches!(&m.source, Source::Row(side) if side == "numerator"))
        .collect()
}

/// A target's figure for one unit, from the expressions of the catalogue.
fn figure(target: &Target, x: &Inputs, d_sides: &[bool]) -> Figure {
    let pair = |n: Option<Fraction>, d: Option<Option<Fraction>>| match (n, d) {
        (Some(n), Some(Some(d))) => Figure::Pair(n, d),
        (Some(n), None) => Figure::Count(n),
        _ => Figure::None,
    };
    match target.form {
        Form::D => match (x.d.get(&target.id), x.d_lone.get(&target.id)) {
            (Some(&(n, d)), _) => {
                let side = |m: usize| Some(if d_sides.get(m) == Some(&true) { n } else { d });
                pair(
                    target.numerator.eval(side),
                    target.denominator.as_ref().map(|e| e.eval(side)),
                )
            }
            (None, Some(r)) => Figure::Lone(*r),
            (None, None) => Figure::None,
        },
        form => {
            let Some(values) = x.form(form) else {
                return Figure::None;
            };
            let value = |m: usize| values.get(m).copied().flatten();
            let eval = |e: &cchc_domain::expr::Linear| e.eval_int(value).map(Fraction::int);
            pair(
                eval(&target.numerator),
                target.denominator.as_ref().map(eval),
            )
        }
    }
}

fn judge(
    period: &Arc<str>,
    scope: Scope,
    scope_id: &Arc<str>,
    (target, target_id): (&Target, &Arc<str>),
    figure: Figure,
) -> Attainment {
    let base = Attainment {
        period: Arc::clone(period),
        scope,
        scope_id: Arc::clone(scope_id),
        target_id: Arc::clone(target_id),
        numerator: None,
        denominator: None,
        value: None,
        status: Status::NoData,
        gap: None,
    };
    let status = |met: bool| if met { Status::Met } else { Status::NotMet };
    match figure {
        Figure::None => base,
        Figure::Pair(n, d) if d.is_zero() => Attainment {
            numerator: Some(n),
            denominator: Some(d),
            status: Status::NotApplicable,
            ..base
        },
        Figure::Pair(n, d) => Attainment {
            numerator: Some(n),
            denominator: Some(d),
            value: Some(n.to_f64() / d.to_f64()),
            status: status(target.is_met_fraction(n, d)),
            gap: Some(target.gap_fraction(n, d)),
            ..base
        },
        Figure::Count(n) => {
            let one = Fraction::int(1);
            Attainment {
                numerator: Some(n),
                value: Some(n.to_f64()),
                status: status(target.is_met_fraction(n, one)),
                gap: Some(target.gap_fraction(n, one)),
                ..base
            }
        }
        Figure::Lone(r) => {
            let met =
                Fraction::from_f64(r).is_some_and(|f| target.is_met_fraction(f, Fraction::int(1)));
            Attainment {
                value: Some(r),
                status: status(met),
                ..base
            }
        }
    }
}

/// Attainment of every catalogue target for every registry unit, every district and
/// the province, in every period the frames hold (each in its own, in the order
/// `periods` gives; a period the frames hold and `periods` omits is left out, and
/// `None` takes them all in key order). `registry_for` gives the units valid in a
/// period. Ratios are pooled (Σ numerators / Σ denominators); a unit, district or
/// province with no input for a target gets `no_data`.
///
/// # Errors
/// [`AnalysisError::Frame`] when a frame lacks a column or has a wrong type.
pub fn attainment<'r>(
    frames: FramesRef<'_>,
    periods: Option<&[String]>,
    registry_for: &dyn Fn(&str) -> std::borrow::Cow<'r, Registry>,
    catalogue: &Catalogue,
    province: &str,
) -> Result<Vec<Attainment>, AnalysisError> {
    let inputs = period_inputs(&frames)?;
    let keys: Vec<String> = match periods {
        Some(p) => p.to_vec(),
        None => inputs.keys().cloned().collect(),
    };
    Ok(attainment_of_periods(
        &inputs,
        &keys,
        registry_for,
        catalogue,
        province,
    ))
}

/// [`attainment_of`] for each of `periods` in that order (a period without inputs:
/// every row `no_data`), from per-period inputs already read ([`period_inputs`]).
pub fn attainment_of_periods<'r>(
    inputs: &BTreeMap<String, UnitInputs>,
    periods: &[String],
    registry_for: &dyn Fn(&str) -> std::borrow::Cow<'r, Registry>,
    catalogue: &Catalogue,
    province: &str,
) -> Vec<Attainment> {
    let empty = UnitInputs::new();
    let mut out = Vec::new();
    for period in periods {
        let units = inputs.get(period).unwrap_or(&empty);
        let part = attainment_of(units, &registry_for(period), catalogue, province, period);
        // One period (the usual run): its rows are the table, not copied into another
        // (200,000 rows at 10,000 units).
        if out.is_empty() {
            out = part;
        } else {
            out.extend(part);
        }
    }
    out
}

/// [`attainment`] of one period from per-unit inputs already read from the frames
/// ([`period_inputs`]). Each unit's figure comes from the catalogue's expressions over
/// its own measures; a district or the province pools the numerators and denominators
/// of the units that have one (a unit without an optional measure is left out of that
/// target's pool).
pub fn attainment_of(
    units: &UnitInputs,
    registry: &Registry,
    catalogue: &Catalogue,
    province: &str,
    period: &str,
) -> Vec<Attainment> {
    let period: Arc<str> = Arc::from(period);
    let district_of: BTreeMap<&str, &str> = registry
        .units()
        .iter()
        .map(|u| (u.unit_id.as_str(), u.district.as_str()))
        .collect();
    let mut unit_ids: Vec<&str> = registry
        .units()
        .iter()
        .map(|u| u.unit_id.as_str())
        .collect();
    unit_ids.extend(
        units
            .keys()
            .map(String::as_str)
            .filter(|id| !district_of.contains_key(id)),
    );
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let mut districts = registry.districts();
    districts.sort();
    districts.dedup();
    let n_targets = catalogue.targets.len();
    // Sized once: a row per target for every unit, every district and the province
    // (a growing vector holds up to twice that).
    let mut out = Vec::with_capacity((unit_ids.len() + districts.len() + 1) * n_targets);
    // Ids are shared by the rows that carry them (200,000 rows at 10,000 units).
    let target_ids: Vec<Arc<str>> = catalogue
        .targets
        .iter()
        .map(|t| Arc::from(t.id.as_str()))
        .collect();
    let targets = || catalogue.targets.iter().zip(&target_ids);
    let d_sides = form_d_sides();
    let mut by_district: BTreeMap<&str, Vec<Figure>> = BTreeMap::new();
    let mut province_figures = vec![Figure::None; n_targets];
    let empty = Inputs::default();
    for id in unit_ids {
        let x = units.get(id).unwrap_or(&empty);
        let scope_id: Arc<str> = Arc::from(id);
        let district = district_of.get(id).copied().unwrap_or("");
        let pool = by_district
            .entry(district)
            .or_insert_with(|| vec![Figure::None; n_targets]);
        for (k, t) in targets().enumerate() {
            let f = figure(t.0, x, &d_sides);
            if !matches!(f, Figure::None | Figure::Lone(_)) {
                pool[k].pool(f);
                province_figures[k].pool(f);
            }
            out.push(judge(&period, Scope::Unit, &scope_id, t, f));
        }
    }
    let none = vec![Figure::None; n_targets];
    for d in &districts {
        let figures = by_district.get(d.as_str()).unwrap_or(&none);
        let scope_id: Arc<str> = Arc::from(d.as_str());
        for (t, f) in targets().zip(figures) {
            out.push(judge(&period, Scope::District, &scope_id, t, *f));
        }
    }
    let scope_id: Arc<str> = Arc::from(province);
    for (t, f) in targets().zip(&province_figures) {
        out.push(judge(&period, Scope::Province, &scope_id, t, *f));
    }
    out
}

/// The columns of `attainment.csv` and of [`attainment_frame`], in order.
pub const ATTAINMENT_COLUMNS: [&str; 11] = [
    "scope",
    "scope_id",
    "period",
    "target_id",
    "numerator",
    "denominator",
    "value",
    "threshold",
    "comparator",
    "status",
    "gap",
];

/// The attainment table as a frame with the columns of `attainment.csv`.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn attainment_frame(
    rows: &[Attainment],
    catalogue: &Catalogue,
) -> Result<DataFrame, AnalysisError> {
    let target = |id: &str| catalogue.get(id);
    let n = rows.len();
    let to_i64 = |v: Option<i128>| v.and_then(|x| i64::try_from(x).ok());
    let to_f64 = |v: Option<Fraction>| v.map(Fraction::to_f64);
    let columns = vec![
        Column::new(
            "scope".into(),
            rows.iter().map(|r| r.scope.id()).collect::<Vec<_>>(),
        ),
        Column::new(
            "scope_id".into(),
            rows.iter().map(|r| &*r.scope_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "period".into(),
            rows.iter().map(|r| &*r.period).collect::<Vec<_>>(),
        ),
        Column::new(
            "target_id".into(),
            rows.iter().map(|r| &*r.target_id).collect::<Vec<_>>(),
        ),
        Column::new(
            "numerator".into(),
            rows.iter().map(|r| to_f64(r.numerator)).collect::<Vec<_>>(),
        ),
        Column::new(
            "denominator".into(),
            rows.iter()
                .map(|r| to_f64(r.denominator))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            rows.iter().map(Attainment::value).collect::<Vec<_>>(),
        ),
        Column::new(
            "threshold".into(),
            rows.iter()
                .map(|r| target(&r.target_id).map(|t| t.threshold.to_f64()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "comparator".into(),
            rows.iter()
                .map(|r| target(&r.target_id).map(|t| t.comparator.symbol()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "status".into(),
            rows.iter().map(|r| r.status.id()).collect::<Vec<_>>(),
        ),
        Column::new(
            "gap".into(),
            rows.iter().map(|r| to_i64(r.gap)).collect::<Vec<_>>(),
        ),
    ];
    debug_assert!(columns
        .iter()
        .map(|c| c.name().as_str())
        .eq(ATTAINMENT_COLUMNS));
    Ok(DataFrame::new(n, columns)?)
}
