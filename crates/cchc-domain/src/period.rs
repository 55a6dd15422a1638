//! Reporting periods: `2022-Q1` … `2022-Q4`, `2022-H1`, `2022-9M`, `2022`.
//!
//! Periods are read from what units write (`Quý I/2022`, `6 tháng đầu năm 2022`,
//! `từ ngày 15/12/2021 đến ngày 14/3/2022`) and from file names (`Q1_2022`).
//! Date ranges follow the official reporting calendar of Nghị định 09/2019/NĐ-CP.

use std::fmt;
use std::str::FromStr;

use crate::text::{normalize, words};

/// Which part of the year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    /// Quarter 1–4.
    Quarter(u8),
    /// The first six months.
    FirstHalf,
    /// The first nine months.
    NineMonths,
    /// The whole year.
    Year,
}

/// A reporting period of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    /// Calendar year of the report.
    pub year: u16,
    /// Part of the year.
    pub kind: PeriodKind,
}

impl Period {
    /// The period's Vietnamese label, as in report titles (`Quý I năm 2022`).
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Quarter(q) => format!("Quý {} năm {}", roman(q), self.year),
            PeriodKind::FirstHalf => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::NineMonths => format!("9 tháng năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
        }
    }

    /// The period just before this one, for the carried-over check (quarters only).
    pub fn previous_quarter(&self) -> Option<Period> {
        match self.kind {
            PeriodKind::Quarter(1) => Some(Period {
                year: self.year - 1,
                kind: PeriodKind::Quarter(4),
            }),
            PeriodKind::Quarter(q) => Some(Period {
                year: self.year,
                kind: PeriodKind::Quarter(q - 1),
            }),
            _ => None,
        }
    }
}

fn roman(q: u8) -> &'static str {
    ["I", "II", "III", "IV"]
        .get(usize::from(q.saturating_sub(1)))
        .copied()
        .unwrap_or("?")
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Quarter(q) => write!(f, "{}-Q{}", self.year, q),
            PeriodKind::FirstHalf => write!(f, "{}-H1", self.year),
            PeriodKind::NineMonths => write!(f, "{}-9M", self.year),
            PeriodKind::Year => write!(f, "{}", self.year),
        }
    }
}

/// A period key that is not one of the canonical forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kỳ báo cáo không hợp lệ: `{0}` (dạng đúng: 2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022)")]
pub struct PeriodKeyError(pub String);

impl Period {
    /// The run's period when none is given: the one stated most often, ties going to
    /// the latest.
    ///
    /// ```
    /// use cchc_domain::period::Period;
    /// let p = |k: &str| k.parse::<Period>().unwrap();
    /// let stated = [p("2022-Q1"), p("2022-Q2"), p("2022-Q1"), p("2022-Q2")];
    /// assert_eq!(Period::most_stated(stated), Some(p("2022-Q2")));
    /// assert_eq!(Period::most_stated([]), None);
    /// ```
    pub fn most_stated(periods: impl IntoIterator<Item = Period>) -> Option<Period> {
        let mut counts: std::collections::BTreeMap<Period, usize> = Default::default();
        for p in periods {
            *counts.entry(p).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(p, n)| (*n, *p))
            .map(|(p, _)| p)
    }
}

impl FromStr for Period {
    type Err = PeriodKeyError;

    /// Parses a canonical key (`2022-Q1`, `2022-H1`, `2022-9M`, `2022`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodKeyError(s.to_string());
        let (year_text, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        let year: u16 = year_text.parse().map_err(|_| err())?;
        if !(1900..=2999).contains(&year) {
            return Err(err());
        }
        let kind = match rest.map(str::to_ascii_uppercase).as_deref() {
            None => PeriodKind::Year,
            Some("Q1") => PeriodKind::Quarter(1),
            Some("Q2") => PeriodKind::Quarter(2),
            Some("Q3") => PeriodKind::Quarter(3),
            Some("Q4") => PeriodKind::Quarter(4),
            Some("H1") => PeriodKind::FirstHalf,
            Some("9M") => PeriodKind::NineMonths,
            _ => return Err(err()),
        };
        Ok(Period { year, kind })
    }
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

/// Reads a period from a line of text (`Kỳ báo cáo: Quý I năm 2022`, a title,
/// a date range). Returns `None` when the text states no period.
///
/// ```
/// use cchc_domain::period::parse_period_text;
/// let p = |s| parse_period_text(s).map(|p| p.to_string());
/// assert_eq!(p("Kỳ báo cáo: Quý I/2022").as_deref(), Some("2022-Q1"));
/// assert_eq!(p("6 tháng đầu năm 2022").as_deref(), Some("2022-H1"));
/// assert_eq!(p("(Từ ngày 15/12/2021 đến ngày 14/3/2022)").as_deref(), Some("2022-Q1"));
/// assert_eq!(p("Hưng Yên, ngày 04 tháng 01 năm 2022"), None);
/// ```
pub fn parse_period_text(text: &str) -> Option<Period> {
    // Every period names a year in digits: a line with no digit at all (most title
    // lines) is not normalised. Any character that normalises to a digit is numeric.
    if !text.chars().any(char::is_numeric) {
        return None;
    }
    parse_period_normalized(text)
}

fn parse_period_normalized(text: &str) -> Option<Period> {
    let norm = normalize(text);
    let ws = words(&norm);
    if let Some(p) = parse_date_range(&ws) {
        return Some(p);
    }
    // A dated line (`ngày 04 tháng 01 năm 2022`) is a signature date, not a period.
    let dated = ws
        .windows(2)
        .any(|w| w[0] == "ngay" && w[1].parse::<u32>().is_ok())
        || ws
            .windows(2)
            .any(|w| w[0] == "thang" && w[1].parse::<u32>().is_ok());
    for (i, w) in ws.iter().enumerate() {
        match *w {
            "quy" => {
                if let Some(q) = ws.get(i + 1).and_then(|w| quarter_word(w)) {
                    if let Some(year) = year_after(&ws, i + 2) {
                        return Some(Period {
                            year,
                            kind: PeriodKind::Quarter(q),
                        });
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
                    return Some(Period { year, kind });
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
                return Some(Period {
                    year,
                    kind: PeriodKind::Year,
                });
            }
        }
    }
    None
}

/// `tu ngay 15 12 2021 den ngay 14 3 2022` in the official calendar
/// (or calendar quarters, `1/1 – 31/3`).
fn parse_date_range(ws: &[&str]) -> Option<Period> {
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
            dates.push((d, m, y));
            i += 3;
        } else {
            i += 1;
        }
    }
    let [(d1, m1, y1), (d2, m2, y2)] = dates[..] else {
        return None;
    };
    let kind = match ((d1, m1), (d2, m2)) {
        ((15, 12), (14, 3)) if y1 + 1 == y2 => PeriodKind::Quarter(1),
        ((15, 3), (14, 6)) if y1 == y2 => PeriodKind::Quarter(2),
        ((15, 6), (14, 9)) if y1 == y2 => PeriodKind::Quarter(3),
        ((15, 9), (14, 12)) if y1 == y2 => PeriodKind::Quarter(4),
        ((15, 12), (14, 6)) if y1 + 1 == y2 => PeriodKind::FirstHalf,
        ((15, 12), (14, 9)) if y1 + 1 == y2 => PeriodKind::NineMonths,
        ((15, 12), (14, 12)) if y1 + 1 == y2 => PeriodKind::Year,
        ((1, 1), (31, 3)) if y1 == y2 => PeriodKind::Quarter(1),
        ((1, 4), (30, 6)) if y1 == y2 => PeriodKind::Quarter(2),
        ((1, 7), (30, 9)) if y1 == y2 => PeriodKind::Quarter(3),
        ((1, 10), (31, 12)) if y1 == y2 => PeriodKind::Quarter(4),
        ((1, 1), (30, 6)) if y1 == y2 => PeriodKind::FirstHalf,
        ((1, 1), (30, 9)) if y1 == y2 => PeriodKind::NineMonths,
        ((1, 1), (31, 12)) if y1 == y2 => PeriodKind::Year,
        _ => return None,
    };
    Some(Period { year: y2, kind })
}

/// Reads a period from a file name (`PGD_VanLam_Q1_2022.xlsx`, `bao-cao-quy-1-2022.xls`,
/// `2022-Q1 THPT Tiên Lữ.ods`, `6 thang 2022.xlsx`).
///
/// ```
/// use cchc_domain::period::parse_period_filename;
/// assert_eq!(parse_period_filename("PGD_VanLam_Q1_2022.xlsx").map(|p| p.to_string()).as_deref(), Some("2022-Q1"));
/// assert_eq!(parse_period_filename("2022-Q3 THPT.xlsx").map(|p| p.to_string()).as_deref(), Some("2022-Q3"));
/// ```
pub fn parse_period_filename(name: &str) -> Option<Period> {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let spaced = crate::text::separators_to_spaces(stem);
    if let Some(p) = parse_period_text(&spaced) {
        return Some(p);
    }
    let norm = normalize(&spaced);
    let ws = words(&norm);
    for (i, w) in ws.iter().enumerate() {
        let q = match *w {
            "q1" | "qi" => Some(1),
            "q2" | "qii" => Some(2),
            "q3" | "qiii" => Some(3),
            "q4" | "qiv" => Some(4),
            _ => None,
        };
        let half = match *w {
            "h1" | "6t" | "6thang" => Some(PeriodKind::FirstHalf),
            "9m" | "9t" | "9thang" => Some(PeriodKind::NineMonths),
            _ => None,
        };
        let kind = q.map(PeriodKind::Quarter).or(half);
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
            assert_eq!(
                parse_period_text(line),
                parse_period_normalized(line),
                "{line}"
            );
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
    fn keys_round_trip() {
        for k in ["2022-Q1", "2022-Q4", "2022-H1", "2022-9M", "2022"] {
            assert_eq!(k.parse::<Period>().map(|p| p.to_string()).as_deref(), Ok(k));
        }
        assert!("2022-Q5".parse::<Period>().is_err());
        assert!("Q1".parse::<Period>().is_err());
        let q1: Period = "2022-Q1".parse().expect("valid key");
        assert_eq!(
            q1.previous_quarter().map(|p| p.to_string()).as_deref(),
            Some("2021-Q4")
        );
        assert_eq!(q1.label_vi(), "Quý I năm 2022");
    }

    #[test]
    fn file_names() {
        let f = |s| parse_period_filename(s).map(|p| p.to_string());
        assert_eq!(f("bao-cao-quy-1-2022.xls").as_deref(), Some("2022-Q1"));
        assert_eq!(f("BC_QII_2022.ods").as_deref(), Some("2022-Q2"));
        assert_eq!(f("THPT Tien Lu.xlsx"), None);
    }
}
