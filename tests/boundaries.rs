//! Figures at the edges: tiny, empty, huge and odd workbooks built here.

use super::*;

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
