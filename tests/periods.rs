//! Units and periods across time (docs/contract.md §9): several periods in one run,
//! cumulative periods against their parts, the comparison sheet, registries with
//! mergers, renames, closures and chains, the 2025 structure, months and a replaced
//! calendar. Every figure below is worked out by hand from the rows written here.

use super::*;

/// Form A measures in the order of the form: received total, online, direct, carried
/// over; resolved total, early, on time, late; pending total, in time, overdue.
type Row = [i64; 11];

/// A workbook with a flat Form A of one row, the unit and period lines given.
fn form_a(path: &Path, unit_line: &str, period_line: &str, row: Row) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, unit_line).expect("w");
    ws.write_string(1, 0, period_line).expect("w");
    write_flat_header(ws, 3);
    ws.write_number(4, 0, 1).expect("w");
    ws.write_string(4, 1, "Giáo dục trung học").expect("w");
    for (c, v) in row.iter().enumerate() {
        ws.write_number(4, 2 + c as u16, *v as f64).expect("w");
    }
    wb.save(path).expect("save");
}

/// A row from its flows and stocks, the totals added up (the identities hold).
fn row(online: i64, direct: i64, carried: i64, resolved: [i64; 3], pending: [i64; 2]) -> Row {
    let [early, on_time, late] = resolved;
    let [in_time, overdue] = pending;
    [
        online + direct + carried,
        online,
        direct,
        carried,
        early + on_time + late,
        early,
        on_time,
        late,
        in_time + overdue,
        in_time,
        overdue,
    ]
}

fn cchc_in(dir: &Path, args: &[&str]) -> Output {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    for a in &mut all {
        if a.starts_with("./") {
            *a = dir.join(&a[2..]).display().to_string();
        }
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    cchc(&refs)
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Three units, two quarters of 2026, the half-year for two of them, nine months for
/// one without its third quarter, and the second quarter of 2025 for one.
fn multi_period_batch(dir: &Path) {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(
        dir.join("units.csv"),
        "unit_id,name,kind,district,aliases\n\
         thpt-a,Trường THPT An,school,Cụm 1,\n\
         thpt-b,Trường THPT Bình,school,Cụm 1,\n\
         pgd-c,Phòng GDĐT Cẩm,district_office,,\n",
    )
    .expect("registry");
    let files: [(&str, &str, &str, Row); 10] = [
        (
            "a-q1",
            "Trường THPT An",
            "Quý I năm 2026",
            row(10, 5, 3, [6, 5, 1], [5, 1]),
        ),
        (
            "a-q2",
            "Trường THPT An",
            "Quý II năm 2026",
            row(8, 4, 6, [9, 3, 0], [6, 0]),
        ),
        // Consistent: flows add up, carried over is Q1's, pending is Q2's.
        (
            "a-h1",
            "Trường THPT An",
            "6 tháng đầu năm 2026",
            row(18, 9, 3, [15, 8, 1], [6, 0]),
        ),
        (
            "a-q2-2025",
            "Trường THPT An",
            "Quý II năm 2025",
            row(5, 5, 0, [4, 4, 2], [0, 0]),
        ),
        (
            "b-q1",
            "Trường THPT Bình",
            "Quý I năm 2026",
            row(20, 0, 0, [10, 10, 0], [0, 0]),
        ),
        (
            "b-q2",
            "Trường THPT Bình",
            "Quý II năm 2026",
            row(10, 10, 0, [5, 10, 5], [0, 0]),
        ),
        // Planted: one carried over that Q1 did not have (so one more pending at the
        // end), two dossiers moved from on time to early.
        (
            "b-h1",
            "Trường THPT Bình",
            "6 tháng đầu năm 2026",
            row(30, 10, 1, [17, 18, 5], [1, 0]),
        ),
        // Nine months without the third quarter: nothing to compare it with.
        (
            "b-9m",
            "Trường THPT Bình",
            "9 tháng năm 2026",
            row(1, 1, 1, [1, 1, 1], [0, 0]),
        ),
        (
            "c-q1",
            "Phòng GDĐT Cẩm",
            "Quý I năm 2026",
            row(4, 0, 0, [4, 0, 0], [0, 0]),
        ),
        (
            "c-q2",
            "Phòng GDĐT Cẩm",
            "Quý II năm 2026",
            row(2, 2, 0, [1, 2, 1], [0, 0]),
        ),
    ];
    for (name, unit, period, r) in files {
        form_a(
            &input.join(format!("{name}.xlsx")),
            &format!("Đơn vị báo cáo: {unit}"),
            &format!("Kỳ báo cáo: {period}"),
            r,
        );
    }
}

#[test]
fn several_periods_count_each_in_its_own_and_cumulative_ones_are_checked() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    multi_period_batch(dir);
    let out = cchc_in(
        dir,
        &[
            "consolidate",
            "./in",
            "-o",
            "./r.xlsx",
            "--registry",
            "./units.csv",
            "--export",
            "./e",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_csv(&dir.join("e/attainment.csv"));
    let periods: Vec<&str> = {
        let mut p: Vec<&str> = rows.iter().map(|r| r["period"].as_str()).collect();
        p.dedup();
        p
    };
    // In time order: by last day, the longer period first among those ending together.
    assert_eq!(
        periods,
        ["2025-Q2", "2026-Q1", "2026-H1", "2026-Q2", "2026-9M"]
    );
    let on_time = |period: &str, scope: &str, id: &str| {
        let r = rows
            .iter()
            .find(|r| {
                r["period"] == period
                    && r["scope"] == scope
                    && r["scope_id"] == id
                    && r["target_id"] == "tthc.on_time"
            })
            .expect("a row");
        (num(&r["numerator"]), num(&r["denominator"]))
    };
    // Σ (early + on time) / Σ resolved over the units with data, by hand.
    assert_eq!(on_time("2026-Q2", "province", "Hưng Yên"), (30.0, 36.0));
    assert_eq!(on_time("2026-Q1", "province", "Hưng Yên"), (35.0, 36.0));
    assert_eq!(on_time("2026-H1", "province", "Hưng Yên"), (58.0, 64.0));
    assert_eq!(on_time("2025-Q2", "province", "Hưng Yên"), (8.0, 10.0));
    assert_eq!(on_time("2026-Q2", "district", "Cụm 1"), (27.0, 32.0));
    // pgd-c has no grouping: unit and province only.
    assert!(!rows
        .iter()
        .any(|r| r["scope"] == "district" && r["scope_id"].is_empty()));

    let findings = read_csv(&dir.join("e/findings.csv"));
    let mut cumulative: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["rule"] == "period.cumulative_mismatch")
        .map(|f| {
            assert!(f["file"].ends_with("b-h1.xlsx"), "{f:?}");
            assert!(
                f["message"].contains("b-q1.xlsx") && f["message"].contains("b-q2.xlsx"),
                "names both parts: {f:?}"
            );
            let measure = [
                "carried_over",
                "resolved_early",
                "resolved_on_time",
                "pending_total",
                "pending_in_time",
            ]
            .into_iter()
            .find(|m| f["message"].contains(&format!("({m})")))
            .unwrap_or("?");
            (measure.to_string(), f["raw"].clone())
        })
        .collect();
    cumulative.sort();
    assert_eq!(
        cumulative,
        [
            ("carried_over", "1 ≠ 0"),
            ("pending_in_time", "1 ≠ 0"),
            ("pending_total", "1 ≠ 0"),
            ("resolved_early", "17 ≠ 15"),
            ("resolved_on_time", "18 ≠ 20"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(findings
        .iter()
        .all(|f| f["rule"] != "period.carry_over" && f["rule"] != "period.mismatch"));
    assert!(
        !findings.iter().any(|f| f["rule"] == "submission.missing"),
        "every unit sent the report's period (2026-Q2)"
    );

    // The comparison sheet: 2026-Q2 against 2026-Q1 and 2025-Q2.
    let ws = sheet(&dir.join("r.xlsx"), "So sánh các kỳ");
    let text = |r: u32, c: u32| {
        ws.get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let value = |r: u32, c: u32| match ws.get_value((r, c)) {
        Some(Data::Float(f)) => Some(*f),
        _ => None,
    };
    let find = |level: &str, id: &str| {
        (0..ws.height() as u32)
            .find(|&r| text(r, 1) == level && text(r, 2) == id && text(r, 4) == "tthc.on_time")
            .expect("a comparison row")
    };
    let r = find("Tỉnh", "Hưng Yên");
    let (this, before, year) = (30.0 / 36.0, 35.0 / 36.0, 8.0 / 10.0);
    assert!(close(value(r, 7).expect("this"), this));
    assert!(close(value(r, 9).expect("previous"), before));
    assert!(close(value(r, 10).expect("change"), this - before));
    assert!(close(value(r, 11).expect("a year before"), year));
    assert!(close(value(r, 12).expect("change"), this - year));
    assert_eq!(text(r, 8), "Không đạt");
    // THPT Bình sent nothing in 2025: blank, no change.
    let r = find("Đơn vị", "thpt-b");
    assert!(close(value(r, 7).expect("this"), 15.0 / 20.0));
    assert!(close(value(r, 9).expect("previous"), 1.0));
    assert_eq!((value(r, 11), text(r, 12)), (None, String::new()));
    // The summary is the report's period's.
    let summary = sheet(&dir.join("r.xlsx"), "Tổng hợp chỉ tiêu");
    assert!(summary
        .get_value((1, 0))
        .is_some_and(|d| d.to_string().contains("Quý II năm 2026")));

    // With --period, that period alone counts; the others are mismatches, not counted.
    let out = cchc_in(
        dir,
        &[
            "consolidate",
            "./in",
            "-o",
            "./r1.xlsx",
            "--registry",
            "./units.csv",
            "--period",
            "2026-Q1",
            "--export",
            "./e1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let rows = read_csv(&dir.join("e1/attainment.csv"));
    assert!(rows.iter().all(|r| r["period"] == "2026-Q1"));
    let findings = read_csv(&dir.join("e1/findings.csv"));
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["rule"] == "period.mismatch")
            .count(),
        7
    );
    // The checks between periods still see every file read.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["rule"] == "period.cumulative_mismatch")
            .count(),
        0,
        "the half-year is not counted with --period 2026-Q1"
    );
}

const MERGERS: &str = "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n\
    pgd-x,Phòng GDĐT huyện Xuân,district_office,Xuân,,,2025-06-30,\n\
    thpt-cu,Trường THPT Cổ Lễ,school,Xuân,,,2025-06-30,thpt-giua\n\
    thpt-giua,Trường THPT Giao Thủy,school,,,2025-07-01,2025-12-31,thpt-moi\n\
    thpt-moi,Trường THPT Hải Hậu,school,,,2026-01-01,,\n\
    thpt-ten,Trường THPT Lý Nhân,school,Xuân,,,2025-06-30,thpt-ten2\n\
    thpt-ten2,Trường THPT Nam Lý,school,,,2025-07-01,,\n\
    thpt-o,Trường THPT Mỹ Lộc,school,Xuân,,,,\n\
    thpt-im,Trường THPT Nghĩa Hưng,school,,,,,\n";

#[test]
fn mergers_renames_closures_and_chains() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(dir.join("units.csv"), MERGERS).expect("registry");
    let q1 = "Kỳ báo cáo: Quý I năm 2026";
    for (name, unit, r) in [
        (
            "closed",
            "Phòng GDĐT huyện Xuân",
            row(1, 0, 0, [1, 0, 0], [0, 0]),
        ),
        (
            "chain",
            "Trường THPT Cổ Lễ",
            row(6, 4, 0, [5, 3, 2], [0, 0]),
        ),
        (
            "renamed",
            "Trường THPT Lý Nhân",
            row(3, 0, 0, [3, 0, 0], [0, 0]),
        ),
        (
            "stays",
            "Trường THPT Mỹ Lộc",
            row(2, 0, 0, [1, 1, 0], [0, 0]),
        ),
    ] {
        form_a(
            &input.join(format!("{name}.xlsx")),
            &format!("Đơn vị báo cáo: {unit}"),
            q1,
            r,
        );
    }
    let out = cchc_in(
        dir,
        &[
            "consolidate",
            "./in",
            "-o",
            "./r.xlsx",
            "--registry",
            "./units.csv",
            "--export",
            "./e",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "unit.inactive is an error");
    let findings = read_csv(&dir.join("e/findings.csv"));
    let of = |rule: &str| -> Vec<&BTreeMap<String, String>> {
        findings.iter().filter(|f| f["rule"] == rule).collect()
    };
    let inactive = of("unit.inactive");
    assert_eq!(inactive.len(), 1);
    assert!(inactive[0]["file"].ends_with("closed.xlsx") && inactive[0]["severity"] == "error");
    let succeeded = of("unit.succeeded");
    assert_eq!(succeeded.len(), 2);
    let chain = succeeded
        .iter()
        .find(|f| f["file"].ends_with("chain.xlsx"))
        .expect("the chain");
    assert!(
        chain["message"].contains("Trường THPT Cổ Lễ")
            && chain["message"].contains("Trường THPT Hải Hậu"),
        "names both: {chain:?}"
    );
    assert_eq!(chain["severity"], "info");
    // Expected in 2026-Q1: the units valid on 14/3/2026; the closed office is not.
    let mut missing: Vec<&str> = of("submission.missing")
        .iter()
        .map(|f| f["raw"].as_str())
        .collect();
    missing.sort_unstable();
    assert_eq!(missing, ["thpt-im"]);
    // The successors' figures are the files sent under the old names.
    let rows = read_csv(&dir.join("e/attainment.csv"));
    let on_time = |id: &str| {
        rows.iter()
            .find(|r| r["scope_id"] == id && r["target_id"] == "tthc.on_time")
            .map(|r| {
                (
                    r["numerator"].clone(),
                    r["denominator"].clone(),
                    r["status"].clone(),
                )
            })
            .expect("a row")
    };
    assert_eq!(
        on_time("thpt-moi"),
        ("8".into(), "10".into(), "not_met".into())
    );
    assert_eq!(on_time("thpt-ten2"), ("3".into(), "3".into(), "met".into()));
    assert!(
        !rows.iter().any(
            |r| ["pgd-x", "thpt-cu", "thpt-giua", "thpt-ten"].contains(&r["scope_id"].as_str())
        ),
        "units not valid in 2026-Q1 have no rows"
    );
    // The province pools the counted units only: 8 + 3 + 2 of 10 + 3 + 2.
    let prov = rows
        .iter()
        .find(|r| r["scope"] == "province" && r["target_id"] == "tthc.on_time")
        .expect("province");
    assert_eq!(
        (prov["numerator"].as_str(), prov["denominator"].as_str()),
        ("13", "15")
    );

    // `cchc units`: the registry as valid for a period.
    let out = cchc_in(
        dir,
        &[
            "units",
            "--registry",
            "./units.csv",
            "--period",
            "2026-Q1",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["thpt-im", "thpt-moi", "thpt-o", "thpt-ten2"]);
    let out = cchc_in(
        dir,
        &["units", "--registry", "./units.csv", "--period", "2022-Q1"],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("pgd-x") && table.contains("14/03/2022") && !table.contains("thpt-moi"),
        "{table}"
    );

    // A cycle is refused before anything is read, naming the rows.
    std::fs::write(
        dir.join("cycle.csv"),
        "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n\
         a,Trường THPT A,school,,,,2025-06-30,b\n\
         b,Trường THPT B,school,,,,2025-12-31,a\n",
    )
    .expect("cycle");
    for args in [
        vec!["units", "--registry", "./cycle.csv"],
        vec!["check", "./in", "--registry", "./cycle.csv"],
    ] {
        let out = cchc_in(dir, &args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("a → b → a") && err.contains("2, 3"), "{err}");
    }
}

#[test]
fn a_2026_batch_on_the_default_registry() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let q = "Kỳ báo cáo: Quý I năm 2026";
    form_a(
        &input.join("thpt.xlsx"),
        "Đơn vị báo cáo: Trường THPT Văn Lâm",
        q,
        row(4, 4, 0, [2, 2, 0], [0, 0]),
    );
    form_a(
        &input.join("pgd.xlsx"),
        "Đơn vị báo cáo: Phòng GDĐT huyện Văn Lâm",
        q,
        row(1, 0, 0, [1, 0, 0], [0, 0]),
    );
    let out = cchc_in(
        dir,
        &["consolidate", "./in", "-o", "./r.xlsx", "--export", "./e"],
    );
    assert_eq!(out.status.code(), Some(1));
    let findings = read_csv(&dir.join("e/findings.csv"));
    let inactive: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "unit.inactive")
        .collect();
    assert_eq!(inactive.len(), 1);
    assert!(inactive[0]["file"].ends_with("pgd.xlsx"));
    // Expected after 1/7/2025: every row of the embedded file valid from that day
    // (counted here from the file itself), less the school that sent its report.
    let data =
        std::fs::read_to_string(root().join("crates/cchc-domain/data/units.csv")).expect("units");
    let continuing = data
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(",2025-07-01,"))
        .count();
    assert!(continuing > 30, "{continuing}");
    let missing = findings
        .iter()
        .filter(|f| f["rule"] == "submission.missing")
        .count();
    assert_eq!(missing, continuing - 1);
    assert!(!findings
        .iter()
        .any(|f| f["rule"] == "submission.missing" && f["raw"].starts_with("pgd-")));
    let rows = read_csv(&dir.join("e/attainment.csv"));
    assert!(
        !rows.iter().any(|r| r["scope"] == "district"),
        "no districts after 1/7/2025"
    );
    let r = rows
        .iter()
        .find(|r| r["scope_id"] == "thpt-vanlam" && r["target_id"] == "tthc.on_time")
        .expect("thpt-vanlam");
    assert_eq!(
        (
            r["numerator"].as_str(),
            r["denominator"].as_str(),
            r["period"].as_str()
        ),
        ("4", "4", "2026-Q1")
    );
}

#[test]
fn months_and_a_replaced_calendar() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::write(dir.join("units.csv"), "unit_id,name,kind,district,aliases\nthpt-a,Trường THPT An,school,,\nthpt-b,Trường THPT Bình,school,,\nthpt-c,Trường THPT Cường,school,,\n").expect("registry");
    let r = row(1, 1, 0, [1, 1, 0], [0, 0]);
    form_a(
        &input.join("a.xlsx"),
        "Đơn vị báo cáo: Trường THPT An",
        "Kỳ báo cáo: Tháng 3/2026",
        r,
    );
    form_a(
        &input.join("b.xlsx"),
        "Đơn vị báo cáo: Trường THPT Bình",
        "BÁO CÁO THÁNG 03 NĂM 2026",
        r,
    );
    form_a(
        &input.join("c.xlsx"),
        "Đơn vị báo cáo: Trường THPT Cường",
        "(Từ ngày 15/02/2026 đến ngày 14/3/2026)",
        r,
    );
    let out = cchc_in(
        dir,
        &[
            "consolidate",
            "./in",
            "-o",
            "./r.xlsx",
            "--registry",
            "./units.csv",
            "--export",
            "./e",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dossiers = read_csv(&dir.join("e/dossiers.csv"));
    assert_eq!(dossiers.len(), 3);
    assert!(
        dossiers.iter().all(|r| r["period"] == "2026-M03"),
        "{dossiers:?}"
    );

    // Calendar quarters instead of the decree's: 1/1–31/3 is Q1, 15/12–14/3 is nothing.
    std::fs::write(
        dir.join("lich.toml"),
        "name = \"Quý dương lịch\"\n\
         [[period]]\nkey = \"Q1\"\nfrom = \"01/01/Y\"\nto = \"31/03/Y\"\n\
         [[period]]\nkey = \"Q2\"\nfrom = \"01/04/Y\"\nto = \"30/06/Y\"\n",
    )
    .expect("calendar");
    let cal = std::fs::read_dir(&input).expect("ls").count();
    assert_eq!(cal, 3);
    for f in ["a.xlsx", "b.xlsx", "c.xlsx"] {
        std::fs::remove_file(input.join(f)).expect("rm");
    }
    form_a(
        &input.join("a.xlsx"),
        "Đơn vị báo cáo: Trường THPT An",
        "(Từ ngày 01/01/2026 đến ngày 31/03/2026)",
        r,
    );
    form_a(
        &input.join("b.xlsx"),
        "Đơn vị báo cáo: Trường THPT Bình",
        "(Từ ngày 15/12/2025 đến ngày 14/03/2026)",
        r,
    );
    form_a(
        &input.join("c.xlsx"),
        "Đơn vị báo cáo: Trường THPT Cường",
        "Kỳ báo cáo: Tháng 3/2026",
        r,
    );
    let out = cchc_in(
        dir,
        &[
            "check",
            "./in",
            "--registry",
            "./units.csv",
            "--calendar",
            "./lich.toml",
            "--format",
            "json",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let unknown: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["rule"] == "period.unknown")
        .map(|f| f["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(unknown.len(), 2, "{list}");
    assert!(unknown
        .iter()
        .all(|f| f.ends_with("b.xlsx") || f.ends_with("c.xlsx")));
    // A period key the calendar has no kind for, and a bad calendar, stop the run.
    let out = cchc_in(
        dir,
        &[
            "check",
            "./in",
            "--calendar",
            "./lich.toml",
            "--period",
            "2026-M03",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Quý dương lịch"));
    std::fs::write(
        dir.join("hong.toml"),
        "[[period]]\nkey = \"Q1\"\nfrom = \"01/01/Y\"\nto = \"31-03\"\n",
    )
    .expect("bad");
    let out = cchc_in(dir, &["check", "./in", "--calendar", "./hong.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("hong.toml") && err.contains("dòng 4") && err.contains("`to`"),
        "{err}"
    );
}
