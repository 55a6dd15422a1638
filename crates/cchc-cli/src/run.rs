//! Running a command: arguments turned into the library's options, the progress bar,
//! the closing line, the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{BatchArgs, Cli, Command};
use crate::cmd;

/// Runs the CLI and returns the exit code (0 clean, 1 errors found, 2 could not run).
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Consolidate(a) => cmd::consolidate::run(&a),
        Command::Check(a) => cmd::check::run(&a),
        Command::Targets(a) => cmd::targets::run(&a),
        Command::Measures(a) => cmd::measures::run(&a),
        Command::Template(a) => cmd::template::run(&a),
        Command::Units(a) => cmd::units::run(&a),
        Command::Sql(a) => cmd::sql::run(&a),
        Command::Serve(a) => cmd::serve::run(&a),
        Command::Link(a) => cmd::serve::link(&a),
        Command::OfficePassword(a) => cmd::serve::office_password(&a),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`cchc targets | head`) is the reader's choice, not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            eprintln!("cchc: lỗi: {e:#}");
            2
        }
    }
}

/// The library's options from the arguments every batch command shares.
pub fn options(args: &BatchArgs) -> cchc::Options {
    cchc::Options {
        inputs: args.inputs.clone(),
        registry: args.registry.clone(),
        targets: args.targets.clone(),
        calendar: args.calendar.clone(),
        workdays: args.workdays.clone(),
        period: args.period.clone(),
        unit: args.unit.clone(),
        limits: args.limits.limits(),
        csv: Default::default(),
        feedback: None,
        narrative: None,
    }
}

/// A bar of files read, drawn on stderr when it is a terminal.
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar for the workbooks among these inputs (hidden off a terminal).
    pub fn new(inputs: &[PathBuf]) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(ProgressBar::hidden());
        }
        let bar = ProgressBar::new(cchc_read::batch::count_inputs(inputs) as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} tệp {elapsed}") {
            bar.set_style(style);
        }
        Progress(bar)
    }

    /// One more file read.
    pub fn tick(&self) {
        self.0.inc(1);
    }

    /// Reading is over: the bar goes.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// The closing line on stderr; returns the exit code.
pub fn print_summary(s: &cchc::Summary, started: Instant) -> i32 {
    eprintln!(
        "cchc: {} tệp, {} đơn vị, kỳ {}{}; phát hiện: {} lỗi, {} cảnh báo, {} thông tin; {:.2} s",
        s.files,
        s.units,
        s.period
            .map(|p| p.to_string())
            .unwrap_or_else(|| "?".into()),
        if s.periods > 1 {
            format!(" (cùng {} kỳ khác)", s.periods - 1)
        } else {
            String::new()
        },
        s.errors,
        s.warnings,
        s.infos,
        started.elapsed().as_secs_f64()
    );
    s.exit_code()
}
