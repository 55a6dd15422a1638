//! libFuzzer target: any bytes, saved under an xlsx, xls, ods or xlsb name (the first
//! byte chooses), read by `cchc_read::workbook::read_workbook`. The reader must never panic
//! (a panic inside calamine is contained as `file.unreadable`; that is reported here as
//! a crash too, so it gets fixed or reported upstream), and every file must end with
//! tables or findings.
#![no_main]

use std::sync::OnceLock;

use cchc_read::workbook::ReadContext;
use libfuzzer_sys::fuzz_target;

fn context() -> &'static ReadContext {
    static CTX: OnceLock<ReadContext> = OnceLock::new();
    CTX.get_or_init(ReadContext::default)
}

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temporary folder"))
        .path()
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let name = ["unit.xlsx", "unit.xls", "unit.ods", "unit.xlsb"][usize::from(kind % 4)];
    let read = cchc_fuzz::read_bytes(dir(), name, bytes, context()).expect("temporary file");
    assert!(!cchc_fuzz::panicked(&read), "a reading library panicked: {:?}", read.findings);
    assert!(cchc_fuzz::accounted(&read), "neither tables nor findings");
});
