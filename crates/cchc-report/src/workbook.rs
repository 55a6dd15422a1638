//! The consolidated workbook (docs/contract.md §6), labels in Vietnamese, A4 landscape.
//!
//! Sheets: summary of targets, unit × target matrix, Forms A–C by unit and by district
//! (`tables.rs`; totals and district figures as live formulas with cached values),
//! Form D, charts, missing submissions, findings, files read (`sheets.rs`), in the look
//! of `style.rs`. This file puts them in order and on their threads. Text from inputs
//! is always written as text.

use std::borrow::Cow;

use cchc_analysis::attainment::{period_inputs, Attainment, FramesRef, UnitInputs};

use crate::comparison::{comparison_sheet, Compared};
use crate::sheets::{
    charts_sheet, files_sheet, findings_sheet, indicators_sheet, matrix_sheet, missing_sheet,
    summary_sheet, AttainmentIndex,
};
use crate::style::formats;
use crate::tables::{write_form_tables, FormLabels, FormTables, Placed};
use cchc_analysis::frames::Frames;
use cchc_domain::target::{Catalogue, Form};
use cchc_domain::unit::Registry;
use cchc_read::Batch;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet};

use crate::ReportError;

/// What the workbook is made from.
pub struct ReportInput<'a> {
    /// The batch read (files, findings, registry, periods).
    pub batch: &'a Batch,
    /// The units as valid in the report's period ([`Batch::report_registry`]).
    pub registry: &'a Registry,
    /// Where the per-unit figures come from.
    pub figures: Figures<'a>,
    /// Attainment rows of every period and scope: the report's period fills the summary
    /// and the matrix, the others the comparison sheet.
    pub attainment: &'a [Attainment],
    /// The target catalogue.
    pub catalogue: &'a Catalogue,
    /// Province name (scope id of the province rows).
    pub province: &'a str,
    /// Form A of the report's period pooled by level and field (the department's
    /// Biểu II.06a).
    pub fields: &'a cchc_analysis::by_field::FieldTable,
    /// Form B of the report's period consolidated by procedure code.
    pub procedures: &'a cchc_analysis::by_procedure::ProcedureTable,
    /// Who issues the department's forms.
    pub issuer: &'a cchc_domain::issuer::Issuer,
}

/// The per-unit figures of the report's form tables.
pub enum Figures<'a> {
    /// Read from the normalised frames (possibly edited); the report's period's rows.
    Frames(&'a Frames),
    /// The report's period's inputs, already read from the frames for the attainment
    /// ([`period_inputs`]): the frames themselves need not be kept for the report.
    Inputs(&'a UnitInputs),
}

/// Sheet names.
pub const SHEET_SUMMARY: &str = cchc_domain::REPORT_FIRST_SHEET;
/// Unit × target matrix.
pub const SHEET_MATRIX: &str = "Ma trận đơn vị";
/// Periods compared (when the batch holds more than one).
pub const SHEET_COMPARISON: &str = "So sánh các kỳ";
/// Form A by unit.
pub const SHEET_FORM_A_UNITS: &str = "Biểu A theo đơn vị";
/// Form A by district.
pub const SHEET_FORM_A_DISTRICTS: &str = "Biểu A theo huyện";
/// Form B by unit.
pub const SHEET_FORM_B_UNITS: &str = "Biểu B theo đơn vị";
/// Form B by district.
pub const SHEET_FORM_B_DISTRICTS: &str = "Biểu B theo huyện";
/// Form C by unit.
pub const SHEET_FORM_C_UNITS: &str = "Biểu C theo đơn vị";
/// Form C by district.
pub const SHEET_FORM_C_DISTRICTS: &str = "Biểu C theo huyện";
/// Form D rows.
pub const SHEET_INDICATORS: &str = "Chỉ tiêu khác (Biểu D)";
/// Charts.
pub const SHEET_CHARTS: &str = "Biểu đồ";
/// Missing submissions.
pub const SHEET_MISSING: &str = "Chưa nộp báo cáo";
/// Findings.
pub const SHEET_FINDINGS: &str = "Phát hiện";
/// Files read.
pub const SHEET_FILES: &str = "Tệp đã đọc";

/// Builds the workbook and returns its bytes (same input, same bytes).
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value.
pub fn build_workbook(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let mut out = std::io::Cursor::new(Vec::new());
    write_workbook(input, &mut out)?;
    Ok(out.into_inner())
}

/// [`build_workbook`] written straight into `out` (a file): the workbook is never
/// held whole in memory.
///
/// # Errors
/// [`ReportError::Xlsx`] if the workbook library refuses a value or cannot write.
pub fn write_workbook<W: std::io::Write + std::io::Seek + Send>(
    input: &ReportInput<'_>,
    out: W,
) -> Result<(), ReportError> {
    let f = formats();
    let mut wb = Workbook::new();
    // Deflate level 1: most of the time writing a large report went into compressing
    // it at the default level 6, for a file ≈ 20 % smaller.
    wb.set_zip_compression_level(1);
    // A fixed creation time keeps the bytes identical from run to run.
    let created = ExcelDateTime::from_ymd(2022, 1, 4)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Tổng hợp báo cáo cải cách hành chính")
            .set_keywords(cchc_domain::REPORT_MARKER)
            .set_creation_datetime(&created),
    );
    let period_text = input
        .batch
        .period
        .map(|p| format!("Kỳ báo cáo: {}", p.label_vi()))
        .unwrap_or_else(|| "Kỳ báo cáo: chưa xác định".into());
    let report_period = input
        .batch
        .period
        .map(|p| p.to_string())
        .unwrap_or_default();
    // The report's period's rows, borrowed (a copy of 200,000 rows at 10,000 units
    // was 40 MB more at the report's peak).
    let this_period = period_rows(input.attainment, &report_period);
    let by_key = AttainmentIndex::new(&this_period);

    let computed;
    let inputs = match input.figures {
        Figures::Inputs(i) => i,
        Figures::Frames(frames) => {
            computed = period_inputs(&FramesRef::from(frames))?
                .remove(&report_period)
                .unwrap_or_default();
            &computed
        }
    };
    // The Form D sheet (a fifth of the report's work) is filled on another thread while
    // the sheets before it are written here; its strings are written inline (no shared
    // string table to contend for) and every format is registered first, so the bytes
    // do not depend on which thread runs first.
    f.register(&mut wb);
    let d_sheet = wb.new_worksheet_with_constant_memory()?;
    let unit_sheets = [
        wb.new_worksheet_with_constant_memory()?,
        wb.new_worksheet_with_constant_memory()?,
        wb.new_worksheet_with_constant_memory()?,
    ];
    let f = &f;
    let period_text = period_text.as_str();
    // 3–8. Forms A, B and C by unit and by district: filled on another thread (like
    // the Form D sheet) while the summary and the matrix are written here.
    let registry = &input.registry;
    let table = |form, labels| FormTables::new(form, labels, inputs, registry, input.catalogue);
    let form_a = table(
        Form::A,
        FormLabels {
            unit_sheet: SHEET_FORM_A_UNITS,
            district_sheet: SHEET_FORM_A_DISTRICTS,
            unit_title: "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC THEO ĐƠN VỊ (BIỂU A)",
            district_title:
                "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC THEO HUYỆN/THỊ XÃ/THÀNH PHỐ (BIỂU A)",
            note: "Đơn vị tính: Số hồ sơ TTHC",
        },
    );
    let form_b = table(
        Form::B,
        FormLabels {
            unit_sheet: SHEET_FORM_B_UNITS,
            district_sheet: SHEET_FORM_B_DISTRICTS,
            unit_title: "DỊCH VỤ CÔNG TRỰC TUYẾN THEO ĐƠN VỊ (BIỂU B)",
            district_title: "DỊCH VỤ CÔNG TRỰC TUYẾN THEO HUYỆN/THỊ XÃ/THÀNH PHỐ (BIỂU B)",
            note: "Đơn vị tính: số thủ tục hành chính",
        },
    );
    let form_c = table(
        Form::C,
        FormLabels {
            unit_sheet: SHEET_FORM_C_UNITS,
            district_sheet: SHEET_FORM_C_DISTRICTS,
            unit_title: "BIÊN CHẾ VÀ ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP THEO ĐƠN VỊ (BIỂU C)",
            district_title:
                "BIÊN CHẾ VÀ ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP THEO HUYỆN/THỊ XÃ/THÀNH PHỐ (BIỂU C)",
            note: "Năm gốc: năm trước năm báo cáo (theo tiêu đề cột của biểu)",
        },
    );

    let forms = [&form_a, &form_b, &form_c];
    std::thread::scope(|scope| -> Result<(), ReportError> {
        let d = scope.spawn(move || -> Result<Worksheet, ReportError> {
            let mut ws = d_sheet;
            indicators_sheet(&mut ws, f, period_text, input, inputs)?;
            Ok(ws)
        });
        // Forms A–C, each a unit sheet (inline strings) and a district sheet, in order.
        let abc = scope.spawn(move || -> Result<FormSheets, ReportError> {
            let mut sheets = Vec::with_capacity(6);
            let mut placed = Vec::with_capacity(3);
            for (mut units, t) in unit_sheets.into_iter().zip(forms) {
                let mut districts = Worksheet::new();
                placed.push(write_form_tables(
                    &mut units,
                    &mut districts,
                    f,
                    period_text,
                    t,
                )?);
                sheets.push(units);
                sheets.push(districts);
            }
            Ok((sheets, placed))
        });

        // 1. Summary of targets.
        summary_sheet(&mut wb, f, period_text, input, &by_key)?;

        // 2. Unit × target matrix.
        matrix_sheet(&mut wb, f, period_text, input, &by_key)?;

        // 2b. Periods compared, when the batch holds more than one.
        if let Some(compared) = Compared::of(input) {
            comparison_sheet(&mut wb, f, period_text, input, &compared)?;
        }

        // 2c. The department's Biểu II.06a, by level and field.
        crate::official::field_sheet(&mut wb, f, period_text, input.fields, input.issuer)?;
        crate::official::procedure_sheet(&mut wb, f, period_text, input.procedures)?;

        // 3–8. Forms A, B and C by unit and by district, filled on their thread.
        let (abc_sheets, placed) = abc
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        for ws in abc_sheets {
            wb.push_worksheet(ws);
        }
        let (a_units, b_districts) = (&placed[0].0, &placed[1].1);

        // 9. Other indicators (Form D), a row per unit.
        let d_sheet = d
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        wb.push_worksheet(d_sheet);

        // 10. Charts.
        charts_sheet(
            &mut wb,
            period_text,
            &form_a,
            a_units,
            &form_b,
            b_districts,
            input.catalogue.targets.len(),
        )?;

        // 5. Missing submissions.
        missing_sheet(&mut wb, f, period_text, input)?;

        // 5b. Late dossiers, for a batch with one-stop-shop exports.
        if !input.batch.dossier_records.is_empty() {
            crate::late::late_sheet(&mut wb, f, period_text, input)?;
        }

        // 6. Findings.
        findings_sheet(&mut wb, f, period_text, input)?;

        // 7. Files read.
        files_sheet(&mut wb, f, period_text, input)?;
        wb.save_to_writer(out)?;
        Ok(())
    })
}

/// One period's rows: the block of them (attainment comes period by period), borrowed;
/// copied out only when they are not one block.
pub(crate) fn period_rows<'r>(rows: &'r [Attainment], period: &str) -> Cow<'r, [Attainment]> {
    let start = rows.iter().position(|r| *r.period == *period);
    let Some(start) = start else {
        return Cow::Borrowed(&[]);
    };
    let len = rows[start..]
        .iter()
        .take_while(|r| *r.period == *period)
        .count();
    if rows[start + len..].iter().any(|r| *r.period == *period) {
        Cow::Owned(
            rows.iter()
                .filter(|r| *r.period == *period)
                .cloned()
                .collect(),
        )
    } else {
        Cow::Borrowed(&rows[start..start + len])
    }
}

/// The six form sheets (A–C by unit and by district) and where each one's rows are.
type FormSheets = (Vec<Worksheet>, Vec<(Placed, Placed)>);
