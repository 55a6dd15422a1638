//! Running a command: options validated, batch read, outputs written, exit code.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use cchc_analysis::attainment::{attainment_of, unit_inputs};
use cchc_analysis::frames::{Frames, PARALLEL_FRAME_ROWS};
use cchc_domain::finding::Severity;
use cchc_domain::period::Period;
use cchc_domain::target::Catalogue;
use cchc_domain::unit::{Registry, Unit, DEFAULT_PROVINCE};
use cchc_read::batch::{assemble_batch, read_inputs};
use cchc_read::{Batch, BatchOptions};
use cchc_report::export::{write_frame_exports_consuming, write_summary_exports};
use cchc_report::workbook::{write_workbook, Figures, ReportInput};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{BatchArgs, Cli, Command, ConsolidateArgs, TemplateArgs};

/// Runs the CLI and returns the exit code (0 clean, 1 errors found, 2 could not run).
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Consolidate(a) => consolidate(&a),
        Command::Check(a) => crate::check::check(&a),
        Command::Targets(a) => crate::catalogue::targets(&a),
        Command::Measures(a) => crate::catalogue::measures(&a),
        Command::Template(a) => template(&a),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`cchc targets | head`) is the reader's choice, not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            eprintln!("cchc: lỗi: {e:#}");
            2
        }
    }
}

pub(crate) struct Setup {
    /// The run's options; the registry is made while the files are read.
    opts: BatchOptions,
    catalogue: Catalogue,
    /// The registry's units, checked; indexed by name while the files are read.
    units: Vec<Unit>,
}

pub(crate) fn load_catalogue(path: Option<&Path>) -> Result<Catalogue> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("không đọc được {}", p.display()))?;
            Ok(Catalogue::from_toml(&text).with_context(|| format!("tệp {}", p.display()))?)
        }
        None => Ok(Catalogue::default_2022()),
    }
}

/// The registry's units, checked (a malformed file stops the run before any input is
/// read); [`Registry::from_units`] indexes them.
fn load_registry_units(path: Option<&Path>) -> Result<Vec<Unit>> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("không đọc được {}", p.display()))?;
            Ok(Registry::units_from_csv(&text).with_context(|| format!("tệp {}", p.display()))?)
        }
        None => Ok(Registry::units_from_csv(
            cchc_domain::unit::DEFAULT_REGISTRY_CSV,
        )?),
    }
}

pub(crate) fn setup(args: &BatchArgs) -> Result<Setup> {
    let catalogue = load_catalogue(args.targets.as_deref())?;
    let units = load_registry_units(args.registry.as_deref())?;
    let period = args
        .period
        .as_deref()
        .map(str::parse::<Period>)
        .transpose()?;
    for input in &args.inputs {
        if !input.exists() {
            anyhow::bail!("không tìm thấy {}", input.display());
        }
    }
    let context = cchc_read::workbook::ReadContext {
        catalogue: catalogue.clone(),
        limits: cchc_read::sniff::Limits {
            max_read_seconds: args.max_read_seconds,
            ..cchc_read::sniff::Limits::from_file_mb(args.max_file_mb)
        },
        ..Default::default()
    };
    let opts = BatchOptions {
        registry: Registry::from_units(Vec::new()),
        period,
        unit_fallback: args.unit.clone(),
        context,
    };
    Ok(Setup {
        opts,
        catalogue,
        units,
    })
}

/// Reads the batch; the registry is indexed on another thread meanwhile (it is needed
/// only once every file is read) and left in `s.opts`.
pub(crate) fn read_with_progress(args: &BatchArgs, s: &mut Setup) -> Batch {
    let show = std::io::stderr().is_terminal();
    let bar = if show {
        let n = cchc_read::batch::count_inputs(&args.inputs) as u64;
        let bar = ProgressBar::new(n);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} tệp {elapsed}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let units = std::mem::take(&mut s.units);
    let (read, registry) = std::thread::scope(|scope| {
        let registry = scope.spawn(move || Registry::from_units(units));
        let read = read_inputs(&args.inputs, &s.opts.context, &|| bar.inc(1));
        let registry = registry
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, registry)
    });
    s.opts.registry = registry;
    let batch = assemble_batch(read, &s.opts);
    bar.finish_and_clear();
    batch
}

/// Units with at least one consolidated submission.
pub(crate) fn counted_units(batch: &Batch) -> usize {
    batch
        .submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| &s.unit.unit_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

pub(crate) fn summary(batch: &Batch, units: usize, started: Instant) -> i32 {
    let count = |s: Severity| batch.findings.iter().filter(|f| f.severity() == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    eprintln!(
        "cchc: {} tệp, {} đơn vị, kỳ {}; phát hiện: {} lỗi, {} cảnh báo, {} thông tin; {:.2} s",
        batch.files.len(),
        units,
        batch
            .period
            .map(|p| p.to_string())
            .unwrap_or_else(|| "?".into()),
        errors,
        warnings,
        infos,
        started.elapsed().as_secs_f64()
    );
    i32::from(errors > 0)
}

/// Phase timings on stderr when `CCHC_TIMINGS` is set (the benchmark's profile), with
/// the most memory the program held (allocated, sampled every 2 ms) in each phase.
struct Phases {
    on: bool,
    last: Instant,
    peak_allocated: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl Phases {
    fn new() -> Phases {
        let on = std::env::var_os("CCHC_TIMINGS").is_some();
        let peak_allocated = on.then(|| {
            let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let p = std::sync::Arc::clone(&peak);
            std::thread::spawn(move || loop {
                let _ = tikv_jemalloc_ctl::epoch::advance();
                if let Ok(bytes) = tikv_jemalloc_ctl::stats::allocated::read() {
                    p.fetch_max(bytes, std::sync::atomic::Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            });
            peak
        });
        Phases {
            on,
            last: Instant::now(),
            peak_allocated,
        }
    }

    fn done(&mut self, phase: &str) {
        if self.on {
            let held = self.peak_allocated.as_ref().map_or(String::new(), |p| {
                let bytes = p.swap(0, std::sync::atomic::Ordering::Relaxed);
                format!(", held at most {} MB", bytes >> 20)
            });
            eprintln!(
                "timing {phase:<12} {:8.1} ms{}{held}",
                self.last.elapsed().as_secs_f64() * 1e3,
                peak_memory()
            );
        }
        self.last = Instant::now();
    }
}

/// From here on, memory freed goes back to the system at once instead of within
/// jemalloc's decay time (100 ms, `.cargo/config.toml`). For a large batch only, from
/// the end of reading on: the rows freed as the frames are built sit in the arenas of
/// the threads that built them, where the next phases (other threads) cannot reuse
/// them, and with the decay time the attainment's rows and the report came on top of
/// them — the peak at 10,000 workbooks moved between 176 and 216 MB with the machine's
/// speed (a faster run had handed back less by then); with this, 158–175 MB run after run.
/// Not for small batches: purging at once costs system time (≈ 10 % of a 1,000-workbook
/// run if set for the whole run), and their peak is far from any limit.
fn free_memory_eagerly() {
    use tikv_jemalloc_ctl::{Access, AsName};
    // Arenas made from now on, then the ones there are (an arena never used has no
    // setting to read, and nothing to hand back).
    if let Ok(mib) = b"arenas.dirty_decay_ms\0".name().mib::<[usize; 2]>() {
        let _ = mib.write(0isize);
    }
    let Ok(arenas) = tikv_jemalloc_ctl::arenas::narenas::read() else {
        return;
    };
    let Ok(mut mib) = b"arena.0.dirty_decay_ms\0".name().mib::<[usize; 3]>() else {
        return;
    };
    for i in 0..arenas as usize {
        mib[1] = i;
        if Access::<isize>::read(&mib).is_ok() {
            let _ = mib.write(0isize);
        }
    }
}

/// `, peak 80 MB, now 60 MB` from /proc/self/status (Linux; empty elsewhere).
fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    let rss = match (mb("VmHWM:"), mb("VmRSS:")) {
        (Some(peak), Some(now)) => format!(", peak {peak} MB, now {now} MB"),
        _ => String::new(),
    };
    // What the program holds, apart from what the allocator keeps for reuse.
    let _ = tikv_jemalloc_ctl::epoch::advance();
    match tikv_jemalloc_ctl::stats::allocated::read() {
        Ok(bytes) => format!("{rss}, allocated {} MB", bytes / (1 << 20)),
        Err(_) => rss,
    }
}

fn consolidate(args: &ConsolidateArgs) -> Result<i32> {
    let started = Instant::now();
    let mut phases = Phases::new();
    let mut s = setup(&args.batch)?;
    check_output_path(&args.output, &args.batch.inputs)?;
    phases.done("setup");
    let mut batch = read_with_progress(&args.batch, &mut s);
    phases.done("read");
    if batch.counted_rows() > PARALLEL_FRAME_ROWS {
        free_memory_eagerly();
    }
    // Every accepted row moves into the frames: each form's rows are let go as soon as
    // its frame is built, so the rows and all four frames are never held together.
    let frames = Frames::take_from_batch(&mut batch)?;
    let units = counted_units(&batch);
    batch.submissions = Vec::new();
    if phases.on {
        let sizes: Vec<String> = frames
            .estimated_sizes()
            .iter()
            .map(|(name, bytes)| format!("{name} {:.1} MB", *bytes as f64 / 1e6))
            .collect();
        eprintln!("timing   frames hold {}", sizes.join(", "));
    }
    phases.done("frames");
    // The frames go to the exports, which let each one go once written; the report needs
    // only the per-unit figures, read from the frames here meanwhile (a clone of the
    // frames shares their columns: nothing is copied), and the frames are let go then.
    let batch = &batch;
    let catalogue = &s.catalogue;
    let computed = std::sync::OnceLock::new();
    let (report, exports) = std::thread::scope(|scope| -> Result<(f64, Option<f64>)> {
        let frame_exports = args.export.as_deref().map(|dir| {
            let frames = frames.clone();
            scope.spawn(move || -> Result<f64> {
                let start = Instant::now();
                write_frame_exports_consuming(dir, frames, DEFAULT_PROVINCE)?;
                Ok(start.elapsed().as_secs_f64())
            })
        });
        let inputs = unit_inputs(&(&frames).into())?;
        drop(frames);
        let rows = attainment_of(&inputs, &batch.registry, catalogue, DEFAULT_PROVINCE);
        let (inputs, rows) = computed.get_or_init(|| (inputs, rows));
        phases.done("attainment");
        let summary_exports = args.export.as_deref().map(|dir| {
            scope.spawn(move || -> Result<f64> {
                let start = Instant::now();
                let period = batch.period.map(|p| p.to_string()).unwrap_or_default();
                write_summary_exports(dir, rows, &period, catalogue, &batch.findings)?;
                Ok(start.elapsed().as_secs_f64())
            })
        });
        let start = Instant::now();
        let input = ReportInput {
            batch,
            figures: Figures::Inputs(inputs),
            attainment: rows,
            catalogue,
            province: DEFAULT_PROVINCE,
        };
        cchc_report::write_atomic_seekable(&args.output, |out| write_workbook(&input, out))?;
        let report = start.elapsed().as_secs_f64();
        let joined = |h: std::thread::ScopedJoinHandle<'_, Result<f64>>| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("ghi tệp xuất thất bại")))
        };
        let exports = match (frame_exports.map(joined), summary_exports.map(joined)) {
            (Some(a), Some(b)) => Some(a? + b?),
            _ => None,
        };
        Ok((report, exports))
    })?;
    if phases.on {
        eprintln!(
            "timing   report     {:8.1} ms (beside the exports)",
            report * 1e3
        );
        if let Some(e) = exports {
            eprintln!(
                "timing   exports    {:8.1} ms (beside the report; from the frames on)",
                e * 1e3
            );
        }
    }
    phases.done("report+exports");
    Ok(summary(batch, units, started))
}

/// Refuses to overwrite an input workbook with the report.
fn check_output_path(output: &Path, inputs: &[std::path::PathBuf]) -> Result<()> {
    let out = output.canonicalize().ok();
    for i in inputs {
        if out.is_some() && i.canonicalize().ok() == out {
            anyhow::bail!("tệp kết quả {} trùng với một tệp đầu vào", output.display());
        }
    }
    Ok(())
}

fn template(args: &TemplateArgs) -> Result<i32> {
    let registry = Registry::from_units(load_registry_units(args.registry.as_deref())?);
    let unit = match &args.unit {
        Some(u) => Some(
            registry
                .get(u)
                .or_else(|| registry.match_name(u))
                .cloned()
                .with_context(|| format!("đơn vị `{u}` không có trong danh mục"))?,
        ),
        None => None,
    };
    let period = args
        .period
        .as_deref()
        .map(str::parse::<Period>)
        .transpose()?;
    let bytes = cchc_report::template::build_template(unit.as_ref(), period)?;
    cchc_report::write_atomic(&args.output, &bytes)?;
    eprintln!("cchc: đã ghi mẫu báo cáo {}", args.output.display());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use tikv_jemalloc_ctl::{Access, AsName};

    fn decay(name: &'static [u8]) -> isize {
        let mib = name.name().mib::<[usize; 3]>().expect("a jemalloc setting");
        Access::<isize>::read(&mib).expect("readable")
    }

    #[test]
    fn freeing_eagerly_sets_every_arena_to_hand_memory_back_at_once() {
        // The binary's allocator is jemalloc, with the decay time of .cargo/config.toml
        // (100 ms) unless the environment overrides it; the keys must name real settings
        // (a misspelt one would be ignored without a word).
        let before = decay(b"arena.0.dirty_decay_ms\0");
        assert!(before != 0 || std::env::var_os("_RJEM_MALLOC_CONF").is_some());
        super::free_memory_eagerly();
        assert_eq!(decay(b"arena.0.dirty_decay_ms\0"), 0);
        let mib = b"arenas.dirty_decay_ms\0"
            .name()
            .mib::<[usize; 2]>()
            .expect("a jemalloc setting");
        assert_eq!(Access::<isize>::read(&mib).expect("readable"), 0);
    }
}
