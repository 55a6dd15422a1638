//! Feedback to every unit (`--feedback DIR`, DOMAIN.md §10): one workbook per unit that
//! sent something — its findings with sheet, cell, the value read and what to do, its
//! figures as consolidated, its attainment of each target — so the office can send each
//! unit its corrections; `chua-nop.xlsx`, the units that sent nothing; and, when some
//! files could not be tied to a unit, `khong-xac-dinh-don-vi.xlsx` with their findings.
//! Every sheet prints on A4 landscape, fitted to the width, its header row repeated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cchc_analysis::attainment::{Attainment, Scope};
use cchc_analysis::inputs::UnitInputs;
use cchc_domain::finding::{Finding, Rule};
use cchc_domain::forms::vocabulary;
use cchc_domain::target::{Catalogue, Form};
use cchc_domain::unit::Registry;
use cchc_read::Batch;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};

use crate::ReportError;

/// The list of units that sent nothing.
pub const MISSING_FILE: &str = "chua-nop.xlsx";
/// Findings of files tied to no unit.
pub const UNTIED_FILE: &str = "khong-xac-dinh-don-vi.xlsx";

/// What the feedback is made from.
pub struct FeedbackInput<'a> {
    /// The batch read (findings, period).
    pub batch: &'a Batch,
    /// The units as valid in the report's period.
    pub registry: &'a Registry,
    /// Which unit sent each file (files of every period and duplicates included).
    pub units_by_file: &'a BTreeMap<String, String>,
    /// The report's period's figures by unit.
    pub inputs: &'a UnitInputs,
    /// Attainment rows (the unit rows of the report's period are used).
    pub attainment: &'a [Attainment],
    /// The target catalogue.
    pub catalogue: &'a Catalogue,
}

/// A workbook's file name for a unit: its id and name, characters file systems refuse
/// replaced by `-`.
pub fn file_name(unit_id: &str, name: &str) -> String {
    let clean: String = format!("{unit_id} - {name}")
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    format!("{}.xlsx", clean.trim())
}

struct Look {
    title: Format,
    header: Format,
    text: Format,
    int: Format,
    pct: Format,
}

fn look() -> Look {
    let base = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(11);
    let cell = base.clone().set_border(FormatBorder::Thin);
    Look {
        title: base.clone().set_font_size(13).set_bold(),
        header: cell.clone().set_bold().set_text_wrap(),
        text: cell.clone().set_text_wrap(),
        int: cell.clone().set_num_format("#,##0"),
        pct: cell.set_num_format("0.0%"),
    }
}

/// A4 landscape, fitted to the width, the header row (`header`, 0-based) repeated,
/// page numbers; the title and its line under it.
fn page(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    line: &str,
    l: &Look,
) -> Result<(), ReportError> {
    ws.set_name(name)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(3, 3)?;
    ws.set_footer("&CTrang &P/&N");
    ws.write_string_with_format(0, 0, title, &l.title)?;
    ws.write_string(1, 0, line)?;
    Ok(())
}

fn header_row(ws: &mut Worksheet, cols: &[(&str, f64)], l: &Look) -> Result<(), ReportError> {
    for (c, (label, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *label, &l.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    Ok(())
}

fn severity_vi(f: &Finding) -> &'static str {
    match f.rule.severity().id() {
        "error" => "Lỗi",
        "warning" => "Cảnh báo",
        _ => "Thông tin",
    }
}

/// The findings sheet: one row per finding, in the batch's order.
fn findings_sheet(
    ws: &mut Worksheet,
    findings: &[&Finding],
    line: &str,
    l: &Look,
) -> Result<(), ReportError> {
    page(ws, "Cần sửa", "CÁC LỖI, CẢNH BÁO CẦN XEM VÀ SỬA", line, l)?;
    header_row(
        ws,
        &[
            ("STT", 5.0),
            ("Mức độ", 10.0),
            ("Tệp", 30.0),
            ("Trang tính", 16.0),
            ("Ô", 7.0),
            ("Nội dung và cách sửa", 70.0),
            ("Giá trị đọc được", 18.0),
            ("Mã lỗi", 22.0),
        ],
        l,
    )?;
    if findings.is_empty() {
        ws.write_string(4, 1, "Không có lỗi hay cảnh báo nào.")?;
    }
    for (i, f) in findings.iter().enumerate() {
        let r = 4 + i as u32;
        let file = Path::new(&f.file)
            .file_name()
            .map_or(f.file.clone(), |n| n.to_string_lossy().into_owned());
        ws.write_number_with_format(r, 0, (i + 1) as f64, &l.int)?;
        for (c, text) in [
            (1, severity_vi(f)),
            (2, file.as_str()),
            (3, f.sheet.as_str()),
            (4, f.cell.as_str()),
            (5, f.message.as_str()),
            (6, f.raw.as_str()),
            (7, f.rule.id()),
        ] {
            ws.write_string_with_format(r, c, text, &l.text)?;
        }
    }
    Ok(())
}

/// The unit's figures: each form's measures as consolidated.
fn figures_sheet(
    ws: &mut Worksheet,
    unit: &str,
    input: &FeedbackInput<'_>,
    line: &str,
    l: &Look,
) -> Result<(), ReportError> {
    page(
        ws,
        "Số liệu",
        "SỐ LIỆU CỦA ĐƠN VỊ ĐÃ ĐƯỢC TỔNG HỢP",
        line,
        l,
    )?;
    header_row(
        ws,
        &[("Biểu", 8.0), ("Chỉ tiêu số liệu", 60.0), ("Số liệu", 14.0)],
        l,
    )?;
    let mut r = 4;
    let inputs = input.inputs.get(unit);
    for (form, name) in [(Form::A, "A"), (Form::B, "B"), (Form::C, "C")] {
        let Some(values) = inputs.and_then(|i| i.form(form)) else {
            continue;
        };
        for (m, v) in vocabulary().form(form).measures.iter().zip(values) {
            let Some(v) = v else { continue };
            ws.write_string_with_format(r, 0, name, &l.text)?;
            ws.write_string_with_format(r, 1, &m.label, &l.text)?;
            ws.write_number_with_format(r, 2, *v as f64, &l.int)?;
            r += 1;
        }
    }
    if r == 4 {
        ws.write_string(
            4,
            1,
            "Không có số liệu nào của đơn vị được tổng hợp trong kỳ này.",
        )?;
    }
    Ok(())
}

/// The unit's attainment of each target of the report's period.
fn targets_sheet(
    ws: &mut Worksheet,
    unit: &str,
    input: &FeedbackInput<'_>,
    line: &str,
    l: &Look,
) -> Result<(), ReportError> {
    page(
        ws,
        "Chỉ tiêu",
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA ĐƠN VỊ",
        line,
        l,
    )?;
    header_row(
        ws,
        &[
            ("Mã", 12.0),
            ("Chỉ tiêu", 60.0),
            ("Kết quả", 12.0),
            ("Mục tiêu", 12.0),
            ("Đánh giá", 16.0),
        ],
        l,
    )?;
    let period = input
        .batch
        .period
        .map(|p| p.to_string())
        .unwrap_or_default();
    let mut r = 4;
    for t in &input.catalogue.targets {
        let Some(a) = input.attainment.iter().find(|a| {
            a.scope == Scope::Unit
                && &*a.scope_id == unit
                && &*a.period == period.as_str()
                && &*a.target_id == t.id.as_str()
        }) else {
            continue;
        };
        ws.write_string_with_format(r, 0, &t.id, &l.text)?;
        ws.write_string_with_format(r, 1, &t.name, &l.text)?;
        match (a.value, t.denominator.is_some()) {
            (Some(v), true) => ws.write_number_with_format(r, 2, v, &l.pct)?,
            (Some(v), false) => ws.write_number_with_format(r, 2, v, &l.int)?,
            (None, _) => ws.write_string_with_format(r, 2, "", &l.text)?,
        };
        ws.write_string_with_format(r, 3, &t.threshold_text, &l.text)?;
        ws.write_string_with_format(r, 4, a.status.label_vi(), &l.text)?;
        r += 1;
    }
    Ok(())
}

fn new_workbook() -> Result<Workbook, ReportError> {
    let mut wb = Workbook::new();
    // A fixed creation time keeps the bytes identical from run to run.
    let created = ExcelDateTime::from_ymd(2022, 1, 4)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Phản hồi kết quả kiểm tra báo cáo cải cách hành chính")
            .set_creation_datetime(&created),
    );
    Ok(wb)
}

/// Writes the feedback workbooks into `dir` (created if needed) and returns their paths,
/// sorted.
///
/// # Errors
/// [`ReportError`] when a workbook cannot be written.
pub fn write_feedback(dir: &Path, input: &FeedbackInput<'_>) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let l = look();
    let period_line = input
        .batch
        .period
        .map(|p| format!("Kỳ báo cáo: {}", p.label_vi()))
        .unwrap_or_else(|| "Kỳ báo cáo: chưa xác định".into());
    // Findings by the unit that sent their file; those of no unit's file apart.
    let mut by_unit: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut untied = Vec::new();
    let mut missing = Vec::new();
    for f in &input.batch.findings {
        if f.rule == Rule::SubmissionMissing {
            missing.push(f.raw.as_str());
            continue;
        }
        match input.units_by_file.get(&f.file) {
            Some(u) => by_unit.entry(u.as_str()).or_default().push(f),
            None => untied.push(f),
        }
    }
    for u in input.units_by_file.values().chain(input.inputs.keys()) {
        by_unit.entry(u.as_str()).or_default();
    }
    let mut written = Vec::new();
    for (unit, findings) in &by_unit {
        let name = input.registry.get(unit).map_or(*unit, |u| u.name.as_str());
        let line = format!("Đơn vị: {name} ({unit}). {period_line}");
        let mut wb = new_workbook()?;
        findings_sheet(wb.add_worksheet(), findings, &line, &l)?;
        figures_sheet(wb.add_worksheet(), unit, input, &line, &l)?;
        targets_sheet(wb.add_worksheet(), unit, input, &line, &l)?;
        let path = dir.join(file_name(unit, name));
        crate::write_atomic(&path, &wb.save_to_buffer()?)?;
        written.push(path);
    }
    if !untied.is_empty() {
        let mut wb = new_workbook()?;
        let line = format!("Các tệp không xác định được đơn vị gửi. {period_line}");
        findings_sheet(wb.add_worksheet(), &untied, &line, &l)?;
        let path = dir.join(UNTIED_FILE);
        crate::write_atomic(&path, &wb.save_to_buffer()?)?;
        written.push(path);
    }
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    page(ws, "Chưa nộp", "ĐƠN VỊ CHƯA NỘP BÁO CÁO", &period_line, &l)?;
    header_row(
        ws,
        &[
            ("STT", 5.0),
            ("Mã đơn vị", 18.0),
            ("Tên đơn vị", 50.0),
            ("Huyện/TX/TP", 18.0),
        ],
        &l,
    )?;
    if missing.is_empty() {
        ws.write_string(4, 2, "Tất cả các đơn vị đã nộp báo cáo.")?;
    }
    for (i, id) in missing.iter().enumerate() {
        let r = 4 + i as u32;
        let u = input.registry.get(id);
        ws.write_number_with_format(r, 0, (i + 1) as f64, &l.int)?;
        ws.write_string_with_format(r, 1, *id, &l.text)?;
        ws.write_string_with_format(r, 2, u.map_or("", |u| u.name.as_str()), &l.text)?;
        ws.write_string_with_format(r, 3, u.map_or("", |u| u.district.as_str()), &l.text)?;
    }
    let path = dir.join(MISSING_FILE);
    crate::write_atomic(&path, &wb.save_to_buffer()?)?;
    written.push(path);
    written.sort();
    Ok(written)
}
