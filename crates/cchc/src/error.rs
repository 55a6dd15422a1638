//! What stops a run (an error), as opposed to what a run reports (a finding).

use std::path::PathBuf;

use cchc_domain::period::{CalendarError, PeriodKeyError};
use cchc_domain::target::CatalogueError;
use cchc_domain::unit::RegistryError;

/// A run that cannot proceed; the message, in Vietnamese, names the file at fault.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file the options name (catalogue, registry) could not be read.
    #[error("không đọc được {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The target catalogue is invalid (the message names line and key).
    #[error("tệp {path}: {source}")]
    Catalogue {
        /// The catalogue file.
        path: PathBuf,
        /// What is wrong.
        source: CatalogueError,
    },
    /// The calendar file is invalid (the message names line and key).
    #[error("tệp {path}: {source}")]
    Calendar {
        /// The calendar file.
        path: PathBuf,
        /// What is wrong.
        source: CalendarError,
    },
    /// The working-day calendar file is invalid.
    #[error("tệp {path}: {source}")]
    Workdays {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: cchc_domain::workdays::WorkdaysError,
    },
    /// The period given is a key the calendar has no such period for.
    #[error("kỳ `{period}` không có trong lịch kỳ báo cáo {calendar}")]
    PeriodNotInCalendar {
        /// The key given.
        period: String,
        /// The calendar's name.
        calendar: String,
    },
    /// The unit registry is invalid.
    #[error("{}{source}", path.as_ref().map_or(String::new(), |p| format!("tệp {}: ", p.display())))]
    Registry {
        /// The registry file (`None`: the embedded one).
        path: Option<PathBuf>,
        /// What is wrong.
        source: RegistryError,
    },
    /// An input file or folder does not exist.
    #[error("không tìm thấy {0}")]
    InputMissing(PathBuf),
    /// The period given is not a period key.
    #[error(transparent)]
    Period(#[from] PeriodKeyError),
    /// A unit given by id or name is not in the registry.
    #[error("đơn vị `{0}` không có trong danh mục")]
    UnknownUnit(String),
    /// The report would overwrite an input.
    #[error("tệp kết quả {0} trùng với một tệp đầu vào")]
    OutputIsInput(PathBuf),
    /// Two outputs (the workbook and the Word report) were given the same path.
    #[error("hai tệp kết quả cùng một đường dẫn {0}: hãy đặt tên khác cho báo cáo Word")]
    OutputsClash(PathBuf),
    /// The frames could not be built or read.
    #[error(transparent)]
    Analysis(#[from] cchc_analysis::AnalysisError),
    /// The report, an export or the template could not be written.
    #[error(transparent)]
    Report(#[from] cchc_report::ReportError),
    /// A thread writing the exports stopped without a result (a defect).
    #[error("ghi tệp xuất thất bại")]
    ExportThread,
}
