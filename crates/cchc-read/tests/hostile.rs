//! Files that are not what their names say, or are broken or too big: each gets one
//! clear finding (and nothing read), or, for a workbook under the wrong extension, is
//! read normally. The binary formats' own cases (.xls compound files, .xlsb records) are
//! in `binary_formats.rs`.

mod common;

use cchc_domain::finding::Rule;
use cchc_read::sniff::Limits;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext};
use common::*;

#[test]
fn xlsx_named_xls_is_read_by_its_content() {
    let read = read_bytes("bao_cao.xls", &form_a_xlsx(), &ReadContext::default());
    assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
    assert!(
        read.findings
            .iter()
            .all(|f| f.rule != Rule::FileUnreadable && f.rule != Rule::ColumnMissing),
        "{:?}",
        read.findings
    );
    let cchc_read::workbook::TableData::A(table) = &read.tables[0].data else {
        panic!("not Form A")
    };
    assert_eq!(table.rows.len(), 1);
    assert_eq!(
        table.rows[0].values[..11],
        [10, 4, 5, 1, 8, 2, 5, 1, 2, 2, 0]
    );
}

#[test]
fn html_saved_as_xls_says_so() {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>STT</td><td>Lĩnh vực</td></tr></table></body></html>";
    let (rule, message) = only_finding(&read_bytes(
        "xuat_tu_web.xls",
        html.as_bytes(),
        &ReadContext::default(),
    ));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(
        message.contains("HTML") && message.contains(".xls") && message.contains("Save As"),
        "{message}"
    );
}

#[test]
fn csv_saved_as_xls_says_so() {
    let csv = "STT,Lĩnh vực,Tổng số\n1,Giáo dục,10\n";
    let (rule, message) = only_finding(&read_bytes(
        "bao_cao.xls",
        csv.as_bytes(),
        &ReadContext::default(),
    ));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("CSV"), "{message}");
}

#[test]
fn empty_and_truncated_files() {
    let (rule, message) = only_finding(&read_bytes("rong.xlsx", b"", &ReadContext::default()));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("rỗng"), "{message}");
    // The first half of a real workbook: a zip without its directory.
    let whole = form_a_xlsx();
    let (rule, message) = only_finding(&read_bytes(
        "cut.xlsx",
        &whole[..whole.len() / 2],
        &ReadContext::default(),
    ));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("hỏng"), "{message}");
}

#[test]
fn encrypted_workbook_says_password() {
    // The start of an OLE compound file whose directory names the encrypted package,
    // as Excel writes a password-protected .xlsx (the rest of the structure is absent,
    // so the .xls reader fails and the package name decides).
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(2048, 0);
    let (rule, message) = only_finding(&read_bytes(
        "mat_khau.xlsx",
        &bytes,
        &ReadContext::default(),
    ));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("mật khẩu"), "{message}");
}

#[test]
fn files_over_the_limits_are_not_opened() {
    let bytes = form_a_xlsx();
    // A limit below the file's size: refused before opening.
    let tiny = ReadContext {
        limits: Limits {
            max_file_bytes: 100,
            max_unpacked_bytes: u64::MAX,
            ..Limits::default()
        },
        ..Default::default()
    };
    let (rule, _) = only_finding(&read_bytes("a.xlsx", &bytes, &tiny));
    assert_eq!(rule, Rule::FileTooLarge);
    // Small on disk, but declaring more inflated bytes than allowed (a zip bomb's shape).
    let bomb = ReadContext {
        limits: Limits {
            max_file_bytes: u64::MAX,
            max_unpacked_bytes: 1_000,
            ..Limits::default()
        },
        ..Default::default()
    };
    let (rule, message) = only_finding(&read_bytes("b.xlsx", &bytes, &bomb));
    assert_eq!(rule, Rule::FileTooLarge);
    assert!(message.contains("giải nén"), "{message}");
    // The default limits read it.
    assert_eq!(
        read_bytes("c.xlsx", &bytes, &ReadContext::default())
            .tables
            .len(),
        1
    );
}

#[test]
fn a_cell_at_xfd1048576_is_left_out_not_allocated() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Báo cáo").expect("write");
    // The last cell of a sheet: XFD1048576 (row 1,048,575, column 16,383, 0-based).
    ws.write_string(1_048_575, 16_383, "x").expect("write");
    let read = read_bytes(
        "xa.xlsx",
        &wb.save_to_buffer().expect("xlsx"),
        &ReadContext::default(),
    );
    let out: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::CellOutOfRange)
        .collect();
    assert_eq!(out.len(), 1, "{:?}", read.findings);
    assert_eq!(out[0].cell, "XFD1048576");
}

#[test]
fn cells_at_the_corners_of_the_bounds_read_are_not_laid_out() {
    // A1 and BL99999 are both inside the bounds read (100,000 rows, 64 columns), but the
    // rectangle between them is 99,999 × 64 = 6,399,936 cells (≈ 200 MB once laid out):
    // that sheet is left out with file.too_large naming it; the second sheet reads.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Báo cáo").expect("write");
    ws.write_string(99_998, 63, "x").expect("write");
    wb.add_worksheet()
        .write_string(0, 0, "Trang hai")
        .expect("write");
    let read = read_bytes(
        "goc.xlsx",
        &wb.save_to_buffer().expect("xlsx"),
        &ReadContext::default(),
    );
    let large: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::FileTooLarge)
        .collect();
    assert_eq!(large.len(), 1, "{:?}", read.findings);
    assert_eq!(large[0].sheet, "Sheet1");
    assert_eq!(large[0].raw, "6399936");
    assert!(read
        .findings
        .iter()
        .any(|f| f.rule == Rule::SheetUnrecognized && f.sheet == "Sheet2"));
}

#[test]
fn formulas_without_a_computed_value_are_named() {
    // rust_xlsxwriter writes formulas with a cached 0 unless told otherwise; a script's
    // file has none: the <v> element is removed from the sheet XML by hand below.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 2.0).expect("write");
    ws.write_number(1, 0, 3.0).expect("write");
    ws.write_formula(2, 0, "=SUM(A1:A2)").expect("write");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let bytes = rewrite_zip_entry(&bytes, "xl/worksheets/sheet1.xml", |xml| {
        let formula = xml.find("<f>").expect("a formula");
        let start = xml[formula..].find("<v>").expect("its cached value") + formula;
        let end = xml[start..].find("</v>").expect("end") + start + 4;
        format!("{}{}", &xml[..start], &xml[end..])
    });
    // A sheet that is no form: its formulas hide no figure, no error (a word in the
    // sheet's info finding).
    let read = read_bytes("script.xlsx", &bytes, &ReadContext::default());
    assert!(
        read.findings
            .iter()
            .all(|f| f.rule != Rule::FormulaUncached),
        "{:?}",
        read.findings
    );
    let info = read
        .findings
        .iter()
        .find(|f| f.rule == Rule::SheetUnrecognized)
        .expect("the sheet is skipped");
    assert!(info.message.contains("công thức"), "{info:?}");

    // A Form A whose received total (C2) is such a formula: an error naming the cell.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_form_a(ws);
    ws.write_formula(1, 2, "=D2+E2+F2").expect("write");
    let bytes = rewrite_zip_entry(
        &wb.save_to_buffer().expect("xlsx"),
        "xl/worksheets/sheet1.xml",
        |xml| {
            let formula = xml.find("<f>").expect("a formula");
            let start = xml[formula..].find("<v>").expect("its cached value") + formula;
            let end = xml[start..].find("</v>").expect("end") + start + 4;
            format!("{}{}", &xml[..start], &xml[end..])
        },
    );
    let read = read_bytes("form.xlsx", &bytes, &ReadContext::default());
    let f: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::FormulaUncached)
        .collect();
    assert!(!f.is_empty(), "{:?}", read.findings);
    assert!(
        f.iter()
            .any(|f| f.cell.contains("C2") || f.message.contains("C2")),
        "{f:?}"
    );
}

#[test]
fn ods_formulas_without_a_computed_value_are_named_and_their_rows_set_aside() {
    // A sample .ods with two of Form A's count cells turned into formulas without a
    // value (what odfpy and other scripts write): the first cell holding 43 and the
    // first holding 31. Where they are comes from calamine reading the original.
    use calamine::Reader as _;
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/PGD_KimDong_Q1_2022.ods");
    let mut original: calamine::Ods<_> = calamine::open_workbook(&sample).expect("sample");
    let range = original.worksheet_range("Biểu A").expect("Biểu A");
    let at = |v: f64| {
        let (r, c, _) = range
            .used_cells()
            .find(|(_, _, d)| **d == calamine::Data::Float(v))
            .expect("value in the sample");
        let (top, left) = range.start().expect("start");
        (top + r as u32, left + c as u32)
    };
    let a1 = |(r, c): (u32, u32)| format!("{}{}", char::from(b'A' + c as u8), r + 1);
    let (p43, p31) = (at(43.0), at(31.0));
    let (first, second) = (a1(p43), a1(p31));
    let first_in_sheet = a1(p43.min(p31));
    let bytes = std::fs::read(&sample).expect("read");
    let bytes = rewrite_zip_entry(&bytes, "content.xml", |xml| {
        let cell = |v: u32| {
            format!(
                "<table:table-cell office:value-type=\"float\" office:value=\"{v}\" calcext:value-type=\"float\"><text:p>{v}</text:p></table:table-cell>"
            )
        };
        xml.replacen(
            &cell(43),
            "<table:table-cell table:formula=\"of:=[.B7]+1\"/>",
            1,
        )
        .replacen(
            &cell(31),
            "<table:table-cell table:formula=\"of:=[.B7]+2\"></table:table-cell>",
            1,
        )
        // LibreOffice's own way of storing a formula whose value is empty text:
        // not a missing value.
        .replacen(
            &cell(20),
            "<table:table-cell table:formula=\"of:=&quot;&quot;\"><text:p/></table:table-cell>",
            1,
        )
    });
    let read = read_bytes("script.ods", &bytes, &ReadContext::default());
    let uncached: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::FormulaUncached)
        .collect();
    // One for the sheet (how many, the first) and one per cell inside the table.
    let sheet_level: Vec<_> = uncached
        .iter()
        .filter(|f| f.message.starts_with("2 ô"))
        .collect();
    assert_eq!(sheet_level.len(), 1, "{uncached:?}");
    assert_eq!(sheet_level[0].cell, first_in_sheet);
    let mut cells: Vec<&str> = uncached
        .iter()
        .filter(|f| !f.message.starts_with("2 ô"))
        .map(|f| f.cell.as_str())
        .collect();
    cells.sort_unstable();
    let mut expected = vec![first.as_str(), second.as_str()];
    expected.sort_unstable();
    assert_eq!(cells, expected);
    // Neither cell is read as 0: their rows are set aside, not consolidated.
    let original_read = read_workbook(&sample, "sample.ods", &ReadContext::default());
    let rows = |r: &FileRead| -> (usize, usize) {
        r.tables
            .iter()
            .filter_map(|t| match &t.data {
                cchc_read::workbook::TableData::A(a) => Some((a.rows.len(), a.rows_set_aside)),
                _ => None,
            })
            .fold((0, 0), |s, x| (s.0 + x.0, s.1 + x.1))
    };
    let set_aside = if p43.0 == p31.0 { 1 } else { 2 };
    let ((kept, aside), (kept_before, aside_before)) = (rows(&read), rows(&original_read));
    assert_eq!(
        (kept + set_aside, aside),
        (kept_before, aside_before + set_aside)
    );
}

/// A copy of a zip archive with one entry's text changed.
fn rewrite_zip_entry(bytes: &[u8], name: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let entry_name = entry.name().expect("name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        if entry_name == name {
            data = change(&String::from_utf8(data).expect("utf8")).into_bytes();
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// `bytes` with every zip header of entry `name` patched: its CRC-32 and its
/// uncompressed size set to the values given (local header and central directory).
fn patch_zip_entry(bytes: &[u8], name: &str, crc: Option<u32>, size: Option<u32>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let name = name.as_bytes();
    let at = |i: usize, sig: &[u8; 4]| out.get(i..i + 4) == Some(&sig[..]);
    let mut patches = Vec::new();
    for i in 0..out.len().saturating_sub(46) {
        // Local header: CRC at 14, uncompressed size at 22, name length at 26, name at 30.
        if at(i, b"PK\x03\x04") {
            let n = u16::from_le_bytes([out[i + 26], out[i + 27]]) as usize;
            if out.get(i + 30..i + 30 + n) == Some(name) {
                patches.push((i + 14, i + 22));
            }
        }
        // Central directory: CRC at 16, uncompressed size at 24, name length at 28, name at 46.
        if at(i, b"PK\x01\x02") {
            let n = u16::from_le_bytes([out[i + 28], out[i + 29]]) as usize;
            if out.get(i + 46..i + 46 + n) == Some(name) {
                patches.push((i + 16, i + 24));
            }
        }
    }
    assert_eq!(
        patches.len(),
        2,
        "entry {} found twice",
        String::from_utf8_lossy(name)
    );
    for (c, s) in patches {
        if let Some(crc) = crc {
            out[c..c + 4].copy_from_slice(&crc.to_le_bytes());
        }
        if let Some(size) = size {
            out[s..s + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
    out
}

#[test]
fn a_sheet_part_that_lies_about_its_size_or_crc_is_refused_not_inflated() {
    // A sheet whose directory says 200 bytes but which inflates to 8 MB (a string of
    // 8 MB of spaces: a bomb that lies about its size), and a sheet whose CRC is wrong:
    // each is that sheet's file.unreadable finding; the other sheet still reads.
    let make = || {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet()
            .write_string(0, 0, "Trang một")
            .expect("w");
        wb.add_worksheet()
            .write_string(0, 0, "Trang hai")
            .expect("w");
        let bytes = wb.save_to_buffer().expect("xlsx");
        // 8 MB of blanks before the sheet's end tag: well-formed, and compressed to little.
        rewrite_zip_entry(&bytes, "xl/worksheets/sheet1.xml", |xml| {
            xml.replace(
                "</worksheet>",
                &format!("{}</worksheet>", " ".repeat(8 << 20)),
            )
        })
    };
    for (label, patched) in [
        (
            "size",
            patch_zip_entry(&make(), "xl/worksheets/sheet1.xml", None, Some(200)),
        ),
        (
            "crc",
            patch_zip_entry(&make(), "xl/worksheets/sheet1.xml", Some(0x1234_5678), None),
        ),
    ] {
        let read = read_bytes("bom.xlsx", &patched, &ReadContext::default());
        let unreadable: Vec<_> = read
            .findings
            .iter()
            .filter(|f| f.rule == Rule::FileUnreadable)
            .collect();
        assert_eq!(unreadable.len(), 1, "{label}: {:?}", read.findings);
        assert_eq!(unreadable[0].sheet, "Sheet1", "{label}");
        // The second sheet was read: it holds no form, so it is named as such.
        assert!(
            read.findings
                .iter()
                .any(|f| f.rule == Rule::SheetUnrecognized && f.sheet == "Sheet2"),
            "{label}: {:?}",
            read.findings
        );
    }
}

/// An .ods of one table: a header row, then `rows` repeated rows of `cols` repeated
/// cells holding 1 (a file of a kilobyte).
fn repeated_ods(rows: u32, cols: u32) -> Vec<u8> {
    use std::io::Write;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Bieu A"><table:table-row><table:table-cell office:value-type="string"><text:p>STT</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="{cols}"/></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("part");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("w");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("part");
    zip.write_all(content.as_bytes()).expect("w");
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("part");
    zip.write_all(manifest.as_bytes()).expect("w");
    zip.finish().expect("zip").into_inner()
}

#[test]
fn an_ods_cell_repeated_over_millions_of_cells_is_refused_before_it_is_laid_out() {
    // 5,000 rows × 10,000 columns of 1 (50 million cells, 1.5 GB and then an aborted
    // allocation of 2.6 GB when calamine laid them out) beside a million repeated empty
    // rows: one file.too_large naming 5,001 × 10,000 cells.
    let (rule, message) = only_finding(&read_bytes(
        "lap.ods",
        &repeated_ods(5_000, 10_000),
        &ReadContext::default(),
    ));
    assert_eq!(rule, Rule::FileTooLarge);
    assert!(message.contains("50010000"), "{message}");
    // The same shape, small (3 rows × 4 columns under the header), reads; the empty
    // repeated rows after it cost nothing.
    let read = read_bytes("nho.ods", &repeated_ods(3, 4), &ReadContext::default());
    assert!(
        read.findings
            .iter()
            .all(|f| f.rule != Rule::FileTooLarge && f.rule != Rule::FileUnreadable),
        "{:?}",
        read.findings
    );
}

#[test]
fn a_workbook_of_chart_sheets_only_is_named_not_dropped() {
    // No worksheet at all, only a chart sheet: nothing to read, and a finding says so
    // (a damaged .xls whose sheets all read as other kinds gave neither a table nor a
    // finding; cargo fuzz, fuzz/corpus/xls-no-worksheet.xls).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let data = wb.add_worksheet().set_name("Dữ liệu").expect("name");
    data.write_number(0, 0, 1.0).expect("write");
    data.write_number(1, 0, 2.0).expect("write");
    let mut chart = rust_xlsxwriter::Chart::new_column();
    chart.add_series().set_values(("Dữ liệu", 0, 0, 1, 0));
    wb.add_chartsheet()
        .insert_chart(0, 0, &chart)
        .expect("chart");
    // The data sheet is then taken off the workbook's list: only the chart sheet is left.
    let bytes = rewrite_zip_entry(
        &wb.save_to_buffer().expect("xlsx"),
        "xl/workbook.xml",
        |xml| {
            let start = xml.find("<sheet name=\"Dữ liệu\"").expect("the data sheet");
            let end = start + xml[start..].find("/>").expect("its end") + 2;
            format!("{}{}", &xml[..start], &xml[end..])
        },
    );
    let (rule, message) =
        only_finding(&read_bytes("bieu_do.xlsx", &bytes, &ReadContext::default()));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("không có trang tính dữ liệu"), "{message}");
}

/// A template (`.xltx`, an xlsx inside) and a flat OpenDocument spreadsheet (`.fods`,
/// the sample saved so by LibreOffice 7) are read by their bytes, with the figures of
/// the workbook they were made from.
#[test]
fn templates_and_flat_ods_are_read_by_their_bytes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let xlsx = root.join("../../samples/PGD_VanLam_Q1_2022.xlsx");
    let ctx = ReadContext::default();
    let original = read_workbook(&xlsx, "PGD_VanLam_Q1_2022.xlsx", &ctx);
    assert!(!original.tables.is_empty());
    let figures = |r: &FileRead| -> Vec<String> {
        r.tables
            .iter()
            .map(|t| format!("{} {:?}", t.sheet, t.data))
            .collect()
    };
    let template = read_bytes("mau.xltx", &std::fs::read(&xlsx).expect("sample"), &ctx);
    assert_eq!(figures(&template), figures(&original));
    let flat = root.join("tests/fixtures/flat/PGD_VanLam_Q1_2022.fods");
    let fods = read_workbook(&flat, "PGD_VanLam_Q1_2022.fods", &ctx);
    assert!(
        fods.findings.iter().all(|f| f.rule != Rule::FileUnreadable),
        "{:?}",
        fods.findings
    );
    assert_eq!(figures(&fods), figures(&original));
    for ext in ["xltx", "xltm", "fods"] {
        assert!(cchc_read::workbook::WORKBOOK_EXTENSIONS.contains(&ext));
    }
}

/// An .ods whose content.xml is indented (written by a tool that pretty-prints its XML;
/// calamine refuses the whitespace between cells) reads with its figures.
#[test]
fn an_ods_with_indented_xml_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pretty =
        std::fs::read(root.join("tests/fixtures/flat/PGD_VanLam_Q1_2022.fods")).expect("fixture");
    assert!(
        pretty.windows(6).any(|w| w == b">\n    "),
        "the fixture is indented"
    );
    let bytes = ods_with_content(&pretty);
    let ctx = ReadContext::default();
    let read = read_bytes("indented.ods", &bytes, &ctx);
    let original = read_workbook(
        &root.join("../../samples/PGD_VanLam_Q1_2022.xlsx"),
        "PGD_VanLam_Q1_2022.xlsx",
        &ctx,
    );
    let figures = |r: &FileRead| -> Vec<String> {
        r.tables
            .iter()
            .map(|t| format!("{} {:?}", t.sheet, t.data))
            .collect()
    };
    assert!(
        read.findings.iter().all(|f| f.rule != Rule::FileUnreadable),
        "{:?}",
        read.findings
    );
    assert_eq!(figures(&read), figures(&original));
}

/// Library messages stay out of what the officer reads: a zip that is no workbook
/// (an archive of text files) is said in Vietnamese, the library's words in `raw`.
#[test]
fn library_messages_are_raw_not_the_message() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("ghi-chu.txt", zip::write::SimpleFileOptions::default())
        .expect("zip");
    zip.write_all(b"khong phai bang tinh").expect("zip");
    let bytes = zip.finish().expect("zip").into_inner();
    let read = read_bytes("bao_cao.xlsx", &bytes, &ReadContext::default());
    let f = &read.findings[0];
    assert_eq!(f.rule, Rule::FileUnreadable);
    assert!(f.message.contains("bị hỏng hoặc thiếu thành phần"), "{f:?}");
    assert!(!f.raw.is_empty(), "{f:?}");
    assert!(!f.message.contains(&f.raw), "{f:?}");
}

/// A small workbook declaring parts far larger than workbooks inflate to (here 100 MB
/// for a file of a few kilobytes: 313 times was what a real bomb of 478 KB did, taking
/// 687 MB) is refused before anything is inflated, saying how many times; within the
/// allowance, the same limit lets real files through (the samples, both corpora).
#[test]
fn a_workbook_inflating_hundreds_of_times_its_size_is_refused() {
    let bytes = form_a_xlsx();
    let bomb = patch_zip_entry(
        &bytes,
        "xl/worksheets/sheet1.xml",
        None,
        Some(100 * 1024 * 1024),
    );
    let (rule, message) = only_finding(&read_bytes("bom.xlsx", &bomb, &ReadContext::default()));
    assert_eq!(rule, Rule::FileTooLarge);
    assert!(
        message.contains("gấp") && message.contains("lần"),
        "{message}"
    );
    let l = Limits::default();
    assert!(l.unpacked_for(bomb.len() as u64) < 100 * 1024 * 1024);
    assert!(read_bytes("tot.xlsx", &bytes, &ReadContext::default())
        .findings
        .iter()
        .all(|f| f.rule != Rule::FileTooLarge));
}
