//! The period's report (báo cáo kết quả CCHC) as a Word document, DOMAIN.md §10: the
//! usual outline (I. direction; II. the results area by area — procedures with the
//! dossiers of Biểu II.06a, organisation with Form C, digital government with the
//! online services — each with its targets' table and sentences; III. every target;
//! IV. who sent a report; V–VII. assessment, next period, proposals), the figures
//! written the Vietnamese way (`3.677`, `79,4 %`), the units missing each target, and
//! the parts the office writes itself as highlighted placeholders.
//!
//! The same input gives the same bytes: fixed document dates, stored zip entries of a
//! fixed time, paragraph ids counted from 1 on a thread of the document's own.

mod content;
mod docx;
mod targets;
pub mod vi;

pub use content::PLACEHOLDER_OPEN;

use cchc_analysis::attainment::{period_inputs, FramesRef};

use crate::workbook::{Figures, ReportInput};
use crate::ReportError;

/// The document's creation date (fixed, so the bytes never change from run to run).
const CREATED: &str = "2022-01-04T00:00:00Z";

/// The report of `input`'s period as `.docx` bytes.
///
/// # Errors
/// [`ReportError::Frame`] when the figures cannot be read from the frames,
/// [`ReportError::Docx`] when the document cannot be packed.
pub fn build_narrative(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let period = input
        .batch
        .period
        .map(|p| p.to_string())
        .unwrap_or_default();
    let computed;
    let inputs = match input.figures {
        Figures::Inputs(i) => i,
        Figures::Frames(frames) => {
            computed = period_inputs(&FramesRef::from(frames))?
                .remove(&period)
                .unwrap_or_default();
            &computed
        }
    };
    let narrative = content::Narrative::of(input, inputs);
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut out = std::io::Cursor::new(Vec::new());
                docx::document(&narrative, input.issuer)
                    .created_at(CREATED)
                    .updated_at(CREATED)
                    .pack(&mut out)
                    .map_err(|e| ReportError::Docx(e.to_string()))?;
                deflated(&out.into_inner()).map_err(|e| ReportError::Docx(e.to_string()))
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The package with every part deflated: docx-rs stores its parts uncompressed (the
/// samples' report 330 KB, 10 % of that deflated). Entries in the same order, of the
/// same fixed time.
fn deflated(stored: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut buffer = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.into_owned();
        if entry.is_dir() {
            out.add_directory(name, options)?;
            continue;
        }
        buffer.clear();
        entry.read_to_end(&mut buffer)?;
        out.start_file(name, options)?;
        out.write_all(&buffer)?;
    }
    Ok(out.finish()?.into_inner())
}

/// [`build_narrative`] written to `path` (through a temporary file: whole or not at all).
///
/// # Errors
/// What [`build_narrative`] returns, or [`ReportError::Io`].
pub fn write_narrative(path: &std::path::Path, input: &ReportInput<'_>) -> Result<(), ReportError> {
    let bytes = build_narrative(input)?;
    crate::write_atomic(path, &bytes)
}
