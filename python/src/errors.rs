//! The exception hierarchy: everything under `CchcError`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    cchc,
    CchcError,
    PyException,
    "Base of every cchc error. Findings are data, not errors."
);
create_exception!(
    cchc,
    InputError,
    CchcError,
    "An input that cannot be used: a missing path, a bad period key or calendar file."
);
create_exception!(
    cchc,
    CatalogueError,
    CchcError,
    "A target catalogue file that cannot be read (message names line and key)."
);
create_exception!(
    cchc,
    RegistryError,
    CchcError,
    "A unit registry file that cannot be read."
);
create_exception!(
    cchc,
    OutputError,
    CchcError,
    "A report, export or template that could not be written."
);

/// An input the module itself refuses (a scope, a frame it was not given).
pub fn input_error(msg: String) -> PyErr {
    InputError::new_err(msg)
}

/// The one map from what stops a run (the library's [`cchc::Error`], and everything
/// that converts into it) to the exception a Python user catches.
pub fn to_py(e: impl Into<cchc::Error>) -> PyErr {
    use cchc::Error as E;
    let e = e.into();
    let message = e.to_string();
    match e {
        E::Read { .. }
        | E::InputMissing(_)
        | E::Period(_)
        | E::PeriodNotInCalendar { .. }
        | E::UnknownUnit(_)
        | E::Calendar { .. }
        | E::Workdays { .. } => InputError::new_err(message),
        E::Catalogue { .. } => CatalogueError::new_err(message),
        E::Registry { .. } => RegistryError::new_err(message),
        E::OutputIsInput(_) | E::OutputsClash(_) | E::Report(_) | E::ExportThread => {
            OutputError::new_err(message)
        }
        E::Analysis(_) => CchcError::new_err(message),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CchcError", py.get_type::<CchcError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("CatalogueError", py.get_type::<CatalogueError>())?;
    m.add("RegistryError", py.get_type::<RegistryError>())?;
    m.add("OutputError", py.get_type::<OutputError>())?;
    Ok(())
}
