//! The sample batch end to end: every figure and finding against samples/expected.json.

use super::*;

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

    // Every period found counts in its own: the 2022-Q1 batch and the stray 2021-Q4 file.
    let dossiers = read_csv(&tmp.path().join("export/dossiers.csv"));
    let of_period = |p: &str| -> Vec<BTreeMap<String, String>> {
        dossiers
            .iter()
            .filter(|r| r["period"] == p)
            .cloned()
            .collect()
    };
    assert_eq!(
        sums_by_unit(&of_period("2022-Q1"), &exp.measures),
        exp.units
    );
    for (period, units) in &exp.other_periods {
        assert_eq!(
            &sums_by_unit(&of_period(period), &exp.measures),
            units,
            "{period}"
        );
    }
    let periods: std::collections::BTreeSet<&str> =
        dossiers.iter().map(|r| r["period"].as_str()).collect();
    assert_eq!(periods.len(), 1 + exp.other_periods.len());
    for r in &dossiers {
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
    let all = read_csv(&tmp.path().join("export/attainment.csv"));
    let (attainment, other): (Vec<_>, Vec<_>) =
        all.iter().cloned().partition(|r| r["period"] == "2022-Q1");
    let num = |s: &str| s.parse::<f64>().expect("number");
    // The other period: THPT Ân Thi's on-time rate from its sums, by hand; no other
    // unit has data then.
    let anthi = &exp.other_periods["2021-Q4"]["thpt-anthi"];
    let at = |m: &str| exp.measures.iter().position(|x| x == m).expect("measure");
    for r in other.iter().filter(|r| r["scope"] == "unit") {
        assert_eq!(r["period"], "2021-Q4");
        if r["scope_id"] != "thpt-anthi" && r["target_id"].starts_with("tthc.") {
            assert_eq!(r["status"], "no_data", "{r:?}");
        }
        if r["scope_id"] == "thpt-anthi" && r["target_id"] == "tthc.on_time" {
            let n = anthi[at("resolved_early")] + anthi[at("resolved_on_time")];
            assert_eq!(num(&r["numerator"]), n as f64);
            assert_eq!(num(&r["denominator"]), anthi[at("resolved_total")] as f64);
        }
    }
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
    // 20 targets for each registry unit, each district and the province, in each period.
    let registry_units = district_of.len();
    let districts: std::collections::BTreeSet<_> = district_of.values().collect();
    assert_eq!(
        attainment.len(),
        20 * (registry_units + districts.len() + 1)
    );
    assert_eq!(other.len(), attainment.len() * exp.other_periods.len());
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
    // Only with `--period 2022-Q1` is the other period's file a mismatch (not counted).
    for (file, rule) in &exp.findings_with_period {
        assert!(
            !findings
                .iter()
                .any(|f| &f["file"] == file && &f["rule"] == rule),
            "{rule} for {file} without --period"
        );
    }
    let one = tempfile::tempdir().expect("tmp");
    consolidate_samples(
        one.path(),
        &["--registry", "samples/units.csv", "--period", "2022-Q1"],
    );
    let with_period = read_csv(&one.path().join("export/findings.csv"));
    for (file, rule) in exp.findings.iter().chain(&exp.findings_with_period) {
        assert!(
            with_period
                .iter()
                .any(|f| &f["file"] == file && &f["rule"] == rule),
            "missing {rule} for {file} with --period"
        );
    }
    let periods: std::collections::BTreeSet<String> =
        read_csv(&one.path().join("export/attainment.csv"))
            .into_iter()
            .map(|r| r["period"].clone())
            .collect();
    assert_eq!(periods.into_iter().collect::<Vec<_>>(), ["2022-Q1"]);
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
