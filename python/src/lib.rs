//! `cchc._cchc`: the compiled half of the `cchc` Python package. A thin layer over
//! the Rust crates — reading, frames, attainment, report, template — with no logic
//! of its own. Frames cross the boundary through the Arrow C stream interface
//! (`__arrow_c_stream__`), which every polars since 1.x and pandas 3 understand,
//! so the module pins no polars version.
//!
//! Errors map to one small hierarchy under `CchcError` in [`errors`]; findings
//! are data (a frame), never exceptions.

mod arrow;
mod errors;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cchc_analysis::attainment::{FramesRef, Scope};
use cchc_analysis::frames::{findings_frame, Frames};
use cchc_domain::period::Period;
use cchc_domain::target::Catalogue;
use cchc_domain::unit::Registry;
use cchc_read::Batch;
use polars::prelude::*;
use pyo3::prelude::*;

use crate::arrow::{frame_from_py, ArrowStream};
use crate::errors::{input_error, to_py, CchcError};

fn load_catalogue(path: Option<&str>) -> PyResult<Catalogue> {
    cchc::load_catalogue(path.map(Path::new)).map_err(to_py)
}

fn load_registry(path: Option<&str>) -> PyResult<Registry> {
    cchc::load_registry(path.map(Path::new)).map_err(to_py)
}

fn parse_period(period: Option<&str>) -> PyResult<Option<Period>> {
    let calendar = cchc_domain::period::Calendar::official();
    period
        .map(|p| cchc::parse_period(p, &calendar).map_err(to_py))
        .transpose()
}

fn frame_err(e: impl std::fmt::Display) -> PyErr {
    CchcError::new_err(format!("bảng dữ liệu: {e}"))
}

/// A batch as read by Rust: the findings, files and registry stay here; the frames
/// are handed to Python and may come back edited.
#[pyclass(module = "cchc._cchc", frozen)]
struct RawBatch {
    batch: Batch,
    frames: Frames,
    catalogue: Catalogue,
}

#[pymethods]
impl RawBatch {
    /// One of `dossiers`, `online_services`, `staffing`, `indicators`, `findings`, `units`,
    /// `dossier_records`, `late_dossiers`.
    fn frame(&self, name: &str) -> PyResult<ArrowStream> {
        let df = match name {
            "dossiers" => self.frames.dossiers.clone(),
            "online_services" => self.frames.online_services.clone(),
            "staffing" => self.frames.staffing.clone(),
            "indicators" => self.frames.indicators.clone(),
            "findings" => findings_frame(&self.batch.findings).map_err(frame_err)?,
            "units" => cchc::frames::units_frame(self.batch.registry.units()).map_err(to_py)?,
            "dossier_records" => {
                cchc_analysis::dossier_frames::dossier_records_frame(&self.batch.dossier_records)
                    .map_err(frame_err)?
            }
            "late_dossiers" => cchc::frames::late_dossiers_frame(&self.batch).map_err(to_py)?,
            other => return Err(input_error(format!("không có bảng `{other}`"))),
        };
        Ok(ArrowStream::new(df))
    }

    /// The report's period key (`2022-Q1`), or None.
    #[getter]
    fn period(&self) -> Option<String> {
        self.batch.period.map(|p| p.to_string())
    }

    /// Every period with a counted submission, in time order.
    #[getter]
    fn periods(&self) -> Vec<String> {
        self.batch.periods.iter().map(ToString::to_string).collect()
    }

    /// The target catalogue the batch was read with, as a path-free copy.
    fn catalogue_plan(&self) -> String {
        self.catalogue.plan.clone()
    }
}

/// Reads a batch: `paths` are files or folders.
#[pyfunction]
#[pyo3(signature = (paths, registry=None, period=None, targets=None, calendar=None, max_file_mb=None, max_read_seconds=None))]
#[allow(clippy::too_many_arguments)]
fn read(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    registry: Option<&str>,
    period: Option<&str>,
    targets: Option<&str>,
    calendar: Option<&str>,
    max_file_mb: Option<u64>,
    max_read_seconds: Option<u64>,
) -> PyResult<RawBatch> {
    use cchc_read::sniff::Limits;
    let limits = Limits {
        max_read_seconds: max_read_seconds.unwrap_or(Limits::DEFAULT_READ_SECONDS),
        ..Limits::from_file_mb(max_file_mb.unwrap_or(Limits::DEFAULT_FILE_MB))
    };
    let run = cchc::Options {
        limits,
        registry: registry.map(PathBuf::from),
        targets: targets.map(PathBuf::from),
        calendar: calendar.map(PathBuf::from),
        period: period.map(String::from),
        ..cchc::Options::new(paths)
    }
    .validate()
    .map_err(to_py)?;
    let catalogue = run.catalogue().clone();
    let mut batch = py.detach(|| run.read(&|| {}));
    let frames = Frames::from_batch(&batch).map_err(frame_err)?;
    // The department's tables' findings (unknown fields, level conflicts), as the CLI's.
    cchc::frames::department_tables(&mut batch, &frames).map_err(to_py)?;
    Ok(RawBatch {
        batch,
        frames,
        catalogue,
    })
}

/// Frames handed back from Python (possibly edited), in a fixed set.
fn frames_from_py(
    frames: &Bound<'_, pyo3::types::PyDict>,
) -> PyResult<BTreeMap<String, DataFrame>> {
    let mut out = BTreeMap::new();
    for (k, v) in frames.iter() {
        let name: String = k.extract()?;
        if v.is_none() {
            continue;
        }
        out.insert(name, frame_from_py(&v)?);
    }
    Ok(out)
}

fn frames_ref(frames: &BTreeMap<String, DataFrame>) -> PyResult<FramesRef<'_>> {
    let dossiers = frames
        .get("dossiers")
        .ok_or_else(|| input_error("thiếu bảng `dossiers`".to_string()))?;
    Ok(FramesRef {
        dossiers,
        online_services: frames.get("online_services"),
        staffing: frames.get("staffing"),
        indicators: frames.get("indicators"),
    })
}

/// Attainment of every target from frames (`dossiers` required, the others
/// optional), a registry frame, a catalogue path, a scope filter, a period (`None`:
/// every period the frames hold) and a calendar path.
#[pyfunction]
#[pyo3(signature = (frames, units=None, targets=None, scope=None, period=None, calendar=None))]
fn attainment_of(
    frames: &Bound<'_, pyo3::types::PyDict>,
    units: Option<&Bound<'_, PyAny>>,
    targets: Option<&str>,
    scope: Option<&str>,
    period: Option<String>,
    calendar: Option<&str>,
) -> PyResult<ArrowStream> {
    let catalogue = load_catalogue(targets)?;
    let calendar = cchc::load_calendar(calendar.map(Path::new)).map_err(to_py)?;
    if let Some(p) = period.as_deref() {
        cchc::parse_period(p, &calendar).map_err(to_py)?;
    }
    let registry = match units {
        Some(u) => cchc::frames::registry_from_frame(&frame_from_py(u)?).map_err(to_py)?,
        None => Registry::default_hung_yen(),
    };
    let wanted = match scope {
        None => None,
        Some("unit") => Some(Scope::Unit),
        Some("district") => Some(Scope::District),
        Some("province") => Some(Scope::Province),
        Some(other) => {
            return Err(input_error(format!(
                "scope `{other}` không hợp lệ (unit, district, province)"
            )))
        }
    };
    let frames = frames_from_py(frames)?;
    let df = cchc::frames::attainment_table(
        frames_ref(&frames)?,
        &registry,
        &calendar,
        &catalogue,
        period,
        wanted,
    )
    .map_err(to_py)?;
    Ok(ArrowStream::new(df))
}

/// Writes the consolidated workbook from a batch and its (possibly edited) frames.
#[pyfunction]
#[pyo3(signature = (batch, frames, path, targets=None))]
fn write_report(
    batch: &RawBatch,
    frames: &Bound<'_, pyo3::types::PyDict>,
    path: PathBuf,
    targets: Option<&str>,
) -> PyResult<()> {
    let (catalogue, edited) = given(batch, frames, targets)?;
    cchc::frames::write_report(&batch.batch, &edited, &catalogue, &path).map_err(to_py)
}

/// Form A of a period by unit and field, and the late and overdue dossiers, from a
/// `dossier_records` frame; the number of rows left out (days or channel unreadable).
#[pyfunction]
#[pyo3(signature = (records, period, calendar=None))]
fn classify_records(
    records: &Bound<'_, PyAny>,
    period: &str,
    calendar: Option<&str>,
) -> PyResult<(ArrowStream, ArrowStream, usize)> {
    let calendar = cchc::load_calendar(calendar.map(Path::new)).map_err(to_py)?;
    let (p, range) = cchc::dossiers::period_days(period, &calendar).map_err(to_py)?;
    let (counts, late, skipped) =
        cchc::dossiers::classify_frame(&frame_from_py(records)?, &p.to_string(), range)
            .map_err(to_py)?;
    Ok((ArrowStream::new(counts), ArrowStream::new(late), skipped))
}

/// Writes the period's Word report of the CLI's `--narrative FILE.docx`.
#[pyfunction]
#[pyo3(signature = (batch, frames, path, targets=None))]
fn write_narrative(
    batch: &RawBatch,
    frames: &Bound<'_, pyo3::types::PyDict>,
    path: PathBuf,
    targets: Option<&str>,
) -> PyResult<()> {
    let (catalogue, edited) = given(batch, frames, targets)?;
    cchc::frames::write_narrative(&batch.batch, &edited, &catalogue, &path).map_err(to_py)
}

/// Writes the feedback workbooks of the CLI's `--feedback DIR`; their paths.
#[pyfunction]
#[pyo3(signature = (batch, frames, dir, targets=None))]
fn write_feedback(
    batch: &RawBatch,
    frames: &Bound<'_, pyo3::types::PyDict>,
    dir: PathBuf,
    targets: Option<&str>,
) -> PyResult<Vec<PathBuf>> {
    let (catalogue, edited) = given(batch, frames, targets)?;
    cchc::frames::write_feedback(&batch.batch, &edited, &catalogue, &dir).map_err(to_py)
}

/// Writes the exports of the CLI's `--export DIR` from a batch and its frames.
#[pyfunction]
#[pyo3(signature = (batch, frames, dir, targets=None, csv_raw=false))]
fn export(
    batch: &RawBatch,
    frames: &Bound<'_, pyo3::types::PyDict>,
    dir: PathBuf,
    targets: Option<&str>,
    csv_raw: bool,
) -> PyResult<()> {
    let (catalogue, edited) = given(batch, frames, targets)?;
    let csv = if csv_raw {
        cchc::CsvText::Raw
    } else {
        cchc::CsvText::Safe
    };
    cchc::frames::write_exports(&batch.batch, &edited, &catalogue, &dir, csv).map_err(to_py)
}

/// What Python hands back: the catalogue (a file, else the batch's) and the batch's
/// frames with any that Python gave replacing them.
fn given(
    batch: &RawBatch,
    frames: &Bound<'_, pyo3::types::PyDict>,
    targets: Option<&str>,
) -> PyResult<(Catalogue, Frames)> {
    let catalogue = match targets {
        Some(_) => load_catalogue(targets)?,
        None => batch.catalogue.clone(),
    };
    let mut given = frames_from_py(frames)?;
    let mut take = |name: &str, own: &DataFrame| given.remove(name).unwrap_or_else(|| own.clone());
    let edited = Frames {
        dossiers: take("dossiers", &batch.frames.dossiers),
        online_services: take("online_services", &batch.frames.online_services),
        staffing: take("staffing", &batch.frames.staffing),
        indicators: take("indicators", &batch.frames.indicators),
    };
    Ok((catalogue, edited))
}

/// A frame of text columns, each `(name, values)`.
fn text_frame(columns: Vec<(&str, Vec<Option<String>>)>) -> PyResult<DataFrame> {
    let height = columns.first().map_or(0, |c| c.1.len());
    let columns = columns
        .into_iter()
        .map(|(name, values)| Column::new(name.into(), values))
        .collect();
    DataFrame::new(height, columns).map_err(frame_err)
}

/// The target catalogue as a frame: how each target is computed, as written.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn targets(path: Option<&str>) -> PyResult<ArrowStream> {
    let cat = load_catalogue(path)?;
    let t = &cat.targets;
    let col = |f: &dyn Fn(&cchc_domain::target::Target) -> Option<String>| {
        t.iter().map(f).collect::<Vec<_>>()
    };
    let mut df = text_frame(vec![
        ("target_id", col(&|x| Some(x.id.clone()))),
        ("plan_ref", col(&|x| Some(x.plan_ref.clone()))),
        ("name", col(&|x| Some(x.name.clone()))),
        ("wording", col(&|x| Some(x.wording.clone()))),
        ("form", col(&|x| Some(x.form.letter().to_string()))),
        ("numerator", col(&|x| Some(x.numerator.text.clone()))),
        (
            "denominator",
            col(&|x| x.denominator.as_ref().map(|d| d.text.clone())),
        ),
        (
            "comparator",
            col(&|x| Some(x.comparator.symbol().to_string())),
        ),
    ])?;
    df.with_column(Column::new(
        "threshold".into(),
        t.iter().map(|x| x.threshold.to_f64()).collect::<Vec<_>>(),
    ))
    .map_err(frame_err)?;
    Ok(ArrowStream::new(df))
}

/// Every form's measures, the names catalogue expressions use.
#[pyfunction]
fn measures() -> PyResult<ArrowStream> {
    use cchc_domain::forms::{vocabulary, Form};
    let v = vocabulary();
    let rows: Vec<(Form, &cchc_domain::forms::MeasureDef)> = Form::ALL
        .iter()
        .flat_map(|f| v.form(*f).measures.iter().map(move |m| (*f, m)))
        .collect();
    let col = |g: &dyn Fn(Form, &cchc_domain::forms::MeasureDef) -> Option<String>| {
        rows.iter().map(|(f, m)| g(*f, m)).collect::<Vec<_>>()
    };
    let mut df = text_frame(vec![
        ("form", col(&|f, _| Some(f.letter().to_string()))),
        ("measure", col(&|_, m| Some(m.id.clone()))),
        ("label", col(&|_, m| Some(m.label.clone()))),
    ])?;
    df.with_column(Column::new(
        "column".into(),
        rows.iter()
            .map(|(_, m)| m.column.map(i64::from))
            .collect::<Vec<_>>(),
    ))
    .map_err(frame_err)?;
    df.with_column(Column::new(
        "optional".into(),
        rows.iter()
            .map(|(f, m)| *f == Form::A && !m.required)
            .collect::<Vec<_>>(),
    ))
    .map_err(frame_err)?;
    Ok(ArrowStream::new(df))
}

/// Writes the blank template units fill.
#[pyfunction]
#[pyo3(signature = (path, unit=None, period=None, registry=None))]
fn template(
    path: PathBuf,
    unit: Option<&str>,
    period: Option<&str>,
    registry: Option<&str>,
) -> PyResult<()> {
    let reg = load_registry(registry)?;
    let unit = unit
        .map(|u| cchc::find_unit(&reg, u))
        .transpose()
        .map_err(to_py)?;
    let period = parse_period(period)?;
    let bytes = cchc_report::template::build_template(unit.as_ref(), period).map_err(to_py)?;
    cchc_report::write_atomic(&path, &bytes).map_err(to_py)
}

#[pymodule]
fn _cchc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RawBatch>()?;
    m.add_class::<ArrowStream>()?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(attainment_of, m)?)?;
    m.add_function(wrap_pyfunction!(write_report, m)?)?;
    m.add_function(wrap_pyfunction!(write_feedback, m)?)?;
    m.add_function(wrap_pyfunction!(write_narrative, m)?)?;
    m.add_function(wrap_pyfunction!(classify_records, m)?)?;
    m.add_function(wrap_pyfunction!(export, m)?)?;
    m.add_function(wrap_pyfunction!(targets, m)?)?;
    m.add_function(wrap_pyfunction!(measures, m)?)?;
    m.add_function(wrap_pyfunction!(template, m)?)?;
    errors::register(m)?;
    Ok(())
}
