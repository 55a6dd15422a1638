//! Consolidation on demand (DOMAIN.md §12): each unit's newest sent version of a period,
//! read by the library's own `consolidate`, the workbook, the exports and the feedback
//! workbooks kept under `outputs/<period>/<n>/` for the office to download.
//!
//! The files are laid out as `<unit name> <k>.<ext>` (k counting the unit's files): the
//! reader ties a file that names no unit to the one its name gives, as the check of the
//! upload tied it to the link's unit. `cchc consolidate --feedback` over files so named
//! writes the same workbook.

use std::path::{Path, PathBuf};

use crate::check::CheckSettings;
use crate::store::Store;
use crate::Error;

/// What a consolidation wrote, relative to its folder, sorted.
pub fn output_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if entry.file_name() == COMPLETE {
                continue;
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files of `period`'s counted versions laid out in `into` (see the module's note);
/// how many.
pub fn lay_out(
    store: &Store,
    units: &std::collections::BTreeMap<String, String>,
    period: &str,
    into: &Path,
) -> Result<usize, Error> {
    let mut n = 0;
    for (unit_id, version) in store.counted_versions(period)? {
        let name = units.get(&unit_id).unwrap_or(&unit_id);
        // A name from the registry, but a file name all the same: no separators.
        let name: String = name
            .chars()
            .map(|c| {
                if c == '/' || c == '\\' || c.is_control() {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        for (k, f) in version.files.iter().enumerate() {
            let ext = crate::check::known_extension(&f.name);
            let from = store
                .file_path(&f.sha256)
                .ok_or_else(|| Error::Io(std::io::Error::other("stored file without a hash")))?;
            std::fs::copy(from, into.join(format!("{name} {}.{ext}", k + 1)))?;
            n += 1;
        }
    }
    Ok(n)
}

/// The file that says a consolidation's folder is whole (written last).
pub const COMPLETE: &str = ".complete";

/// Consolidates `period` into a new output folder; its number. The folder holds the
/// files read (`nop/`, so the office can run `cchc consolidate` on them again), the
/// workbook `tong-hop.xlsx` (the official forms among its sheets), the period's Word
/// report `bao-cao.docx`, the exports `xuat/` and the feedback `phan-hoi/`; it counts
/// once [`COMPLETE`] is written, last (a crash leaves a folder nobody lists).
pub fn consolidate(
    store: &Store,
    settings: &CheckSettings,
    units: &std::collections::BTreeMap<String, String>,
    period: &str,
) -> Result<u32, Error> {
    if store.counted_versions(period)?.is_empty() {
        return Err(Error::Check("chưa đơn vị nào gửi báo cáo kỳ này".into()));
    }
    // A new number, taken by making its folder (two at once get two numbers).
    let mut n = store
        .outputs_started(period)
        .first()
        .map_or(1, |last| last + 1);
    let out: PathBuf = loop {
        let dir = store
            .output_dir(period, n)
            .ok_or_else(|| Error::Check(format!("kỳ không đúng: {period}")))?;
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::create_dir(&dir) {
            Ok(()) => break dir,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(e.into()),
        }
    };
    let inputs = out.join("nop");
    std::fs::create_dir(&inputs)?;
    lay_out(store, units, period, &inputs)?;
    let opts = cchc::Options {
        registry: settings.registry.clone(),
        period: Some(period.to_string()),
        limits: settings.limits,
        feedback: Some(out.join("phan-hoi")),
        narrative: Some(out.join("bao-cao.docx")),
        ..cchc::Options::new([&inputs])
    };
    opts.validate()
        .and_then(|run| {
            run.consolidate(
                &out.join("tong-hop.xlsx"),
                Some(&out.join("xuat")),
                &mut (),
                &|| {},
            )
        })
        .map_err(|e| Error::Check(e.to_string()))?;
    std::fs::write(out.join(COMPLETE), b"")?;
    store.audit("office", "consolidate", &format!("{period} {n}"))?;
    Ok(n)
}
