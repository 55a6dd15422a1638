//! The attainment summary as it stands (DOMAIN.md §12): each unit's newest sent version
//! of a period read by the library's own pipeline ([`cchc::Run::attainment`]), the
//! province's row of every target kept for the office's page. The same files, laid out
//! as a consolidation lays them out, give the same figures as its `attainment.csv`.

use std::collections::BTreeMap;

use crate::check::CheckSettings;
use crate::store::Store;
use crate::Error;

/// One target's province-wide figure.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Target id (`tthc.early`).
    pub target_id: String,
    /// Where the plan states it (`MT 2.a`).
    pub plan_ref: String,
    /// Its short Vietnamese name.
    pub name: String,
    /// The threshold as the reports write it (`≥ 80%`).
    pub threshold: String,
    /// The value as the reports write it (`79 %`), empty without one.
    pub value: String,
    /// Numerator / denominator (`49 / 62`), or the count; empty without one.
    pub figures: String,
    /// The status.
    pub status: cchc::Status,
    /// Items short of the target, when it says.
    pub gap: Option<i128>,
}

/// The summary of a period: the versions it is of, the units counted, a row per target.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The counted versions it was computed from (their numbers, by unit).
    pub versions: Vec<i64>,
    /// Units whose report counted.
    pub units: usize,
    /// The province's row of every target, in the catalogue's order.
    pub rows: Vec<SummaryRow>,
}

/// The numbers of `period`'s counted versions: a summary of the same numbers is the
/// same summary.
pub fn counted_key(store: &Store, period: &str) -> Result<Vec<i64>, Error> {
    Ok(store
        .counted_versions(period)?
        .iter()
        .map(|(_, v)| v.id)
        .collect())
}

/// The summary of `period` from the counted versions (see the module's note); `units`
/// names the units as the period's registry does.
///
/// # Errors
/// [`Error::Io`] when the files cannot be laid out, [`Error::Check`] when the run
/// cannot be set up or a frame cannot be built.
pub fn summary(
    store: &Store,
    settings: &CheckSettings,
    units: &BTreeMap<String, String>,
    period: &str,
) -> Result<Summary, Error> {
    let versions = counted_key(store, period)?;
    let dir = tempfile::tempdir()?;
    crate::consolidate::lay_out(store, units, period, dir.path())?;
    let run = cchc::Options {
        registry: settings.registry.clone(),
        period: Some(period.to_string()),
        limits: settings.limits,
        ..cchc::Options::new([dir.path()])
    }
    .validate()
    .map_err(|e| Error::Check(e.to_string()))?;
    let catalogue = run.catalogue().clone();
    let (batch, rows) = run
        .attainment(&|| {})
        .map_err(|e| Error::Check(e.to_string()))?;
    let units = batch
        .submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| s.unit.unit_id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let rows = rows
        .iter()
        .filter(|r| r.scope == cchc::Scope::Province && &*r.period == period)
        .filter_map(|r| {
            let t = catalogue.get(&r.target_id)?;
            let (value, figures) = match (r.numerator, r.denominator) {
                _ if t.is_count() => (
                    r.numerator.map(cchc::vi::amount).unwrap_or_default(),
                    String::new(),
                ),
                (Some(n), Some(d)) => (
                    cchc::vi::percent_of(n, d).unwrap_or_default(),
                    format!("{} / {}", cchc::vi::amount(n), cchc::vi::amount(d)),
                ),
                _ => (
                    r.value.map(cchc::vi::percent).unwrap_or_default(),
                    String::new(),
                ),
            };
            Some(SummaryRow {
                target_id: t.id.clone(),
                plan_ref: t.plan_ref.clone(),
                name: t.name.clone(),
                threshold: t.threshold_label(),
                value,
                figures,
                status: r.status,
                gap: r.gap,
            })
        })
        .collect();
    Ok(Summary {
        versions,
        units,
        rows,
    })
}

/// The summary of `period` as it stands: the one kept when no unit has sent since, else
/// computed afresh (off the async threads) and kept; why not, when it cannot be.
pub(crate) async fn current(
    app: &std::sync::Arc<crate::App>,
    period: &str,
) -> Result<std::sync::Arc<Summary>, String> {
    let key = counted_key(&app.store, period).map_err(|e| e.to_string())?;
    if key.is_empty() {
        return Ok(std::sync::Arc::new(Summary {
            versions: key,
            units: 0,
            rows: Vec::new(),
        }));
    }
    if let Some(kept) = app
        .summaries
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(period)
    {
        if kept.versions == key {
            return Ok(kept.clone());
        }
    }
    let worker = app.clone();
    let p = period.to_string();
    let made = tokio::task::spawn_blocking(move || {
        let units = worker.unit_names(&p);
        summary(&worker.store, &worker.settings, &units, &p)
    })
    .await
    .map_err(|_| "the summary stopped".to_string())?
    .map_err(|e| e.to_string())?;
    let made = std::sync::Arc::new(made);
    app.summaries
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(period.to_string(), made.clone());
    Ok(made)
}
