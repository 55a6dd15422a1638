//! Periods as units write them: in a line of text (`Kỳ báo cáo: Quý I/2022`, `6 tháng
//! đầu năm 2022`, `Tháng 3/2026`, a date range) and in a file name (`Q1_2022`). The
//! words are read here; which periods exist and their dates are the [`Calendar`]'s.

use chrono::NaiveDate;

use super::{Calendar, Period, PeriodKind};
use crate::text::{normalize, words};

/// What a line or a file name states: a period by name, or a date range the calendar
/// decides.
enum Written {
    Named(Period),
    Range(NaiveDate, NaiveDate),
}

impl Calendar {
    /// Reads a period from a line of text (`Kỳ báo cáo: Quý I năm 2022`, a title, a
    /// date range); `None` when the text states no period of this calendar.
    ///
    /// ```
    /// use cchc_domain::period::Calendar;
    /// let cal = Calendar::official();
    /// let p = |s| cal.parse_text(s).map(|p| p.to_string());
    /// assert_eq!(p("Kỳ báo cáo: Quý I/2022").as_deref(), Some("2022-Q1"));
    /// assert_eq!(p("6 tháng đầu năm 2022").as_deref(), Some("2022-H1"));
    /// assert_eq!(p("(Từ ngày 15/12/2021 đến ngày 14/3/2022)").as_deref(), Some("2022-Q1"));
    /// assert_eq!(p("Báo cáo tháng 03 năm 2026").as_deref(), Some("2026-M03"));
    /// assert_eq!(p("Hưng Yên, ngày 04 tháng 01 năm 2022"), None);
    /// ```
    pub fn parse_text(&self, text: &str) -> Option<Period> {
        // Every period names a year in digits: a line with no digit at all (most title
        // lines) is not normalised. Any character that normalises to a digit is numeric.
        if !text.chars().any(char::is_numeric) {
            return None;
        }
        self.resolve(parse_normalized(text)?)
    }

    /// Reads a period from a file name (`PGD_VanLam_Q1_2022.xlsx`,
    /// `bao-cao-quy-1-2022.xls`, `2022-Q3 THPT Tiên Lữ.ods`, `2026-M03.xlsx`).
    ///
    /// ```
    /// use cchc_domain::period::Calendar;
    /// let f = |s| Calendar::official().parse_filename(s).map(|p| p.to_string());
    /// assert_eq!(f("PGD_VanLam_Q1_2022.xlsx").as_deref(), Some("2022-Q1"));
    /// assert_eq!(f("2022-Q3 THPT.xlsx").as_deref(), Some("2022-Q3"));
    /// assert_eq!(f("THPT_VanLam_M03_2026.xlsx").as_deref(), Some("2026-M03"));
    /// ```
    pub fn parse_filename(&self, name: &str) -> Option<Period> {
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let spaced = crate::text::separators_to_spaces(stem);
        if let Some(p) = self.parse_text(&spaced) {
            return Some(p);
        }
        self.resolve(Written::Named(filename_words(&spaced)?))
    }

    fn resolve(&self, w: Written) -> Option<Period> {
        match w {
            Written::Named(p) => self.defines(p.kind).then_some(p),
            Written::Range(from, to) => self.of_range(from, to),
        }
    }
}

/// [`Calendar::parse_text`] with the default calendar.
///
/// ```
/// use cchc_domain::period::parse_period_text;
/// assert_eq!(parse_period_text("Quý II/2022").map(|p| p.to_string()).as_deref(), Some("2022-Q2"));
/// ```
pub fn parse_period_text(text: &str) -> Option<Period> {
    Calendar::official().parse_text(text)
}

/// [`Calendar::parse_filename`] with the default calendar.
///
/// ```
/// use cchc_domain::period::parse_period_filename;
/// assert_eq!(parse_period_filename("BC_QII_2022.ods").map(|p| p.to_string()).as_deref(), Some("2022-Q2"));
/// ```
pub fn parse_period_filename(name: &str) -> Option<Period> {
    Calendar::official().parse_filename(name)
}

fn year_word(w: &str) -> Option<u16> {
    if w.len() == 4 {
        w.parse().ok().filter(|y| (1990..=2100).contains(y))
    } else {
        None
    }
}

fn quarter_word(w: &str) -> Option<u8> {
    match w {
        "1" | "i" => Some(1),
        "2" | "ii" => Some(2),
        "3" | "iii" => Some(3),
        "4" | "iv" => Some(4),
        _ => None,
    }
}

/// The first year word among the next few words (skipping `nam`, `dau`).
fn year_after(ws: &[&str], from: usize) -> Option<u16> {
    ws.iter().skip(from).take(4).find_map(|w| year_word(w))
}

/// The period a normalised line states, before the calendar says whether it has it.
fn parse_normalized(text: &str) -> Option<Written> {
    let norm = normalize(text);
    let ws = words(&norm);
    if let Some(range) = parse_date_range(&ws) {
        return Some(range);
    }
    // A dated line (`ngày 04 tháng 01 năm 2022`, `ngày … tháng 3 năm 2022`) is a
    // signature date, not a period; so is `Hưng Yên, tháng 3 năm 2022`.
    let has_day = ws.contains(&"ngay");
    let dated = has_day
        || ws
            .windows(2)
            .any(|w| w[0] == "thang" && w[1].parse::<u32>().is_ok());
    let place_dated = text
        .split(',')
        .skip(1)
        .any(|rest| normalize(rest).starts_with("thang "));
    let named = |year, kind| Some(Written::Named(Period { year, kind }));
    for (i, w) in ws.iter().enumerate() {
        match *w {
            "quy" => {
                if let Some(q) = ws.get(i + 1).and_then(|w| quarter_word(w)) {
                    if let Some(year) = year_after(&ws, i + 2) {
                        return named(year, PeriodKind::Quarter(q));
                    }
                }
            }
            "6" | "9" if ws.get(i + 1) == Some(&"thang") => {
                if let Some(year) = year_after(&ws, i + 2) {
                    let kind = if *w == "6" {
                        PeriodKind::FirstHalf
                    } else {
                        PeriodKind::NineMonths
                    };
                    return named(year, kind);
                }
            }
            "thang" if !has_day && !place_dated => {
                if let Some(m) = ws.get(i + 1).and_then(|w| month_word(w)) {
                    let year = match ws.get(i + 2) {
                        Some(&"nam") => ws.get(i + 3).and_then(|w| year_word(w)),
                        Some(w) => year_word(w),
                        None => None,
                    };
                    if let Some(year) = year {
                        return named(year, PeriodKind::Month(m));
                    }
                }
            }
            _ => {}
        }
    }
    if dated {
        return None;
    }
    for (i, w) in ws.iter().enumerate() {
        if *w == "nam" {
            if let Some(year) = ws.get(i + 1).and_then(|w| year_word(w)) {
                return named(year, PeriodKind::Year);
            }
        }
    }
    None
}

/// A month number as written after `tháng` (`3`, `03`).
fn month_word(w: &str) -> Option<u8> {
    w.parse::<u8>()
        .ok()
        .filter(|m| (1..=12).contains(m) && w.len() <= 2)
}

/// `tu ngay 15 12 2021 den ngay 14 3 2022`: two dates, which the calendar names.
fn parse_date_range(ws: &[&str]) -> Option<Written> {
    let mut dates = Vec::new();
    let mut i = 0;
    while i + 2 < ws.len() {
        let d = ws[i]
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=31).contains(d) && ws[i].len() <= 2);
        let m = ws[i + 1]
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=12).contains(m) && ws[i + 1].len() <= 2);
        let y = year_word(ws[i + 2]);
        if let (Some(d), Some(m), Some(y)) = (d, m, y) {
            dates.push(NaiveDate::from_ymd_opt(i32::from(y), m, d));
            i += 3;
        } else {
            i += 1;
        }
    }
    let [Some(from), Some(to)] = dates[..] else {
        return None;
    };
    Some(Written::Range(from, to))
}

/// The period a file name's words give (`q1 2022`, `2022 h1`, `m03 2026`).
fn filename_words(spaced: &str) -> Option<Period> {
    let norm = normalize(spaced);
    let ws = words(&norm);
    for (i, w) in ws.iter().enumerate() {
        let q = match *w {
            "q1" | "qi" => Some(1),
            "q2" | "qii" => Some(2),
            "q3" | "qiii" => Some(3),
            "q4" | "qiv" => Some(4),
            _ => None,
        };
        let other = match *w {
            "h1" | "6t" | "6thang" => Some(PeriodKind::FirstHalf),
            "9m" | "9t" | "9thang" => Some(PeriodKind::NineMonths),
            _ => w
                .strip_prefix('m')
                .and_then(month_word)
                .map(PeriodKind::Month),
        };
        let kind = q.map(PeriodKind::Quarter).or(other);
        if let Some(kind) = kind {
            let year = ws.get(i + 1).and_then(|w| year_word(w)).or_else(|| {
                i.checked_sub(1)
                    .and_then(|j| ws.get(j))
                    .and_then(|w| year_word(w))
            });
            if let Some(year) = year {
                return Some(Period { year, kind });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_without_digits_are_skipped_without_changing_any_answer() {
        // The digit pre-check against the full reading, on lines with ASCII digits,
        // full-width and superscript digits, Roman quarters, and none at all.
        let lines = [
            "Kỳ báo cáo: Quý I năm 2022",
            "Quý IV/2021",
            "Kỳ báo cáo: Quý I năm ２０２２",
            "Quý Ⅰ năm 2022",
            "năm 2⁰22",
            "6 tháng đầu năm 2022",
            "(Từ ngày 15/12/2021 đến ngày 14/3/2022)",
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC",
            "Quý một năm hai nghìn không trăm hai mươi hai",
            "Đơn vị báo cáo: Phòng GDĐT huyện Văn Lâm",
            "",
        ];
        for line in lines {
            let full = parse_normalized(line).and_then(|w| Calendar::official().resolve(w));
            assert_eq!(parse_period_text(line), full, "{line}");
        }
        assert_eq!(
            parse_period_text("Kỳ báo cáo: Quý I năm 2022").map(|p| p.to_string()),
            Some("2022-Q1".to_string())
        );
    }

    fn key(s: &str) -> Option<String> {
        parse_period_text(s).map(|p| p.to_string())
    }

    #[test]
    fn written_periods() {
        assert_eq!(key("Quý 1 năm 2022").as_deref(), Some("2022-Q1"));
        assert_eq!(
            key("KỲ BÁO CÁO: QUÝ IV NĂM 2022").as_deref(),
            Some("2022-Q4")
        );
        assert_eq!(key("Quy II/2022").as_deref(), Some("2022-Q2"));
        assert_eq!(key("9 tháng năm 2022").as_deref(), Some("2022-9M"));
        assert_eq!(key("Báo cáo năm 2022").as_deref(), Some("2022"));
        assert_eq!(key("Đơn vị tính: Số hồ sơ TTHC"), None);
    }

    #[test]
    fn official_calendar() {
        assert_eq!(
            key("từ ngày 15/3/2022 đến ngày 14/6/2022").as_deref(),
            Some("2022-Q2")
        );
        assert_eq!(
            key("từ ngày 15/12/2021 đến ngày 14/6/2022").as_deref(),
            Some("2022-H1")
        );
        assert_eq!(
            key("từ ngày 15/12/2021 đến ngày 14/9/2022").as_deref(),
            Some("2022-9M")
        );
        assert_eq!(
            key("từ ngày 15/12/2021 đến ngày 14/12/2022").as_deref(),
            Some("2022")
        );
        assert_eq!(
            key("từ ngày 01/01/2022 đến ngày 31/03/2022").as_deref(),
            Some("2022-Q1")
        );
        assert_eq!(key("từ ngày 16/12/2021 đến ngày 14/3/2022"), None);
    }

    #[test]
    fn months_in_every_spelling() {
        for text in [
            "Tháng 3/2026",
            "Kỳ báo cáo: tháng 03 năm 2026",
            "BÁO CÁO THÁNG 3 NĂM 2026",
            "(Từ ngày 15/02/2026 đến ngày 14/3/2026)",
            "từ ngày 01/03/2026 đến ngày 31/03/2026",
        ] {
            assert_eq!(key(text).as_deref(), Some("2026-M03"), "{text}");
        }
        assert_eq!(
            key("từ ngày 01/02/2026 đến ngày 28/02/2026").as_deref(),
            Some("2026-M02")
        );
        // Signature dates are not months.
        for text in [
            "Hưng Yên, ngày 04 tháng 01 năm 2022",
            "Văn Lâm, ngày     tháng 3 năm 2026",
            "Hưng Yên, tháng 3 năm 2026",
        ] {
            assert_eq!(key(text), None, "{text}");
        }
        let f = |s| parse_period_filename(s).map(|p| p.to_string());
        assert_eq!(f("2026-M03 THPT Văn Lâm.xlsx").as_deref(), Some("2026-M03"));
        assert_eq!(f("bao-cao-thang-3-2026.xlsx").as_deref(), Some("2026-M03"));
        assert_eq!(f("PGD_M12_2025.xlsx").as_deref(), Some("2025-M12"));
        assert_eq!(f("PGD_M13_2025.xlsx"), None);
    }

    #[test]
    fn a_calendar_without_a_kind_reads_no_such_period() {
        let cal =
            Calendar::from_toml("[[period]]\nkey = \"Q1\"\nfrom = \"1/1/Y\"\nto = \"31/3/Y\"\n")
                .expect("a calendar");
        assert_eq!(
            cal.parse_text("Quý I năm 2026")
                .map(|p| p.to_string())
                .as_deref(),
            Some("2026-Q1")
        );
        assert_eq!(cal.parse_text("Tháng 3 năm 2026"), None);
        assert_eq!(
            cal.parse_text("từ ngày 15/12/2025 đến ngày 14/3/2026"),
            None
        );
        assert_eq!(
            cal.parse_text("từ ngày 01/01/2026 đến ngày 31/3/2026")
                .map(|p| p.to_string())
                .as_deref(),
            Some("2026-Q1")
        );
    }

    #[test]
    fn file_names() {
        let f = |s| parse_period_filename(s).map(|p| p.to_string());
        assert_eq!(f("bao-cao-quy-1-2022.xls").as_deref(), Some("2022-Q1"));
        assert_eq!(f("BC_QII_2022.ods").as_deref(), Some("2022-Q2"));
        assert_eq!(f("THPT Tien Lu.xlsx"), None);
    }
}
