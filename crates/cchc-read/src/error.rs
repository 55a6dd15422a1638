//! The reading layer's error: why a workbook could not be read the fast way, or at all.
//! (What is wrong *in* a workbook is a finding, not an error.)

/// Why the direct xlsx reader ([`crate::xlsx`]) stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Something the direct reader does not expect — a part missing or not UTF-8, an
    /// unknown cell type, a string index outside the table, malformed XML: the caller
    /// reads the file with calamine instead.
    #[error("{0}")]
    Unsupported(String),
    /// The archive is damaged: a part cannot be read from it, inflates to another size
    /// or checksum than its directory entry says, a sheet part is missing, or a sheet
    /// names a row or cell outside any worksheet (calamine overflows on it, or places
    /// the cell elsewhere). Such a file is not given to calamine: it gets
    /// `file.unreadable`.
    #[error("{0}")]
    Damaged(String),
}

impl ReadError {
    /// Whether the archive is damaged (not to be given to calamine).
    pub fn is_damaged(&self) -> bool {
        matches!(self, ReadError::Damaged(_))
    }

    /// What was met, as said to the officer.
    pub fn into_message(self) -> String {
        match self {
            ReadError::Unsupported(m) | ReadError::Damaged(m) => m,
        }
    }
}

impl From<quick_xml::Error> for ReadError {
    fn from(e: quick_xml::Error) -> Self {
        ReadError::Unsupported(format!("xml: {e}"))
    }
}
