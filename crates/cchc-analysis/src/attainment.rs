//! Attainment of the plan's targets for units, districts and the province.
//!
//! Ratios are pooled (Σ numerators / Σ denominators), compared exactly, with the
//! gap of DOMAIN §7.6. Works on a `dossiers` frame, so a frame edited by an
//! analyst is recomputed the same way.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::measure::Measure;
use cchc_domain::target::{Catalogue, Form, Fraction, Target};
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

/// Form B counts: listed, level 3, level 4, level 3–4, level 3–4 on the portal,
/// eligible, eligible at level 3–4.
pub const B_COUNTS: usize = 7;

/// What feeds the targets for one scope; districts and the province add units up.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Form A measure sums, by [`Measure::index`].
    pub a: Option<[i128; 11]>,
    /// Form B counts: listed, level 3, level 4, level 3–4, level 3–4 on the portal,
    /// eligible, eligible at level 3–4.
    pub b: Option<[i128; B_COUNTS]>,
    /// Form C public units: base year, current year.
    pub c_units: Option<[i128; 2]>,
    /// Form C state-paid staff: base year, current year.
    pub c_staff: Option<[i128; 2]>,
    /// Form D numerator and denominator sums per target (verifiable rows only).
    pub d: BTreeMap<String, (Fraction, Fraction)>,
    /// Form D lone ratios per target (unit scope only, never pooled).
    pub d_lone: BTreeMap<String, f64>,
}

fn add_opt<const N: usize>(into: &mut Option<[i128; N]>, from: &Option<[i128; N]>) {
    if let Some(f) = from {
        let t = into.get_or_insert([0; N]);
        for k in 0..N {
            t[k] += f[k];
        }
    }
}

impl Inputs {
    /// Pools another scope's inputs into this one (lone ratios are not pooled).
    pub fn pool(&mut self, o: &Inputs) {
        add_opt(&mut self.a, &o.a);
        add_opt(&mut self.b, &o.b);
        add_opt(&mut self.c_units, &o.c_units);
        add_opt(&mut self.c_staff, &o.c_staff);
        for (id, (n, d)) in &o.d {
            // The id is copied only the first time it is met.
            match self.d.get_mut(id) {
                Some(e) => *e = (e.0.add(*n), e.1.add(*d)),
                None => {
                    let zero = Fraction::int(0);
                    self.d.insert(id.clone(), (zero.add(*n), zero.add(*d)));
                }
            }
        }
    }
}

/// A text column (cast when an analyst's frame holds another type); the caller walks it
/// with `.iter()`, borrowing each value rather than copying it.
fn strings(df: &DataFrame, name: &str) -> Result<StringChunked, AnalysisError> {
    Ok(df
        .column(name)?
        .cast(&DataType::String)?
        .str()?
        .rechunk()
        .into_owned())
}

/// Values by unit id while a frame is read. A frame's rows come unit by unit, so the
/// unit of the row before is tried first; other ids are found by hash. (A map lookup
/// per row took 1,200 instructions, a fifth of the attainment's work.)
struct ByUnit<V> {
    index: rustc_hash::FxHashMap<String, usize>,
    items: Vec<(String, V)>,
    last: usize,
}

impl<V: Default> ByUnit<V> {
    fn new() -> Self {
        ByUnit {
            index: rustc_hash::FxHashMap::default(),
            items: Vec::new(),
            last: 0,
        }
    }

    /// The value for `id`, made (the id copied) the first time.
    fn get(&mut self, id: &str) -> &mut V {
        if self.items.get(self.last).is_none_or(|(k, _)| k != id) {
            self.last = match self.index.get(id) {
                Some(&i) => i,
                None => {
                    self.items.push((id.to_string(), V::default()));
                    self.index.insert(id.to_string(), self.items.len() - 1);
                    self.items.len() - 1
                }
            };
        }
        &mut self.items[self.last].1
    }

    fn into_map(self) -> BTreeMap<String, V> {
        self.items.into_iter().collect()
    }
}

fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

fn bools(df: &DataFrame, name: &str) -> Result<Vec<bool>, AnalysisError> {
    let c = df.column(name)?.cast(&DataType::Boolean)?;
    Ok(c.bool()?.iter().map(|v| v.unwrap_or(false)).collect())
}

/// Sums of the Form A measures per unit, from a `dossiers` frame.
///
/// # Errors
/// [`AnalysisError::Frame`] when a column is missing or not numeric.
pub fn unit_sums(dossiers: &DataFrame) -> Result<BTreeMap<String, [i128; 11]>, AnalysisError> {
    let ids = strings(dossiers, "unit_id")?;
    let mut cols = Vec::new();
    for m in Measure::ALL {
        cols.push(ints(dossiers, m.id())?);
    }
    let mut sums: ByUnit<[i128; 11]> = ByUnit::new();
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let entry = sums.get(id);
        for (k, col) in cols.iter().enumerate() {
            entry[k] += i128::from(col[i].unwrap_or(0));
        }
    }
    Ok(sums.into_map())
}

/// Reads every frame into per-unit inputs, keyed by unit id.
///
/// # Errors
/// [`AnalysisError::Frame`] when a frame lacks a column or has a wrong type.
pub fn unit_inputs(f: &FramesRef<'_>) -> Result<BTreeMap<String, Inputs>, AnalysisError> {
    let mut units: ByUnit<Inputs> = ByUnit::new();
    for (id, s) in unit_sums(f.dossiers)? {
        units.get(&id).a = Some(s);
    }
    if let Some(df) = f.online_services {
        let ids = strings(df, "unit_id")?;
        let level = ints(df, "level")?;
        let eligible = bools(df, "eligible_34")?;
        let portal = bools(df, "on_national_portal")?;
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id else { continue };
            let l = level[i].unwrap_or(0);
            let l34 = l == 3 || l == 4;
            let counts = units.get(id).b.get_or_insert([0; B_COUNTS]);
            let flags = [
                true,
                l == 3,
                l == 4,
                l34,
                l34 && portal[i],
                eligible[i],
                eligible[i] && l34,
            ];
            for (k, on) in flags.iter().enumerate() {
                counts[k] += i128::from(*on);
            }
        }
    }
    if let Some(df) = f.staffing {
        let ids = strings(df, "unit_id")?;
        let cols = [
            ints(df, "public_units_base")?,
            ints(df, "public_units_current")?,
            ints(df, "state_paid_staff_base")?,
            ints(df, "state_paid_staff_current")?,
        ];
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = id else { continue };
            let u = units.get(id);
            if let (Some(b), Some(c)) = (cols[0][i], cols[1][i]) {
                add_opt(&mut u.c_units, &Some([i128::from(b), i128::from(c)]));
            }
            if let (Some(b), Some(c)) = (cols[2][i], cols[3][i]) {
                add_opt(&mut u.c_staff, &Some([i128::from(b), i128::from(c)]));
            }
        }
    }
    if let Some(df) = f.indicators {
        let ids = strings(df, "unit_id")?;
        let targets = strings(df, "target_id")?;
        let (num, den, ratio) = (
            floats(df, "numerator")?,
            floats(df, "denominator")?,
            floats(df, "ratio")?,
        );
        for (i, id) in ids.iter().enumerate() {
            let (Some(id), Some(t)) = (id, targets.get(i)) else {
                continue;
            };
            let u = units.get(id);
            match (
                num[i].and_then(Fraction::from_f64),
                den[i].and_then(Fraction::from_f64),
            ) {
                (Some(n), Some(d)) => {
                    let e = u.d.get_mut(t);
                    let e = match e {
                        Some(e) => e,
                        None => {
                            u.d.entry(t.to_string())
                                .or_insert((Fraction::int(0), Fraction::int(0)))
                        }
                    };
                    *e = (e.0.add(n), e.1.add(d));
                }
                _ => {
                    if let Some(r) = ratio[i] {
                        if !u.d_lone.contains_key(t) {
                            u.d_lone.insert(t.to_string(), r);
                        }
                    }
                }
            }
        }
    }
    Ok(units.into_map())
}

/// What a target's figure is for one scope.
enum Figure {
    /// No input feeds it.
    None,
    /// A numerator and a denominator.
    Pair(Fraction, Fraction),
    /// A ratio given alone (Form D, unit scope).
    Lone(f64),
}

fn figure(target: &Target, x: &Inputs) -> Figure {
    let int = Fraction::int;
    let pair = |n: i128, d: i128| Figure::Pair(int(n), int(d));
    let v = |s: &[i128; 11], m: Measure| s[m.index()];
    match (target.form, target.id.as_str()) {
        (Form::A, id) => match (x.a, id) {
            (Some(s), "tthc.on_time") => pair(
                v(&s, Measure::ResolvedEarly) + v(&s, Measure::ResolvedOnTime),
                v(&s, Measure::ResolvedTotal),
            ),
            (Some(s), "tthc.early") => {
                pair(v(&s, Measure::ResolvedEarly), v(&s, Measure::ResolvedTotal))
            }
            (Some(s), "dvc.online_dossiers") => pair(
                v(&s, Measure::ReceivedOnline),
                v(&s, Measure::ReceivedOnline) + v(&s, Measure::ReceivedDirect),
            ),
            _ => Figure::None,
        },
        (Form::B, id) => match (x.b, id) {
            // listed, level 3, level 4, level 3–4, on portal, eligible, eligible at 3–4
            (Some(b), "dvc.level34_offered") => pair(b[6], b[5]),
            (Some(b), "dvc.national_portal") => pair(b[4], b[3]),
            (Some(b), "dvc.level3") => pair(b[1], b[0]),
            (Some(b), "dvc.level4") => pair(b[2], b[0]),
            _ => Figure::None,
        },
        (Form::C, "org.public_units_cut") => {
            x.c_units.map_or(Figure::None, |[b, c]| pair(b - c, b))
        }
        (Form::C, "org.staff_cut") => x.c_staff.map_or(Figure::None, |[b, c]| pair(b - c, b)),
        (Form::C, _) => Figure::None,
        (Form::D, id) => match (x.d.get(id), x.d_lone.get(id)) {
            // DOMAIN §7.8: current / base − 1 = (current − base) / base.
            (Some((cur, base)), _) if id == "finance.autonomy_increase" => {
                Figure::Pair(cur.sub(*base), *base)
            }
            (Some((n, d)), _) => Figure::Pair(*n, *d),
            (None, Some(r)) => Figure::Lone(*r),
            (None, None) => Figure::None,
        },
    }
}

fn judge(
    scope: Scope,
    scope_id: &Arc<str>,
    (target, target_id): (&Target, &Arc<str>),
    figure: Figure,
) -> Attainment {
    let base = Attainment {
        scope,
        scope_id: Arc::clone(scope_id),
        target_id: Arc::clone(target_id),
        numerator: None,
        denominator: None,
        value: None,
        status: Status::NoData,
        gap: None,
    };
    match figure {
        Figure::None => base,
        Figure::Pair(n, d) if d.is_zero() => Attainment {
            numerator: Some(n),
            denominator: Some(d),
            status: Status::NotApplicable,
            ..base
        },
        Figure::Pair(n, d) => {
            let met = target.is_met_fraction(n, d);
            Attainment {
                numerator: Some(n),
                denominator: Some(d),
                value: Some(n.to_f64() / d.to_f64()),
                status: if met { Status::Met } else { Status::NotMet },
                gap: Some(target.gap_fraction(n, d)),
                ..base
            }
        }
        Figure::Lone(r) => {
            let met =
                Fraction::from_f64(r).is_some_and(|f| target.is_met_fraction(f, Fraction::int(1)));
            Attainment {
                value: Some(r),
                status: if met { Status::Met } else { Status::NotMet },
                ..base
            }
        }
    }
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

/// Attainment of every catalogue target for every registry unit, every district and
/// the province. Ratios are pooled (Σ numerators / Σ denominators); a unit, district
/// or province with no input for a target gets `no_data`.
///
/// # Errors
/// [`AnalysisError::Frame`] when a frame lacks a column or has a wrong type.
pub fn attainment(
    frames: FramesRef<'_>,
    registry: &Registry,
    catalogue: &Catalogue,
    province: &str,
) -> Result<Vec<Attainment>, AnalysisError> {
    Ok(attainment_of(
        &unit_inputs(&frames)?,
        registry,
        catalogue,
        province,
    ))
}

/// [`attainment`] from per-unit inputs already read from the frames ([`unit_inputs`]).
pub fn attainment_of(
    units: &BTreeMap<String, Inputs>,
    registry: &Registry,
    catalogue: &Catalogue,
    province: &str,
) -> Vec<Attainment> {
    let district_of: BTreeMap<&str, &str> = registry
        .units()
        .iter()
        .map(|u| (u.unit_id.as_str(), u.district.as_str()))
        .collect();
    let mut by_district: BTreeMap<String, Inputs> = BTreeMap::new();
    let mut province_inputs = Inputs::default();
    for (unit, x) in units {
        let d = district_of.get(unit.as_str()).copied().unwrap_or("");
        by_district.entry(d.to_string()).or_default().pool(x);
        province_inputs.pool(x);
    }
    let empty = Inputs::default();
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
    districts.extend(by_district.keys().filter(|d| !d.is_empty()).cloned());
    districts.sort();
    districts.dedup();
    // Sized once: a row per target for every unit, every district and the province
    // (a growing vector holds up to twice that).
    let mut out =
        Vec::with_capacity((unit_ids.len() + districts.len() + 1) * catalogue.targets.len());
    // Ids are shared by the rows that carry them (200,000 rows at 10,000 units).
    let target_ids: Vec<Arc<str>> = catalogue
        .targets
        .iter()
        .map(|t| Arc::from(t.id.as_str()))
        .collect();
    let targets = || catalogue.targets.iter().zip(&target_ids);
    for id in unit_ids {
        let x = units.get(id).unwrap_or(&empty);
        let scope_id: Arc<str> = Arc::from(id);
        for t in targets() {
            out.push(judge(Scope::Unit, &scope_id, t, figure(t.0, x)));
        }
    }
    for d in &districts {
        let x = by_district.get(d).unwrap_or(&empty);
        let scope_id: Arc<str> = Arc::from(d.as_str());
        for t in targets() {
            out.push(judge(Scope::District, &scope_id, t, figure(t.0, x)));
        }
    }
    let scope_id: Arc<str> = Arc::from(province);
    for t in targets() {
        out.push(judge(
            Scope::Province,
            &scope_id,
            t,
            figure(t.0, &province_inputs),
        ));
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
    period: &str,
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
        Column::new("period".into(), vec![period; n]),
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
