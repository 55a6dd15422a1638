//! Units that submit reports, and the registry that names them.
//!
//! The registry is a CSV file `unit_id,name,kind,district,aliases` (aliases separated
//! by `;`, lines starting with `#` are comments), in v2 with the optional
//! `valid_from,valid_to,successor` (docs/contract.md §9): a unit is valid between its
//! two dates (inclusive, empty = open), a merged, renamed or closed unit names the unit
//! that takes over its reports. A unit's id may appear on several rows whose validity
//! does not overlap (the unit as it was in each span: its name or grouping changed).
//!
//! A name written in a submission is matched to a unit by its normalised name or
//! aliases, then by its *key* ([`unit_key`]): the kind of unit and the words left once
//! the administrative words are removed, so that `PGD Van Lam` and `Phòng Giáo dục và
//! Đào tạo huyện Văn Lâm` are the same unit. [`Registry::resolve`] then says whether
//! the unit was valid on a period's last day, or which successor reports for it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::text::normalize;

mod csv;
mod names;

pub use self::csv::RegistryError;
pub use names::unit_key;
use names::{key_of_normalized, strip_province};

/// The embedded default registry (Hưng Yên, before and after 1/7/2025).
pub const DEFAULT_REGISTRY_CSV: &str = include_str!("../../data/units.csv");

/// The province whose units the default registry lists.
pub const DEFAULT_PROVINCE: &str = "Hưng Yên";

/// One unit that submits reports (one row of the registry).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    /// Stable id (`pgd-vanlam`).
    pub unit_id: String,
    /// Official name, NFC.
    pub name: String,
    /// `district_office`, `school`, `centre`, `division`, as written in the registry.
    pub kind: String,
    /// Grouping as written in the registry (a district, a cluster; empty = none):
    /// district roll-ups group by it.
    pub district: String,
    /// Other names the unit is known by.
    pub aliases: Vec<String>,
    /// First day the row is valid (`None`: always was).
    pub valid_from: Option<NaiveDate>,
    /// Last day the row is valid (`None`: still is).
    pub valid_to: Option<NaiveDate>,
    /// The unit that reports in its place once this one is no longer valid.
    pub successor: Option<String>,
}

impl Unit {
    /// A unit valid at all times, with no successor.
    pub fn new(unit_id: &str, name: &str, kind: &str, district: &str) -> Unit {
        Unit {
            unit_id: unit_id.into(),
            name: name.into(),
            kind: kind.into(),
            district: district.into(),
            aliases: Vec::new(),
            valid_from: None,
            valid_to: None,
            successor: None,
        }
    }

    /// Whether the row is valid on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

/// What a written unit name is on a given day ([`Registry::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// A unit valid that day.
    Valid(&'a Unit),
    /// A unit no longer valid that day, whose successor (followed along the chain to
    /// the first one valid then) reports in its place (`unit.succeeded`).
    Succeeded {
        /// The unit the submission names.
        written: &'a Unit,
        /// The unit it is counted for.
        successor: &'a Unit,
    },
    /// A unit not valid that day and with no successor valid then (`unit.inactive`).
    Inactive {
        /// The unit the submission names.
        written: &'a Unit,
        /// Whether it was established only later (else it closed before).
        not_yet: bool,
    },
}

impl<'a> Resolved<'a> {
    /// The unit whose figures these are, when they count.
    pub fn counted(self) -> Option<&'a Unit> {
        match self {
            Resolved::Valid(u) => Some(u),
            Resolved::Succeeded { successor, .. } => Some(successor),
            Resolved::Inactive { .. } => None,
        }
    }
}

/// The list of units, searchable by written name.
#[derive(Debug, Clone)]
pub struct Registry {
    /// Every row, sorted by id then validity.
    units: Vec<Unit>,
    /// Whether a row has a validity date or a successor.
    history: bool,
    by_name: BTreeMap<String, Vec<usize>>,
    by_key: BTreeMap<String, Vec<usize>>,
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
    /// As [`Registry::units_from_csv`].
    pub fn from_csv(text: &str) -> Result<Registry, RegistryError> {
        Ok(Registry::from_units(Registry::units_from_csv(text)?))
    }

    /// A registry over the given units.
    pub fn from_units(mut units: Vec<Unit>) -> Registry {
        units.sort_by(|a, b| {
            (&a.unit_id, a.valid_from, a.valid_to).cmp(&(&b.unit_id, b.valid_from, b.valid_to))
        });
        let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, u) in units.iter().enumerate() {
            for n in std::iter::once(&u.name)
                .chain(&u.aliases)
                .chain(std::iter::once(&u.unit_id))
            {
                let norm = normalize(n);
                let keyed = by_key.entry(key_of_normalized(&norm)).or_default();
                if !keyed.contains(&i) {
                    keyed.push(i);
                }
                let named = by_name.entry(norm).or_default();
                if !named.contains(&i) {
                    named.push(i);
                }
            }
        }
        let history = units
            .iter()
            .any(|u| u.valid_from.is_some() || u.valid_to.is_some() || u.successor.is_some());
        Registry {
            units,
            history,
            by_name,
            by_key,
        }
    }

    /// Every row, sorted by id (a unit whose name or grouping changed has a row per
    /// span of time).
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The registry as valid on `day`: the rows valid then, one per unit (the whole
    /// registry's latest rows for `None`).
    ///
    /// ```
    /// use cchc_domain::unit::Registry;
    /// let reg = Registry::default_hung_yen();
    /// let before = reg.as_of("2022-03-14".parse().ok());
    /// let after = reg.as_of("2026-03-14".parse().ok());
    /// assert!(before.get("pgd-vanlam").is_some());
    /// assert!(after.get("pgd-vanlam").is_none()); // district offices closed on 30/6/2025
    /// assert!(after.get("thpt-vanlam").is_some());
    /// ```
    pub fn as_of(&self, day: Option<NaiveDate>) -> Cow<'_, Registry> {
        // A registry without dates is the same on every day (and is not indexed again:
        // 10,000 units take ≈ 0.1 s).
        if !self.history {
            return Cow::Borrowed(self);
        }
        let rows = match day {
            Some(d) => self
                .units
                .iter()
                .filter(|u| u.valid_on(d))
                .cloned()
                .collect(),
            None => self.latest_rows().cloned().collect(),
        };
        Cow::Owned(Registry::from_units(rows))
    }

    /// Whether any row has a validity date or a successor.
    pub fn has_history(&self) -> bool {
        self.history
    }

    /// Each unit's latest row.
    fn latest_rows(&self) -> impl Iterator<Item = &Unit> {
        self.units
            .iter()
            .enumerate()
            .filter(|(i, u)| {
                self.units
                    .get(i + 1)
                    .is_none_or(|next| next.unit_id != u.unit_id)
            })
            .map(|(_, u)| u)
    }

    /// The rows of one unit, in time order.
    fn rows_of(&self, unit_id: &str) -> &[Unit] {
        let start = self.units.partition_point(|u| u.unit_id.as_str() < unit_id);
        let end = start
            + self.units[start..]
                .iter()
                .take_while(|u| u.unit_id == unit_id)
                .count();
        &self.units[start..end]
    }

    /// The unit with this id (its latest row).
    pub fn get(&self, unit_id: &str) -> Option<&Unit> {
        self.rows_of(unit_id).last()
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
    /// the unit key when exactly one unit has it), whatever its validity.
    pub fn match_name(&self, written: &str) -> Option<&Unit> {
        self.resolve(written, None).map(|r| match r {
            Resolved::Valid(u) | Resolved::Inactive { written: u, .. } => u,
            Resolved::Succeeded { written, .. } => written,
        })
    }

    /// What a written name is on `day` (a period's last day): a unit valid then, a unit
    /// whose successor reports in its place, or an inactive one; `None` when no unit
    /// has the name. Where several units have it, the one valid that day is meant.
    ///
    /// ```
    /// use cchc_domain::unit::{Registry, Resolved};
    /// let reg = Registry::from_csv(
    ///     "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n\
    ///      a,Trường THPT An,school,,,,2025-06-30,b\n\
    ///      b,Trường THPT An Bình,school,,,2025-07-01,,\n",
    /// ).unwrap();
    /// let day = "2026-03-14".parse().ok();
    /// let Some(Resolved::Succeeded { written, successor }) = reg.resolve("THPT An", day) else {
    ///     panic!("counted for its successor");
    /// };
    /// assert_eq!((written.unit_id.as_str(), successor.unit_id.as_str()), ("a", "b"));
    /// ```
    pub fn resolve(&self, written: &str, day: Option<NaiveDate>) -> Option<Resolved<'_>> {
        let rows = self.candidates(written, day)?;
        let Some(day) = day else {
            return rows.last().map(Resolved::Valid);
        };
        if let Some(u) = rows.iter().find(|u| u.valid_on(day)) {
            return Some(Resolved::Valid(u));
        }
        // Not valid that day: the row that ended last before it hands over to its
        // successor; none ended (the unit came later): not yet established.
        let Some(ended) = rows
            .iter()
            .rev()
            .find(|u| u.valid_to.is_some_and(|t| t < day))
        else {
            return rows.first().map(|u| Resolved::Inactive {
                written: u,
                not_yet: true,
            });
        };
        let mut current = ended;
        // Cycles are refused when the registry is read; the bound guards a registry
        // built from rows directly.
        for _ in 0..=self.units.len() {
            let Some(next) = current.successor.as_deref() else {
                break;
            };
            let chain = self.rows_of(next);
            if let Some(s) = chain.iter().find(|u| u.valid_on(day)) {
                return Some(Resolved::Succeeded {
                    written: ended,
                    successor: s,
                });
            }
            match chain
                .iter()
                .rev()
                .find(|u| u.valid_to.is_some_and(|t| t < day))
            {
                Some(u) => current = u,
                None => break,
            }
        }
        Some(Resolved::Inactive {
            written: ended,
            not_yet: false,
        })
    }

    /// The rows of the one unit a written name means (all of its rows), trying the
    /// exact name, then the key, then the name without a trailing province.
    fn candidates(&self, written: &str, day: Option<NaiveDate>) -> Option<&[Unit]> {
        let norm = normalize(written);
        if norm.is_empty() {
            return None;
        }
        if let Some(rows) = self.by_name.get(&norm) {
            return self.one_unit(rows, day, true);
        }
        if let Some(rows) = self.by_key.get(&unit_key(written)) {
            if let Some(found) = self.one_unit(rows, day, false) {
                return Some(found);
            }
        }
        // "Trường THPT Văn Lâm - Hưng Yên", "PGD Ân Thi, tỉnh Hưng Yên": the province
        // written after the name.
        let stripped = strip_province(&norm);
        if stripped.len() < norm.len() && !stripped.is_empty() {
            self.candidates(&stripped, day)
        } else {
            None
        }
    }

    /// The unit among matched rows: the only one, else the only one valid on `day`,
    /// else (an exact name shared by several units) the first by id.
    fn one_unit(&self, rows: &[usize], day: Option<NaiveDate>, exact: bool) -> Option<&[Unit]> {
        let mut ids: Vec<&str> = rows
            .iter()
            .filter_map(|&i| self.units.get(i))
            .map(|u| u.unit_id.as_str())
            .collect();
        ids.dedup();
        if let [id] = ids[..] {
            return Some(self.rows_of(id));
        }
        if let Some(day) = day {
            let valid: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|id| self.rows_of(id).iter().any(|u| u.valid_on(day)))
                .collect();
            if let [id] = valid[..] {
                return Some(self.rows_of(id));
            }
        }
        if exact {
            ids.first().map(|id| self.rows_of(id))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_registry_loads() {
        let reg = Registry::from_csv(DEFAULT_REGISTRY_CSV).expect("embedded registry parses");
        let before = reg.as_of(day("2022-03-14"));
        let offices = |r: &Registry| {
            r.units()
                .iter()
                .filter(|u| u.kind == "district_office")
                .count()
        };
        assert_eq!(offices(&before), 10);
        assert_eq!(before.districts().len(), 10);
        // After 1/7/2025: no district offices, no districts; the schools and centres go on.
        let after = reg.as_of(day("2026-03-14"));
        assert_eq!(offices(&after), 0);
        assert!(after.districts().is_empty());
        assert_eq!(after.units().len(), before.units().len() - 10);
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

    const V2: &str = "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n\
        pgd-x,Phòng GDĐT huyện X,district_office,X,PGD X,,2025-06-30,\n\
        thpt-cu,Trường THPT Cũ,school,X,,,2025-06-30,thpt-giua\n\
        thpt-giua,Trường THPT Giữa,school,,,2025-07-01,2025-12-31,thpt-moi\n\
        thpt-moi,Trường THPT Mới,school,,,2026-01-01,,\n\
        thpt-o,Trường THPT Ở,school,X,,,2025-06-30,\n\
        thpt-o,Trường THPT Ở,school,,,2025-07-01,,\n\
        thpt-sau,Trường THPT Sau,school,,,2027-01-01,,\n";

    fn day(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    #[test]
    fn validity_successors_and_chains() {
        let reg = Registry::from_csv(V2).expect("a v2 registry");
        let ids = |r: Option<Resolved<'_>>| match r {
            Some(Resolved::Valid(u)) => format!("valid {}", u.unit_id),
            Some(Resolved::Succeeded { written, successor }) => {
                format!("{} → {}", written.unit_id, successor.unit_id)
            }
            Some(Resolved::Inactive { written, not_yet }) => {
                format!("inactive {} {not_yet}", written.unit_id)
            }
            None => "none".into(),
        };
        let on = |name: &str, d: &str| ids(reg.resolve(name, day(d)));
        // Before the merger everything is itself.
        assert_eq!(on("PGD X", "2022-03-14"), "valid pgd-x");
        assert_eq!(on("THPT Cũ", "2022-03-14"), "valid thpt-cu");
        // A closure without a successor.
        assert_eq!(
            on("Phòng GDĐT huyện X", "2026-03-14"),
            "inactive pgd-x false"
        );
        // A merger, then a chain: the first successor valid on the day.
        assert_eq!(on("Trường THPT Cũ", "2025-09-14"), "thpt-cu → thpt-giua");
        assert_eq!(on("Trường THPT Cũ", "2026-03-14"), "thpt-cu → thpt-moi");
        assert_eq!(on("THPT Giữa", "2026-03-14"), "thpt-giua → thpt-moi");
        // A unit established later, and one whose rows change its grouping.
        assert_eq!(on("THPT Sau", "2026-03-14"), "inactive thpt-sau true");
        assert_eq!(on("THPT Ở", "2026-03-14"), "valid thpt-o");
        assert_eq!(
            reg.resolve("THPT Ở", day("2022-03-14"))
                .and_then(Resolved::counted)
                .map(|u| u.district.as_str()),
            Some("X")
        );
        assert_eq!(
            reg.resolve("THPT Ở", day("2026-03-14"))
                .and_then(Resolved::counted)
                .map(|u| u.district.as_str()),
            Some("")
        );
        assert_eq!(on("THPT Không Có", "2026-03-14"), "none");
        // The registry as valid on a day: one row per unit valid then.
        let ids_on = |d: &str| {
            reg.as_of(day(d))
                .units()
                .iter()
                .map(|u| u.unit_id.clone())
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(ids_on("2022-03-14"), "pgd-x,thpt-cu,thpt-o");
        assert_eq!(ids_on("2025-09-14"), "thpt-giua,thpt-o");
        assert_eq!(ids_on("2026-03-14"), "thpt-moi,thpt-o");
        assert_eq!(reg.as_of(day("2022-03-14")).districts(), ["X"]);
        assert!(reg.as_of(day("2026-03-14")).districts().is_empty());
        assert!(reg.has_history());
    }

    #[test]
    fn registry_errors_name_the_rows() {
        let head = "unit_id,name,kind,district,aliases,valid_from,valid_to,successor\n";
        let err = |rows: &str| {
            Registry::from_csv(&format!("{head}{rows}"))
                .expect_err("a bad registry")
                .to_string()
        };
        let e = err("a,A,school,,,,2025-06-30,b\nb,B,school,,,,2025-06-30,c\nc,C,school,,,,,a\n");
        assert!(e.contains("a → b → c → a") && e.contains("2, 3, 4"), "{e}");
        let e = err("a,A,school,,,,,a\n");
        assert!(e.contains("a → a"), "{e}");
        let e = err("a,A,school,,,,2025-06-30,z\n");
        assert!(e.contains("dòng 2") && e.contains("`z`"), "{e}");
        let e = err("a,A,school,,,1/7/2025,,\n");
        assert!(
            e.contains("dòng 2") && e.contains("valid_from") && e.contains("1/7/2025"),
            "{e}"
        );
        let e = err("a,A,school,,,2025-07-01,2025-06-30,\n");
        assert!(e.contains("valid_to"), "{e}");
        let e = err("a,A,school,,,,2025-06-30,\na,A2,school,,,2025-06-01,,\n");
        assert!(
            e.contains("dòng 3") && e.contains("dòng 2") && e.contains("chồng"),
            "{e}"
        );
        // Rows of one id that follow one another are one unit over time.
        assert!(Registry::from_csv(&format!(
            "{head}a,A,school,X,,,2025-06-30,\na,A,school,,,2025-07-01,,\n"
        ))
        .is_ok());
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
