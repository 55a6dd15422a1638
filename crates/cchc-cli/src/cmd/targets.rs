//! `cchc targets`: a catalogue checked and printed.

use std::io::Write;

use anyhow::Result;
use cchc_domain::target::Catalogue;

use crate::cli::{OutputFormat, TargetsArgs};

/// Prints the catalogue, validated (an invalid file stops with its line and key, exit 2).
pub fn run(args: &TargetsArgs) -> Result<i32> {
    let cat = cchc::load_catalogue(args.targets.as_deref())?;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&targets_json(&cat))?
        )?,
        OutputFormat::Table => {
            writeln!(out, "{}", cat.plan)?;
            if let Some(year) = cat.year {
                writeln!(out, "Năm: {year}")?;
            }
            writeln!(
                out,
                "{:<28} {:<11} {:<5} {:>9}  tử số / mẫu số — nội dung theo kế hoạch",
                "mã chỉ tiêu", "căn cứ", "biểu", "chỉ tiêu"
            )?;
            for t in &cat.targets {
                writeln!(
                    out,
                    "{:<28} {:<11} {:<5} {:>9}  {} — {}",
                    t.id,
                    t.plan_ref,
                    t.form.letter(),
                    t.threshold_label(),
                    t.formula_text(),
                    t.wording
                )?;
            }
        }
    }
    Ok(0)
}

fn targets_json(cat: &Catalogue) -> serde_json::Value {
    let list: Vec<serde_json::Value> = cat
        .targets
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.id, "plan_ref": t.plan_ref, "name": t.name, "wording": t.wording,
                "form": t.form.letter(),
                "numerator": t.numerator.text,
                "denominator": t.denominator.as_ref().map(|d| d.text.as_str()),
                "comparator": t.comparator.symbol(),
                "threshold": t.threshold.to_f64(),
                "threshold_text": t.threshold_text,
                "aliases": t.aliases,
            })
        })
        .collect();
    serde_json::json!({ "plan": cat.plan, "year": cat.year, "targets": list })
}
