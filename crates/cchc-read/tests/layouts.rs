//! One small workbook per odd layout, written here with rust_xlsxwriter, read back
//! through `read_workbook`; expected figures are typed by hand.

use cchc_domain::finding::Rule;
use cchc_read::form_a::FormATable;
use cchc_read::workbook::{read_workbook, FileRead, ReadContext, TableData};
use rust_xlsxwriter::{Format, Workbook};

#[derive(Clone)]
enum C {
    S(&'static str),
    N(f64),
    Blank,
}
use C::{Blank, N, S};

/// Writes rows starting at A1; `merges` as (first_row, first_col, last_row, last_col).
fn workbook(rows: &[Vec<C>], merges: &[(u32, u16, u32, u16)]) -> (tempfile::TempDir, FileRead) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("case.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Biểu").expect("name");
    let mut merged_cells = Vec::new();
    for &(r1, c1, r2, c2) in merges {
        let text = match &rows[r1 as usize][c1 as usize] {
            S(s) => *s,
            _ => "",
        };
        ws.merge_range(r1, c1, r2, c2, text, &Format::new())
            .expect("merge");
        for r in r1..=r2 {
            for c in c1..=c2 {
                merged_cells.push((r, c));
            }
        }
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if merged_cells.contains(&(r, c)) {
                continue;
            }
            match cell {
                S(s) => {
                    ws.write_string(r, c, *s).expect("write");
                }
                N(n) => {
                    ws.write_number(r, c, *n).expect("write");
                }
                Blank => {}
            }
        }
    }
    wb.save(&path).expect("save");
    let read = read_workbook(&path, "case.xlsx", &ReadContext::default());
    (dir, read)
}

fn nums(v: [i64; 11]) -> Vec<C> {
    v.iter().map(|x| N(*x as f64)).collect()
}

fn row(prefix: Vec<C>, v: [i64; 11]) -> Vec<C> {
    let mut r = prefix;
    r.extend(nums(v));
    r
}

/// A row of values that satisfies every identity: received 10 = 4 + 5 + 1,
/// resolved 8 = 6 + 1 + 1, pending 2 = 2 + 0, 10 = 8 + 2.
const R1: [i64; 11] = [10, 4, 5, 1, 8, 6, 1, 1, 2, 2, 0];
/// received 7 = 2 + 5 + 0, resolved 7 = 7 + 0 + 0, pending 0.
const R2: [i64; 11] = [7, 2, 5, 0, 7, 7, 0, 0, 0, 0, 0];

fn flat_header() -> Vec<C> {
    vec![
        S("STT"),
        S("Lĩnh vực"),
        S("Nhận GQ - Tổng số"),
        S("Nhận GQ - Trực tuyến"),
        S("Nhận GQ - Trực tiếp"),
        S("Nhận GQ - Từ kỳ trước"),
        S("Đã GQ - Tổng số"),
        S("Đã GQ - Trước hạn"),
        S("Đã GQ - Đúng hạn"),
        S("Đã GQ - Quá hạn"),
        S("Đang GQ - Tổng số"),
        S("Đang GQ - Trong hạn"),
        S("Đang GQ - Quá hạn"),
    ]
}

fn form_a(read: &FileRead) -> Vec<&FormATable> {
    read.tables
        .iter()
        .filter_map(|t| match &t.data {
            TableData::A(a) => Some(a),
            _ => None,
        })
        .collect()
}

fn values(read: &FileRead) -> Vec<Vec<i64>> {
    form_a(read)
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(|r| {
                cchc_domain::measure::Measure::all()
                    .filter(|m| m.required())
                    .map(|m| r.values[m.index()])
                    .collect()
            })
        })
        .collect()
}

fn rules(read: &FileRead) -> Vec<Rule> {
    read.findings.iter().map(|f| f.rule).collect()
}

#[test]
fn three_level_merged_header_with_numbering_row() {
    let mut top = vec![
        S("TT"),
        S("Lĩnh vực, công việc giải quyết theo cấp"),
        S("Số hồ sơ nhận giải quyết"),
    ];
    top.extend(vec![Blank; 3]);
    top.push(S("Số hồ sơ đã giải quyết"));
    top.extend(vec![Blank; 3]);
    top.push(S("Số hồ sơ đang giải quyết"));
    top.extend(vec![Blank; 2]);
    let mid = vec![
        Blank,
        Blank,
        S("Tổng số"),
        S("Trong kỳ"),
        Blank,
        S("Từ kỳ trước"),
        S("Tổng số"),
        S("Trước hạn"),
        S("Đúng hạn"),
        S("Quá hạn"),
        S("Tổng số"),
        S("Trong hạn"),
        S("Quá hạn"),
    ];
    let mut low = vec![Blank; 13];
    low[3] = S("Trực tuyến");
    low[4] = S("Trực tiếp, dịch vụ bưu chính");
    let numbering: Vec<C> = (1..=13).map(|i| N(f64::from(i))).collect();
    let rows = vec![
        vec![S("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC")],
        vec![S("Đơn vị tính: Số hồ sơ TTHC")],
        vec![S("Đơn vị nhận báo cáo: Văn phòng Sở")],
        vec![S("Đơn vị báo cáo: Trường THPT Văn Lâm")],
        top,
        mid,
        low,
        numbering,
        row(vec![N(1.0), S("Giáo dục trung học")], R1),
        row(vec![N(2.0), S("Quy chế thi")], R2),
        // 17 = 10 + 7, 6 = 4 + 2, … the total row, correct, not counted again.
        row(
            vec![Blank, S("Tổng số")],
            [17, 6, 10, 1, 15, 13, 1, 1, 2, 2, 0],
        ),
    ];
    let merges = [
        (4, 0, 6, 0),
        (4, 1, 6, 1),
        (4, 2, 4, 5),
        (4, 6, 4, 9),
        (4, 10, 4, 12),
        (5, 2, 6, 2),
        (5, 3, 5, 4),
        (5, 5, 6, 5),
    ];
    let (_d, read) = workbook(&rows, &merges);
    assert_eq!(values(&read), vec![R1.to_vec(), R2.to_vec()]);
    assert!(rules(&read).is_empty(), "{:?}", read.findings);
    let meta = &read.tables[0].meta;
    assert_eq!(
        meta.unit.as_ref().map(|u| u.value.as_str()),
        Some("Trường THPT Văn Lâm")
    );
    assert_eq!(meta.unit.as_ref().map(|u| u.cell.as_str()), Some("A4"));
}

#[test]
fn header_deep_down_and_columns_reversed() {
    let mut rows: Vec<Vec<C>> = (0..24)
        .map(|i| {
            if i % 5 == 0 {
                vec![S("Ghi chú đầu trang")]
            } else {
                vec![]
            }
        })
        .collect();
    let mut h = flat_header();
    h[2..].reverse();
    rows.push(h);
    let mut v = R1;
    v.reverse();
    rows.push(row(vec![N(1.0), S("Văn bằng")], v));
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec()]);
    assert_eq!(form_a(&read)[0].header.top, 24);
}

#[test]
fn blank_row_inside_two_blank_rows_end() {
    let rows = vec![
        flat_header(),
        row(vec![N(1.0), S("a")], R1),
        vec![],
        row(vec![N(2.0), S("b")], R2),
        vec![],
        vec![],
        row(vec![N(3.0), S("after the table")], R1),
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec(), R2.to_vec()]);
}

#[test]
fn signature_block_ends_the_table() {
    let rows = vec![
        flat_header(),
        row(vec![N(1.0), S("a")], R1),
        vec![Blank, S("Hưng Yên, ngày 10 tháng 3 năm 2022")],
        row(vec![N(2.0), S("not data")], R2),
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec()]);
    let rows = vec![
        flat_header(),
        row(vec![N(1.0), S("a")], R1),
        vec![Blank, S("NGƯỜI LẬP BIỂU")],
        row(vec![N(2.0), S("x")], R2),
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec()]);
}

#[test]
fn group_and_subtotal_rows_are_not_counted() {
    let rows = vec![
        flat_header(),
        row(vec![S("I"), S("Cấp tỉnh")], R1),
        row(vec![N(1.0), S("a")], R1),
        row(vec![S("II"), S("Cấp huyện")], R2),
        row(vec![N(1.0), S("b")], R2),
        vec![S("A"), S("Nhóm không có số")],
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec(), R2.to_vec()]);
}

#[test]
fn text_numbers_dashes_and_empty_rows() {
    let mut r = vec![N(1.0), S("a")];
    // 1.234 = 1.000 + 234 + 0; resolved 1.234 = 1.234 + 0 + 0; nothing pending.
    r.extend([
        S("1.234"),
        S("1.000"),
        S("234"),
        S("-"),
        S("1.234"),
        S("1.234"),
        S("-"),
        S("0"),
        Blank,
        Blank,
        S("–"),
    ]);
    let mut empty = vec![N(2.0), S("no counts")];
    empty.extend(vec![Blank; 11]);
    let rows = vec![flat_header(), r, empty];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(
        values(&read),
        vec![vec![1234, 1000, 234, 0, 1234, 1234, 0, 0, 0, 0, 0]]
    );
    assert!(read.findings.is_empty(), "{:?}", read.findings);
}

#[test]
fn wrong_total_and_broken_identity() {
    let mut bad = R2;
    bad[10] = 3; // pending overdue 3: pending 0 ≠ 0 + 3
    let rows = vec![
        flat_header(),
        row(vec![N(1.0), S("a")], R1),
        row(vec![N(2.0), S("b")], bad),
        // received total should be 17; 18 written.
        row(
            vec![Blank, S("Tổng cộng")],
            [18, 6, 10, 1, 15, 13, 1, 1, 2, 2, 3],
        ),
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(
        values(&read),
        vec![R1.to_vec(), bad.to_vec()],
        "identity breaks are flagged, not dropped"
    );
    let ids: Vec<&str> = rules(&read).iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["identity.pending", "total_row.mismatch"]);
    let total = read
        .findings
        .iter()
        .find(|f| f.rule == Rule::TotalRowMismatch)
        .expect("total finding");
    assert_eq!((total.cell.as_str(), total.raw.as_str()), ("C4", "18"));
}

#[test]
fn not_a_form() {
    let rows = vec![
        vec![S("Danh sách cán bộ")],
        vec![S("Họ tên"), S("Chức vụ")],
        vec![S("Nguyễn Văn A"), S("Hiệu trưởng")],
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert!(read.tables.is_empty());
    assert_eq!(rules(&read), vec![Rule::SheetUnrecognized]);
}

/// A budget estimate (`Nội dung`, `Mã số`, `Tổng số` and its sources, the column
/// numbering `A B C 1=2+3 2 3`) is no Form D: it has no numerator or ratio column, so
/// the sheet is not a form — not 5 unknown indicators read from its rows.
#[test]
fn a_budget_table_is_not_form_d() {
    let rows = vec![
        vec![S("DỰ TOÁN THU, CHI NGÂN SÁCH NHÀ NƯỚC NĂM 2026")],
        vec![
            S("STT"),
            S("Nội dung"),
            S("Mã số"),
            S("Tổng số"),
            S("Ngân sách nhà nước"),
            S("Nguồn thu sự nghiệp"),
            S("Ghi chú"),
        ],
        vec![S("A"), S("B"), S("C"), S("1=2+3"), N(2.0), N(3.0)],
        vec![
            N(1.0),
            S("Chi thường xuyên"),
            S("01"),
            N(100.0),
            N(60.0),
            N(40.0),
        ],
        vec![N(2.0), S("Chi đầu tư"), S("02"), N(50.0), N(50.0), N(0.0)],
        vec![
            N(3.0),
            S("Chi sự nghiệp giáo dục"),
            S("03"),
            N(30.0),
            N(20.0),
            N(10.0),
        ],
        vec![N(4.0), S("Chi khác"), S("04"), N(5.0), N(5.0), N(0.0)],
        vec![N(5.0), S("Dự phòng"), S("05"), N(2.0), N(2.0), N(0.0)],
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert!(read.tables.is_empty());
    assert_eq!(rules(&read), vec![Rule::SheetUnrecognized]);
}

#[test]
fn four_level_2017_header_unmerged() {
    // Số hồ sơ nhận giải quyết › Trong đó › Số mới tiếp nhận › Trực tuyến, parents over
    // their first child only (no merges at all).
    let mut l0 = vec![
        S("STT"),
        S("Lĩnh vực giải quyết"),
        S("Số hồ sơ nhận giải quyết"),
        Blank,
        Blank,
        Blank,
        S("Kết quả giải quyết"),
    ];
    l0.extend(vec![Blank; 6]);
    let l1 = vec![
        Blank,
        Blank,
        S("Tổng số"),
        S("Trong đó"),
        Blank,
        Blank,
        S("Số hồ sơ đã giải quyết"),
        Blank,
        Blank,
        Blank,
        S("Số hồ sơ đang giải quyết"),
        Blank,
        Blank,
    ];
    let l2 = vec![
        Blank,
        Blank,
        Blank,
        S("Số mới tiếp nhận"),
        Blank,
        S("Số kỳ trước chuyển qua"),
        S("Tổng số"),
        S("Trả trước hạn"),
        S("Trả đúng thời hạn"),
        S("Trả quá hạn"),
        S("Tổng số"),
        S("Chưa đến hạn"),
        S("Quá hạn"),
    ];
    let mut l3 = vec![Blank; 13];
    l3[3] = S("Trực tuyến");
    l3[4] = S("Trực tiếp hoặc dịch vụ bưu chính");
    let rows = vec![l0, l1, l2, l3, row(vec![N(1.0), S("a")], R1)];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec()]);
}

#[test]
fn total_first_subtotals_and_a_field_named_cong_chung() {
    let rows = vec![
        flat_header(),
        // Total of everything written first: R1 + R2 + R1 = 27, 10, 15, 2, 23, 19, 2, 2, 4, 4, 0.
        row(
            vec![Blank, S("Tổng số")],
            [27, 10, 15, 2, 23, 19, 2, 2, 4, 4, 0],
        ),
        vec![S("I"), S("Cấp tỉnh")],
        row(vec![N(1.0), S("Công chứng")], R1),
        row(vec![N(2.0), S("Giáo dục")], R2),
        // Subtotal of group I: R1 + R2.
        row(
            vec![Blank, S("Cộng cấp tỉnh")],
            [17, 6, 10, 1, 15, 13, 1, 1, 2, 2, 0],
        ),
        vec![S("II"), S("Cấp huyện")],
        row(vec![N(1.0), S("Văn bằng")], R1),
        row(vec![Blank, S("Cộng cấp huyện")], R1),
    ];
    let (_d, read) = workbook(&rows, &[]);
    assert_eq!(values(&read), vec![R1.to_vec(), R2.to_vec(), R1.to_vec()]);
    assert!(read.findings.is_empty(), "{:?}", read.findings);
}

#[test]
fn two_columns_for_one_measure_are_not_guessed_between() {
    // "Trực tuyến" twice under the received group (a copy-paste slip): which one holds
    // the figure cannot be told, so the table is set aside with column.ambiguous.
    let mut header = flat_header();
    header.push(S("Nhận GQ - Trực tuyến"));
    let mut data = row(vec![N(1.0), S("Giáo dục trung học")], R1);
    data.push(N(3.0));
    let (_d, read) = workbook(&[header, data], &[]);
    let ids: Vec<&str> = rules(&read).iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["column.ambiguous"]);
    let f = &read.findings[0];
    assert_eq!(f.cell, "D1");
    assert!(f.message.contains("cột D, N"), "{}", f.message);
    assert!(values(&read).is_empty());
}

#[test]
fn optional_columns_are_read_and_checked() {
    // The 2020 wording with two "Trong đó" breakdowns after column (13): toàn trình and
    // một phần; online 4 = 3 + 1 holds on the first row, 2 ≠ 1 + 0 breaks on the second.
    let mut header = flat_header();
    header.extend([
        S("Trong đó - Trực tuyến toàn trình"),
        S("Trong đó - Trực tuyến một phần"),
    ]);
    let mut first = row(vec![N(1.0), S("Giáo dục trung học")], R1);
    first.extend([N(3.0), N(1.0)]);
    let mut second = row(vec![N(2.0), S("Giáo dục mầm non")], R2);
    second.extend([N(1.0), N(0.0)]);
    let (_d, read) = workbook(&[header, first, second], &[]);
    let ids: Vec<&str> = rules(&read).iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["identity.online"]);
    assert_eq!(read.findings[0].cell, "A3");
    let table = form_a(&read)[0];
    let full = cchc_domain::measure::Measure::named("received_online_full").expect("measure");
    let apology =
        cchc_domain::measure::Measure::named("resolved_late_apologised").expect("measure");
    assert_eq!(
        table.rows.iter().map(|r| r.get(full)).collect::<Vec<_>>(),
        [Some(3), Some(1)]
    );
    assert_eq!(table.rows[0].get(apology), None, "a column the table lacks");
}
