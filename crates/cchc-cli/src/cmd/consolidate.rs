//! `cchc consolidate`: the main job, through the library's pipeline.

use std::time::Instant;

use anyhow::Result;

use crate::cli::ConsolidateArgs;
use crate::run::{options, print_summary, Progress};
use crate::timings::Timings;

/// Reads, checks, computes and writes the consolidated workbook (and the exports).
pub fn run(args: &ConsolidateArgs) -> Result<i32> {
    let started = Instant::now();
    // Started first: the setup phase includes checking the options.
    let timings = Timings::new();
    let run = cchc::Options {
        csv: if args.csv_raw {
            cchc_report::export::CsvText::Raw
        } else {
            cchc_report::export::CsvText::Safe
        },
        feedback: args.feedback.clone(),
        narrative: args.narrative.clone(),
        ..options(&args.batch)
    }
    .validate()?;
    let progress = Progress::new(run.inputs());
    let mut observer = Observe {
        timings,
        progress: &progress,
    };
    let summary = run.consolidate(&args.output, args.export.as_deref(), &mut observer, &|| {
        progress.tick()
    })?;
    Ok(print_summary(&summary, started))
}

/// The phase timings, and the progress bar taken down once reading is over.
struct Observe<'a> {
    timings: Timings,
    progress: &'a Progress,
}

impl cchc::Observer for Observe<'_> {
    fn phase(&mut self, name: &str) {
        if name == "read" {
            self.progress.finish();
        }
        self.timings.phase(name);
    }

    fn large_batch(&mut self) {
        self.timings.large_batch();
    }

    fn frame_sizes(&mut self, sizes: &[(&'static str, usize)]) {
        self.timings.frame_sizes(sizes);
    }

    fn report_and_exports(&mut self, report: f64, exports: Option<f64>) {
        self.timings.report_and_exports(report, exports);
    }
}
