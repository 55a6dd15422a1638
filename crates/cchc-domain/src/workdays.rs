//! The working days of state bodies (`data/workdays.toml`): weekends, public holidays
//! and make-up Saturdays, and the due date of a dossier whose time limit is given in
//! working days (DOMAIN.md §11).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;

/// The embedded calendar: 2022–2026.
pub const WORKDAYS_TOML: &str = include_str!("../data/workdays.toml");

/// The hour after which a dossier counts as received the next working day.
pub const INTAKE_CLOSES: (u32, u32) = (17, 0);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: String,
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    off: Vec<String>,
    #[serde(default)]
    make_up: Vec<String>,
}

/// A calendar file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WorkdaysError {
    /// Not valid TOML or not of the calendar's shape (the parser's message).
    #[error("lịch ngày làm việc: {0}")]
    Toml(String),
    /// A day that is not `YYYY-MM-DD`, or a range that runs backwards.
    #[error("lịch ngày làm việc, năm {year}: `{text}` không phải ngày (YYYY-MM-DD) hoặc khoảng ngày (YYYY-MM-DD..YYYY-MM-DD)")]
    Day {
        /// The year's entry.
        year: i32,
        /// The text.
        text: String,
    },
    /// A day listed under another year.
    #[error("lịch ngày làm việc: ngày {day} ghi trong năm {year}")]
    WrongYear {
        /// The year's entry.
        year: i32,
        /// The day.
        day: NaiveDate,
    },
    /// A year given twice.
    #[error("lịch ngày làm việc: năm {0} ghi hai lần")]
    Duplicate(i32),
}

/// Which days state bodies work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// The calendar's name.
    pub name: String,
    /// Years the file covers, each with the notices its days come from.
    pub years: Vec<(i32, Vec<String>)>,
    off: BTreeSet<NaiveDate>,
    make_up: BTreeSet<NaiveDate>,
}

/// `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, every day of it.
fn days_of(text: &str, year: i32) -> Result<Vec<NaiveDate>, WorkdaysError> {
    let bad = || WorkdaysError::Day {
        year,
        text: text.to_string(),
    };
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad());
    let (from, to) = match text.split_once("..") {
        Some((a, b)) => (day(a)?, day(b)?),
        None => (day(text)?, day(text)?),
    };
    if to < from {
        return Err(bad());
    }
    Ok(from.iter_days().take_while(|d| *d <= to).collect())
}

impl WorkCalendar {
    /// The embedded calendar (2022–2026).
    ///
    /// ```
    /// use cchc_domain::workdays::WorkCalendar;
    /// use chrono::NaiveDate;
    /// let c = WorkCalendar::embedded();
    /// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    /// assert!(!c.is_working_day(day(2, 9)));  // Tết Giáp Thìn
    /// assert!(c.is_working_day(day(5, 4)));   // a Saturday worked in return for 29/4
    /// ```
    pub fn embedded() -> WorkCalendar {
        WorkCalendar::from_toml(WORKDAYS_TOML).expect("the embedded working-day calendar loads")
    }

    /// A calendar from a file of the embedded one's shape.
    ///
    /// # Errors
    /// [`WorkdaysError`] naming the year and the text at fault.
    pub fn from_toml(text: &str) -> Result<WorkCalendar, WorkdaysError> {
        let raw: RawCalendar =
            toml::from_str(text).map_err(|e| WorkdaysError::Toml(e.to_string()))?;
        let mut calendar = WorkCalendar {
            name: raw.name,
            years: Vec::new(),
            off: BTreeSet::new(),
            make_up: BTreeSet::new(),
        };
        for y in raw.year {
            if calendar.years.iter().any(|(year, _)| *year == y.year) {
                return Err(WorkdaysError::Duplicate(y.year));
            }
            for (texts, set) in [
                (&y.off, &mut calendar.off),
                (&y.make_up, &mut calendar.make_up),
            ] {
                for text in texts {
                    for day in days_of(text, y.year)? {
                        // A range may start in the year before (31/12 of a Tết Dương lịch).
                        if day.year() != y.year && !(day.year() == y.year - 1 && day.month() == 12)
                        {
                            return Err(WorkdaysError::WrongYear { year: y.year, day });
                        }
                        set.insert(day);
                    }
                }
            }
            calendar.years.push((y.year, y.sources));
        }
        calendar.years.sort();
        Ok(calendar)
    }

    /// Whether the calendar lists the days of `year` (outside it only weekends are
    /// known).
    pub fn covers(&self, year: i32) -> bool {
        self.years.iter().any(|(y, _)| *y == year)
    }

    /// Whether state bodies work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.make_up.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.off.contains(&day)
    }

    /// The first working day after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut d = day;
        loop {
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// The day a dossier counts as received: the day itself, or the next working day
    /// when it came after 17:00 or on a day off.
    pub fn intake_day(&self, day: NaiveDate, time: Option<NaiveTime>) -> NaiveDate {
        let closes = NaiveTime::from_hms_opt(INTAKE_CLOSES.0, INTAKE_CLOSES.1, 0);
        let late = matches!((time, closes), (Some(t), Some(c)) if t > c);
        if late || !self.is_working_day(day) {
            self.next_working_day(day)
        } else {
            day
        }
    }

    /// `n` working days after `day` (`day` itself for 0).
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(day, |d, _| self.next_working_day(d))
    }

    /// The due date of a dossier received on `day` at `time` with a time limit of
    /// `limit` working days.
    ///
    /// ```
    /// use cchc_domain::workdays::WorkCalendar;
    /// use chrono::{NaiveDate, NaiveTime};
    /// let c = WorkCalendar::embedded();
    /// let monday = NaiveDate::from_ymd_opt(2022, 3, 7).unwrap();
    /// let at = |h| NaiveTime::from_hms_opt(h, 0, 0);
    /// assert_eq!(c.due_date(monday, at(10), 3), NaiveDate::from_ymd_opt(2022, 3, 10).unwrap());
    /// assert_eq!(c.due_date(monday, at(18), 3), NaiveDate::from_ymd_opt(2022, 3, 11).unwrap());
    /// ```
    pub fn due_date(&self, day: NaiveDate, time: Option<NaiveTime>, limit: u32) -> NaiveDate {
        self.add_working_days(self.intake_day(day, time), limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn at(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    /// Every date below was checked by hand against a printed calendar and the year's
    /// notice.
    #[test]
    fn due_dates_around_the_holidays() {
        let c = WorkCalendar::embedded();
        // The rule's own examples (§11): Monday 10:00 + 3 → Thursday; 18:00 → Friday.
        assert_eq!(c.due_date(d(2022, 3, 7), at(10, 0), 3), d(2022, 3, 10));
        assert_eq!(c.due_date(d(2022, 3, 7), at(18, 0), 3), d(2022, 3, 11));
        // 17:00 sharp is still the same day; 17:01 is not.
        assert_eq!(c.due_date(d(2022, 3, 7), at(17, 0), 1), d(2022, 3, 8));
        assert_eq!(c.due_date(d(2022, 3, 7), at(17, 1), 1), d(2022, 3, 9));
        // Tết Nhâm Dần (off 29/1–6/2/2022): Friday 28/1 + 2 → Tuesday 8/2 (7/2 is day 1).
        assert_eq!(c.due_date(d(2022, 1, 28), at(9, 0), 2), d(2022, 2, 8));
        // Received during Tết (Wednesday 2/2): counts from Monday 7/2; + 1 → Tuesday 8/2.
        assert_eq!(c.intake_day(d(2022, 2, 2), at(9, 0)), d(2022, 2, 7));
        assert_eq!(c.due_date(d(2022, 2, 2), at(9, 0), 1), d(2022, 2, 8));
        // Tết Quý Mão (20/1–26/1/2023): Thursday 19/1 + 1 → Friday 27/1.
        assert_eq!(c.due_date(d(2023, 1, 19), at(8, 0), 1), d(2023, 1, 27));
        // Tết Ất Tỵ (25/1–2/2/2025): Friday 24/1 + 5 → Monday 3/2 … Friday 7/2.
        assert_eq!(c.due_date(d(2025, 1, 24), at(8, 0), 5), d(2025, 2, 7));
        // Tết Bính Ngọ (14/2–22/2/2026): Friday 13/2 + 1 → Monday 23/2.
        assert_eq!(c.due_date(d(2026, 2, 13), at(8, 0), 1), d(2026, 2, 23));
        // 30/4–1/5/2022 (Sat, Sun; made up on 2/5 and 3/5): Friday 29/4 + 1 → Wed 4/5.
        assert_eq!(c.due_date(d(2022, 4, 29), at(8, 0), 1), d(2022, 5, 4));
        // 2023: Giỗ Tổ Saturday 29/4 to Wednesday 3/5 off: Friday 28/4 + 1 → Thursday 4/5.
        assert_eq!(c.due_date(d(2023, 4, 28), at(8, 0), 1), d(2023, 5, 4));
        // 2024: off 27/4–1/5, Saturday 4/5 worked: Friday 26/4 + 1 → Thursday 2/5;
        // Friday 3/5 + 1 → Saturday 4/5; + 2 → Monday 6/5.
        assert_eq!(c.due_date(d(2024, 4, 26), at(8, 0), 1), d(2024, 5, 2));
        assert_eq!(c.due_date(d(2024, 5, 3), at(8, 0), 1), d(2024, 5, 4));
        assert_eq!(c.due_date(d(2024, 5, 3), at(8, 0), 2), d(2024, 5, 6));
        // 2025: Saturday 26/4 worked (for Friday 2/5): Friday 25/4 + 1 → Saturday 26/4;
        // + 2 → Monday 28/4; Tuesday 29/4 + 1 → Monday 5/5.
        assert_eq!(c.due_date(d(2025, 4, 25), at(8, 0), 1), d(2025, 4, 26));
        assert_eq!(c.due_date(d(2025, 4, 25), at(8, 0), 2), d(2025, 4, 28));
        assert_eq!(c.due_date(d(2025, 4, 29), at(8, 0), 1), d(2025, 5, 5));
        // Received on the make-up Saturday itself, in the morning: counts that day.
        assert_eq!(c.intake_day(d(2025, 4, 26), at(9, 0)), d(2025, 4, 26));
        // Quốc khánh 2022 (1/9–4/9): Wednesday 31/8 + 1 → Monday 5/9.
        assert_eq!(c.due_date(d(2022, 8, 31), at(8, 0), 1), d(2022, 9, 5));
        // Quốc khánh 2024 (31/8–3/9): Friday 30/8 + 1 → Wednesday 4/9.
        assert_eq!(c.due_date(d(2024, 8, 30), at(8, 0), 1), d(2024, 9, 4));
        // Quốc khánh 2026 (29/8–2/9, Saturday 22/8 worked): Friday 21/8 + 1 → Saturday
        // 22/8; Friday 28/8 + 1 → Thursday 3/9.
        assert_eq!(c.due_date(d(2026, 8, 21), at(8, 0), 1), d(2026, 8, 22));
        assert_eq!(c.due_date(d(2026, 8, 28), at(8, 0), 1), d(2026, 9, 3));
        // A Saturday received dossier (not a make-up day) counts from Monday.
        assert_eq!(c.intake_day(d(2022, 3, 12), at(9, 0)), d(2022, 3, 14));
        // No time known: the day itself.
        assert_eq!(c.intake_day(d(2022, 3, 7), None), d(2022, 3, 7));
        // Zero days: due the intake day.
        assert_eq!(c.due_date(d(2022, 3, 7), at(18, 0), 0), d(2022, 3, 8));
    }

    #[test]
    fn the_file_s_shape_is_checked() {
        let year = |off: &str, make_up: &str| {
            format!("name = \"x\"\n[[year]]\nyear = 2027\noff = [{off}]\nmake_up = [{make_up}]\n")
        };
        let c = WorkCalendar::from_toml(&year("\"2027-01-01..2027-01-03\"", "\"2027-01-09\""))
            .expect("parses");
        assert!(c.covers(2027) && !c.covers(2026));
        assert!(!c.is_working_day(d(2027, 1, 1)));
        assert!(c.is_working_day(d(2027, 1, 9))); // a Saturday worked
        assert!(c.is_working_day(d(2027, 1, 4)));
        assert!(matches!(
            WorkCalendar::from_toml(&year("\"2027-13-01\"", "")),
            Err(WorkdaysError::Day { year: 2027, .. })
        ));
        assert!(matches!(
            WorkCalendar::from_toml(&year("\"2027-01-05..2027-01-02\"", "")),
            Err(WorkdaysError::Day { .. })
        ));
        assert_eq!(
            WorkCalendar::from_toml(&year("\"2025-05-01\"", "")),
            Err(WorkdaysError::WrongYear {
                year: 2027,
                day: d(2025, 5, 1)
            })
        );
        let twice = format!("{}[[year]]\nyear = 2027\n", year("", ""));
        assert_eq!(
            WorkCalendar::from_toml(&twice),
            Err(WorkdaysError::Duplicate(2027))
        );
        // Every embedded year has its sources.
        let embedded = WorkCalendar::embedded();
        assert_eq!(
            embedded.years.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
            [2022, 2023, 2024, 2025, 2026]
        );
        assert!(embedded.years.iter().all(|(_, s)| !s.is_empty()));
    }
}
