//! The consolidated workbook read back: its content, its formulas recalculated by
//! LibreOffice, input text kept as text, totals equal to the accepted rows.

use super::*;

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
            "So sánh các kỳ",
            "Biểu II.06a của Sở",
            "Danh mục DVCTT của Sở",
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
    assert_cached_values_recalculate(&report, &recalc, &FORMULA_SHEETS);
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
                                               // A row read whole, its field named like a formula: 10 = 4 + 5 + 1, 8 = 6 + 1 + 1,
                                               // 2 = 2 + 0, 10 = 8 + 2.
    ws.write_number(5, 0, 2).expect("w");
    ws.write_string(5, 1, "=1+1").expect("w");
    for (c, v) in [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0].into_iter().enumerate() {
        ws.write_number(5, 2 + c as u16, v).expect("w");
    }
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
    // The field named like a formula is a field of the department's II.06a, as text.
    let fields = sheet(&report, "Biểu II.06a của Sở");
    assert!(fields
        .used_cells()
        .any(|(_, _, v)| v == &Data::String("=1+1".into())));
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
