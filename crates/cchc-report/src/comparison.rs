//! The comparison sheet (docs/contract.md §9): for every scope of the report's period
//! and every target, this period's value, the previous period's and the same period's a
//! year before, and the changes, each value coloured by its own status.

use std::borrow::Cow;

use cchc_analysis::attainment::{Attainment, Scope, Status};
use cchc_domain::period::Period;
use rust_xlsxwriter::{Workbook, Worksheet};

use crate::sheets::AttainmentIndex;
use crate::style::{headers, setup, Formats, DATA_ROW};
use crate::workbook::{period_rows, ReportInput, SHEET_COMPARISON};
use crate::ReportError;

/// The three periods compared: the report's, the one before it in the calendar, and
/// the same one a year earlier.
pub(crate) struct Compared {
    this: Period,
    previous: Option<Period>,
    year_earlier: Period,
}

impl Compared {
    /// The periods to compare for the report's period, when the batch holds another.
    pub(crate) fn of(input: &ReportInput<'_>) -> Option<Compared> {
        let this = input.batch.period?;
        (input.batch.periods.iter().any(|p| *p != this)).then(|| Compared {
            this,
            previous: input.batch.calendar.previous(this),
            year_earlier: this.year_earlier(),
        })
    }
}

/// Column of each compared value (this, previous, year earlier) and of the changes.
const THIS: u16 = 7;
const PREVIOUS: u16 = 9;
const YEAR_EARLIER: u16 = 11;

pub(crate) fn comparison_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
    compared: &Compared,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(
        ws,
        SHEET_COMPARISON,
        "SO SÁNH KẾT QUẢ THỰC HIỆN CHỈ TIÊU GIỮA CÁC KỲ",
        period_text,
        f,
    )?;
    let label = |p: Option<Period>| p.map_or_else(|| "không có".to_string(), |p| p.label_vi());
    ws.write_string_with_format(
        2,
        0,
        format!(
            "Kỳ này: {}; kỳ trước: {}; cùng kỳ năm trước: {}. Thay đổi: điểm phần trăm (chỉ tiêu tỷ lệ) hoặc số (chỉ tiêu đếm); ô trống: kỳ đó chưa có số liệu. Màu theo đánh giá của từng kỳ.",
            compared.this.label_vi(),
            label(compared.previous),
            compared.year_earlier.label_vi()
        ),
        &f.plain,
    )?;
    headers(
        ws,
        &[
            ("STT", 5.0),
            ("Cấp", 9.0),
            ("Mã", 16.0),
            ("Tên", 32.0),
            ("Mã chỉ tiêu", 18.0),
            ("Chỉ tiêu", 30.0),
            ("Ngưỡng", 8.0),
            ("Kỳ này", 10.0),
            ("Đánh giá kỳ này", 13.0),
            ("Kỳ trước", 10.0),
            ("Thay đổi so với kỳ trước", 12.0),
            ("Cùng kỳ năm trước", 10.0),
            ("Thay đổi so với cùng kỳ", 12.0),
        ],
        f,
    )?;
    let rows = |p: Option<Period>| p.map(|p| period_rows(input.attainment, &p.to_string()));
    let (this, previous, year_earlier) = (
        rows(Some(compared.this)),
        rows(compared.previous),
        rows(Some(compared.year_earlier)),
    );
    fn index<'a>(r: &'a Option<Cow<'_, [Attainment]>>) -> Option<AttainmentIndex<'a>> {
        r.as_ref()
            .filter(|r| !r.is_empty())
            .map(|r| AttainmentIndex::new(r))
    }
    let (this, previous, year_earlier) = (index(&this), index(&previous), index(&year_earlier));
    let Some(this) = this else {
        return Ok(());
    };
    let mut scopes: Vec<(Scope, &str, &str, &str)> =
        vec![(Scope::Province, "Tỉnh", input.province, input.province)];
    let districts = input.registry.districts();
    scopes.extend(
        districts
            .iter()
            .map(|d| (Scope::District, "Huyện/cụm", d.as_str(), d.as_str())),
    );
    scopes.extend(
        input
            .registry
            .units()
            .iter()
            .map(|u| (Scope::Unit, "Đơn vị", u.unit_id.as_str(), u.name.as_str())),
    );
    let mut r = DATA_ROW;
    for (scope, level, id, name) in scopes {
        for t in &input.catalogue.targets {
            let now = this.get(scope, id, &t.id);
            let before = previous.as_ref().and_then(|i| i.get(scope, id, &t.id));
            let year = year_earlier.as_ref().and_then(|i| i.get(scope, id, &t.id));
            ws.write_number_with_format(r, 0, f64::from(r - DATA_ROW + 1), &f.int)?;
            ws.write_string_with_format(r, 1, level, &f.text)?;
            ws.write_string_with_format(r, 2, id, &f.text)?;
            ws.write_string_with_format(r, 3, name, &f.text)?;
            ws.write_string_with_format(r, 4, &t.id, &f.text)?;
            ws.write_string_with_format(r, 5, &t.name, &f.text)?;
            ws.write_string_with_format(r, 6, t.threshold_label(), &f.text)?;
            let count = t.is_count();
            value(ws, f, r, THIS, now, count)?;
            let status = now.map_or(Status::NoData, |a| a.status);
            ws.write_string_with_format(r, THIS + 1, status.label_vi(), &f.status[&status])?;
            for (c, other) in [(PREVIOUS, before), (YEAR_EARLIER, year)] {
                value(ws, f, r, c, other, count)?;
                let change = now
                    .and_then(|a| a.value())
                    .zip(other.and_then(|a| a.value()));
                match change {
                    Some((a, b)) => ws.write_number_with_format(
                        r,
                        c + 1,
                        a - b,
                        if count { &f.change_int } else { &f.change_pct },
                    )?,
                    None => ws.write_string_with_format(r, c + 1, "", &f.text)?,
                };
            }
            r += 1;
        }
    }
    Ok(())
}

/// A period's value in its status colour, blank (grey) where it has none.
fn value(
    ws: &mut Worksheet,
    f: &Formats,
    r: u32,
    c: u16,
    a: Option<&Attainment>,
    count: bool,
) -> Result<(), ReportError> {
    let status = a.map_or(Status::NoData, |a| a.status);
    match a.and_then(|a| a.value()) {
        Some(v) => ws.write_number_with_format(r, c, v, f.value(status, count))?,
        None => ws.write_string_with_format(r, c, "", &f.status[&status])?,
    };
    Ok(())
}
