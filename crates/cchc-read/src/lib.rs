//! Reading submitted workbooks into Form A tables, submissions and findings.
//!
//! The pipeline, one module each: [`grid`] (a sheet's cells and merged regions),
//! [`form_a`] (finding the header and reading rows), [`meta`] (unit and period lines),
//! [`workbook`] (one file, every sheet), [`batch`] (many files in parallel, tied to
//! units and periods). Nothing here depends on polars; frames are built downstream.

pub mod batch;
pub mod cells;
pub mod cfb_check;
pub mod csv_export;
pub mod dossier_export;
pub mod error;
pub mod form_a;
pub mod form_b;
pub mod form_c;
pub mod form_d;
pub mod grid;
pub mod header;
pub mod memo;
pub mod meta;
pub mod ods_layout;
pub mod quiet;
pub mod sniff;
pub mod workbook;
pub mod xlsb_check;
pub mod xlsx;

pub use batch::{read_batch, Batch, BatchOptions, FileStat, Submission};
pub use error::ReadError;
pub use form_a::DossierRow;
