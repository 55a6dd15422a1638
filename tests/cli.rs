//! Integration tests: the real `cchc` binary on the sample batch and on small
//! fixtures. Expected figures come from `samples/expected.json` (written by the
//! generator from its own numbers) and from arithmetic written out here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Data, Reader};

mod catalogue;

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
    let units = v["units"]
        .as_object()
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
        .collect();
    let findings = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    Expected {
        measures,
        units,
        findings,
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

/// Thresholds of docs/contract.md §4 written out by hand: (target, ≥ or >, numerator, denominator).
const THRESHOLDS: [(&str, bool, i128, i128); 20] = [
    ("tthc.on_time", false, 1, 1),
    ("tthc.early", false, 8, 10),
    ("tthc.satisfaction", false, 1, 10),
    ("tthc.published", false, 1, 1),
    ("dvc.level34_offered", false, 1, 1),
    ("dvc.national_portal", false, 8, 10),
    ("dvc.level3", true, 5, 10),
    ("dvc.level4", true, 4, 10),
    ("dvc.online_dossiers", false, 5, 10),
    ("org.public_units_cut", false, 25, 1000),
    ("org.staff_cut", false, 2, 100),
    ("org.satisfaction_admin", false, 95, 100),
    ("org.satisfaction_education", false, 9, 10),
    ("civil.job_positions", false, 1, 1),
    ("civil.online_work", false, 1, 1),
    ("finance.autonomy_increase", false, 1, 10),
    ("egov.esigned_documents", false, 1, 1),
    ("egov.work_files_online", false, 5, 10),
    ("egov.reports_on_system", false, 1, 1),
    ("egov.portal_compliance", false, 1, 1),
];

/// Everything that feeds the targets for one scope, in tenths (Form D amounts have
/// one decimal at most): Form A sums, Form B counts, Form C sums, Form D pairs.
#[derive(Default, Clone, Debug)]
struct Pool {
    a: Option<Vec<i128>>,
    b: Option<Vec<i128>>,
    c: Option<Vec<i128>>,
    d: BTreeMap<String, (i128, i128)>,
    lone: BTreeMap<String, f64>,
}

fn add_into(into: &mut Option<Vec<i128>>, from: &Option<Vec<i128>>) {
    if let Some(f) = from {
        let t = into.get_or_insert(vec![0; f.len()]);
        for (x, y) in t.iter_mut().zip(f) {
            *x += y;
        }
    }
}

impl Pool {
    fn pool(&mut self, o: &Pool) {
        add_into(&mut self.a, &o.a);
        add_into(&mut self.b, &o.b);
        add_into(&mut self.c, &o.c);
        for (k, (n, d)) in &o.d {
            let e = self.d.entry(k.clone()).or_insert((0, 0));
            e.0 += n;
            e.1 += d;
        }
    }

    /// (numerator, denominator) in tenths, by the formulas of docs/contract.md §4, written by hand.
    fn figure(&self, target: &str) -> Option<(i128, i128)> {
        let ten = |v: i128| v * 10;
        let a = |i: usize| self.a.as_ref().map(|s| ten(s[i]));
        let b = |i: usize| self.b.as_ref().map(|s| ten(s[i]));
        let c = |i: usize| self.c.as_ref().map(|s| ten(s[i]));
        // Form A: 1 online, 2 direct, 4 resolved, 5 early, 6 on time.
        // Form B: 0 listed, 1 level 3, 2 level 4, 3 level 3–4, 4 of those on the portal, 5 eligible, 6 eligible at 3–4.
        // Form C: 0 units base, 1 units now, 2 staff base, 3 staff now.
        Some(match target {
            "tthc.on_time" => (a(5)? + a(6)?, a(4)?),
            "tthc.early" => (a(5)?, a(4)?),
            "dvc.online_dossiers" => (a(1)?, a(1)? + a(2)?),
            "dvc.level34_offered" => (b(6)?, b(5)?),
            "dvc.national_portal" => (b(4)?, b(3)?),
            "dvc.level3" => (b(1)?, b(0)?),
            "dvc.level4" => (b(2)?, b(0)?),
            "org.public_units_cut" => (c(0)? - c(1)?, c(0)?),
            "org.staff_cut" => (c(2)? - c(3)?, c(2)?),
            // current / base − 1 = (current − base) / base
            "finance.autonomy_increase" => {
                self.d.get(target).map(|(cur, base)| (cur - base, *base))?
            }
            other => *self.d.get(other)?,
        })
    }
}

fn tenths(v: &serde_json::Value) -> i128 {
    (v.as_f64().expect("number") * 10.0).round() as i128
}

/// Per unit, what samples/expected.json says feeds the targets.
fn expected_pools() -> BTreeMap<String, Pool> {
    let text =
        std::fs::read_to_string(root().join("samples/expected.json")).expect("expected.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut pools: BTreeMap<String, Pool> = BTreeMap::new();
    let ints = |x: &serde_json::Value| {
        x.as_array()
            .expect("array")
            .iter()
            .map(|n| n.as_i64().expect("int") as i128)
            .collect::<Vec<_>>()
    };
    for (unit, s) in v["units"].as_object().expect("units") {
        pools.entry(unit.clone()).or_default().a = Some(ints(s));
    }
    for (unit, s) in v["b"].as_object().expect("b") {
        pools.entry(unit.clone()).or_default().b = Some(ints(s));
    }
    for (unit, s) in v["c"].as_object().expect("c") {
        pools.entry(unit.clone()).or_default().c = Some(ints(s));
    }
    for (unit, targets) in v["d"].as_object().expect("d") {
        let p = pools.entry(unit.clone()).or_default();
        for (t, x) in targets.as_object().expect("targets") {
            match t.strip_suffix("#ratio") {
                Some(t) => {
                    p.lone.insert(t.to_string(), x.as_f64().expect("ratio"));
                }
                None => {
                    let pair = x.as_array().expect("pair");
                    // Tenths of tenths are still tenths once both sides are scaled alike.
                    p.d.insert(t.clone(), (tenths(&pair[0]), tenths(&pair[1])));
                }
            }
        }
    }
    pools
}

/// Status and gap by hand: n/d against t = tn/td, in tenths (items are tens of tenths).
fn hand_status(above: bool, tn: i128, td: i128, n: i128, d: i128) -> (&'static str, String) {
    if d == 0 {
        return ("not_applicable", String::new());
    }
    let met = if above {
        n * td > tn * d
    } else {
        n * td >= tn * d
    };
    // t·d − n in items = (tn·d − n·td) / (td·10)
    let top = tn * d - n * td;
    let bottom = td * 10;
    let gap = if above {
        top.div_euclid(bottom) + 1
    } else {
        -((-top).div_euclid(bottom))
    };
    (if met { "met" } else { "not_met" }, gap.max(0).to_string())
}

#[test]
fn sample_batch_figures_are_exact() {
    let exp = expected();
    let tmp = tempfile::tempdir().expect("tmp");
    let out = consolidate_samples(tmp.path(), &["--registry", "samples/units.csv"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "errors in samples/loi give exit 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dossiers = read_csv(&tmp.path().join("export/dossiers.csv"));
    assert_eq!(sums_by_unit(&dossiers, &exp.measures), exp.units);
    for r in &dossiers {
        assert_eq!(r["period"], "2022-Q1");
        assert!(!r["source_file"].is_empty() && !r["sheet"].is_empty() && !r["cell"].is_empty());
    }

    // Pool by hand: units, then districts, then the province (lone ratios stay with their unit).
    let district_of = districts();
    let units = expected_pools();
    let mut pools: BTreeMap<(String, String), Pool> = BTreeMap::new();
    for (unit, p) in &units {
        pools.insert(("unit".into(), unit.clone()), p.clone());
        pools
            .entry(("district".into(), district_of[unit].clone()))
            .or_default()
            .pool(p);
        pools
            .entry(("province".into(), "Hưng Yên".into()))
            .or_default()
            .pool(p);
    }
    let attainment = read_csv(&tmp.path().join("export/attainment.csv"));
    let num = |s: &str| s.parse::<f64>().expect("number");
    let mut checked = BTreeMap::new();
    for r in &attainment {
        let key = (r["scope"].clone(), r["scope_id"].clone());
        let t = r["target_id"].as_str();
        let &(_, above, tn, td) = THRESHOLDS.iter().find(|x| x.0 == t).expect("known target");
        let pool = pools.get(&key);
        let lone = pool.and_then(|p| p.lone.get(t)).filter(|_| key.0 == "unit");
        match (pool.and_then(|p| p.figure(t)), lone) {
            (Some((n, d)), _) => {
                assert!(
                    (num(&r["numerator"]) - n as f64 / 10.0).abs() < 1e-9,
                    "{key:?} {t} numerator {}",
                    r["numerator"]
                );
                assert!(
                    (num(&r["denominator"]) - d as f64 / 10.0).abs() < 1e-9,
                    "{key:?} {t} denominator"
                );
                let (status, gap) = hand_status(above, tn, td, n, d);
                assert_eq!(
                    (r["status"].as_str(), r["gap"].as_str()),
                    (status, gap.as_str()),
                    "{key:?} {t}"
                );
                if d != 0 {
                    assert!(
                        (num(&r["value"]) - n as f64 / d as f64).abs() < 1e-9,
                        "{key:?} {t} value"
                    );
                }
                *checked.entry(t).or_insert(0) += 1;
            }
            (None, Some(ratio)) => {
                let met = if above {
                    ratio * td as f64 > tn as f64
                } else {
                    ratio * td as f64 >= tn as f64
                };
                assert_eq!(
                    r["status"],
                    if met { "met" } else { "not_met" },
                    "{key:?} {t} lone ratio"
                );
                assert!((num(&r["value"]) - ratio).abs() < 1e-12);
                assert_eq!(
                    (
                        r["numerator"].as_str(),
                        r["denominator"].as_str(),
                        r["gap"].as_str()
                    ),
                    ("", "", "")
                );
                *checked.entry(t).or_insert(0) += 1;
            }
            (None, None) => {
                assert_eq!(r["status"], "no_data", "{key:?} {t}");
                assert_eq!(
                    (r["numerator"].as_str(), r["gap"].as_str()),
                    ("", ""),
                    "{key:?} {t}"
                );
            }
        }
    }
    // Every target of the plan was computed somewhere in the samples.
    assert_eq!(checked.len(), 20, "{checked:?}");
    // 20 targets for each registry unit, each district and the province.
    let registry_units = district_of.len();
    let districts: std::collections::BTreeSet<_> = district_of.values().collect();
    assert_eq!(
        attainment.len(),
        20 * (registry_units + districts.len() + 1)
    );
}

#[test]
fn sample_batch_findings_are_all_there() {
    let exp = expected();
    let tmp = tempfile::tempdir().expect("tmp");
    consolidate_samples(tmp.path(), &["--registry", "samples/units.csv"]);
    let findings = read_csv(&tmp.path().join("export/findings.csv"));
    for (file, rule) in &exp.findings {
        assert!(
            findings
                .iter()
                .any(|f| &f["file"] == file && &f["rule"] == rule),
            "missing {rule} for {file}"
        );
    }
    // No file outside the expected list has an error; missing submissions are the
    // registry units that sent nothing usable (THPT Kim Động's table is set aside) or
    // nothing at all.
    for f in findings.iter().filter(|f| f["severity"] == "error") {
        assert!(
            exp.findings.iter().any(|(file, _)| file == &f["file"]),
            "unexpected error {f:?}"
        );
    }
    let mut missing: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "submission.missing")
        .map(|f| f["raw"].as_str())
        .collect();
    missing.sort_unstable();
    assert_eq!(missing, ["thpt-anthi", "thpt-khoaichau", "thpt-kimdong"]);
    // Every finding about a cell says which cell.
    let cell_rules = [
        "value.not_a_number",
        "value.negative",
        "value.fraction",
        "total_row.mismatch",
        "identity.resolved",
    ];
    for f in findings
        .iter()
        .filter(|f| cell_rules.contains(&f["rule"].as_str()))
    {
        assert!(!f["sheet"].is_empty() && !f["cell"].is_empty(), "{f:?}");
    }
    let bad_cells: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["file"] == "samples/loi/THPT_NamKhoaiChau_Q1_2022.xlsx")
        .map(|f| (f["cell"].as_str(), f["raw"].as_str()))
        .collect();
    // The generator wrote "mười" in column D (received online) of the second data
    // row, -3 in H of the third and 2.5 in I of the fourth; data starts at row 11 …
    assert!(bad_cells.contains(&("D12", "mười")), "{bad_cells:?}");
    assert!(bad_cells.contains(&("H13", "-3")), "{bad_cells:?}");
    assert!(bad_cells.contains(&("I14", "2.5")), "{bad_cells:?}");
    // and an error cell #REF! in L (pending in time) of the fifth.
    assert!(bad_cells.contains(&("L15", "#REF!")), "{bad_cells:?}");
}

#[test]
fn broken_files_do_not_change_good_figures() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut args: Vec<String> = vec!["consolidate".into()];
    for e in std::fs::read_dir(root().join("samples")).expect("samples") {
        let p = e.expect("entry").path();
        if p.is_file() {
            args.push(format!(
                "samples/{}",
                p.file_name().expect("name").to_string_lossy()
            ));
        }
    }
    let report = tmp.path().join("good.xlsx");
    let export = tmp.path().join("good");
    args.extend([
        "--registry".into(),
        "samples/units.csv".into(),
        "-o".into(),
        report.display().to_string(),
    ]);
    args.extend(["--export".into(), export.display().to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cchc(&refs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "good files alone: only warnings and info. {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exp = expected();
    let good = sums_by_unit(&read_csv(&export.join("dossiers.csv")), &exp.measures);
    for (unit, s) in &good {
        assert_eq!(Some(s), exp.units.get(unit), "{unit}");
    }
    // The good units are the expected ones less those only in samples/loi.
    assert_eq!(good.len(), exp.units.len() - 2);
}

#[test]
fn same_inputs_same_bytes() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    consolidate_samples(a.path(), &[]);
    consolidate_samples(b.path(), &[]);
    for f in [
        "report.xlsx",
        "export/attainment.csv",
        "export/findings.csv",
        "export/dossiers.csv",
        "export/dossiers.parquet",
    ] {
        let x = std::fs::read(a.path().join(f)).expect("a");
        let y = std::fs::read(b.path().join(f)).expect("b");
        assert!(x == y, "{f} differs between runs");
    }
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

#[test]
fn report_workbook_content() {
    let exp = expected();
    let tmp = tempfile::tempdir().expect("tmp");
    consolidate_samples(tmp.path(), &["--registry", "samples/units.csv"]);
    let report = tmp.path().join("report.xlsx");
    let wb = open_workbook_auto(&report).expect("open");
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "Tổng hợp chỉ tiêu",
            "Ma trận đơn vị",
            "Biểu A theo đơn vị",
            "Biểu A theo huyện",
            "Biểu B theo đơn vị",
            "Biểu B theo huyện",
            "Biểu C theo đơn vị",
            "Biểu C theo huyện",
            "Chỉ tiêu khác (Biểu D)",
            "Biểu đồ",
            "Chưa nộp báo cáo",
            "Phát hiện",
            "Tệp đã đọc"
        ]
    );
    // Form A by unit: one row per unit with data (ids in column B from row 5), then a total row.
    let units = sheet(&report, "Biểu A theo đơn vị");
    let mut province = [0i64; 11];
    for s in exp.units.values() {
        for i in 0..11 {
            province[i] += s[i];
        }
    }
    let first = 4u32;
    for (k, (unit, s)) in exp.units.iter().enumerate() {
        let r = first + k as u32;
        assert_eq!(units.get_value((r, 1)), Some(&Data::String(unit.clone())));
        for (i, v) in s.iter().enumerate().take(11) {
            assert_eq!(
                as_i64(units.get_value((r, 4 + i as u32)).expect("cell")),
                *v,
                "{unit} measure {i}"
            );
        }
    }
    let total_row = first + exp.units.len() as u32;
    assert_eq!(
        units.get_value((total_row, 2)),
        Some(&Data::String("Tổng cộng".into()))
    );
    for (i, v) in province.iter().enumerate().take(11) {
        assert_eq!(
            as_i64(units.get_value((total_row, 4 + i as u32)).expect("total")),
            *v,
            "cached total {i}"
        );
    }
    // Summary: the province's early-resolution row, numerator and denominator by hand.
    let summary = sheet(&report, "Tổng hợp chỉ tiêu");
    let early_row = (first..first + 20)
        .find(|r| summary.get_value((*r, 1)) == Some(&Data::String("tthc.early".into())))
        .expect("row");
    assert_eq!(
        as_i64(summary.get_value((early_row, 5)).expect("n")),
        province[5]
    );
    assert_eq!(
        as_i64(summary.get_value((early_row, 6)).expect("d")),
        province[4]
    );
    // Form D: a row per unit from row 6, three columns (numerator, denominator, ratio) per
    // Form D target of the catalogue in catalogue order from column D; the figures are
    // the ones samples/expected.json was written with.
    let d_targets: Vec<String> = cchc_domain::target::Catalogue::default_2022()
        .targets
        .iter()
        .filter(|t| t.form == cchc_domain::target::Form::D)
        .map(|t| t.id.clone())
        .collect();
    let d = sheet(&report, "Chỉ tiêu khác (Biểu D)");
    assert_eq!(d.get_value((4, 3)), Some(&Data::String("Tử số".into())));
    let exp_d: serde_json::Value = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(root().join("samples/expected.json")).expect("json"),
    )
    .expect("json")["d"]
        .clone();
    let mut checked = 0;
    for (unit, by_target) in exp_d.as_object().expect("d") {
        let row = (5..5 + 40)
            .find(|r| d.get_value((*r, 1)) == Some(&Data::String(unit.clone())))
            .expect(unit);
        for (key, pair) in by_target.as_object().expect("targets") {
            let (target, lone) = key
                .split_once('#')
                .map_or((key.as_str(), false), |(t, _)| (t, true));
            let k = d_targets
                .iter()
                .position(|t| t == target)
                .expect("a Form D target") as u32;
            let col = 3 + 3 * k;
            if lone {
                // A ratio given alone: no numerator or denominator, the ratio as written.
                assert_eq!(
                    d.get_value((row, col)),
                    Some(&Data::Empty),
                    "{unit} {target}"
                );
                assert_eq!(
                    d.get_value((row, col + 2)),
                    Some(&Data::Float(pair.as_f64().expect("ratio"))),
                    "{unit} {target}"
                );
                checked += 1;
                continue;
            }
            let (n, den) = (pair[0].as_f64().expect("n"), pair[1].as_f64().expect("d"));
            assert_eq!(
                d.get_value((row, col)),
                Some(&Data::Float(n)),
                "{unit} {target} numerator"
            );
            assert_eq!(
                d.get_value((row, col + 1)),
                Some(&Data::Float(den)),
                "{unit} {target} denominator"
            );
            match d.get_value((row, col + 2)) {
                Some(Data::Float(r)) => {
                    assert!((r - n / den).abs() < 1e-12, "{unit} {target} ratio {r}")
                }
                other => panic!("{unit} {target} ratio {other:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked} Form D figures checked");
}

/// Recalculates a workbook with LibreOffice (forced recalculation on load) and
/// returns the recalculated copy, or None when LibreOffice is not installed and
/// CCHC_REQUIRE_LIBREOFFICE is not set.
fn recalculate(path: &Path, dir: &Path) -> Option<PathBuf> {
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
        .args(["--headless", "--calc", "--convert-to", "ods", "--outdir"])
        .arg(&outdir)
        .arg(path)
        .output()
        .expect("soffice");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    Some(outdir.join(path.with_extension("ods").file_name().expect("name")))
}

#[test]
fn libreoffice_recalculation_matches_cached_totals() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Control: a formula with a deliberately wrong cached value must come back corrected,
    // proving LibreOffice really recalculated.
    let control = tmp.path().join("control.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 2).expect("write");
    ws.write_number(1, 0, 3).expect("write");
    ws.write_formula(
        2,
        0,
        rust_xlsxwriter::Formula::new("=SUM(A1:A2)").set_result("99"),
    )
    .expect("write");
    wb.save(&control).expect("save");
    let Some(recalc) = recalculate(&control, tmp.path()) else {
        return;
    };
    let mut r = open_workbook_auto(&recalc).expect("open");
    let first = r.sheet_names()[0].clone();
    assert_eq!(
        as_i64(
            r.worksheet_range(&first)
                .expect("range")
                .get_value((2, 0))
                .expect("cell")
        ),
        5
    );

    consolidate_samples(tmp.path(), &["--registry", "samples/units.csv"]);
    let report = tmp.path().join("report.xlsx");
    let recalc = recalculate(&report, tmp.path()).expect("recalculated");
    assert_cached_values_recalculate(&report, &recalc);
}

/// Every number of the form sheets equals what LibreOffice computes from the formulas.
fn assert_cached_values_recalculate(report: &Path, recalc: &Path) {
    for name in [
        "Biểu A theo đơn vị",
        "Biểu A theo huyện",
        "Biểu B theo đơn vị",
        "Biểu B theo huyện",
        "Biểu C theo đơn vị",
        "Biểu C theo huyện",
        "Chỉ tiêu khác (Biểu D)",
    ] {
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

#[test]
fn check_json_lists_findings_and_writes_nothing() {
    let out = cchc(&[
        "check",
        "samples/loi/THPT_PhungHung_Q1_2022.xlsx",
        "--format",
        "json",
        "--registry",
        "samples/units.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let rules = json_rules(&out);
    assert!(
        rules.iter().any(|r| r == "identity.resolved")
            && rules.iter().any(|r| r == "total_row.mismatch"),
        "{rules:?}"
    );
}

#[test]
fn run_errors_exit_2() {
    assert_eq!(
        cchc(&[
            "consolidate",
            "samples",
            "-o",
            "/tmp/x.xlsx",
            "--period",
            "2022-Q5"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(cchc(&["check", "no/such/folder"]).status.code(), Some(2));
    assert_eq!(cchc(&["check"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join("targets.toml");
    std::fs::write(&bad, "[[target]]\nid = \"x\"\nplan_ref = \"MT\"\nname = \"n\"\nwording = \"w\"\ncomparator = \"~\"\nthreshold = \"0.5\"\nform = \"A\"\n")
        .expect("write");
    let out = cchc(&["check", "samples", "--targets", bad.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The comparator's own line (6), and its key.
    assert!(
        err.contains("dòng 6") && err.contains("comparator"),
        "{err}"
    );
}

#[test]
fn own_report_in_the_input_folder_is_skipped() {
    let tmp = tempfile::tempdir().expect("tmp");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).expect("dir");
    std::fs::copy(
        root().join("samples/THPT_VanLam_Q1_2022.xlsx"),
        input.join("THPT_VanLam_Q1_2022.xlsx"),
    )
    .expect("copy");
    let report = input.join("report.xlsx");
    let (i, r) = (
        input.to_str().expect("utf8"),
        report.to_str().expect("utf8"),
    );
    assert_eq!(
        cchc(&["consolidate", i, "-o", r, "--registry", "samples/units.csv"])
            .status
            .code(),
        Some(0)
    );
    // Second run: the report now lies among the inputs.
    let export = tmp.path().join("export");
    let out = cchc(&[
        "consolidate",
        i,
        "-o",
        r,
        "--registry",
        "samples/units.csv",
        "--export",
        export.to_str().expect("utf8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = read_csv(&export.join("findings.csv"));
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "file.skipped" && f["file"].ends_with("report.xlsx")));
    let exp = expected();
    let got = sums_by_unit(&read_csv(&export.join("dossiers.csv")), &exp.measures);
    assert_eq!(got.len(), 1);
    assert_eq!(got.get("thpt-vanlam"), exp.units.get("thpt-vanlam"));
}

/// A workbook with only the agency line at the top left names its unit; the file
/// name says nothing. Figures: received 10 = 4 + 5 + 1, resolved 8 = 6 + 1 + 1, pending 2.
#[test]
fn agency_line_names_the_unit_when_nothing_else_does() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("bao_cao.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN VĂN LÂM")
        .expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    write_flat_header(ws, 3);
    ws.write_number(4, 0, 1).expect("w");
    ws.write_string(4, 1, "Giáo dục").expect("w");
    for (c, v) in [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0].iter().enumerate() {
        ws.write_number(4, 2 + c as u16, f64::from(*v)).expect("w");
    }
    wb.save(&path).expect("save");
    let export = tmp.path().join("e");
    let out = consolidate_into(&path, None, &export);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_csv(&export.join("dossiers.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["unit_id"], "pgd-vanlam");
    assert_eq!(rows[0]["district"], "Văn Lâm");
    assert_eq!(rows[0]["resolved_early"], "6");
    let att = read_csv(&export.join("attainment.csv"));
    let early = att
        .iter()
        .find(|r| {
            r["scope"] == "unit" && r["scope_id"] == "pgd-vanlam" && r["target_id"] == "tthc.early"
        })
        .expect("row");
    // 6 / 8 = 0.75 < 0.8: not met; ⌈0.8·8⌉ − 6 = 7 − 6 = 1.
    assert_eq!(
        (
            early["status"].as_str(),
            early["gap"].as_str(),
            early["value"].as_str()
        ),
        ("not_met", "1", "0.75")
    );
}

/// Text from inputs that looks like a formula stays text in the report.
#[test]
fn input_text_never_becomes_a_formula() {
    let tmp = tempfile::tempdir().expect("tmp");
    let registry = tmp.path().join("units.csv");
    std::fs::write(
        &registry,
        "unit_id,name,kind,district,aliases\n=cmd,=HYPERLINK(\"http://x\"),school,@SUM(1),+1-2\n",
    )
    .expect("w");
    let path = tmp.path().join("bao_cao.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Đơn vị báo cáo: +1-2").expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    write_flat_header(ws, 3);
    ws.write_number(4, 0, 1).expect("w");
    ws.write_string(4, 1, "=1+1").expect("w");
    ws.write_string(4, 2, "=2+2").expect("w"); // not a number: a finding whose raw text starts with '='
    wb.save(&path).expect("save");
    let report = tmp.path().join("r.xlsx");
    cchc(&[
        "consolidate",
        path.to_str().expect("utf8"),
        "-o",
        report.to_str().expect("utf8"),
        "--registry",
        registry.to_str().expect("utf8"),
    ]);
    let mut book = open_workbook_auto(&report).expect("open");
    let mut formula_sheets = Vec::new();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).expect("formulas");
        // Only our own totals (SUM, SUMIF) and rates (IF(d>0,n/d,"")) may be formulas.
        for (_, _, f) in formulas.used_cells() {
            if !f.is_empty() && !f.starts_with("SUM") && !f.starts_with("IF(") {
                formula_sheets.push((name.clone(), f.clone()));
            }
        }
    }
    assert!(formula_sheets.is_empty(), "{formula_sheets:?}");
    let matrix = sheet(&report, "Ma trận đơn vị");
    assert_eq!(
        matrix.get_value((4, 2)),
        Some(&Data::String("=HYPERLINK(\"http://x\")".into()))
    );
    let findings = sheet(&report, "Phát hiện");
    assert!(findings
        .used_cells()
        .any(|(_, _, v)| v == &Data::String("=2+2".into())));
}

/// A template filled the way a unit would (numbers typed into the yellow cells only),
/// then recalculated by LibreOffice as Excel would on saving, reads back with no
/// finding at all and with exactly the figures typed in.
#[test]
fn filled_template_reads_back_with_no_findings() {
    use cchc_report::template::{build_template_filled, ServiceFill, TemplateFill};
    let registry = cchc_domain::unit::Registry::default_hung_yen();
    let unit = registry.get("thpt-vanlam").expect("unit").clone();
    let period: cchc_domain::period::Period = "2022-Q1".parse().expect("period");
    // Form A parts: online, direct, carried, early, on time, late, pending in time, overdue.
    // Field 0: received 5+3+2 = 10, resolved 6+1+1 = 8, pending 2+0 = 2, and 10 = 8 + 2.
    // Field 3: received 4+0+0 = 4, resolved 3+1+0 = 4, pending 0.
    let fill = TemplateFill {
        form_a: vec![(0, [5, 3, 2, 6, 1, 1, 2, 0]), (3, [4, 0, 0, 3, 1, 0, 0, 0])],
        form_b: vec![
            ServiceFill {
                code: "1.005092".into(),
                name: "Cấp bản sao văn bằng".into(),
                field: "Văn bằng".into(),
                level: 4,
                eligible: true,
                portal: true,
                dossiers: [12, 9],
            },
            ServiceFill {
                code: "2.001818".into(),
                name: "Chuyển trường".into(),
                field: "Giáo dục trung học".into(),
                level: 2,
                eligible: false,
                portal: false,
                dossiers: [3, 0],
            },
        ],
        form_c: vec![("Trường THPT Văn Lâm".into(), [1, 1, 98, 95])],
        form_d: vec![
            ("egov.work_files_online".into(), 130.0, 200.0),
            ("finance.autonomy_increase".into(), 33.0, 30.0),
        ],
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let filled = tmp.path().join("mau_da_dien.xlsx");
    std::fs::write(
        &filled,
        build_template_filled(Some(&unit), Some(period), Some(&fill)).expect("template"),
    )
    .expect("write");
    let reg = tmp.path().join("units.csv");
    std::fs::write(
        &reg,
        "unit_id,name,kind,district,aliases\nthpt-vanlam,Trường THPT Văn Lâm,school,Văn Lâm,\n",
    )
    .expect("w");
    let mut files = vec![filled.clone()];
    if let Some(recalc) = recalculate(&filled, tmp.path()) {
        files.push(recalc);
    }
    for file in files {
        let export = tmp.path().join(format!(
            "export-{}",
            file.extension().and_then(|e| e.to_str()).unwrap_or("")
        ));
        let out = consolidate_into(&file, Some(&reg), &export);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let findings = read_csv(&export.join("findings.csv"));
        assert!(findings.is_empty(), "{file:?}: {findings:?}");
        let dossiers = read_csv(&export.join("dossiers.csv"));
        let exp = expected();
        let sums = sums_by_unit(&dossiers, &exp.measures);
        // 10+4, 5+4, 3+0, 2+0, 8+4, 6+3, 1+1, 1+0, 2+0, 2+0, 0
        assert_eq!(
            sums.get("thpt-vanlam"),
            Some(&vec![14, 9, 3, 2, 12, 9, 2, 1, 2, 2, 0]),
            "{file:?}"
        );
        let att = read_csv(&export.join("attainment.csv"));
        let get = |t: &str| {
            att.iter()
                .find(|r| {
                    r["scope"] == "unit" && r["scope_id"] == "thpt-vanlam" && r["target_id"] == t
                })
                .expect("row")
                .clone()
        };
        // Level 4 of 2 procedures: 1/2 = 50% > 40%: met. On the portal: 1 of 1 level 3–4.
        assert_eq!(
            (
                get("dvc.level4")["numerator"].as_str(),
                get("dvc.level4")["denominator"].as_str(),
                get("dvc.level4")["status"].as_str()
            ),
            ("1", "2", "met")
        );
        assert_eq!(get("dvc.national_portal")["status"], "met");
        // Staff 98 → 95: cut 3/98 ≈ 3.06% ≥ 2%: met. Units 1 → 1: 0% < 2.5%: not met, gap ⌈0.025·1⌉ − 0 = 1.
        assert_eq!(
            (
                get("org.staff_cut")["numerator"].as_str(),
                get("org.staff_cut")["status"].as_str()
            ),
            ("3", "met")
        );
        assert_eq!(
            (
                get("org.public_units_cut")["status"].as_str(),
                get("org.public_units_cut")["gap"].as_str()
            ),
            ("not_met", "1")
        );
        // 130/200 = 65% ≥ 50%; autonomy 33/30 − 1 = 10% ≥ 10%: met exactly.
        assert_eq!(get("egov.work_files_online")["status"], "met");
        let auto = get("finance.autonomy_increase");
        assert_eq!(
            (
                auto["numerator"].as_str(),
                auto["denominator"].as_str(),
                auto["status"].as_str(),
                auto["gap"].as_str()
            ),
            ("3", "30", "met", "0")
        );
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

/// Writes a workbook with a flat Form A (one row of the eleven measures) and,
/// optionally, a Form B with the given levels.
fn boundary_workbook(path: &Path, unit: &str, form_a: [i64; 11], levels: &[u8]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, format!("Đơn vị báo cáo: {unit}"))
        .expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    write_flat_header(ws, 3);
    ws.write_number(4, 0, 1).expect("w");
    ws.write_string(4, 1, "Giáo dục trung học").expect("w");
    for (c, v) in form_a.iter().enumerate() {
        ws.write_number(4, 2 + c as u16, *v as f64).expect("w");
    }
    if !levels.is_empty() {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, format!("Đơn vị báo cáo: {unit}"))
            .expect("w");
        for (c, h) in [
            "STT",
            "Mã TTHC",
            "Tên thủ tục hành chính",
            "Mức độ DVC trực tuyến",
            "Tích hợp trên Cổng DVC quốc gia",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *h).expect("w");
        }
        for (i, l) in levels.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).expect("w");
            ws.write_string(r, 1, format!("1.00{i}")).expect("w");
            ws.write_string(r, 2, format!("Thủ tục {}", i + 1))
                .expect("w");
            ws.write_number(r, 3, f64::from(*l)).expect("w");
            ws.write_string(r, 4, "x").expect("w");
        }
    }
    wb.save(path).expect("save");
}

/// The boundary cases of the plan's comparators, each figure worked out by hand.
#[test]
fn boundary_cases() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).expect("dir");
    // THPT Văn Lâm: 10 resolved, 8 early, 2 on time: exactly 80% early. 10 procedures:
    // 5 at level 3 (exactly 50%, not > 50%), 4 at level 4 (exactly 40%, not > 40%), 1 at level 2.
    boundary_workbook(
        &dir.join("a.xlsx"),
        "Trường THPT Văn Lâm",
        [10, 4, 6, 0, 10, 8, 2, 0, 0, 0, 0],
        &[3, 3, 3, 3, 3, 4, 4, 4, 4, 2],
    );
    // THPT Trưng Vương: no dossiers at all.
    boundary_workbook(&dir.join("b.xlsx"), "Trường THPT Trưng Vương", [0; 11], &[]);
    // THPT Tiên Lữ: 57 resolved = 40 early + 16 on time + 1 late; 7 procedures, 4 at level 3, 3 at level 4.
    boundary_workbook(
        &dir.join("c.xlsx"),
        "Trường THPT Tiên Lữ",
        [57, 30, 27, 0, 57, 40, 16, 1, 0, 0, 0],
        &[3, 3, 3, 3, 4, 4, 4],
    );
    let reg = tmp.path().join("units.csv");
    std::fs::write(
        &reg,
        "unit_id,name,kind,district,aliases\nthpt-vanlam,Trường THPT Văn Lâm,school,Văn Lâm,\nthpt-trungvuong,Trường THPT Trưng Vương,school,Văn Lâm,\nthpt-tienlu,Trường THPT Tiên Lữ,school,Tiên Lữ,\n",
    )
    .expect("w");
    let export = tmp.path().join("e");
    let out = consolidate_into(&dir, Some(&reg), &export);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let att = read_csv(&export.join("attainment.csv"));
    let row = |scope: &str, id: &str, t: &str| {
        let r = att
            .iter()
            .find(|r| r["scope"] == scope && r["scope_id"] == id && r["target_id"] == t)
            .expect("row");
        (
            r["numerator"].clone(),
            r["denominator"].clone(),
            r["status"].clone(),
            r["gap"].clone(),
        )
    };
    let s = |n: &str, d: &str, st: &str, g: &str| {
        (n.to_string(), d.to_string(), st.to_string(), g.to_string())
    };
    // Exactly 80% early meets ≥ 80%.
    assert_eq!(
        row("unit", "thpt-vanlam", "tthc.early"),
        s("8", "10", "met", "0")
    );
    assert_eq!(
        row("unit", "thpt-vanlam", "tthc.on_time"),
        s("10", "10", "met", "0")
    );
    // Exactly 50% at level 3 does not meet > 50%: ⌊0.5·10⌋ + 1 − 5 = 1. Same for 40% at level 4.
    assert_eq!(
        row("unit", "thpt-vanlam", "dvc.level3"),
        s("5", "10", "not_met", "1")
    );
    assert_eq!(
        row("unit", "thpt-vanlam", "dvc.level4"),
        s("4", "10", "not_met", "1")
    );
    // Online 4 of 4 + 6 = 40% < 50%: ⌈0.5·10⌉ − 4 = 1.
    assert_eq!(
        row("unit", "thpt-vanlam", "dvc.online_dossiers"),
        s("4", "10", "not_met", "1")
    );
    // Zero dossiers: not applicable, never 100%.
    assert_eq!(
        row("unit", "thpt-trungvuong", "tthc.on_time"),
        s("0", "0", "not_applicable", "")
    );
    assert_eq!(
        row("unit", "thpt-trungvuong", "dvc.online_dossiers"),
        s("0", "0", "not_applicable", "")
    );
    assert_eq!(
        row("unit", "thpt-trungvuong", "dvc.level3"),
        s("", "", "no_data", "")
    );
    // One late dossier: 56/57 misses 100% by 1; early 40/57: ⌈0.8·57⌉ − 40 = ⌈45.6⌉ − 40 = 6.
    assert_eq!(
        row("unit", "thpt-tienlu", "tthc.on_time"),
        s("56", "57", "not_met", "1")
    );
    assert_eq!(
        row("unit", "thpt-tienlu", "tthc.early"),
        s("40", "57", "not_met", "6")
    );
    assert_eq!(
        row("unit", "thpt-tienlu", "dvc.level3"),
        s("4", "7", "met", "0")
    );
    // Văn Lâm pools its two schools: early 8/10.
    assert_eq!(
        row("district", "Văn Lâm", "tthc.early"),
        s("8", "10", "met", "0")
    );
    // Province: early (8 + 40)/(10 + 57) = 48/67: ⌈53.6⌉ − 48 = 6; on time 66/67, gap 1.
    assert_eq!(
        row("province", "Hưng Yên", "tthc.early"),
        s("48", "67", "not_met", "6")
    );
    assert_eq!(
        row("province", "Hưng Yên", "tthc.on_time"),
        s("66", "67", "not_met", "1")
    );
    // Level 3: 9/17 ≈ 52.9% > 50%; level 4: 7/17 ≈ 41.2% > 40%.
    assert_eq!(
        row("province", "Hưng Yên", "dvc.level3"),
        s("9", "17", "met", "0")
    );
    assert_eq!(
        row("province", "Hưng Yên", "dvc.level4"),
        s("7", "17", "met", "0")
    );
}

#[test]
fn max_file_mb_refuses_larger_files() {
    // 0 MB: every file is over the limit, refused unopened with file.too_large (an error).
    let out = cchc(&[
        "check",
        "samples/THPT_VanLam_Q1_2022.xlsx",
        "--format",
        "json",
        "--max-file-mb",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let rules = json_rules(&out);
    assert!(rules.iter().any(|r| r == "file.too_large"), "{rules:?}");
    // The default limit (20 MB) reads it.
    let out = cchc(&[
        "check",
        "samples/THPT_VanLam_Q1_2022.xlsx",
        "--format",
        "json",
    ]);
    assert!(json_rules(&out).iter().all(|r| r != "file.too_large"));
}

/// A small deterministic generator (xorshift64*) so the test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Nothing lost, end to end (issue 6): generated Form A workbooks for six district
/// offices, each row either consistent or holding one bad cell (text, a negative, a
/// fraction). In the report, each unit's row of "Biểu A theo đơn vị" is the sum of its
/// good rows, the total row the sum of all of them, and "Tệp đã đọc" counts each file's
/// good rows as accepted and its bad rows as set aside. Three seeds.
#[test]
fn report_totals_are_the_sums_of_the_accepted_rows() {
    let units = [
        ("pgd-vanlam", "VĂN LÂM"),
        ("pgd-vangiang", "VĂN GIANG"),
        ("pgd-yenmy", "YÊN MỸ"),
        ("pgd-anthi", "ÂN THI"),
        ("pgd-kimdong", "KIM ĐỘNG"),
        ("pgd-tienlu", "TIÊN LỮ"),
    ];
    for seed in [7u64, 2022, 31_337] {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let tmp = tempfile::tempdir().expect("tmp");
        let input = tmp.path().join("in");
        std::fs::create_dir(&input).expect("dir");
        let mut expected: BTreeMap<&str, [i64; 11]> = BTreeMap::new();
        let mut per_file: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (id, district) in units {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, format!("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN {district}"))
                .expect("w");
            ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
                .expect("w");
            write_flat_header(ws, 3);
            let n_rows = 1 + rng.below(8) as u32;
            let (mut good, mut bad) = (0, 0);
            let sums = expected.entry(id).or_insert([0; 11]);
            for i in 0..n_rows {
                // Figures that satisfy every identity of docs/contract.md §5.
                let (online, direct, carried) = (
                    rng.below(40) as i64,
                    rng.below(40) as i64,
                    rng.below(10) as i64,
                );
                let total = online + direct + carried;
                let resolved = total * rng.below(101) as i64 / 100;
                let pending = total - resolved;
                let early = resolved * rng.below(101) as i64 / 100;
                let on_time = (resolved - early) * rng.below(101) as i64 / 100;
                let late = resolved - early - on_time;
                let in_time = pending * rng.below(101) as i64 / 100;
                let values = [
                    total,
                    online,
                    direct,
                    carried,
                    resolved,
                    early,
                    on_time,
                    late,
                    pending,
                    in_time,
                    pending - in_time,
                ];
                // The first row is always good, so every unit has a row in the report.
                let spoil =
                    (i > 0 && rng.below(3) == 0).then(|| (rng.below(11) as usize, rng.below(3)));
                let r = 4 + i;
                ws.write_number(r, 0, f64::from(i + 1)).expect("w");
                ws.write_string(r, 1, format!("Lĩnh vực {}", i + 1))
                    .expect("w");
                for (k, v) in values.iter().enumerate() {
                    let c = 2 + k as u16;
                    match spoil {
                        Some((col, 0)) if col == k => ws.write_string(r, c, "chưa rõ").map(|_| ()),
                        Some((col, 1)) if col == k => {
                            ws.write_number(r, c, -1.0 - *v as f64).map(|_| ())
                        }
                        Some((col, _)) if col == k => {
                            ws.write_number(r, c, *v as f64 + 0.5).map(|_| ())
                        }
                        _ => ws.write_number(r, c, *v as f64).map(|_| ()),
                    }
                    .expect("w");
                }
                if spoil.is_some() {
                    bad += 1;
                } else {
                    good += 1;
                    for k in 0..11 {
                        sums[k] += values[k];
                    }
                }
            }
            let name = format!("{id}.xlsx");
            wb.save(input.join(&name)).expect("save");
            per_file.insert(name, (good, bad));
        }
        let export = tmp.path().join("export");
        let out = consolidate_into(&input, None, &export);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "seed {seed}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = export.with_extension("xlsx");
        let a = sheet(&report, "Biểu A theo đơn vị");
        let mut province = [0i64; 11];
        for (id, sums) in &expected {
            let row = (4..4 + 20)
                .find(|r| a.get_value((*r, 1)) == Some(&Data::String((*id).to_string())))
                .unwrap_or_else(|| panic!("seed {seed}: no row for {id}"));
            for k in 0..11 {
                assert_eq!(
                    as_i64(a.get_value((row, 4 + k as u32)).expect("cell")),
                    sums[k],
                    "seed {seed} {id} measure {k}"
                );
                province[k] += sums[k];
            }
        }
        let total = 4 + expected.len() as u32;
        assert_eq!(
            a.get_value((total, 2)),
            Some(&Data::String("Tổng cộng".into()))
        );
        for (k, v) in province.iter().enumerate().take(11) {
            assert_eq!(
                as_i64(a.get_value((total, 4 + k as u32)).expect("total")),
                *v,
                "seed {seed} total {k}"
            );
        }
        let files = sheet(&report, "Tệp đã đọc");
        for (name, (good, bad)) in &per_file {
            let row = (3..3 + 20)
                .find(|r| {
                    matches!(files.get_value((*r, 0)), Some(Data::String(f)) if f.ends_with(&format!("/{name}")))
                })
                .unwrap_or_else(|| panic!("seed {seed}: {name} not listed"));
            assert_eq!(
                as_i64(files.get_value((row, 2)).expect("accepted")),
                *good,
                "seed {seed} {name} accepted"
            );
            assert_eq!(
                as_i64(files.get_value((row, 3)).expect("set aside")),
                *bad,
                "seed {seed} {name} set aside"
            );
        }
    }
}
