//! Frames and attainment.
//!
//! [`frames`] turns a read [`cchc_read::Batch`] into the normalised polars frames
//! (`dossiers`, `findings`); [`attainment`] computes each target's
//! [`attainment::Attainment`] for units, districts and the province from those
//! frames, with exact rational comparisons. Pure functions, no I/O.

pub mod attainment;
pub mod by_field;
pub mod by_procedure;
pub mod dossier_frames;
pub mod frames;
pub mod inputs;

/// A frame could not be built or read.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// polars refused an operation (a missing column, a wrong type).
    #[error("bảng dữ liệu: {0}")]
    Frame(#[from] polars::error::PolarsError),
}
