//! The report's look, shared by every sheet: Times New Roman (Nghị định 30/2020/NĐ-CP),
//! the cell formats registered once in a fixed order, A4 landscape pages with the title
//! lines, header rows, column letters.

use std::collections::BTreeMap;

use cchc_analysis::attainment::Status;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::ReportError;

/// First data row (0-based) of the tables under the two title lines and header.
pub(crate) const DATA_ROW: u32 = 4;

pub(crate) struct Formats {
    pub(crate) title: Format,
    pub(crate) header: Format,
    pub(crate) text: Format,
    pub(crate) int: Format,
    pub(crate) dec: Format,
    pub(crate) pct: Format,
    pub(crate) total_text: Format,
    pub(crate) total_int: Format,
    pub(crate) status: BTreeMap<Status, Format>,
    pub(crate) status_pct: BTreeMap<Status, Format>,
    /// A count target's value, coloured by status.
    pub(crate) status_int: BTreeMap<Status, Format>,
    /// A change between periods: percentage points, signed.
    pub(crate) change_pct: Format,
    /// A change between periods of a count, signed.
    pub(crate) change_int: Format,
    /// Lines above a table (no border): set explicitly, so they never take a column's format.
    pub(crate) plain: Format,
}

impl Formats {
    /// Gives every format its place in the workbook's style list before any sheet is
    /// written, in one fixed order: a sheet filled on another thread then only looks
    /// formats up, and the style list is the same from run to run.
    pub(crate) fn register(&self, wb: &mut Workbook) {
        let fixed = [
            &self.title,
            &self.header,
            &self.text,
            &self.int,
            &self.dec,
            &self.pct,
            &self.total_text,
            &self.total_int,
            &self.plain,
        ];
        for format in fixed
            .into_iter()
            .chain(self.status.values())
            .chain(self.status_pct.values())
            .chain(self.status_int.values())
            .chain([&self.change_pct, &self.change_int])
        {
            wb.register_format(format);
        }
    }

    /// The format of a target's value: a percentage for a ratio, a number for a count,
    /// coloured by status.
    pub(crate) fn value(&self, status: Status, count: bool) -> &Format {
        if count {
            &self.status_int[&status]
        } else {
            &self.status_pct[&status]
        }
    }
}

/// A bordered table cell in the administrative typeface, 11 pt.
pub(crate) fn cell() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
}

/// A header cell: bold, wrapped, centred, shaded.
pub(crate) fn header_cell() -> Format {
    cell()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
}

/// A sheet's title line: 13 pt bold, no border.
pub(crate) fn title() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(13)
        .set_bold()
}

pub(crate) fn formats() -> Formats {
    let base = cell();
    let header = header_cell();
    let colour = |s: Status| match s {
        Status::Met => 0xC6EFCE,
        Status::NotMet => 0xFFC7CE,
        Status::NoData => 0xEDEDED,
        Status::NotApplicable => 0xFFEB9C,
    };
    let statuses = [
        Status::Met,
        Status::NotMet,
        Status::NoData,
        Status::NotApplicable,
    ];
    Formats {
        title: title(),
        header,
        text: base
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter),
        int: base.clone().set_num_format("#,##0"),
        dec: base.clone().set_num_format("#,##0.00"),
        pct: base.clone().set_num_format("0.0%"),
        total_text: base.clone().set_bold(),
        total_int: base.clone().set_bold().set_num_format("#,##0"),
        status: statuses
            .iter()
            .map(|s| {
                (
                    *s,
                    base.clone().set_background_color(Color::RGB(colour(*s))),
                )
            })
            .collect(),
        status_pct: statuses
            .iter()
            .map(|s| {
                (
                    *s,
                    base.clone()
                        .set_num_format("0.0%")
                        .set_background_color(Color::RGB(colour(*s))),
                )
            })
            .collect(),
        status_int: statuses
            .iter()
            .map(|s| {
                (
                    *s,
                    base.clone()
                        .set_num_format("#,##0")
                        .set_background_color(Color::RGB(colour(*s))),
                )
            })
            .collect(),
        change_pct: base.clone().set_num_format("+0.0%;-0.0%;0.0%"),
        change_int: base.clone().set_num_format("+#,##0;-#,##0;0"),
        plain: Format::new(),
    }
}

pub(crate) fn setup(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    subtitle: &str,
    f: &Formats,
) -> Result<(), ReportError> {
    ws.set_name(name)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(DATA_ROW - 1, DATA_ROW - 1)?;
    ws.set_freeze_panes(DATA_ROW, 0)?;
    ws.write_string_with_format(0, 0, title, &f.title)?;
    ws.write_string_with_format(1, 0, subtitle, &f.plain)?;
    Ok(())
}

/// Formats data columns once: cells written without a format take their column's, which
/// saves rust_xlsxwriter hashing a `Format` for every cell of a large sheet.
pub(crate) fn column_formats(ws: &mut Worksheet, formats: &[&Format]) -> Result<(), ReportError> {
    for (c, fmt) in formats.iter().enumerate() {
        ws.set_column_format(c as u16, fmt)?;
    }
    Ok(())
}

pub(crate) fn headers(
    ws: &mut Worksheet,
    cols: &[(&str, f64)],
    f: &Formats,
) -> Result<(), ReportError> {
    for (i, (label, width)) in cols.iter().enumerate() {
        let c = i as u16;
        ws.write_string_with_format(DATA_ROW - 1, c, *label, &f.header)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_row_height(DATA_ROW - 1, 48)?;
    Ok(())
}

/// Column letters of a 0-based column.
pub(crate) fn col_letters(col: u16) -> String {
    // A, …, Z, AA, …: base 26 without a zero digit.
    let mut n = u32::from(col) + 1;
    let mut out = Vec::with_capacity(3);
    while n > 0 {
        let d = (n - 1) % 26;
        out.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_those_of_a1_references() {
        assert_eq!(
            [0, 25, 26, 51, 52, 701, 702, 16_383].map(col_letters),
            ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
        // The findings' own A1 writer, for every column of a sheet.
        for col in 0..16_384u16 {
            let a1 = cchc_domain::finding::a1(0, u32::from(col));
            assert_eq!(format!("{}1", col_letters(col)), a1, "column {col}");
        }
    }
}
