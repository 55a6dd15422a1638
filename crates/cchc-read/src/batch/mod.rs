//! A batch: every input file read (in parallel), each table tied to a unit and a
//! period, duplicates and missing submissions found.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cchc_domain::finding::{Finding, Rule};
use cchc_domain::measure::Measure;
use cchc_domain::period::{Calendar, Period};
use cchc_domain::target::Form;
use cchc_domain::unit::{Registry, Unit};

use crate::form_a::DossierRow;
use crate::form_b::ServiceRow;
use crate::form_c::StaffRow;
use crate::form_d::IndicatorRow;
use crate::workbook::{
    read_workbook_with, FileRead, ReadContext, ReadMemo, TableData, DATA_EXTENSIONS,
    WORKBOOK_EXTENSIONS,
};

mod assemble;
mod classify;
mod computed;
mod dossiers;
mod inputs;
mod over_time;
mod watchdog;

use assemble::assemble;
pub use assemble::sort_findings;
pub use classify::{classify, computed_measures, ComputedCounts, LateDossier};
pub use dossiers::{BatchDossier, DossierShared, DossierSource, DossierUnit};
pub use inputs::{collect_inputs, count_inputs};
use watchdog::read_files;

/// How to read a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Units that submit.
    pub registry: Registry,
    /// The only period counted (`--period`); `None`: every period found counts, and
    /// the one most submissions state is the report's.
    pub period: Option<Period>,
    /// Unit name to use for files that name none (`--unit`).
    pub unit_fallback: Option<String>,
    /// Header aliases and the target catalogue.
    pub context: ReadContext,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            registry: Registry::default_hung_yen(),
            period: None,
            unit_fallback: None,
            context: ReadContext::default(),
        }
    }
}

/// The rows a submission carries, by form.
#[derive(Debug, Clone)]
pub enum SubmissionData {
    /// Form A rows.
    A(Vec<DossierRow>),
    /// Form B rows.
    B(Vec<ServiceRow>),
    /// Form C rows with their two years.
    C {
        /// The earlier year.
        base_year: u16,
        /// The later year.
        current_year: u16,
        /// Rows.
        rows: Vec<StaffRow>,
    },
    /// Form D rows.
    D(Vec<IndicatorRow>),
}

impl SubmissionData {
    /// The form.
    pub fn form(&self) -> Form {
        match self {
            SubmissionData::A(_) => Form::A,
            SubmissionData::B(_) => Form::B,
            SubmissionData::C { .. } => Form::C,
            SubmissionData::D(_) => Form::D,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            SubmissionData::A(r) => r.len(),
            SubmissionData::B(r) => r.len(),
            SubmissionData::C { rows, .. } => rows.len(),
            SubmissionData::D(r) => r.len(),
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A1 reference of the first row, if any.
    pub fn first_cell(&self) -> String {
        match self {
            SubmissionData::A(r) => r.first().map(|x| x.cell.clone()),
            SubmissionData::B(r) => r.first().map(|x| x.cell.clone()),
            SubmissionData::C { rows, .. } => rows.first().map(|x| x.cell.clone()),
            SubmissionData::D(r) => r.first().map(|x| x.cell.clone()),
        }
        .unwrap_or_default()
    }
}

/// One unit's rows of one form for one period, from one table (or from one row
/// of a district roll-up).
#[derive(Debug, Clone)]
pub struct Submission {
    /// The unit.
    pub unit: Unit,
    /// The period the file states (or the run's, when it states none).
    pub period: Period,
    /// Source file.
    pub file: String,
    /// Source sheet.
    pub sheet: String,
    /// Accepted rows.
    pub data: SubmissionData,
    /// Whether this came from a district roll-up row rather than the unit's own report.
    pub from_roll_up: bool,
    /// Whether its figures are consolidated (false for a duplicate or another period).
    pub counted: bool,
    /// Form A computed from the unit's dossiers in one-stop-shop exports (no Form A of
    /// its own for the period), not read from a table.
    pub computed: bool,
}

impl Submission {
    /// Form A rows (empty for other forms).
    pub fn dossier_rows(&self) -> &[DossierRow] {
        match &self.data {
            SubmissionData::A(r) => r,
            _ => &[],
        }
    }

    /// Sum of each Form A measure over the rows, by [`Measure::index`] (zeros for other
    /// forms, and for a measure the rows do not carry).
    pub fn totals(&self) -> Vec<i64> {
        let mut t = vec![0i64; Measure::count()];
        for r in self.dossier_rows() {
            for (s, v) in t.iter_mut().zip(r.values.iter()) {
                *s += v;
            }
        }
        t
    }

    /// The Form A measures every row carries, by [`Measure::bit`] (none for other forms
    /// and for a submission without rows).
    pub fn carried(&self) -> u32 {
        let rows = self.dossier_rows();
        if rows.is_empty() {
            return 0;
        }
        rows.iter().fold(u32::MAX, |acc, r| acc & r.present)
    }

    /// Whether two submissions carry the same figures (for duplicates).
    fn same_figures(&self, other: &Submission) -> bool {
        match (&self.data, &other.data) {
            (SubmissionData::A(_), SubmissionData::A(_)) => self.totals() == other.totals(),
            (SubmissionData::B(a), SubmissionData::B(b)) => a
                .iter()
                .map(|r| (&r.procedure_code, r.level))
                .eq(b.iter().map(|r| (&r.procedure_code, r.level))),
            (SubmissionData::C { rows: a, .. }, SubmissionData::C { rows: b, .. }) => a
                .iter()
                .map(|r| (r.public_units, r.state_paid_staff))
                .eq(b.iter().map(|r| (r.public_units, r.state_paid_staff))),
            (SubmissionData::D(a), SubmissionData::D(b)) => a
                .iter()
                .map(|r| (&r.target_id, r.numerator, r.denominator, r.ratio))
                .eq(b
                    .iter()
                    .map(|r| (&r.target_id, r.numerator, r.denominator, r.ratio))),
            _ => false,
        }
    }
}

/// What was read from each file: rows accepted and set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// The file.
    pub file: String,
    /// Tables found (of every form).
    pub tables: usize,
    /// Rows consolidated.
    pub rows_accepted: usize,
    /// Rows set aside (bad cells, incomplete table, unknown unit, other period, duplicate).
    pub rows_set_aside: usize,
}

/// The result of reading a batch.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The report's period: `--period`, else the one most tables state (ties: the
    /// latest); `None` when no table states one.
    pub period: Option<Period>,
    /// Every period with a counted submission, in time order (only the report's with
    /// `--period`).
    pub periods: Vec<Period>,
    /// The calendar the periods were read with.
    pub calendar: Calendar,
    /// Submissions, sorted by unit, period, file, sheet; `counted` marks those consolidated.
    pub submissions: Vec<Submission>,
    /// The dossiers of one-stop-shop exports, each once, tied to their units; in
    /// reading order (files sorted, then rows; the `dossier_records` frame sorts them
    /// by unit).
    pub dossier_records: Vec<BatchDossier>,
    /// Each classified period's dossiers finished late or overdue at its end, by unit,
    /// each unit's in reading order.
    pub late_dossiers: Vec<(Period, LateDossier)>,
    /// Every finding, sorted by file, sheet, cell, rule.
    pub findings: Vec<Finding>,
    /// Per-file statistics, sorted by file.
    pub files: Vec<FileStat>,
    /// Units the batch was checked against (every row, whatever its validity).
    pub registry: Registry,
}

impl Batch {
    /// The registry as valid on a period's last day (the whole registry's latest rows
    /// for a period the calendar does not date).
    pub fn registry_for(&self, period: Period) -> std::borrow::Cow<'_, Registry> {
        self.registry.as_of(self.calendar.last_day(period))
    }

    /// The registry of the report's period.
    pub fn report_registry(&self) -> std::borrow::Cow<'_, Registry> {
        match self.period {
            Some(p) => self.registry_for(p),
            None => self.registry.as_of(None),
        }
    }

    /// Rows of the counted submissions: what the frames will hold.
    pub fn counted_rows(&self) -> usize {
        self.submissions
            .iter()
            .filter(|s| s.counted)
            .map(|s| s.data.len())
            .sum()
    }
}

/// Reads a batch. `progress` is called once per file read (from worker threads).
pub fn read_batch(inputs: &[PathBuf], opts: &BatchOptions, progress: &(dyn Fn() + Sync)) -> Batch {
    assemble_batch(read_inputs(inputs, &opts.context, progress), opts)
}

/// What [`read_inputs`] read: each file's findings and tables, before they are tied to
/// units and periods.
pub struct InputsRead {
    files: Vec<(PathBuf, String)>,
    reads: Vec<FileRead>,
    findings: Vec<Finding>,
}

/// The first half of [`read_batch`]: every input file read. It needs no registry, so
/// a caller can make one meanwhile (a registry of 10,000 units takes ≈ 0.1 s).
pub fn read_inputs(
    inputs: &[PathBuf],
    ctx: &ReadContext,
    progress: &(dyn Fn() + Sync),
) -> InputsRead {
    let (files, findings) = collect_inputs(inputs);
    let reads = read_files(
        &files,
        ctx,
        progress,
        std::sync::Arc::new(read_workbook_with),
    );
    InputsRead {
        files,
        reads,
        findings,
    }
}

/// The second half of [`read_batch`]: the tables read tied to units and periods,
/// duplicates and missing submissions found.
pub fn assemble_batch(read: InputsRead, opts: &BatchOptions) -> Batch {
    let InputsRead {
        files,
        reads,
        mut findings,
    } = read;
    assemble(reads, &files, opts, &mut findings)
}
