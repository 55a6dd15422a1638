//! One-stop-shop dossier exports as inputs (DOMAIN.md §11): a unit that sent only its
//! dossiers gets Form A computed from them, counted like a table; a unit that sent
//! both keeps its own and each measure that differs is a `reconcile.mismatch`. Every
//! figure below is placed by hand.

use super::department::{batch_folder, form_a_file};
use super::*;

const HEADER: &str =
    "Mã hồ sơ;Cơ quan giải quyết;Lĩnh vực;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Hình thức nộp\n";

#[test]
fn dossiers_give_form_a_and_reconcile_a_unit_s_own() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (input, registry) = batch_folder(
        tmp.path(),
        "thpt-a,Trường THPT A,school,X,\n\
         thpt-b,Trường THPT B,school,X,\n\
         pgd-c,Phòng Giáo dục và Đào tạo C,district_office,C,\n",
    );
    // thpt-a: its own table only (received 10 = 4 + 5 + 1, resolved 8 = 6 + 1 + 1,
    // pending 2 = 2 + 0).
    form_a_file(
        &input.join("a.xlsx"),
        "Trường THPT A",
        &[("Giáo dục trung học", [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0])],
    );
    // The period is the reporting calendar's: 2022-Q1 runs 15/12/2021 to 14/3/2022
    // (Nghị định 09/2019/NĐ-CP). thpt-b: dossiers only. B1 early, B2 on time, B3 late
    // (finished 20/1, due 12/1), B4 pending at 14/3 past its due 12/3.
    std::fs::write(
        input.join("ho-so-b.csv"),
        format!(
            "{HEADER}B1;Trường THPT B;Giáo dục trung học;03/01/2022;10/01/2022;07/01/2022;Trực tuyến\n\
             B2;Trường THPT B;Giáo dục trung học;04/01/2022;11/01/2022;11/01/2022;Trực tiếp\n\
             B3;Trường THPT B;Giáo dục trung học;05/01/2022;12/01/2022;20/01/2022;Bưu chính\n\
             B4;Trường THPT B;Giáo dục trung học;10/03/2022;12/03/2022;;Trực tuyến\n"
        ),
    )
    .expect("w");
    // pgd-c: its own table (received 3 = 1 + 1 + 1, resolved 2 = 1 + 1 + 0, pending
    // 1 = 1 + 0) and its dossiers: C1 early, C2 on time, C3 received 10/12/2021 (before
    // the period), carried over and finished late — resolved 3, late 1, pending 0.
    form_a_file(
        &input.join("c.xlsx"),
        "Phòng Giáo dục và Đào tạo C",
        &[("Văn bằng chứng chỉ", [3, 1, 1, 1, 2, 1, 1, 0, 1, 1, 0])],
    );
    std::fs::write(
        input.join("ho-so-c.csv"),
        format!(
            "{HEADER}C1;Phòng Giáo dục và Đào tạo C;Văn bằng chứng chỉ;10/02/2022;20/02/2022;15/02/2022;Trực tuyến\n\
             C2;Phòng Giáo dục và Đào tạo C;Văn bằng chứng chỉ;11/02/2022;21/02/2022;21/02/2022;Trực tiếp\n\
             C3;Phòng Giáo dục và Đào tạo C;Văn bằng chứng chỉ;10/12/2021;20/12/2021;10/01/2022;Trực tiếp\n"
        ),
    )
    .expect("w");
    let export = tmp.path().join("x");
    let out = consolidate_into(&input, Some(&registry), &export);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    // thpt-b's Form A as computed: received 4 (online B1 B4, direct B2 B3), resolved 3
    // (early B1, on time B2, late B3), pending 1, overdue (B4).
    let rows = read_csv(&export.join("dossiers.csv"));
    let b: Vec<_> = rows.iter().filter(|r| r["unit_id"] == "thpt-b").collect();
    assert_eq!(b.len(), 1, "{rows:?}");
    let got: Vec<&str> = [
        "received_total",
        "received_online",
        "received_direct",
        "carried_over",
        "resolved_total",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending_total",
        "pending_in_time",
        "pending_overdue",
        "received_in_person",
        "received_postal",
        "source",
    ]
    .iter()
    .map(|c| b[0][*c].as_str())
    .collect();
    assert_eq!(
        got,
        ["4", "2", "2", "0", "3", "1", "1", "1", "1", "0", "1", "1", "1", "computed"]
    );
    assert_eq!(b[0]["field"], "Giáo dục trung học");
    assert_eq!(b[0]["period"], "2022-Q1");
    // The others' rows are their own tables.
    for unit in ["thpt-a", "pgd-c"] {
        let own: Vec<_> = rows.iter().filter(|r| r["unit_id"] == unit).collect();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0]["source"], "submitted");
    }
    // Attainment from the computed rows: on time (1 + 1) / 3, early 1 / 3, online 2 / 4;
    // pgd-c from its own table: on time 2 / 2.
    let att = read_csv(&export.join("attainment.csv"));
    let pair = |unit: &str, target: &str| {
        let r = att
            .iter()
            .find(|r| r["scope_id"] == unit && r["target_id"] == target && r["period"] == "2022-Q1")
            .expect("row");
        (r["numerator"].clone(), r["denominator"].clone())
    };
    let p = |n: &str, d: &str| (n.to_string(), d.to_string());
    assert_eq!(pair("thpt-b", "tthc.on_time"), p("2", "3"));
    assert_eq!(pair("thpt-b", "tthc.early"), p("1", "3"));
    assert_eq!(pair("thpt-b", "dvc.online_dossiers"), p("2", "4"));
    assert_eq!(pair("pgd-c", "tthc.on_time"), p("2", "2"));
    // pgd-c's own figures against its dossiers: resolved 2 / 3, late 0 / 1, pending
    // 1 / 0, in time 1 / 0 — four measures, each said once at its own table.
    let findings = read_csv(&export.join("findings.csv"));
    let mismatches: Vec<(&str, &str, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "reconcile.mismatch")
        .map(|f| {
            (
                f["raw"].as_str(),
                f["sheet"].as_str(),
                f["severity"].as_str(),
            )
        })
        .collect();
    let mut raws: Vec<&str> = mismatches.iter().map(|m| m.0).collect();
    raws.sort_unstable();
    assert_eq!(
        raws,
        [
            "pending_in_time",
            "pending_total",
            "resolved_late",
            "resolved_total"
        ],
        "{mismatches:?}"
    );
    assert!(mismatches
        .iter()
        .all(|m| m.1 == "Sheet1" && m.2 == "warning"));
    let resolved = findings
        .iter()
        .find(|f| f["raw"] == "resolved_total")
        .expect("resolved");
    assert!(
        resolved["message"].contains("báo cáo 2") && resolved["message"].contains("được 3"),
        "{}",
        resolved["message"]
    );
    // Nobody is missing: thpt-b's dossiers are its report.
    assert!(
        findings.iter().all(|f| f["rule"] != "submission.missing"),
        "{findings:?}"
    );
    // Late and overdue: C3 finished 10/1 against its due 20/12 (21 days), B3 20/1
    // against 12/1 (8 days), B4 pending at 14/3 past its due 12/3 (2 days).
    let late: Vec<[String; 4]> = read_csv(&export.join("late_dossiers.csv"))
        .into_iter()
        .map(|r| ["unit_id", "dossier_id", "days_late", "state"].map(|c| r[c].clone()))
        .collect();
    let l = |row: [&str; 4]| row.map(str::to_string);
    assert_eq!(
        late,
        [
            l(["pgd-c", "C3", "21", "late"]),
            l(["thpt-b", "B3", "8", "late"]),
            l(["thpt-b", "B4", "2", "overdue"]),
        ]
    );
    // Every dossier once, with its due date and channel; the dataset by month received.
    let records = read_csv(&export.join("dossier_records.csv"));
    assert_eq!(records.len(), 7);
    let b3 = records
        .iter()
        .find(|r| r["dossier_id"] == "B3")
        .expect("B3");
    assert_eq!(
        (
            b3["received"].as_str(),
            b3["due"].as_str(),
            b3["channel"].as_str()
        ),
        ("2022-01-05", "2022-01-12", "postal")
    );
    for month in ["2021-12", "2022-01", "2022-02", "2022-03"] {
        let part = export.join("parquet/dossier_records").join(format!(
            "received_month={month}/province=hung-yen/part-0.parquet"
        ));
        assert!(part.exists(), "{part:?}");
    }
    // The report lists them on its own sheet.
    let report = export.with_extension("xlsx");
    let late_sheet = sheet(&report, "Hồ sơ trễ hạn");
    let ids: Vec<String> = (4..7)
        .map(|r| match late_sheet.get_value((r, 3)) {
            Some(Data::String(s)) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, ["C3", "B3", "B4"]);
}
