//! Reporting periods: `2022-Q1` … `2022-Q4`, `2022-H1`, `2022-9M`, `2022`, and months
//! `2026-M01` … `2026-M12`.
//!
//! A period is a year and a kind; its dates come from a [`Calendar`] (data, the
//! default being the official calendar of Nghị định 09/2019/NĐ-CP, docs/contract.md
//! §7.4 and §9). Periods are read from what units write (`Quý I/2022`, `6 tháng đầu năm
//! 2022`, `Tháng 3/2026`, `từ ngày 15/12/2021 đến ngày 14/3/2022`) and from file names
//! (`Q1_2022`) by [`Calendar::parse_text`] and [`Calendar::parse_filename`].

use std::fmt;
use std::str::FromStr;

mod calendar;
mod written;

pub use calendar::{Calendar, CalendarError, DEFAULT_CALENDAR_TOML};
/// The date type of calendars and registries.
pub use chrono::NaiveDate;
pub use written::{parse_period_filename, parse_period_text};

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
    /// Month 1–12.
    Month(u8),
}

impl PeriodKind {
    /// Every kind a period key can name, in the order calendars list them.
    pub const ALL: [PeriodKind; 19] = [
        PeriodKind::Month(1),
        PeriodKind::Month(2),
        PeriodKind::Month(3),
        PeriodKind::Month(4),
        PeriodKind::Month(5),
        PeriodKind::Month(6),
        PeriodKind::Month(7),
        PeriodKind::Month(8),
        PeriodKind::Month(9),
        PeriodKind::Month(10),
        PeriodKind::Month(11),
        PeriodKind::Month(12),
        PeriodKind::Quarter(1),
        PeriodKind::Quarter(2),
        PeriodKind::Quarter(3),
        PeriodKind::Quarter(4),
        PeriodKind::FirstHalf,
        PeriodKind::NineMonths,
        PeriodKind::Year,
    ];

    /// The key's suffix (`Q1`, `H1`, `9M`, `M03`; `year` for the whole year, whose
    /// key is the bare year).
    pub fn suffix(self) -> String {
        match self {
            PeriodKind::Quarter(q) => format!("Q{q}"),
            PeriodKind::FirstHalf => "H1".into(),
            PeriodKind::NineMonths => "9M".into(),
            PeriodKind::Year => "year".into(),
            PeriodKind::Month(m) => format!("M{m:02}"),
        }
    }

    /// The kind a key suffix names (`Q1`, `h1`, `9M`, `M3`, `M03`, `year`).
    pub fn from_suffix(s: &str) -> Option<PeriodKind> {
        let up = s.trim().to_ascii_uppercase();
        let kind = match up.as_str() {
            "YEAR" => PeriodKind::Year,
            "H1" => PeriodKind::FirstHalf,
            "9M" => PeriodKind::NineMonths,
            _ => {
                let (head, n) = up.split_at(up.len().min(1));
                let n: u8 = n.parse().ok().filter(|_| !n.starts_with('+'))?;
                match head {
                    "Q" if (1..=4).contains(&n) && n.to_string() == up[1..] => {
                        PeriodKind::Quarter(n)
                    }
                    "M" if (1..=12).contains(&n) && up.len() <= 3 => PeriodKind::Month(n),
                    _ => return None,
                }
            }
        };
        Some(kind)
    }

    /// Same kinds of period follow one another (quarter after quarter, month after
    /// month, year after year); the first six and nine months have no predecessor.
    pub(crate) fn family(self) -> u8 {
        match self {
            PeriodKind::Month(_) => 0,
            PeriodKind::Quarter(_) => 1,
            PeriodKind::FirstHalf => 2,
            PeriodKind::NineMonths => 3,
            PeriodKind::Year => 4,
        }
    }
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
    ///
    /// ```
    /// use cchc_domain::period::Period;
    /// let label = |k: &str| k.parse::<Period>().unwrap().label_vi();
    /// assert_eq!(label("2022-Q1"), "Quý I năm 2022");
    /// assert_eq!(label("2026-M03"), "Tháng 3 năm 2026");
    /// ```
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Quarter(q) => format!("Quý {} năm {}", roman(q), self.year),
            PeriodKind::FirstHalf => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::NineMonths => format!("9 tháng năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
            PeriodKind::Month(m) => format!("Tháng {m} năm {}", self.year),
        }
    }

    /// The same period a year earlier.
    pub fn year_earlier(&self) -> Period {
        Period {
            year: self.year.saturating_sub(1),
            kind: self.kind,
        }
    }

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

fn roman(q: u8) -> &'static str {
    ["I", "II", "III", "IV"]
        .get(usize::from(q.saturating_sub(1)))
        .copied()
        .unwrap_or("?")
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.year),
            kind => write!(f, "{}-{}", self.year, kind.suffix()),
        }
    }
}

/// A period key that is not one of the canonical forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kỳ báo cáo không hợp lệ: `{0}` (dạng đúng: 2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022, 2026-M01 … 2026-M12)")]
pub struct PeriodKeyError(pub String);

impl FromStr for Period {
    type Err = PeriodKeyError;

    /// Parses a canonical key (`2022-Q1`, `2022-H1`, `2022-9M`, `2022`, `2026-M03`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodKeyError(s.to_string());
        let (year_text, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        let year: u16 = year_text.parse().map_err(|_| err())?;
        if !(1900..=2999).contains(&year) || year_text.len() != 4 {
            return Err(err());
        }
        let kind = match rest {
            None => PeriodKind::Year,
            Some(r) if r.eq_ignore_ascii_case("year") => return Err(err()),
            Some(r) => PeriodKind::from_suffix(r).ok_or_else(err)?,
        };
        Ok(Period { year, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for k in [
            "2022-Q1", "2022-Q4", "2022-H1", "2022-9M", "2022", "2026-M03", "2026-M12",
        ] {
            assert_eq!(k.parse::<Period>().map(|p| p.to_string()).as_deref(), Ok(k));
        }
        assert_eq!(
            "2026-m3"
                .parse::<Period>()
                .map(|p| p.to_string())
                .as_deref(),
            Ok("2026-M03")
        );
        for bad in [
            "2022-Q5",
            "Q1",
            "2022-M13",
            "2022-M0",
            "2022-M003",
            "2022-year",
            "22-Q1",
            "2022-Q01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        let q1: Period = "2022-Q1".parse().expect("valid key");
        assert_eq!(q1.label_vi(), "Quý I năm 2022");
        assert_eq!(q1.year_earlier().to_string(), "2021-Q1");
    }

    #[test]
    fn every_kind_has_a_suffix_that_reads_back() {
        for k in PeriodKind::ALL {
            assert_eq!(PeriodKind::from_suffix(&k.suffix()), Some(k));
        }
    }
}
