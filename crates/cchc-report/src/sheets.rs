//! The report's sheets other than the forms' tables (`tables.rs`): the summary, the
//! matrix, Form D by unit, the charts, missing submissions, findings, files read.

use std::collections::BTreeMap;

use cchc_analysis::attainment::{Attainment, Inputs, Scope, Status};
use cchc_domain::target::Form;
use rust_xlsxwriter::{Chart, ChartType, Format, Formula, Workbook, Worksheet};

use crate::style::{col_letters, column_formats, headers, setup, Formats, DATA_ROW};
use crate::tables::{FormTables, Placed};
use crate::workbook::{
    ReportInput, SHEET_CHARTS, SHEET_FILES, SHEET_FINDINGS, SHEET_FORM_A_UNITS,
    SHEET_FORM_B_DISTRICTS, SHEET_INDICATORS, SHEET_MATRIX, SHEET_MISSING, SHEET_SUMMARY,
};
use crate::ReportError;

/// The summary: every target of the catalogue with the province's figures, how many
/// units meet it and how many have data.
pub(crate) fn summary_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
    by_key: &AttainmentIndex<'_>,
) -> Result<(), ReportError> {
    // Units meeting each target, and units with data for it, in one pass.
    let mut unit_counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for a in by_key.rows.iter().filter(|a| a.scope == Scope::Unit) {
        let c = unit_counts.entry(&*a.target_id).or_default();
        c.0 += usize::from(a.status == Status::Met);
        c.1 += usize::from(matches!(a.status, Status::Met | Status::NotMet));
    }
    let ws = wb.add_worksheet();
    setup(
        ws,
        SHEET_SUMMARY,
        "TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH",
        period_text,
        f,
    )?;
    ws.write_string_with_format(2, 0, &input.catalogue.plan, &f.plain)?;
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
        f,
    )?;
    for (i, t) in input.catalogue.targets.iter().enumerate() {
        let r = DATA_ROW + i as u32;
        let prov = by_key.get(Scope::Province, input.province, &t.id);
        let (met, with_data) = unit_counts.get(t.id.as_str()).copied().unwrap_or((0, 0));
        ws.set_row_height(r, 32)?;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
        ws.write_string_with_format(r, 1, &t.id, &f.text)?;
        ws.write_string_with_format(r, 2, &t.plan_ref, &f.text)?;
        ws.write_string_with_format(r, 3, &t.wording, &f.text)?;
        ws.write_string_with_format(r, 4, t.threshold_label(), &f.text)?;
        let status = prov.map_or(Status::NoData, |a| a.status);
        write_opt(
            ws,
            r,
            5,
            prov.and_then(|a| a.numerator).map(|x| x.to_f64()),
            f,
        )?;
        write_opt(
            ws,
            r,
            6,
            prov.and_then(|a| a.denominator).map(|x| x.to_f64()),
            f,
        )?;
        match prov.and_then(|a| a.value()) {
            Some(v) => ws.write_number_with_format(r, 7, v, f.value(status, t.is_count()))?,
            None => ws.write_string_with_format(r, 7, "", &f.status[&status])?,
        };
        ws.write_string_with_format(r, 8, status.label_vi(), &f.status[&status])?;
        ws.write_number_with_format(r, 9, met as f64, &f.int)?;
        ws.write_number_with_format(r, 10, with_data as f64, &f.int)?;
        write_opt(ws, r, 11, prov.and_then(|a| a.gap).map(|g| g as f64), f)?;
    }
    Ok(())
}

/// The unit × target matrix, each cell coloured by status.
pub(crate) fn matrix_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
    by_key: &AttainmentIndex<'_>,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(
        ws,
        SHEET_MATRIX,
        "KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO ĐƠN VỊ",
        period_text,
        f,
    )?;
    ws.write_string_with_format(
        2,
        0,
        "Xanh: đạt; đỏ: không đạt; xám: chưa có số liệu; vàng: không áp dụng (mẫu số bằng 0)",
        &f.plain,
    )?;
    let mut cols: Vec<(&str, f64)> = vec![
        ("STT", 5.0),
        ("Mã đơn vị", 18.0),
        ("Tên đơn vị", 40.0),
        ("Huyện/TX/TP", 14.0),
    ];
    cols.extend(
        input
            .catalogue
            .targets
            .iter()
            .map(|t| (t.name.as_str(), 12.0)),
    );
    headers(ws, &cols, f)?;
    for (i, u) in input.registry.units().iter().enumerate() {
        let r = DATA_ROW + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
        ws.write_string_with_format(r, 1, &u.unit_id, &f.text)?;
        ws.write_string_with_format(r, 2, &u.name, &f.text)?;
        ws.write_string_with_format(r, 3, &u.district, &f.text)?;
        for (k, t) in input.catalogue.targets.iter().enumerate() {
            let c = 4 + k as u16;
            let a = by_key.get(Scope::Unit, &u.unit_id, &t.id);
            let status = a.map_or(Status::NoData, |a| a.status);
            match a.and_then(|a| a.value()) {
                Some(v) => ws.write_number_with_format(r, c, v, f.value(status, t.is_count()))?,
                None => ws.write_string_with_format(r, c, "", &f.status[&status])?,
            };
        }
    }
    Ok(())
}

/// The registry units that sent nothing usable.
pub(crate) fn missing_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(ws, SHEET_MISSING, "ĐƠN VỊ CHƯA NỘP BÁO CÁO", period_text, f)?;
    headers(
        ws,
        &[
            ("STT", 5.0),
            ("Mã đơn vị", 18.0),
            ("Tên đơn vị", 45.0),
            ("Huyện/TX/TP", 16.0),
        ],
        f,
    )?;
    column_formats(ws, &[&f.int, &f.text, &f.text, &f.text])?;
    let missing: Vec<&str> = input
        .batch
        .findings
        .iter()
        .filter(|x| x.rule == cchc_domain::finding::Rule::SubmissionMissing)
        .map(|x| x.raw.as_str())
        .collect();
    for (i, id) in missing.iter().enumerate() {
        let r = DATA_ROW + i as u32;
        let u = input.registry.get(id);
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, *id)?;
        ws.write_string(r, 2, u.map_or("", |u| u.name.as_str()))?;
        ws.write_string(r, 3, u.map_or("", |u| u.district.as_str()))?;
    }
    Ok(())
}

/// Every finding, in the batch's order.
pub(crate) fn findings_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(
        ws,
        SHEET_FINDINGS,
        "DANH SÁCH PHÁT HIỆN KHI KIỂM TRA SỐ LIỆU",
        period_text,
        f,
    )?;
    headers(
        ws,
        &[
            ("Mức độ", 10.0),
            ("Mã quy tắc", 20.0),
            ("Tệp", 30.0),
            ("Trang tính", 16.0),
            ("Ô", 8.0),
            ("Nội dung", 70.0),
            ("Giá trị gốc", 16.0),
        ],
        f,
    )?;
    column_formats(ws, &[&f.text; 7])?;
    for (i, x) in input.batch.findings.iter().enumerate() {
        let r = DATA_ROW + i as u32;
        let fields = [
            x.severity().label_vi(),
            x.rule.id(),
            &x.file,
            &x.sheet,
            &x.cell,
            &x.message,
            &x.raw,
        ];
        for (c, v) in fields.iter().enumerate() {
            ws.write_string(r, c as u16, *v)?;
        }
    }
    Ok(())
}

/// The files read, with their tables and rows.
pub(crate) fn files_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(ws, SHEET_FILES, "CÁC TỆP ĐÃ ĐỌC", period_text, f)?;
    headers(
        ws,
        &[
            ("Tệp", 50.0),
            ("Số bảng biểu (A–D)", 10.0),
            ("Số dòng được tổng hợp", 12.0),
            ("Số dòng để riêng", 12.0),
        ],
        f,
    )?;
    column_formats(ws, &[&f.text, &f.int, &f.int, &f.int])?;
    for (i, s) in input.batch.files.iter().enumerate() {
        let r = DATA_ROW + i as u32;
        ws.write_string(r, 0, &s.file)?;
        ws.write_number(r, 1, s.tables as f64)?;
        ws.write_number(r, 2, s.rows_accepted as f64)?;
        ws.write_number(r, 3, s.rows_set_aside as f64)?;
    }
    Ok(())
}

/// The attainment rows found by scope, scope id and target. A scope's rows are listed
/// once (10,000 units: 10,000 entries, not one per row — a map over all 200,000 rows
/// held 15 MB while the report was written).
pub(crate) struct AttainmentIndex<'a> {
    /// The rows indexed (one period's).
    pub(crate) rows: &'a [Attainment],
    by_scope: BTreeMap<(Scope, &'a str), Vec<u32>>,
}

impl<'a> AttainmentIndex<'a> {
    pub(crate) fn new(rows: &'a [Attainment]) -> Self {
        let mut by_scope: BTreeMap<(Scope, &str), Vec<u32>> = BTreeMap::new();
        let mut last: Option<(Scope, &str)> = None;
        let mut run: Vec<u32> = Vec::new();
        // Rows come scope by scope: one map entry per run of rows.
        for (i, a) in rows.iter().enumerate() {
            let key = (a.scope, &*a.scope_id);
            if last != Some(key) {
                if let Some(k) = last {
                    by_scope.entry(k).or_default().append(&mut run);
                }
                last = Some(key);
            }
            run.push(i as u32);
        }
        if let Some(k) = last {
            by_scope.entry(k).or_default().append(&mut run);
        }
        AttainmentIndex { rows, by_scope }
    }

    pub(crate) fn get(
        &self,
        scope: Scope,
        scope_id: &str,
        target_id: &str,
    ) -> Option<&'a Attainment> {
        self.by_scope
            .get(&(scope, scope_id))?
            .iter()
            .map(|&i| &self.rows[i as usize])
            .find(|a| &*a.target_id == target_id)
    }
}

/// A number (whole numbers without decimals), or an empty bordered cell.
pub(crate) fn write_opt(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<f64>,
    f: &Formats,
) -> Result<(), ReportError> {
    match v {
        Some(v) if v.fract() == 0.0 => ws.write_number_with_format(r, c, v, &f.int)?,
        Some(v) => ws.write_number_with_format(r, c, v, &f.dec)?,
        None => ws.write_string_with_format(r, c, "", &f.text)?,
    };
    Ok(())
}

pub(crate) fn indicators_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
    inputs: &BTreeMap<String, Inputs>,
) -> Result<(), ReportError> {
    // One row per unit, three columns (numerator, denominator, ratio) per Form D target
    // under a two-level header: the layout of a consolidated report, and far fewer
    // cells than a row per unit and indicator (the exports keep that level of detail).
    let targets: Vec<&cchc_domain::target::Target> = input
        .catalogue
        .targets
        .iter()
        .filter(|t| t.form == Form::D)
        .collect();
    setup(
        ws,
        SHEET_INDICATORS,
        "KẾT QUẢ CÁC CHỈ TIÊU KHÁC THEO ĐƠN VỊ (BIỂU D)",
        period_text,
        f,
    )?;
    ws.write_string_with_format(
        2,
        0,
        "Tỷ lệ chỉ có một mình (không có tử số, mẫu số) chỉ tính cho đơn vị, không cộng vào huyện và tỉnh",
        &f.plain,
    )?;
    let (top, sub, first) = (DATA_ROW - 1, DATA_ROW, DATA_ROW + 1);
    for (c, (label, width)) in [("STT", 5.0), ("Mã đơn vị", 18.0), ("Tên đơn vị", 34.0)]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(top, c as u16, label, &f.header)?;
        ws.set_column_width(c as u16, width)?;
    }
    for (k, t) in targets.iter().enumerate() {
        let c = 3 + 3 * k as u16;
        ws.merge_range(
            top,
            c,
            top,
            c + 2,
            &format!("{} ({})", t.name, t.plan_ref),
            &f.header,
        )?;
    }
    ws.set_row_height(top, 48)?;
    for c in 0..3 {
        ws.write_blank(sub, c, &f.header)?;
    }
    for k in 0..targets.len() {
        for (j, label) in ["Tử số", "Mẫu số", "Tỷ lệ"].into_iter().enumerate() {
            let c = 3 + 3 * k as u16 + j as u16;
            ws.write_string_with_format(sub, c, label, &f.header)?;
            ws.set_column_width(c, 10.0)?;
        }
    }
    let mut formats: Vec<&Format> = vec![&f.int, &f.text, &f.text];
    for _ in &targets {
        formats.extend([&f.int, &f.int, &f.pct]);
    }
    column_formats(ws, &formats)?;
    let rows = input.registry.units().iter().filter_map(|u| {
        let x = inputs.get(&u.unit_id)?;
        (!x.d.is_empty() || !x.d_lone.is_empty()).then_some((u, x))
    });
    for (i, (u, x)) in rows.enumerate() {
        let r = first + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, &u.unit_id)?;
        ws.write_string(r, 2, &u.name)?;
        for (k, t) in targets.iter().enumerate() {
            let c = 3 + 3 * k as u16;
            if let Some((n, d)) = x.d.get(&t.id) {
                for (j, v) in [n.to_f64(), d.to_f64()].into_iter().enumerate() {
                    match v.fract() == 0.0 {
                        true => ws.write_number(r, c + j as u16, v)?,
                        false => ws.write_number_with_format(r, c + j as u16, v, &f.dec)?,
                    };
                }
                let (nc, dc) = (
                    format!("{}{}", col_letters(c), r + 1),
                    format!("{}{}", col_letters(c + 1), r + 1),
                );
                let cached = if d.is_zero() {
                    String::new()
                } else {
                    (n.to_f64() / d.to_f64()).to_string()
                };
                ws.write_formula(
                    r,
                    c + 2,
                    Formula::new(format!("=IF({dc}>0,{nc}/{dc},\"\")")).set_result(cached),
                )?;
            } else if let Some(ratio) = x.d_lone.get(&t.id) {
                ws.write_number(r, c + 2, *ratio)?;
            }
        }
    }
    Ok(())
}

/// Three charts: the first two ratio targets of Form A by unit and of Form B by
/// district (as the catalogue orders them; none when it has none), and how many units
/// meet each target.
pub(crate) fn charts_sheet(
    wb: &mut Workbook,
    period_text: &str,
    form_a: &FormTables<'_>,
    a_units: &Placed,
    form_b: &FormTables<'_>,
    b_districts: &Placed,
    n_targets: usize,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_CHARTS)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string(0, 0, "BIỂU ĐỒ")?;
    ws.write_string(1, 0, period_text)?;
    let rate_col = |t: &FormTables<'_>, placed: &Placed, k: usize| {
        placed.first_value_col + (t.columns.len() + k) as u16
    };

    // The first two ratio targets of a form, charted from its rate columns.
    let charted = |t: &FormTables<'_>| -> Vec<usize> {
        (0..t.rates.len())
            .filter(|&k| !t.rates[k].is_count())
            .take(2)
            .collect()
    };
    let title = |t: &FormTables<'_>, ks: &[usize], by: &str, form: &str| {
        let names: Vec<&str> = ks.iter().map(|&k| t.rates[k].name.as_str()).collect();
        format!("{} theo {by} ({form})", names.join("; "))
    };
    let a_rates = charted(form_a);
    if !a_rates.is_empty() {
        let mut c1 = Chart::new(ChartType::Bar);
        c1.title()
            .set_name(&title(form_a, &a_rates, "đơn vị", "Biểu A"));
        for &k in &a_rates {
            let col = rate_col(form_a, a_units, k);
            c1.add_series()
                .set_name((SHEET_FORM_A_UNITS, DATA_ROW - 1, col))
                .set_categories((SHEET_FORM_A_UNITS, a_units.first, 2, a_units.last, 2))
                .set_values((SHEET_FORM_A_UNITS, a_units.first, col, a_units.last, col));
        }
        c1.x_axis().set_num_format("0%");
        c1.set_width(760).set_height(520);
        ws.insert_chart(3, 0, &c1)?;
    }

    let b_rates = charted(form_b);
    if !b_rates.is_empty() {
        let mut c2 = Chart::new(ChartType::Column);
        c2.title()
            .set_name(&title(form_b, &b_rates, "huyện", "Biểu B"));
        for &k in &b_rates {
            let col = rate_col(form_b, b_districts, k);
            c2.add_series()
                .set_name((SHEET_FORM_B_DISTRICTS, DATA_ROW - 1, col))
                .set_categories((
                    SHEET_FORM_B_DISTRICTS,
                    b_districts.first,
                    1,
                    b_districts.last,
                    1,
                ))
                .set_values((
                    SHEET_FORM_B_DISTRICTS,
                    b_districts.first,
                    col,
                    b_districts.last,
                    col,
                ));
        }
        c2.y_axis().set_num_format("0%");
        c2.set_width(760).set_height(400);
        ws.insert_chart(31, 0, &c2)?;
    }

    // Units that meet each target against units with data (summary sheet columns J and K).
    let mut c3 = Chart::new(ChartType::Bar);
    c3.title()
        .set_name("Số đơn vị đạt chỉ tiêu / số đơn vị có số liệu");
    let last = DATA_ROW + n_targets.max(1) as u32 - 1;
    for (col, _) in [(10u16, "có số liệu"), (9, "đạt")] {
        c3.add_series()
            .set_name((SHEET_SUMMARY, DATA_ROW - 1, col))
            .set_categories((SHEET_SUMMARY, DATA_ROW, 1, last, 1))
            .set_values((SHEET_SUMMARY, DATA_ROW, col, last, col));
    }
    c3.set_width(760).set_height(560);
    ws.insert_chart(53, 0, &c3)?;
    Ok(())
}
