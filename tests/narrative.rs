//! `--narrative FILE.docx`, the period's Word report (docs/department.md): read back
//! from its XML and checked against sums done by hand and against the attainment
//! export; the same bytes every run; A4 once LibreOffice lays it out.

use std::io::Read;

use super::department::{batch_folder, form_a_file};
use super::*;

/// What the document's body holds, in order: a paragraph (its text, whether a run of
/// it is highlighted) or a table (its rows of cell texts).
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Para(String, bool),
    Table(Vec<Vec<String>>),
}

/// `word/document.xml` of a .docx.
fn document_xml(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut text = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut text)
        .expect("utf8");
    text
}

/// The body's paragraphs and tables, read with quick-xml (a reader of its own: the
/// test does not trust the writer's model of the document).
fn parts(path: &Path) -> Vec<Part> {
    use quick_xml::events::Event;
    let xml = document_xml(path);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let (mut in_table, mut in_text) = (0usize, false);
    let (mut para, mut highlighted) = (String::new(), false);
    let mut rows: Vec<Vec<String>> = Vec::new();
    loop {
        match reader.read_event().expect("xml") {
            Event::Start(e) => match e.name().0 {
                "w:tbl" => {
                    in_table += 1;
                    if in_table == 1 {
                        rows.clear();
                    }
                }
                "w:tr" => rows.push(Vec::new()),
                "w:tc" => rows.last_mut().expect("row").push(String::new()),
                "w:p" => {
                    para.clear();
                    highlighted = false;
                }
                "w:t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) if e.name().0 == "w:highlight" => highlighted = true,
            Event::Text(t) if in_text => {
                let text = t.into_inner().into_owned();
                if in_table > 0 {
                    let cell = rows.last_mut().and_then(|r| r.last_mut()).expect("cell");
                    cell.push_str(&text);
                } else {
                    para.push_str(&text);
                }
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref().expect("reference") {
                    Some(c) => c.to_string(),
                    None => match &*r.into_inner() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("entity {other}"),
                    }
                    .to_string(),
                };
                let c = c.as_str();
                if in_table > 0 {
                    rows.last_mut()
                        .and_then(|r| r.last_mut())
                        .expect("cell")
                        .push_str(c);
                } else {
                    para.push_str(c);
                }
            }
            Event::End(e) => match e.name().0 {
                "w:t" => in_text = false,
                "w:p" if in_table == 0 => out.push(Part::Para(para.clone(), highlighted)),
                "w:tbl" => {
                    in_table -= 1;
                    if in_table == 0 {
                        out.push(Part::Table(std::mem::take(&mut rows)));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn paragraphs(parts: &[Part]) -> Vec<&str> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Para(t, _) => Some(t.as_str()),
            Part::Table(_) => None,
        })
        .collect()
}

/// The first table after the paragraph that starts with `heading`.
fn table_after<'p>(parts: &'p [Part], heading: &str) -> &'p [Vec<String>] {
    let at = parts
        .iter()
        .position(|p| matches!(p, Part::Para(t, _) if t.starts_with(heading)))
        .unwrap_or_else(|| panic!("no paragraph {heading}"));
    parts[at..]
        .iter()
        .find_map(|p| match p {
            Part::Table(rows) => Some(rows.as_slice()),
            Part::Para(..) => None,
        })
        .expect("a table after it")
}

/// The test's own Vietnamese percentage: `n / d` to one decimal, half up, a comma and
/// a space before `%`.
fn percent(n: i64, d: i64) -> String {
    let tenths = (n * 1000 * 2 + d) / (2 * d);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        format!("{whole} %")
    } else {
        format!("{whole},{tenth} %")
    }
}

/// Three units by hand, a fourth that sent nothing: every sentence with a figure, the
/// dossiers by level, the units missing each target (in registry order, by id), the
/// placeholders.
#[test]
fn the_report_says_the_hand_figures_in_its_sentences() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (input, registry) = batch_folder(
        tmp.path(),
        "thpt-a,Trường THPT A,school,TP Hưng Yên,\n\
         thpt-b,Trường THPT B,school,TP Hưng Yên,\n\
         pgd-c,Phòng Giáo dục và Đào tạo C,district_office,C,\n\
         thpt-d,Trường THPT D,school,C,\n",
    );
    // received 3 = 4 + 5 + 6, resolved 7 = 8 + 9 + 10, pending 11 = 12 + 13, 3 = 7 + 11.
    let a = [1200, 700, 400, 100, 1000, 850, 150, 0, 200, 200, 0];
    let b = [400, 100, 250, 50, 320, 200, 110, 10, 80, 70, 10];
    let c = [2500, 1500, 900, 100, 2000, 1700, 280, 20, 500, 490, 10];
    form_a_file(
        &input.join("a.xlsx"),
        "Trường THPT A",
        &[("Thi, tuyển sinh", a)],
    );
    form_a_file(
        &input.join("b.xlsx"),
        "Trường THPT B",
        &[("Giáo dục trung học", b)],
    );
    form_a_file(
        &input.join("c.xlsx"),
        "Phòng Giáo dục và Đào tạo C",
        &[("Văn bằng chứng chỉ", c)],
    );
    let docx = tmp.path().join("bao-cao.docx");
    let out = cchc(&[
        "consolidate",
        input.to_str().expect("utf8"),
        "--registry",
        registry.to_str().expect("utf8"),
        "-o",
        tmp.path().join("r.xlsx").to_str().expect("utf8"),
        "--narrative",
        docx.to_str().expect("utf8"),
    ]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let parts = parts(&docx);
    let text = paragraphs(&parts);
    let has = |s: &str| assert!(text.contains(&s), "missing: {s}\nin:\n{}", text.join("\n"));
    has("Kết quả thực hiện công tác cải cách hành chính quý I năm 2022");
    // Sums: received 1200 + 400 + 2500 = 4100; online 700 + 100 + 1500 = 2300; direct
    // 400 + 250 + 900 = 1550; carried 100 + 50 + 100 = 250; resolved 1000 + 320 + 2000
    // = 3320; early 850 + 200 + 1700 = 2750; on time 150 + 110 + 280 = 540; late
    // 0 + 10 + 20 = 30; pending 200 + 80 + 500 = 780 (760 in time, 20 overdue).
    has(
        "Trong kỳ, toàn ngành tiếp nhận 4.100 hồ sơ thủ tục hành chính (trực tuyến 2.300; \
         trực tiếp và qua dịch vụ bưu chính 1.550; từ kỳ trước chuyển sang 250); đã giải \
         quyết 3.320 hồ sơ, trong đó trước hạn 2.750, đúng hạn 540, quá hạn 30; đang giải \
         quyết 780 hồ sơ (trong hạn 760, quá hạn 20).",
    );
    // On time: (2750 + 540) / 3320 = 99.096 % < 100 %, 30 short. A 1000/1000 meets it;
    // B 310/320 = 96.875 %, C 1980/2000 = 99 % do not.
    assert_eq!(percent(3290, 3320), "99,1 %");
    has(&format!(
        "Chỉ tiêu “Hồ sơ TTHC giải quyết đúng hạn” (kế hoạch ≥ 100 %): toàn ngành \
         đạt {} (3.290/3.320), chưa đạt chỉ tiêu, còn thiếu 30; 1/3 đơn vị có số liệu đạt \
         chỉ tiêu.",
        percent(3290, 3320)
    ));
    has(&format!(
        "Đơn vị chưa đạt: Phòng Giáo dục và Đào tạo C ({}); Trường THPT B ({}).",
        percent(1980, 2000),
        percent(310, 320)
    ));
    // Early: 2750 / 3320 = 82.83 % ≥ 80 %; B 200/320 = 62.5 % misses it, A 85 %, C 85 %.
    has(&format!(
        "Chỉ tiêu “Hồ sơ TTHC trả kết quả trước hạn” (kế hoạch ≥ 80 %): toàn ngành \
         đạt {} (2.750/3.320), đạt chỉ tiêu; 2/3 đơn vị có số liệu đạt chỉ tiêu.",
        percent(2750, 3320)
    ));
    has(&format!(
        "Đơn vị chưa đạt: Trường THPT B ({}).",
        percent(200, 320)
    ));
    // Online: 2300 / (2300 + 1550) = 59.74 %; B 100 / 350 = 28.57 % misses it.
    has(&format!(
        "Chỉ tiêu “Hồ sơ giải quyết bằng hình thức trực tuyến” (kế hoạch ≥ 50 %): \
         toàn ngành đạt {} (2.300/3.850), đạt chỉ tiêu; 2/3 đơn vị có số liệu đạt chỉ tiêu.",
        percent(2300, 3850)
    ));
    // Only Form A was sent: 3 targets have figures, the 17 others none.
    has("Trong 20 chỉ tiêu của kế hoạch, toàn ngành đạt 2, chưa đạt 1, 17 chỉ tiêu chưa có số liệu.");
    has("Chưa có đơn vị nào gửi số liệu biên chế, đơn vị sự nghiệp (biểu C).");
    has("Có 3/4 đơn vị đã gửi báo cáo; 1 đơn vị chưa gửi:");
    assert_eq!(
        table_after(&parts, "Có 3/4 đơn vị")[1],
        ["1", "thpt-d", "Trường THPT D", "C"]
    );
    // The dossiers by level: the province level is A + B, the district level C.
    let levels = table_after(&parts, "Trong kỳ, toàn ngành tiếp nhận");
    assert_eq!(
        levels[0][1..],
        [
            "Cấp tỉnh (Sở và các đơn vị trực thuộc)",
            "Cấp huyện (Phòng Giáo dục và Đào tạo)",
            "Tổng số"
        ]
    );
    assert_eq!(levels[1][1..], ["1.600", "2.500", "4.100"]);
    // Resolved: 1000 + 320 = 1320 and 2000; on time: 150 + 110 = 260 and 280.
    assert_eq!(levels[5][1..], ["1.320", "2.000", "3.320"]);
    assert_eq!(levels[7][1..], ["260", "280", "540"]);
    // The appendix: every unit missing a target, target by target, in registry order
    // (by id).
    let appendix = table_after(&parts, "PHỤ LỤC");
    let rows: Vec<[&str; 3]> = appendix[1..]
        .iter()
        .map(|r| [r[2].as_str(), r[4].as_str(), r[5].as_str()])
        .collect();
    let (b_on_time, c_on_time) = (percent(310, 320), percent(1980, 2000));
    let (b_early, b_online) = (percent(200, 320), percent(100, 350));
    assert_eq!(
        rows,
        [
            ["pgd-c", c_on_time.as_str(), "≥ 100 %"],
            ["thpt-b", b_on_time.as_str(), "≥ 100 %"],
            ["thpt-b", b_early.as_str(), "≥ 80 %"],
            ["thpt-b", b_online.as_str(), "≥ 50 %"],
        ]
    );
    // The parts the office writes are marked: in brackets and highlighted, and only they.
    let marked: Vec<&Part> = parts
        .iter()
        .filter(|p| matches!(p, Part::Para(_, true)))
        .collect();
    assert!(marked.len() >= 8, "{marked:?}");
    for p in &parts {
        if let Part::Para(t, lit) = p {
            assert_eq!(
                *lit,
                t.starts_with("[Phần do cơ quan soạn thảo: ") && t.ends_with(".]"),
                "{t}"
            );
        }
    }
}

/// The figures of section III equal attainment.csv's province rows on the samples, and
/// the document's bytes are the same from run to run.
#[test]
fn the_report_figures_equal_the_attainment_export() {
    let tmp = tempfile::tempdir().expect("tmp");
    let run = |n: usize| {
        let docx = tmp.path().join(format!("bao-cao-{n}.docx"));
        let export = tmp.path().join(format!("x{n}"));
        let out = cchc(&[
            "consolidate",
            "samples",
            "-o",
            tmp.path()
                .join(format!("r{n}.xlsx"))
                .to_str()
                .expect("utf8"),
            "--export",
            export.to_str().expect("utf8"),
            "--narrative",
            docx.to_str().expect("utf8"),
        ]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        (docx, export)
    };
    let (docx, export) = run(1);
    let (again, _) = run(2);
    assert_eq!(
        std::fs::read(&docx).expect("docx"),
        std::fs::read(&again).expect("docx"),
        "the same input gives the same bytes"
    );
    let parts = parts(&docx);
    let table = table_after(&parts, "III. TỔNG HỢP KẾT QUẢ");
    let catalogue: Vec<_> = read_csv(&export.join("attainment.csv"))
        .into_iter()
        .filter(|r| r["scope"] == "province" && r["period"] == "2022-Q1")
        .collect();
    assert_eq!(table.len(), catalogue.len() + 1, "a row per target");
    let label = |status: &str| match status {
        "met" => "Đạt",
        "not_met" => "Không đạt",
        "no_data" => "Chưa có số liệu",
        other => panic!("{other}"),
    };
    // Numerators of Form D may be halves (5.5): scale both sides to integers.
    let scaled = |x: &str| -> i64 {
        let (whole, frac) = x.split_once('.').unwrap_or((x, ""));
        let frac = format!("{frac:0<2}");
        whole.parse::<i64>().expect("whole") * 100 + frac[..2].parse::<i64>().expect("frac")
    };
    let vn = |x: &str| -> String {
        let (whole, frac) = x.split_once('.').unwrap_or((x, ""));
        let digits: Vec<char> = whole.chars().collect();
        let mut grouped = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(*c);
        }
        if frac.is_empty() {
            grouped
        } else {
            format!("{grouped},{frac}")
        }
    };
    for (row, a) in table[1..].iter().zip(&catalogue) {
        assert_eq!(row[5], label(&a["status"]), "{a:?}");
        let (n, d) = (&a["numerator"], &a["denominator"]);
        assert_eq!(row[3], percent(scaled(n), scaled(d)), "{a:?}");
        assert_eq!(row[4], format!("{}/{}", vn(n), vn(d)), "{a:?}");
    }
}

/// The document is A4 with the margins of an administrative document, every table
/// within the text's width, and LibreOffice lays it out on A4 pages.
#[test]
fn the_report_prints_on_a4() {
    let tmp = tempfile::tempdir().expect("tmp");
    let docx = tmp.path().join("bao-cao.docx");
    cchc(&[
        "consolidate",
        "samples",
        "-o",
        tmp.path().join("r.xlsx").to_str().expect("utf8"),
        "--narrative",
        docx.to_str().expect("utf8"),
    ]);
    let xml = document_xml(&docx);
    // 210 × 297 mm in twentieths of a point; margins left 30 mm, right 15 mm.
    assert!(
        xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
        "A4 portrait"
    );
    assert!(xml.contains(r#"w:right="851""#) && xml.contains(r#"w:left="1701""#));
    let text_width = 11906 - 851 - 1701;
    let widths: Vec<u32> = xml
        .split("<w:tblW w:w=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert!(widths.len() >= 5, "{widths:?}");
    assert!(widths.iter().all(|w| *w <= text_width), "{widths:?}");
    assert!(xml.contains("Times New Roman") || document_styles(&docx).contains("Times New Roman"));
    if let Some(pdf) = convert(&docx, tmp.path(), "pdf") {
        let boxes = media_boxes(&pdf);
        assert!(boxes.len() >= 3, "{boxes:?}");
        for (w, h) in boxes {
            assert!(
                (w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0,
                "{w} × {h}"
            );
        }
    }
}

/// `word/styles.xml`, where the default font is set.
fn document_styles(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut text = String::new();
    zip.by_name("word/styles.xml")
        .expect("styles")
        .read_to_string(&mut text)
        .expect("utf8");
    text
}

/// The Word report given the workbook's own path is refused before anything is read:
/// exit 2, nothing written.
#[test]
fn the_report_may_not_take_the_workbook_s_path() {
    let tmp = tempfile::tempdir().expect("tmp");
    let both = tmp.path().join("tong-hop.xlsx");
    let path = both.to_str().expect("utf8");
    let out = cchc(&["consolidate", "samples", "-o", path, "--narrative", path]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("hai tệp kết quả"));
    assert!(!both.exists());
}
