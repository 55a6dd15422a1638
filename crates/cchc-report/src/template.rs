//! `cchc template`: the blank workbook units fill — Forms A–D with the official
//! headers, the unit and period lines filled in, validation on count cells,
//! dropdowns for levels and yes-marks, totals as formulas, instructions in Vietnamese.
//! What this module writes must read back through `cchc-read` with no findings.

use cchc_domain::period::Period;
use cchc_domain::target::{Catalogue, Form};
use cchc_domain::unit::Unit;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatBorder,
    Formula, Workbook, Worksheet,
};

use crate::style::{self, col_letters};
use crate::ReportError;

/// Keyword in the properties of every template, so a template's instructions sheet
/// is not reported as an unrecognised sheet when a filled template is read.
pub use cchc_domain::TEMPLATE_MARKER;

/// The fields pre-filled in Form A's rows: the printed names of the field vocabulary
/// (`cchc-domain/data/fields.toml`), in its order — the rows Biểu II.06a of the
/// department pools by.
pub fn fields() -> Vec<String> {
    cchc_domain::field::FieldVocabulary::embedded()
        .names()
        .to_vec()
}

/// Empty procedure rows in Form B.
pub const FORM_B_ROWS: u32 = 40;
/// Empty rows in Form C.
pub const FORM_C_ROWS: u32 = 15;

/// One procedure to write into Form B (tests fill a template with these).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFill {
    /// `Mã TTHC`.
    pub code: String,
    /// Procedure name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Level 1–4.
    pub level: u8,
    /// Eligible for level 3/4.
    pub eligible: bool,
    /// On the national portal.
    pub portal: bool,
    /// Dossiers received, total and online.
    pub dossiers: [i64; 2],
}

/// Figures to write into a template, as a unit would (for round-trip tests and demos).
#[derive(Debug, Clone, Default)]
pub struct TemplateFill {
    /// Form A: per pre-filled field (by index into [`fields`]), the eight parts:
    /// online, direct, carried over, early, on time, late, pending in time, pending overdue.
    /// The three totals are formulas.
    pub form_a: Vec<(usize, [i64; 8])>,
    /// Form B rows.
    pub form_b: Vec<ServiceFill>,
    /// Form C rows: name, units base, units current, staff base, staff current.
    pub form_c: Vec<(String, [i64; 4])>,
    /// Form D: target id, numerator, denominator.
    pub form_d: Vec<(String, f64, f64)>,
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    input_int: Format,
    input_dec: Format,
    formula: Format,
    total: Format,
}

/// The report's cell, header and title looks (`style.rs`), and the template's own:
/// shaded, unlocked input cells.
fn formats() -> Formats {
    let base = style::cell();
    Formats {
        title: style::title(),
        header: style::header_cell(),
        text: base.clone().set_text_wrap(),
        input_int: base
            .clone()
            .set_num_format("#,##0")
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_unlocked(),
        input_dec: base
            .clone()
            .set_num_format("#,##0.##")
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_unlocked(),
        formula: base.clone().set_num_format("#,##0"),
        total: base.set_bold().set_num_format("#,##0"),
    }
}

fn count_validation() -> Result<DataValidation, ReportError> {
    Ok(DataValidation::new()
        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        .set_error_title("Số liệu không hợp lệ")?
        .set_error_message("Ô này chỉ nhận số nguyên không âm (số hồ sơ, số đơn vị, số người).")?)
}

fn decimal_validation() -> Result<DataValidation, ReportError> {
    Ok(DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_title("Số liệu không hợp lệ")?
        .set_error_message("Ô này chỉ nhận số không âm.")?)
}

fn heading(ws: &mut Worksheet, f: &Formats, lines: &[String]) -> Result<(), ReportError> {
    for (r, l) in lines.iter().enumerate() {
        if r == 1 {
            ws.write_string_with_format(r as u32, 0, l, &f.title)?;
        } else {
            ws.write_string(r as u32, 0, l)?;
        }
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn signature(ws: &mut Worksheet, row: u32) -> Result<(), ReportError> {
    ws.write_string(row, 8, "……, ngày … tháng … năm …")?;
    ws.write_string(row + 1, 1, "Người lập biểu")?;
    ws.write_string(row + 1, 8, "Thủ trưởng đơn vị")?;
    Ok(())
}

/// Builds a template (empty when `fill` is `None`) and returns its bytes.
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value.
pub fn build_template_filled(
    unit: Option<&Unit>,
    period: Option<Period>,
    fill: Option<&TemplateFill>,
) -> Result<Vec<u8>, ReportError> {
    let f = formats();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2022, 1, 4)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Mẫu báo cáo cải cách hành chính")
            .set_keywords(TEMPLATE_MARKER)
            .set_creation_datetime(&created),
    );
    let empty = TemplateFill::default();
    let fill = fill.unwrap_or(&empty);
    let unit_line = format!(
        "Đơn vị báo cáo: {}",
        unit.map_or("………………………………", |u| u.name.as_str())
    );
    let period_line = format!(
        "Kỳ báo cáo: {}",
        period.map_or_else(|| "Quý … năm …".to_string(), |p| p.label_vi())
    );
    let year = period.map_or(2022, |p| p.year);

    instructions(wb.add_worksheet(), &f, year)?;
    form_a(wb.add_worksheet(), &f, &unit_line, &period_line, fill)?;
    form_b(wb.add_worksheet(), &f, &unit_line, &period_line, fill)?;
    form_c(wb.add_worksheet(), &f, &unit_line, &period_line, year, fill)?;
    form_d(wb.add_worksheet(), &f, &unit_line, &period_line, fill)?;
    Ok(wb.save_to_buffer()?)
}

/// The blank template.
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value.
pub fn build_template(unit: Option<&Unit>, period: Option<Period>) -> Result<Vec<u8>, ReportError> {
    build_template_filled(unit, period, None)
}

fn instructions(ws: &mut Worksheet, f: &Formats, year: u16) -> Result<(), ReportError> {
    ws.set_name("Hướng dẫn")?;
    ws.set_column_width(0, 110)?;
    let lines = [
        "HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO CẢI CÁCH HÀNH CHÍNH".to_string(),
        String::new(),
        "1. Ghi đúng tên đơn vị ở dòng \"Đơn vị báo cáo\" và kỳ báo cáo ở dòng \"Kỳ báo cáo\" của mỗi biểu (ví dụ: Quý I năm 2022).".into(),
        "2. Chỉ nhập số vào các ô nền vàng. Các ô tổng cộng là công thức, không ghi đè.".into(),
        "3. Số hồ sơ, số đơn vị, số người là số nguyên không âm; để trống nếu bằng 0. Không nhập chữ, dấu cách hay ký hiệu vào ô số.".into(),
        "4. Biểu A: số hồ sơ nhận giải quyết (3) = (4) + (5) + (6); đã giải quyết (7) = (8) + (9) + (10); đang giải quyết (11) = (12) + (13); và (3) = (7) + (11).".into(),
        "5. Biểu B: mỗi thủ tục hành chính một dòng; chọn mức độ 1–4 trong danh sách; đánh dấu \"x\" ở cột đủ điều kiện và cột tích hợp Cổng DVC quốc gia.".into(),
        format!("6. Biểu C: số liệu năm {} là năm gốc để so sánh, năm {} là năm báo cáo.", year - 1, year),
        "7. Biểu D: ghi số thực hiện (tử số) và tổng số (mẫu số); tỷ lệ được tính tự động. Không xóa cột \"Mã chỉ tiêu\".".into(),
        "8. Không đổi tên cột, không chèn cột vào giữa bảng; có thể thêm dòng trong bảng.".into(),
        "9. Trước khi gửi, đơn vị có thể tự kiểm tra bằng lệnh: cchc check <tệp báo cáo>.".into(),
    ];
    for (r, l) in lines.iter().enumerate() {
        if r == 0 {
            ws.write_string_with_format(r as u32, 0, l, &f.title)?;
        } else {
            ws.write_string_with_format(r as u32, 0, l, &Format::new().set_text_wrap())?;
        }
    }
    Ok(())
}

fn form_a(
    ws: &mut Worksheet,
    f: &Formats,
    unit_line: &str,
    period_line: &str,
    fill: &TemplateFill,
) -> Result<(), ReportError> {
    ws.set_name("Biểu A")?;
    heading(
        ws,
        f,
        &[
            "Biểu số II.06a/VPCP/KSTT".into(),
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
                .into(),
            period_line.into(),
            unit_line.into(),
            "Đơn vị tính: Số hồ sơ TTHC".into(),
        ],
    )?;
    let top = 6;
    crate::official::form_a_header(ws, top, &f.header)?;
    let first = top + 4;
    let fields = fields();
    let n = fields.len() as u32;
    let mut totals = [0i64; 11];
    for (i, field) in fields.iter().enumerate() {
        let r = first + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.formula)?;
        ws.write_string_with_format(r, 1, field, &f.text)?;
        let parts = fill.form_a.iter().find(|(k, _)| *k == i).map(|(_, p)| *p);
        // The eight input columns: D E F (received parts), H I J (resolved parts), L M (pending parts).
        let inputs = [3u16, 4, 5, 7, 8, 9, 11, 12];
        for (k, c) in inputs.iter().enumerate() {
            match parts {
                Some(p) if p[k] != 0 => {
                    ws.write_number_with_format(r, *c, p[k] as f64, &f.input_int)?
                }
                _ => ws.write_blank(r, *c, &f.input_int)?,
            };
        }
        let p = parts.unwrap_or([0; 8]);
        let values = [
            p[0] + p[1] + p[2],
            p[0],
            p[1],
            p[2],
            p[3] + p[4] + p[5],
            p[3],
            p[4],
            p[5],
            p[6] + p[7],
            p[6],
            p[7],
        ];
        for (c, cached, cols) in [
            (2u16, values[0], "D{r}+E{r}+F{r}"),
            (6, values[4], "H{r}+I{r}+J{r}"),
            (10, values[8], "L{r}+M{r}"),
        ] {
            let formula = format!("={}", cols.replace("{r}", &(r + 1).to_string()));
            ws.write_formula_with_format(
                r,
                c,
                Formula::new(formula).set_result(cached.to_string()),
                &f.formula,
            )?;
        }
        for (t, v) in totals.iter_mut().zip(values) {
            *t += v;
        }
    }
    ws.add_data_validation(first, 3, first + n - 1, 5, &count_validation()?)?;
    ws.add_data_validation(first, 7, first + n - 1, 9, &count_validation()?)?;
    ws.add_data_validation(first, 11, first + n - 1, 12, &count_validation()?)?;
    let tr = first + n;
    ws.write_string_with_format(tr, 1, "Tổng số", &f.total)?;
    // Columns (3)–(13) of the printed 2020 form, in its order.
    for (k, total) in totals.iter().enumerate() {
        let c = (k + 2) as u16;
        let l = col_letters(c);
        let formula =
            Formula::new(format!("=SUM({l}{}:{l}{})", first + 1, tr)).set_result(total.to_string());
        ws.write_formula_with_format(tr, c, formula, &f.total)?;
    }
    ws.set_freeze_panes(first, 2)?;
    signature(ws, tr + 2)
}

fn form_b(
    ws: &mut Worksheet,
    f: &Formats,
    unit_line: &str,
    period_line: &str,
    fill: &TemplateFill,
) -> Result<(), ReportError> {
    ws.set_name("Biểu B")?;
    heading(
        ws,
        f,
        &[
            "Biểu B".into(),
            "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN".into(),
            period_line.into(),
            unit_line.into(),
        ],
    )?;
    let top = 5;
    let h = &f.header;
    let heads = [
        ("STT", 5.0),
        ("Mã TTHC", 12.0),
        ("Tên thủ tục hành chính", 45.0),
        ("Lĩnh vực", 22.0),
        ("Mức độ DVC trực tuyến", 11.0),
        ("Đủ điều kiện cung cấp mức độ 3, 4", 12.0),
        ("Tích hợp trên Cổng DVC quốc gia", 12.0),
    ];
    for (c, (label, width)) in heads.iter().enumerate() {
        ws.merge_range(top, c as u16, top + 1, c as u16, label, h)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.merge_range(top, 7, top, 8, "Số hồ sơ tiếp nhận", h)?;
    ws.write_string_with_format(top + 1, 7, "Tổng số", h)?;
    ws.write_string_with_format(top + 1, 8, "Trực tuyến", h)?;
    let first = top + 2;
    for i in 0..FORM_B_ROWS {
        let r = first + i;
        let row = fill.form_b.get(i as usize);
        for c in 0..9u16 {
            let fmt = if c >= 4 { &f.input_int } else { &f.text };
            ws.write_blank(r, c, fmt)?;
        }
        if let Some(s) = row {
            ws.write_number_with_format(r, 0, f64::from(i + 1), &f.formula)?;
            ws.write_string_with_format(r, 1, &s.code, &f.text)?;
            ws.write_string_with_format(r, 2, &s.name, &f.text)?;
            ws.write_string_with_format(r, 3, &s.field, &f.text)?;
            ws.write_number_with_format(r, 4, f64::from(s.level), &f.input_int)?;
            if s.eligible {
                ws.write_string_with_format(r, 5, "x", &f.input_int)?;
            }
            if s.portal {
                ws.write_string_with_format(r, 6, "x", &f.input_int)?;
            }
            ws.write_number_with_format(r, 7, s.dossiers[0] as f64, &f.input_int)?;
            ws.write_number_with_format(r, 8, s.dossiers[1] as f64, &f.input_int)?;
        }
    }
    let last = first + FORM_B_ROWS - 1;
    let levels = DataValidation::new()
        .allow_list_strings(&["1", "2", "3", "4"])?
        .set_error_title("Mức độ không hợp lệ")?
        .set_error_message("Chọn mức độ 1, 2, 3 hoặc 4.")?;
    ws.add_data_validation(first, 4, last, 4, &levels)?;
    let marks = DataValidation::new()
        .allow_list_strings(&["x"])?
        .set_error_message("Đánh dấu \"x\" hoặc để trống.")?;
    ws.add_data_validation(first, 5, last, 6, &marks)?;
    ws.add_data_validation(first, 7, last, 8, &count_validation()?)?;
    ws.set_freeze_panes(first, 3)?;
    Ok(())
}

fn form_c(
    ws: &mut Worksheet,
    f: &Formats,
    unit_line: &str,
    period_line: &str,
    year: u16,
    fill: &TemplateFill,
) -> Result<(), ReportError> {
    ws.set_name("Biểu C")?;
    heading(
        ws,
        f,
        &[
            "Biểu C".into(),
            "BIÊN CHẾ VÀ ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP".into(),
            period_line.into(),
            unit_line.into(),
        ],
    )?;
    let top = 5;
    let h = &f.header;
    ws.merge_range(top, 0, top + 1, 0, "STT", h)?;
    ws.merge_range(top, 1, top + 1, 1, "Tên đơn vị", h)?;
    ws.merge_range(top, 2, top, 3, "Số đơn vị sự nghiệp công lập", h)?;
    ws.merge_range(
        top,
        4,
        top,
        5,
        "Biên chế sự nghiệp hưởng lương từ NSNN được giao",
        h,
    )?;
    ws.merge_range(top, 6, top + 1, 6, "Số người làm việc có mặt", h)?;
    for c in [2u16, 4] {
        ws.write_string_with_format(top + 1, c, format!("Năm {}", year - 1), h)?;
        ws.write_string_with_format(top + 1, c + 1, format!("Năm {year}"), h)?;
    }
    ws.set_column_width(1, 40)?;
    for c in 2..7u16 {
        ws.set_column_width(c, 13)?;
    }
    let first = top + 2;
    let mut totals = [0i64; 4];
    for i in 0..FORM_C_ROWS {
        let r = first + i;
        ws.write_blank(r, 0, &f.text)?;
        ws.write_blank(r, 1, &f.text)?;
        for c in 2..7u16 {
            ws.write_blank(r, c, &f.input_int)?;
        }
        if let Some((name, v)) = fill.form_c.get(i as usize) {
            ws.write_number_with_format(r, 0, f64::from(i + 1), &f.formula)?;
            ws.write_string_with_format(r, 1, name, &f.text)?;
            for (k, x) in v.iter().enumerate() {
                ws.write_number_with_format(r, 2 + k as u16, *x as f64, &f.input_int)?;
                totals[k] += x;
            }
        }
    }
    let last = first + FORM_C_ROWS - 1;
    ws.add_data_validation(first, 2, last, 6, &count_validation()?)?;
    let tr = last + 1;
    ws.write_string_with_format(tr, 1, "Tổng cộng", &f.total)?;
    for k in 0..4u16 {
        let l = col_letters(2 + k);
        let formula = Formula::new(format!("=SUM({l}{}:{l}{})", first + 1, last + 1))
            .set_result(totals[usize::from(k)].to_string());
        ws.write_formula_with_format(tr, 2 + k, formula, &f.total)?;
    }
    Ok(())
}

fn form_d(
    ws: &mut Worksheet,
    f: &Formats,
    unit_line: &str,
    period_line: &str,
    fill: &TemplateFill,
) -> Result<(), ReportError> {
    ws.set_name("Biểu D")?;
    // An empty ratio must read back as empty text, not as 0%.
    ws.set_formula_result_default("");
    heading(
        ws,
        f,
        &[
            "Biểu D".into(),
            "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH KHÁC".into(),
            period_line.into(),
            unit_line.into(),
        ],
    )?;
    let top = 5;
    let heads = [
        ("STT", 5.0),
        ("Mã chỉ tiêu", 24.0),
        ("Chỉ tiêu", 50.0),
        ("Đơn vị tính", 10.0),
        ("Số thực hiện (tử số)", 12.0),
        ("Tổng số (mẫu số)", 12.0),
        ("Tỷ lệ (%)", 10.0),
        ("Ghi chú", 20.0),
    ];
    for (c, (label, width)) in heads.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *label, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let pct = Format::new()
        .set_font_name("Times New Roman")
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let catalogue = Catalogue::default_2022();
    let targets: Vec<_> = catalogue
        .targets
        .iter()
        .filter(|t| t.form == Form::D)
        .collect();
    let first = top + 1;
    for (i, t) in targets.iter().enumerate() {
        let r = first + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.formula)?;
        ws.write_string_with_format(r, 1, &t.id, &f.text)?;
        ws.write_string_with_format(r, 2, &t.wording, &f.text)?;
        ws.write_string_with_format(r, 3, "%", &f.text)?;
        let values = fill
            .form_d
            .iter()
            .find(|(id, _, _)| *id == t.id)
            .map(|(_, n, d)| (*n, *d));
        match values {
            Some((n, d)) => {
                ws.write_number_with_format(r, 4, n, &f.input_dec)?;
                ws.write_number_with_format(r, 5, d, &f.input_dec)?;
            }
            None => {
                ws.write_blank(r, 4, &f.input_dec)?;
                ws.write_blank(r, 5, &f.input_dec)?;
            }
        }
        let cached = values
            .filter(|(_, d)| *d > 0.0)
            .map(|(n, d)| (n / d).to_string())
            .unwrap_or_default();
        let formula =
            Formula::new(format!("=IF(N(F{0})>0,E{0}/F{0},\"\")", r + 1)).set_result(cached);
        ws.write_formula_with_format(r, 6, formula, &pct)?;
        ws.write_blank(r, 7, &f.text)?;
    }
    let last = first + targets.len() as u32 - 1;
    ws.add_data_validation(first, 4, last, 5, &decimal_validation()?)?;
    Ok(())
}
