//! Encrypted `.xls` files of other projects' test suites (`tests/corpus/`), decrypted
//! and read by calamine: the cells are what LibreOffice shows for the files Excel opens
//! without a password, and what msoffcrypto-tool's decryption (password `password`) then
//! LibreOffice shows for the others — two readers that are not this one.

use std::path::PathBuf;

use calamine::{Data, Reader, Xls};
use cchc_read::cfb_check::{decrypt_file, workbook_stream, BUILT_IN_PASSWORD};

fn corpus(path: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    std::fs::read(root.join(path)).expect("corpus file")
}

/// The first sheet's cells of `path` decrypted with `password`, as (row, col, text).
fn decrypted_cells(path: &str, password: &str) -> Option<Vec<(u32, u32, String)>> {
    let bytes = cchc_read::cfb_check::pad_to_sectors(corpus(path));
    let stream = workbook_stream(&bytes).expect("sound").expect("stream");
    let (file, _) = decrypt_file(&bytes, &stream, password)?;
    let mut book = Xls::new(std::io::Cursor::new(file)).expect("calamine opens it");
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).expect("sheet");
    Some(
        range
            .cells()
            .filter(|(_, _, d)| !matches!(d, Data::Empty))
            .map(|(r, c, d)| {
                let (r0, c0) = range.start().unwrap_or_default();
                (r as u32 + r0, c as u32 + c0, d.to_string())
            })
            .collect(),
    )
}

fn has(cells: &[(u32, u32, String)], row: u32, col: u32, text: &str) -> bool {
    cells
        .iter()
        .any(|(r, c, t)| (*r, *c) == (row, col) && t == text)
}

#[test]
fn excels_built_in_password_opens_rc4_files() {
    // RC4 with MD5 keys, in regular sectors (ExcelDataReader, MIT).
    let cells =
        decrypted_cells("exceldatareader/TestExcel_2040.xls", BUILT_IN_PASSWORD).expect("opens");
    assert!(has(&cells, 0, 0, "Name"), "{cells:?}");
    assert!(has(&cells, 0, 2, "Education"), "{cells:?}");
    assert!(has(&cells, 1, 0, "Kathiravan"), "{cells:?}");
    assert!(has(&cells, 1, 1, "100"), "{cells:?}");
    // Apache POI bug 50833 (Apache-2.0).
    let cells = decrypted_cells("poi/spreadsheet_50833.xls", BUILT_IN_PASSWORD).expect("opens");
    assert!(has(&cells, 0, 0, "test cell value"), "{cells:?}");
}

#[test]
fn cryptoapi_files_open_with_their_password() {
    // RC4 CryptoAPI, 40-bit key in regular sectors and 128-bit in the mini stream
    // (SheetJS test files, Apache-2.0; their password is "password").
    for path in [
        "sheetjs/password_2002_40_basecrypto.xls",
        "sheetjs/password_2002_128_strong.xls",
    ] {
        assert!(decrypted_cells(path, BUILT_IN_PASSWORD).is_none(), "{path}");
        let cells = decrypted_cells(path, "password").expect("opens");
        for (row, text) in [(0, "1"), (1, "2"), (2, "3"), (3, "4")] {
            assert!(has(&cells, row, 0, text), "{path} {cells:?}");
        }
        assert!(has(&cells, 1, 1, "10"), "{path} {cells:?}");
    }
}

#[test]
fn a_password_of_somebodys_own_is_not_guessed() {
    // RC4 and CryptoAPI files locked with a password of their own (POI, SheetJS).
    for path in [
        "poi/spreadsheet_51832.xls",
        "poi/spreadsheet_35897-type4.xls",
        "sheetjs/password_2002_128_enhanced.xls",
    ] {
        assert!(decrypted_cells(path, BUILT_IN_PASSWORD).is_none(), "{path}");
    }
}
