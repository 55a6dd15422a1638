//! Attainment of the plan's targets for units, districts and the province.
//!
//! Ratios are pooled (Σ numerators / Σ denominators), compared exactly, with the
//! gap of DOMAIN §7.6. Works on a `dossiers` frame, so a frame edited by an
//! analyst is recomputed the same way.

use std::collections::BTreeMap;

use cchc_domain::measure::Measure;
use cchc_domain::target::{Catalogue, Form, Target};
use cchc_domain::unit::Registry;
use polars::prelude::*;

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
    /// Level.
    pub scope: Scope,
    /// Unit id, district text or province name.
    pub scope_id: String,
    /// Target id.
    pub target_id: String,
    /// Pooled numerator (`None` for `no_data`).
    pub numerator: Option<i128>,
    /// Pooled denominator (`None` for `no_data`).
    pub denominator: Option<i128>,
    /// Status.
    pub status: Status,
    /// Items short of the target (`None` for `no_data` and `not_applicable`).
    pub gap: Option<i128>,
}

impl Attainment {
    /// numerator / denominator as a float, when defined.
    pub fn value(&self) -> Option<f64> {
        match (self.numerator, self.denominator) {
            (Some(n), Some(d)) if d != 0 => Some(n as f64 / d as f64),
            _ => None,
        }
    }
}

/// Sums of the Form A measures per unit, from a `dossiers` frame.
///
/// # Errors
/// [`AnalysisError::Frame`] when a column is missing or not numeric.
pub fn unit_sums(dossiers: &DataFrame) -> Result<BTreeMap<String, [i128; 11]>, AnalysisError> {
    let ids = dossiers.column("unit_id")?.cast(&DataType::String)?;
    let ids = ids.str()?;
    let mut cols = Vec::new();
    for m in Measure::ALL {
        cols.push(dossiers.column(m.id())?.cast(&DataType::Int64)?);
    }
    let mut sums: BTreeMap<String, [i128; 11]> = BTreeMap::new();
    for i in 0..dossiers.height() {
        let Some(id) = ids.get(i) else { continue };
        let entry = sums.entry(id.to_string()).or_insert([0; 11]);
        for (k, col) in cols.iter().enumerate() {
            entry[k] += i128::from(col.i64()?.get(i).unwrap_or(0));
        }
    }
    Ok(sums)
}

/// Numerator and denominator of a Form A target from pooled measure sums.
fn form_a_ratio(target_id: &str, s: &[i128; 11]) -> Option<(i128, i128)> {
    let v = |m: Measure| s[m.index()];
    match target_id {
        "tthc.on_time" => Some((v(Measure::ResolvedEarly) + v(Measure::ResolvedOnTime), v(Measure::ResolvedTotal))),
        "tthc.early" => Some((v(Measure::ResolvedEarly), v(Measure::ResolvedTotal))),
        "dvc.online_dossiers" => Some((v(Measure::ReceivedOnline), v(Measure::ReceivedOnline) + v(Measure::ReceivedDirect))),
        _ => None,
    }
}

fn judge(scope: Scope, scope_id: &str, target: &Target, ratio: Option<(i128, i128)>) -> Attainment {
    let (numerator, denominator, status, gap) = match ratio {
        None => (None, None, Status::NoData, None),
        Some((n, 0)) => (Some(n), Some(0), Status::NotApplicable, None),
        Some((n, d)) => {
            let status = if target.is_met(n, d) { Status::Met } else { Status::NotMet };
            (Some(n), Some(d), status, Some(target.gap(n, d)))
        }
    };
    Attainment { scope, scope_id: scope_id.to_string(), target_id: target.id.clone(), numerator, denominator, status, gap }
}

/// Attainment of every catalogue target for every registry unit, every district and
/// the province, from a `dossiers` frame. Units with no rows get `no_data`; targets
/// fed by forms not read yet get `no_data`.
///
/// # Errors
/// [`AnalysisError::Frame`] when the frame lacks a column or has a non-numeric measure.
pub fn attainment(
    dossiers: &DataFrame,
    registry: &Registry,
    catalogue: &Catalogue,
    province: &str,
) -> Result<Vec<Attainment>, AnalysisError> {
    let sums = unit_sums(dossiers)?;
    let district_of: BTreeMap<&str, &str> =
        registry.units().iter().map(|u| (u.unit_id.as_str(), u.district.as_str())).collect();
    let mut by_district: BTreeMap<String, [i128; 11]> = BTreeMap::new();
    let mut province_sum: Option<[i128; 11]> = None;
    for (unit, s) in &sums {
        let d = district_of.get(unit.as_str()).copied().unwrap_or("");
        let entry = by_district.entry(d.to_string()).or_insert([0; 11]);
        let p = province_sum.get_or_insert([0; 11]);
        for k in 0..11 {
            entry[k] += s[k];
            p[k] += s[k];
        }
    }
    let ratio = |target: &Target, s: Option<&[i128; 11]>| match target.form {
        Form::A => s.and_then(|s| form_a_ratio(&target.id, s)),
        Form::B | Form::C | Form::D => None,
    };
    let mut out = Vec::new();
    let mut unit_ids: Vec<&str> = registry.units().iter().map(|u| u.unit_id.as_str()).collect();
    unit_ids.extend(sums.keys().map(String::as_str).filter(|id| !district_of.contains_key(id)));
    unit_ids.sort_unstable();
    unit_ids.dedup();
    for id in unit_ids {
        for t in &catalogue.targets {
            out.push(judge(Scope::Unit, id, t, ratio(t, sums.get(id))));
        }
    }
    let mut districts = registry.districts();
    districts.extend(by_district.keys().filter(|d| !d.is_empty()).cloned());
    districts.sort();
    districts.dedup();
    for d in &districts {
        for t in &catalogue.targets {
            out.push(judge(Scope::District, d, t, ratio(t, by_district.get(d))));
        }
    }
    for t in &catalogue.targets {
        out.push(judge(Scope::Province, province, t, ratio(t, province_sum.as_ref())));
    }
    Ok(out)
}

/// The attainment table as a frame with the columns of `attainment.csv`.
///
/// # Errors
/// [`AnalysisError::Frame`] if polars refuses the columns.
pub fn attainment_frame(rows: &[Attainment], period: &str, catalogue: &Catalogue) -> Result<DataFrame, AnalysisError> {
    let target = |id: &str| catalogue.get(id);
    let n = rows.len();
    let to_i64 = |v: Option<i128>| v.and_then(|x| i64::try_from(x).ok());
    let columns = vec![
        Column::new("scope".into(), rows.iter().map(|r| r.scope.id()).collect::<Vec<_>>()),
        Column::new("scope_id".into(), rows.iter().map(|r| r.scope_id.as_str()).collect::<Vec<_>>()),
        Column::new("period".into(), vec![period; n]),
        Column::new("target_id".into(), rows.iter().map(|r| r.target_id.as_str()).collect::<Vec<_>>()),
        Column::new("numerator".into(), rows.iter().map(|r| to_i64(r.numerator)).collect::<Vec<_>>()),
        Column::new("denominator".into(), rows.iter().map(|r| to_i64(r.denominator)).collect::<Vec<_>>()),
        Column::new("value".into(), rows.iter().map(Attainment::value).collect::<Vec<_>>()),
        Column::new(
            "threshold".into(),
            rows.iter().map(|r| target(&r.target_id).map(|t| t.threshold.to_f64())).collect::<Vec<_>>(),
        ),
        Column::new(
            "comparator".into(),
            rows.iter().map(|r| target(&r.target_id).map(|t| t.comparator.symbol())).collect::<Vec<_>>(),
        ),
        Column::new("status".into(), rows.iter().map(|r| r.status.id()).collect::<Vec<_>>()),
        Column::new("gap".into(), rows.iter().map(|r| to_i64(r.gap)).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(n, columns)?)
}
