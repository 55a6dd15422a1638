//! The department's own submission (docs/department.md): its Biểu II.06a by level and
//! field, and the feedback workbooks to units, read back against figures done by hand.

use super::*;

/// A folder `in` for a batch and a registry `units.csv` of these rows (after the
/// header), both in `tmp`.
pub(crate) fn batch_folder(tmp: &Path, units: &str) -> (PathBuf, PathBuf) {
    let input = tmp.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let registry = tmp.join("units.csv");
    std::fs::write(
        &registry,
        format!("unit_id,name,kind,district,aliases\n{units}"),
    )
    .expect("w");
    (input, registry)
}

/// A unit's Form A sheet: its name and the period in the title lines, the flat header,
/// one row per (field, values) from row 5.
fn form_a_sheet(ws: &mut rust_xlsxwriter::Worksheet, unit: &str, rows: &[(&str, [i64; 11])]) {
    ws.write_string(0, 0, format!("Đơn vị báo cáo: {unit}"))
        .expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    write_flat_header(ws, 3);
    for (i, (field, values)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("w");
        ws.write_string(r, 1, *field).expect("w");
        for (c, v) in values.iter().enumerate() {
            ws.write_number(r, 2 + c as u16, *v as f64).expect("w");
        }
    }
}

/// A unit's Form A workbook of one [`form_a_sheet`].
pub(crate) fn form_a_file(path: &Path, unit: &str, rows: &[(&str, [i64; 11])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    form_a_sheet(wb.add_worksheet(), unit, rows);
    wb.save(path).expect("save");
}

/// The department's II.06a: fields written three ways pooled into one, each level's
/// fields in the vocabulary's order and an unknown field after them, the totals — all
/// against sums done by hand.
#[test]
fn department_form_pools_fields_by_level() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (input, registry) = batch_folder(
        tmp.path(),
        "thpt-a,Trường THPT A,school,TP Hưng Yên,\n\
         thpt-b,Trường THPT B,school,TP Hưng Yên,\n\
         pgd-c,Phòng Giáo dục và Đào tạo C,district_office,C,\n",
    );
    // Each row: received 3 = 4 + 5 + 6, resolved 7 = 8 + 9 + 10, pending 11 = 12 + 13,
    // 3 = 7 + 11 (columns numbered as on the form).
    let v1 = [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0];
    let v2 = [7, 2, 5, 0, 7, 7, 0, 0, 0, 0, 0];
    let v3 = [20, 10, 6, 4, 15, 10, 4, 1, 5, 3, 2];
    let v4 = [3, 1, 1, 1, 2, 1, 1, 0, 1, 1, 0];
    let v5 = [12, 6, 6, 0, 9, 3, 5, 1, 3, 2, 1];
    form_a_file(
        &input.join("a.xlsx"),
        "Trường THPT A",
        &[("Thi, tuyển sinh", v1), ("Giáo dục trung học", v2)],
    );
    form_a_file(
        &input.join("b.xlsx"),
        "Trường THPT B",
        &[("quy che thi tuyen sinh", v3), ("=SUM(C1:C3)", v4)],
    );
    form_a_file(
        &input.join("c.xlsx"),
        "Phòng Giáo dục và Đào tạo C",
        &[("Văn bằng chứng chỉ", v5)],
    );
    let export = tmp.path().join("e");
    consolidate_into(&input, Some(&registry), &export);
    let report = export.with_extension("xlsx");
    let form = sheet(&report, "Biểu II.06a của Sở");
    // Rows by the text of column B, with columns C–M as numbers.
    let rows: Vec<(String, Vec<f64>)> = (form.start().expect("cells").0
        ..=form.end().expect("cells").0)
        .filter_map(|r| {
            let Some(Data::String(label)) = form.get_value((r, 1)) else {
                return None;
            };
            let label = label.clone();
            let values: Vec<f64> = (2..13)
                .filter_map(|c| match form.get_value((r, c)) {
                    Some(Data::Float(x)) => Some(*x),
                    Some(Data::Int(x)) => Some(*x as f64),
                    _ => None,
                })
                .collect();
            (values.len() == 11).then_some((label, values))
        })
        .collect();
    let f = |v: [i64; 11]| v.iter().map(|x| *x as f64).collect::<Vec<_>>();
    // v1 + v3: 10 + 20 = 30, 4 + 10 = 14, 5 + 6 = 11, 1 + 4 = 5, 8 + 15 = 23, 6 + 10 = 16,
    // 1 + 4 = 5, 1 + 1 = 2, 2 + 5 = 7, 2 + 3 = 5, 0 + 2 = 2.
    let exam = [30, 14, 11, 5, 23, 16, 5, 2, 7, 5, 2];
    // The province level: v1 + v2 + v3 + v4.
    let province = [40, 17, 17, 6, 32, 24, 6, 2, 8, 6, 2];
    // Everything: the province level + v5.
    let all = [52, 23, 23, 6, 41, 27, 11, 3, 11, 8, 3];
    let expected: Vec<(String, Vec<f64>)> = [
        ("Tổng số", all),
        ("Cấp tỉnh (Sở và các đơn vị trực thuộc)", province),
        ("Giáo dục trung học", v2),
        ("Quy chế thi, tuyển sinh", exam),
        // A field written like a formula: kept as the text it is.
        ("=SUM(C1:C3)", v4),
        ("Cấp huyện (Phòng Giáo dục và Đào tạo)", v5),
        ("Hệ thống văn bằng, chứng chỉ", v5),
    ]
    .into_iter()
    .map(|(l, v)| (l.to_string(), f(v)))
    .collect();
    assert_eq!(rows, expected);
    // The unknown field is said, at the row that wrote it.
    let unknown: Vec<_> = read_csv(&export.join("findings.csv"))
        .into_iter()
        .filter(|r| r["rule"] == "field.unknown")
        .map(|r| (r["raw"].clone(), r["cell"].clone(), r["severity"].clone()))
        .collect();
    assert_eq!(
        unknown,
        [(
            // findings.csv marks text a spreadsheet would run (docs/using.md).
            "'=SUM(C1:C3)".to_string(),
            "A6".to_string(),
            "info".to_string()
        )]
    );
    // The formula-looking field is a text cell, not a formula.
    let at = (form.start().expect("cells").0..=form.end().expect("cells").0)
        .find(|&r| form.get_value((r, 1)) == Some(&Data::String("=SUM(C1:C3)".into())))
        .expect("the field's row");
    let mut book = open_workbook_auto(&report).expect("open");
    let formulas = book
        .worksheet_formula("Biểu II.06a của Sở")
        .expect("formulas");
    assert!(
        formulas.get_value((at, 1)).is_none_or(String::is_empty),
        "{:?}",
        formulas.get_value((at, 1))
    );
    // …while its figures' level total above it is one.
    assert!(formulas
        .get_value((at - 3, 2))
        .is_some_and(|f| f.starts_with("SUM(")));
    // The totals are live formulas that LibreOffice recalculates to the same values.
    if let Some(recalc) = recalculate(&report, tmp.path()) {
        assert_cached_values_recalculate(&report, &recalc, &["Biểu II.06a của Sở"]);
    }
    // No unit sent Form B or C: their totals are 0, not a sum of their own cell (which
    // LibreOffice called a circular reference, Err:522).
    let mut book = open_workbook_auto(&report).expect("open");
    for name in ["Biểu B theo đơn vị", "Biểu C theo đơn vị"] {
        let formulas = book.worksheet_formula(name).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| !f.starts_with("SUM")),
            "{name}: {:?}",
            formulas.used_cells().collect::<Vec<_>>()
        );
    }
}

/// `--feedback DIR`: a workbook per unit that sent something listing exactly its
/// findings, its figures and its targets; the units that sent nothing in chua-nop.xlsx.
#[test]
fn feedback_to_each_unit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (input, registry) = batch_folder(
        tmp.path(),
        "thpt-a,Trường THPT A,school,TP Hưng Yên,\n\
         thpt-b,Trường THPT B,school,TP Hưng Yên,\n\
         pgd-c,Phòng Giáo dục và Đào tạo C,district_office,C,\n",
    );
    let good = [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0];
    form_a_file(
        &input.join("b.xlsx"),
        "Trường THPT B",
        &[("Giáo dục trung học", good)],
    );
    // A's second row: "mười" where a number belongs, in D6 (row 6, column D).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    form_a_sheet(
        ws,
        "Trường THPT A",
        &[("Giáo dục trung học", good), ("Giáo dục mầm non", good)],
    );
    ws.write_string(5, 3, "mười").expect("w");
    wb.save(input.join("a.xlsx")).expect("save");
    let report = tmp.path().join("r.xlsx");
    let feedback = tmp.path().join("phan-hoi");
    cchc(&[
        "consolidate",
        input.to_str().expect("utf8"),
        "-o",
        report.to_str().expect("utf8"),
        "--registry",
        registry.to_str().expect("utf8"),
        "--feedback",
        feedback.to_str().expect("utf8"),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&feedback)
        .expect("feedback dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chua-nop.xlsx",
            "thpt-a - Trường THPT A.xlsx",
            "thpt-b - Trường THPT B.xlsx"
        ]
    );
    // (rule, cell) of each finding row of a unit's first sheet.
    let listed = |name: &str| -> Vec<(String, String)> {
        let s = sheet(&feedback.join(name), "Cần sửa");
        (4..s.end().map_or(0, |e| e.0 + 1))
            .filter_map(|r| match (s.get_value((r, 7)), s.get_value((r, 4))) {
                (Some(Data::String(rule)), Some(Data::String(cell))) => {
                    Some((rule.clone(), cell.clone()))
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        listed("thpt-a - Trường THPT A.xlsx"),
        [("value.not_a_number".to_string(), "D6".to_string())]
    );
    assert!(listed("thpt-b - Trường THPT B.xlsx").is_empty());
    // B's figures: received 10, resolved 8 (its one row).
    let figures = sheet(&feedback.join("thpt-b - Trường THPT B.xlsx"), "Số liệu");
    let value_of = |label: &str| {
        (4..figures.end().map_or(0, |e| e.0 + 1)).find_map(|r| {
            match (figures.get_value((r, 1)), figures.get_value((r, 2))) {
                (Some(Data::String(l)), Some(Data::Float(v))) if l.contains(label) => Some(*v),
                _ => None,
            }
        })
    };
    assert_eq!(value_of("nhận giải quyết"), Some(10.0));
    assert_eq!(value_of("đã giải quyết"), Some(8.0));
    // C sent nothing.
    let missing = sheet(&feedback.join("chua-nop.xlsx"), "Chưa nộp");
    assert_eq!(
        missing.get_value((4, 1)),
        Some(&Data::String("pgd-c".into()))
    );
    assert_eq!(missing.get_value((5, 1)), None);
}

/// A unit's Form B workbook with a flat header: (code, name, field, level, on the
/// national portal, dossiers, dossiers online) per row.
fn form_b_file(path: &Path, unit: &str, rows: &[(&str, &str, i64, bool, i64, i64)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, format!("Đơn vị báo cáo: {unit}"))
        .expect("w");
    ws.write_string(1, 0, "Kỳ báo cáo: Quý I năm 2022")
        .expect("w");
    for (c, h) in [
        "STT",
        "Mã TTHC",
        "Tên thủ tục hành chính",
        "Lĩnh vực",
        "Mức độ DVC trực tuyến",
        "Tích hợp trên Cổng DVC quốc gia",
        "Số hồ sơ tiếp nhận",
        "Số hồ sơ tiếp nhận trực tuyến",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(3, c as u16, *h).expect("w");
    }
    for (i, (code, name, level, portal, total, online)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).expect("w");
        ws.write_string(r, 1, *code).expect("w");
        ws.write_string(r, 2, *name).expect("w");
        ws.write_string(r, 3, "Giáo dục trung học").expect("w");
        ws.write_number(r, 4, *level as f64).expect("w");
        if *portal {
            ws.write_string(r, 5, "x").expect("w");
        }
        ws.write_number(r, 6, *total as f64).expect("w");
        ws.write_number(r, 7, *online as f64).expect("w");
    }
    wb.save(path).expect("save");
}

/// The online services by procedure code: the level most units state, the units that
/// list each, the dossiers summed by hand; a level stated differently is a finding.
#[test]
fn online_services_consolidated_by_procedure() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (input, registry) = batch_folder(
        tmp.path(),
        "thpt-a,Trường THPT A,school,X,\n\
         thpt-b,Trường THPT B,school,X,\n\
         thpt-c,Trường THPT C,school,X,\n",
    );
    let name = "Xét, duyệt chính sách hỗ trợ";
    form_b_file(
        &input.join("a.xlsx"),
        "Trường THPT A",
        &[
            ("1.001639", name, 3, true, 10, 4),
            ("2.001818", "Chuyển trường", 3, false, 5, 0),
        ],
    );
    form_b_file(
        &input.join("b.xlsx"),
        "Trường THPT B",
        &[("1.001639", name, 4, false, 6, 5)],
    );
    form_b_file(
        &input.join("c.xlsx"),
        "Trường THPT C",
        &[("1.001639", name, 4, false, 2, 2)],
    );
    let export = tmp.path().join("e");
    consolidate_into(&input, Some(&registry), &export);
    let list = sheet(&export.with_extension("xlsx"), "Danh mục DVCTT của Sở");
    let row = |r: u32| -> Vec<Data> {
        (1..11)
            .map(|c| list.get_value((r, c)).cloned().unwrap_or(Data::Empty))
            .collect()
    };
    let s = |t: &str| Data::String(t.into());
    let n = |x: f64| Data::Float(x);
    // 1.001639: level 4 (B and C) over 3 (A); on the portal (A); 3 units; 10 + 6 + 2 = 18
    // dossiers, 4 + 5 + 2 = 11 online, 11/18 of them.
    assert_eq!(
        row(4),
        [
            s("1.001639"),
            s(name),
            s("Giáo dục trung học"),
            n(4.0),
            s("Toàn trình"),
            s("x"),
            n(3.0),
            n(18.0),
            n(11.0),
            n(11.0 / 18.0)
        ]
    );
    assert_eq!(
        row(5),
        [
            s("2.001818"),
            s("Chuyển trường"),
            s("Giáo dục trung học"),
            n(3.0),
            s("Một phần"),
            Data::Empty,
            n(1.0),
            n(5.0),
            n(0.0),
            n(0.0)
        ]
    );
    // Totals: 3 + 1 = 4 listings, 18 + 5 = 23 dossiers, 11 + 0 = 11 online.
    assert_eq!(&row(6)[6..9], &[n(4.0), n(23.0), n(11.0)]);
    let conflicts: Vec<_> = read_csv(&export.join("findings.csv"))
        .into_iter()
        .filter(|r| r["rule"] == "service.level_conflict")
        .map(|r| {
            (
                r["file"].ends_with("a.xlsx"),
                r["cell"].clone(),
                r["raw"].clone(),
            )
        })
        .collect();
    assert_eq!(
        conflicts,
        [(true, "A5".to_string(), "1.001639".to_string())]
    );
}

/// Every sheet of the report and of the feedback workbooks prints on A4: paper size 9,
/// fitted to one page wide (any number tall), its header rows repeated; LibreOffice's
/// PDF of them has A4 pages only.
#[test]
fn every_sheet_prints_on_a4_fitted_to_width() {
    use std::io::Read;
    let tmp = tempfile::tempdir().expect("tmp");
    let report = tmp.path().join("r.xlsx");
    let feedback = tmp.path().join("ph");
    cchc(&[
        "consolidate",
        "samples",
        "-o",
        report.to_str().expect("utf8"),
        "--feedback",
        feedback.to_str().expect("utf8"),
    ]);
    let unit = feedback.join("pgd-vanlam - Phòng Giáo dục và Đào tạo huyện Văn Lâm.xlsx");
    for book in [report.clone(), unit.clone(), feedback.join("chua-nop.xlsx")] {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&book).expect("open")).expect("zip");
        let mut part = |name: &str| {
            let mut text = String::new();
            zip.by_name(name)
                .expect(name)
                .read_to_string(&mut text)
                .expect("utf8");
            text
        };
        let workbook = part("xl/workbook.xml");
        let sheets = workbook.matches("<sheet ").count();
        assert!(sheets > 0);
        // Header rows repeated on every sheet with a table (the charts' sheet has none).
        for name in workbook
            .split("<sheet name=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if name != "Biểu đồ" {
                assert!(
                    workbook.contains(&format!("'{name}'!$")),
                    "{book:?}: {name} repeats no header rows"
                );
            }
        }
        for i in 1..=sheets {
            let xml = part(&format!("xl/worksheets/sheet{i}.xml"));
            assert!(
                xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
                "{book:?} {i}"
            );
            assert!(xml.contains(r#"paperSize="9""#), "{book:?} {i}");
            assert!(xml.contains(r#"fitToHeight="0""#), "{book:?} {i}");
            assert!(!xml.contains("fitToWidth="), "{book:?} {i}: one page wide");
        }
    }
    // A4 is 595.3 × 841.9 points, in either orientation.
    for book in [&report, &unit] {
        let Some(pdf) = convert(book, tmp.path(), "pdf") else {
            return;
        };
        let boxes = media_boxes(&pdf);
        assert!(!boxes.is_empty(), "{pdf:?}");
        for (w, h) in boxes {
            let (short, long) = (w.min(h), w.max(h));
            assert!(
                (short - 595.3).abs() < 1.0 && (long - 841.9).abs() < 1.0,
                "{pdf:?}: {w} × {h}"
            );
        }
        no_column_on_a_page_of_its_own(book, &pdf);
    }
}

/// Every page LibreOffice printed of a sheet with a table holds the sheet's first
/// column: its header is repeated on each page, so a page of columns pushed off the
/// width would lack it. Pages are told apart by pdftotext (poppler) and given to sheets
/// by each sheet's title (A1), in order.
fn no_column_on_a_page_of_its_own(book: &Path, pdf: &Path) {
    use std::io::Read;
    let Ok(out) = Command::new("pdftotext").arg(pdf).arg("-").output() else {
        assert!(
            std::env::var_os("CCHC_REQUIRE_LIBREOFFICE").is_none(),
            "pdftotext (poppler-utils) required"
        );
        return;
    };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let pages: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(squeeze)
        .collect();
    // Each sheet's title and the first cell of its first repeated row.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).expect("open")).expect("zip");
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .expect("workbook")
        .read_to_string(&mut workbook)
        .expect("utf8");
    let mut calamine = open_workbook_auto(book).expect("open");
    let names = calamine.sheet_names();
    let sheets: Vec<(String, Option<String>)> = names
        .iter()
        .map(|name| {
            let range = calamine.worksheet_range(name).expect("sheet");
            let text = |r: u32, c: u32| match range.get_value((r, c)) {
                Some(Data::String(s)) => Some(squeeze(s)),
                _ => None,
            };
            let titles = format!("'{name}'!$");
            let first_row = workbook
                .split(titles.as_str())
                .nth(1)
                .and_then(|rest| rest.split(':').next())
                .and_then(|row| row.parse::<u32>().ok());
            let header = first_row.and_then(|row| text(row - 1, 0));
            (text(0, 0).expect("a title in A1"), header)
        })
        .collect();
    let mut current: Option<usize> = None;
    let mut checked = 0;
    for (p, page) in pages.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
        let next = current.map_or(0, |c| c + 1);
        if let Some(found) = (next..sheets.len()).find(|&s| page.contains(&sheets[s].0)) {
            current = Some(found);
        }
        let sheet = current.unwrap_or_else(|| panic!("{pdf:?}: page {} before any title", p + 1));
        if let (name, Some(header)) = (&names[sheet], &sheets[sheet].1) {
            assert!(
                page.contains(header.as_str()),
                "{book:?}: page {} of {name} lacks its first column ({header})",
                p + 1
            );
            checked += 1;
        }
    }
    assert!(
        checked >= sheets.len() / 2,
        "{book:?}: {checked} pages checked"
    );
}
