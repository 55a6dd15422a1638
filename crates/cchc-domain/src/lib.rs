//! Domain types and rules of cchc, free of any file format or frame library.
//!
//! - [`text`]: the normalisation every text comparison goes through.
//! - [`number`]: counts and numbers as units write them.
//! - [`period`]: reporting periods ([`period::Period`]) and how to read them.
//! - [`unit`]: units and the [`unit::Registry`].
//! - [`measure`]: Form A [`measure::Measure`]s and the header alias table.
//! - [`columns`]: column roles of forms B, C, D and the shared [`columns::ColumnClassifier`].
//! - [`target`]: the plan's [`target::Target`]s in a [`target::Catalogue`].
//! - [`finding`]: [`finding::Finding`]s, rule ids and severities.
//! - [`workdays`]: the working days of state bodies and dossiers' due dates.

pub mod columns;
pub mod expr;
pub mod field;
pub mod finding;
pub mod forms;
pub mod issuer;
pub mod measure;
pub mod number;
pub mod period;
pub mod target;
pub mod text;
pub mod unit;
pub mod workdays;

/// Keyword written into the properties of every workbook cchc writes, so that a
/// report left in an input folder is recognised and not read as a submission.
pub const REPORT_MARKER: &str = "cchc-consolidated-report";

/// Keyword in the properties of every template cchc writes: its instructions sheet
/// is then skipped silently when a filled template is read.
pub const TEMPLATE_MARKER: &str = "cchc-template";

/// Name of the first sheet of every report cchc writes.
pub const REPORT_FIRST_SHEET: &str = "Tổng hợp chỉ tiêu";
