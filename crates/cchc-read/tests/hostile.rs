//! Files that are not what their names say, or are broken or too big: each gets one
//! clear finding (and nothing read), or, for a workbook under the wrong extension, is
//! read normally.

use cchc_domain::finding::Rule;
use cchc_read::sniff::Limits;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext};

/// A small valid Form A workbook (bytes of an .xlsx), made with rust_xlsxwriter.
fn form_a_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    write_form_a(wb.add_worksheet());
    wb.save_to_buffer().expect("xlsx")
}

/// A Form A header in row 1 and one row of figures in row 2 (C2 = received total).
fn write_form_a(ws: &mut rust_xlsxwriter::Worksheet) {
    let mut header = vec!["STT", "Lĩnh vực"];
    header.extend(
        cchc_domain::measure::Measure::all()
            .filter(|m| m.required())
            .map(|m| m.label_vi()),
    );
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("write");
    }
    // received 10 = 4 + 5 + 1; resolved 8 = 2 + 5 + 1; pending 2 = 2 + 0; 10 = 8 + 2.
    let values = [10.0, 4.0, 5.0, 1.0, 8.0, 2.0, 5.0, 1.0, 2.0, 2.0, 0.0];
    ws.write_number(1, 0, 1.0).expect("write");
    ws.write_string(1, 1, "Giáo dục và Đào tạo").expect("write");
    for (i, v) in values.iter().enumerate() {
        ws.write_number(1, 2 + i as u16, *v).expect("write");
    }
}

fn read_bytes(name: &str, bytes: &[u8], ctx: &ReadContext) -> FileRead {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    read_workbook(&path, name, ctx)
}

/// The single finding a refused file gets, with its rule.
fn only_finding(read: &FileRead) -> (Rule, String) {
    assert!(read.tables.is_empty(), "nothing read from {}", read.file);
    assert_eq!(read.findings.len(), 1, "{:?}", read.findings);
    (read.findings[0].rule, read.findings[0].message.clone())
}

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

#[test]
fn xls_stream_and_declared_size_of_a_real_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/PGD_AnThi_Q1_2022.xls");
    let bytes = std::fs::read(path).expect("sample");
    assert_eq!(cchc_read::cfb_check::check(&bytes), Ok(()));
    let stream = cchc_read::cfb_check::workbook_stream(&bytes)
        .expect("sound tables")
        .expect("a Workbook stream");
    // BIFF streams open with a BOF record (type 0x0809).
    assert_eq!(&stream[..2], &[0x09, 0x08]);
    let scan = cchc_read::cfb_check::scan_sheets(&stream);
    assert!(scan.positions_inside);
    let cells = scan.largest_cells;
    assert!(cells > 0 && cells < 10_000, "{cells}");
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

/// Password-protected files of other formats (calamine's own test files, see
/// `fixtures/others/README.md`): an .ods whose manifest lists encryption data is said to
/// be protected, with how to remove the password — not damaged, not too large; an .xls
/// whose FILEPASS is Excel's built-in password is read.
#[test]
fn password_protected_xls_and_ods_say_so() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/others");
    let name = "pass_protected.ods";
    let read = read_workbook(&dir.join(name), name, &ReadContext::default());
    let (rule, message) = only_finding(&read);
    assert_eq!(rule, Rule::FileUnreadable, "{name}");
    assert!(
        message.contains("mật khẩu") && message.contains("gỡ mật khẩu"),
        "{name}: {message}"
    );
    assert!(!message.contains("hỏng"), "{name}: {message}");
    // Encrypted with Excel's built-in password (LibreOffice opens it without asking;
    // msoffcrypto-tool decrypts it with that password and xlrd then lists these five
    // sheets, the last three hidden): read like any other file.
    let name = "pass_protected_with_readable_text.xls";
    let read = read_workbook(&dir.join(name), name, &ReadContext::default());
    let sheets: Vec<(Rule, &str)> = read
        .findings
        .iter()
        .map(|f| (f.rule, f.sheet.as_str()))
        .collect();
    assert_eq!(
        sheets,
        [
            (Rule::SheetUnrecognized, "WebQueries_Documentation"),
            (Rule::SheetUnrecognized, "ITTeam_M"),
            (Rule::SheetHidden, "ITTeam_S"),
            (Rule::SheetHidden, "ITTeam_L_4"),
            (Rule::SheetHidden, "ITTeam_L_2"),
        ]
    );
}

/// FILEPASS is looked for in the workbook globals only: a record of that number in a
/// sheet's substream (past the globals' EOF) is no protection.
#[test]
fn filepass_counts_only_in_the_globals() {
    let record = |typ: u16, data: &[u8]| {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    };
    let bof = record(0x0809, &[0; 16]);
    let eof = record(0x000A, &[]);
    let filepass = record(0x002F, &[1, 0, 1, 0]);
    let protected = [bof.clone(), filepass.clone(), eof.clone()].concat();
    let after_globals = [bof.clone(), eof, bof, filepass].concat();
    assert!(cchc_read::cfb_check::is_encrypted(&protected));
    assert!(!cchc_read::cfb_check::is_encrypted(&after_globals));
}

/// An .xls whose last sector is cut short (writers leave out its unused tail; Excel and
/// LibreOffice open such files) reads as the whole file does, not as damaged; a file
/// cut inside its data is still refused.
#[test]
fn an_xls_with_a_short_last_sector_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let whole = std::fs::read(root.join("PGD_AnThi_Q1_2022.xls")).expect("sample");
    assert_eq!(whole.len() % 512, 0);
    // Its last sector ends in 8 zero bytes: the tail a writer may leave out.
    assert!(whole[whole.len() - 8..].iter().all(|&b| b == 0));
    let short = &whole[..whole.len() - 8];
    let ctx = ReadContext::default();
    let full = read_bytes("PGD_AnThi_Q1_2022.xls", &whole, &ctx);
    let cut = read_bytes("PGD_AnThi_Q1_2022.xls", short, &ctx);
    assert!(!full.tables.is_empty());
    assert_eq!(cut.findings, full.findings);
    assert_eq!(cut.tables.len(), full.tables.len());
    for (a, b) in cut.tables.iter().zip(&full.tables) {
        assert_eq!(a.data.rows_set_aside(), b.data.rows_set_aside());
        assert_eq!(format!("{:?}", a.data), format!("{:?}", b.data));
    }
    // Half the file gone is no short sector: refused, one finding.
    let half = read_bytes("PGD_AnThi_Q1_2022.xls", &whole[..whole.len() / 2], &ctx);
    let (rule, _) = only_finding(&half);
    assert_eq!(rule, Rule::FileUnreadable);
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
    use std::io::Write;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pretty =
        std::fs::read(root.join("tests/fixtures/flat/PGD_VanLam_Q1_2022.fods")).expect("fixture");
    assert!(
        pretty.windows(6).any(|w| w == b">\n    "),
        "the fixture is indented"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("mimetype", &b"application/vnd.oasis.opendocument.spreadsheet"[..]),
        (
            "META-INF/manifest.xml",
            &br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#[..],
        ),
        ("content.xml", &pretty[..]),
    ] {
        zip.start_file(name, stored).expect("zip");
        zip.write_all(data).expect("zip");
    }
    let bytes = zip.finish().expect("zip").into_inner();
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

/// The records of an .xlsb part: (type, start of data, length).
fn xlsb_records(part: &[u8]) -> Vec<(u16, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < part.len() {
        let b0 = part[at];
        at += 1;
        let mut typ = u16::from(b0 & 0x7F);
        if b0 & 0x80 != 0 {
            typ += u16::from(part[at] & 0x7F) << 7;
            at += 1;
        }
        let mut len = 0usize;
        for i in 0..4 {
            let b = part[at];
            at += 1;
            len += usize::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        out.push((typ, at, len));
        at += len;
    }
    out
}

/// calamine's `date.xlsb` (see `fixtures/others/README.md`) with its first sheet's
/// records changed by `change`, every other part as it is.
fn date_xlsb_with_sheet(change: impl FnOnce(&mut Vec<u8>)) -> (Vec<u8>, Vec<u8>) {
    use std::io::{Read, Write};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = std::fs::read(root.join("tests/fixtures/others/date.xlsb")).expect("fixture");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut change = Some(change);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("a name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("inflate");
        if name == "xl/worksheets/sheet1.bin" {
            if let Some(change) = change.take() {
                change(&mut data);
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip");
        out.write_all(&data).expect("zip");
    }
    let patched = out.finish().expect("zip").into_inner();
    (original, patched)
}

/// An .xlsb whose last row is moved to row 1,048,576 and its first cell to column XFD
/// (calamine's own `date.xlsb`, patched): calamine would lay out a rectangle of 17
/// billion cells; the cell is left out with one `cell.out_of_range`, the others read.
#[test]
fn an_xlsb_cell_at_xfd1048576_is_left_out_not_laid_out() {
    let (original, patched) = date_xlsb_with_sheet(|data| {
        let records = xlsb_records(data);
        let last_row = records
            .iter()
            .rposition(|r| r.0 == 0)
            .expect("a row header");
        let (_, row_at, _) = records[last_row];
        data[row_at..row_at + 4].copy_from_slice(&1_048_575u32.to_le_bytes());
        let (_, cell_at, _) = records[last_row + 1..]
            .iter()
            .find(|r| (1..=11).contains(&r.0))
            .copied()
            .expect("a cell in the row");
        data[cell_at..cell_at + 4].copy_from_slice(&16_383u32.to_le_bytes());
    });
    let ctx = ReadContext::default();
    let before = read_bytes("date.xlsb", &original, &ctx);
    let read = read_bytes("far.xlsb", &patched, &ctx);
    let out_of_range: Vec<_> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::CellOutOfRange)
        .collect();
    assert_eq!(out_of_range.len(), 1, "{:?}", read.findings);
    assert!(
        out_of_range[0].message.contains("XFD1048576"),
        "{:?}",
        out_of_range[0]
    );
    assert!(read
        .findings
        .iter()
        .all(|f| f.rule != Rule::FileUnreadable && f.rule != Rule::FileTooLarge));
    assert!(before
        .findings
        .iter()
        .all(|f| f.rule != Rule::CellOutOfRange));
}

/// An .xlsb sheet record that declares 256 MiB in a part of a few kilobytes (its length
/// patched to four bytes of 0xFF 0xFF 0xFF 0x7F): refused as damaged before calamine
/// sizes a buffer from it; the unpatched file reads.
#[test]
fn an_xlsb_record_longer_than_its_part_is_refused() {
    let (original, patched) = date_xlsb_with_sheet(|data| {
        // The sheet's second record: its one-byte length becomes 2^28 − 1.
        let records = xlsb_records(data);
        let (_, start, len) = records[1];
        let len_at = start - 1;
        assert_eq!(usize::from(data[len_at]), len, "a one-byte length");
        let mut patched = data[..len_at].to_vec();
        patched.extend([0xFF, 0xFF, 0xFF, 0x7F]);
        patched.extend(&data[start..]);
        *data = patched;
    });
    let ctx = ReadContext::default();
    let (rule, message) = only_finding(&read_bytes("long.xlsb", &patched, &ctx));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("sheet1.bin"), "{message}");
    let fine = read_bytes("date.xlsb", &original, &ctx);
    assert!(
        fine.findings.iter().all(|f| f.rule != Rule::FileUnreadable),
        "{:?}",
        fine.findings
    );
}

/// An Excel 4.0 worksheet (a BIFF4 BOF record, then a cell, then EOF, written here by
/// hand) is named for what it is, not "not a spreadsheet"; a zip cut to nothing but
/// garbage still is.
#[test]
fn excel_2_to_4_files_are_named() {
    // BOF (0x0409, 6 bytes: version, type = worksheet), NUMBER A1 = 5, EOF.
    let mut biff4 = vec![0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00];
    biff4.extend([0x03, 0x02, 0x0E, 0x00, 0, 0, 0, 0, 0x0F, 0x00]);
    biff4.extend(5.0f64.to_le_bytes());
    biff4.extend([0x0A, 0x00, 0x00, 0x00]);
    let (rule, message) = only_finding(&read_bytes("cu.xls", &biff4, &ReadContext::default()));
    assert_eq!(rule, Rule::FileUnreadable);
    assert!(message.contains("Excel đời cũ"), "{message}");
    let (_, garbage) = only_finding(&read_bytes(
        "rac.xls",
        &[0x01, 0x02, 0x00, 0xFF, 0x00, 0x13],
        &ReadContext::default(),
    ));
    assert!(!garbage.contains("Excel đời cũ"), "{garbage}");
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

/// An .xls with one stray cell at IV65536 (the sample with a note added there, saved
/// as .xls by LibreOffice 7: its sheet declares 16.7 million cells) is read like an xlsx
/// with such a cell: the table with the sample's figures, and one `cell.out_of_range`.
#[test]
fn an_xls_with_a_far_cell_is_read_with_a_warning() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ctx = ReadContext::default();
    let far = read_workbook(
        &root.join("tests/fixtures/xls/PGD_VanLam_far.xls"),
        "PGD_VanLam_far.xls",
        &ctx,
    );
    let original = read_workbook(
        &root.join("../../samples/PGD_VanLam_Q1_2022.xlsx"),
        "PGD_VanLam_Q1_2022.xlsx",
        &ctx,
    );
    let rules: Vec<Rule> = far.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::CellOutOfRange], "{:?}", far.findings);
    assert_eq!(far.findings[0].cell, "IV65536");
    let figures = |r: &FileRead| -> Vec<String> {
        r.tables
            .iter()
            .map(|t| format!("{} {:?}", t.sheet, t.data))
            .collect()
    };
    assert_eq!(figures(&far), figures(&original));
}

/// The changes that take far cells out of an .xls stream: the cell record's type, and the
/// DIMENSIONS clamped to the cells kept (built here: BOF, BOUNDSHEET, EOF, then a sheet
/// with DIMENSIONS 0..65536 × 0..256, NUMBER at A1 and at IV65536, EOF).
#[test]
fn far_cells_are_neutralised_and_dimensions_clamped() {
    let record = |typ: u16, data: &[u8]| {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    };
    let number = |row: u16, col: u16| {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0, 0]);
        d.extend(5.0f64.to_le_bytes());
        record(0x0203, &d)
    };
    let bof = record(0x0809, &[0; 16]);
    let eof = record(0x000A, &[]);
    // BOUNDSHEET: position, visibility, type, 2 characters, Latin-1: "S1" (10 bytes).
    let globals_len = bof.len() + (4 + 10) + eof.len();
    let mut boundsheet = (globals_len as u32).to_le_bytes().to_vec();
    boundsheet.extend([0, 0, 2, 0, b'S', b'1']);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(65_536u32.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    dims.extend(256u16.to_le_bytes());
    dims.extend([0, 0]);
    let stream = [
        bof.clone(),
        record(0x0085, &boundsheet),
        eof.clone(),
        bof,
        record(0x0200, &dims),
        number(0, 0),
        number(65_535, 255),
        eof,
    ]
    .concat();
    let far = cchc_read::cfb_check::far_cells(&stream, 100_000, 64);
    assert_eq!(far.sheets.len(), 1);
    assert_eq!(
        (
            far.sheets[0].name.as_str(),
            far.sheets[0].cells,
            far.sheets[0].first
        ),
        ("S1", 1, (65_535, 255))
    );
    let patched = cchc_read::cfb_check::patched_stream(&stream, &far.patches);
    let scan = cchc_read::cfb_check::scan_sheets(&patched);
    // One cell kept, at A1: a 1 × 1 sheet.
    assert_eq!(scan.largest_cells, 1);
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
