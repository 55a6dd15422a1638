//! One-stop-shop dossier exports (DOMAIN.md §11): found by their header in a sheet or
//! a CSV file, dates in every written form, channels, incomplete rows and duplicates
//! said with file, sheet and cell. Expected values are the cells written here.

use cchc_domain::finding::Rule;
use cchc_domain::unit::Registry;
use cchc_read::batch::{read_batch, BatchOptions};
use cchc_read::dossier_export::{Channel, DossierTable};
use cchc_read::workbook::{read_workbook, ReadContext, TableData};
use chrono::{NaiveDate, NaiveTime};

const HEADER: [&str; 10] = [
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Lĩnh vực",
    "Cơ quan / Đơn vị giải quyết",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
    "Hình thức nộp",
];

/// The rows written by both the xlsx and the CSV test, from line 4 (after two title
/// lines and a blank one): the dates as text in the ways systems write them.
const ROWS: [[&str; 10]; 6] = [
    [
        "1",
        "H01",
        "Cấp bản sao văn bằng",
        "Văn bằng, chứng chỉ",
        "Trường THPT A",
        "07/03/2022 10:15",
        "10/03/2022",
        "09/03/2022",
        "Đã trả kết quả",
        "Trực tuyến",
    ],
    [
        "2",
        "H02",
        "Chuyển trường",
        "Giáo dục trung học",
        "Trường THPT A",
        "2022-03-07T18:05:00",
        "2022-03-11",
        "",
        "Đang xử lý",
        "Nộp trực tiếp",
    ],
    [
        "3",
        "H03",
        "Chuyển trường",
        "Giáo dục trung học",
        "Trường THPT B",
        "08:30 08/03/2022",
        "11/03/2022",
        "14/03/2022",
        "Đã trả kết quả",
        "Qua bưu chính",
    ],
    [
        "4",
        "H04",
        "Chuyển trường",
        "Giáo dục trung học",
        "Trường THPT B",
        "",
        "11/03/2022",
        "",
        "Đang xử lý",
        "Trực tuyến",
    ],
    [
        "5",
        "H05",
        "Chuyển trường",
        "Giáo dục trung học",
        "Trường THPT B",
        "09/03/2022",
        "12/03/2022",
        "",
        "Đã trả kết quả",
        "Trực tiếp",
    ],
    [
        "6",
        "H06",
        "Chuyển trường",
        "Giáo dục trung học",
        "Trường THPT B",
        "31/02/2022",
        "12/03/2022",
        "",
        "Đang xử lý",
        "Trực tiếp",
    ],
];

fn write_sheet(ws: &mut rust_xlsxwriter::Worksheet) {
    ws.write_string(0, 0, "DANH SÁCH HỒ SƠ TIẾP NHẬN")
        .expect("w");
    ws.write_string(1, 0, "Từ ngày 01/01/2022 đến ngày 31/03/2022")
        .expect("w");
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(3, c as u16, *h).expect("w");
    }
    for (i, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(4 + i as u32, c as u16, *v).expect("w");
            }
        }
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// The three good rows (H01–H03) as read, row by row: ids, days, times, channels.
fn assert_good_rows(table: &DossierTable) {
    let got: Vec<_> = table
        .rows
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.received,
                r.received_time.map(|t| t.time()),
                r.due,
                r.finished,
                r.channel,
                &*table.texts_of(r).agency,
                r.cell(),
            )
        })
        .collect();
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    assert_eq!(
        got,
        [
            (
                "H01",
                d(2022, 3, 7),
                at(10, 15),
                Some(d(2022, 3, 10)),
                Some(d(2022, 3, 9)),
                Channel::Online,
                "Trường THPT A",
                "A5".to_string()
            ),
            (
                "H02",
                d(2022, 3, 7),
                at(18, 5),
                Some(d(2022, 3, 11)),
                None,
                Channel::Direct,
                "Trường THPT A",
                "A6".to_string()
            ),
            (
                "H03",
                d(2022, 3, 8),
                at(8, 30),
                Some(d(2022, 3, 11)),
                Some(d(2022, 3, 14)),
                Channel::Postal,
                "Trường THPT B",
                "A7".to_string()
            ),
        ]
    );
}

/// The three bad rows: no day received (B8), finished without a date (A9), 31/02 (F10).
fn assert_incomplete(findings: &[cchc_domain::finding::Finding], sheet: &str) {
    let got: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == Rule::DossierIncomplete)
        .map(|f| (f.sheet.as_str(), f.cell.as_str(), f.raw.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (sheet, "A8", ""),
            (sheet, "A9", ""),
            (sheet, "F10", "31/02/2022")
        ],
        "{findings:?}"
    );
    let messages: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == Rule::DossierIncomplete)
        .map(|f| f.message.as_str())
        .collect();
    assert!(messages[0].contains("H04") && messages[0].contains("thiếu ngày tiếp nhận"));
    assert!(messages[1].contains("H05") && messages[1].contains("thiếu ngày có kết quả"));
    assert!(messages[2].contains("H06") && messages[2].contains("không phải ngày"));
}

#[test]
fn an_export_sheet_is_read_row_by_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("xuat.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    write_sheet(wb.add_worksheet().set_name("Hồ sơ").expect("name"));
    wb.save(&path).expect("save");
    let read = read_workbook(&path, "xuat.xlsx", &ReadContext::default());
    assert_eq!(read.tables.len(), 1, "{:?}", read.findings);
    let TableData::X(table) = &read.tables[0].data else {
        panic!("not an export: {:?}", read.tables[0].data.form());
    };
    assert_good_rows(table);
    assert_eq!(table.rows_set_aside, 3);
    assert_incomplete(&read.findings, "Hồ sơ");
}

#[test]
fn date_cells_and_serial_numbers_are_dates() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("xuat.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Mã hồ sơ", "Ngày tiếp nhận", "Thời hạn giải quyết", "Kênh"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("w");
    }
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let when = rust_xlsxwriter::ExcelDateTime::parse_from_str("2024-05-03T16:45:00").expect("dt");
    ws.write_string(1, 0, "X1").expect("w");
    ws.write_datetime_with_format(1, 1, &when, &format)
        .expect("w");
    ws.write_number(1, 2, 5.0).expect("w");
    ws.write_string(1, 3, "DVC trực tuyến một phần").expect("w");
    // 44627 is 2022-03-07 (days since 1899-12-30), its format lost.
    ws.write_string(2, 0, "X2").expect("w");
    ws.write_number(2, 1, 44627.75).expect("w");
    ws.write_string(2, 2, "3 ngày").expect("w");
    ws.write_string(2, 3, "Bưu điện").expect("w");
    wb.save(&path).expect("save");
    let read = read_workbook(&path, "xuat.xlsx", &ReadContext::default());
    let Some(TableData::X(table)) = read.tables.first().map(|t| &t.data) else {
        panic!("{:?}", read.findings);
    };
    let got: Vec<_> = table
        .rows
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.received,
                r.received_time.map(|t| t.time()),
                r.time_limit,
                r.channel,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "X1",
                d(2024, 5, 3),
                NaiveTime::from_hms_opt(16, 45, 0),
                Some(5),
                Channel::Online
            ),
            (
                "X2",
                d(2022, 3, 7),
                NaiveTime::from_hms_opt(18, 0, 0),
                Some(3),
                Channel::Postal
            ),
        ]
    );
}

/// The same rows as CSV: UTF-8 with a BOM and `;`, and UTF-16 with tabs.
#[test]
fn a_csv_export_is_streamed() {
    let dir = tempfile::tempdir().expect("tmp");
    let lines: Vec<String> = [
        vec!["DANH SÁCH HỒ SƠ TIẾP NHẬN".to_string()],
        vec!["Từ ngày 01/01/2022 đến ngày 31/03/2022".to_string()],
        vec![String::new()],
        HEADER.iter().map(|s| s.to_string()).collect(),
    ]
    .into_iter()
    .chain(
        ROWS.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect()),
    )
    .map(|cells: Vec<String>| cells.join(";"))
    .collect();
    let text = lines.join("\r\n") + "\r\n";
    let utf8 = dir.path().join("xuat.csv");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.as_bytes());
    std::fs::write(&utf8, bytes).expect("w");
    let utf16 = dir.path().join("xuat16.csv");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.replace(';', "\t").encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(&utf16, bytes).expect("w");
    for (path, name) in [(&utf8, "xuat.csv"), (&utf16, "xuat16.csv")] {
        let read = read_workbook(path, name, &ReadContext::default());
        let Some(TableData::X(table)) = read.tables.first().map(|t| &t.data) else {
            panic!("{name}: {:?}", read.findings);
        };
        assert_good_rows(table);
        assert_incomplete(&read.findings, "CSV");
    }
    // A CSV that is not an export is skipped, as before.
    let other = dir.path().join("khac.csv");
    std::fs::write(&other, "a,b\n1,2\n").expect("w");
    let read = read_workbook(&other, "khac.csv", &ReadContext::default());
    assert!(read.tables.is_empty());
    assert_eq!(
        read.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        [Rule::FileSkipped]
    );
}

/// Across a batch: the agency names the unit; an id seen twice with the same data
/// counts once (warning at the second), with different data nowhere (error at both);
/// an agency the registry does not know is said once with its count.
#[test]
fn duplicates_and_agencies_across_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let header = "Mã hồ sơ,Cơ quan giải quyết,Ngày tiếp nhận,Ngày hẹn trả,Hình thức nộp\n";
    std::fs::write(
        dir.path().join("a.csv"),
        format!(
            "{header}K1,Trường THPT A,01/03/2022,05/03/2022,Trực tuyến\n\
             K2,Trường THPT A,01/03/2022,05/03/2022,Trực tuyến\n\
             K3,Trường Lạ,01/03/2022,05/03/2022,Trực tuyến\n\
             K4,Trường Lạ,02/03/2022,05/03/2022,Trực tuyến\n"
        ),
    )
    .expect("w");
    std::fs::write(
        dir.path().join("b.csv"),
        format!(
            "{header}K1,Trường THPT A,01/03/2022,05/03/2022,Trực tuyến\n\
             K2,Trường THPT A,01/03/2022,06/03/2022,Trực tuyến\n\
             K5,Trường THPT B,02/03/2022,05/03/2022,Trực tiếp\n"
        ),
    )
    .expect("w");
    let registry = Registry::from_csv(
        "unit_id,name,kind,district,aliases\n\
         thpt-a,Trường THPT A,school,X,\n\
         thpt-b,Trường THPT B,school,X,\n",
    )
    .expect("registry");
    let opts = BatchOptions {
        registry,
        ..BatchOptions::default()
    };
    let batch = read_batch(&[dir.path().to_path_buf()], &opts, &|| {});
    let kept: Vec<(&str, &str, &str)> = batch
        .dossier_records
        .iter()
        .map(|d| (&*d.unit().unit_id, d.id.as_str(), &*d.source().file))
        .collect();
    let a = dir.path().join("a.csv").display().to_string();
    let b = dir.path().join("b.csv").display().to_string();
    assert_eq!(
        kept,
        [("thpt-a", "K1", a.as_str()), ("thpt-b", "K5", b.as_str())]
    );
    let said: Vec<(Rule, &str, &str, &str)> = batch
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.rule,
                Rule::DossierDuplicate | Rule::DossierConflict | Rule::UnitUnknown
            )
        })
        .map(|f| (f.rule, f.file.as_str(), f.cell.as_str(), f.raw.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            (Rule::DossierConflict, a.as_str(), "A3", "K2"),
            (Rule::UnitUnknown, a.as_str(), "A4", "Trường Lạ"),
            (Rule::DossierDuplicate, b.as_str(), "A2", "K1"),
            (Rule::DossierConflict, b.as_str(), "A3", "K2"),
        ]
    );
    let unknown = batch
        .findings
        .iter()
        .find(|f| f.rule == Rule::UnitUnknown)
        .expect("unknown");
    assert!(unknown.message.contains("2 hồ sơ"), "{}", unknown.message);
    assert_eq!(
        Rule::DossierDuplicate.severity(),
        cchc_domain::finding::Severity::Warning
    );
    assert_eq!(
        Rule::DossierConflict.severity(),
        cchc_domain::finding::Severity::Error
    );
}

/// Two columns that both read as the day received: which one holds it would be a
/// guess, so the table is not read and the header says why.
#[test]
fn an_ambiguous_header_is_said_not_guessed() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("xuat.csv");
    std::fs::write(
        &path,
        "Mã hồ sơ,Ngày tiếp nhận,Ngày nhận,Ngày hẹn trả,Hình thức nộp\n\
         K1,01/03/2022,02/03/2022,05/03/2022,Trực tuyến\n",
    )
    .expect("w");
    let read = read_workbook(&path, "xuat.csv", &ReadContext::default());
    let said: Vec<_> = read
        .findings
        .iter()
        .map(|f| (f.rule, f.cell.as_str()))
        .collect();
    assert_eq!(said, [(Rule::ColumnAmbiguous, "B1")]);
    assert!(read.findings[0].message.contains("B1, C1"));
    assert!(read
        .tables
        .iter()
        .all(|t| t.data.rows_set_aside() == 0
            && matches!(&t.data, TableData::X(x) if x.rows.is_empty())));
}

/// A CSV well past the header window is read in parts on every core and put back in
/// file order: every good row once, in order, each bad one said at its own line.
#[test]
fn a_long_csv_is_read_whole_and_in_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("xuat.csv");
    let mut text = String::from("Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Hình thức nộp\n");
    for i in 1..=5000 {
        // Every 1000th row lacks its day received (rows 1000, 2000, … on lines 1001, …).
        let received = if i % 1000 == 0 { "" } else { "03/01/2022" };
        text.push_str(&format!("K{i:05},{received},10/01/2022,Trực tuyến\n"));
    }
    std::fs::write(&path, text).expect("w");
    let read = read_workbook(&path, "xuat.csv", &ReadContext::default());
    let Some(TableData::X(table)) = read.tables.first().map(|t| &t.data) else {
        panic!("{:?}", read.findings);
    };
    let expected: Vec<String> = (1..=5000)
        .filter(|i| i % 1000 != 0)
        .map(|i| format!("K{i:05}"))
        .collect();
    let ids: Vec<&str> = table.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert_eq!(table.rows[0].cell(), "A2");
    assert_eq!(table.rows[4994].cell(), "A5000"); // K04999 (K05000 lacks its day)
    let cells: Vec<&str> = read
        .findings
        .iter()
        .filter(|f| f.rule == Rule::DossierIncomplete)
        .map(|f| f.cell.as_str())
        .collect();
    assert_eq!(cells, ["A1001", "A2001", "A3001", "A4001", "A5001"]);
}
