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
        let (status, stderr) = consolidate_bounded(f, &tmp.path().join("r.xlsx"), &export);
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

/// `cchc consolidate FILE -o REPORT --export EXPORT` with `CCHC_TIMINGS` (the child's own
/// peak memory on stderr) and `RUST_BACKTRACE` set, killed after 60 s (`None`).
fn consolidate_bounded(
    file: &Path,
    report: &Path,
    export: &Path,
) -> (Option<std::process::ExitStatus>, String) {
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args([
            "consolidate".as_ref(),
            file.as_os_str(),
            "-o".as_ref(),
            report.as_os_str(),
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
    (status, reader.join().unwrap_or_default())
}

/// An xlsx of one sheet whose `<sheetData>` starts as `sheet_data` (closed here), with
/// a shared-string table of one string when given; parts deflated.
fn write_xlsx(path: &Path, sheet_data: &str, shared: Option<&str>) {
    use std::io::Write;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let deflated = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: String| {
        zip.start_file(name, deflated).expect("zip");
        zip.write_all(text.as_bytes()).expect("zip");
    };
    part(
        "_rels/.rels",
        format!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    part(
        "xl/workbook.xml",
        format!(
            r#"<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        ),
    );
    if let Some(s) = shared {
        part(
            "xl/sharedStrings.xml",
            format!(r#"<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{s}</t></si></sst>"#),
        );
    }
    part(
        "xl/worksheets/sheet1.xml",
        format!(r#"<worksheet xmlns="{MAIN}">{sheet_data}</sheetData></worksheet>"#),
    );
    zip.finish().expect("zip");
}

/// Crafted files of a few hundred KB at most whose cells would hold gigabytes (one
/// string named by 100,000 cells, a text cell repeated 1.2 million times) or that lay
/// out 300,000 numbers: each read or refused within 150 MiB.
#[test]
fn crafted_variants_stay_within_memory() {
    use std::io::Write;
    let tmp = tempfile::tempdir().expect("tmp");
    // xlsx: 100,000 cells naming one 10,000-character shared string (1 GB as copies).
    let mut sheet = String::from("<sheetData>");
    for _ in 0..5_000 {
        sheet.push_str(&format!(
            "<row>{}</row>",
            r#"<c t="s"><v>0</v></c>"#.repeat(20)
        ));
    }
    let strings = tmp.path().join("strings.xlsx");
    write_xlsx(&strings, &sheet, Some(&"x".repeat(10_000)));
    // xlsx: 300,000 numbers (15,000 rows × 20: kept sparse).
    let mut sheet = String::from("<sheetData>");
    for r in 0..15_000u32 {
        sheet.push_str("<row>");
        for c in 0..20 {
            sheet.push_str(&format!("<c><v>{}</v></c>", (r * 20 + c) % 997));
        }
        sheet.push_str("</row>");
    }
    let numbers = tmp.path().join("numbers.xlsx");
    write_xlsx(&numbers, &sheet, None);
    // ods: one row of 60 text cells of 1,000 characters, repeated 20,000 times.
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="20000"><table:table-cell office:value-type="string" table:number-columns-repeated="60"><text:p>{}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
        "y".repeat(1_000)
    );
    let repeated = tmp.path().join("repeated.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&repeated).expect("create"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("zip");
    zip.start_file("content.xml", stored).expect("zip");
    zip.write_all(content.as_bytes()).expect("zip");
    zip.finish().expect("zip");
    let xls = root().join("crates/cchc-read/tests/fixtures/xls/shared_text_bomb.xls");
    for (file, refused) in [
        (&strings, true),
        (&numbers, false),
        (&repeated, true),
        (&xls, true),
    ] {
        assert!(
            std::fs::metadata(file).expect("size").len() < 3 << 20,
            "{file:?}"
        );
        let export = tmp.path().join("e");
        let _ = std::fs::remove_dir_all(&export);
        let (status, stderr) = consolidate_bounded(file, &tmp.path().join("r.xlsx"), &export);
        let code = status.and_then(|s| s.code());
        assert!(matches!(code, Some(0 | 1)), "{file:?}: {code:?} {stderr}");
        let peak = peak_mb(&stderr);
        assert!(peak > 0 && peak <= 150, "{file:?}: peak {peak} MB");
        let too_large = read_csv(&export.join("findings.csv"))
            .iter()
            .any(|r| r["rule"] == "file.too_large");
        assert_eq!(too_large, refused, "{file:?}");
    }
}
