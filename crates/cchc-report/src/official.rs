//! The department's own Biểu II.06a (DOMAIN.md §10): Form A pooled over units, a group
//! per level and a row per field, in the official layout — the issuer and the national
//! motto, the place and date line, the form's header with its `(1) … (13)` numbering,
//! totals as live formulas with their values cached, the signature block — printed on A4.
//! Field names from the inputs are written as text, never as formulas.

use cchc_analysis::by_field::{form_columns, FieldTable};
use cchc_analysis::by_procedure::{extent_vi, ProcedureTable};
use cchc_domain::issuer::Issuer;
use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook, Worksheet};

use crate::style::Formats;
use crate::ReportError;

/// The sheet's name.
pub const SHEET_FIELDS: &str = "Biểu II.06a của Sở";
/// The online services consolidated by procedure.
pub const SHEET_PROCEDURES: &str = "Danh mục DVCTT của Sở";

/// Row (0-based) of the form's header, under the heading lines.
const HEADER_ROW: u32 = 8;

/// Form A's three header levels and the `(1) … (13)` numbering row, from `top`, with
/// the columns' widths.
pub(crate) fn form_a_header(ws: &mut Worksheet, top: u32, h: &Format) -> Result<(), ReportError> {
    ws.merge_range(top, 0, top + 2, 0, "TT", h)?;
    ws.merge_range(
        top,
        1,
        top + 2,
        1,
        "Lĩnh vực, công việc giải quyết theo cấp",
        h,
    )?;
    ws.merge_range(top, 2, top, 5, "Số hồ sơ nhận giải quyết", h)?;
    ws.merge_range(top, 6, top, 9, "Số hồ sơ đã giải quyết", h)?;
    ws.merge_range(top, 10, top, 12, "Số hồ sơ đang giải quyết", h)?;
    ws.merge_range(top + 1, 2, top + 2, 2, "Tổng số", h)?;
    ws.merge_range(top + 1, 3, top + 1, 4, "Trong kỳ", h)?;
    ws.write_string_with_format(top + 2, 3, "Trực tuyến", h)?;
    ws.write_string_with_format(top + 2, 4, "Trực tiếp, dịch vụ bưu chính", h)?;
    for (c, label) in [
        (5, "Từ kỳ trước"),
        (6, "Tổng số"),
        (7, "Trước hạn"),
        (8, "Đúng hạn"),
        (9, "Quá hạn"),
        (10, "Tổng số"),
        (11, "Trong hạn"),
        (12, "Quá hạn"),
    ] {
        ws.merge_range(top + 1, c, top + 2, c, label, h)?;
    }
    for c in 0..13u16 {
        ws.write_string_with_format(top + 3, c, format!("({})", c + 1), h)?;
        ws.set_column_width(c, if c == 1 { 42.0 } else { 11.0 })?;
    }
    Ok(())
}

/// Roman numerals of the level groups.
fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V"].get(n).copied().unwrap_or("")
}

/// A1 column letter of columns C–M.
fn letter(c: u16) -> char {
    (b'A' + c as u8) as char
}

/// Writes the sheet: heading, header, the grand total, each level's total and fields,
/// the signature block.
pub(crate) fn field_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_line: &str,
    table: &FieldTable,
    issuer: &Issuer,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_FIELDS)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW + 3)?;
    ws.set_footer("&CTrang &P/&N");
    let line = |bold: bool, italic: bool| {
        let mut l = Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12)
            .set_align(FormatAlign::Center);
        if bold {
            l = l.set_bold();
        }
        if italic {
            l = l.set_italic();
        }
        l
    };
    let (plain, bold, italic) = (line(false, false), line(true, false), line(false, true));
    let left = |ws: &mut Worksheet, r: u32, text: &str, fmt: &Format| {
        ws.merge_range(r, 0, r, 4, text, fmt).map(|_| ())
    };
    let right = |ws: &mut Worksheet, r: u32, text: &str, fmt: &Format| {
        ws.merge_range(r, 6, r, 12, text, fmt).map(|_| ())
    };
    left(ws, 0, &issuer.superior, &plain)?;
    right(ws, 0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &bold)?;
    left(ws, 1, &issuer.name, &bold)?;
    right(ws, 1, "Độc lập - Tự do - Hạnh phúc", &bold)?;
    left(ws, 2, "Biểu số II.06a/VPCP/KSTT", &plain)?;
    right(
        ws,
        2,
        &format!("{}, ngày ... tháng ... năm ...", issuer.place),
        &italic,
    )?;
    ws.merge_range(
        4,
        0,
        4,
        12,
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
        &bold,
    )?;
    ws.merge_range(5, 0, 5, 12, period_line, &plain)?;
    left(ws, 6, &format!("Đơn vị báo cáo: {}", issuer.name), &plain)?;
    right(
        ws,
        6,
        &format!("Đơn vị nhận báo cáo: {}", issuer.recipient),
        &plain,
    )?;
    right(ws, 7, "Đơn vị tính: Số hồ sơ TTHC", &italic)?;
    form_a_header(ws, HEADER_ROW, &f.header)?;

    // The grand total, then each level: its total, then its fields.
    let total_row = HEADER_ROW + 4;
    let mut r = total_row + 1;
    let mut group_rows = Vec::new();
    let mut grand = [0i64; 11];
    let totals = table.level_totals();
    for (g, ((level, rows), (_, sums))) in table.groups.iter().zip(&totals).enumerate() {
        let group_row = r;
        group_rows.push(group_row);
        let (first, last) = (group_row + 2, group_row + rows.len() as u32 + 1);
        ws.write_string_with_format(group_row, 0, roman(g), &f.total_text)?;
        ws.write_string_with_format(group_row, 1, level.label_vi(), &f.total_text)?;
        for (k, c) in (2u16..13).enumerate() {
            let sum = sums[k];
            grand[k] += sum;
            let l = letter(c);
            let formula =
                Formula::new(format!("=SUM({l}{first}:{l}{last})")).set_result(sum.to_string());
            ws.write_formula_with_format(group_row, c, formula, &f.total_int)?;
        }
        for (i, row) in rows.iter().enumerate() {
            let rr = group_row + 1 + i as u32;
            ws.write_number_with_format(rr, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(rr, 1, &row.field, &f.text)?;
            for (k, v) in row.values.iter().enumerate() {
                ws.write_number_with_format(rr, 2 + k as u16, *v as f64, &f.int)?;
            }
        }
        r = group_row + 1 + rows.len() as u32;
    }
    ws.write_string_with_format(total_row, 0, "", &f.total_text)?;
    ws.write_string_with_format(total_row, 1, "Tổng số", &f.total_text)?;
    for (k, c) in (2u16..13).enumerate() {
        let l = letter(c);
        let cells: Vec<String> = group_rows.iter().map(|g| format!("{l}{}", g + 1)).collect();
        let text = if cells.is_empty() {
            "=SUM(0)".to_string()
        } else {
            format!("=SUM({})", cells.join(","))
        };
        ws.write_formula_with_format(
            total_row,
            c,
            Formula::new(text).set_result(grand[k].to_string()),
            &f.total_int,
        )?;
    }

    // The signature block.
    let sign = r + 2;
    left(ws, sign, "NGƯỜI LẬP BIỂU", &bold)?;
    right(ws, sign, &issuer.signer, &bold)?;
    left(ws, sign + 1, "(Ký, ghi rõ họ tên)", &italic)?;
    right(ws, sign + 1, "(Ký, đóng dấu, ghi rõ họ tên)", &italic)?;
    debug_assert_eq!(form_columns().len(), 11);
    Ok(())
}

/// The online public services of every unit consolidated by procedure code: the level
/// most units state, toàn trình / một phần, the national portal, how many units list it,
/// the dossiers and the share received online; totals as formulas.
pub(crate) fn procedure_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_line: &str,
    table: &ProcedureTable,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet();
    crate::style::setup(
        ws,
        SHEET_PROCEDURES,
        "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN CỦA SỞ (TỔNG HỢP THEO THỦ TỤC)",
        period_line,
        f,
    )?;
    ws.set_footer("&CTrang &P/&N");
    crate::style::headers(
        ws,
        &[
            ("STT", 5.0),
            ("Mã TTHC", 12.0),
            ("Tên thủ tục hành chính", 48.0),
            ("Lĩnh vực", 24.0),
            ("Mức độ", 8.0),
            ("Toàn trình / một phần", 13.0),
            ("Tích hợp Cổng DVC quốc gia", 12.0),
            ("Số đơn vị cung cấp", 10.0),
            ("Số hồ sơ", 10.0),
            ("Số hồ sơ trực tuyến", 11.0),
            ("Tỷ lệ trực tuyến", 10.0),
        ],
        f,
    )?;
    let first = crate::style::DATA_ROW;
    for (i, p) in table.rows.iter().enumerate() {
        let r = first + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
        ws.write_string_with_format(r, 1, &p.code, &f.text)?;
        ws.write_string_with_format(r, 2, &p.name, &f.text)?;
        ws.write_string_with_format(r, 3, &p.field, &f.text)?;
        if p.level > 0 {
            ws.write_number_with_format(r, 4, p.level as f64, &f.int)?;
        } else {
            ws.write_blank(r, 4, &f.int)?;
        }
        ws.write_string_with_format(r, 5, extent_vi(p.level), &f.text)?;
        ws.write_string_with_format(r, 6, if p.on_national_portal { "x" } else { "" }, &f.text)?;
        ws.write_number_with_format(r, 7, p.units as f64, &f.int)?;
        ws.write_number_with_format(r, 8, p.dossiers_total as f64, &f.int)?;
        ws.write_number_with_format(r, 9, p.dossiers_online as f64, &f.int)?;
        rate(ws, r, p.dossiers_online, p.dossiers_total, f)?;
    }
    let tr = first + table.rows.len() as u32;
    ws.write_string_with_format(tr, 2, "Tổng cộng", &f.total_text)?;
    let sums = [
        table.rows.iter().map(|p| p.units as i64).sum::<i64>(),
        table.rows.iter().map(|p| p.dossiers_total).sum(),
        table.rows.iter().map(|p| p.dossiers_online).sum(),
    ];
    for (k, c) in (7u16..10).enumerate() {
        if table.rows.is_empty() {
            ws.write_number_with_format(tr, c, 0.0, &f.total_int)?;
            continue;
        }
        let l = letter(c);
        let formula =
            Formula::new(format!("=SUM({l}{}:{l}{tr})", first + 1)).set_result(sums[k].to_string());
        ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
    }
    rate(ws, tr, sums[2], sums[1], f)?;
    Ok(())
}

/// `J / I` of row `r` as a live rate, empty when there are no dossiers.
fn rate(
    ws: &mut Worksheet,
    r: u32,
    online: i64,
    total: i64,
    f: &Formats,
) -> Result<(), ReportError> {
    let n = r + 1;
    let cached = if total > 0 {
        (online as f64 / total as f64).to_string()
    } else {
        String::new()
    };
    let formula = Formula::new(format!("=IF(I{n}<>0,J{n}/I{n},\"\")")).set_result(cached);
    ws.write_formula_with_format(r, 10, formula, &f.pct)?;
    Ok(())
}
