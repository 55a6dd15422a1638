//! Frames across the boundary through the Arrow C stream interface.
//!
//! Out: [`ArrowStream`] exposes `__arrow_c_stream__`, returning a PyCapsule named
//! `arrow_array_stream`; `pl.DataFrame(obj)` consumes it. Strings go out as
//! `large_utf8` (compat level "oldest") so that older polars and pandas read them.
//! In: any object with `__arrow_c_stream__` (a polars DataFrame) is imported.

use std::ffi::CStr;

use polars::prelude::*;
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi::{export_iterator, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};

use crate::errors::{input_error, CchcError};

const STREAM_NAME: &CStr = c"arrow_array_stream";

/// A frame on its way to Python.
#[pyclass(module = "cchc._cchc", frozen)]
pub struct ArrowStream {
    df: DataFrame,
}

impl ArrowStream {
    pub fn new(mut df: DataFrame) -> ArrowStream {
        df.rechunk_mut();
        ArrowStream { df }
    }
}

#[pymethods]
impl ArrowStream {
    /// The Arrow PyCapsule stream protocol.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // we offer one schema; consumers cast if they wish
        let compat = CompatLevel::oldest();
        let fields: Vec<ArrowField> = self
            .df
            .columns()
            .iter()
            .map(|c| c.field().to_arrow(compat))
            .collect();
        let dtype = ArrowDataType::Struct(fields);
        let height = self.df.height();
        let batches: Vec<PolarsResult<Box<dyn Array>>> = if self.df.width() == 0 || height == 0 {
            // An empty frame still carries its schema; one empty struct chunk.
            let arrays = self
                .df
                .columns()
                .iter()
                .map(|c| c.as_materialized_series().to_arrow(0, compat))
                .collect();
            vec![Ok(StructArray::new(dtype.clone(), 0, arrays, None).boxed())]
        } else {
            self.df
                .iter_chunks(compat, false)
                .map(|batch| {
                    let len = batch.len();
                    Ok(StructArray::new(dtype.clone(), len, batch.into_arrays(), None).boxed())
                })
                .collect()
        };
        let stream = export_iterator(
            Box::new(batches.into_iter()),
            ArrowField::new("".into(), dtype, false),
        );
        PyCapsule::new_with_value(py, stream, STREAM_NAME)
    }

    /// Rows in the frame.
    fn __len__(&self) -> usize {
        self.df.height()
    }
}

/// Imports a frame from any object with `__arrow_c_stream__`.
pub fn frame_from_py(obj: &Bound<'_, PyAny>) -> PyResult<DataFrame> {
    if !obj.hasattr("__arrow_c_stream__")? {
        return Err(input_error(format!(
            "cần một DataFrame (đối tượng có __arrow_c_stream__), nhận được {}",
            obj.get_type().name()?
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| input_error("__arrow_c_stream__ không trả về PyCapsule".into()))?;
    let ptr = capsule
        .pointer_checked(Some(STREAM_NAME))?
        .cast::<ArrowArrayStream>();
    // SAFETY: the capsule is named `arrow_array_stream`, so by the PyCapsule protocol it
    // holds a valid ArrowArrayStream. We move the struct out and leave a released one
    // behind, which is how a consumer takes ownership; the capsule's destructor then
    // sees `release == NULL` and does nothing.
    let stream = unsafe { std::ptr::replace(ptr.as_ptr(), ArrowArrayStream::empty()) };
    let err = |e: PolarsError| CchcError::new_err(format!("không nhận được bảng: {e}"));
    // SAFETY: the stream came from a producer that follows the C stream interface.
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }.map_err(err)?;
    let mut out: Option<DataFrame> = None;
    // SAFETY: as above, arrays come from a conforming producer.
    while let Some(array) = unsafe { reader.next() } {
        let array = array.map_err(err)?;
        let Some(s) = array.as_any().downcast_ref::<StructArray>() else {
            return Err(input_error(
                "luồng Arrow không phải là bảng (struct)".into(),
            ));
        };
        let df = DataFrame::try_from(s.clone()).map_err(err)?;
        match &mut out {
            None => out = Some(df),
            Some(acc) => {
                acc.vstack_mut(&df).map_err(err)?;
            }
        }
    }
    match out {
        Some(df) => Ok(df),
        None => {
            // No chunk at all: an empty frame with the stream's columns.
            let field = reader.field().clone();
            let ArrowDataType::Struct(fields) = field.dtype else {
                return Err(input_error(
                    "luồng Arrow không phải là bảng (struct)".into(),
                ));
            };
            let cols = fields
                .iter()
                .map(|f| Column::new_empty(f.name.clone(), &DataType::from_arrow_field(f)))
                .collect();
            DataFrame::new(0, cols).map_err(err)
        }
    }
}
