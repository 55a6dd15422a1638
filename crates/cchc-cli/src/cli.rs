//! Command-line arguments, validated into options before any input is read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Consolidates the administrative-reform (CCHC) reports units submit.
#[derive(Parser, Debug)]
#[command(name = "cchc", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read every submitted workbook, check it, compute target attainment and write
    /// the consolidated workbook (and exports).
    Consolidate(ConsolidateArgs),
    /// The same reading and checks; findings printed, nothing written.
    Check(CheckArgs),
    /// Check a target catalogue and print it (id, plan reference, form, threshold,
    /// numerator and denominator, wording).
    Targets(TargetsArgs),
    /// List every form's measures: the names a catalogue's expressions use.
    Measures(MeasuresArgs),
    /// Write the blank workbook units fill in (Forms A–D and instructions).
    Template(TemplateArgs),
}

#[derive(Args, Debug)]
pub struct TargetsArgs {
    /// Target catalogue TOML; default: the 2022 plan.
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct MeasuresArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// The workbook to write (.xlsx).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Unit (id or name in the registry) to fill in the `Đơn vị báo cáo` line.
    #[arg(long)]
    pub unit: Option<String>,
    /// Period to fill in (2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022).
    #[arg(long)]
    pub period: Option<String>,
    /// Unit registry CSV; default: Hưng Yên.
    #[arg(long)]
    pub registry: Option<PathBuf>,
}

/// Options shared by every command that reads a batch.
#[derive(Args, Debug)]
pub struct BatchArgs {
    /// Workbooks or folders (walked recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Unit registry CSV (unit_id,name,kind,district,aliases); default: Hưng Yên.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Target catalogue TOML; default: the 2022 plan.
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// The run's period (2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022); default: the
    /// period most submissions state.
    #[arg(long)]
    pub period: Option<String>,
    /// Unit (id or name) for files that name none.
    #[arg(long)]
    pub unit: Option<String>,
    /// Largest workbook read, in MB (a workbook may inflate to ten times that); larger
    /// files get `file.too_large` and are not opened.
    #[arg(long, default_value_t = cchc_read::sniff::Limits::DEFAULT_FILE_MB)]
    pub max_file_mb: u64,
    /// Longest one file may take to read, in seconds; a file still being read then is
    /// given up (`file.unreadable`) and the batch goes on without it.
    #[arg(long, default_value_t = cchc_read::sniff::Limits::DEFAULT_READ_SECONDS)]
    pub max_read_seconds: u64,
}

#[derive(Args, Debug)]
pub struct ConsolidateArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// The consolidated workbook to write (.xlsx).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Folder for attainment.csv, findings.csv, dossiers.csv and dossiers.parquet.
    #[arg(long)]
    pub export: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Output format for findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// A readable table.
    Table,
    /// One JSON array of findings.
    Json,
}
