//! The job itself: read → frames → attainment → report and exports, with the threads
//! it has always had (reading on every core, the registry indexed beside it, the
//! report beside the exports).

use std::path::Path;
use std::time::Instant;

use cchc_analysis::attainment::{attainment_of_periods, period_inputs, Attainment, UnitInputs};
use cchc_analysis::frames::{Frames, PARALLEL_FRAME_ROWS};
use cchc_domain::finding::Severity;
use cchc_domain::period::Period;
use cchc_domain::unit::{Registry, DEFAULT_PROVINCE};
use cchc_read::batch::{assemble_batch, read_inputs};
use cchc_read::{Batch, BatchOptions};
use cchc_report::export::{write_frame_exports_consuming, write_summary_exports};
use cchc_report::workbook::{write_workbook, Figures, ReportInput};

use crate::{Error, Run};

/// What a front end may want to hear while [`Run::consolidate`] works; every method
/// does nothing unless overridden.
pub trait Observer {
    /// A phase ended: `setup`, `read`, `frames`, `attainment`, `report+exports`.
    fn phase(&mut self, _name: &str) {}
    /// Reading is over and the batch is large (more than [`PARALLEL_FRAME_ROWS`]
    /// accepted rows): a moment to tell the allocator to hand memory back early.
    fn large_batch(&mut self) {}
    /// The frames' estimated sizes in bytes, once built.
    fn frame_sizes(&mut self, _sizes: &[(&'static str, usize)]) {}
    /// How long the report and the exports took, side by side (seconds; exports
    /// `None` without an export folder).
    fn report_and_exports(&mut self, _report: f64, _exports: Option<f64>) {}
}

/// An observer that hears nothing.
impl Observer for () {}

/// What a run found, for a closing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Files read (workbooks and skipped files).
    pub files: usize,
    /// Units with at least one consolidated submission.
    pub units: usize,
    /// The report's period.
    pub period: Option<Period>,
    /// Every period with a counted submission, in time order.
    pub periods: usize,
    /// Findings of severity error, warning and info.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Summary {
    /// The summary of a read batch.
    pub fn of(batch: &Batch) -> Summary {
        let count = |s: Severity| batch.findings.iter().filter(|f| f.severity() == s).count();
        Summary {
            files: batch.files.len(),
            units: counted_units(batch),
            period: batch.period,
            periods: batch.periods.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    /// The exit code of docs/contract.md §5: 1 when a finding is an error, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.errors > 0)
    }
}

/// Findings as `cchc check --format json` writes them (and the collection page keeps
/// them): a list of objects `severity, rule, file, sheet, cell, message, raw`.
///
/// ```
/// use cchc_domain::finding::{Finding, Rule};
/// let f = Finding::file(Rule::FileSkipped, "ghi_chu.txt", "bỏ qua");
/// let json = cchc::findings_json(&[f]);
/// assert_eq!(json[0]["severity"], "info");
/// assert_eq!(json[0]["rule"], "file.skipped");
/// ```
pub fn findings_json(findings: &[cchc_domain::finding::Finding]) -> serde_json::Value {
    findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "severity": f.severity().id(), "rule": f.rule.id(), "file": f.file,
                "sheet": f.sheet, "cell": f.cell, "message": f.message, "raw": f.raw,
            })
        })
        .collect()
}

/// Units with at least one consolidated submission.
fn counted_units(batch: &Batch) -> usize {
    batch
        .submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| &s.unit.unit_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

impl Run {
    /// Reads and checks every input; `progress` is called once per file read. The
    /// registry is indexed on another thread meanwhile (it is needed only once every
    /// file is read).
    pub fn read(self, progress: &(dyn Fn() + Sync)) -> Batch {
        let Run {
            inputs,
            catalogue: _,
            units,
            period,
            unit_fallback,
            context,
            csv: _,
            feedback: _,
            narrative: _,
        } = self;
        let (read, registry) = std::thread::scope(|scope| {
            let registry = scope.spawn(move || Registry::from_units(units));
            let read = read_inputs(&inputs, &context, progress);
            let registry = registry
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (read, registry)
        });
        let opts = BatchOptions {
            registry,
            period,
            unit_fallback,
            context,
        };
        assemble_batch(read, &opts)
    }

    /// What `cchc check` does: [`Run::read`], and what the department's tables find
    /// (unknown fields, procedures stated at different levels) added to the findings.
    ///
    /// ```
    /// # let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/loi");
    /// let batch = cchc::Options::new([samples]).validate()?.check(&|| {})?;
    /// assert!(batch.findings.iter().any(|f| f.rule.id() == "identity.balance"));
    /// # Ok::<(), cchc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Analysis`] when a frame cannot be built.
    pub fn check(self, progress: &(dyn Fn() + Sync)) -> Result<Batch, Error> {
        Ok(self.checked(progress)?.0)
    }

    /// [`Run::check`] and the attainment of every target, as the consolidated
    /// workbook and `attainment.csv` give it (every period of the batch, each scope),
    /// nothing written: what a page shows as the figures stand.
    ///
    /// ```
    /// # let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples");
    /// let (batch, rows) = cchc::Options::new([samples]).validate()?.attainment(&|| {})?;
    /// let province = rows
    ///     .iter()
    ///     .find(|r| r.scope == cchc::Scope::Province && &*r.target_id == "tthc.on_time")
    ///     .expect("a province row");
    /// // Every period found, in time order: the stray 2021-Q4 report of samples/loi first.
    /// assert_eq!(&*province.period, "2021-Q4");
    /// assert!(!batch.findings.is_empty()); // samples/loi
    /// # Ok::<(), cchc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Analysis`] when a frame cannot be built.
    pub fn attainment(
        self,
        progress: &(dyn Fn() + Sync),
    ) -> Result<(Batch, Vec<Attainment>), Error> {
        let catalogue = self.catalogue.clone();
        let (batch, frames) = self.checked(progress)?;
        let inputs = period_inputs(&(&frames).into())?;
        let (_, rows) = attainment_by_period(&batch, inputs, &catalogue);
        Ok((batch, rows))
    }

    /// The batch read and checked, and its frames.
    fn checked(self, progress: &(dyn Fn() + Sync)) -> Result<(Batch, Frames), Error> {
        let mut batch = self.read(progress);
        let frames = Frames::from_batch(&batch)?;
        crate::frames::department_tables(&mut batch, &frames)?;
        Ok((batch, frames))
    }

    /// The whole job: reads the inputs, builds the frames, computes the attainment,
    /// writes the consolidated workbook to `output` and, with `export`, the exports
    /// there (both beside each other, each written whole or not at all).
    ///
    /// ```
    /// # let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples");
    /// let out = tempfile::tempdir().expect("a temporary folder");
    /// let report = out.path().join("tong-hop.xlsx");
    /// let run = cchc::Options::new([samples]).validate()?;
    /// let summary = run.consolidate(&report, Some(&out.path().join("xuat")), &mut (), &|| {})?;
    /// assert!(report.exists() && out.path().join("xuat/attainment.csv").exists());
    /// assert_eq!(summary.exit_code(), 1); // the broken files of samples/loi
    /// # Ok::<(), cchc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::OutputIsInput`] before anything is read; [`Error::Analysis`] and
    /// [`Error::Report`] when a frame, the report or an export cannot be written.
    pub fn consolidate(
        self,
        output: &Path,
        export: Option<&Path>,
        observer: &mut dyn Observer,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Summary, Error> {
        check_output_path(output, &self.inputs)?;
        observer.phase("setup");
        let catalogue = self.catalogue.clone();
        let catalogue = &catalogue;
        let csv = self.csv;
        let feedback = self.feedback.clone();
        let narrative = self.narrative.clone();
        if let Some(path) = &narrative {
            check_output_path(path, &self.inputs)?;
            if std::path::absolute(path).ok() == std::path::absolute(output).ok() {
                return Err(Error::OutputsClash(path.clone()));
            }
        }
        let mut batch = self.read(progress);
        observer.phase("read");
        if batch.counted_rows() > PARALLEL_FRAME_ROWS {
            observer.large_batch();
        }
        // Every accepted row moves into the frames: each form's rows are let go as soon
        // as its frame is built, so the rows and all four frames are never held together.
        let frames = Frames::take_from_batch(&mut batch)?;
        let (fields, procedures) = crate::frames::department_tables(&mut batch, &frames)?;
        let summary = Summary::of(&batch);
        // Who sent each file, for the feedback (the rows are in the frames by now).
        let units_by_file = if feedback.is_some() {
            crate::frames::units_by_file(&batch)
        } else {
            Default::default()
        };
        batch.submissions = Vec::new();
        observer.frame_sizes(&frames.estimated_sizes());
        observer.phase("frames");
        // The frames go to the exports, which let each one go once written; the report
        // needs only the per-unit figures, read from the frames here meanwhile (a clone
        // of the frames shares their columns: nothing is copied), and the frames are let
        // go then.
        let batch = &batch;
        let issuer = cchc_domain::issuer::Issuer::embedded();
        let computed = std::sync::OnceLock::new();
        let (report, exports) = std::thread::scope(|scope| -> Result<(f64, Option<f64>), Error> {
            let frame_exports = export.map(|dir| {
                let frames = frames.clone();
                scope.spawn(move || -> Result<f64, Error> {
                    let start = Instant::now();
                    write_frame_exports_consuming(dir, frames, DEFAULT_PROVINCE, csv)?;
                    crate::frames::write_dossier_exports(batch, dir, csv)?;
                    Ok(start.elapsed().as_secs_f64())
                })
            });
            let inputs = period_inputs(&(&frames).into())?;
            drop(frames);
            let (inputs, rows) =
                computed.get_or_init(|| attainment_by_period(batch, inputs, catalogue));
            observer.phase("attainment");
            let summary_exports = export.map(|dir| {
                scope.spawn(move || -> Result<f64, Error> {
                    let start = Instant::now();
                    write_summary_exports(dir, rows, catalogue, &batch.findings, csv)?;
                    Ok(start.elapsed().as_secs_f64())
                })
            });
            let start = Instant::now();
            let registry = batch.report_registry();
            let input = ReportInput {
                batch,
                registry: &registry,
                figures: Figures::Inputs(inputs),
                attainment: rows,
                catalogue,
                province: DEFAULT_PROVINCE,
                fields: &fields,
                procedures: &procedures,
                issuer: &issuer,
            };
            cchc_report::write_atomic_seekable(output, |out| write_workbook(&input, out))?;
            if let Some(path) = &narrative {
                cchc_report::narrative::write_narrative(path, &input)?;
            }
            if let Some(dir) = &feedback {
                cchc_report::feedback::write_feedback(
                    dir,
                    &cchc_report::feedback::FeedbackInput {
                        batch,
                        registry: &registry,
                        units_by_file: &units_by_file,
                        inputs,
                        attainment: rows,
                        catalogue,
                    },
                )?;
            }
            let report = start.elapsed().as_secs_f64();
            let joined = |h: std::thread::ScopedJoinHandle<'_, Result<f64, Error>>| {
                h.join().unwrap_or(Err(Error::ExportThread))
            };
            let exports = match (frame_exports.map(joined), summary_exports.map(joined)) {
                (Some(a), Some(b)) => Some(a? + b?),
                _ => None,
            };
            Ok((report, exports))
        })?;
        observer.report_and_exports(report, exports);
        observer.phase("report+exports");
        Ok(summary)
    }
}

/// Attainment of every period of the batch, each against the units valid on its last
/// day, in time order (the report's period alone, all `no_data`, when nothing counted);
/// and the report's period's per-unit inputs, for the report.
pub(crate) fn attainment_by_period(
    batch: &Batch,
    mut inputs: std::collections::BTreeMap<String, UnitInputs>,
    catalogue: &cchc_domain::target::Catalogue,
) -> (UnitInputs, Vec<Attainment>) {
    let report = batch.period.map(|p| p.to_string()).unwrap_or_default();
    let mut periods: Vec<String> = batch.periods.iter().map(ToString::to_string).collect();
    if periods.is_empty() {
        periods.push(report.clone());
    }
    let registry_for = |key: &str| match key.parse::<Period>() {
        Ok(p) => batch.registry_for(p),
        Err(_) => batch.report_registry(),
    };
    let rows = attainment_of_periods(
        &inputs,
        &periods,
        &registry_for,
        catalogue,
        DEFAULT_PROVINCE,
    );
    (inputs.remove(&report).unwrap_or_default(), rows)
}

/// Refuses to overwrite an input workbook with the report.
fn check_output_path(output: &Path, inputs: &[std::path::PathBuf]) -> Result<(), Error> {
    let out = output.canonicalize().ok();
    if out.is_some() && inputs.iter().any(|i| i.canonicalize().ok() == out) {
        return Err(Error::OutputIsInput(output.to_path_buf()));
    }
    Ok(())
}
