//! The report's sheet of late dossiers (DOMAIN.md §11): the report period's dossiers
//! of one-stop-shop exports finished after their due date, or still pending past it at
//! the period's end. Written only for a batch with dossiers.

use rust_xlsxwriter::Workbook;

use crate::style::{headers, setup, Formats, DATA_ROW};
use crate::workbook::ReportInput;
use crate::ReportError;

/// Sheet name.
pub const SHEET_LATE: &str = "Hồ sơ trễ hạn";

/// Rows the sheet lists at most: a million synthetic dossiers had 358,000 late ones,
/// 4 s and 194 MB of sheet, and a province-year of ten million would pass Excel's
/// 1,048,576 rows. The rest are counted under the table; `late_dossiers.csv` of
/// `--export` has them all.
pub const LATE_ROWS: usize = 20_000;

/// The late and overdue dossiers of the report's period, by unit, each unit's in
/// reading order (as its export lists them).
pub(crate) fn late_sheet(
    wb: &mut Workbook,
    f: &Formats,
    period_text: &str,
    input: &ReportInput<'_>,
) -> Result<(), ReportError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    setup(
        ws,
        SHEET_LATE,
        "HỒ SƠ TTHC GIẢI QUYẾT QUÁ HẠN (TỪ DỮ LIỆU HỆ THỐNG MỘT CỬA)",
        period_text,
        f,
    )?;
    ws.write_string_with_format(
        2,
        0,
        "Hồ sơ có kết quả sau ngày hẹn trả, và hồ sơ đến cuối kỳ chưa giải quyết mà đã quá hạn; số ngày tính theo ngày dương lịch",
        &f.plain,
    )?;
    headers(
        ws,
        &[
            ("STT", 5.0),
            ("Mã đơn vị", 16.0),
            ("Tên đơn vị", 30.0),
            ("Mã hồ sơ", 16.0),
            ("Mã TTHC", 12.0),
            ("Tên TTHC", 36.0),
            ("Lĩnh vực", 22.0),
            ("Ngày tiếp nhận", 11.0),
            ("Ngày hẹn trả", 11.0),
            ("Ngày có kết quả", 11.0),
            ("Số ngày quá hạn", 9.0),
            ("Tình trạng", 18.0),
            ("Tệp", 30.0),
            ("Ô", 7.0),
        ],
        f,
    )?;
    let period = input.batch.period;
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let rows: Vec<_> = input
        .batch
        .late_dossiers
        .iter()
        .filter(|(p, _)| Some(*p) == period)
        .map(|(_, l)| l)
        .collect();
    let left_out = rows.len().saturating_sub(LATE_ROWS);
    for (i, l) in rows.into_iter().take(LATE_ROWS).enumerate() {
        let r = DATA_ROW + i as u32;
        let name = input
            .registry
            .get(l.unit_id())
            .map_or(String::new(), |u| u.name.clone());
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.int)?;
        for (c, text) in [
            (1, l.unit_id().to_string()),
            (2, name),
            (3, l.id.to_string()),
            (4, l.texts().procedure_code.to_string()),
            (5, l.texts().procedure_name.to_string()),
            (6, l.texts().field.to_string()),
            (7, day(l.received)),
            (8, day(l.due)),
            (9, l.finished.map(day).unwrap_or_default()),
        ] {
            ws.write_string_with_format(r, c, text, &f.text)?;
        }
        ws.write_number_with_format(r, 10, l.days_late as f64, &f.int)?;
        let state = match l.finished {
            Some(_) => "Giải quyết quá hạn",
            None => "Chưa giải quyết, đã quá hạn",
        };
        ws.write_string_with_format(r, 11, state, &f.text)?;
        ws.write_string_with_format(r, 12, &*l.source().file, &f.text)?;
        ws.write_string_with_format(r, 13, l.cell(), &f.text)?;
    }
    // Under the table (a low-memory sheet is written row after row).
    if left_out > 0 {
        let r = DATA_ROW + LATE_ROWS as u32 + 1;
        ws.write_string_with_format(
            r,
            0,
            format!(
                "Còn {left_out} hồ sơ quá hạn khác không liệt kê ở đây: xem tệp late_dossiers.csv (cchc consolidate --export)"
            ),
            &f.plain,
        )?;
    }
    Ok(())
}
