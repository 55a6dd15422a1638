//! The job from frames an analyst holds (read, then perhaps edited or filtered):
//! attainment, the report and the exports computed from them as the pipeline would, and
//! the registry as a frame and back.

use std::path::Path;

use cchc_analysis::attainment::{attainment, attainment_frame, FramesRef, Scope};
use cchc_analysis::frames::Frames;
use cchc_domain::period::Period;
use cchc_domain::target::Catalogue;
use cchc_domain::unit::{Registry, Unit, DEFAULT_PROVINCE};
use cchc_read::Batch;
use polars::prelude::*;

use crate::Error;

fn frame_error(e: PolarsError) -> Error {
    Error::Analysis(e.into())
}

/// The registry as a frame: `unit_id, name, kind, district, aliases` (`;`-separated).
///
/// # Errors
/// [`Error::Analysis`] if polars refuses the columns (a defect).
pub fn units_frame(units: &[Unit]) -> Result<DataFrame, Error> {
    let col = |f: &dyn Fn(&Unit) -> String| units.iter().map(f).collect::<Vec<_>>();
    DataFrame::new(
        units.len(),
        vec![
            Column::new("unit_id".into(), col(&|u| u.unit_id.clone())),
            Column::new("name".into(), col(&|u| u.name.clone())),
            Column::new("kind".into(), col(&|u| u.kind.clone())),
            Column::new("district".into(), col(&|u| u.district.clone())),
            Column::new("aliases".into(), col(&|u| u.aliases.join(";"))),
        ],
    )
    .map_err(frame_error)
}

/// A registry from a frame with the columns of [`units_frame`] (`aliases` optional).
///
/// # Errors
/// [`Error::Analysis`] when a column is missing.
pub fn registry_from_frame(df: &DataFrame) -> Result<Registry, Error> {
    let text = |name: &str| -> Result<Vec<String>, Error> {
        let c = df
            .column(name)
            .and_then(|c| c.cast(&DataType::String))
            .map_err(frame_error)?;
        let ca = c.str().map_err(frame_error)?;
        Ok(ca.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let (ids, names, kinds, districts) = (
        text("unit_id")?,
        text("name")?,
        text("kind")?,
        text("district")?,
    );
    let aliases = text("aliases").unwrap_or_else(|_| vec![String::new(); ids.len()]);
    let units = (0..ids.len())
        .map(|i| Unit {
            unit_id: ids[i].clone(),
            name: names[i].clone(),
            kind: kinds[i].clone(),
            district: districts[i].clone(),
            aliases: aliases[i]
                .split(';')
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect(),
        })
        .collect();
    Ok(Registry::from_units(units))
}

/// The period of frames with no batch, by the run's own rule ([`Period::most_stated`])
/// over the `period` of every row.
pub fn period_of(frames: &[&DataFrame]) -> Option<Period> {
    let mut periods = Vec::new();
    for df in frames {
        if let Ok(c) = df.column("period").and_then(|c| c.cast(&DataType::String)) {
            if let Ok(ca) = c.str() {
                periods.extend(ca.iter().flatten().filter_map(|v| v.parse::<Period>().ok()));
            }
        }
    }
    Period::most_stated(periods)
}

/// The attainment table (the columns of `attainment.csv`) from frames, for one scope or
/// all; `period` defaults to the one the frames' rows state most.
///
/// # Errors
/// [`Error::Analysis`] when a frame lacks a column or has a wrong type.
pub fn attainment_table(
    frames: FramesRef<'_>,
    registry: &Registry,
    catalogue: &Catalogue,
    period: Option<String>,
    scope: Option<Scope>,
) -> Result<DataFrame, Error> {
    let given: Vec<&DataFrame> = [
        Some(frames.dossiers),
        frames.online_services,
        frames.staffing,
        frames.indicators,
    ]
    .into_iter()
    .flatten()
    .collect();
    let period = period
        .or_else(|| period_of(&given).map(|p| p.to_string()))
        .unwrap_or_default();
    let rows: Vec<_> = attainment(frames, registry, catalogue, DEFAULT_PROVINCE)?
        .into_iter()
        .filter(|r| scope.is_none_or(|s| r.scope == s))
        .collect();
    Ok(attainment_frame(&rows, &period, catalogue)?)
}

/// The consolidated workbook of a batch from its frames (perhaps edited), the
/// attainment recomputed from them.
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_report(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    output: &Path,
) -> Result<(), Error> {
    let rows = attainment(frames.into(), &batch.registry, catalogue, DEFAULT_PROVINCE)?;
    let bytes = cchc_report::workbook::build_workbook(&cchc_report::workbook::ReportInput {
        batch,
        figures: cchc_report::workbook::Figures::Frames(frames),
        attainment: &rows,
        catalogue,
        province: DEFAULT_PROVINCE,
    })?;
    Ok(cchc_report::write_atomic(output, &bytes)?)
}

/// The exports of `--export DIR` from a batch and its frames (perhaps edited).
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_exports(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    dir: &Path,
) -> Result<(), Error> {
    let rows = attainment(frames.into(), &batch.registry, catalogue, DEFAULT_PROVINCE)?;
    let period = batch.period.map(|p| p.to_string()).unwrap_or_default();
    Ok(cchc_report::export::write_exports(
        dir,
        &cchc_report::export::Exports {
            attainment: &rows,
            period: &period,
            catalogue,
            findings: &batch.findings,
            frames,
            province: DEFAULT_PROVINCE,
        },
    )?)
}
