//! `cchc serve` (DOMAIN.md §12): the collection page. A unit opens the link the office
//! gave it (a secret per unit and period), uploads its workbooks, sees at once what
//! `cchc check` finds in them, fixes, uploads again and sends. Every version is kept in
//! the data folder ([`store`]); checking is the library's own pipeline ([`check`]),
//! nothing of its own.
//!
//! The office logs in with its password (`cchc office-password` sets it) and sees, per
//! period, every unit's state and the attainment summary as it stands ([`summary`]),
//! a unit's versions and findings, links issued and revoked, versions taken in, and
//! consolidation on demand ([`consolidate`]).

pub mod check;
pub mod consolidate;
mod http;
mod office;
pub mod pages;
pub mod store;
pub mod summary;

pub use check::CheckSettings;
pub use http::{router, serve, App, Limits};
pub use store::Store;

/// What can stop the server, or one request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file of the data folder.
    #[error("data folder: {0}")]
    Io(#[from] std::io::Error),
    /// The database.
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// The OS gave no random bytes.
    #[error("no random bytes: {0}")]
    Random(String),
    /// The check could not be set up (period, registry).
    #[error("check: {0}")]
    Check(String),
}
