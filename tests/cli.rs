//! Integration tests: the real `cchc` binary on the sample batch and on small
//! fixtures. Expected figures come from `samples/expected.json` (written by the
//! generator from its own numbers) and from arithmetic written out here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Data, Reader};

mod boundaries;
mod catalogue;
mod commands;
mod department;
mod dossiers;
mod field_files;
mod narrative;
mod periods;
mod report;
mod safety;
mod samples;
mod serve;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

fn cchc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cchc"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run cchc")
}

struct Expected {
    measures: Vec<String>,
    units: BTreeMap<String, Vec<i64>>,
    findings: Vec<(String, String)>,
    /// Form A sums of other periods' submissions, by period and unit.
    other_periods: BTreeMap<String, BTreeMap<String, Vec<i64>>>,
    /// Findings only a `--period 2022-Q1` run has.
    findings_with_period: Vec<(String, String)>,
}

fn expected() -> Expected {
    let text =
        std::fs::read_to_string(root().join("samples/expected.json")).expect("expected.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let measures = v["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .map(|m| m.as_str().unwrap_or("").to_string())
        .collect();
    let sums = |v: &serde_json::Value| -> BTreeMap<String, Vec<i64>> {
        v.as_object()
            .expect("units")
            .iter()
            .map(|(k, s)| {
                (
                    k.clone(),
                    s.as_array()
                        .expect("sums")
                        .iter()
                        .map(|x| x.as_i64().unwrap_or(-1))
                        .collect(),
                )
            })
            .collect()
    };
    let findings = |v: &serde_json::Value| -> Vec<(String, String)> {
        v.as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap_or("").to_string(),
                    f["rule"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    Expected {
        measures,
        units: sums(&v["units"]),
        findings: findings(&v["findings"]),
        other_periods: v["other_periods"]
            .as_object()
            .expect("other_periods")
            .iter()
            .map(|(p, u)| (p.clone(), sums(u)))
            .collect(),
        findings_with_period: findings(&v["findings_with_period"]),
    }
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).expect("csv");
    let headers = rdr.headers().expect("headers").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// District of each unit in samples/units.csv, read directly.
fn districts() -> BTreeMap<String, String> {
    read_csv(&root().join("samples/units.csv"))
        .into_iter()
        .map(|r| (r["unit_id"].clone(), r["district"].clone()))
        .collect()
}

fn consolidate_samples(out: &Path, extra: &[&str]) -> Output {
    let report = out.join("report.xlsx");
    let export = out.join("export");
    let mut args = vec![
        "consolidate",
        "samples",
        "-o",
        report.to_str().expect("utf8"),
        "--export",
        export.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    cchc(&args)
}

/// `cchc consolidate INPUT -o DIR/r.xlsx [--registry R] --export EXPORT`.
fn consolidate_into(input: &Path, registry: Option<&Path>, export: &Path) -> Output {
    let report = export.with_extension("xlsx");
    let mut args = vec![
        "consolidate".to_string(),
        input.display().to_string(),
        "-o".into(),
        report.display().to_string(),
        "--export".into(),
        export.display().to_string(),
    ];
    if let Some(r) = registry {
        args.extend(["--registry".to_string(), r.display().to_string()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    cchc(&refs)
}

fn sums_by_unit(
    rows: &[BTreeMap<String, String>],
    measures: &[String],
) -> BTreeMap<String, Vec<i64>> {
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in rows {
        let s = out
            .entry(r["unit_id"].clone())
            .or_insert(vec![0; measures.len()]);
        for (i, m) in measures.iter().enumerate() {
            s[i] += r[m].parse::<i64>().expect("integer measure");
        }
    }
    out
}

/// The rule ids of `cchc check --format json` output, in order.
fn json_rules(out: &Output) -> Vec<String> {
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    list.as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb = open_workbook_auto(path).expect("open report");
    wb.worksheet_range(name).expect("sheet")
}

fn as_i64(d: &Data) -> i64 {
    match d {
        Data::Float(f) => *f as i64,
        Data::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    }
}

/// Recalculates a workbook with LibreOffice (forced recalculation on load) and
/// returns the recalculated copy, or None when LibreOffice is not installed and
/// CCHC_REQUIRE_LIBREOFFICE is not set.
fn recalculate(path: &Path, dir: &Path) -> Option<PathBuf> {
    convert(path, dir, "ods")
}

/// `path` converted by LibreOffice (formulas recalculated on load) to the format `to`
/// (`ods`, `pdf`) in `dir/recalc`; `None` when LibreOffice is not installed (an error
/// when `CCHC_REQUIRE_LIBREOFFICE` is set).
fn convert(path: &Path, dir: &Path, to: &str) -> Option<PathBuf> {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    let Some(soffice) = soffice else {
        assert!(
            std::env::var_os("CCHC_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice required but not found"
        );
        eprintln!("LibreOffice not installed: recalculation not checked");
        return None;
    };
    let profile = dir.join("lo-profile");
    let user = profile.join("user");
    std::fs::create_dir_all(&user).expect("profile");
    // Always recalculate OOXML and ODF files on load.
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("xcu");
    let outdir = dir.join("recalc");
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .arg("--headless")
        .arg(match path.extension().and_then(|e| e.to_str()) {
            Some("docx") => "--writer",
            _ => "--calc",
        })
        .args(["--convert-to", to, "--outdir"])
        .arg(&outdir)
        .arg(path)
        .output()
        .expect("soffice");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    Some(outdir.join(path.with_extension(to).file_name().expect("name")))
}

/// Each page's size in points (width, height), from the PDF's MediaBox entries.
fn media_boxes(pdf: &Path) -> Vec<(f64, f64)> {
    let bytes = std::fs::read(pdf).expect("pdf");
    let text = String::from_utf8_lossy(&bytes);
    text.split("/MediaBox")
        .skip(1)
        .map(|b| {
            let inside = b.split(']').next().unwrap_or_default();
            let numbers: Vec<f64> = inside
                .trim_start()
                .trim_start_matches('[')
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            assert_eq!(numbers.len(), 4, "{pdf:?}: {inside}");
            (numbers[2] - numbers[0], numbers[3] - numbers[1])
        })
        .collect()
}

/// The report's sheets with formulas.
const FORMULA_SHEETS: [&str; 9] = [
    "Biểu II.06a của Sở",
    "Danh mục DVCTT của Sở",
    "Biểu A theo đơn vị",
    "Biểu A theo huyện",
    "Biểu B theo đơn vị",
    "Biểu B theo huyện",
    "Biểu C theo đơn vị",
    "Biểu C theo huyện",
    "Chỉ tiêu khác (Biểu D)",
];

/// Every number of these sheets equals what LibreOffice computes from the formulas.
fn assert_cached_values_recalculate(report: &Path, recalc: &Path, sheets: &[&str]) {
    for &name in sheets {
        let ours = sheet(report, name);
        let theirs = sheet(recalc, name);
        let mut numbers = 0;
        for (r, c, v) in ours.used_cells() {
            let start = ours.start().expect("start");
            let abs = (r as u32 + start.0, c as u32 + start.1);
            match (v, theirs.get_value(abs)) {
                // Totals are whole numbers: equal exactly. Rates: to 12 digits.
                (Data::Float(x), Some(Data::Float(y))) => assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                    "{name} {abs:?}: {x} vs {y}"
                ),
                (Data::Float(x), other) => {
                    panic!("{name} {abs:?}: ours {x}, recalculated {other:?}")
                }
                // An empty rate (no denominator) must stay empty.
                (Data::String(s), other) if s.is_empty() => {
                    assert!(
                        matches!(other, None | Some(Data::Empty) | Some(Data::String(_))),
                        "{name} {abs:?}: {other:?}"
                    )
                }
                _ => continue,
            }
            numbers += 1;
        }
        assert!(numbers > 11, "{name}: {numbers} numbers compared");
    }
}

/// A one-row Form A header, `parent - child` with abbreviations, at `row`.
fn write_flat_header(ws: &mut rust_xlsxwriter::Worksheet, row: u32) {
    let header = [
        "STT",
        "Lĩnh vực",
        "Nhận GQ - Tổng số",
        "Nhận GQ - Trực tuyến",
        "Nhận GQ - Trực tiếp",
        "Nhận GQ - Từ kỳ trước",
        "Đã GQ - Tổng số",
        "Đã GQ - Trước hạn",
        "Đã GQ - Đúng hạn",
        "Đã GQ - Quá hạn",
        "Đang GQ - Tổng số",
        "Đang GQ - Trong hạn",
        "Đang GQ - Quá hạn",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(row, c as u16, *h).expect("w");
    }
}
