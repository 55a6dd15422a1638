//! The days and times of a dossier export, in every way systems write them, and its
//! time limits in working days.

use std::num::NonZeroU32;

use calamine::Data;
use chrono::{NaiveDate, NaiveTime, Timelike};

/// A time of day to the second, in four bytes (a batch may hold millions of dossiers,
/// each with the time it was received).
///
/// ```
/// use cchc_read::dossier_export::ClockTime;
/// use chrono::NaiveTime;
/// let t = NaiveTime::from_hms_opt(17, 30, 5).unwrap();
/// assert_eq!(ClockTime::new(t).time(), t);
/// assert_eq!(std::mem::size_of::<Option<ClockTime>>(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(NonZeroU32);

impl ClockTime {
    /// `t`, to the second.
    pub fn new(t: NaiveTime) -> ClockTime {
        ClockTime(NonZeroU32::MIN.saturating_add(t.num_seconds_from_midnight()))
    }

    /// The time of day.
    pub fn time(self) -> NaiveTime {
        NaiveTime::from_num_seconds_from_midnight_opt(self.0.get() - 1, 0).unwrap_or_default()
    }
}

/// A date and perhaps a time, from a date cell, an Excel serial number or text as
/// systems write it: `dd/mm/yyyy`, `dd/mm/yyyy hh:mm[:ss]`, `hh:mm dd/mm/yyyy`,
/// `yyyy-mm-dd`, `yyyy-mm-ddThh:mm[:ss]` (`-` and `.` also separate the day's parts).
///
/// ```
/// use calamine::Data;
/// use cchc_read::dossier_export::date_of;
/// use chrono::{NaiveDate, NaiveTime};
/// let day = NaiveDate::from_ymd_opt(2022, 1, 28).unwrap();
/// let at = NaiveTime::from_hms_opt(17, 30, 0);
/// assert_eq!(date_of(&Data::String("28/01/2022 17:30".into())), Some((day, at)));
/// assert_eq!(date_of(&Data::String("2022-01-28T17:30:00".into())), Some((day, at)));
/// assert_eq!(date_of(&Data::String("28/01/2022".into())), Some((day, None)));
/// assert_eq!(date_of(&Data::String("31/02/2022".into())), None);
/// ```
pub fn date_of(d: &Data) -> Option<(NaiveDate, Option<NaiveTime>)> {
    match d {
        Data::DateTime(dt) => {
            let (y, m, day, h, min, s, _) = dt.to_ymd_hms_milli();
            let date = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))?;
            let time = (h, min, s) != (0, 0, 0);
            Some((
                date,
                time.then(|| NaiveTime::from_hms_opt(h.into(), min.into(), s.into()))
                    .flatten(),
            ))
        }
        // A date whose format was lost: an Excel serial day of 1980–2100.
        Data::Float(x) if (29_221.0..73_051.0).contains(x) => serial(*x),
        Data::Int(x) if (29_221..73_051).contains(x) => serial(*x as f64),
        Data::String(s) | Data::DateTimeIso(s) => date_text(s),
        _ => None,
    }
}

/// An Excel serial (1900 epoch, days since 1899-12-30) as a date and a time.
fn serial(x: f64) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = x.floor();
    let date = epoch.checked_add_days(chrono::Days::new(days as u64))?;
    let seconds = ((x - days) * 86_400.0).round() as u32;
    let time = (seconds > 0 && seconds < 86_400)
        .then(|| NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0))
        .flatten();
    Some((date, time))
}

pub(super) fn date_text(s: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let s = s.trim();
    if let Some(v) = common_date(s.as_bytes()) {
        return v;
    }
    let mut day = None;
    let mut time = None;
    for part in s
        .split(|c: char| c.is_whitespace() || c == 'T')
        .filter(|p| !p.is_empty())
    {
        if part.contains(':') {
            time = Some(time_text(part)?);
        } else if day.is_none() {
            day = Some(day_text(part)?);
        } else {
            return None;
        }
    }
    Some((day?, time))
}

/// `dd/mm/yyyy`, then nothing or ` hh:mm[:ss]`: how nearly every export writes its
/// days, read without splitting (a million rows hold several million of them). `None`
/// when the text has another shape, for the general reading.
fn common_date(b: &[u8]) -> Option<Option<(NaiveDate, Option<NaiveTime>)>> {
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if b.len() < 10 || b[2] != b'/' || b[5] != b'/' {
        return None;
    }
    let (d, m, y) = (digits(0..2)?, digits(3..5)?, digits(6..10)?);
    let date = NaiveDate::from_ymd_opt(y as i32, m, d);
    let time = match b.len() {
        10 => None,
        16 | 19 if b[10] == b' ' && b[13] == b':' && (b.len() == 16 || b[16] == b':') => {
            let (h, min) = (digits(11..13)?, digits(14..16)?);
            let sec = if b.len() == 19 { digits(17..19)? } else { 0 };
            Some(NaiveTime::from_hms_opt(h, min, sec))
        }
        _ => return None,
    };
    Some(match (date, time) {
        (Some(date), None) => Some((date, None)),
        (Some(date), Some(Some(t))) => Some((date, Some(t))),
        _ => None,
    })
}

fn day_text(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split(['/', '-', '.']);
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
    if a.len() == 4 {
        NaiveDate::from_ymd_opt(a_n as i32, b_n, c_n)
    } else if c.len() == 4 {
        NaiveDate::from_ymd_opt(c_n as i32, b_n, a_n)
    } else {
        None
    }
}

fn time_text(s: &str) -> Option<NaiveTime> {
    let mut n = [0u32; 3];
    let mut count = 0;
    for p in s.split(':') {
        *n.get_mut(count)? = p.split('.').next().unwrap_or(p).parse().ok()?;
        count += 1;
    }
    match count {
        2 | 3 => NaiveTime::from_hms_opt(n[0], n[1], n[2]),
        _ => None,
    }
}

/// A time limit in working days: a whole number below 10,000, or text starting with one
/// (`15 ngày`).
pub(super) fn days_of(d: &Data) -> Option<Option<u16>> {
    match d {
        Data::Empty => Some(None),
        Data::Float(x) if *x >= 0.0 && x.fract() == 0.0 && *x < 10_000.0 => Some(Some(*x as u16)),
        Data::Int(x) if (0..10_000).contains(x) => Some(Some(*x as u16)),
        Data::String(s) => days_text(s),
        _ => None,
    }
}

/// [`days_of`] for text.
pub(super) fn days_text(s: &str) -> Option<Option<u16>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    s[..digits].parse().ok().filter(|n| *n < 10_000).map(Some)
}
