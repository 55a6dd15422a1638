//! A unit's upload checked by the same pipeline as `cchc check`: its files copied from
//! the store into a private folder, each in a folder of its own under the name the unit
//! gave (made safe: [`local_name`]), read for the link's unit and period as
//! `cchc check --unit U --period P <files>` reads them, and the findings about them
//! given back under the names the unit gave (never the server's paths).

use std::path::PathBuf;

use cchc_domain::finding::{Finding, Rule, Severity};

use crate::store::{Store, StoredFile};
use crate::Error;

/// The extensions the readers know (README: workbooks, templates, flat ODS, CSV
/// exports); a consolidation lays anything else out as `.bin` (skipped with a finding,
/// as the CLI skips a file that is no workbook).
const KNOWN: [&str; 10] = [
    "xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "xltx", "xltm", "xlt", "fods",
];

/// The extension of `name` when the readers know it, else `bin`.
///
/// ```
/// use cchc_serve::check::known_extension;
/// assert_eq!(known_extension("Báo cáo Q1.XLSX"), "xlsx");
/// assert_eq!(known_extension("mau.xltx"), "xltx");
/// assert_eq!(known_extension("../../etc/passwd"), "bin");
/// ```
pub fn known_extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| KNOWN.contains(&e.as_str()))
        .unwrap_or_else(|| "bin".into())
}

/// A name the unit gave, as a file name here: never empty, `.` or `..` (the upload
/// kept only its last part, without control characters), at most 200 bytes with its
/// extension kept.
///
/// ```
/// use cchc_serve::check::local_name;
/// assert_eq!(local_name("Báo cáo Q1.xlsx"), "Báo cáo Q1.xlsx");
/// assert_eq!(local_name(".."), "tệp");
/// let long = format!("{}.xlsx", "ư".repeat(150));
/// assert!(local_name(&long).len() <= 200 && local_name(&long).ends_with("ư.xlsx"));
/// ```
pub fn local_name(given: &str) -> String {
    let given = given.trim();
    if given.is_empty() || given == "." || given == ".." || given.contains(['/', '\\', '\0']) {
        return "tệp".into();
    }
    if given.len() <= 200 {
        return given.to_string();
    }
    let (stem, ext) = match given.rsplit_once('.') {
        Some((s, e)) if e.len() <= 10 => (s, format!(".{e}")),
        _ => (given, String::new()),
    };
    let mut cut = 200 - ext.len();
    while !stem.is_char_boundary(cut.min(stem.len())) {
        cut -= 1;
    }
    format!("{}{ext}", &stem[..cut.min(stem.len())])
}

/// How the server checks uploads.
#[derive(Debug, Clone, Default)]
pub struct CheckSettings {
    /// The registry CSV; `None`: the embedded one.
    pub registry: Option<PathBuf>,
    /// The reading limits of §5 (file size, inflated size, seconds per file), as
    /// `cchc check` has them.
    pub limits: cchc::Limits,
}

/// The findings of checking `files` as `unit_id`'s report for `period`: those about
/// the files, and those about the unit (not the batch's other units: a link sees its
/// unit alone), in the pipeline's order.
///
/// # Errors
/// [`Error::Io`] when the files cannot be laid out, [`Error::Check`] when the run cannot
/// be set up (a period the calendar does not know, a registry that does not read).
pub fn check_files(
    store: &Store,
    settings: &CheckSettings,
    files: &[StoredFile],
    unit_id: &str,
    period: &str,
) -> Result<Vec<Finding>, Error> {
    let dir = tempfile::tempdir()?;
    let mut names = Vec::with_capacity(files.len());
    let mut inputs = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        // Each file in a folder of its own under the name the unit gave (made safe): the
        // readers see what `cchc check` run on the unit's files would see.
        let folder = dir.path().join(format!("{:03}", i + 1));
        std::fs::create_dir(&folder)?;
        let path = folder.join(local_name(&f.name));
        let from = store
            .file_path(&f.sha256)
            .ok_or_else(|| Error::Io(std::io::Error::other("stored file without a hash")))?;
        std::fs::copy(from, &path)?;
        names.push((path.to_string_lossy().into_owned(), f.name.clone()));
        inputs.push(path);
    }
    let opts = cchc::Options {
        registry: settings.registry.clone(),
        period: Some(period.to_string()),
        unit: Some(unit_id.to_string()),
        limits: settings.limits,
        ..cchc::Options::new(inputs)
    };
    let batch = opts
        .validate()
        .map_err(|e| Error::Check(e.to_string()))?
        .check(&|| {})
        .map_err(|e| Error::Check(e.to_string()))?;
    // `names`: the files as the pipeline names them (their paths here), each with the
    // name the unit gave.
    let shown = |file: &str| {
        names
            .iter()
            .find(|(path, _)| file == path)
            .map(|(_, given)| given.clone())
    };
    // A message that names a file (a duplicate, a cumulative period) names it as the
    // unit gave it, never by the server's folder.
    let renamed = |text: &str| {
        names
            .iter()
            .fold(text.to_string(), |t, (path, given)| t.replace(path, given))
    };
    // The batch's findings about no file: the units that sent nothing; the link's unit's
    // alone is kept.
    let about_unit = |f: &Finding| f.rule == Rule::SubmissionMissing && f.raw == unit_id;
    // A table that reports for another unit: it would be counted for that unit.
    let link_unit = settings_unit_name(&batch, unit_id);
    let mut others: Vec<Finding> = batch
        .submissions
        .iter()
        .filter(|s| !s.computed && s.unit.unit_id != unit_id)
        .filter_map(|s| {
            let given = shown(&s.file)?;
            Some(
                Finding::file(
                    Rule::UploadOtherUnit,
                    given,
                    format!(
                        "Bảng này là báo cáo của \"{}\", không phải của \"{link_unit}\" (đơn vị của đường dẫn): hãy tải lên báo cáo của đơn vị mình, hoặc gửi tệp này qua đường dẫn của \"{}\"",
                        s.unit.name, s.unit.name
                    ),
                )
                .at(&s.sheet, s.data.first_cell())
                .with_raw(s.unit.unit_id.clone()),
            )
        })
        .collect();
    others.dedup();
    let mut found: Vec<Finding> = batch
        .findings
        .iter()
        .cloned()
        .filter_map(|mut f| match shown(&f.file) {
            Some(given) => {
                f.file = given;
                f.message = renamed(&f.message);
                f.raw = renamed(&f.raw);
                Some(f)
            }
            None => about_unit(&f).then_some(f),
        })
        .collect();
    found.extend(others);
    Ok(found)
}

/// The name the registry gives `unit_id` in the batch (its id when it has none).
fn settings_unit_name(batch: &cchc::Batch, unit_id: &str) -> String {
    batch
        .registry
        .get(unit_id)
        .map_or_else(|| unit_id.to_string(), |u| u.name.clone())
}

/// Findings of severity error, warning, info.
pub fn counts(findings: &[Finding]) -> [usize; 3] {
    let mut c = [0; 3];
    for f in findings {
        c[match f.severity() {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }] += 1;
    }
    c
}

/// The findings as JSON, as `cchc check --format json` writes them.
pub fn to_json(findings: &[Finding]) -> String {
    cchc::findings_json(findings).to_string()
}
