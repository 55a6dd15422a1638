//! The binary formats' hostile and odd cases: `.xls` compound files (streams, FILEPASS,
//! short sectors, far cells, Excel 2–4) and `.xlsb` records (far cells, records longer
//! than their part): each read within bounds or refused with one clear finding.

mod common;

use cchc_domain::finding::Rule;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext};
use common::*;

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
