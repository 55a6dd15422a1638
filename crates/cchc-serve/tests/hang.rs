//! A file that takes too long to read, inside an upload: the reading limits of §5 and
//! the batch's watchdog apply to uploads as to `cchc check` — a finding, and the
//! server goes on.

mod common;

use std::io::{Cursor, Write};

use cchc_serve::{App, CheckSettings, Limits, Store};
use common::{get, sample, start_app, upload};

/// A workbook of one sheet of 100,000 rows of eight numbers (the most rows a sheet is
/// read to): 800,000 cells, 28 MB of XML deflated to a few MB. The test build reads it
/// in several seconds (3.7 s on the 2-core machine it was written on).
fn slow_workbook() -> Vec<u8> {
    let mut sheet = String::with_capacity(30 << 20);
    sheet.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for r in 1..=100_000u32 {
        sheet.push_str(&format!("<row r=\"{r}\">"));
        for (c, m) in ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .zip([1, 3, 7, 11, 13, 17, 19, 23])
        {
            sheet.push_str(&format!("<c r=\"{c}{r}\"><v>{}</v></c>", r % m + r));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string()),
        ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string()),
        ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_string()),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, text) in parts {
        out.start_file(name, options).expect("entry");
        out.write_all(text.as_bytes()).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

/// With reading limited to one second a file (`--max-read-seconds 1`), a workbook that
/// takes longer is given up: `file.unreadable` saying so, at that file; the upload is
/// answered without waiting for the read to end, and the next one is checked as usual.
#[test]
fn a_file_too_slow_to_read_is_a_finding_and_the_server_goes_on() {
    if !cfg!(debug_assertions) {
        // An optimised build reads the workbook well within the second.
        eprintln!("skipped: this build reads the slow workbook too fast");
        return;
    }
    let slow = slow_workbook();
    let dir = tempfile::tempdir().expect("dir");
    let app = App::new(
        Store::open(dir.path()).expect("store"),
        CheckSettings {
            limits: cchc::Limits {
                max_read_seconds: 1,
                ..cchc::Limits::default()
            },
            ..CheckSettings::default()
        },
        common::two_units(),
        Limits::default(),
    );
    let base = start_app(app);
    let token = Store::open(dir.path())
        .expect("store")
        .issue_link("thpt-trungvuong", "2022-Q1")
        .expect("link");
    let (status, _) = upload(&format!("{base}/u/{token}/upload"), &[("cham.xlsx", slow)]);
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    assert!(
        html.contains("<td>file.unreadable</td><td>cham.xlsx</td>")
            && html.contains("Đọc tệp quá 1 giây nên đã dừng"),
        "{html}"
    );
    let good = sample("THPT_TrungVuong_Q1_2022.xlsx");
    let (status, _) = upload(&format!("{base}/u/{token}/upload"), &[("tv.xlsx", good)]);
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    assert!(
        html.contains("Kết quả kiểm tra bản số 2") && html.contains("0 lỗi"),
        "{html}"
    );
}
