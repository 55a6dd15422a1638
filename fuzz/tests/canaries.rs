//! Canaries for the workarounds: every check cchc makes because calamine 0.38 panics,
//! aborts or never ends on a file (`fuzz/UPSTREAM.md`) keeps its fixture here, read by
//! calamine alone (`calamine-canary`, in a child process with bounded memory and time).
//! The test asserts calamine still fails that way; when an upgrade fixes a defect, its
//! canary fails and names the check in cchc that can then go.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// How calamine fails on a fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fails {
    /// A panic (exit status 101).
    Panics,
    /// An abort: the allocator refused the memory asked for (under a 3 GB limit).
    Aborts,
    /// Still reading when the time is up.
    NeverEnds,
}

/// (fixture under fuzz/corpus, read as xlsx whatever its name, how calamine fails,
/// the UPSTREAM.md defect, the check in cchc that works around it).
const CANARIES: &[(&str, bool, Fails, &str, &str)] = &[
    (
        "contained/xls-formula-tokens-cut.xls",
        false,
        Fails::Panics,
        "1",
        "the panic is contained: catch_unwind around calamine (workbook/mod.rs)",
    ),
    (
        "contained/xls-formula-tokens-cut-2.xls",
        false,
        Fails::Panics,
        "1",
        "the panic is contained: catch_unwind around calamine (workbook/mod.rs)",
    ),
    (
        "xls-property-stream-past-end.xls",
        false,
        Fails::Panics,
        "1a",
        "cfb_check: the property streams' chains",
    ),
    (
        "zip-mixed-xlsx-ods.ods",
        true,
        Fails::Panics,
        "1b",
        "xlsx/scan.rs: cell references bounded",
    ),
    (
        "xls-sst-cut.xls",
        false,
        Fails::Panics,
        "1c",
        "cfb_check/biff.rs: sst_overrun",
    ),
    (
        "xls-sst-extension-cut.xls",
        false,
        Fails::Panics,
        "1c",
        "cfb_check/biff.rs: sst_overrun",
    ),
    (
        "xls-empty-bof.xls",
        false,
        Fails::Panics,
        "2",
        "cfb_check/biff.rs: too_short",
    ),
    (
        "xls-short-boundsheet.xls",
        false,
        Fails::Panics,
        "2",
        "cfb_check/biff.rs: too_short",
    ),
    (
        "xls-short-mergedcells.xls",
        false,
        Fails::Panics,
        "2",
        "cfb_check/biff.rs: too_short",
    ),
    (
        "xls-mulrk-backwards.xls",
        false,
        Fails::Panics,
        "2b",
        "cfb_check/biff.rs: too_short (MULRK)",
    ),
    (
        "xls-dimensions-backwards.xls",
        false,
        Fails::Panics,
        "2c",
        "cfb_check/biff.rs: dimensions",
    ),
    (
        "xls-sheet-position-outside.xls",
        false,
        Fails::Panics,
        "3",
        "cfb_check/biff.rs: scan_sheets (BOUNDSHEET positions)",
    ),
    (
        "xls-dimensions-bomb.xls",
        false,
        Fails::Aborts,
        "4",
        "cfb_check/biff.rs: declared_cells",
    ),
    (
        "xls-dimensions-wrap.xls",
        false,
        Fails::Panics,
        "4",
        "cfb_check/biff.rs: dimensions",
    ),
    (
        "xls-cell-far-away.xls",
        false,
        Fails::Aborts,
        "4b",
        "cfb_check/biff.rs: declared_cells",
    ),
    (
        "cfb-sector-loop.xls",
        false,
        Fails::Aborts,
        "5",
        "cfb_check: no_loops",
    ),
    (
        "xls-table-sector-cut.xls",
        false,
        Fails::Panics,
        "5b",
        "cfb_check: tables",
    ),
    (
        "xls-chain-past-fat.xls",
        false,
        Fails::Panics,
        "5c",
        "cfb_check: read_chain",
    ),
    (
        "xls-workbook-entry-mistyped.xls",
        false,
        Fails::Aborts,
        "5",
        "cfb_check: workbook_stream",
    ),
    (
        "xls-mini-stream-past-end.xls",
        false,
        Fails::Panics,
        "6",
        "cfb_check: the mini stream's chain",
    ),
    (
        "ods-cut-content-loops.ods",
        false,
        Fails::NeverEnds,
        "7",
        "sniff.rs: scan_ods_content (well-formed XML first)",
    ),
];

/// Runs the canary on a fixture: how it ended, waiting at most `wait` (a panic or an
/// abort comes within a second; a machine busy with a build may take far longer).
fn run(fixture: &str, as_xlsx: bool, wait: Duration) -> Result<Fails, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(fixture);
    assert!(path.exists(), "{} is missing", path.display());
    let mut args = vec![env!("CARGO_BIN_EXE_calamine-canary").to_string()];
    if as_xlsx {
        args.push("--xlsx".into());
    }
    args.push(path.display().to_string());
    // 3 GB of address space: the defects that lay out billions of cells abort there
    // instead of taking the machine's memory.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 3000000; exec \"$0\" \"$@\"")
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + wait;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            use std::os::unix::process::ExitStatusExt;
            return match (status.code(), status.signal()) {
                (Some(101), _) => Ok(Fails::Panics),
                (None, Some(6)) | (Some(134), _) => Ok(Fails::Aborts),
                (Some(0), _) => Err("calamine reads it".into()),
                (Some(3), _) => Err("calamine refuses it with an error".into()),
                other => Err(format!("calamine ended with {other:?}")),
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Fails::NeverEnds);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn calamine_still_fails_where_cchc_works_around_it() {
    let mut changed = Vec::new();
    for &(fixture, as_xlsx, expected, defect, check) in CANARIES {
        // What never ends is given 5 s; what should fail, a minute before it counts as
        // never ending.
        let wait = Duration::from_secs(if expected == Fails::NeverEnds { 5 } else { 60 });
        match run(fixture, as_xlsx, wait) {
            Ok(f) if f == expected => {}
            got => changed.push(format!(
                "{fixture} (UPSTREAM.md {defect}): expected {expected:?}, got {got:?} — \
                 if calamine is fixed, {check} may go"
            )),
        }
    }
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}
