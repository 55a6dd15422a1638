//! Nothing lost (docs/contract.md §5, issue 6): over generated tables of all four forms with good rows and
//! rows holding a bad cell, every data row is either accepted with exactly its figures
//! or named by a finding in its own row, never both missing; accepted plus set-aside
//! rows are all the rows.

use cchc_domain::finding::Rule;
use cchc_read::workbook::{read_workbook, ReadContext, TableData};
use proptest::prelude::*;

/// The header: `STT`, `Lĩnh vực`, then each measure under its own Vietnamese label.
fn header() -> Vec<&'static str> {
    let mut h = vec!["STT", "Lĩnh vực"];
    h.extend(
        cchc_domain::measure::Measure::all()
            .filter(|m| m.required())
            .map(|m| m.label_vi()),
    );
    h
}

/// A bad cell: text, a negative number or a fraction, in one measure column.
#[derive(Debug, Clone)]
enum Bad {
    Text(usize),
    Negative(usize),
    Fraction(usize),
}

/// One generated row: figures that satisfy every identity, maybe one bad cell.
fn row() -> impl Strategy<Value = ([i64; 11], Option<Bad>)> {
    let parts = (
        0i64..50,
        0i64..50,
        0i64..50,
        0u32..=100,
        0u32..=100,
        0u32..=100,
        0u32..=100,
    );
    let bad = prop_oneof![
        3 => Just(None),
        1 => (0usize..11).prop_map(|k| Some(Bad::Text(k))),
        1 => (0usize..11).prop_map(|k| Some(Bad::Negative(k))),
        1 => (0usize..11).prop_map(|k| Some(Bad::Fraction(k))),
    ];
    (parts, bad).prop_map(
        |((online, direct, carried, res_pct, early_pct, ontime_pct, intime_pct), bad)| {
            let total = online + direct + carried;
            let resolved = total * i64::from(res_pct) / 100;
            let pending = total - resolved;
            let early = resolved * i64::from(early_pct) / 100;
            let on_time = (resolved - early) * i64::from(ontime_pct) / 100;
            let late = resolved - early - on_time;
            let in_time = pending * i64::from(intime_pct) / 100;
            let overdue = pending - in_time;
            (
                [
                    total, online, direct, carried, resolved, early, on_time, late, pending,
                    in_time, overdue,
                ],
                bad,
            )
        },
    )
}

fn row_of(cell: &str) -> u32 {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_row_is_accepted_or_named(rows in prop::collection::vec(row(), 1..25)) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("gen.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in header().iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("write");
        }
        for (i, (values, bad)) in rows.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).expect("write");
            ws.write_string(r, 1, format!("Lĩnh vực {}", i + 1)).expect("write");
            for (k, v) in values.iter().enumerate() {
                let c = 2 + k as u16;
                match bad {
                    Some(Bad::Text(b)) if *b == k => ws.write_string(r, c, "không rõ").map(|_| ()),
                    Some(Bad::Negative(b)) if *b == k => ws.write_number(r, c, -1.0 - *v as f64).map(|_| ()),
                    Some(Bad::Fraction(b)) if *b == k => ws.write_number(r, c, *v as f64 + 0.5).map(|_| ()),
                    _ => ws.write_number(r, c, *v as f64).map(|_| ()),
                }
                .expect("write");
            }
        }
        wb.save(&path).expect("save");
        let read = read_workbook(&path, "gen.xlsx", &ReadContext::default());
        prop_assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
        let TableData::A(table) = &read.tables[0].data else { panic!("not Form A") };
        let mut accepted = 0;
        for (i, (values, bad)) in rows.iter().enumerate() {
            let sheet_row = 2 + i as u32; // 1-based: the header is row 1
            let kept = table.rows.iter().find(|d| row_of(&d.cell) == sheet_row);
            let named: Vec<Rule> = read.findings.iter().filter(|f| row_of(&f.cell) == sheet_row).map(|f| f.rule).collect();
            match (kept, bad) {
                (Some(d), None) => {
                    prop_assert_eq!(&d.values[..values.len()], &values[..], "row {}", sheet_row);
                    accepted += 1;
                }
                (None, Some(_)) => prop_assert!(!named.is_empty(), "row {} set aside without a finding", sheet_row),
                (Some(_), Some(b)) => prop_assert!(false, "row {} with a bad cell {:?} was accepted", sheet_row, b),
                (None, None) => prop_assert!(false, "good row {} lost; findings {:?}", sheet_row, named),
            }
        }
        prop_assert_eq!(table.rows.len(), accepted);
        prop_assert_eq!(table.rows.len() + table.rows_set_aside, rows.len());
    }
}

/// A Form B row: level 1–4, eligibility and portal marks, dossier counts with
/// online ≤ total; maybe one bad cell (a level out of range or unreadable, a negative or
/// fractional count).
#[derive(Debug, Clone)]
enum BadB {
    LevelOutOfRange,
    LevelText,
    NegativeTotal,
    FractionOnline,
}

fn service_row() -> impl Strategy<Value = (u8, bool, bool, i64, i64, Option<BadB>)> {
    let bad = prop_oneof![
        4 => Just(None),
        1 => Just(Some(BadB::LevelOutOfRange)),
        1 => Just(Some(BadB::LevelText)),
        1 => Just(Some(BadB::NegativeTotal)),
        1 => Just(Some(BadB::FractionOnline)),
    ];
    (
        1u8..=4,
        any::<bool>(),
        any::<bool>(),
        0i64..500,
        0u32..=100,
        bad,
    )
        .prop_map(|(level, eligible, portal, total, online_pct, bad)| {
            (
                level,
                eligible,
                portal,
                total,
                total * i64::from(online_pct) / 100,
                bad,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Form B: every procedure row is accepted with exactly its level, marks and counts,
    /// or named by a finding in its own row; accepted plus set aside are all the rows.
    #[test]
    fn every_form_b_row_is_accepted_or_named(rows in prop::collection::vec(service_row(), 1..20)) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("b.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let header = [
            "STT", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVC trực tuyến",
            "Đủ điều kiện cung cấp mức độ 3, 4", "Tích hợp trên Cổng DVC quốc gia",
            "Số hồ sơ - Tổng số", "Số hồ sơ - Trực tuyến",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("write");
        }
        for (i, (level, eligible, portal, total, online, bad)) in rows.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).expect("w");
            ws.write_string(r, 1, format!("1.00{:04}", 5000 + i)).expect("w");
            ws.write_string(r, 2, format!("Thủ tục số {}", i + 1)).expect("w");
            ws.write_string(r, 3, "Giáo dục và Đào tạo").expect("w");
            match bad {
                Some(BadB::LevelOutOfRange) => ws.write_number(r, 4, 7.0),
                Some(BadB::LevelText) => ws.write_string(r, 4, "chưa xác định"),
                _ => ws.write_number(r, 4, f64::from(*level)),
            }
            .expect("w");
            if *eligible {
                ws.write_string(r, 5, "x").expect("w");
            }
            if *portal {
                ws.write_string(r, 6, "x").expect("w");
            }
            match bad {
                Some(BadB::NegativeTotal) => ws.write_number(r, 7, -1.0 - *total as f64),
                _ => ws.write_number(r, 7, *total as f64),
            }
            .expect("w");
            match bad {
                Some(BadB::FractionOnline) => ws.write_number(r, 8, *online as f64 + 0.5),
                _ => ws.write_number(r, 8, *online as f64),
            }
            .expect("w");
        }
        wb.save(&path).expect("save");
        let read = read_workbook(&path, "b.xlsx", &ReadContext::default());
        prop_assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
        let TableData::B(table) = &read.tables[0].data else { panic!("not Form B: {:?}", read.findings) };
        let mut accepted = 0;
        for (i, (level, eligible, portal, total, online, bad)) in rows.iter().enumerate() {
            let sheet_row = 2 + i as u32;
            let kept = table.rows.iter().find(|s| row_of(&s.cell) == sheet_row);
            let named = read.findings.iter().any(|f| row_of(&f.cell) == sheet_row);
            match (kept, bad) {
                (Some(s), None) => {
                    prop_assert_eq!(
                        (s.level, s.eligible_34, s.on_national_portal, s.dossiers_total, s.dossiers_online),
                        (*level, *eligible, *portal, *total, *online),
                        "row {}", sheet_row
                    );
                    prop_assert_eq!(&s.procedure_name, &format!("Thủ tục số {}", i + 1));
                    accepted += 1;
                }
                (None, Some(_)) => prop_assert!(named, "row {} set aside without a finding", sheet_row),
                (Some(_), Some(b)) => prop_assert!(false, "row {} with {:?} was accepted", sheet_row, b),
                (None, None) => prop_assert!(false, "good row {} lost: {:?}", sheet_row, read.findings),
            }
        }
        prop_assert_eq!(table.rows.len(), accepted);
        prop_assert_eq!(table.rows.len() + table.rows_set_aside, rows.len());
    }
}

/// A Form C row: public units and state-paid staff in two years, staff present; maybe
/// one bad cell (text, a negative, a fraction) in one of the five count columns.
fn staff_row() -> impl Strategy<Value = ([i64; 5], Option<(usize, u8)>)> {
    let bad = prop_oneof![
        3 => Just(None),
        2 => (0usize..5, 0u8..3).prop_map(Some),
    ];
    (prop::array::uniform5(0i64..300), bad)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Form C under a two-level header (measure over "Năm 2021" / "Năm 2022"): every
    /// row is accepted with exactly its five counts, or named by a finding in its own
    /// row; accepted plus set aside are all the rows.
    #[test]
    fn every_form_c_row_is_accepted_or_named(rows in prop::collection::vec(staff_row(), 1..15)) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let f = rust_xlsxwriter::Format::new();
        ws.merge_range(0, 0, 1, 0, "STT", &f).expect("w");
        ws.merge_range(0, 1, 1, 1, "Tên đơn vị", &f).expect("w");
        ws.merge_range(0, 2, 0, 3, "Số đơn vị sự nghiệp công lập", &f).expect("w");
        ws.merge_range(0, 4, 0, 5, "Biên chế sự nghiệp hưởng lương từ NSNN được giao", &f).expect("w");
        ws.merge_range(0, 6, 1, 6, "Số người làm việc có mặt", &f).expect("w");
        for (c, y) in [(2, "Năm 2021"), (3, "Năm 2022"), (4, "Năm 2021"), (5, "Năm 2022")] {
            ws.write_string(1, c, y).expect("w");
        }
        for (i, (values, bad)) in rows.iter().enumerate() {
            let r = 2 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).expect("w");
            ws.write_string(r, 1, format!("Trường số {}", i + 1)).expect("w");
            for (k, v) in values.iter().enumerate() {
                let c = 2 + k as u16;
                match bad {
                    Some((b, 0)) if *b == k => ws.write_string(r, c, "không rõ").map(|_| ()),
                    Some((b, 1)) if *b == k => ws.write_number(r, c, -1.0 - *v as f64).map(|_| ()),
                    Some((b, _)) if *b == k => ws.write_number(r, c, *v as f64 + 0.5).map(|_| ()),
                    _ => ws.write_number(r, c, *v as f64).map(|_| ()),
                }
                .expect("w");
            }
        }
        wb.save(&path).expect("save");
        let read = read_workbook(&path, "c.xlsx", &ReadContext::default());
        prop_assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
        let TableData::C(table) = &read.tables[0].data else { panic!("not Form C: {:?}", read.findings) };
        prop_assert_eq!((table.base_year, table.current_year), (2021, 2022));
        let mut accepted = 0;
        for (i, (v, bad)) in rows.iter().enumerate() {
            let sheet_row = 3 + i as u32;
            let kept = table.rows.iter().find(|s| row_of(&s.cell) == sheet_row);
            let named = read.findings.iter().any(|f| row_of(&f.cell) == sheet_row);
            match (kept, bad) {
                (Some(s), None) => {
                    prop_assert_eq!(
                        (s.public_units, s.state_paid_staff, s.staff_present),
                        (Some([v[0], v[1]]), Some([v[2], v[3]]), Some(v[4])),
                        "row {}", sheet_row
                    );
                    accepted += 1;
                }
                (None, Some(_)) => prop_assert!(named, "row {} set aside without a finding", sheet_row),
                (Some(_), Some(b)) => prop_assert!(false, "row {} with a bad cell {:?} was accepted", sheet_row, b),
                (None, None) => prop_assert!(false, "good row {} lost: {:?}", sheet_row, read.findings),
            }
        }
        prop_assert_eq!(table.rows.len(), accepted);
        prop_assert_eq!(table.rows.len() + table.rows_set_aside, rows.len());
    }
}

/// A Form D row: a Form D target of the 2022 plan by its id, numerator ≤ denominator;
/// maybe something wrong: text for the numerator, a negative denominator, or a code and
/// name that match no target of the plan.
fn indicator_row() -> impl Strategy<Value = (usize, u32, u32, Option<u8>)> {
    let bad = prop_oneof![3 => Just(None), 2 => (0u8..3).prop_map(Some)];
    (0usize..64, 1u32..1000, 0u32..=100, bad)
        .prop_map(|(t, den, pct, bad)| (t, den * pct / 100, den, bad))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Form D: every indicator row is accepted for its target with exactly its
    /// numerator and denominator, or named by a finding in its own row (a bad cell, or
    /// `indicator.unknown`); accepted plus set aside are all the rows.
    #[test]
    fn every_form_d_row_is_accepted_or_named(rows in prop::collection::vec(indicator_row(), 1..15)) {
        let catalogue = cchc_domain::target::Catalogue::default_2022();
        let targets: Vec<&cchc_domain::target::Target> = catalogue
            .targets
            .iter()
            .filter(|t| t.form == cchc_domain::target::Form::D)
            .collect();
        prop_assume!(!targets.is_empty());
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("d.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let header = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Số thực hiện (tử số)", "Tổng số (mẫu số)", "Tỷ lệ (%)"];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("w");
        }
        for (i, (t, num, den, bad)) in rows.iter().enumerate() {
            let r = 1 + i as u32;
            let target = targets[t % targets.len()];
            ws.write_number(r, 0, (i + 1) as f64).expect("w");
            if *bad == Some(2) {
                ws.write_string(r, 1, "zz.khong_co").expect("w");
                ws.write_string(r, 2, "Số cây xanh trồng mới trong khuôn viên").expect("w");
            } else {
                ws.write_string(r, 1, &target.id).expect("w");
                ws.write_string(r, 2, &target.name).expect("w");
            }
            ws.write_string(r, 3, "%").expect("w");
            match bad {
                Some(0) => ws.write_string(r, 4, "đang tổng hợp"),
                _ => ws.write_number(r, 4, f64::from(*num)),
            }
            .expect("w");
            match bad {
                Some(1) => ws.write_number(r, 5, -f64::from(*den)),
                _ => ws.write_number(r, 5, f64::from(*den)),
            }
            .expect("w");
        }
        wb.save(&path).expect("save");
        let read = read_workbook(&path, "d.xlsx", &ReadContext::default());
        prop_assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
        let TableData::D(table) = &read.tables[0].data else { panic!("not Form D: {:?}", read.findings) };
        let mut accepted = 0;
        for (i, (t, num, den, bad)) in rows.iter().enumerate() {
            let sheet_row = 2 + i as u32;
            let kept = table.rows.iter().find(|s| row_of(&s.cell) == sheet_row);
            let named = read.findings.iter().any(|f| row_of(&f.cell) == sheet_row);
            match (kept, bad) {
                (Some(s), None) => {
                    prop_assert_eq!(
                        (s.target_id.as_str(), s.numerator, s.denominator),
                        (targets[t % targets.len()].id.as_str(), Some(f64::from(*num)), Some(f64::from(*den))),
                        "row {}", sheet_row
                    );
                    accepted += 1;
                }
                (None, Some(_)) => prop_assert!(named, "row {} set aside without a finding", sheet_row),
                (Some(_), Some(b)) => prop_assert!(false, "row {} with problem {} was accepted", sheet_row, b),
                (None, None) => prop_assert!(false, "good row {} lost: {:?}", sheet_row, read.findings),
            }
        }
        prop_assert_eq!(table.rows.len(), accepted);
        prop_assert_eq!(table.rows.len() + table.rows_set_aside, rows.len());
    }
}
