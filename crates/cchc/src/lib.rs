//! cchc as a library: the job the command line and the Python module both run.
//!
//! [`Options`] are what a user gives (inputs, registry, catalogue, period, limits);
//! [`Options::validate`] reads and checks every file they name before any input is
//! read and gives a [`Run`]; [`Run::read`] reads and checks the inputs into a
//! [`Batch`], and [`Run::consolidate`] does the whole job — frames, attainment, the
//! consolidated workbook and the exports — reporting to an [`Observer`] and returning
//! a [`Summary`]. [`frames`] does the same from frames an analyst holds (the Python
//! module's edited frames). What stops a run is an [`Error`]; what a run reports is a
//! finding, in the batch.
//!
//! ```
//! # let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples");
//! // The bundled sample batch (`samples/` at the repository's root).
//! let run = cchc::Options {
//!     registry: Some(format!("{samples}/units.csv").into()),
//!     ..cchc::Options::new([samples])
//! }
//! .validate()?;
//! let batch = run.read(&|| {});
//! let summary = cchc::Summary::of(&batch);
//! assert_eq!(summary.period.map(|p| p.to_string()).as_deref(), Some("2022-Q1"));
//! assert!(summary.errors > 0, "samples/loi holds files broken on purpose");
//! # Ok::<(), cchc::Error>(())
//! ```

pub mod dossiers;
mod error;
pub mod frames;
mod options;
mod pipeline;

pub use cchc_analysis::attainment::{Attainment, Scope, Status};
pub use cchc_read::sniff::Limits;
pub use cchc_read::Batch;
pub use cchc_report::export::CsvText;
/// Numbers as Vietnamese documents write them (`3.677`, `79,4 %`), as the reports do.
pub use cchc_report::narrative::vi;
pub use error::Error;
pub use options::{
    find_unit, load_calendar, load_catalogue, load_registry, load_registry_units, parse_period,
    Options, Run,
};
pub use pipeline::{findings_json, Observer, Summary};
