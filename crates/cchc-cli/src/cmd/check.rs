//! `cchc check`: the reading and the checks of `consolidate`, findings printed, nothing
//! written.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use cchc_domain::finding::{Finding, Severity};

use crate::cli::{CheckArgs, OutputFormat};
use crate::run::{options, print_summary, Progress};

/// Reads the batch and prints its findings; the exit code says whether any is an error.
pub fn run(args: &CheckArgs) -> Result<i32> {
    let started = Instant::now();
    let run = options(&args.batch).validate()?;
    let progress = Progress::new(run.inputs());
    // What the department's tables find (unknown fields, level conflicts) too, as
    // `consolidate` says it.
    let batch = run.check(&|| progress.tick())?;
    progress.finish();
    match args.format {
        OutputFormat::Json => {
            let list = cchc::findings_json(&batch.findings);
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        OutputFormat::Table => print!("{}", table(&batch.findings)),
    }
    let code = print_summary(&cchc::Summary::of(&batch), started);
    // Left to the process's exit: freeing a million dossiers one by one took longer
    // than classifying them.
    std::mem::forget(batch);
    Ok(code)
}

/// Findings for a person: grouped by file, the files with errors first (then those with
/// warnings, then the rest, each in batch order), the batch's own findings (units that
/// sent nothing) last; a line per file with its counts, and within a file the errors
/// first.
fn table(findings: &[Finding]) -> String {
    use std::fmt::Write as _;
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for f in findings {
        let list = by_file.entry(f.file.as_str()).or_default();
        if list.is_empty() {
            order.push(f.file.as_str());
        }
        list.push(f);
    }
    let worst = |file: &str| {
        by_file[file]
            .iter()
            .map(|f| f.severity())
            .max()
            .unwrap_or(Severity::Info)
    };
    // Stable: batch order within each rank.
    order.sort_by_key(|file| (file.is_empty(), std::cmp::Reverse(worst(file))));
    let mut out = String::new();
    for file in order {
        let mut list = by_file[file].clone();
        list.sort_by_key(|f| std::cmp::Reverse(f.severity()));
        let count = |s: Severity| list.iter().filter(|f| f.severity() == s).count();
        let name = if file.is_empty() {
            "Toàn bộ lô"
        } else {
            file
        };
        let _ = writeln!(
            out,
            "── {name}: {} lỗi, {} cảnh báo, {} thông tin",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
        for f in list {
            let place = [f.sheet.as_str(), f.cell.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" › ");
            let raw = if f.raw.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.raw)
            };
            let _ = writeln!(
                out,
                "{:<9} {:<22} {}\n          {}{}",
                f.severity().label_vi(),
                f.rule.id(),
                place,
                f.message,
                raw
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cchc_domain::finding::Rule;

    #[test]
    fn errors_first_grouped_by_file_the_batch_last() {
        let f = |rule, file: &str| Finding::file(rule, file, "m");
        let findings = [
            f(Rule::SubmissionMissing, ""),
            f(Rule::SheetUnrecognized, "a.xlsx"),
            f(Rule::PeriodUnknown, "b.xlsx"),
            f(Rule::ValueNegative, "c.xlsx").at("S", "B2"),
            f(Rule::SheetHidden, "c.xlsx"),
            f(Rule::ValueFraction, "a.xlsx"),
        ];
        let text = table(&findings);
        let heads: Vec<&str> = text.lines().filter(|l| l.starts_with("──")).collect();
        assert_eq!(
            heads,
            [
                "── a.xlsx: 1 lỗi, 0 cảnh báo, 1 thông tin",
                "── c.xlsx: 1 lỗi, 0 cảnh báo, 1 thông tin",
                "── b.xlsx: 0 lỗi, 1 cảnh báo, 0 thông tin",
                "── Toàn bộ lô: 0 lỗi, 1 cảnh báo, 0 thông tin",
            ]
        );
        // Within a.xlsx the error comes before the info finding written first.
        let a = text.split("── ").nth(1).expect("a.xlsx");
        assert!(
            a.find("value.fraction") < a.find("sheet.unrecognized"),
            "{a}"
        );
        assert!(text.contains("S › B2"));
    }
}
