//! Helpers shared by the reading tests: a small valid Form A workbook, reading bytes as
//! a named file, the one finding a refused file gets, an .ods from its content.
#![allow(dead_code)]

use cchc_domain::finding::Rule;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext};

/// A small valid Form A workbook (bytes of an .xlsx), made with rust_xlsxwriter.
pub fn form_a_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    write_form_a(wb.add_worksheet());
    wb.save_to_buffer().expect("xlsx")
}

/// A Form A header in row 1 and one row of figures in row 2 (C2 = received total).
pub fn write_form_a(ws: &mut rust_xlsxwriter::Worksheet) {
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

pub fn read_bytes(name: &str, bytes: &[u8], ctx: &ReadContext) -> FileRead {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    read_workbook(&path, name, ctx)
}

/// The single finding a refused file gets, with its rule.
pub fn only_finding(read: &FileRead) -> (Rule, String) {
    assert!(read.tables.is_empty(), "nothing read from {}", read.file);
    assert_eq!(read.findings.len(), 1, "{:?}", read.findings);
    (read.findings[0].rule, read.findings[0].message.clone())
}

/// An .ods archive of `content` as its `content.xml`, with the `mimetype` and a
/// manifest, every part stored.
pub fn ods_with_content(content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("mimetype", &b"application/vnd.oasis.opendocument.spreadsheet"[..]),
        (
            "META-INF/manifest.xml",
            &br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#[..],
        ),
        ("content.xml", content),
    ] {
        zip.start_file(name, stored).expect("zip");
        zip.write_all(data).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}
