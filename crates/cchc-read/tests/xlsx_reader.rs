//! The direct xlsx reader (`cchc_read::xlsx`) against calamine, the independent reader:
//! the same sheets, cells and merged regions for every xlsx in the repository, for
//! workbooks re-saved by LibreOffice and written by openpyxl (tests/fixtures/xlsx), and
//! for one written here by rust_xlsxwriter with the cell kinds it can make; and the same
//! forms, rows and findings read from every sample whichever reader opens it.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, SheetType, Xlsx};
use cchc_read::workbook::{read_workbook, read_workbook_by_library, ReadContext};
use cchc_read::xlsx::Book;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn xlsx_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            xlsx_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xlsx") {
            out.push(path);
        }
    }
}

/// Every cell kind rust_xlsxwriter can write, in a normal and a constant-memory sheet
/// (whose strings are inline), a hidden sheet and a chart sheet.
fn rust_xlsxwriter_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let elapsed = Format::new().set_num_format("[hh]:mm:ss");
    let money = Format::new().set_num_format("#,##0 \"đ\";[Red]-#,##0 \"đ\"");
    let bold = Format::new().set_bold();
    for constant in [false, true] {
        let ws = if constant {
            wb.add_worksheet_with_constant_memory()
                .expect("constant memory sheet")
        } else {
            wb.add_worksheet()
        };
        ws.set_name(if constant {
            "Hằng bộ nhớ"
        } else {
            "Biểu <A> & \"B\""
        })
        .expect("name");
        ws.write_string(0, 0, "  Tổng số hồ sơ  ").expect("w");
        ws.write_string(0, 1, "a < b & c > d").expect("w");
        ws.write_string(0, 2, "dòng 1\r\ndòng 2\tx").expect("w");
        ws.write_string(0, 3, "_x000D_ giữ nguyên").expect("w");
        ws.write_rich_string(0, 4, &[(&bold, "Đã "), (&Format::default(), "giải quyết")])
            .expect("w");
        ws.write_string(0, 5, "").expect("w");
        ws.write_number(1, 0, 12.0).expect("w");
        ws.write_number(1, 1, -0.125).expect("w");
        ws.write_number(1, 2, 1e-9).expect("w");
        ws.write_number(1, 3, 98765432101.0).expect("w");
        ws.write_number_with_format(1, 4, 1234.0, &money)
            .expect("w");
        ws.write_datetime_with_format(
            2,
            0,
            ExcelDateTime::from_ymd(2022, 3, 31).expect("d"),
            &date,
        )
        .expect("w");
        ws.write_number_with_format(2, 1, 1.75, &elapsed)
            .expect("w");
        ws.write_number_with_format(2, 2, 44621.0, &date)
            .expect("w");
        ws.write_boolean(3, 0, true).expect("w");
        ws.write_boolean(3, 1, false).expect("w");
        ws.write_formula(4, 0, Formula::new("=1/0").set_result("#DIV/0!"))
            .expect("w");
        ws.write_formula(4, 1, Formula::new("=A2*2").set_result("24"))
            .expect("w");
        ws.write_formula(4, 2, Formula::new("=\"x\"&\"y\"").set_result("xy"))
            .expect("w");
        ws.write_formula(4, 3, "=A2+1").expect("w");
        ws.write_blank(5, 0, &bold).expect("w");
        ws.write_number(6, 60, 7.0).expect("w");
        ws.write_string(100, 3, "xa").expect("w");
        if !constant {
            ws.merge_range(8, 0, 8, 3, "Gộp", &bold).expect("merge");
            ws.merge_range(9, 4, 11, 4, "", &bold).expect("merge");
        }
    }
    let hidden = wb.add_worksheet();
    hidden.set_name("Ẩn").expect("name");
    hidden.write_number(0, 0, 1.0).expect("w");
    hidden.set_hidden(true);
    let mut chart = Chart::new(ChartType::Column);
    chart.add_series().set_values("='Ẩn'!$A$1:$A$1");
    let cs = wb.add_chartsheet();
    cs.insert_chart(0, 0, &chart).expect("chart");
    wb.save_to_buffer().expect("save")
}

/// A workbook written part by part, with what writers rarely do but the format allows:
/// untrimmed and rich shared strings with phonetic runs, entities and `_xHHHH_`
/// escapes, built-in and custom date formats (one only in a second section, one quoted,
/// one escaped), a style list that is not the cell styles, rows and cells without
/// references, every cell type, formulas without values, an absolute sheet target,
/// dates counted from 1904 (when `is_1904`) and keywords.
fn hand_made_workbook(is_1904: bool) -> Vec<u8> {
    use std::io::Write;
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr{}/><sheets><sheet name="Số &amp; liệu" sheetId="1" r:id="rId1"/><sheet name="Ẩn" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#, if is_1904 { r#" date1904="1""# } else { "" })),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
        ("xl/sharedStrings.xml", r#"<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7"><si><t>  Tổng số
 hồ sơ  </t></si><si><r><t>Đã </t></r><r><rPr><b/></rPr><t xml:space="preserve"> giải quyết </t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si><si/><si><t>&amp;&#x41;&#66;&lt;</t></si><si><t>_xD83D__xDE00_ và _xD83D_ lẻ, _x000d_</t></si><si><t xml:space="preserve">	tab đầu</t></si><si><t><![CDATA[a<b]]></t></si></sst>"#.to_string()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="6"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="0.00;[Red]dd"/><numFmt numFmtId="167" formatCode="&quot;d&quot;0"/><numFmt numFmtId="168" formatCode="\d0"/><numFmt numFmtId="169" formatCode="[$-42A]mmmm"/></numFmts><cellStyleXfs count="2"><xf numFmtId="14"/><xf numFmtId="0"/></cellStyleXfs><cellXfs count="12"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="168"/><xf numFmtId="169"/><xf numFmtId="46"/><xf numFmtId="22"/><xf numFmtId="49"/><xf/></cellXfs></styleSheet>"#.to_string()),
        ("xl/worksheets/sheet1.xml", r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:L9"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v></v></c></row><row r="2"><c r="A2" s="1"><v>44621</v></c><c r="B2" s="2"><v>44621.5</v></c><c r="C2" s="3"><v>1.25</v></c><c r="D2" s="4"><v>3</v></c><c r="E2" s="5"><v>4</v></c><c r="F2" s="6"><v>5</v></c><c r="G2" s="7"><v>6</v></c><c r="H2" s="8"><v>0.5</v></c><c r="I2" s="9"><v>7.25</v></c><c r="J2" s="10"><v>8</v></c><c r="K2" s="11"><v>9</v></c><c r="L2" s="99"><v>10</v></c></row><row><c><v>1</v></c><c t="n"><v>2.5</v></c><c><v>abc</v></c><c r="F3"><v>-3</v></c><c><v>1E3</v></c></row><row r="5"><c r="A5" t="str"><f>"x"&amp;"y"</f><v>x&amp;y</v></c><c r="B5" t="str"><f>""</f><v></v></c><c r="C5"><f>1+1</f></c><c r="D5"><f t="shared" si="0"/></c><c r="E5" t="inlineStr"><is><t>trực tiếp</t></is></c><c r="F5" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c><c r="G5" t="b"><v>1</v></c><c r="H5" t="b"><v>0</v></c><c r="I5" t="e"><v>#N/A</v></c><c r="J5" t="d"><v>2022-03-31T00:00:00</v></c><c r="K5" s="1"/><c r="L5" t="s"><v>3</v></c></row><row r="9" spans="1:2"><c r="B9"><v>0.1</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="D9:D12"/></mergeCells></worksheet>"#.to_string()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in &parts {
        zip.start_file(*name, deflated).expect("part");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.start_file("docProps/core.xml", deflated).expect("part");
    zip.write_all(r#"<?xml version="1.0" encoding="UTF-8"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Báo cáo</dc:title><cp:keywords>cchc &amp; mẫu</cp:keywords></cp:coreProperties>"#.as_bytes()).expect("write");
    zip.finish().expect("zip").into_inner()
}

/// (row, col, value) of every non-empty cell, in order.
fn calamine_cells(range: &calamine::Range<Data>) -> Vec<((u32, u32), Data)> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut out: Vec<_> = range
        .used_cells()
        .filter(|(_, _, d)| !matches!(d, Data::Empty))
        .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.clone()))
        .collect();
    out.sort_by_key(|(p, _)| *p);
    out
}

fn compare(path: &Path) {
    let bytes = std::fs::read(path).expect("read");
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes.clone())) else {
        // A damaged sample (cut short): neither reader opens it.
        assert!(calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).is_err());
        return;
    };
    let mut ours = Book::open(archive, u64::MAX / 4)
        .unwrap_or_else(|e| panic!("{}: direct reader refused it: {e:?}", path.display()));
    let mut theirs: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("calamine");
    let listed = theirs.sheets_metadata().to_vec();
    assert_eq!(
        ours.sheets
            .iter()
            .map(|s| (s.name.clone(), s.typ, s.visible))
            .collect::<Vec<_>>(),
        listed
            .iter()
            .map(|s| (s.name.clone(), s.typ, s.visible))
            .collect::<Vec<_>>(),
        "{}: sheets",
        path.display()
    );
    for (i, sheet) in listed.iter().enumerate() {
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        let mut cells = ours.sheet_cells(i, |_, _| true).expect("our cells").cells;
        cells.sort_by_key(|c| c.get_position());
        let ours_cells: Vec<_> = cells
            .iter()
            .map(|c| (c.get_position(), c.get_value().clone()))
            .collect();
        let range = theirs.worksheet_range(&sheet.name).expect("calamine range");
        // A formula saved without its value: calamine leaves the cell out, we keep it as
        // UNCACHED — only where calamine has no value (its formula list cannot say more:
        // it leaves out a shared formula's followers).
        let (uncached, ours_cells): (Vec<_>, Vec<_>) = ours_cells
            .into_iter()
            .partition(|(_, v)| *v == cchc_read::cells::UNCACHED);
        for ((r, c), _) in uncached {
            assert!(
                range.get_value((r, c)).is_none_or(|v| *v == Data::Empty),
                "{} / {}: ({r}, {c}) is not a formula without a value",
                path.display(),
                sheet.name
            );
        }
        assert_eq!(
            ours_cells,
            calamine_cells(&range),
            "{} / {}: cells",
            path.display(),
            sheet.name
        );
        let mut merges = ours.sheet_cells(i, |_, _| true).expect("again").merges;
        let mut expected = theirs
            .merge_cells_by_sheet_name(&sheet.name)
            .unwrap_or_default();
        let key = |d: &calamine::Dimensions| (d.start, d.end);
        merges.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(
            merges,
            expected,
            "{} / {}: merges",
            path.display(),
            sheet.name
        );
    }
    let keywords = theirs
        .workbook_properties()
        .ok()
        .and_then(|p| p.keywords)
        .unwrap_or_default();
    assert_eq!(ours.keywords(), keywords, "{}: keywords", path.display());
}

#[test]
fn the_same_cells_as_calamine() {
    let mut files = Vec::new();
    xlsx_files(&root().join("samples"), &mut files);
    xlsx_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsx"),
        &mut files,
    );
    files.retain(|p| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
    });
    files.sort();
    assert!(files.len() >= 28, "{} xlsx files found", files.len());
    for path in &files {
        compare(path);
    }
    let dir = tempfile::tempdir().expect("tmp");
    let made = dir.path().join("rust_xlsxwriter.xlsx");
    std::fs::write(&made, rust_xlsxwriter_workbook()).expect("write");
    compare(&made);
    for is_1904 in [false, true] {
        let made = dir.path().join(format!("hand-made-{is_1904}.xlsx"));
        std::fs::write(&made, hand_made_workbook(is_1904)).expect("write");
        compare(&made);
    }
}

#[test]
fn a_hand_made_sheet_read_by_hand() {
    let mut book = Book::open(
        zip::ZipArchive::new(Cursor::new(hand_made_workbook(false))).expect("zip"),
        1 << 30,
    )
    .expect("open");
    let read = book.sheet_cells(0, |_, _| true).expect("cells");
    let at = |r: u32, c: u32| {
        read.cells
            .iter()
            .find(|x| x.get_position() == (r, c))
            .map(|x| x.get_value().clone())
    };
    let text = |s: &str| Some(Data::String(s.into()));
    // Shared strings: trimmed unless preserved, runs joined, phonetic left out,
    // entities and CDATA resolved, a surrogate pair joined and a lone one replaced.
    assert_eq!(at(0, 0), text("Tổng số\n hồ sơ"));
    assert_eq!(at(0, 1), text("Đã giải quyết ")); // "Đã " trimmed, " giải quyết " kept
    assert_eq!(at(0, 2), text(""));
    assert_eq!(at(0, 3), text("&AB<"));
    assert_eq!(at(0, 4), text("😀 và \u{FFFD} lẻ, \r"));
    assert_eq!(at(0, 5), text("\ttab đầu"));
    assert_eq!(at(0, 6), text("a<b"));
    assert_eq!(at(0, 7), None);
    // Styles 1, 2, 7, 9 show dates; 3 and 8 elapsed times; 4, 5, 6, 10, 11 and an
    // unknown style 99 numbers.
    let date = |r: u32, c: u32| match at(r, c) {
        Some(Data::DateTime(d)) => Some(d.is_duration()),
        _ => None,
    };
    assert_eq!(
        [date(1, 0), date(1, 1), date(1, 6), date(1, 8)],
        [Some(false); 4]
    );
    assert_eq!([date(1, 2), date(1, 7)], [Some(true); 2]);
    for c in [3, 4, 5, 9, 10, 11] {
        assert_eq!(date(1, c), None, "column {c}");
    }
    assert_eq!(at(1, 3), Some(Data::Float(3.0)));
    // Row 3 has no number and its cells no references: A3, B3, C3, then F3, G3.
    assert_eq!(at(2, 0), Some(Data::Float(1.0)));
    assert_eq!(at(2, 1), Some(Data::Float(2.5)));
    assert_eq!(at(2, 2), text("abc"));
    assert_eq!(at(2, 5), Some(Data::Float(-3.0)));
    assert_eq!(at(2, 6), Some(Data::Float(1000.0)));
    assert_eq!(at(4, 0), text("x&y"));
    assert_eq!(at(4, 1), text(""));
    // Formulas saved without a value: kept as such, never as blanks.
    let uncached = Some(cchc_read::cells::UNCACHED);
    assert_eq!((at(4, 2), at(4, 3)), (uncached.clone(), uncached));
    assert_eq!(read.uncached, (2, Some((4, 2))));
    assert_eq!(at(4, 4), text("trực tiếp"));
    assert_eq!(at(4, 5), text("ab"));
    assert_eq!(
        (at(4, 6), at(4, 7)),
        (Some(Data::Bool(true)), Some(Data::Bool(false)))
    );
    assert_eq!(at(4, 8), Some(Data::Error(calamine::CellErrorType::NA)));
    assert_eq!(
        at(4, 9),
        Some(Data::DateTimeIso("2022-03-31T00:00:00".into()))
    );
    assert_eq!(at(4, 10), None);
    assert_eq!(at(4, 11), text("&AB<"));
    assert_eq!(at(8, 1), Some(Data::Float(0.1)));
    // Row 5: 9 values and the 2 formulas without one.
    assert_eq!(read.cells.len(), 7 + 12 + 5 + 9 + 2 + 1);
    assert_eq!(book.sheets[1].visible, calamine::SheetVisible::Hidden);
    assert_eq!(book.keywords(), "cchc & mẫu");
}

#[test]
fn a_hand_counted_sheet() {
    // The rust_xlsxwriter workbook's first sheet, counted by hand: row 1 has six strings
    // (one empty: rust_xlsxwriter writes no cell for it), rows 2–5 five, three, two and
    // four values, the 61st column of row 7 and row 101 one each; the blank styled cell
    // holds nothing.
    let bytes = rust_xlsxwriter_workbook();
    let mut book = Book::open(
        zip::ZipArchive::new(Cursor::new(bytes)).expect("zip"),
        1 << 30,
    )
    .expect("open");
    let read = book.sheet_cells(0, |_, _| true).expect("cells");
    let at = |r: u32, c: u32| {
        read.cells
            .iter()
            .find(|x| x.get_position() == (r, c))
            .map(|x| x.get_value().clone())
    };
    assert_eq!(at(0, 0), Some(Data::String("  Tổng số hồ sơ  ".into())));
    assert_eq!(at(0, 1), Some(Data::String("a < b & c > d".into())));
    assert_eq!(at(0, 3), Some(Data::String("_x000D_ giữ nguyên".into())));
    assert_eq!(at(0, 4), Some(Data::String("Đã giải quyết".into())));
    assert_eq!(at(1, 1), Some(Data::Float(-0.125)));
    assert!(
        matches!(at(2, 2), Some(Data::DateTime(d)) if d.as_f64() == 44621.0 && !d.is_duration())
    );
    assert!(matches!(at(2, 1), Some(Data::DateTime(d)) if d.is_duration()));
    assert_eq!(at(3, 0), Some(Data::Bool(true)));
    assert_eq!(at(4, 0), Some(Data::Error(calamine::CellErrorType::Div0)));
    assert_eq!(at(4, 1), Some(Data::Float(24.0)));
    assert_eq!(at(4, 2), Some(Data::String("xy".into())));
    assert_eq!(at(6, 60), Some(Data::Float(7.0)));
    assert_eq!(at(100, 3), Some(Data::String("xa".into())));
    assert_eq!(at(5, 0), None);
    assert_eq!(read.merges.len(), 2);
}

#[test]
fn every_sample_reads_the_same_with_either_reader() {
    let ctx = ReadContext::default();
    let mut files = Vec::new();
    xlsx_files(&root().join("samples"), &mut files);
    files.sort();
    for path in &files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let direct = read_workbook(path, &name, &ctx);
        let library = read_workbook_by_library(path, &name, &ctx);
        assert_eq!(format!("{direct:?}"), format!("{library:?}"), "{name}");
    }
}
