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
    /// Print the unit registry, or the units valid on a period's last day.
    Units(UnitsArgs),
    /// Print a query that runs cchc's computation in another engine (DuckDB, Spark SQL)
    /// over the exported Parquet dataset.
    Sql(SqlArgs),
    /// The collection page: units open their links, upload their reports and see the
    /// findings at once (docs/serve.md).
    Serve(ServeArgs),
    /// Issue a unit's link to the collection page for a period; prints its address.
    Link(LinkArgs),
    /// Set the collection page's office password, read from standard input.
    OfficePassword(OfficePasswordArgs),
}

#[derive(Args, Debug)]
pub struct OfficePasswordArgs {
    /// The server's data folder.
    #[arg(long)]
    pub data: PathBuf,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The data folder (made when missing): the database and every uploaded file.
    #[arg(long)]
    pub data: PathBuf,
    /// Address to listen on; loopback by default (put the province's HTTPS proxy in
    /// front to serve beyond this machine).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The address units reach the server at (the proxy's), for the sheet of links;
    /// default: http:// and --bind.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Unit registry CSV; default: Hưng Yên.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// The limits every upload is read with, as `cchc check`'s.
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug)]
pub struct LinkArgs {
    /// The server's data folder.
    #[arg(long)]
    pub data: PathBuf,
    /// The unit (id in the registry).
    #[arg(long)]
    pub unit: String,
    /// The period (2022-Q1 …).
    #[arg(long)]
    pub period: String,
    /// The address units reach the server at, put before the link's path.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub base: String,
    /// Unit registry CSV; default: Hưng Yên.
    #[arg(long)]
    pub registry: Option<PathBuf>,
}

/// The queries `cchc sql` prints.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SqlQuery {
    /// Form A by unit and field from `parquet/dossier_records` (docs/dossiers.md).
    FormA,
}

#[derive(Args, Debug)]
pub struct SqlArgs {
    /// Which query.
    #[arg(value_enum)]
    pub query: SqlQuery,
    /// The period whose bounds the query uses (2022-Q1 …), by the reporting calendar.
    #[arg(long, required_unless_present_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day of the period (YYYY-MM-DD), instead of --period.
    #[arg(long, requires = "to", conflicts_with = "period")]
    pub from: Option<String>,
    /// Last day of the period (YYYY-MM-DD), instead of --period.
    #[arg(long, requires = "from", conflicts_with = "period")]
    pub to: Option<String>,
    /// Reporting calendar TOML (the periods' dates); default: Nghị định 09/2019/NĐ-CP.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct UnitsArgs {
    /// Unit registry CSV; default: Hưng Yên (before and after 1/7/2025).
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Only the units valid on this period's last day (2026-Q1, 2026-M03, 2026 …).
    #[arg(long)]
    pub period: Option<String>,
    /// Reporting calendar TOML (the periods' dates); default: Nghị định 09/2019/NĐ-CP.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
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
    /// Period to fill in (2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022, 2026-M03).
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
    /// Unit registry CSV (unit_id,name,kind,district,aliases and optionally
    /// valid_from,valid_to,successor); default: Hưng Yên.
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// Target catalogue TOML; default: the 2022 plan.
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Reporting calendar TOML (period keys and their dates); default: Nghị định
    /// 09/2019/NĐ-CP.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
    /// Working-day calendar TOML for dossiers' due dates (weekends, holidays, make-up
    /// Saturdays); default: the embedded 2022–2026 one.
    #[arg(long)]
    pub workdays: Option<PathBuf>,
    /// Count only this period (2022-Q1 … 2022-Q4, 2022-H1, 2022-9M, 2022, 2026-M03);
    /// default: every period found counts, and the one most submissions state is the
    /// report's.
    #[arg(long)]
    pub period: Option<String>,
    /// Unit (id or name) for files that name none.
    #[arg(long)]
    pub unit: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The reading limits of DOMAIN.md §5.
#[derive(Args, Debug, Clone, Copy)]
pub struct LimitArgs {
    /// Largest workbook read, in MB (a workbook may inflate to ten times that); larger
    /// files get `file.too_large` and are not opened.
    #[arg(long, default_value_t = cchc_read::sniff::Limits::DEFAULT_FILE_MB)]
    pub max_file_mb: u64,
    /// Longest one file may take to read, in seconds; a file still being read then is
    /// given up (`file.unreadable`) and the batch goes on without it.
    #[arg(long, default_value_t = cchc_read::sniff::Limits::DEFAULT_READ_SECONDS)]
    pub max_read_seconds: u64,
}

impl LimitArgs {
    /// The limits these flags give.
    pub fn limits(self) -> cchc_read::sniff::Limits {
        cchc_read::sniff::Limits {
            max_read_seconds: self.max_read_seconds,
            ..cchc_read::sniff::Limits::from_file_mb(self.max_file_mb)
        }
    }
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
    /// Folder for the feedback to units: a workbook per unit that sent something (its
    /// findings, figures and attainment), chua-nop.xlsx (units that sent nothing).
    #[arg(long)]
    pub feedback: Option<PathBuf>,
    /// The period's report as a Word document (.docx): the usual outline, tables and
    /// sentences with the figures filled in, units missing each target, and marked
    /// placeholders for the parts the office writes.
    #[arg(long, value_name = "FILE.docx")]
    pub narrative: Option<PathBuf>,
    /// Write CSV text exactly as read; by default a text cell a spreadsheet would take
    /// for a formula (`=…`, `+…`, `-…`, `@…`) gets a leading `'`. Parquet is always exact.
    #[arg(long)]
    pub csv_raw: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `cchc serve` listens on loopback unless told otherwise (DOMAIN.md §12: the
    /// province's HTTPS proxy goes in front), with the reading limits of `cchc check`.
    #[test]
    fn serve_binds_to_loopback_by_default() {
        let cli = Cli::try_parse_from(["cchc", "serve", "--data", "srv"]).expect("parse");
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        let addr: std::net::SocketAddr = args.bind.parse().expect("an address");
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_eq!(addr.port(), 8080);
        assert_eq!(args.limits.limits(), cchc_read::sniff::Limits::default());
    }
}
