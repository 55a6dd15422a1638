//! The commands as a user runs them: check, exit codes, an own report in the input
//! folder, the unit line, the template filled and read back, the size limit.

use super::*;

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
