//! `cchc units`: the registry, or the units valid on a period's last day.

use std::io::Write;

use anyhow::Result;
use cchc_domain::unit::Unit;

use crate::cli::{OutputFormat, UnitsArgs};

/// Prints the registry's rows (all of them, or those valid on the period's last day).
pub fn run(args: &UnitsArgs) -> Result<i32> {
    let registry = cchc::load_registry(args.registry.as_deref())?;
    let calendar = cchc::load_calendar(args.calendar.as_deref())?;
    let (registry, day) = match args.period.as_deref() {
        Some(key) => {
            let period = cchc::parse_period(key, &calendar)?;
            let day = calendar.last_day(period);
            (registry.as_of(day).into_owned(), day)
        }
        None => (registry, None),
    };
    let date =
        |d: Option<cchc_domain::period::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = registry
                .units()
                .iter()
                .map(|u| {
                    serde_json::json!({
                        "unit_id": u.unit_id, "name": u.name, "kind": u.kind,
                        "district": u.district, "aliases": u.aliases,
                        "valid_from": u.valid_from.map(|d| d.to_string()),
                        "valid_to": u.valid_to.map(|d| d.to_string()),
                        "successor": u.successor,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        OutputFormat::Table => {
            if let (Some(key), Some(day)) = (&args.period, day) {
                writeln!(
                    out,
                    "Đơn vị có hiệu lực ngày {} (ngày cuối kỳ {key}): {}",
                    day.format("%d/%m/%Y"),
                    registry.units().len()
                )?;
            } else {
                writeln!(out, "Danh mục đơn vị: {} dòng", registry.units().len())?;
            }
            for u in registry.units() {
                writeln!(out, "{}", line(u, &date))?;
            }
        }
    }
    Ok(0)
}

/// One unit's line: id, name, kind, grouping, validity, successor.
fn line(u: &Unit, date: &dyn Fn(Option<cchc_domain::period::NaiveDate>) -> String) -> String {
    let mut s = format!(
        "  {:<24} {:<16} {:<14} {}",
        u.unit_id,
        u.kind,
        if u.district.is_empty() {
            "—"
        } else {
            &u.district
        },
        u.name
    );
    if u.valid_from.is_some() || u.valid_to.is_some() {
        s.push_str(&format!(
            " [hiệu lực {} – {}]",
            date(u.valid_from),
            date(u.valid_to)
        ));
    }
    if let Some(next) = &u.successor {
        s.push_str(&format!(" → {next}"));
    }
    s
}
