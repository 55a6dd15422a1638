//! The plan's targets: a catalogue read from TOML, with exact thresholds.
//!
//! The default catalogue (`data/targets.toml`, the 2022 plan) is compiled in;
//! [`Catalogue::from_toml`] reads a replacement (next year's plan, another province).

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::text::{normalize, words};

/// The embedded 2022 catalogue.
pub const DEFAULT_TARGETS_TOML: &str = include_str!("../data/targets.toml");

/// How a value is compared with the threshold, as the plan writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Comparator {
    /// `≥`: reaching the threshold meets the target.
    AtLeast,
    /// `>`: the value must exceed the threshold (exactly 50% does not meet `> 50%`).
    Above,
}

impl Comparator {
    /// `>=` or `>`, as in exports.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::Above => ">",
        }
    }

    /// `≥` or `>`, as in reports.
    pub fn symbol_vi(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
        }
    }
}

/// Which form feeds a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Form {
    /// Form A, dossier results.
    A,
    /// Form B, online public services.
    B,
    /// Form C, staffing and public units.
    C,
    /// Form D, other indicators.
    D,
}

/// An exact non-negative fraction `num / den` (thresholds, values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub num: i128,
    /// Denominator, > 0.
    pub den: i128,
}

impl Fraction {
    /// Parses a decimal (`0.8`, `1`, `0.025`) or a percentage (`2,5%`, `80%`).
    pub fn parse_decimal(text: &str) -> Option<Fraction> {
        let t = text.trim().replace(',', ".");
        let (t, mut den) = match t.strip_suffix('%') {
            Some(p) => (p.trim().to_string(), 100i128),
            None => (t, 1i128),
        };
        let (int_part, frac_part) = t.split_once('.').unwrap_or((&t, ""));
        if int_part.is_empty()
            || !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        if frac_part.len() > 12 || int_part.len() > 12 {
            return None;
        }
        let digits = format!("{int_part}{frac_part}");
        let num: i128 = digits.parse().ok()?;
        den *= 10i128.pow(u32::try_from(frac_part.len()).ok()?);
        Some(Fraction { num, den })
    }

    /// The value as a float, for display and exports.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// A whole number.
    pub fn int(n: i128) -> Fraction {
        Fraction { num: n, den: 1 }
    }

    /// Exact sum, reduced.
    pub fn add(self, o: Fraction) -> Fraction {
        Fraction {
            num: self.num * o.den + o.num * self.den,
            den: self.den * o.den,
        }
        .reduced()
    }

    /// Exact difference, reduced.
    pub fn sub(self, o: Fraction) -> Fraction {
        self.add(Fraction {
            num: -o.num,
            den: o.den,
        })
    }

    /// The same value with numerator and denominator divided by their gcd.
    pub fn reduced(self) -> Fraction {
        let (mut a, mut b) = (self.num.abs(), self.den.abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let g = a.max(1);
        Fraction {
            num: self.num / g,
            den: self.den / g,
        }
    }

    /// Whether the value is 0.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// A float as an exact decimal fraction, to ten decimal places (what a spreadsheet
    /// shows of it); `None` for a negative, infinite or NaN value.
    pub fn from_f64(x: f64) -> Option<Fraction> {
        if !x.is_finite() || !(0.0..=1e15).contains(&x) {
            return None;
        }
        // Whole numbers (every count) are exact as they are: no need to print them.
        if x.fract() == 0.0 {
            return Some(Fraction::int(x as i128));
        }
        Fraction::parse_decimal(&format!("{x:.10}")).map(Fraction::reduced)
    }
}

/// One target of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Stable id (`tthc.early`).
    pub id: String,
    /// Where the plan states it (`MT 2.a`).
    pub plan_ref: String,
    /// Short Vietnamese label.
    pub name: String,
    /// The plan's own wording.
    pub wording: String,
    /// `≥` or `>`.
    pub comparator: Comparator,
    /// The threshold as an exact fraction.
    pub threshold: Fraction,
    /// The threshold as written in the catalogue.
    pub threshold_text: String,
    /// The form that feeds it.
    pub form: Form,
    /// How numerator and denominator are formed.
    pub measure: String,
    /// Other names a Form D row may give this target.
    pub aliases: Vec<String>,
}

impl Target {
    /// Whether `num / den` meets the target. `den` must be > 0.
    pub fn is_met(&self, num: i128, den: i128) -> bool {
        self.is_met_fraction(Fraction { num, den: 1 }, Fraction { num: den, den: 1 })
    }

    /// [`Target::is_met`] for fractional numerator and denominator (Form D amounts).
    pub fn is_met_fraction(&self, n: Fraction, d: Fraction) -> bool {
        // n ≥ t·d  ⇔  n.num · t.den · d.den ≥ t.num · d.num · n.den (all denominators > 0)
        let lhs = n.num * self.threshold.den * d.den;
        let rhs = self.threshold.num * d.num * n.den;
        match self.comparator {
            Comparator::AtLeast => lhs >= rhs,
            Comparator::Above => lhs > rhs,
        }
    }

    /// How many more numerator items would meet the target (DOMAIN §7.6), never below 0.
    ///
    /// ```
    /// use cchc_domain::target::Catalogue;
    /// let cat = Catalogue::default_2022();
    /// let early = cat.get("tthc.early").unwrap();
    /// assert_eq!(early.gap(80, 120), 16); // ⌈0.8·120⌉ − 80
    /// let level3 = cat.get("dvc.level3").unwrap();
    /// assert_eq!(level3.gap(5, 10), 1); // ⌊0.5·10⌋ + 1 − 5: exactly 50% is not > 50%
    /// ```
    pub fn gap(&self, num: i128, den: i128) -> i128 {
        self.gap_fraction(Fraction { num, den: 1 }, Fraction { num: den, den: 1 })
    }

    /// [`Target::gap`] for fractional numerator and denominator: for `≥ t`,
    /// ⌈t·d − n⌉; for `> t`, ⌊t·d − n⌋ + 1; never below 0.
    pub fn gap_fraction(&self, n: Fraction, d: Fraction) -> i128 {
        let t = self.threshold;
        // t·d − n = (t.num·d.num·n.den − n.num·t.den·d.den) / (t.den·d.den·n.den)
        let top = t.num * d.num * n.den - n.num * t.den * d.den;
        let bottom = t.den * d.den * n.den;
        let needed = match self.comparator {
            Comparator::AtLeast => -((-top).div_euclid(bottom)),
            Comparator::Above => top.div_euclid(bottom) + 1,
        };
        needed.max(0)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    plan: Option<String>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: String,
    plan_ref: String,
    name: String,
    wording: String,
    comparator: String,
    threshold: String,
    form: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// A catalogue file that cannot be used; the message names the line and key.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// Not valid TOML, or a key missing or of the wrong type (the TOML error gives
    /// the line and the key).
    #[error("danh mục chỉ tiêu: {0}")]
    Toml(String),
    /// A value that TOML accepts but the catalogue does not.
    #[error("danh mục chỉ tiêu: dòng {line}: chỉ tiêu `{id}`, khóa `{key}`: {message}")]
    Invalid {
        /// 1-based line of the target's id.
        line: usize,
        /// Target id.
        id: String,
        /// The key at fault.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No targets at all.
    #[error("danh mục chỉ tiêu: không có chỉ tiêu nào ([[target]])")]
    Empty,
}

/// One name of a target, normalised, with its telling words (for Form D matching).
#[derive(Debug, Clone)]
struct IndicatorName {
    text: String,
    words: BTreeSet<String>,
}

impl IndicatorName {
    fn new(name: &str) -> IndicatorName {
        let text = normalize(name);
        let words = text
            .split(' ')
            .filter(|w| !w.is_empty() && !FILLER.contains(w))
            .map(String::from)
            .collect();
        IndicatorName { text, words }
    }
}

/// The list of targets, in catalogue order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The plan the targets come from.
    pub plan: String,
    /// Targets in the order the file lists them.
    pub targets: Vec<Target>,
    /// Each target's name, wording and aliases normalised, built on first use by
    /// [`Catalogue::match_indicator`] (which reads thousands of rows per batch).
    names: std::sync::OnceLock<Vec<Vec<IndicatorName>>>,
}

impl Catalogue {
    /// The embedded 2022 catalogue.
    pub fn default_2022() -> Catalogue {
        // Checked by a unit test; an error here is a build defect.
        Catalogue::from_toml(DEFAULT_TARGETS_TOML).unwrap_or(Catalogue {
            plan: String::new(),
            targets: Vec::new(),
            names: Default::default(),
        })
    }

    /// Reads a catalogue.
    ///
    /// # Errors
    /// [`CatalogueError`] naming the line and key of the first problem.
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Toml(e.to_string()))?;
        if raw.target.is_empty() {
            return Err(CatalogueError::Empty);
        }
        let line_of = |id: &str| {
            text.lines()
                .position(|l| l.contains(&format!("\"{id}\"")) && l.trim_start().starts_with("id"))
                .map_or(0, |i| i + 1)
        };
        let mut targets = Vec::new();
        for t in raw.target {
            let invalid = |key, message: String| CatalogueError::Invalid {
                line: line_of(&t.id),
                id: t.id.clone(),
                key,
                message,
            };
            let comparator = match t.comparator.trim() {
                ">=" | "≥" => Comparator::AtLeast,
                ">" => Comparator::Above,
                other => {
                    return Err(invalid(
                        "comparator",
                        format!("`{other}` không hợp lệ (dùng \">=\" hoặc \">\")"),
                    ))
                }
            };
            let threshold = Fraction::parse_decimal(&t.threshold).ok_or_else(|| {
                invalid(
                    "threshold",
                    format!("`{}` không phải số thập phân (ví dụ \"0.8\")", t.threshold),
                )
            })?;
            let form = match t.form.trim() {
                "A" => Form::A,
                "B" => Form::B,
                "C" => Form::C,
                "D" => Form::D,
                other => {
                    return Err(invalid(
                        "form",
                        format!("`{other}` không hợp lệ (dùng A, B, C hoặc D)"),
                    ))
                }
            };
            if t.id.trim().is_empty() {
                return Err(invalid("id", "mã chỉ tiêu trống".into()));
            }
            if targets.iter().any(|x: &Target| x.id == t.id) {
                return Err(invalid("id", "mã chỉ tiêu bị trùng".into()));
            }
            targets.push(Target {
                id: t.id.clone(),
                plan_ref: t.plan_ref,
                name: t.name,
                wording: t.wording,
                comparator,
                threshold,
                threshold_text: t.threshold,
                form,
                measure: t.measure,
                aliases: t.aliases,
            });
        }
        Ok(Catalogue {
            plan: raw.plan.unwrap_or_default(),
            targets,
            names: Default::default(),
        })
    }

    /// The target with this id.
    pub fn get(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// The Form D target a row names: by its code (the target id, or the plan
    /// reference when only one Form D target has it), else by its name against each
    /// target's name, wording and aliases (normalised; equal, contained, or sharing
    /// at least three quarters of the words, when exactly one target is best).
    ///
    /// ```
    /// use cchc_domain::target::Catalogue;
    /// let cat = Catalogue::default_2022();
    /// let id = |code: &str, name: &str| cat.match_indicator(code, name).map(|t| t.id.clone());
    /// assert_eq!(id("egov.work_files_online", "").as_deref(), Some("egov.work_files_online"));
    /// assert_eq!(id("", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng").as_deref(), Some("egov.work_files_online"));
    /// assert_eq!(id("", "Số cuộc họp trực tuyến"), None);
    /// ```
    pub fn match_indicator(&self, code: &str, name: &str) -> Option<&Target> {
        let form_d = || self.targets.iter().filter(|t| t.form == Form::D);
        let code = code.trim();
        if !code.is_empty() {
            if let Some(t) = self
                .targets
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(code))
            {
                return Some(t);
            }
            let by_ref: Vec<&Target> = form_d()
                .filter(|t| normalize(&t.plan_ref) == normalize(code))
                .collect();
            if let [t] = by_ref[..] {
                return Some(t);
            }
        }
        let n = normalize(name);
        if n.is_empty() {
            return None;
        }
        let row_words: BTreeSet<&str> = words(&n)
            .into_iter()
            .filter(|w| !FILLER.contains(w))
            .collect();
        let index = || -> Vec<Vec<IndicatorName>> {
            self.targets
                .iter()
                .map(|t| {
                    std::iter::once(&t.name)
                        .chain(std::iter::once(&t.wording))
                        .chain(&t.aliases)
                        .map(|s| IndicatorName::new(s))
                        .collect()
                })
                .collect()
        };
        let built;
        let names = match self.names.get_or_init(index) {
            // `targets` is public: a catalogue changed after first use is indexed afresh.
            cached if cached.len() == self.targets.len() => cached,
            _ => {
                built = index();
                &built
            }
        };
        let mut best: Vec<(usize, &Target)> = Vec::new();
        for (t, t_names) in self
            .targets
            .iter()
            .zip(names)
            .filter(|(t, _)| t.form == Form::D)
        {
            let mut score = 0;
            for c in t_names {
                if c.text == n {
                    score = score.max(1000);
                } else if n.contains(c.text.as_str()) || c.text.contains(n.as_str()) {
                    score = score.max(500);
                } else {
                    let common = c
                        .words
                        .iter()
                        .filter(|w| row_words.contains(w.as_str()))
                        .count();
                    let smaller = row_words.len().min(c.words.len()).max(1);
                    if common * 4 >= smaller * 3 {
                        score = score.max(100 * common / smaller);
                    }
                }
            }
            if score > 0 {
                best.push((score, t));
            }
        }
        best.sort_by_key(|b| std::cmp::Reverse(b.0));
        match best[..] {
            [(s, t), ..] if best.get(1).is_none_or(|(s2, _)| *s2 < s) => Some(t),
            _ => None,
        }
    }
}

/// Words too common in indicator names to tell them apart.
const FILLER: &[&str] = &[
    "ty", "le", "so", "cac", "cua", "va", "duoc", "tren", "theo", "quy", "dinh", "100", "dat",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autonomy_indicator_by_the_name_units_give_it() {
        let cat = Catalogue::default_2022();
        let t = cat
            .match_indicator("", "Mức độ tự chủ chi thường xuyên (năm nay / năm gốc)")
            .map(|t| t.id.as_str());
        assert_eq!(t, Some("finance.autonomy_increase"));
    }

    #[test]
    fn default_catalogue_has_twenty_targets() {
        let cat = Catalogue::from_toml(DEFAULT_TARGETS_TOML).expect("embedded catalogue parses");
        assert_eq!(cat.targets.len(), 20);
        let level3 = cat.get("dvc.level3").expect("present");
        assert_eq!(level3.comparator, Comparator::Above);
        let cut = cat.get("org.public_units_cut").expect("present");
        assert_eq!(cut.threshold, Fraction { num: 25, den: 1000 });
    }

    #[test]
    fn comparisons_are_exact() {
        let cat = Catalogue::default_2022();
        let early = cat.get("tthc.early").expect("present");
        assert!(early.is_met(80, 100));
        assert!(!early.is_met(79, 100));
        assert!(early.is_met(4, 5));
        let level3 = cat.get("dvc.level3").expect("present");
        assert!(!level3.is_met(1, 2), "exactly 50% is not > 50%");
        assert!(level3.is_met(51, 100));
        // ⌊0.5·7⌋ + 1 − 3 = 3 + 1 − 3 = 1
        assert_eq!(level3.gap(3, 7), 1);
        let on_time = cat.get("tthc.on_time").expect("present");
        // one late dossier out of 57: ⌈1·57⌉ − 56 = 1
        assert_eq!(on_time.gap(56, 57), 1);
        assert_eq!(on_time.gap(57, 57), 0);
        // Fractions: 45.5 of 50 is 91% ≥ 90%: met, gap 0; 44.5 of 50 is 89%: ⌈45 − 44.5⌉ = 1.
        let edu = cat.get("org.satisfaction_education").expect("present");
        let f = |x: f64| Fraction::from_f64(x).expect("fraction");
        assert!(edu.is_met_fraction(f(45.5), f(50.0)));
        assert!(!edu.is_met_fraction(f(44.5), f(50.0)));
        assert_eq!(edu.gap_fraction(f(44.5), f(50.0)), 1);
        // > 40% of 10: ⌊4⌋ + 1 − 4 = 1; of 10 with 4.5: ⌊−0.5⌋ + 1 = 0.
        let level4 = cat.get("dvc.level4").expect("present");
        assert_eq!(level4.gap(4, 10), 1);
        assert_eq!(level4.gap_fraction(f(4.5), f(10.0)), 0);
        // A negative numerator (staff grew): ⌈0.02·100⌉ − (−3) = 5.
        let staff = cat.get("org.staff_cut").expect("present");
        assert_eq!(staff.gap(-3, 100), 5);
    }

    #[test]
    fn floats_become_exact_fractions() {
        let f = |x: f64| Fraction::from_f64(x).map(|q| (q.num, q.den));
        assert_eq!(f(57.0), Some((57, 1)));
        assert_eq!(f(0.0), Some((0, 1)));
        assert_eq!(f(1e15), Some((1_000_000_000_000_000, 1)));
        assert_eq!(f(45.5), Some((91, 2)));
        assert_eq!(f(0.1), Some((1, 10)));
        assert_eq!(f(-1.0), None);
        assert_eq!(f(f64::NAN), None);
        assert_eq!(f(2e15), None);
    }

    #[test]
    fn errors_name_line_and_key() {
        let text = "[[target]]\nid = \"x\"\nplan_ref = \"MT\"\nname = \"n\"\nwording = \"w\"\ncomparator = \"=>\"\nthreshold = \"0.5\"\nform = \"A\"\n";
        let err = Catalogue::from_toml(text)
            .expect_err("bad comparator")
            .to_string();
        assert!(
            err.contains("dòng 2") && err.contains("comparator"),
            "{err}"
        );
        let missing = "[[target]]\nid = \"x\"\n";
        let err = Catalogue::from_toml(missing)
            .expect_err("missing keys")
            .to_string();
        assert!(err.contains("line") || err.contains("dòng"), "{err}");
        assert!(Fraction::parse_decimal("abc").is_none());
        assert_eq!(
            Fraction::parse_decimal("2,5%"),
            Some(Fraction { num: 25, den: 1000 })
        );
    }
}
