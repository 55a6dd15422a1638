//! Files whose cells would hold far more than the file: one long string named by
//! thousands of cells (a shared-string table, an `.ods` repeat). Each format copies
//! the string into every cell, so a 75 KB `.xls` asked for 120 MB and a 53 KB xlsx
//! for 5.5 GB; such a sheet is refused with `file.too_large` before it is laid out,
//! and an ordinary sheet of text still reads.

mod common;

use cchc_domain::finding::Rule;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext};
use common::{ods_with_content, read_bytes};

fn read_default(name: &str, bytes: &[u8]) -> FileRead {
    read_bytes(name, bytes, &ReadContext::default())
}

/// An xlsx whose sheet "Chữ" names one string of `chars` characters from `cells` cells
/// (rust_xlsxwriter writes it once, in the shared-string table), and a sheet "Khác".
fn shared_string_xlsx(chars: usize, cells: u32) -> Vec<u8> {
    let text: String = "Nội dung dài ".chars().cycle().take(chars).collect();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Chữ").expect("name");
    for i in 0..cells {
        ws.write_string(i / 20, (i % 20) as u16, &text)
            .expect("write");
    }
    let other = wb.add_worksheet();
    other.set_name("Khác").expect("name");
    other.write_string(0, 0, "Ghi chú").expect("write");
    wb.save_to_buffer().expect("xlsx")
}

fn too_large(read: &FileRead) -> Vec<(String, String)> {
    read.findings
        .iter()
        .filter(|f| f.rule == Rule::FileTooLarge)
        .map(|f| (f.sheet.clone(), f.message.clone()))
        .collect()
}

#[test]
fn a_shared_string_named_by_thousands_of_cells_is_refused_for_its_sheet() {
    // 3,000 cells × 12,000 characters (13,800 bytes each in UTF-8): 41 MB > 32 MiB.
    let bytes = shared_string_xlsx(12_000, 3_000);
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    let read = read_default("chu.xlsx", &bytes);
    let refused = too_large(&read);
    assert_eq!(refused.len(), 1, "{:?}", read.findings);
    assert_eq!(refused[0].0, "Chữ");
    assert!(refused[0].1.contains("MB chữ"), "{}", refused[0].1);
    // The other sheet is still read (and is no form).
    assert!(read
        .findings
        .iter()
        .any(|f| f.rule == Rule::SheetUnrecognized && f.sheet == "Khác"));
    // Ordinary text: 3,000 cells of 100 characters read.
    let read = read_default("chu.xlsx", &shared_string_xlsx(100, 3_000));
    assert!(too_large(&read).is_empty(), "{:?}", read.findings);
}

#[test]
fn an_xls_whose_shared_string_fills_its_cells_is_refused() {
    // 3,000 cells (150 rows × 20) naming one string of 11,999 characters ("Nội dung
    // dài " is 13, written 923 times; made by openpyxl then LibreOffice): the old reader
    // took 120 MB for this 75 KB file.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xls/shared_text_bomb.xls");
    let read = read_workbook(&path, "shared_text_bomb.xls", &ReadContext::default());
    assert!(read.tables.is_empty());
    assert_eq!(read.findings.len(), 1, "{:?}", read.findings);
    assert_eq!(read.findings[0].rule, Rule::FileTooLarge);
    assert!(read.findings[0].message.contains("MB chữ"));
    // 3,000 × (11,999 + 16), counted in characters.
    assert_eq!(read.findings[0].raw, (3_000u64 * 12_015).to_string());
}

/// An .ods of one row repeated `rows` times holding one text cell of `chars`
/// characters repeated 60 times.
fn repeated_text_ods(chars: usize, rows: u32) -> Vec<u8> {
    let text: String = "x".repeat(chars);
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string" table:number-columns-repeated="60"><text:p>{text}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    ods_with_content(content.as_bytes())
}

#[test]
fn an_ods_repeating_a_text_cell_is_refused() {
    // 1,000 rows × 60 cells × (1,000 + 16) bytes = 60,960,000 > 32 MiB, from 1.4 KB.
    let read = read_default("lap.ods", &repeated_text_ods(1_000, 1_000));
    assert_eq!(read.findings.len(), 1, "{:?}", read.findings);
    assert_eq!(read.findings[0].rule, Rule::FileTooLarge);
    assert_eq!(read.findings[0].raw, "60960000");
    // 10 rows of the same: 609,600 bytes, read.
    let read = read_default("lap.ods", &repeated_text_ods(1_000, 10));
    assert!(too_large(&read).is_empty(), "{:?}", read.findings);
}
