//! One module per subcommand, each with its `run`.

pub mod check;
pub mod consolidate;
pub mod measures;
pub mod serve;
pub mod sql;
pub mod targets;
pub mod template;
pub mod units;
