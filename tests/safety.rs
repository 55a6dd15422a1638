//! Files from the field and what the outputs do with them (issue 16): CSV exports safe
//! to open in a spreadsheet, raw on request.

use super::*;

/// A flat Form A whose field names a spreadsheet would run as formulas.
fn formula_like_fields(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Đơn vị báo cáo: Trường THPT Văn Lâm")
        .expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    write_flat_header(ws, 3);
    let fields = [
        "=HYPERLINK(\"http://x.example/\",\"Bấm vào đây\")",
        "-Giáo dục thường xuyên",
        "@SUM(A1:A9)",
        "Giáo dục trung học",
    ];
    for (i, field) in fields.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("w");
        ws.write_string(r, 1, *field).expect("w");
        // received 2 = online 1 + direct 1; resolved 2 = early 2; nothing pending.
        for (c, v) in [2, 1, 1, 0, 2, 2, 0, 0, 0, 0, 0].iter().enumerate() {
            ws.write_number(r, 2 + c as u16, f64::from(*v)).expect("w");
        }
    }
    wb.save(path).expect("save");
}

#[test]
fn csv_exports_are_safe_to_open_and_raw_on_request() {
    let tmp = tempfile::tempdir().expect("tmp");
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    formula_like_fields(&input.join("THPT_VanLam_Q1_2022.xlsx"));
    let fields = |export: &Path| -> Vec<String> {
        read_csv(&export.join("dossiers.csv"))
            .into_iter()
            .map(|r| r["field"].clone())
            .collect()
    };
    let safe = tmp.path().join("safe");
    let out = consolidate_into(&input, None, &safe);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert_eq!(
        fields(&safe),
        [
            "'=HYPERLINK(\"http://x.example/\",\"Bấm vào đây\")",
            "'-Giáo dục thường xuyên",
            "'@SUM(A1:A9)",
            "Giáo dục trung học",
        ]
    );
    // Numbers are untouched.
    let rows = read_csv(&safe.join("dossiers.csv"));
    assert!(rows.iter().all(|r| r["received_total"] == "2"));
    let raw = tmp.path().join("raw");
    let report = tmp.path().join("raw.xlsx");
    let out = cchc(&[
        "consolidate",
        input.to_str().expect("utf8"),
        "-o",
        report.to_str().expect("utf8"),
        "--export",
        raw.to_str().expect("utf8"),
        "--csv-raw",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert_eq!(
        fields(&raw)[..3],
        [
            "=HYPERLINK(\"http://x.example/\",\"Bấm vào đây\")",
            "-Giáo dục thường xuyên",
            "@SUM(A1:A9)",
        ]
    );
}
