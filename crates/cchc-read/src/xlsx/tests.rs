//! The direct reader against calamine and its own XML path, on every sheet of the
//! repository and on damaged copies of them.

use super::events::parse_sheet_events;
use super::scan::{cell_ref, plain_sheet};
use super::strings::{parse_shared_strings, plain_shared_strings};
use super::styles::{builtin_number_kind, number_kind_of_code};
use super::xml::unescape_excel;
use super::*;

/// A sheet of the repository: (file › sheet, its XML, the shared strings, the number
/// formats, whether the book counts dates from 1904).
type RepositorySheet = (String, String, Vec<String>, Vec<NumberKind>, bool);

/// Every worksheet's XML of every xlsx in the repository (samples, fixtures, fuzz
/// corpus), with the book's shared strings, number formats and date system.
fn repository_sheets() -> Vec<RepositorySheet> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [
        "samples",
        "crates/cchc-read/tests/fixtures/xlsx",
        "fuzz/corpus",
    ] {
        for e in std::fs::read_dir(root.join(dir)).expect("dir").flatten() {
            if e.path().extension().is_some_and(|x| x == "xlsx") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
            continue;
        };
        let Ok(mut book) = Book::open(archive, u64::MAX / 4) else {
            continue;
        };
        for part in book.parts.clone() {
            if book.load(&part).unwrap_or(false) {
                if let Ok(text) = book.text() {
                    let text = text.to_string();
                    out.push((
                        format!("{} {part}", f.display()),
                        text,
                        book.strings.clone(),
                        book.formats.clone(),
                        book.is_1904,
                    ));
                }
            }
        }
    }
    out
}

/// The scan's cells against the XML reader's, for one sheet text: `None` when the
/// scan declines it.
fn plain_equals_events(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
) -> Option<bool> {
    // A keep that leaves some cells out, to see it applied the same way.
    let keep = |r: u32, c: u32| (r + c) % 7 != 3;
    let plain = plain_sheet(text, strings, formats, is_1904, &mut { keep })?;
    let events = parse_sheet_events(text, strings, formats, is_1904, &mut { keep });
    let cells = |s: &SheetCells| -> Vec<((u32, u32), Data)> {
        s.cells
            .iter()
            .map(|c| (c.get_position(), c.get_value().clone()))
            .collect()
    };
    let merges = |s: &SheetCells| -> Vec<((u32, u32), (u32, u32))> {
        s.merges.iter().map(|d| (d.start, d.end)).collect()
    };
    Some(events.is_ok_and(|e| {
        cells(&e) == cells(&plain) && merges(&e) == merges(&plain) && e.uncached == plain.uncached
    }))
}

#[test]
fn the_plain_scan_reads_what_the_xml_reader_reads() {
    let sheets = repository_sheets();
    let mut scanned = 0;
    for (name, text, strings, formats, is_1904) in &sheets {
        if let Some(same) = plain_equals_events(text, strings, formats, *is_1904) {
            assert!(same, "{name}: the scan and the XML reader differ");
            scanned += 1;
        }
    }
    // The writers of the samples (Excel, LibreOffice, openpyxl, rust_xlsxwriter)
    // give the plain shape: nearly every sheet is scanned, not read by events.
    assert!(sheets.len() > 30, "{} sheets", sheets.len());
    assert!(
        scanned * 10 >= sheets.len() * 8,
        "{scanned} of {} scanned",
        sheets.len()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// A repository sheet with a few bytes changed, cut, repeated or inserted where
    /// the markup is (`<>/="' &;` and spaces): whatever the scan accepts, the XML
    /// reader reads the same.
    #[test]
    fn damaged_sheets_are_scanned_the_same_or_declined(
        sheet in 0usize..1000,
        edits in proptest::collection::vec((0usize..1_000_000, 0u8..4, 0usize..16, 0usize..9), 1..4),
    ) {
        static SHEETS: std::sync::OnceLock<Vec<RepositorySheet>> = std::sync::OnceLock::new();
        let sheets = SHEETS.get_or_init(repository_sheets);
        let (name, text, strings, formats, is_1904) = &sheets[sheet % sheets.len()];
        let mut bytes = text.clone().into_bytes();
        const MARKUP: &[u8] = b"<>/=\"' &;\n";
        for (at, kind, len, pick) in edits {
            // Near a tag of the sheet data, where the scan makes its decisions.
            let Some(data) = text.find("<sheetData") else { break };
            let at = data + at % (bytes.len() - data).max(1);
            let end = (at + len).min(bytes.len());
            match kind {
                0 => {
                    bytes.drain(at..end);
                }
                1 => {
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
                2 => bytes.insert(at, MARKUP[pick % MARKUP.len()]),
                _ => {
                    if at < bytes.len() {
                        bytes[at] = MARKUP[pick % MARKUP.len()];
                    }
                }
            }
        }
        if let Ok(edited) = String::from_utf8(bytes) {
            if let Some(same) = plain_equals_events(&edited, strings, formats, *is_1904) {
                proptest::prop_assert!(same, "{}: the scan and the XML reader differ on\n{}", name, edited);
            }
        }
    }
}

#[test]
fn sheets_rewritten_are_scanned_the_same_or_declined() {
    // Each sheet of the repository rewritten in ways XML allows (and in some that
    // take the scan off its plain path): whatever the scan accepts, it reads as the
    // XML reader does.
    type Edit = fn(&str) -> String;
    let edits: [(&str, Edit); 12] = [
        ("single quotes", |t| {
            // Every attribute value: name="v" becomes name='v'.
            let mut out = String::new();
            let mut rest = t;
            while let Some(i) = rest.find("=\"") {
                let after = &rest[i + 2..];
                let Some(j) = after.find('"') else { break };
                out.push_str(&rest[..i]);
                out.push_str("='");
                out.push_str(&after[..j]);
                out.push('\'');
                rest = &after[j + 1..];
            }
            out.push_str(rest);
            out
        }),
        ("spaces between elements", |t| {
            t.replace("</c><c", "</c>\n  <c").replace("<row", "\n<row")
        }),
        ("spaces in tags", |t| {
            t.replace("<c r=", "<c   r=").replace("\">", "\" >")
        }),
        ("prefixed names", |t| {
            t.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
        }),
        ("entities in values", |t| t.replace("<v>1", "<v>&#49;")),
        ("comments", |t| t.replace("</row>", "<!-- x --></row>")),
        ("CDATA values", |t| t.replace("<v>2", "<v><![CDATA[2]]>")),
        ("line breaks in values", |t| t.replace("<v>3", "<v>\r\n3")),
        ("inline strings", |t| {
            t.replacen(
                "<c r=\"A1\"",
                "<c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c><c r=\"Z1\"",
                1,
            )
        }),
        ("formulas without values", |t| {
            t.replace("<v>4</v>", "<f>1+3</f>")
        }),
        ("cells outside sheetData", |t| {
            t.replacen("<sheetData>", "<c r=\"A9\"><v>1</v></c><sheetData>", 1)
        }),
        ("rows without numbers", |t| {
            let mut out = String::new();
            let mut rest = t;
            while let Some(i) = rest.find("<row r=\"") {
                out.push_str(&rest[..i]);
                out.push_str("<row");
                let after = &rest[i + "<row r=\"".len()..];
                rest = &after[after.find('"').map_or(0, |j| j + 1)..];
            }
            out.push_str(rest);
            out
        }),
    ];
    let sheets = repository_sheets();
    for (what, edit) in edits {
        let (mut changed, mut scanned) = (0, 0);
        for (name, text, strings, formats, is_1904) in &sheets {
            let edited = edit(text);
            if edited == *text {
                continue;
            }
            changed += 1;
            if let Some(same) = plain_equals_events(&edited, strings, formats, *is_1904) {
                assert!(same, "{name}, {what}: the scan and the XML reader differ");
                scanned += 1;
            }
        }
        assert!(changed > 0, "{what}: no sheet changed");
        eprintln!("{what}: {scanned} of {changed} rewritten sheets scanned");
    }
}

#[test]
fn format_codes_that_show_dates() {
    use NumberKind::*;
    // Labelled by reading each code as Excel shows it.
    let cases = [
        ("General", Number),
        ("0", Number),
        ("#,##0.00", Number),
        ("0.00E+00", Number),
        ("0%", Number),
        ("@", Number),
        ("#,##0 \"ngày\"", Number),
        ("#,##0 \"đ\";[Red]-#,##0 \"đ\"", Number),
        ("[Red]0.00", Number),
        ("0.00;[Red]dd", Number),
        ("\\d0", Number),
        ("_-* #,##0_-;-* #,##0_-", Number),
        ("dd/mm/yyyy", Date),
        ("d/m", Date),
        ("mmm-yy", Date),
        ("yyyy\\-mm\\-dd", Date),
        ("[$-42A]d mmmm yyyy", Date),
        ("h:mm AM/PM", Date),
        ("mm:ss", Date),
        ("[h]:mm", Duration),
        ("[hh]:mm:ss", Duration),
        ("[mm]:ss", Duration),
        ("[s]", Duration),
    ];
    for (code, kind) in cases {
        assert_eq!(number_kind_of_code(code), kind, "{code}");
    }
    assert_eq!(builtin_number_kind(14), Date);
    assert_eq!(builtin_number_kind(46), Duration);
    assert_eq!(builtin_number_kind(49), Number);
    assert_eq!(builtin_number_kind(0), Number);
}

#[test]
fn excel_escapes() {
    assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
    assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
    assert_eq!(unescape_excel("_xD83D__xDE00_"), "😀");
    assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x");
    assert_eq!(unescape_excel("_xDE00_"), "\u{FFFD}");
    assert_eq!(unescape_excel("_x12G4_ _x12"), "_x12G4_ _x12");
    assert_eq!(unescape_excel("_xé123_"), "_xé123_");
}

#[test]
fn plain_shared_strings_read_as_the_xml_reader_does() {
    let head = r#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="9">"#;
    let plain = [
        "<si><t>Tổng số</t></si>",
        "<si><t>  cắt khoảng trắng  </t></si>",
        r#"<si><t xml:space="preserve">  giữ  </t></si>"#,
        "<si/>",
        "<si><t>a &amp; b &lt;c&gt; &#x41;&#66;</t></si>",
        "\n<si><t>dòng 1\ndòng 2</t></si>",
    ];
    let body: String = plain.concat();
    let text = format!("{head}{body}</sst>");
    let fast = plain_shared_strings(&text).expect("plain shape");
    assert_eq!(
        fast,
        [
            "Tổng số",
            "cắt khoảng trắng",
            "  giữ  ",
            "",
            "a & b <c> AB",
            "dòng 1\ndòng 2"
        ]
    );
    // The XML reader, on the same text with one item it must read itself, agrees.
    let mixed = format!("{head}{body}<si><r><t>x</t></r></si></sst>");
    assert!(plain_shared_strings(&mixed).is_none());
    let slow = parse_shared_strings(&mixed).expect("xml reader");
    assert_eq!(slow[..fast.len()], fast[..]);
    assert_eq!(slow[fast.len()], "x");
    // Shapes left to the XML reader.
    for odd in [
        "<si><t>a_x000D_b</t></si>",
        "<si><t>a\r\nb</t></si>",
        "<x:si><x:t>a</x:t></x:si>",
        "<si><t><![CDATA[a]]></t></si>",
        "<si><r><t>a</t></r></si>",
    ] {
        assert!(
            plain_shared_strings(&format!("{head}{odd}</sst>")).is_none(),
            "{odd}"
        );
    }
}

#[test]
fn cell_references() {
    assert_eq!(cell_ref("A1"), Some((0, 0)));
    assert_eq!(cell_ref("B12"), Some((11, 1)));
    assert_eq!(cell_ref("AA3"), Some((2, 26)));
    assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
    assert_eq!(cell_ref("XFE1"), None);
    assert_eq!(cell_ref("A0"), None);
    assert_eq!(cell_ref("A1048577"), None);
    assert_eq!(cell_ref("12"), None);
    assert_eq!(cell_ref("A"), None);
    assert_eq!(cell_ref("ZZZZZZZZZ1"), None);
}

/// `bytes` (an xlsx) with every XML part re-encoded as UTF-16, little- or big-endian,
/// behind a byte-order mark or not, as some phone apps and scripts save workbooks.
fn as_utf16(bytes: &[u8], little: bool, mark: bool) -> Vec<u8> {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().expect("name").to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("inflate");
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = String::from_utf8(data).expect("utf-8");
            data = match (mark, little) {
                (false, _) => Vec::new(),
                (true, true) => vec![0xFF, 0xFE],
                (true, false) => vec![0xFE, 0xFF],
            };
            for unit in text.encode_utf16() {
                data.extend(if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[test]
fn parts_saved_as_utf16_read_as_their_utf8_originals() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut compared = 0;
    for e in std::fs::read_dir(root.join("samples"))
        .expect("samples")
        .flatten()
    {
        if e.path().extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let bytes = std::fs::read(e.path()).expect("read");
        let cells_of = |bytes: Vec<u8>| {
            let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut book = Book::open(archive, u64::MAX / 4).expect("open");
            let mut all = Vec::new();
            for i in 0..book.sheets.len() {
                let sheet = book.sheet_cells(i, |_, _| true).expect("sheet");
                all.push(format!("{:?} {:?}", sheet.cells, sheet.merges));
            }
            (book.sheets.len(), all)
        };
        let original = cells_of(bytes.clone());
        assert!(original.0 > 0);
        for little in [true, false] {
            for mark in [true, false] {
                let utf16 = as_utf16(&bytes, little, mark);
                assert_eq!(cells_of(utf16), original, "{e:?} {little} {mark}");
            }
        }
        compared += 1;
    }
    assert!(compared >= 5, "{compared} samples");
}

#[test]
fn utf16_parts_are_recognised_by_their_mark_only() {
    assert_eq!(utf16_to_utf8(b"<a/>"), None);
    assert_eq!(utf16_to_utf8(b"<"), None);
    assert_eq!(utf16_to_utf8(&[b'<', 0, b'a', 0]), Some(Ok(b"<a".to_vec())));
    assert_eq!(utf16_to_utf8(&[0, b'<', 0, b'a']), Some(Ok(b"<a".to_vec())));
    assert_eq!(
        utf16_to_utf8(&[0xFF, 0xFE, b'<', 0, b'a', 0]),
        Some(Ok(b"<a".to_vec()))
    );
    assert_eq!(
        utf16_to_utf8(&[0xFE, 0xFF, 0, b'<', 0x1E, 0xA1]),
        Some(Ok("<ạ".as_bytes().to_vec()))
    );
    // An odd byte out, or a lone surrogate, is damaged text.
    assert_eq!(utf16_to_utf8(&[0xFF, 0xFE, b'<']), Some(Err(())));
    assert_eq!(utf16_to_utf8(&[0xFF, 0xFE, 0x00, 0xD8]), Some(Err(())));
}
