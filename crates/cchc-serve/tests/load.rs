//! Load, bounded and on loopback: 30 clients each uploading 20 files at once (600
//! uploads, each checked), none lost, every one recorded once, the process's memory
//! bounded. The figures (uploads a second, the 95th percentile of an upload's round
//! trip, peak memory) are printed as a `LOAD {json}` line: `bench/run` writes them to
//! bench/RESULTS.md from a release build; no figure is asserted here but memory.

mod common;

use std::time::Instant;

use cchc_serve::{Limits, Store};

/// The process's peak resident memory (VmHWM), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
fn thirty_clients_six_hundred_files() {
    const CLIENTS: usize = 30;
    const EACH: usize = 20;
    let dir = tempfile::tempdir().expect("dir");
    let base = common::start(dir.path(), Limits::default());
    let store = Store::open(dir.path()).expect("store");
    // The samples' clean workbooks, taken in turn.
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(common::samples())
        .expect("samples")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            (name.ends_with(".xlsx") && !name.starts_with('~'))
                .then(|| (name, std::fs::read(&path).expect("sample")))
        })
        .collect();
    files.sort();
    let links: Vec<(String, String)> = (0..CLIENTS)
        .map(|i| {
            let unit = format!("don-vi-{i:02}");
            let token = store.issue_link(&unit, "2022-Q1").expect("link");
            (unit, token)
        })
        .collect();
    let started = Instant::now();
    let times: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = links
            .iter()
            .enumerate()
            .map(|(i, (_, token))| {
                let (base, files) = (&base, &files);
                s.spawn(move || {
                    (0..EACH)
                        .map(|k| {
                            let (name, bytes) = &files[(i + k) % files.len()];
                            let t = Instant::now();
                            let (status, _) = common::upload(
                                &format!("{base}/u/{token}/upload"),
                                &[(name.as_str(), bytes.clone())],
                            );
                            assert_eq!(status, 303, "upload {k} of client {i}");
                            t.elapsed().as_secs_f64()
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client"))
            .collect()
    });
    let wall = started.elapsed().as_secs_f64();
    // Every upload recorded once, under its own unit.
    let mut total = 0;
    for (unit, _) in &links {
        let versions = store.versions(unit, "2022-Q1").expect("versions");
        assert_eq!(versions.len(), EACH, "{unit}");
        let mut ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), EACH);
        total += versions.len();
    }
    assert_eq!(total, CLIENTS * EACH);
    let uploads = store
        .audit_log()
        .expect("log")
        .iter()
        .filter(|[_, _, action, _]| action == "version.upload")
        .count();
    assert_eq!(uploads, CLIENTS * EACH);
    let peak = peak_mb();
    assert!(peak < 1024.0, "peak memory {peak:.0} MB");
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let p95 = sorted[(sorted.len() * 95).div_ceil(100) - 1];
    println!(
        "LOAD {{\"clients\": {CLIENTS}, \"uploads\": {}, \"wall_s\": {wall:.3}, \"uploads_per_s\": {:.1}, \"p95_s\": {p95:.3}, \"peak_mb\": {peak:.0}}}",
        times.len(),
        times.len() as f64 / wall
    );
}
