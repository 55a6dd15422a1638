//! Nothing lost (DOMAIN §5, issue 6): over generated Form A tables with good rows and
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
        cchc_domain::measure::Measure::ALL
            .iter()
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
                    prop_assert_eq!(&d.values, values, "row {}", sheet_row);
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
