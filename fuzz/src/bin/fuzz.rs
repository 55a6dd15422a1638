//! `cchc-fuzz [--seconds N] [--seed S] [--out DIR] SEEDS...`: reads damaged copies of
//! the seed workbooks for N seconds (default 60) and saves every copy whose reading
//! panicked, took over 10 s or gave neither tables nor findings into DIR (default
//! `fuzz/corpus`), with what happened. Prints the counts at the end.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use cchc_fuzz::{accounted, mutate, panicked, read_bytes};
use cchc_read::workbook::ReadContext;

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

fn seeds(inputs: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries.into_iter().filter(|e| e.is_file()) {
                out.push((file_name(&e), std::fs::read(&e)?));
            }
        } else {
            out.push((
                file_name(p),
                std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
            ));
        }
    }
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut seconds, mut seed, mut out, mut inputs) =
        (60u64, 1u64, PathBuf::from("fuzz/corpus"), Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().context("--seconds N")?.parse()?,
            "--seed" => seed = args.next().context("--seed S")?.parse()?,
            "--out" => out = PathBuf::from(args.next().context("--out DIR")?),
            _ => inputs.push(PathBuf::from(a)),
        }
    }
    let seeds: Vec<(String, Vec<u8>)> = seeds(&inputs)?
        .into_iter()
        .filter(|(n, _)| {
            [".xlsx", ".xls", ".ods", ".xlsb", ".xlsm"]
                .iter()
                .any(|x| n.to_lowercase().ends_with(x))
        })
        .collect();
    if seeds.is_empty() {
        bail!("usage: cchc-fuzz [--seconds N] [--seed S] [--out DIR] SEED_WORKBOOKS_OR_FOLDERS...");
    }
    std::fs::create_dir_all(&out)?;
    // Contained panics are quiet in cchc (`cchc_read::quiet`); here each one's message is
    // what the kept file's note says, so they go to this hook.
    std::env::set_var(cchc_read::quiet::DEBUG_PANICS_VAR, "1");
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
    }));
    let tmp = std::env::temp_dir().join(format!("cchc-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let ctx = ReadContext::default();
    let mut rng = fastrand::Rng::with_seed(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut kept) = (0u64, 0u64);
    while Instant::now() < deadline {
        let (name, bytes) = &seeds[rng.usize(0..seeds.len())];
        let damaged = mutate(bytes, &mut rng);
        // Kept until the read returns: a run killed by a hang leaves the culprit here.
        std::fs::write(out.join("in-progress"), &damaged)?;
        std::fs::write(out.join("in-progress.txt"), name)?;
        let started = Instant::now();
        let read = read_bytes(&tmp, name, &damaged, &ctx)?;
        let took = started.elapsed();
        runs += 1;
        let what = if panicked(&read) {
            Some(format!(
                "panic: {}",
                LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default()
            ))
        } else if took > Duration::from_secs(10) {
            Some(format!("slow: {took:?}"))
        } else if !accounted(&read) {
            Some("neither tables nor findings".to_string())
        } else {
            None
        };
        if let Some(what) = what {
            kept += 1;
            let stem = format!("{seed}-{runs}-{name}");
            std::fs::write(out.join(&stem), &damaged)?;
            std::fs::write(out.join(format!("{stem}.txt")), &what)?;
            println!("{stem}: {what}");
        }
    }
    let _ = std::fs::remove_file(out.join("in-progress"));
    let _ = std::fs::remove_file(out.join("in-progress.txt"));
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "{runs} damaged files read in {seconds} s (seed {seed}); {kept} kept in {}",
        out.display()
    );
    Ok(())
}
