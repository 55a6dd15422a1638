//! Outputs: the consolidated workbook ([`workbook`]), the machine-readable exports
//! ([`export`]), the feedback to units ([`feedback`]) and the period's Word report
//! ([`narrative`]). Every file is written to a temporary name beside its
//! destination and renamed, so a failed run never leaves half a file.

mod comparison;
pub mod csv_out;
pub mod export;
pub mod feedback;
pub mod late;
pub mod narrative;
pub mod official;
mod sheets;
mod style;
pub(crate) mod tables;
pub mod template;
pub mod workbook;

use std::path::{Path, PathBuf};

/// An output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The workbook library refused something (a defect, or a full disk).
    #[error("không ghi được báo cáo: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A frame operation failed.
    #[error("không ghi được dữ liệu: {0}")]
    Frame(#[from] polars::error::PolarsError),
    /// A CSV record could not be written.
    #[error("không ghi được CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The Word document could not be packed.
    #[error("không ghi được báo cáo Word: {0}")]
    Docx(String),
    /// Reading the frames failed.
    #[error(transparent)]
    Analysis(#[from] cchc_analysis::AnalysisError),
    /// The file system refused (path given).
    #[error("không ghi được {path}: {source}")]
    Io {
        /// The destination.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Streams a file to `path` through a temporary file in the same folder: a failed
/// write leaves the destination as it was.
///
/// # Errors
/// [`ReportError::Io`] with the destination path, or what `write` returns.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    write_atomic_seekable(path, |out| write(out))
}

/// [`write_atomic_with`] for writers that also seek (a zip archive such as xlsx).
///
/// # Errors
/// [`ReportError::Io`] with the destination path, or what `write` returns.
pub fn write_atomic_seekable(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.cchc-tmp"));
    std::fs::create_dir_all(dir).map_err(io)?;
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        write(&mut out)?;
        std::io::Write::flush(&mut out).map_err(io)?;
        drop(out);
        std::fs::rename(&tmp, path).map_err(io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
///
/// # Errors
/// [`ReportError::Io`] with the destination path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomic_with(path, |w| {
        w.write_all(bytes).map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}
