//! The job from frames an analyst holds (read, then perhaps edited or filtered):
//! attainment, the report and the exports computed from them as the pipeline would, and
//! the registry as a frame and back.

use std::path::Path;

use cchc_analysis::attainment::{
    attainment, attainment_frame, period_inputs, Attainment, FramesRef, Scope, UnitInputs,
};
use cchc_analysis::frames::Frames;
use cchc_domain::period::{Calendar, Period};
use cchc_domain::target::Catalogue;
use cchc_domain::unit::{Registry, Unit, DEFAULT_PROVINCE};
use cchc_read::Batch;
use polars::prelude::*;

use crate::Error;

fn frame_error(e: PolarsError) -> Error {
    Error::Analysis(e.into())
}

/// The registry as a frame: `unit_id, name, kind, district, aliases` (`;`-separated),
/// `valid_from, valid_to` (ISO dates, empty when open) and `successor`.
///
/// # Errors
/// [`Error::Analysis`] if polars refuses the columns (a defect).
pub fn units_frame(units: &[Unit]) -> Result<DataFrame, Error> {
    let col = |f: &dyn Fn(&Unit) -> String| units.iter().map(f).collect::<Vec<_>>();
    let day =
        |d: Option<cchc_domain::period::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    DataFrame::new(
        units.len(),
        vec![
            Column::new("unit_id".into(), col(&|u| u.unit_id.clone())),
            Column::new("name".into(), col(&|u| u.name.clone())),
            Column::new("kind".into(), col(&|u| u.kind.clone())),
            Column::new("district".into(), col(&|u| u.district.clone())),
            Column::new("aliases".into(), col(&|u| u.aliases.join(";"))),
            Column::new("valid_from".into(), col(&|u| day(u.valid_from))),
            Column::new("valid_to".into(), col(&|u| day(u.valid_to))),
            Column::new(
                "successor".into(),
                col(&|u| u.successor.clone().unwrap_or_default()),
            ),
        ],
    )
    .map_err(frame_error)
}

/// A registry from a frame with the columns of [`units_frame`] (`aliases`, `valid_from`,
/// `valid_to` and `successor` optional), checked as a registry file is.
///
/// # Errors
/// [`Error::Analysis`] when a required column is missing, [`Error::Registry`] when the
/// rows are not a valid registry (a bad date, an unknown successor, a cycle).
pub fn registry_from_frame(df: &DataFrame) -> Result<Registry, Error> {
    let text = |name: &str| -> Result<Vec<String>, Error> {
        let c = df
            .column(name)
            .and_then(|c| c.cast(&DataType::String))
            .map_err(frame_error)?;
        let ca = c.str().map_err(frame_error)?;
        Ok(ca.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    const COLUMNS: [(&str, bool); 8] = [
        ("unit_id", true),
        ("name", true),
        ("kind", true),
        ("district", true),
        ("aliases", false),
        ("valid_from", false),
        ("valid_to", false),
        ("successor", false),
    ];
    let mut columns = Vec::new();
    for (name, required) in COLUMNS {
        match text(name) {
            Ok(values) => columns.push(values),
            Err(e) if required => return Err(e),
            Err(_) => columns.push(vec![String::new(); df.height()]),
        }
    }
    // Written as a registry file and read back: every check of a file applies.
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Registry {
        path: None,
        source: cchc_domain::unit::RegistryError::Csv {
            line: 0,
            message: e.to_string(),
        },
    };
    w.write_record(COLUMNS.map(|c| c.0)).map_err(io)?;
    for i in 0..df.height() {
        w.write_record(columns.iter().map(|c| c[i].as_str()))
            .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| io(e.into_error().into()))?;
    Registry::from_csv(&String::from_utf8_lossy(&bytes))
        .map_err(|source| Error::Registry { path: None, source })
}

/// The period of frames with no batch, by the run's own rule ([`Period::most_stated`])
/// over the `period` of every row.
pub fn period_of(frames: &[&DataFrame]) -> Option<Period> {
    Period::most_stated(periods_in(frames))
}

/// Every row's period key that parses.
fn periods_in(frames: &[&DataFrame]) -> Vec<Period> {
    let mut periods = Vec::new();
    for df in frames {
        if let Ok(c) = df.column("period").and_then(|c| c.cast(&DataType::String)) {
            if let Ok(ca) = c.str() {
                periods.extend(ca.iter().flatten().filter_map(|v| v.parse::<Period>().ok()));
            }
        }
    }
    periods
}

/// The attainment table (the columns of `attainment.csv`) from frames, for one scope or
/// all, and for one period or (`None`) every period the frames' rows hold, in time
/// order, each against the units valid on its last day.
///
/// # Errors
/// [`Error::Analysis`] when a frame lacks a column or has a wrong type.
pub fn attainment_table(
    frames: FramesRef<'_>,
    registry: &Registry,
    calendar: &Calendar,
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
    let periods: Vec<String> = match period {
        Some(p) => vec![p],
        None => {
            let mut found = periods_in(&given);
            calendar.in_time_order(&mut found);
            let keys: Vec<String> = found.iter().map(ToString::to_string).collect();
            if keys.is_empty() {
                vec![String::new()]
            } else {
                keys
            }
        }
    };
    let registry_for = |key: &str| {
        let day = key
            .parse::<Period>()
            .ok()
            .and_then(|p| calendar.last_day(p));
        registry.as_of(day)
    };
    let rows: Vec<_> = attainment(
        frames,
        Some(&periods),
        &registry_for,
        catalogue,
        DEFAULT_PROVINCE,
    )?
    .into_iter()
    .filter(|r| scope.is_none_or(|s| r.scope == s))
    .collect();
    Ok(attainment_frame(&rows, catalogue)?)
}

/// The attainment of a batch's periods from its frames (perhaps edited), and the report
/// period's per-unit inputs.
fn batch_attainment(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
) -> Result<(UnitInputs, Vec<Attainment>), Error> {
    let inputs = period_inputs(&frames.into())?;
    Ok(crate::pipeline::attainment_by_period(
        batch, inputs, catalogue,
    ))
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
    with_report_input(batch, frames, catalogue, |input| {
        let bytes = cchc_report::workbook::build_workbook(input)?;
        Ok(cchc_report::write_atomic(output, &bytes)?)
    })
}

/// The period's Word report of `--narrative FILE.docx` from a batch and its frames
/// (perhaps edited), the attainment recomputed from them.
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_narrative(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    output: &Path,
) -> Result<(), Error> {
    with_report_input(batch, frames, catalogue, |input| {
        Ok(cchc_report::narrative::write_narrative(output, input)?)
    })
}

/// What the workbook and the Word report are made from, for `write`.
fn with_report_input(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    write: impl FnOnce(&cchc_report::workbook::ReportInput<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let (inputs, rows) = batch_attainment(batch, frames, catalogue)?;
    let registry = batch.report_registry();
    let fields = field_table(batch, frames)?;
    let procedures = procedure_table(batch, frames)?;
    write(&cchc_report::workbook::ReportInput {
        batch,
        registry: &registry,
        figures: cchc_report::workbook::Figures::Inputs(&inputs),
        attainment: &rows,
        catalogue,
        province: DEFAULT_PROVINCE,
        fields: &fields,
        procedures: &procedures,
        issuer: &cchc_domain::issuer::Issuer::embedded(),
    })
}

/// The exports of `--export DIR` from a batch and its frames (perhaps edited), CSV text
/// as `csv` says.
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_exports(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    dir: &Path,
    csv: cchc_report::export::CsvText,
) -> Result<(), Error> {
    let (_, rows) = batch_attainment(batch, frames, catalogue)?;
    cchc_report::export::write_exports(
        dir,
        &cchc_report::export::Exports {
            attainment: &rows,
            catalogue,
            findings: &batch.findings,
            frames,
            province: DEFAULT_PROVINCE,
            csv,
        },
    )?;
    write_dossier_exports(batch, dir, csv)
}

/// The dossier-level exports (`dossier_records`, `late_dossiers`) of a batch with
/// dossiers; nothing for one without.
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_dossier_exports(
    batch: &Batch,
    dir: &Path,
    csv: cchc_report::export::CsvText,
) -> Result<(), Error> {
    if batch.dossier_records.is_empty() {
        return Ok(());
    }
    let records = cchc_analysis::dossier_frames::dossier_records_frame(&batch.dossier_records)?;
    Ok(cchc_report::export::write_dossier_exports(
        dir,
        &records,
        &late_dossiers_frame(batch)?,
        DEFAULT_PROVINCE,
        csv,
    )?)
}

/// Form A of the batch's report period pooled by level and field, from its frames
/// (perhaps edited), by the embedded field vocabulary.
///
/// # Errors
/// [`Error::Analysis`] when the dossiers frame lacks a column.
pub fn field_table(
    batch: &Batch,
    frames: &Frames,
) -> Result<cchc_analysis::by_field::FieldTable, Error> {
    let period = batch.period.map(|p| p.to_string()).unwrap_or_default();
    Ok(cchc_analysis::by_field::FieldTable::of(
        &frames.dossiers,
        &period,
        &batch.report_registry(),
        &cchc_domain::field::FieldVocabulary::embedded(),
    )?)
}

/// Form B of the batch's report period consolidated by procedure code, from its frames.
///
/// # Errors
/// [`Error::Analysis`] when the online-services frame lacks a column.
pub fn procedure_table(
    batch: &Batch,
    frames: &Frames,
) -> Result<cchc_analysis::by_procedure::ProcedureTable, Error> {
    let period = batch.period.map(|p| p.to_string()).unwrap_or_default();
    Ok(cchc_analysis::by_procedure::ProcedureTable::of(
        &frames.online_services,
        &period,
    )?)
}

/// The department's tables ([`field_table`], [`procedure_table`]), with what they find
/// added to the batch's findings: each field the vocabulary does not know
/// (`field.unknown`, info, at the row that first wrote it) and each procedure units
/// state at different levels (`service.level_conflict`, warning, at the first row off
/// the level most state).
///
/// # Errors
/// As [`field_table`] and [`procedure_table`].
pub fn department_tables(
    batch: &mut Batch,
    frames: &Frames,
) -> Result<
    (
        cchc_analysis::by_field::FieldTable,
        cchc_analysis::by_procedure::ProcedureTable,
    ),
    Error,
> {
    use cchc_domain::finding::{Finding, Rule};
    let fields = field_table(batch, frames)?;
    let procedures = procedure_table(batch, frames)?;
    for u in &fields.unknown {
        let (file, sheet, cell) = &u.source;
        batch.findings.push(
            Finding::file(
                Rule::FieldUnknown,
                file,
                format!(
                    "Lĩnh vực \"{}\" không có trong danh mục lĩnh vực: Biểu II.06a của Sở ghi đúng như đơn vị viết",
                    u.field
                ),
            )
            .at(sheet, cell)
            .with_raw(u.field.clone()),
        );
    }
    for c in &procedures.conflicts {
        let (file, sheet, cell) = &c.source;
        let stated: Vec<String> = c
            .levels
            .iter()
            .map(|(level, units)| {
                // The first few units by id; a province-wide procedure has hundreds.
                let named: Vec<&str> = units.iter().take(5).map(String::as_str).collect();
                let more = if units.len() > 5 { ", …" } else { "" };
                format!(
                    "mức {level}: {} đơn vị ({}{more})",
                    units.len(),
                    named.join(", ")
                )
            })
            .collect();
        batch.findings.push(
            Finding::file(
                Rule::ServiceLevelConflict,
                file,
                format!(
                    "Thủ tục {} ({}) được các đơn vị ghi ở mức độ khác nhau ({}): danh mục của Sở ghi mức nhiều đơn vị ghi nhất; cần thống nhất mức độ với các đơn vị",
                    c.code,
                    c.name,
                    stated.join("; ")
                ),
            )
            .at(sheet, cell)
            .with_raw(c.code.clone()),
        );
    }
    cchc_read::batch::sort_findings(&mut batch.findings);
    Ok((fields, procedures))
}

/// Which unit sent each file of the batch: the unit of the file's own submissions (a
/// district's roll-up file is its sender's, not the units it lists).
pub fn units_by_file(batch: &Batch) -> std::collections::BTreeMap<String, String> {
    let mut by_file = std::collections::BTreeMap::new();
    for roll_up in [false, true] {
        for s in batch
            .submissions
            .iter()
            .filter(|s| s.from_roll_up == roll_up)
        {
            by_file
                .entry(s.file.clone())
                .or_insert_with(|| s.unit.unit_id.clone());
        }
    }
    by_file
}

/// The `late_dossiers` frame of a batch, each unit named as the registry has it.
///
/// # Errors
/// [`Error::Analysis`] if polars refuses the columns (a defect).
pub fn late_dossiers_frame(batch: &Batch) -> Result<DataFrame, Error> {
    let names = |id: &str| {
        batch
            .registry
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    Ok(cchc_analysis::dossier_frames::late_dossiers_frame(
        &batch.late_dossiers,
        &names,
    )?)
}

/// The feedback workbooks of `--feedback DIR` from a batch and its frames (perhaps
/// edited), the attainment recomputed from them; their paths, sorted.
///
/// # Errors
/// [`Error::Analysis`], [`Error::Report`].
pub fn write_feedback(
    batch: &Batch,
    frames: &Frames,
    catalogue: &Catalogue,
    dir: &Path,
) -> Result<Vec<std::path::PathBuf>, Error> {
    let (inputs, rows) = batch_attainment(batch, frames, catalogue)?;
    let registry = batch.report_registry();
    Ok(cchc_report::feedback::write_feedback(
        dir,
        &cchc_report::feedback::FeedbackInput {
            batch,
            registry: &registry,
            units_by_file: &units_by_file(batch),
            inputs: &inputs,
            attainment: &rows,
            catalogue,
        },
    )?)
}
