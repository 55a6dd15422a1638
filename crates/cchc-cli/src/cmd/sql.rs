//! `cchc sql`: the computation as SQL for another engine, the period's bounds filled in.

use std::io::Write;

use anyhow::{bail, Result};

use crate::cli::{SqlArgs, SqlQuery};

/// Prints the query.
pub fn run(args: &SqlArgs) -> Result<i32> {
    let (from, to) = match (&args.period, &args.from, &args.to) {
        (Some(p), _, _) => {
            let calendar = cchc::load_calendar(args.calendar.as_deref())?;
            let (_, (from, to)) = cchc::dossiers::period_days(p, &calendar)?;
            (from.to_string(), to.to_string())
        }
        (None, Some(from), Some(to)) => {
            for d in [from, to] {
                if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                    bail!("`{d}` không phải ngày YYYY-MM-DD");
                }
            }
            (from.clone(), to.clone())
        }
        _ => bail!("cần --period, hoặc cả --from và --to"),
    };
    let text = match args.query {
        SqlQuery::FormA => cchc::dossiers::form_a_sql(&from, &to),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(0)
}
