//! The reporting calendar as data (docs/contract.md §7.4, §9): which periods exist and
//! the days each one covers, other date ranges units write for them, and which
//! periods a cumulative one is made of.
//!
//! The default (`data/calendar.toml`) is the calendar of Nghị định 09/2019/NĐ-CP; a
//! run may replace it (`--calendar FILE`). A date is written `day/month/Y`, where `Y`
//! is the period's year and `Y-1` the year before (`15/12/Y-1`); a day past the end
//! of its month (`29/02/Y`) is the month's last day.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use super::{Period, PeriodKind};
use crate::text::line_at;

/// The embedded default calendar (Nghị định 09/2019/NĐ-CP).
pub const DEFAULT_CALENDAR_TOML: &str = include_str!("../../data/calendar.toml");

/// A day of a period's year: `15/12/Y-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayRef {
    day: u32,
    month: u32,
    year_offset: i32,
}

impl DayRef {
    fn parse(text: &str) -> Option<DayRef> {
        let mut it = text.trim().split('/');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        let day: u32 = d.trim().parse().ok().filter(|d| (1..=31).contains(d))?;
        let month: u32 = m.trim().parse().ok().filter(|m| (1..=12).contains(m))?;
        let y = y.trim();
        let rest = y.strip_prefix('Y').or_else(|| y.strip_prefix('y'))?.trim();
        let year_offset = match rest.chars().next() {
            None => 0,
            Some('-') => -rest[1..].trim().parse::<i32>().ok()?,
            Some('+') => rest[1..].trim().parse::<i32>().ok()?,
            Some(_) => return None,
        };
        (year_offset.abs() <= 1).then_some(DayRef {
            day,
            month,
            year_offset,
        })
    }

    /// The day in the period of year `year` (a day past the month's end is its last).
    fn on(self, year: i32) -> Option<NaiveDate> {
        let y = year + self.year_offset;
        (1..=self.day)
            .rev()
            .find_map(|d| NaiveDate::from_ymd_opt(y, self.month, d))
    }
}

/// One period kind of the calendar.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    kind: PeriodKind,
    from: DayRef,
    to: DayRef,
    /// Other ranges units write for the same period (calendar quarters).
    also: Vec<(DayRef, DayRef)>,
    /// What a cumulative period is made of, in order (`H1` = `Q1`, `Q2`).
    parts: Vec<PeriodKind>,
}

/// Which periods exist and the days each covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    name: String,
    entries: BTreeMap<PeriodKind, Entry>,
}

/// A calendar file that cannot be used; the message names the line and key.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// Not valid TOML, or a key missing, unknown or of the wrong type (the TOML error
    /// gives the line and the key).
    #[error("lịch kỳ báo cáo: {0}")]
    Toml(String),
    /// A value that TOML accepts but the calendar does not.
    #[error("lịch kỳ báo cáo: dòng {line}: kỳ `{period}`, khóa `{key}`: {message}")]
    Invalid {
        /// 1-based line of the key's value.
        line: usize,
        /// The period's key as written.
        period: String,
        /// The key at fault.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No periods at all.
    #[error("lịch kỳ báo cáo: không có kỳ nào ([[period]])")]
    Empty,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: Option<String>,
    #[serde(default)]
    period: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    key: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    also: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default)]
    parts: Option<Spanned<Vec<String>>>,
}

/// Years the calendar's ranges are checked in at load: a common and a leap one.
const CHECK_YEARS: [i32; 2] = [2023, 2024];

impl Calendar {
    /// The embedded calendar of Nghị định 09/2019/NĐ-CP.
    ///
    /// ```
    /// use cchc_domain::period::{Calendar, Period};
    /// let cal = Calendar::official();
    /// let q1: Period = "2022-Q1".parse().unwrap();
    /// let (from, to) = cal.range(q1).unwrap();
    /// assert_eq!((from.to_string(), to.to_string()), ("2021-12-15".into(), "2022-03-14".into()));
    /// assert_eq!(cal.previous(q1).map(|p| p.to_string()).as_deref(), Some("2021-Q4"));
    /// ```
    pub fn official() -> Calendar {
        static OFFICIAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        OFFICIAL
            .get_or_init(|| {
                // The embedded file is checked by a unit test; an error here is a defect.
                Calendar::from_toml(DEFAULT_CALENDAR_TOML).unwrap_or_else(|_| Calendar {
                    name: String::new(),
                    entries: BTreeMap::new(),
                })
            })
            .clone()
    }

    /// Reads a calendar file.
    ///
    /// # Errors
    /// [`CalendarError`] naming the line and key: an unknown period key, a key twice,
    /// a date that is not `day/month/Y`, a range that ends before it starts, parts that
    /// do not follow one another from the period's first day to its last.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let raw: RawCalendar =
            toml::from_str(text).map_err(|e| CalendarError::Toml(e.to_string()))?;
        if raw.period.is_empty() {
            return Err(CalendarError::Empty);
        }
        let mut entries = BTreeMap::new();
        let mut lines = BTreeMap::new();
        for e in &raw.period {
            let written = e.key.get_ref().trim().to_string();
            let invalid =
                |span: std::ops::Range<usize>, key, message: String| CalendarError::Invalid {
                    line: line_at(text, span.start),
                    period: written.clone(),
                    key,
                    message,
                };
            let kind = PeriodKind::from_suffix(&written).ok_or_else(|| {
                invalid(
                    e.key.span(),
                    "key",
                    "không phải kỳ báo cáo (dùng Q1 … Q4, H1, 9M, year, M01 … M12)".into(),
                )
            })?;
            if let Some(first) = lines.insert(kind, line_at(text, e.key.span().start)) {
                return Err(invalid(
                    e.key.span(),
                    "key",
                    format!("kỳ này đã có ở dòng {first}"),
                ));
            }
            let day = |s: &Spanned<String>, key| {
                DayRef::parse(s.get_ref()).ok_or_else(|| {
                    invalid(
                        s.span(),
                        key,
                        format!(
                            "`{}` không phải ngày dạng ngày/tháng/Y (ví dụ \"15/12/Y-1\", \"14/3/Y\")",
                            s.get_ref()
                        ),
                    )
                })
            };
            let (from, to) = (day(&e.from, "from")?, day(&e.to, "to")?);
            let mut also = Vec::new();
            if let Some(a) = &e.also {
                for pair in a.get_ref() {
                    let parsed: Option<Vec<DayRef>> =
                        pair.iter().map(|d| DayRef::parse(d)).collect();
                    match parsed.as_deref() {
                        Some(&[f, t]) => also.push((f, t)),
                        _ => {
                            return Err(invalid(
                                a.span(),
                                "also",
                                format!(
                                    "{pair:?} không phải một cặp ngày [\"từ\", \"đến\"] dạng ngày/tháng/Y"
                                ),
                            ))
                        }
                    }
                }
            }
            for (f, t, key, span) in std::iter::once((from, to, "to", e.to.span())).chain(
                also.iter()
                    .map(|&(f, t)| (f, t, "also", e.also.as_ref().map_or(0..0, Spanned::span))),
            ) {
                if CHECK_YEARS.iter().any(|&y| f.on(y) > t.on(y)) {
                    return Err(invalid(
                        span,
                        key,
                        "ngày kết thúc trước ngày bắt đầu".into(),
                    ));
                }
            }
            let mut parts = Vec::new();
            if let Some(p) = &e.parts {
                for name in p.get_ref() {
                    let k = PeriodKind::from_suffix(name).ok_or_else(|| {
                        invalid(p.span(), "parts", format!("`{name}` không phải kỳ báo cáo"))
                    })?;
                    parts.push(k);
                }
            }
            entries.insert(
                kind,
                Entry {
                    kind,
                    from,
                    to,
                    also,
                    parts,
                },
            );
        }
        let calendar = Calendar {
            name: raw.name.unwrap_or_default(),
            entries,
        };
        for e in &raw.period {
            calendar.check_parts(text, e)?;
        }
        Ok(calendar)
    }

    /// Parts must be periods of the calendar that follow one another day after day
    /// from the period's first day to its last.
    fn check_parts(&self, text: &str, raw: &RawEntry) -> Result<(), CalendarError> {
        let Some(span) = raw.parts.as_ref().map(Spanned::span) else {
            return Ok(());
        };
        let Some(kind) = PeriodKind::from_suffix(raw.key.get_ref()) else {
            return Ok(());
        };
        let invalid = |message: String| CalendarError::Invalid {
            line: line_at(text, span.start),
            period: raw.key.get_ref().trim().to_string(),
            key: "parts",
            message,
        };
        let entry = &self.entries[&kind];
        if entry.parts.len() < 2 || entry.parts.contains(&kind) {
            return Err(invalid("cần ít nhất hai kỳ khác kỳ này".into()));
        }
        for year in CHECK_YEARS {
            let period = |kind| Period {
                year: year as u16,
                kind,
            };
            let mut next = self.range(period(kind)).map(|r| r.0);
            for &p in &entry.parts {
                let Some((from, to)) = self.range(period(p)) else {
                    return Err(invalid(format!("kỳ `{}` không có trong lịch", p.suffix())));
                };
                if Some(from) != next {
                    return Err(invalid(format!(
                        "kỳ `{}` không bắt đầu ngay sau kỳ trước nó (các kỳ phải liền nhau, từ ngày đầu đến ngày cuối của kỳ)",
                        p.suffix()
                    )));
                }
                next = to.checked_add_days(Days::new(1));
            }
            let end = self
                .range(period(kind))
                .and_then(|r| r.1.checked_add_days(Days::new(1)));
            if next != end {
                return Err(invalid(
                    "các kỳ không kết thúc vào ngày cuối của kỳ này".into(),
                ));
            }
        }
        Ok(())
    }

    /// The calendar's name (`Nghị định 09/2019/NĐ-CP`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the calendar has periods of this kind.
    pub fn defines(&self, kind: PeriodKind) -> bool {
        self.entries.contains_key(&kind)
    }

    /// The kinds the calendar defines.
    pub fn kinds(&self) -> impl Iterator<Item = PeriodKind> + '_ {
        self.entries.keys().copied()
    }

    /// The first and last day of a period (inclusive), when the calendar has its kind.
    pub fn range(&self, p: Period) -> Option<(NaiveDate, NaiveDate)> {
        let e = self.entries.get(&p.kind)?;
        let y = i32::from(p.year);
        Some((e.from.on(y)?, e.to.on(y)?))
    }

    /// The last day of a period: units valid then are expected to report for it.
    pub fn last_day(&self, p: Period) -> Option<NaiveDate> {
        self.range(p).map(|r| r.1)
    }

    /// The period a written date range stands for: its own range or one of the other
    /// ranges (`also`) the calendar gives for it.
    pub fn of_range(&self, from: NaiveDate, to: NaiveDate) -> Option<Period> {
        self.entries.values().find_map(|e| {
            std::iter::once((e.from, e.to))
                .chain(e.also.iter().copied())
                .find_map(|(f, t)| {
                    let year = to.year() - t.year_offset;
                    let y = u16::try_from(year).ok()?;
                    (f.on(year)? == from && t.on(year)? == to).then_some(Period {
                        year: y,
                        kind: e.kind,
                    })
                })
        })
    }

    /// The period of the same kind of length just before this one (the quarter, month
    /// or year before); `None` for the first six or nine months, which follow nothing.
    pub fn previous(&self, p: Period) -> Option<Period> {
        let (from, _) = self.range(p)?;
        let day_before = from.checked_sub_days(Days::new(1))?;
        self.entries
            .values()
            .filter(|e| e.kind.family() == p.kind.family())
            .flat_map(|e| {
                [p.year, p.year.saturating_sub(1)].map(|year| Period { year, kind: e.kind })
            })
            .find(|q| self.range(*q).map(|r| r.1) == Some(day_before))
    }

    /// Sorts periods in time order — by last day, the longer first among those ending
    /// together (`2022-H1` before `2022-Q2`), then by key — without repeats.
    pub fn in_time_order(&self, periods: &mut Vec<Period>) {
        periods.sort_by_key(|p| {
            let r = self.range(*p);
            (r.map(|r| r.1), r.map(|r| r.0), *p)
        });
        periods.dedup();
    }

    /// The periods a cumulative period is made of (`2022-H1` → `2022-Q1`, `2022-Q2`);
    /// empty for a period without parts.
    pub fn parts(&self, p: Period) -> Vec<Period> {
        self.entries.get(&p.kind).map_or_else(Vec::new, |e| {
            e.parts
                .iter()
                .map(|&kind| Period { year: p.year, kind })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(k: &str) -> Period {
        k.parse().expect("a period key")
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("an ISO date")
    }

    #[test]
    fn the_embedded_calendar_is_the_decree_s() {
        let cal = Calendar::from_toml(DEFAULT_CALENDAR_TOML).expect("embedded calendar");
        assert_eq!(cal.kinds().count(), 19);
        let r = |k: &str| {
            cal.range(p(k))
                .map(|(a, b)| format!("{a} {b}"))
                .unwrap_or_default()
        };
        // Nghị định 09/2019/NĐ-CP, Điều 12.
        assert_eq!(r("2022-Q1"), "2021-12-15 2022-03-14");
        assert_eq!(r("2022-Q2"), "2022-03-15 2022-06-14");
        assert_eq!(r("2022-Q3"), "2022-06-15 2022-09-14");
        assert_eq!(r("2022-Q4"), "2022-09-15 2022-12-14");
        assert_eq!(r("2022-H1"), "2021-12-15 2022-06-14");
        assert_eq!(r("2022-9M"), "2021-12-15 2022-09-14");
        assert_eq!(r("2022"), "2021-12-15 2022-12-14");
        assert_eq!(r("2026-M01"), "2025-12-15 2026-01-14");
        assert_eq!(r("2026-M03"), "2026-02-15 2026-03-14");
        assert_eq!(r("2026-M12"), "2026-11-15 2026-12-14");
        let key = |k: &str| k.to_string();
        let prev = |k: &str| cal.previous(p(k)).map(|q| q.to_string());
        assert_eq!(prev("2022-Q1"), Some(key("2021-Q4")));
        assert_eq!(prev("2022-Q3"), Some(key("2022-Q2")));
        assert_eq!(prev("2026-M01"), Some(key("2025-M12")));
        assert_eq!(prev("2026-M03"), Some(key("2026-M02")));
        assert_eq!(prev("2022"), Some(key("2021")));
        assert_eq!(prev("2022-H1"), None);
        assert_eq!(prev("2022-9M"), None);
        let parts = |k: &str| {
            cal.parts(p(k))
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("+")
        };
        assert_eq!(parts("2022-H1"), "2022-Q1+2022-Q2");
        assert_eq!(parts("2022-9M"), "2022-H1+2022-Q3");
        assert_eq!(parts("2022"), "2022-9M+2022-Q4");
        assert_eq!(parts("2022-Q1"), "");
        let of = |a: &str, b: &str| cal.of_range(date(a), date(b)).map(|q| q.to_string());
        assert_eq!(of("2021-12-15", "2022-03-14"), Some(key("2022-Q1")));
        assert_eq!(of("2022-01-01", "2022-03-31"), Some(key("2022-Q1")));
        assert_eq!(of("2021-12-15", "2022-12-14"), Some(key("2022")));
        assert_eq!(of("2026-02-15", "2026-03-14"), Some(key("2026-M03")));
        assert_eq!(of("2021-12-16", "2022-03-14"), None);
    }

    #[test]
    fn a_replaced_calendar_changes_dates_and_kinds() {
        let text = "name = \"Quý dương lịch\"\n\
            [[period]]\nkey = \"Q1\"\nfrom = \"1/1/Y\"\nto = \"31/3/Y\"\n\
            [[period]]\nkey = \"Q2\"\nfrom = \"1/4/Y\"\nto = \"30/6/Y\"\n\
            [[period]]\nkey = \"H1\"\nfrom = \"1/1/Y\"\nto = \"30/6/Y\"\nparts = [\"Q1\", \"Q2\"]\n\
            [[period]]\nkey = \"M02\"\nfrom = \"1/2/Y\"\nto = \"29/2/Y\"\n";
        let cal = Calendar::from_toml(text).expect("a calendar");
        assert_eq!(cal.name(), "Quý dương lịch");
        assert!(!cal.defines(PeriodKind::Year));
        assert_eq!(cal.last_day(p("2026-Q1")), Some(date("2026-03-31")));
        assert_eq!(cal.last_day(p("2026-M02")), Some(date("2026-02-28")));
        assert_eq!(cal.last_day(p("2024-M02")), Some(date("2024-02-29")));
        assert_eq!(cal.previous(p("2026-Q2")), Some(p("2026-Q1")));
        // No Q4 in this calendar: Q1 follows nothing.
        assert_eq!(cal.previous(p("2026-Q1")), None);
        assert_eq!(
            cal.of_range(date("2025-12-15"), date("2026-03-14")),
            None,
            "the decree's range is not a period of this calendar"
        );
    }

    #[test]
    fn bad_calendars_name_the_line_and_key() {
        let err = |text: &str| {
            Calendar::from_toml(text)
                .expect_err("a bad calendar")
                .to_string()
        };
        let head = "[[period]]\nkey = \"Q1\"\nfrom = \"15/12/Y-1\"\nto = \"14/3/Y\"\n";
        let e = err(&format!(
            "{head}[[period]]\nkey = \"Q5\"\nfrom = \"1/1/Y\"\nto = \"2/1/Y\"\n"
        ));
        assert!(
            e.contains("dòng 6") && e.contains("`key`") && e.contains("Q5"),
            "{e}"
        );
        let e = err(&format!(
            "{head}[[period]]\nkey = \"Q1\"\nfrom = \"1/1/Y\"\nto = \"2/1/Y\"\n"
        ));
        assert!(e.contains("dòng 6") && e.contains("dòng 2"), "{e}");
        let e = err("[[period]]\nkey = \"Q2\"\nfrom = \"15/3/Y\"\nto = \"14-6-2022\"\n");
        assert!(e.contains("dòng 4") && e.contains("`to`"), "{e}");
        let e = err("[[period]]\nkey = \"Q2\"\nfrom = \"15/6/Y\"\nto = \"14/3/Y\"\n");
        assert!(e.contains("kết thúc trước"), "{e}");
        let e = err(&format!(
            "{head}[[period]]\nkey = \"H1\"\nfrom = \"15/12/Y-1\"\nto = \"14/6/Y\"\nparts = [\"Q1\", \"Q2\"]\n"
        ));
        assert!(
            e.contains("dòng 9") && e.contains("`parts`") && e.contains("Q2"),
            "{e}"
        );
        let e = err(&format!(
            "{head}[[period]]\nkey = \"Q2\"\nfrom = \"16/3/Y\"\nto = \"14/6/Y\"\n\
             [[period]]\nkey = \"H1\"\nfrom = \"15/12/Y-1\"\nto = \"14/6/Y\"\nparts = [\"Q1\", \"Q2\"]\n"
        ));
        assert!(e.contains("liền nhau"), "{e}");
        let e = err("[[period]]\nkey = \"Q1\"\nfrom = \"1/1/Y\"\nto = \"31/3/Y\"\ncolour = 1\n");
        assert!(e.contains("colour"), "{e}");
        assert!(matches!(
            Calendar::from_toml("name = \"x\"\n"),
            Err(CalendarError::Empty)
        ));
    }
}
