//! Units that submit reports, and the registry that names them.
//!
//! The registry is a CSV file `unit_id,name,kind,district,aliases` (aliases separated
//! by `;`, lines starting with `#` are comments). A name written in a submission is
//! matched to a unit by its normalised name or aliases, then by its *key*: the kind
//! of unit (district office, school, centre) and the words left once the
//! administrative words are removed, so that `PGD Van Lam` and
//! `Phòng Giáo dục và Đào tạo huyện Văn Lâm` are the same unit.

use std::collections::BTreeMap;

use crate::text::{normalize, words};

/// The embedded default registry (Hưng Yên).
pub const DEFAULT_REGISTRY_CSV: &str = include_str!("../data/units.csv");

/// The province whose units the default registry lists.
pub const DEFAULT_PROVINCE: &str = "Hưng Yên";

/// One unit that submits reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    /// Stable id (`pgd-vanlam`).
    pub unit_id: String,
    /// Official name, NFC.
    pub name: String,
    /// `district_office`, `school`, `centre`, `division`, as written in the registry.
    pub kind: String,
    /// District text as written in the registry; district roll-ups group by it.
    pub district: String,
    /// Other names the unit is known by.
    pub aliases: Vec<String>,
}

/// A registry file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The CSV could not be parsed (line given by the csv reader).
    #[error("danh mục đơn vị: dòng {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What was wrong.
        message: String,
    },
    /// A required column is absent from the header line.
    #[error("danh mục đơn vị: thiếu cột `{0}` (cần unit_id,name,kind,district,aliases)")]
    MissingColumn(&'static str),
    /// The same unit id twice.
    #[error("danh mục đơn vị: dòng {line}: mã đơn vị `{unit_id}` bị trùng")]
    DuplicateId {
        /// 1-based line.
        line: u64,
        /// The repeated id.
        unit_id: String,
    },
}

/// The list of units, searchable by written name.
#[derive(Debug, Clone)]
pub struct Registry {
    units: Vec<Unit>,
    by_name: BTreeMap<String, usize>,
    by_key: BTreeMap<String, Vec<usize>>,
}

/// The class of a unit name, from its words; part of the matching key.
fn kind_class(norm: &str) -> &'static str {
    let ws = words(norm);
    let has = |w: &str| ws.contains(&w);
    let has_phrase = |p: &str| crate::text::contains_phrase(norm, p);
    if has("pgd")
        || has("pgddt")
        || (has("phong") && (has("gd") || has("gddt") || has_phrase("giao duc")))
    {
        "office"
    } else if has("gdtx") || has("gdnn") || has_phrase("trung tam") || has_phrase("thuong xuyen") {
        "centre"
    } else if has("thpt") || has_phrase("trung hoc pho thong") || has("truong") {
        "school"
    } else {
        "other"
    }
}

const STOP_PHRASES: &[&str] = &[
    "uy ban nhan dan",
    "giao duc va dao tao",
    "giao duc nghe nghiep",
    "giao duc thuong xuyen",
    "trung hoc pho thong",
    "giao duc",
    "dao tao",
    "thanh pho",
    "thi xa",
    "trung tam",
];
const STOP_WORDS: &[&str] = &[
    "phong", "pgd", "pgddt", "gddt", "gd", "dt", "huyen", "tp", "tx", "truong", "thpt", "gdnn",
    "gdtx", "ubnd", "va", "tinh", "tt",
];

/// The matching key of a written unit name: class and remaining words.
///
/// ```
/// use cchc_domain::unit::unit_key;
/// assert_eq!(unit_key("PGD Van Lam"), unit_key("Phòng Giáo dục và Đào tạo huyện Văn Lâm"));
/// assert_ne!(unit_key("THPT Văn Lâm"), unit_key("Phòng GDĐT Văn Lâm"));
/// ```
pub fn unit_key(name: &str) -> String {
    key_of_normalized(&normalize(name))
}

/// [`unit_key`] of a name already [`normalize`]d.
fn key_of_normalized(norm: &str) -> String {
    let class = kind_class(norm);
    let mut ws: Vec<&str> = words(norm);
    static STOP_PHRASE_WORDS: std::sync::OnceLock<Vec<Vec<&'static str>>> =
        std::sync::OnceLock::new();
    let stop_phrases =
        STOP_PHRASE_WORDS.get_or_init(|| STOP_PHRASES.iter().map(|p| words(p)).collect());
    for p in stop_phrases {
        let mut i = 0;
        while i + p.len() <= ws.len() {
            if ws[i..i + p.len()] == p[..] {
                ws.drain(i..i + p.len());
            } else {
                i += 1;
            }
        }
    }
    ws.retain(|w| !STOP_WORDS.contains(w));
    format!("{class}:{}", ws.join(" "))
}

/// A normalised name without a trailing `(tinh) hung yen`, unless that is all the
/// place there is (`TP Hưng Yên`, `THPT Chuyên Hưng Yên` keep it).
fn strip_province(norm: &str) -> String {
    for suffix in [" tinh hung yen", " hung yen"] {
        if let Some(rest) = norm.strip_suffix(suffix) {
            let core = unit_key(rest);
            let place = core.split_once(':').map_or("", |(_, p)| p);
            if !place.is_empty()
                && !rest.ends_with(" tp")
                && !rest.ends_with(" thanh pho")
                && !rest.ends_with(" chuyen")
            {
                return rest.to_string();
            }
        }
    }
    norm.to_string()
}

impl Registry {
    /// The embedded default registry.
    pub fn default_hung_yen() -> Registry {
        // The embedded file is checked by a unit test; an error here is a build defect.
        Registry::from_csv(DEFAULT_REGISTRY_CSV)
            .unwrap_or_else(|_| Registry::from_units(Vec::new()))
    }

    /// Parses a registry CSV.
    ///
    /// # Errors
    /// [`RegistryError`] for malformed CSV, a missing column or a repeated id.
    pub fn from_csv(text: &str) -> Result<Registry, RegistryError> {
        Ok(Registry::from_units(Registry::units_from_csv(text)?))
    }

    /// The units of a registry CSV, checked as [`Registry::from_csv`] checks them,
    /// without the name indexes ([`Registry::from_units`] builds those).
    ///
    /// # Errors
    /// [`RegistryError`] for malformed CSV, a missing column or a repeated id.
    pub fn units_from_csv(text: &str) -> Result<Vec<Unit>, RegistryError> {
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| RegistryError::Csv {
                line: 1,
                message: e.to_string(),
            })?
            .clone();
        let col = |name: &'static str| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
                .ok_or(RegistryError::MissingColumn(name))
        };
        let (c_id, c_name, c_kind, c_district) = (
            col("unit_id")?,
            col("name")?,
            col("kind")?,
            col("district")?,
        );
        let c_alias = col("aliases").ok();
        let mut units = Vec::new();
        let mut seen = BTreeMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| RegistryError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |i: usize| crate::text::nfc(rec.get(i).unwrap_or(""));
            let unit_id = get(c_id);
            if unit_id.is_empty() {
                continue;
            }
            if seen.insert(unit_id.clone(), line).is_some() {
                return Err(RegistryError::DuplicateId { line, unit_id });
            }
            let aliases = c_alias
                .map(|c| {
                    get(c)
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            units.push(Unit {
                unit_id,
                name: get(c_name),
                kind: get(c_kind),
                district: get(c_district),
                aliases,
            });
        }
        Ok(units)
    }

    /// A registry over the given units.
    pub fn from_units(mut units: Vec<Unit>) -> Registry {
        units.sort();
        let mut by_name = BTreeMap::new();
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, u) in units.iter().enumerate() {
            for n in std::iter::once(&u.name)
                .chain(&u.aliases)
                .chain(std::iter::once(&u.unit_id))
            {
                let norm = normalize(n);
                let keyed = by_key.entry(key_of_normalized(&norm)).or_default();
                by_name.entry(norm).or_insert(i);
                if !keyed.contains(&i) {
                    keyed.push(i);
                }
            }
        }
        Registry {
            units,
            by_name,
            by_key,
        }
    }

    /// All units, sorted by id.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The unit with this id.
    pub fn get(&self, unit_id: &str) -> Option<&Unit> {
        // Sorted by id (the first field of `Unit`'s order), ids unique.
        self.units
            .binary_search_by(|u| u.unit_id.as_str().cmp(unit_id))
            .ok()
            .and_then(|i| self.units.get(i))
    }

    /// Districts as written in the registry, sorted, without repeats.
    pub fn districts(&self) -> Vec<String> {
        let mut d: Vec<String> = self
            .units
            .iter()
            .map(|u| u.district.clone())
            .filter(|d| !d.is_empty())
            .collect();
        d.sort();
        d.dedup();
        d
    }

    /// Finds the unit a written name refers to (exact normalised name or alias, then
    /// the unit key when exactly one unit has it).
    pub fn match_name(&self, written: &str) -> Option<&Unit> {
        let norm = normalize(written);
        if norm.is_empty() {
            return None;
        }
        if let Some(&i) = self.by_name.get(&norm) {
            return self.units.get(i);
        }
        match self.by_key.get(&unit_key(written)).map(Vec::as_slice) {
            Some([i]) => self.units.get(*i),
            // "Trường THPT Văn Lâm - Hưng Yên", "PGD Ân Thi, tỉnh Hưng Yên": the province
            // written after the name.
            _ => {
                let stripped = strip_province(&norm);
                if stripped.len() < norm.len() && !stripped.is_empty() {
                    self.match_name(&stripped)
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_registry_loads() {
        let reg = Registry::from_csv(DEFAULT_REGISTRY_CSV).expect("embedded registry parses");
        assert_eq!(
            reg.units()
                .iter()
                .filter(|u| u.kind == "district_office")
                .count(),
            10
        );
        assert_eq!(reg.districts().len(), 10);
    }

    #[test]
    fn names_and_aliases_match() {
        let reg = Registry::default_hung_yen();
        let id = |s: &str| reg.match_name(s).map(|u| u.unit_id.clone());
        assert_eq!(id("PGD Van Lam").as_deref(), Some("pgd-vanlam"));
        assert_eq!(
            id("Phòng Giáo dục và Đào tạo huyện Văn Lâm").as_deref(),
            Some("pgd-vanlam")
        );
        assert_eq!(id("PHÒNG GD&ĐT HUYỆN ÂN THI").as_deref(), Some("pgd-anthi"));
        assert_eq!(id("Trường THPT Văn Lâm").as_deref(), Some("thpt-vanlam"));
        assert_eq!(
            id("THPT chuyên Hưng Yên").as_deref(),
            Some("thpt-chuyenhungyen")
        );
        assert_eq!(
            id("Phòng GDĐT thành phố Hưng Yên").as_deref(),
            Some("pgd-tphungyen")
        );
        assert_eq!(
            id("Trung tâm GDNN-GDTX huyện Văn Lâm").as_deref(),
            Some("gdnn-vanlam")
        );
        assert_eq!(id("TT GDNN - GDTX Tiên Lữ").as_deref(), Some("gdnn-tienlu"));
        assert_eq!(
            id("Trường THPT Văn Lâm - Hưng Yên").as_deref(),
            Some("thpt-vanlam")
        );
        assert_eq!(
            id("Phòng GDĐT Ân Thi, tỉnh Hưng Yên").as_deref(),
            Some("pgd-anthi")
        );
        assert_eq!(
            id("Phòng GDĐT TP Hưng Yên").as_deref(),
            Some("pgd-tphungyen")
        );
        assert_eq!(id("Sở Y tế"), None);
        assert_eq!(id(""), None);
    }

    #[test]
    fn bad_registry_is_an_error() {
        assert!(matches!(
            Registry::from_csv("id,name\nx,y\n"),
            Err(RegistryError::MissingColumn("unit_id"))
        ));
        let dup = "unit_id,name,kind,district,aliases\na,A,school,X,\na,B,school,X,\n";
        assert!(matches!(
            Registry::from_csv(dup),
            Err(RegistryError::DuplicateId { .. })
        ));
    }
}
