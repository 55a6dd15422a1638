//! Catalogue v2 end to end (docs/contract.md §8): plans other than the 2022 default, renamed and
//! reordered targets, upper bounds, counts and optional measures, each figure worked
//! out here from `samples/expected.json` (the generator's own numbers).

use super::*;

/// What feeds a test target for one unit, from samples/expected.json.
#[derive(Default, Clone, Debug)]
struct UnitData {
    /// Form A: the 11 measures of the official form.
    a: Option<Vec<i128>>,
    /// Form A optional columns: toàn trình, một phần, bưu chính, xin lỗi.
    optional: Option<Vec<i128>>,
    /// Form B: listed, level 3, level 4, level 3–4, of those on the portal, eligible,
    /// eligible at 3–4.
    b: Option<Vec<i128>>,
    /// Form C: units base, units now, staff base, staff now.
    c: Option<Vec<i128>>,
    /// Form D: whole-number (numerator, denominator) by the 2022 target the row names.
    d: BTreeMap<String, (i128, i128)>,
}

fn unit_data() -> BTreeMap<String, UnitData> {
    let text =
        std::fs::read_to_string(root().join("samples/expected.json")).expect("expected.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let ints = |x: &serde_json::Value| -> Vec<i128> {
        x.as_array()
            .expect("array")
            .iter()
            .map(|n| i128::from(n.as_i64().expect("int")))
            .collect()
    };
    let mut out: BTreeMap<String, UnitData> = BTreeMap::new();
    for (unit, s) in v["units"].as_object().expect("units") {
        out.entry(unit.clone()).or_default().a = Some(ints(s));
    }
    for (unit, o) in v["optional"].as_object().expect("optional") {
        let names = [
            "received_online_full",
            "received_online_partial",
            "received_postal",
            "resolved_late_apologised",
        ];
        let values = names
            .iter()
            .map(|n| i128::from(o[n].as_i64().expect("int")))
            .collect();
        out.entry(unit.clone()).or_default().optional = Some(values);
    }
    for (unit, s) in v["b"].as_object().expect("b") {
        out.entry(unit.clone()).or_default().b = Some(ints(s));
    }
    for (unit, s) in v["c"].as_object().expect("c") {
        out.entry(unit.clone()).or_default().c = Some(ints(s));
    }
    for (unit, targets) in v["d"].as_object().expect("d") {
        for (t, x) in targets.as_object().expect("targets") {
            let Some(pair) = x.as_array() else { continue };
            let (n, d) = (pair[0].as_f64().expect("n"), pair[1].as_f64().expect("d"));
            if n.fract() == 0.0 && d.fract() == 0.0 {
                let e = out.entry(unit.clone()).or_default();
                e.d.insert(t.clone(), (n as i128, d as i128));
            }
        }
    }
    out
}

/// A unit's figure for a target: numerator and, unless a count, denominator.
type Figure = Option<(i128, Option<i128>)>;

/// One target of a test catalogue, and its figure worked out by hand.
struct HandTarget {
    id: &'static str,
    comparator: &'static str,
    /// The threshold as tn / td.
    tn: i128,
    td: i128,
    figure: fn(&UnitData) -> Figure,
}

/// Status and gap of docs/contract.md §7.6 and §8, with integer arithmetic: (status, gap).
fn judge(t: &HandTarget, n: i128, d: Option<i128>) -> (&'static str, String) {
    let (tn, td) = (t.tn, t.td);
    let count = d.is_none();
    let d = d.unwrap_or(1);
    if d == 0 && !count {
        return ("not_applicable", String::new());
    }
    // t·d = tn·d / td; floor and ceiling of it, d ≥ 0.
    let floor = (tn * d).div_euclid(td);
    let ceil = -((-tn * d).div_euclid(td));
    let (met, gap) = match t.comparator {
        ">=" => (n * td >= tn * d, ceil - n),
        ">" => (n * td > tn * d, floor + 1 - n),
        "<=" => (n * td <= tn * d, n - floor),
        "<" => (n * td < tn * d, n - (ceil - 1)),
        other => panic!("comparator {other}"),
    };
    (if met { "met" } else { "not_met" }, gap.max(0).to_string())
}

/// Runs the samples with `catalogue` and checks every attainment row against the hand
/// figures: each unit's own, each district's and the province's pooled over the units
/// that have one.
fn check_catalogue(catalogue: &str, targets: &[HandTarget]) -> Vec<BTreeMap<String, String>> {
    let tmp = tempfile::tempdir().expect("tmp");
    let rows = check_catalogue_in(tmp.path(), catalogue, targets);
    // The form sheets' rate formulas, written from the expressions, recalculate to
    // the numbers cached beside them.
    let report = tmp.path().join("report.xlsx");
    if let Some(recalc) = recalculate(&report, tmp.path()) {
        assert_cached_values_recalculate(&report, &recalc, &FORMULA_SHEETS);
    }
    rows
}

fn check_catalogue_in(
    dir: &Path,
    catalogue: &str,
    targets: &[HandTarget],
) -> Vec<BTreeMap<String, String>> {
    let path = dir.join("ke-hoach.toml");
    std::fs::write(&path, catalogue).expect("write");
    let out = consolidate_samples(
        dir,
        &[
            "--registry",
            "samples/units.csv",
            "--period",
            "2022-Q1",
            "--targets",
            path.to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = unit_data();
    let district_of = districts();
    let mut expected: BTreeMap<(String, String, &str), Figure> = BTreeMap::new();
    for (unit, district) in &district_of {
        for t in targets {
            let f = data.get(unit).and_then(|u| (t.figure)(u));
            expected.insert(("unit".into(), unit.clone(), t.id), f);
            for key in [
                ("district".to_string(), district.clone(), t.id),
                ("province".to_string(), "Hưng Yên".to_string(), t.id),
            ] {
                let e = expected.entry(key).or_insert(None);
                if let Some((n, d)) = f {
                    let (pn, pd) = e.get_or_insert((0, d.map(|_| 0)));
                    *pn += n;
                    if let (Some(pd), Some(d)) = (pd.as_mut(), d) {
                        *pd += d;
                    }
                }
            }
        }
    }
    let rows = read_csv(&dir.join("export/attainment.csv"));
    assert_eq!(rows.len(), expected.len(), "a row per target and scope");
    for r in &rows {
        let t = targets
            .iter()
            .find(|t| t.id == r["target_id"])
            .expect("a catalogue target");
        let key = (r["scope"].clone(), r["scope_id"].clone(), t.id);
        let what = format!("{key:?}");
        assert_eq!(r["comparator"], t.comparator, "{what}");
        match expected[&key] {
            None => {
                assert_eq!(r["status"], "no_data", "{what}");
                assert_eq!((r["numerator"].as_str(), r["gap"].as_str()), ("", ""));
            }
            Some((n, d)) => {
                assert_eq!(r["numerator"], n.to_string(), "{what} numerator");
                assert_eq!(
                    r["denominator"],
                    d.map_or(String::new(), |d| d.to_string()),
                    "{what} denominator"
                );
                let (status, gap) = judge(t, n, d);
                assert_eq!(
                    (r["status"].as_str(), r["gap"].as_str()),
                    (status, gap.as_str()),
                    "{what} n={n} d={d:?}"
                );
            }
        }
    }
    rows
}

/// A 2026-style plan in catalogue v2: the example of docs/catalogue.md.
const PLAN_2026: &str = include_str!("../docs/ke-hoach-mau-2026.toml");

/// The hand formulas of [`PLAN_2026`], target by target (15 of them). Form A indices: 0 received,
/// 1 online, 2 direct, 3 carried over, 4 resolved, 5 early, 6 on time, 7 late,
/// 8 pending, 9 in time, 10 overdue; optional: 0 toàn trình, 3 xin lỗi.
fn plan_2026() -> Vec<HandTarget> {
    fn a(u: &UnitData) -> Option<&Vec<i128>> {
        u.a.as_ref()
    }
    vec![
        HandTarget {
            id: "tthc-2026.dung-han",
            comparator: ">=",
            tn: 98,
            td: 100,
            figure: |u| a(u).map(|a| (a[5] + a[6], Some(a[4]))),
        },
        HandTarget {
            id: "tthc-2026.qua-han",
            comparator: "<",
            tn: 2,
            td: 100,
            figure: |u| a(u).map(|a| (a[7], Some(a[4]))),
        },
        HandTarget {
            id: "tthc-2026.xin-loi",
            comparator: ">=",
            tn: 1,
            td: 1,
            // Only the units whose tables carry the column.
            figure: |u| Some((u.optional.as_ref()?[3], Some(a(u)?[7]))),
        },
        HandTarget {
            id: "tthc-2026.ton-qua-han",
            comparator: "<=",
            tn: 0,
            td: 1,
            figure: |u| a(u).map(|a| (a[10], None)),
        },
        HandTarget {
            id: "tthc-2026.chi-so-766",
            comparator: ">=",
            tn: 9,
            td: 10,
            figure: |u| a(u).map(|a| (a[5] + a[6] + a[9], Some(a[4] + a[8]))),
        },
        HandTarget {
            id: "dvc-2026.toan-trinh",
            comparator: ">=",
            tn: 1,
            td: 2,
            figure: |u| Some((u.optional.as_ref()?[0], Some(a(u)?[0] - a(u)?[3]))),
        },
        HandTarget {
            id: "dvc-2026.truc-tuyen",
            comparator: ">",
            tn: 1,
            td: 2,
            figure: |u| a(u).map(|a| (a[1], Some(a[1] + a[2]))),
        },
        HandTarget {
            id: "dvc-2026.muc-do-4",
            comparator: ">=",
            tn: 6,
            td: 10,
            figure: |u| u.b.as_ref().map(|b| (b[2], Some(b[0]))),
        },
        HandTarget {
            id: "dvc-2026.cong-qg",
            comparator: ">",
            tn: 8,
            td: 10,
            figure: |u| u.b.as_ref().map(|b| (b[4], Some(b[3]))),
        },
        HandTarget {
            id: "tc-2026.giam-bien-che",
            comparator: ">=",
            tn: 5,
            td: 100,
            figure: |u| u.c.as_ref().map(|c| (c[2] - c[3], Some(c[2]))),
        },
        HandTarget {
            id: "tc-2026.khong-tang-dvsn",
            comparator: "<=",
            tn: 0,
            td: 1,
            figure: |u| u.c.as_ref().map(|c| (c[1] - c[0], None)),
        },
        HandTarget {
            id: "tc-2026.giam-mot-dvsn",
            comparator: ">=",
            tn: 0,
            td: 1,
            figure: |u| u.c.as_ref().map(|c| (c[0] - c[1] - 1, None)),
        },
        HandTarget {
            id: "dt-2026.hai-long",
            comparator: ">=",
            tn: 9,
            td: 10,
            figure: |u| u.d.get("tthc.satisfaction").map(|(n, d)| (*n, Some(*d))),
        },
        HandTarget {
            id: "dt-2026.ky-so",
            comparator: ">=",
            tn: 1,
            td: 1,
            figure: |u| {
                u.d.get("egov.esigned_documents")
                    .map(|(n, d)| (*n, Some(*d)))
            },
        },
        HandTarget {
            id: "dt-2026.bao-cao-chua-len-he-thong",
            comparator: "<=",
            tn: 5,
            td: 100,
            figure: |u| {
                u.d.get("egov.reports_on_system")
                    .map(|(n, d)| (d - n, Some(*d)))
            },
        },
    ]
}

#[test]
fn a_next_years_plan_gives_exact_figures_with_no_code_change() {
    let rows = check_catalogue(PLAN_2026, &plan_2026());
    let get = |scope: &str, id: &str, target: &str| {
        rows.iter()
            .find(|r| r["scope"] == scope && r["scope_id"] == id && r["target_id"] == target)
            .expect("row")
    };
    // A few figures written out by hand from expected.json, beside the general check.
    // TP Hưng Yên: received 208, carried 28, toàn trình 35: 35 / 180 < 50%,
    // gap ⌈0.5·180⌉ − 35 = 55.
    let r = get("unit", "pgd-tphungyen", "dvc-2026.toan-trinh");
    assert_eq!(
        (&r["numerator"][..], &r["denominator"][..], &r["gap"][..]),
        ("35", "180", "55")
    );
    // The same target for a unit whose table has no toàn trình column: no data, not 0.
    assert_eq!(
        get("unit", "pgd-vanlam", "dvc-2026.toan-trinh")["status"],
        "no_data"
    );
    // Province: only the two units that carry it, (35 + 52) / (180 + 166).
    let r = get("province", "Hưng Yên", "dvc-2026.toan-trinh");
    assert_eq!((&r["numerator"][..], &r["denominator"][..]), ("87", "346"));
    // Báo cáo chưa lên hệ thống ≤ 5%: Phù Cừ 12 − 10 = 2 of 12, gap 2 − ⌊0.6⌋ = 2.
    let r = get("unit", "pgd-phucu", "dt-2026.bao-cao-chua-len-he-thong");
    assert_eq!(
        (&r["numerator"][..], &r["status"][..], &r["gap"][..]),
        ("2", "not_met", "2")
    );
    // A count: no denominator, never not_applicable; Văn Lâm's overdue dossiers.
    let r = get("unit", "pgd-vanlam", "tthc-2026.ton-qua-han");
    assert_eq!(r["denominator"], "");
    assert_eq!(r["threshold"], "0");
}

#[test]
fn renamed_and_reordered_targets_give_identical_figures() {
    // Every id of the default catalogue renamed (reversed, prefixed) and the targets in
    // reverse order: nothing in the code may depend on either.
    let text = cchc_domain::target::DEFAULT_TARGETS_TOML;
    let mut blocks: Vec<&str> = text.split("\n[[target]]\n").collect();
    let head = blocks.remove(0);
    let renamed: Vec<String> = blocks
        .iter()
        .rev()
        .map(|b| {
            let mut out = String::from("\n[[target]]\n");
            for line in b.lines() {
                match line
                    .strip_prefix("id = \"")
                    .and_then(|l| l.strip_suffix('"'))
                {
                    Some(id) => {
                        let rev: String = id.chars().rev().collect();
                        out.push_str(&format!("id = \"x-{rev}\"\n"));
                    }
                    None => out.push_str(&format!("{line}\n")),
                }
            }
            out
        })
        .collect();
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("renamed.toml");
    std::fs::write(&path, format!("{head}{}", renamed.concat())).expect("write");
    let base = tmp.path().join("base");
    let other = tmp.path().join("other");
    consolidate_samples(&base, &["--registry", "samples/units.csv"]);
    consolidate_samples(
        &other,
        &[
            "--registry",
            "samples/units.csv",
            "--targets",
            path.to_str().expect("utf8"),
        ],
    );
    let key = |r: &BTreeMap<String, String>, renamed: bool| {
        let id = if renamed {
            r["target_id"]
                .strip_prefix("x-")
                .expect("renamed")
                .chars()
                .rev()
                .collect()
        } else {
            r["target_id"].clone()
        };
        (r["scope"].clone(), r["scope_id"].clone(), id)
    };
    let figures = |r: &BTreeMap<String, String>| {
        [
            "numerator",
            "denominator",
            "value",
            "threshold",
            "comparator",
            "status",
            "gap",
        ]
        .map(|c| r[c].clone())
    };
    let a: BTreeMap<_, _> = read_csv(&base.join("export/attainment.csv"))
        .iter()
        .map(|r| (key(r, false), figures(r)))
        .collect();
    let b: BTreeMap<_, _> = read_csv(&other.join("export/attainment.csv"))
        .iter()
        .map(|r| (key(r, true), figures(r)))
        .collect();
    // 20 targets for each of the 22 registry units, the 10 districts and the province.
    let units = districts();
    let n_districts = units
        .values()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!((units.len(), n_districts), (22, 10));
    assert_eq!(a.len(), 20 * 33);
    assert_eq!(a, b);
}

#[test]
fn small_and_large_catalogues_make_a_whole_workbook() {
    // 3 targets (one a count), then the same 3 repeated to 40 with other thresholds.
    let target = |i: usize, form: &str, num: &str, den: Option<&str>, cmp: &str, t: &str| {
        let den = den.map_or(String::new(), |d| format!("denominator = \"{d}\"\n"));
        format!(
            "\n[[target]]\nid = \"t{i}\"\nplan_ref = \"{i}\"\nname = \"Chỉ tiêu {i}\"\nwording = \"w\"\nform = \"{form}\"\nnumerator = \"{num}\"\n{den}comparator = \"{cmp}\"\nthreshold = \"{t}\"\n"
        )
    };
    let three = |i: usize| {
        [
            target(i, "A", "resolved_late", Some("resolved_total"), "<", "2%"),
            target(
                i + 1,
                "B",
                "procedures_level4",
                Some("procedures"),
                ">",
                "40%",
            ),
            target(i + 2, "A", "pending_overdue", None, "<=", "0"),
        ]
        .concat()
    };
    for n in [3usize, 40] {
        let mut text = String::from("plan = \"P\"\nyear = 2026\n");
        let mut i = 0;
        while i < n {
            text.push_str(&three(i));
            i += 3;
        }
        // 40 is not a multiple of 3: the last block is cut to 40.
        let blocks: Vec<&str> = text.split("\n[[target]]\n").collect();
        let text = blocks[..=n].join("\n[[target]]\n");
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("t.toml");
        std::fs::write(&path, &text).expect("write");
        consolidate_samples(
            tmp.path(),
            &[
                "--registry",
                "samples/units.csv",
                "--targets",
                path.to_str().expect("utf8"),
            ],
        );
        let report = tmp.path().join("report.xlsx");
        let summary = sheet(&report, "Tổng hợp chỉ tiêu");
        // Header on row 4 (0-based 3), a row per target from row 5.
        let ids: Vec<String> = (4..4 + n as u32)
            .map(|r| match summary.get_value((r, 1)) {
                Some(Data::String(s)) => s.clone(),
                other => panic!("row {r}: {other:?}"),
            })
            .collect();
        assert_eq!(ids, (0..n).map(|i| format!("t{i}")).collect::<Vec<_>>());
        assert_eq!(
            summary.get_value((4, 4)),
            Some(&Data::String("< 2%".into()))
        );
        assert_eq!(summary.get_value((6, 4)), Some(&Data::String("≤ 0".into())));
        assert!(!matches!(
            summary.get_value((4 + n as u32, 1)),
            Some(Data::String(_))
        ));
        let matrix = sheet(&report, "Ma trận đơn vị");
        let last_header = matrix.get_value((3, 3 + n as u32));
        assert_eq!(
            last_header,
            Some(&Data::String(format!("Chỉ tiêu {}", n - 1)))
        );
        // Form A by unit: the columns of the form (the optional ones two sample units
        // carry among them), then a rate column per Form A target (the counts
        // included), in catalogue order.
        let a = sheet(&report, "Biểu A theo đơn vị");
        let header: Vec<String> = (4..60)
            .map_while(|c| match a.get_value((3, c)) {
                Some(Data::String(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let a_targets: Vec<String> = (0..n)
            .filter(|i| i % 3 != 1)
            .map(|i| format!("Chỉ tiêu {i}"))
            .collect();
        assert_eq!(header.len(), 16 + a_targets.len(), "{header:?}");
        assert_eq!(header[16..], a_targets[..]);
        assert_eq!(header[0], "Số hồ sơ nhận giải quyết - Tổng số");
        assert!(header.contains(&"Nhận trực tuyến - Toàn trình".to_string()));
    }
}

#[test]
fn measures_and_targets_commands() {
    let out = cchc(&["measures"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for m in [
        "received_online_full",
        "resolved_late_apologised",
        "procedures_full_online",
        "staff_base",
        "denominator",
        "identity.online",
    ] {
        assert!(text.contains(m), "{m} in\n{text}");
    }
    let out = cchc(&["measures", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let a: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| m["form"] == "A")
        .map(|m| m["measure"].as_str().expect("id"))
        .collect();
    assert_eq!(a.len(), 16, "{a:?}");
    assert_eq!(
        a[..3],
        ["received_total", "received_online", "received_direct"]
    );

    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("k.toml");
    std::fs::write(&path, PLAN_2026).expect("write");
    let out = cchc(&[
        "targets",
        "--targets",
        path.to_str().expect("utf8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["year"], 2026);
    let t = &v["targets"][2];
    assert_eq!(t["numerator"], "resolved_late_apologised");
    assert_eq!(t["denominator"], "resolved_late");
    assert!(v["targets"][3]["denominator"].is_null());
    // An unknown measure stops the run before any input is read: exit 2, line and key.
    std::fs::write(
        &path,
        PLAN_2026.replace("\"procedures_level34\"", "\"procedure_level34\""),
    )
    .expect("write");
    for args in [
        vec!["targets", "--targets", path.to_str().expect("utf8")],
        vec![
            "check",
            "samples",
            "--targets",
            path.to_str().expect("utf8"),
        ],
    ] {
        let out = cchc(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let line = PLAN_2026
            .lines()
            .position(|l| l == "denominator = \"procedures_level34\"")
            .expect("line")
            + 1;
        assert!(
            err.contains(&format!("dòng {line}"))
                && err.contains("denominator")
                && err.contains("procedure_level34"),
            "{err}"
        );
    }
}
