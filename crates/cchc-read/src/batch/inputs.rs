//! The inputs of a batch: folders walked, workbooks told from other files.

use super::*;

/// Lists input files: files as given, folders walked recursively, sorted.
/// Lock files (`~$…`) and non-workbooks are returned as `file.skipped` findings.
pub fn collect_inputs(inputs: &[PathBuf]) -> (Vec<(PathBuf, String)>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    // (path, known to be a directory or not): a directory's entries say what they are
    // without a stat call each (a link is still followed, by `is_dir`).
    let mut stack: Vec<(PathBuf, Option<bool>)> =
        inputs.iter().map(|p| (p.clone(), None)).collect();
    let mut all = Vec::new();
    while let Some((p, known_dir)) = stack.pop() {
        if known_dir.unwrap_or_else(|| p.is_dir()) {
            match std::fs::read_dir(&p) {
                Ok(rd) => stack.extend(rd.filter_map(Result::ok).map(|e| {
                    let dir = e
                        .file_type()
                        .ok()
                        .filter(|t| !t.is_symlink())
                        .map(|t| t.is_dir());
                    (e.path(), dir)
                })),
                Err(e) => findings.push(Finding::file(
                    Rule::FileUnreadable,
                    p.display().to_string(),
                    format!("Không đọc được thư mục: {e}"),
                )),
            }
        } else {
            all.push(p);
        }
    }
    all.sort();
    all.dedup();
    for p in all {
        let shown = p.display().to_string();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("~$") || name.starts_with(".~lock") {
            findings.push(Finding::file(
                Rule::FileSkipped,
                shown,
                "Tệp tạm của Excel/LibreOffice (~$…): bỏ qua",
            ));
        } else if !WORKBOOK_EXTENSIONS.contains(&ext.as_str())
            && !DATA_EXTENSIONS.contains(&ext.as_str())
        {
            if p.exists() {
                findings.push(Finding::file(
                    Rule::FileSkipped,
                    shown,
                    "Không phải tệp bảng tính (xlsx, xlsm, xlsb, xls, ods) hay tệp hồ sơ CSV: bỏ qua",
                ));
            } else {
                findings.push(Finding::file(
                    Rule::FileUnreadable,
                    shown,
                    "Không tìm thấy tệp",
                ));
            }
        } else {
            files.push((p, shown));
        }
    }
    (files, findings)
}

/// Number of workbook files a batch would read (for progress bars).
pub fn count_inputs(inputs: &[PathBuf]) -> usize {
    collect_inputs(inputs).0.len()
}

pub(super) fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}
