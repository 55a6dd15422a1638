//! A batch: every input file read (in parallel), each table tied to a unit and a
//! period, duplicates and missing submissions found.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cchc_domain::finding::{Finding, Rule};
use cchc_domain::measure::Measure;
use cchc_domain::period::{parse_period_filename, Period};
use cchc_domain::target::Form;
use cchc_domain::unit::{Registry, Unit};

use crate::form_a::DossierRow;
use crate::form_b::ServiceRow;
use crate::form_c::StaffRow;
use crate::form_d::IndicatorRow;
use crate::workbook::{
    read_workbook_with, FileRead, ReadContext, ReadMemo, TableData, WORKBOOK_EXTENSIONS,
};

/// How to read a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Units that submit.
    pub registry: Registry,
    /// The run's period; `None` takes the period most submissions state.
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
    /// The run's period, when known.
    pub period: Option<Period>,
    /// Submissions, sorted by unit, period, file, sheet; `counted` marks those consolidated.
    pub submissions: Vec<Submission>,
    /// Every finding, sorted by file, sheet, cell, rule.
    pub findings: Vec<Finding>,
    /// Per-file statistics, sorted by file.
    pub files: Vec<FileStat>,
    /// Units the batch was checked against.
    pub registry: Registry,
}

impl Batch {
    /// Rows of the counted submissions: what the frames will hold.
    pub fn counted_rows(&self) -> usize {
        self.submissions
            .iter()
            .filter(|s| s.counted)
            .map(|s| s.data.len())
            .sum()
    }
}

/// Lists input files: files as given, folders walked recursively, sorted.
/// Lock files (`~$…`) and non-workbooks are returned as `file.skipped` findings.
pub fn collect_inputs(inputs: &[PathBuf]) -> (Vec<(PathBuf, String)>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    // (path, known to be a directory or not): a directory's entries say what they are
    // without a stat call each (a link is still followed, by `is_dir`).
    let mut stack: Vec<(PathBuf, Option<bool>)> =
        inputs.iter().map(|p| (p.clone(), None)).collect();
    let mut all = Vec::new();
    while let Some((p, known_dir)) = stack.pop() {
        if known_dir.unwrap_or_else(|| p.is_dir()) {
            match std::fs::read_dir(&p) {
                Ok(rd) => stack.extend(rd.filter_map(Result::ok).map(|e| {
                    let dir = e
                        .file_type()
                        .ok()
                        .filter(|t| !t.is_symlink())
                        .map(|t| t.is_dir());
                    (e.path(), dir)
                })),
                Err(e) => findings.push(Finding::file(
                    Rule::FileUnreadable,
                    p.display().to_string(),
                    format!("Không đọc được thư mục: {e}"),
                )),
            }
        } else {
            all.push(p);
        }
    }
    all.sort();
    all.dedup();
    for p in all {
        let shown = p.display().to_string();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("~$") || name.starts_with(".~lock") {
            findings.push(Finding::file(
                Rule::FileSkipped,
                shown,
                "Tệp tạm của Excel/LibreOffice (~$…): bỏ qua",
            ));
        } else if !WORKBOOK_EXTENSIONS.contains(&ext.as_str()) {
            if p.exists() {
                findings.push(Finding::file(
                    Rule::FileSkipped,
                    shown,
                    "Không phải tệp bảng tính (xlsx, xlsm, xlsb, xls, ods): bỏ qua",
                ));
            } else {
                findings.push(Finding::file(
                    Rule::FileUnreadable,
                    shown,
                    "Không tìm thấy tệp",
                ));
            }
        } else {
            files.push((p, shown));
        }
    }
    (files, findings)
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

/// Reads one file (the workbook reader; another in tests of the watchdog).
type FileReader = dyn Fn(&Path, &str, &ReadContext, &mut ReadMemo) -> FileRead + Send + Sync;

/// Reads the files on as many worker threads as rayon would use, each with its own
/// memo for the whole batch, and returns what each gave, in file order.
///
/// A watchdog: a file still being read after `limits.max_read_seconds` is given up —
/// it gets `file.unreadable` saying so, a fresh worker takes the thread's place and the
/// batch goes on. The thread itself cannot be stopped (Rust has no way to kill one):
/// it is left to finish or to end with the process, and what it returns is dropped.
fn read_files(
    files: &[(PathBuf, String)],
    ctx: &ReadContext,
    progress: &(dyn Fn() + Sync),
    reader: std::sync::Arc<FileReader>,
) -> Vec<FileRead> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::{Duration, Instant};

    let n = files.len();
    if n == 0 {
        return Vec::new();
    }
    let limit = Duration::from_secs(ctx.limits.max_read_seconds.max(1));
    // What a worker shares with the batch; owned, since a worker given up outlives it.
    struct Shared {
        files: Vec<(PathBuf, String)>,
        ctx: ReadContext,
        next: AtomicUsize,
        reader: Arc<FileReader>,
    }
    let shared = Arc::new(Shared {
        files: files.to_vec(),
        ctx: ctx.clone(),
        next: AtomicUsize::new(0),
        reader,
    });
    // Each worker's file in hand and when it started on it.
    type Slot = Arc<Mutex<Option<(usize, Instant)>>>;
    let (done_tx, done_rx) = mpsc::channel::<(usize, FileRead)>();
    impl Shared {
        /// Reads the files not yet taken, one after another, `slot` saying which and
        /// since when.
        fn work(
            &self,
            tx: &mpsc::Sender<(usize, FileRead)>,
            slot: &Mutex<Option<(usize, Instant)>>,
        ) {
            let mut memo = ReadMemo::default();
            loop {
                let i = self.next.fetch_add(1, Ordering::Relaxed);
                let Some((path, shown)) = self.files.get(i) else {
                    break;
                };
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((i, Instant::now()));
                let read = (self.reader)(path, shown, &self.ctx, &mut memo);
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
                if tx.send((i, read)).is_err() {
                    break;
                }
            }
        }
    }
    let spawn = |shared: &Arc<Shared>, tx: &mpsc::Sender<(usize, FileRead)>| -> Slot {
        let slot: Slot = Arc::new(Mutex::new(None));
        let (worker_shared, worker_tx, mine) = (Arc::clone(shared), tx.clone(), Arc::clone(&slot));
        let spawned = std::thread::Builder::new()
            .name("cchc-read".into())
            .spawn(move || worker_shared.work(&worker_tx, &mine));
        if spawned.is_err() {
            // No thread to be had: this one reads what is left, unwatched.
            shared.work(tx, &slot);
        }
        slot
    };
    let workers = rayon::current_num_threads().clamp(1, n);
    let mut slots: Vec<Slot> = (0..workers).map(|_| spawn(&shared, &done_tx)).collect();
    let mut reads: Vec<Option<FileRead>> = vec![None; n];
    let mut settled = 0;
    while settled < n {
        // Wake for the next result or when the oldest file in hand reaches the limit.
        let now = Instant::now();
        let oldest = slots
            .iter()
            .filter_map(|s| *s.lock().unwrap_or_else(|p| p.into_inner()))
            .map(|(_, started)| started)
            .min();
        let wait = oldest.map_or(limit, |t| (t + limit).saturating_duration_since(now));
        match done_rx.recv_timeout(wait.max(Duration::from_millis(1))) {
            Ok((i, read)) => {
                if reads[i].is_none() {
                    reads[i] = Some(read);
                    settled += 1;
                    progress();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                let mut replaced = Vec::new();
                for (k, s) in slots.iter().enumerate() {
                    let held = *s.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some((i, started)) = held {
                        if now.duration_since(started) >= limit && reads[i].is_none() {
                            reads[i] = Some(given_up(&files[i].1, limit));
                            settled += 1;
                            progress();
                            replaced.push(k);
                        }
                    }
                }
                for k in replaced {
                    slots[k] = spawn(&shared, &done_tx);
                }
            }
            // Every worker gone (none can be: the batch holds a sender).
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    reads
        .into_iter()
        .zip(files)
        .map(|(r, (_, shown))| r.unwrap_or_else(|| given_up(shown, limit)))
        .collect()
}

/// What a file given up by the watchdog reads as.
fn given_up(file: &str, limit: std::time::Duration) -> FileRead {
    FileRead {
        file: file.to_string(),
        findings: vec![Finding::file(
            Rule::FileUnreadable,
            file,
            format!(
                "Đọc tệp quá {} giây nên đã dừng: tệp có thể bị hỏng hoặc có cấu trúc bất thường. \
                 Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi gửi lại",
                limit.as_secs()
            ),
        )],
        ..FileRead::default()
    }
}

/// Number of workbook files a batch would read (for progress bars).
pub fn count_inputs(inputs: &[PathBuf]) -> usize {
    collect_inputs(inputs).0.len()
}

struct Candidate {
    unit: Option<Unit>,
    unit_raw: String,
    period: Option<Period>,
    file: String,
    sheet: String,
    data: SubmissionData,
    roll_up: bool,
    set_aside: usize,
    /// False for a table set aside whole (a missing column): it neither counts nor
    /// stands in the way of the unit's other report.
    usable: bool,
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn assemble(
    reads: Vec<FileRead>,
    files: &[(PathBuf, String)],
    opts: &BatchOptions,
    findings: &mut Vec<Finding>,
) -> Batch {
    let reg = &opts.registry;
    let mut stats: BTreeMap<String, FileStat> = BTreeMap::new();
    let mut candidates = Vec::new();
    for (read, (path, _)) in reads.into_iter().zip(files) {
        let file = read.file.clone();
        findings.extend(read.findings);
        let stat = stats.entry(file.clone()).or_insert(FileStat {
            file: file.clone(),
            tables: 0,
            rows_accepted: 0,
            rows_set_aside: 0,
        });
        stat.tables += read.tables.len();
        let file_name = file_name_of(path);
        let stem = file_name
            .rsplit_once('.')
            .map_or(file_name.as_str(), |(s, _)| s)
            .to_string();
        // A unit or period stated on any sheet of the file serves sheets that state none.
        let file_unit = read.tables.iter().find_map(|t| t.meta.unit.clone());
        let file_period = read.tables.iter().find_map(|t| t.meta.period.clone());
        for t in read.tables {
            stat.rows_set_aside += t.data.rows_set_aside();
            let period = t
                .meta
                .period
                .clone()
                .or(file_period.clone())
                .map(|p| p.value)
                .or_else(|| parse_period_filename(&file_name));
            let (data, usable) = match t.data {
                TableData::A(table) if table.header.label_is_unit => {
                    // District roll-up: every row names its unit (docs/contract.md §7.11).
                    for row in table.rows {
                        let unit = reg.match_name(&row.label).cloned();
                        candidates.push(Candidate {
                            unit_raw: row.label.clone(),
                            unit,
                            period,
                            file: file.clone(),
                            sheet: t.sheet.clone(),
                            data: SubmissionData::A(vec![row]),
                            roll_up: true,
                            set_aside: 0,
                            usable: true,
                        });
                    }
                    continue;
                }
                TableData::A(table) => (SubmissionData::A(table.rows), table.complete),
                TableData::B(table) => (SubmissionData::B(table.rows), true),
                TableData::C(table) => (
                    SubmissionData::C {
                        base_year: table.base_year,
                        current_year: table.current_year,
                        rows: table.rows,
                    },
                    true,
                ),
                TableData::D(table) => (SubmissionData::D(table.rows), true),
            };
            let written = t.meta.unit.clone().or(file_unit.clone());
            let unit = written
                .as_ref()
                .and_then(|w| reg.match_name(&w.value))
                .or_else(|| reg.match_name(&unit_words_of_file_name(&stem)))
                .or_else(|| {
                    t.meta
                        .other_lines
                        .iter()
                        .find_map(|l| reg.match_name(&l.value))
                })
                .or_else(|| {
                    opts.unit_fallback
                        .as_deref()
                        .and_then(|u| reg.get(u).or_else(|| reg.match_name(u)))
                })
                .cloned();
            let unit_raw = written.map(|w| w.value).unwrap_or(stem.clone());
            candidates.push(Candidate {
                unit,
                unit_raw,
                period,
                file: file.clone(),
                sheet: t.sheet,
                data,
                roll_up: false,
                set_aside: 0,
                usable,
            });
        }
    }

    // The run's period: as given, else the one most tables state (ties: the latest).
    let run_period = opts
        .period
        .or_else(|| Period::most_stated(candidates.iter().filter_map(|c| c.period)));

    let mut submissions = Vec::new();
    for mut c in candidates {
        let Some(unit) = c.unit.take() else {
            let what = if c.roll_up {
                "Dòng tổng hợp của đơn vị"
            } else {
                "Đơn vị báo cáo"
            };
            findings.push(
                Finding::file(
                    Rule::UnitUnknown,
                    &c.file,
                    format!(
                        "{what} \"{}\" không có trong danh mục đơn vị: số liệu không được tổng hợp",
                        c.unit_raw
                    ),
                )
                .at(&c.sheet, c.data.first_cell())
                .with_raw(c.unit_raw.clone()),
            );
            c.set_aside += c.data.len();
            if let Some(s) = stats.get_mut(&c.file) {
                s.rows_set_aside += c.set_aside;
            }
            continue;
        };
        let period = match (c.period, run_period) {
            (Some(p), _) => p,
            (None, Some(run)) => {
                findings.push(
                    Finding::file(
                        Rule::PeriodUnknown,
                        &c.file,
                        format!(
                            "Không xác định được kỳ báo cáo; tính vào kỳ của đợt tổng hợp ({run})"
                        ),
                    )
                    .at(&c.sheet, ""),
                );
                run
            }
            (None, None) => {
                findings.push(
                    Finding::file(
                        Rule::PeriodUnknown,
                        &c.file,
                        "Không xác định được kỳ báo cáo: số liệu không được tổng hợp",
                    )
                    .at(&c.sheet, ""),
                );
                if let Some(s) = stats.get_mut(&c.file) {
                    s.rows_set_aside += c.data.len();
                }
                continue;
            }
        };
        let in_run = run_period.is_none_or(|r| r == period);
        if !in_run && c.usable {
            findings.push(
                Finding::file(
                    Rule::PeriodMismatch,
                    &c.file,
                    format!(
                        "Báo cáo của \"{}\" ghi kỳ {period}, khác kỳ tổng hợp {}: không được tổng hợp",
                        unit.name,
                        run_period.map(|p| p.to_string()).unwrap_or_default()
                    ),
                )
                .at(&c.sheet, ""),
            );
        }
        submissions.push(Submission {
            unit,
            period,
            file: c.file,
            sheet: c.sheet,
            data: c.data,
            from_roll_up: c.roll_up,
            counted: in_run && c.usable,
        });
    }

    // Per unit, period and form: own reports before roll-up rows, then file and
    // sheet order; the first counts.
    submissions.sort_by(|a, b| {
        (
            &a.unit.unit_id,
            a.period,
            a.data.form(),
            a.from_roll_up,
            &a.file,
            &a.sheet,
        )
            .cmp(&(
                &b.unit.unit_id,
                b.period,
                b.data.form(),
                b.from_roll_up,
                &b.file,
                &b.sheet,
            ))
    });
    let mut i = 0;
    while i < submissions.len() {
        let mut j = i + 1;
        while j < submissions.len()
            && submissions[j].unit.unit_id == submissions[i].unit.unit_id
            && submissions[j].period == submissions[i].period
            && submissions[j].data.form() == submissions[i].data.form()
        {
            j += 1;
        }
        let group: Vec<usize> = (i..j).filter(|&k| submissions[k].counted).collect();
        if let Some((&first, rest)) = group.split_first() {
            for &k in rest {
                let same = submissions[k].same_figures(&submissions[first]);
                let (kept, other) = (&submissions[first], &submissions[k]);
                // A roll-up row equal to the unit's own report is expected, not a finding.
                if !(other.from_roll_up && same) {
                    let message = format!(
                        "Đơn vị \"{}\" có hơn một biểu {:?} kỳ {}: tổng hợp theo {} (trang \"{}\"), không tổng hợp {} (trang \"{}\"){}",
                        kept.unit.name,
                        kept.data.form(),
                        kept.period,
                        kept.file,
                        kept.sheet,
                        other.file,
                        other.sheet,
                        if same { "; số liệu hai báo cáo giống nhau" } else { "; số liệu hai báo cáo khác nhau" }
                    );
                    findings.push(
                        Finding::file(Rule::SubmissionDuplicate, &other.file, message.clone())
                            .at(&other.sheet, other.data.first_cell())
                            .with_raw(kept.unit.unit_id.clone()),
                    );
                    findings.push(
                        Finding::file(Rule::SubmissionDuplicate, &kept.file, message)
                            .at(&kept.sheet, kept.data.first_cell())
                            .with_raw(kept.unit.unit_id.clone()),
                    );
                }
                submissions[k].counted = false;
            }
        }
        i = j;
    }
    carry_over_check(&submissions, findings);
    for s in &submissions {
        if let Some(st) = stats.get_mut(&s.file) {
            if s.counted {
                st.rows_accepted += s.data.len();
            } else {
                st.rows_set_aside += s.data.len();
            }
        }
    }

    if let Some(run) = run_period {
        let sent: std::collections::BTreeSet<&str> = submissions
            .iter()
            .filter(|s| s.counted && s.period == run)
            .map(|s| s.unit.unit_id.as_str())
            .collect();
        for u in reg.units() {
            if !sent.contains(u.unit_id.as_str()) {
                findings.push(
                    Finding::file(
                        Rule::SubmissionMissing,
                        "",
                        format!("Đơn vị \"{}\" chưa gửi báo cáo kỳ {run}", u.name),
                    )
                    .with_raw(u.unit_id.clone()),
                );
            }
        }
    }

    findings.sort_by(|a, b| {
        (&a.file, &a.sheet, cell_order(&a.cell), a.rule, &a.message).cmp(&(
            &b.file,
            &b.sheet,
            cell_order(&b.cell),
            b.rule,
            &b.message,
        ))
    });
    findings.dedup();
    Batch {
        period: run_period,
        submissions,
        findings: std::mem::take(findings),
        files: stats.into_values().collect(),
        registry: reg.clone(),
    }
}

/// Sort key of an A1 reference: row, then column letters by length and text.
fn cell_order(cell: &str) -> (u64, usize, String) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let row = cell[letters.len()..].parse().unwrap_or(0);
    (row, letters.len(), letters)
}

/// The words of a file name that may name a unit: period words, years and
/// report words removed (`PGD Tien Lu_Q1_2022` → `pgd tien lu`).
fn unit_words_of_file_name(stem: &str) -> String {
    const REPORT_WORDS: &[&str] = &[
        "quy", "nam", "bao", "cao", "bc", "cchc", "tthc", "ket", "qua", "ky", "thang", "dau",
    ];
    let spaced = cchc_domain::text::separators_to_spaces(stem);
    let norm = cchc_domain::text::normalize(&spaced);
    let period_word = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "q1" | "q2"
                    | "q3"
                    | "q4"
                    | "qi"
                    | "qii"
                    | "qiii"
                    | "qiv"
                    | "h1"
                    | "9m"
                    | "i"
                    | "ii"
                    | "iii"
                    | "iv"
            )
    };
    norm.split(' ')
        .filter(|w| !w.is_empty() && !period_word(w) && !REPORT_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A quarter's carried-over dossiers should equal the previous quarter's pending
/// ones, when both quarters were read together (warning, docs/contract.md §2).
fn carry_over_check(submissions: &[Submission], findings: &mut Vec<Finding>) {
    // Each unit's own Form A report per period, the first in batch order.
    let mut own_a: BTreeMap<(&str, Period), &Submission> = BTreeMap::new();
    for s in submissions
        .iter()
        .filter(|s| s.data.form() == Form::A && !s.from_roll_up)
    {
        own_a
            .entry((s.unit.unit_id.as_str(), s.period))
            .or_insert(s);
    }
    for s in submissions
        .iter()
        .filter(|s| s.counted && s.data.form() == Form::A && !s.from_roll_up)
    {
        let Some(prev) = s.period.previous_quarter() else {
            continue;
        };
        let Some(p) = own_a.get(&(s.unit.unit_id.as_str(), prev)) else {
            continue;
        };
        let Some((this, previous)) = cchc_domain::forms::vocabulary().carry else {
            return;
        };
        let carried = s.totals()[this];
        let pending = p.totals()[previous];
        if carried != pending {
            findings.push(
                Finding::file(
                    Rule::PeriodCarryOver,
                    &s.file,
                    format!(
                        "Đơn vị \"{}\": số hồ sơ từ kỳ trước chuyển qua kỳ {} là {carried}, nhưng số đang giải quyết cuối kỳ {prev} ({}) là {pending}",
                        s.unit.name, s.period, p.file
                    ),
                )
                .at(&s.sheet, s.data.first_cell())
                .with_raw(format!("{carried} ≠ {pending}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_files` with a reader that hangs on the files named `hang…` (forever, as
    /// far as the batch can tell) and answers the others at once, after a pause that
    /// makes later files finish before earlier ones.
    fn read_with_hangs(names: &[&str], seconds: u64) -> Vec<FileRead> {
        let files: Vec<(PathBuf, String)> = names
            .iter()
            .map(|n| (PathBuf::from(n), (*n).to_string()))
            .collect();
        let mut ctx = ReadContext::default();
        ctx.limits.max_read_seconds = seconds;
        let reader = |_: &Path, shown: &str, _: &ReadContext, _: &mut ReadMemo| {
            if shown.starts_with("hang") {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
            let pause = 40 - 10 * (shown.len() as u64 % 4);
            std::thread::sleep(std::time::Duration::from_millis(pause));
            FileRead {
                file: shown.to_string(),
                findings: vec![Finding::file(Rule::FileSkipped, shown, "read")],
                ..FileRead::default()
            }
        };
        let progressed = std::sync::atomic::AtomicUsize::new(0);
        let reads = read_files(
            &files,
            &ctx,
            &|| {
                progressed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
            std::sync::Arc::new(reader),
        );
        assert_eq!(progressed.into_inner(), names.len(), "one step per file");
        reads
    }

    #[test]
    fn a_file_that_never_finishes_is_given_up_and_the_batch_goes_on() {
        let names = ["a.xlsx", "hang.xlsx", "bb.xlsx", "ccc.xlsx", "dddd.xlsx"];
        let reads = read_with_hangs(&names, 1);
        assert_eq!(reads.len(), names.len());
        for (r, n) in reads.iter().zip(names) {
            assert_eq!(r.file, n, "in file order");
            assert_eq!(r.findings.len(), 1, "{n}");
            let f = &r.findings[0];
            if n.starts_with("hang") {
                assert_eq!(f.rule, Rule::FileUnreadable);
                assert!(f.message.contains("quá 1 giây"), "{}", f.message);
                assert_eq!(f.file, n);
            } else {
                assert_eq!((f.rule, f.message.as_str()), (Rule::FileSkipped, "read"));
            }
        }
    }

    #[test]
    fn more_hanging_files_than_workers_are_each_given_up() {
        // Every worker ends up stuck at some point: each one given up is replaced, so
        // the files after them are still read.
        let names = [
            "hang1.xls",
            "hang2.xls",
            "hang3.xls",
            "e.xlsx",
            "hang4.xls",
            "ff.xlsx",
            "g.xlsx",
        ];
        let reads = read_with_hangs(&names, 1);
        let rules: Vec<(String, Rule)> = reads
            .iter()
            .map(|r| (r.file.clone(), r.findings[0].rule))
            .collect();
        let expected: Vec<(String, Rule)> = names
            .iter()
            .map(|n| {
                let rule = if n.starts_with("hang") {
                    Rule::FileUnreadable
                } else {
                    Rule::FileSkipped
                };
                ((*n).to_string(), rule)
            })
            .collect();
        assert_eq!(rules, expected);
    }

    #[test]
    fn file_names_name_units() {
        assert_eq!(
            unit_words_of_file_name("PGD Tien Lu_Q1_2022"),
            "pgd tien lu"
        );
        assert_eq!(
            unit_words_of_file_name("bao-cao-quy-1-2022-THPT-Van-Lam"),
            "thpt van lam"
        );
        let reg = Registry::default_hung_yen();
        let id = |s: &str| {
            reg.match_name(&unit_words_of_file_name(s))
                .map(|u| u.unit_id.clone())
        };
        assert_eq!(id("PGD Tien Lu_Q1_2022").as_deref(), Some("pgd-tienlu"));
        assert_eq!(
            id("BC_CCHC_QI_2022_THPT_Tien_Lu").as_deref(),
            Some("thpt-tienlu")
        );
    }
}
