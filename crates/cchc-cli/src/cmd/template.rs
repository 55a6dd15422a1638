//! `cchc template`: the blank workbook units fill.

use anyhow::Result;
use cchc_domain::period::Period;

use crate::cli::TemplateArgs;

/// Writes the template, the unit and period lines filled in when given.
pub fn run(args: &TemplateArgs) -> Result<i32> {
    let registry = cchc::load_registry(args.registry.as_deref())?;
    let unit = args
        .unit
        .as_deref()
        .map(|u| cchc::find_unit(&registry, u))
        .transpose()?;
    let period = args
        .period
        .as_deref()
        .map(str::parse::<Period>)
        .transpose()?;
    let bytes = cchc_report::template::build_template(unit.as_ref(), period)?;
    cchc_report::write_atomic(&args.output, &bytes)?;
    eprintln!("cchc: đã ghi mẫu báo cáo {}", args.output.display());
    Ok(0)
}
