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
    "An input that cannot be used: a missing path, a bad period key."
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

pub fn input_error(msg: String) -> PyErr {
    InputError::new_err(msg)
}

pub fn catalogue_error(msg: String) -> PyErr {
    CatalogueError::new_err(msg)
}

pub fn registry_error(msg: String) -> PyErr {
    RegistryError::new_err(msg)
}

pub fn output_error(msg: String) -> PyErr {
    OutputError::new_err(msg)
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
