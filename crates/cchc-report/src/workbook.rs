//! The consolidated workbook (DOMAIN §6), labels in Vietnamese, A4 landscape.
//!
//! Sheets: summary of targets, unit × target matrix, Form A by unit and by district
//! (totals and district figures as live formulas with cached values), missing
//! submissions, findings, files read. Text from inputs is always written as text.

use std::collections::BTreeMap;

use cchc_analysis::attainment::{unit_sums, Attainment, Scope, Status};
use cchc_domain::measure::Measure;
use cchc_domain::target::Catalogue;
use cchc_read::Batch;
use cchc_analysis::frames::Frames;
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet};

use crate::ReportError;

/// What the workbook is made from.
pub struct ReportInput<'a> {
    /// The batch read (files, findings, registry, period).
    pub batch: &'a Batch,
    /// The normalised frames (possibly edited): the figures come from them.
    pub frames: &'a Frames,
    /// Attainment rows for all scopes.
    pub attainment: &'a [Attainment],
    /// The target catalogue.
    pub catalogue: &'a Catalogue,
    /// Province name (scope id of the province rows).
    pub province: &'a str,
}

/// Sheet names.
pub const SHEET_SUMMARY: &str = "Tổng hợp chỉ tiêu";
/// Unit × target matrix.
pub const SHEET_MATRIX: &str = "Ma trận đơn vị";
/// Form A by unit.
pub const SHEET_FORM_A_UNITS: &str = "Biểu A theo đơn vị";
/// Form A by district.
pub const SHEET_FORM_A_DISTRICTS: &str = "Biểu A theo huyện";
/// Missing submissions.
pub const SHEET_MISSING: &str = "Chưa nộp báo cáo";
/// Findings.
pub const SHEET_FINDINGS: &str = "Phát hiện";
/// Files read.
pub const SHEET_FILES: &str = "Tệp đã đọc";

/// First data row (0-based) of the tables under the two title lines and header.
const DATA_ROW: u32 = 4;

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    int: Format,
    dec: Format,
    total_text: Format,
    total_int: Format,
    status: BTreeMap<Status, Format>,
    status_pct: BTreeMap<Status, Format>,
}

fn formats() -> Formats {
    let base = Format::new().set_font_name("Times New Roman").set_font_size(11).set_border(FormatBorder::Thin);
    let header = base.clone().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter).set_background_color(Color::RGB(0xDDEBF7));
    let colour = |s: Status| match s {
        Status::Met => 0xC6EFCE,
        Status::NotMet => 0xFFC7CE,
        Status::NoData => 0xEDEDED,
        Status::NotApplicable => 0xFFEB9C,
    };
    let statuses = [Status::Met, Status::NotMet, Status::NoData, Status::NotApplicable];
    Formats {
        title: Format::new().set_font_name("Times New Roman").set_font_size(13).set_bold(),
        header,
        text: base.clone().set_text_wrap().set_align(FormatAlign::VerticalCenter),
        int: base.clone().set_num_format("#,##0"),
        dec: base.clone().set_num_format("#,##0.00"),
        total_text: base.clone().set_bold(),
        total_int: base.clone().set_bold().set_num_format("#,##0"),
        status: statuses.iter().map(|s| (*s, base.clone().set_background_color(Color::RGB(colour(*s))))).collect(),
        status_pct: statuses
            .iter()
            .map(|s| (*s, base.clone().set_num_format("0.0%").set_background_color(Color::RGB(colour(*s)))))
            .collect(),
    }
}

fn setup(ws: &mut Worksheet, name: &str, title: &str, subtitle: &str, f: &Formats) -> Result<(), ReportError> {
    ws.set_name(name)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(DATA_ROW - 1, DATA_ROW - 1)?;
    ws.set_freeze_panes(DATA_ROW, 0)?;
    ws.write_string_with_format(0, 0, title, &f.title)?;
    ws.write_string(1, 0, subtitle)?;
    Ok(())
}

fn headers(ws: &mut Worksheet, cols: &[(&str, f64)], f: &Formats) -> Result<(), ReportError> {
    for (i, (label, width)) in cols.iter().enumerate() {
        let c = i as u16;
        ws.write_string_with_format(DATA_ROW - 1, c, *label, &f.header)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_row_height(DATA_ROW - 1, 48)?;
    Ok(())
}

/// Column letters of a 0-based column.
fn col_letters(col: u16) -> String {
    let cell = cchc_domain::finding::a1(0, u32::from(col));
    cell.trim_end_matches('1').to_string()
}

/// Builds the workbook and returns its bytes (same input, same bytes).
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value.
pub fn build_workbook(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let f = formats();
    let mut wb = Workbook::new();
    // A fixed creation time keeps the bytes identical from run to run.
    let created = ExcelDateTime::from_ymd(2022, 1, 4)?;
    wb.set_properties(&DocProperties::new().set_title("Tổng hợp báo cáo cải cách hành chính")
            .set_keywords(cchc_domain::REPORT_MARKER)
            .set_creation_datetime(&created));
    let period_text = input.batch.period.map(|p| format!("Kỳ báo cáo: {}", p.label_vi())).unwrap_or_else(|| "Kỳ báo cáo: chưa xác định".into());
    let sums = unit_sums(&input.frames.dossiers)?;
    let by_key: BTreeMap<(Scope, &str, &str), &Attainment> =
        input.attainment.iter().map(|a| ((a.scope, a.scope_id.as_str(), a.target_id.as_str()), a)).collect();

    // 1. Summary of targets.
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_SUMMARY, "TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH", &period_text, &f)?;
        ws.write_string(2, 0, &input.catalogue.plan)?;
        headers(
            ws,
            &[
                ("STT", 5.0),
                ("Mã chỉ tiêu", 20.0),
                ("Căn cứ kế hoạch", 10.0),
                ("Nội dung chỉ tiêu (theo kế hoạch)", 50.0),
                ("Chỉ tiêu", 9.0),
                ("Tử số toàn tỉnh", 11.0),
                ("Mẫu số toàn tỉnh", 11.0),
                ("Kết quả toàn tỉnh", 11.0),
                ("Đánh giá", 14.0),
                ("Số đơn vị đạt", 9.0),
                ("Số đơn vị có số liệu", 10.0),
                ("Số còn thiếu để đạt", 10.0),
            ],
            &f,
        )?;
        for (i, t) in input.catalogue.targets.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            let prov = by_key.get(&(Scope::Province, input.province, t.id.as_str()));
            let units: Vec<&&Attainment> =
                by_key.iter().filter(|((s, _, tid), _)| *s == Scope::Unit && *tid == t.id).map(|(_, a)| a).collect();
            let met = units.iter().filter(|a| a.status == Status::Met).count();
            let with_data = units.iter().filter(|a| matches!(a.status, Status::Met | Status::NotMet)).count();
            ws.set_row_height(r, 32)?;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, &t.id, &f.text)?;
            ws.write_string_with_format(r, 2, &t.plan_ref, &f.text)?;
            ws.write_string_with_format(r, 3, &t.wording, &f.text)?;
            ws.write_string_with_format(r, 4, format!("{} {}%", t.comparator.symbol_vi(), percent_text(t.threshold.to_f64())), &f.text)?;
            let status = prov.map_or(Status::NoData, |a| a.status);
            write_opt(ws, r, 5, prov.and_then(|a| a.numerator).map(|x| x.to_f64()), &f)?;
            write_opt(ws, r, 6, prov.and_then(|a| a.denominator).map(|x| x.to_f64()), &f)?;
            match prov.and_then(|a| a.value()) {
                Some(v) => ws.write_number_with_format(r, 7, v, &f.status_pct[&status])?,
                None => ws.write_string_with_format(r, 7, "", &f.status[&status])?,
            };
            ws.write_string_with_format(r, 8, status.label_vi(), &f.status[&status])?;
            ws.write_number_with_format(r, 9, met as f64, &f.int)?;
            ws.write_number_with_format(r, 10, with_data as f64, &f.int)?;
            write_opt(ws, r, 11, prov.and_then(|a| a.gap).map(|g| g as f64), &f)?;
        }
    }

    // 2. Unit × target matrix.
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_MATRIX, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO ĐƠN VỊ", &period_text, &f)?;
        ws.write_string(2, 0, "Xanh: đạt; đỏ: không đạt; xám: chưa có số liệu; vàng: không áp dụng (mẫu số bằng 0)")?;
        let mut cols: Vec<(&str, f64)> = vec![("STT", 5.0), ("Mã đơn vị", 18.0), ("Tên đơn vị", 40.0), ("Huyện/TX/TP", 14.0)];
        cols.extend(input.catalogue.targets.iter().map(|t| (t.name.as_str(), 12.0)));
        headers(ws, &cols, &f)?;
        for (i, u) in input.batch.registry.units().iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, &u.unit_id, &f.text)?;
            ws.write_string_with_format(r, 2, &u.name, &f.text)?;
            ws.write_string_with_format(r, 3, &u.district, &f.text)?;
            for (k, t) in input.catalogue.targets.iter().enumerate() {
                let c = 4 + k as u16;
                let a = by_key.get(&(Scope::Unit, u.unit_id.as_str(), t.id.as_str()));
                let status = a.map_or(Status::NoData, |a| a.status);
                match a.and_then(|a| a.value()) {
                    Some(v) => ws.write_number_with_format(r, c, v, &f.status_pct[&status])?,
                    None => ws.write_string_with_format(r, c, "", &f.status[&status])?,
                };
            }
        }
    }

    // 3. Form A by unit, with a SUM total row.
    let unit_rows: Vec<(&cchc_domain::unit::Unit, [i128; 11])> = input
        .batch
        .registry
        .units()
        .iter()
        .filter_map(|u| sums.get(&u.unit_id).map(|s| (u, *s)))
        .collect();
    let first = DATA_ROW;
    let last = DATA_ROW + unit_rows.len().max(1) as u32 - 1;
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_FORM_A_UNITS, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC THEO ĐƠN VỊ (BIỂU A)", &period_text, &f)?;
        ws.write_string(2, 0, "Đơn vị tính: Số hồ sơ TTHC")?;
        let mut cols: Vec<(&str, f64)> = vec![("STT", 5.0), ("Mã đơn vị", 18.0), ("Tên đơn vị", 40.0), ("Huyện/TX/TP", 14.0)];
        cols.extend(Measure::ALL.iter().map(|m| (m.label_vi(), 12.0)));
        headers(ws, &cols, &f)?;
        let mut totals = [0i128; 11];
        for (i, (u, s)) in unit_rows.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, &u.unit_id, &f.text)?;
            ws.write_string_with_format(r, 2, &u.name, &f.text)?;
            ws.write_string_with_format(r, 3, &u.district, &f.text)?;
            for m in Measure::ALL {
                ws.write_number_with_format(r, 4 + m.index() as u16, s[m.index()] as f64, &f.int)?;
                totals[m.index()] += s[m.index()];
            }
        }
        let tr = DATA_ROW + unit_rows.len() as u32;
        ws.write_string_with_format(tr, 2, "Tổng cộng", &f.total_text)?;
        for m in Measure::ALL {
            let c = 4 + m.index() as u16;
            let l = col_letters(c);
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", first + 1, last + 1)).set_result(totals[m.index()].to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
    }

    // 4. Form A by district: SUMIF over the unit sheet, then a SUM total row.
    {
        let mut by_district: BTreeMap<&str, [i128; 11]> = BTreeMap::new();
        for (u, s) in &unit_rows {
            let e = by_district.entry(u.district.as_str()).or_insert([0; 11]);
            for k in 0..11 {
                e[k] += s[k];
            }
        }
        let districts = input.batch.registry.districts();
        let ws = wb.add_worksheet();
        setup(ws, SHEET_FORM_A_DISTRICTS, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC THEO HUYỆN/THỊ XÃ/THÀNH PHỐ (BIỂU A)", &period_text, &f)?;
        ws.write_string(2, 0, "Gồm phòng GDĐT và các trường, trung tâm trên địa bàn; đơn vị tính: số hồ sơ TTHC")?;
        let mut cols: Vec<(&str, f64)> = vec![("STT", 5.0), ("Huyện/TX/TP", 18.0)];
        cols.extend(Measure::ALL.iter().map(|m| (m.label_vi(), 12.0)));
        headers(ws, &cols, &f)?;
        let mut totals = [0i128; 11];
        for (i, d) in districts.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, d, &f.text)?;
            let s = by_district.get(d.as_str()).copied().unwrap_or([0; 11]);
            for m in Measure::ALL {
                let c = 2 + m.index() as u16;
                let src = col_letters(4 + m.index() as u16);
                let formula = Formula::new(format!(
                    "=SUMIF('{SHEET_FORM_A_UNITS}'!$D${}:$D${},$B{},'{SHEET_FORM_A_UNITS}'!{src}${}:{src}${})",
                    first + 1,
                    last + 1,
                    r + 1,
                    first + 1,
                    last + 1
                ))
                .set_result(s[m.index()].to_string());
                ws.write_formula_with_format(r, c, formula, &f.int)?;
                totals[m.index()] += s[m.index()];
            }
        }
        let tr = DATA_ROW + districts.len() as u32;
        ws.write_string_with_format(tr, 1, "Toàn tỉnh", &f.total_text)?;
        for m in Measure::ALL {
            let c = 2 + m.index() as u16;
            let l = col_letters(c);
            let end = (DATA_ROW + districts.len().max(1) as u32).max(DATA_ROW + 1);
            let formula = Formula::new(format!("=SUM({l}{}:{l}{})", DATA_ROW + 1, end)).set_result(totals[m.index()].to_string());
            ws.write_formula_with_format(tr, c, formula, &f.total_int)?;
        }
    }

    // 5. Missing submissions.
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_MISSING, "ĐƠN VỊ CHƯA NỘP BÁO CÁO", &period_text, &f)?;
        headers(ws, &[("STT", 5.0), ("Mã đơn vị", 18.0), ("Tên đơn vị", 45.0), ("Huyện/TX/TP", 16.0)], &f)?;
        let missing: Vec<&str> = input
            .batch
            .findings
            .iter()
            .filter(|x| x.rule == cchc_domain::finding::Rule::SubmissionMissing)
            .map(|x| x.raw.as_str())
            .collect();
        for (i, id) in missing.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            let u = input.batch.registry.get(id);
            ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
            ws.write_string_with_format(r, 1, *id, &f.text)?;
            ws.write_string_with_format(r, 2, u.map_or("", |u| u.name.as_str()), &f.text)?;
            ws.write_string_with_format(r, 3, u.map_or("", |u| u.district.as_str()), &f.text)?;
        }
    }

    // 6. Findings.
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_FINDINGS, "DANH SÁCH PHÁT HIỆN KHI KIỂM TRA SỐ LIỆU", &period_text, &f)?;
        headers(
            ws,
            &[("Mức độ", 10.0), ("Mã quy tắc", 20.0), ("Tệp", 30.0), ("Trang tính", 16.0), ("Ô", 8.0), ("Nội dung", 70.0), ("Giá trị gốc", 16.0)],
            &f,
        )?;
        for (i, x) in input.batch.findings.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            let fields = [x.severity().label_vi(), x.rule.id(), &x.file, &x.sheet, &x.cell, &x.message, &x.raw];
            for (c, v) in fields.iter().enumerate() {
                ws.write_string_with_format(r, c as u16, *v, &f.text)?;
            }
        }
    }

    // 7. Files read.
    {
        let ws = wb.add_worksheet();
        setup(ws, SHEET_FILES, "CÁC TỆP ĐÃ ĐỌC", &period_text, &f)?;
        headers(ws, &[("Tệp", 50.0), ("Số bảng biểu A", 10.0), ("Số dòng được tổng hợp", 12.0), ("Số dòng để riêng", 12.0)], &f)?;
        for (i, s) in input.batch.files.iter().enumerate() {
            let r = DATA_ROW + i as u32;
            ws.write_string_with_format(r, 0, &s.file, &f.text)?;
            ws.write_number_with_format(r, 1, s.tables as f64, &f.int)?;
            ws.write_number_with_format(r, 2, s.rows_accepted as f64, &f.int)?;
            ws.write_number_with_format(r, 3, s.rows_set_aside as f64, &f.int)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// A fraction as a percentage without trailing zeros (`0.025` → `2,5`), Vietnamese style.
pub fn percent_text(fraction: f64) -> String {
    let s = format!("{:.4}", fraction * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
}

/// A number (whole numbers without decimals), or an empty bordered cell.
fn write_opt(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>, f: &Formats) -> Result<(), ReportError> {
    match v {
        Some(v) if v.fract() == 0.0 => ws.write_number_with_format(r, c, v, &f.int)?,
        Some(v) => ws.write_number_with_format(r, c, v, &f.dec)?,
        None => ws.write_string_with_format(r, c, "", &f.text)?,
    };
    Ok(())
}
