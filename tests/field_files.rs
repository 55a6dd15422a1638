//! Other people's spreadsheets (`tests/corpus/`, licences beside them), each read by
//! `cchc consolidate` as an officer would: exit 0 or 1 and never an abort, no panic text
//! on stderr, at most 150 MiB of peak memory (the process's own high-water mark, as
//! `CCHC_TIMINGS` prints it), done within 60 s, and the file named in a finding or
//! counted.

use super::*;

/// The largest of the `peak N MB` figures `CCHC_TIMINGS` printed.
fn peak_mb(stderr: &str) -> u64 {
    stderr
        .split("peak ")
        .skip(1)
        .filter_map(|rest| rest.split(' ').next()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

#[test]
fn other_peoples_files_are_read_or_named_within_bounds() {
    let corpus = root().join("tests/corpus");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in std::fs::read_dir(&corpus).expect("corpus") {
        let dir = dir.expect("entry").path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).expect("folder") {
                let f = f.expect("entry").path();
                let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                if cchc_read::workbook::WORKBOOK_EXTENSIONS.contains(&ext) {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    assert!(files.len() >= 600, "{} files", files.len());
    let listed = std::fs::read_to_string(corpus.join("protected.txt")).expect("protected.txt");
    let protection: std::collections::BTreeMap<&str, &str> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let expect = words.next()?;
            Some((words.next()?, expect))
        })
        .collect();
    assert!(protection.len() >= 60, "{} listed", protection.len());
    let tmp = tempfile::tempdir().expect("tmp");
    let mut problems = Vec::new();
    for f in &files {
        let export = tmp.path().join("e");
        let _ = std::fs::remove_dir_all(&export);
        let started = std::time::Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args([
                "consolidate".as_ref(),
                f.as_os_str(),
                "-o".as_ref(),
                tmp.path().join("r.xlsx").as_os_str(),
                "--export".as_ref(),
                export.as_os_str(),
            ])
            .env("CCHC_TIMINGS", "1")
            .env("RUST_BACKTRACE", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("cchc runs");
        // Read stderr beside the child so a full pipe never stalls it.
        let mut pipe = child.stderr.take().expect("stderr");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut pipe, &mut s).ok();
            s
        });
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let stderr = reader.join().unwrap_or_default();
        let name = f.display().to_string();
        let code = status.and_then(|s| s.code());
        if !matches!(code, Some(0 | 1)) {
            problems.push(format!(
                "{name}: exit {code:?} after {:?}",
                started.elapsed()
            ));
            continue;
        }
        if stderr.contains("panicked") || stderr.contains("stack backtrace") {
            problems.push(format!("{name}: panic text on stderr"));
        }
        let peak = peak_mb(&stderr);
        if peak == 0 || peak > 150 {
            problems.push(format!("{name}: peak {peak} MB"));
        }
        let findings = read_csv(&export.join("findings.csv"));
        let named = findings.iter().any(|r| r["file"] == name)
            || read_csv(&export.join("dossiers.csv"))
                .iter()
                .any(|r| r["source_file"] == name);
        if !named {
            problems.push(format!("{name}: neither named nor counted"));
        }
        // Protection as `protected.txt` says: said, read, or (damaged first) neither.
        let said_protected = findings
            .iter()
            .any(|r| r["file"] == name && r["message"].contains("mật khẩu"));
        let relative = f
            .strip_prefix(&corpus)
            .unwrap_or(f)
            .to_string_lossy()
            .to_string();
        let expected = protection.get(relative.as_str()).copied();
        let unreadable = findings
            .iter()
            .any(|r| r["file"] == name && r["severity"] == "error");
        match expected {
            Some("protected") if !said_protected => {
                problems.push(format!("{name}: protected, not said to be"))
            }
            Some("read") if unreadable => problems.push(format!("{name}: not read")),
            Some("protected") => {}
            _ if said_protected => problems.push(format!("{name}: said protected")),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Files other readers open and cchc once refused: UTF-16 parts (a phone app, a PHP
/// library), a Quattro Pro export whose code page is MS-XLS's number for Windows-1252,
/// Excel's built-in password; read with no error, and a Mac code page with its warning.
#[test]
fn files_other_readers_open_are_read() {
    let corpus = root().join("tests/corpus");
    let cases: [(&str, &[&str], Option<&str>); 7] = [
        (
            "roo/Pfand_from_windows_phone.xlsx",
            &["Blatt1", "Blatt2", "Blatt3"],
            None,
        ),
        (
            "roo/Pfand_from_windows_phone.xlsm",
            &["Blatt1", "Blatt2", "Blatt3"],
            None,
        ),
        ("phpspreadsheet/Reader_XLSX_utf16be.xlsx", &["Sheet1"], None),
        (
            "phpspreadsheet/Reader_XLSX_utf16be.bom.xlsx",
            &["Sheet1"],
            None,
        ),
        ("sheetjs/artifacts_quattro_write_57.xls", &["A"], None),
        (
            "exceldatareader/TestExcel_2040.xls",
            &["Sheet1", "Sheet2", "Sheet3"],
            None,
        ),
        (
            "phpspreadsheet/Reader_XLS_maccentraleurope.biff5.xls",
            &[],
            Some("10029"),
        ),
    ];
    let tmp = tempfile::tempdir().expect("tmp");
    for (i, (path, sheets, codepage)) in cases.into_iter().enumerate() {
        let export = tmp.path().join(format!("e{i}"));
        let out = consolidate_into(&corpus.join(path), None, &export);
        assert_eq!(out.status.code(), Some(0), "{path}");
        let findings = read_csv(&export.join("findings.csv"));
        let loud: Vec<_> = findings
            .iter()
            .filter(|r| r["severity"] != "info")
            .map(|r| (r["rule"].clone(), r["raw"].clone()))
            .collect();
        let expected: Vec<_> = codepage
            .map(|p| ("file.codepage".to_string(), p.to_string()))
            .into_iter()
            .collect();
        assert_eq!(loud, expected, "{path}");
        let seen: Vec<&str> = findings
            .iter()
            .filter(|r| r["rule"] == "sheet.unrecognized")
            .map(|r| r["sheet"].as_str())
            .collect();
        for s in sheets {
            assert!(seen.contains(s), "{path}: {s} in {seen:?}");
        }
    }
}
