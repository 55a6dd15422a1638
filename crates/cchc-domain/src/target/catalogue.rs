//! Reading a catalogue file (v2, docs/contract.md §8) into [`Catalogue`], every expression
//! checked against the forms' measures, and matching Form D rows to its targets.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;

use super::{Comparator, Form, Fraction, Section, Target};
use crate::expr::Linear;
use crate::forms::{vocabulary, Vocabulary};
use crate::text::{line_at, normalize, words};

/// The embedded 2022 catalogue.
pub const DEFAULT_TARGETS_TOML: &str = include_str!("../../data/targets.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    plan: Option<String>,
    year: Option<i32>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: Spanned<String>,
    plan_ref: String,
    name: String,
    wording: String,
    form: Spanned<String>,
    numerator: Option<Spanned<String>>,
    denominator: Option<Spanned<String>>,
    comparator: Spanned<String>,
    threshold: Spanned<toml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    /// The report section (`procedures`, …); by form when absent.
    section: Option<Spanned<String>>,
    /// The first catalogue's free-text key, refused with a hint.
    measure: Option<Spanned<String>>,
}

/// A catalogue file that cannot be used; the message names the line and key.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// Not valid TOML, or a key missing, unknown or of the wrong type (the TOML error
    /// gives the line and the key).
    #[error("danh mục chỉ tiêu: {0}")]
    Toml(String),
    /// A value that TOML accepts but the catalogue does not.
    #[error("danh mục chỉ tiêu: dòng {line}: chỉ tiêu `{id}`, khóa `{key}`: {message}")]
    Invalid {
        /// 1-based line of the key's value.
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

/// A threshold written as text (`"0.8"`, `"80%"`, `"2,5%"`) or as a TOML number.
fn threshold_of(v: &toml::Value) -> Option<(Fraction, String)> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        _ => return None,
    };
    Fraction::parse_decimal(&text).map(|f| (f, text))
}

impl RawTarget {
    fn check(self, text: &str, vocabulary: &Vocabulary) -> Result<Target, CatalogueError> {
        let id = self.id.get_ref().trim().to_string();
        let invalid =
            |span: std::ops::Range<usize>, key, message: String| CatalogueError::Invalid {
                line: line_at(text, span.start),
                id: id.clone(),
                key,
                message,
            };
        if id.is_empty() {
            return Err(invalid(self.id.span(), "id", "mã chỉ tiêu trống".into()));
        }
        if let Some(m) = &self.measure {
            return Err(invalid(
                m.span(),
                "measure",
                "khóa `measure` của danh mục cũ không còn dùng: viết `numerator` và `denominator` \
                 bằng tên chỉ số của biểu (xem `cchc measures`)"
                    .into(),
            ));
        }
        let form = Form::from_letter(self.form.get_ref()).ok_or_else(|| {
            invalid(
                self.form.span(),
                "form",
                format!(
                    "`{}` không hợp lệ (dùng A, B, C hoặc D)",
                    self.form.get_ref()
                ),
            )
        })?;
        let comparator = Comparator::parse(self.comparator.get_ref()).ok_or_else(|| {
            invalid(
                self.comparator.span(),
                "comparator",
                format!(
                    "`{}` không hợp lệ (dùng \">=\", \">\", \"<=\" hoặc \"<\")",
                    self.comparator.get_ref()
                ),
            )
        })?;
        let (threshold, threshold_text) =
            threshold_of(self.threshold.get_ref()).ok_or_else(|| {
                invalid(
                    self.threshold.span(),
                    "threshold",
                    format!(
                        "`{}` không phải số (ví dụ \"0.8\", \"80%\", \"2,5%\")",
                        self.threshold.get_ref()
                    ),
                )
            })?;
        let expr = |v: &Spanned<String>, key| {
            Linear::parse(v.get_ref(), form, vocabulary)
                .map_err(|e| invalid(v.span(), key, format!("`{}`: {e}", v.get_ref())))
        };
        let Some(numerator) = &self.numerator else {
            return Err(invalid(
                self.id.span(),
                "numerator",
                "thiếu tử số (numerator)".into(),
            ));
        };
        let numerator = expr(numerator, "numerator")?;
        let denominator = self
            .denominator
            .as_ref()
            .map(|d| expr(d, "denominator"))
            .transpose()?;
        let section = match &self.section {
            None => Section::of_form(form),
            Some(key) => Some(Section::parse(key.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = Section::ALL.iter().map(|s| s.id()).collect();
                invalid(
                    key.span(),
                    "section",
                    format!(
                        "`{}` không hợp lệ (dùng một trong: {})",
                        key.get_ref(),
                        known.join(", ")
                    ),
                )
            })?),
        };
        Ok(Target {
            line: line_at(text, self.id.span().start),
            id,
            plan_ref: self.plan_ref,
            name: self.name,
            wording: self.wording,
            form,
            numerator,
            denominator,
            comparator,
            threshold,
            threshold_text,
            aliases: self.aliases,
            section,
        })
    }
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
    /// The year the plan covers, when the file says.
    pub year: Option<i32>,
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
            year: None,
            targets: Vec::new(),
            names: Default::default(),
        })
    }

    /// Reads a catalogue (v2, docs/contract.md §8), its expressions checked against the forms'
    /// measures.
    ///
    /// ```
    /// use cchc_domain::target::{Catalogue, Comparator};
    /// let cat = Catalogue::from_toml(r#"
    /// plan = "Kế hoạch CCHC năm 2026"
    /// year = 2026
    /// [[target]]
    /// id = "a.qua_han"
    /// plan_ref = "MT 1"
    /// name = "Hồ sơ quá hạn"
    /// wording = "Tỷ lệ hồ sơ giải quyết quá hạn dưới 2%"
    /// form = "A"
    /// numerator = "resolved_late"
    /// denominator = "resolved_total"
    /// comparator = "<"
    /// threshold = "2%"
    /// "#).unwrap();
    /// let t = &cat.targets[0];
    /// assert_eq!(t.comparator, Comparator::Below);
    /// assert_eq!(t.gap(3, 100), 2); // 3 − (⌈0.02·100⌉ − 1) = 3 − 1
    /// ```
    ///
    /// # Errors
    /// [`CatalogueError`] naming the line and key of the first problem: invalid TOML,
    /// a missing or unknown key, an unknown form or comparator, a threshold that is not
    /// a number, an expression that does not parse or names a measure its form does not
    /// have, a duplicate id, no target at all.
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        Catalogue::from_toml_with(text, vocabulary())
    }

    /// [`Catalogue::from_toml`] against another form vocabulary.
    ///
    /// # Errors
    /// As [`Catalogue::from_toml`].
    pub fn from_toml_with(
        text: &str,
        vocabulary: &Vocabulary,
    ) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Toml(e.to_string()))?;
        if raw.target.is_empty() {
            return Err(CatalogueError::Empty);
        }
        let mut targets: Vec<Target> = Vec::new();
        for t in raw.target {
            let span = t.id.span();
            let target = t.check(text, vocabulary)?;
            if let Some(first) = targets.iter().find(|x| x.id == target.id) {
                return Err(CatalogueError::Invalid {
                    line: line_at(text, span.start),
                    id: target.id.clone(),
                    key: "id",
                    message: format!("mã chỉ tiêu bị trùng (đã có ở dòng {})", first.line),
                });
            }
            targets.push(target);
        }
        Ok(Catalogue {
            plan: raw.plan.unwrap_or_default(),
            year: raw.year,
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
    fn a_target_is_told_in_its_section_or_its_form_s() {
        let section = |lines: &[(&str, &str)]| {
            let cat = Catalogue::from_toml(&one(lines)).expect("parses");
            cat.targets[0].section
        };
        assert_eq!(section(&[]), Some(Section::Procedures));
        assert_eq!(
            section(&[("section", "\"public_finance\"")]),
            Some(Section::PublicFinance)
        );
        let d = [
            ("form", "\"D\""),
            ("numerator", "\"numerator\""),
            ("denominator", "\"denominator\""),
        ];
        assert_eq!(section(&d), None);
        // Line 14: the added key after the nine of `one`.
        let (at, message) = error_of(&one(&[("section", "\"cong_vu\"")]));
        assert_eq!(at, Some((14, "section")));
        assert!(message.contains("cong_vu") && message.contains("civil_service"));
        // The 2022 plan names a section for every target.
        let cat = Catalogue::default_2022();
        assert!(cat.targets.iter().all(|t| t.section.is_some()));
        let civil = cat.get("civil.job_positions").expect("present");
        assert_eq!(civil.section, Some(Section::CivilService));
    }

    /// A one-target catalogue with `key = value` lines replaced or added.
    fn one(lines: &[(&str, &str)]) -> String {
        let mut keys = vec![
            ("id", "\"x.y\""),
            ("plan_ref", "\"MT 1\""),
            ("name", "\"n\""),
            ("wording", "\"w\""),
            ("form", "\"A\""),
            ("numerator", "\"resolved_early\""),
            ("denominator", "\"resolved_total\""),
            ("comparator", "\">=\""),
            ("threshold", "\"0.8\""),
        ];
        for (k, v) in lines {
            match keys.iter_mut().find(|(key, _)| key == k) {
                Some(e) => e.1 = v,
                None => keys.push((k, v)),
            }
        }
        keys.retain(|(_, v)| !v.is_empty());
        let body: Vec<String> = keys.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!(
            "plan = \"P\"\nyear = 2026\n\n[[target]]\n{}\n",
            body.join("\n")
        )
    }

    /// The error of a catalogue: (line, key) for a checked value, the message always.
    fn error_of(text: &str) -> (Option<(usize, &'static str)>, String) {
        match Catalogue::from_toml(text).expect_err("must be refused") {
            e @ CatalogueError::Invalid { line, key, .. } => (Some((line, key)), e.to_string()),
            e => (None, e.to_string()),
        }
    }

    #[test]
    fn every_catalogue_error_names_line_and_key() {
        // Line 1 plan, 2 year, 3 blank, 4 [[target]], 5 id, 6 plan_ref, 7 name, 8 wording,
        // 9 form, 10 numerator, 11 denominator, 12 comparator, 13 threshold.
        // (lines replaced, line of the error, key, a word of the message)
        type Case<'a> = (&'a [(&'a str, &'a str)], usize, &'a str, &'a str);
        let cases: [Case; 10] = [
            (&[("comparator", "\"=>\"")], 12, "comparator", "=>"),
            (&[("threshold", "\"nhiều\"")], 13, "threshold", "nhiều"),
            (&[("threshold", "true")], 13, "threshold", "true"),
            (&[("form", "\"E\"")], 9, "form", "E"),
            (
                &[("numerator", "\"resolved_earli\"")],
                10,
                "numerator",
                "resolved_earli",
            ),
            (
                &[("denominator", "\"procedures\"")],
                11,
                "denominator",
                "biểu B",
            ),
            (
                &[("numerator", "\"(resolved_early\"")],
                10,
                "numerator",
                "ngoặc",
            ),
            (
                &[("numerator", "\"resolved_early * 2\"")],
                10,
                "numerator",
                "*",
            ),
            (&[("numerator", "")], 5, "numerator", "tử số"),
            (&[("measure", "\"a / b\"")], 14, "measure", "numerator"),
        ];
        for (lines, line, key, says) in cases {
            let (at, message) = error_of(&one(lines));
            assert_eq!(at, Some((line, key)), "{lines:?}: {message}");
            assert!(message.contains(&format!("dòng {line}")), "{message}");
            assert!(message.contains(says), "{lines:?}: {message}");
        }
        // A duplicate id: the second one's line, naming the first.
        let text = one(&[]) + &one(&[])["plan = \"P\"\nyear = 2026\n\n".len()..];
        let (at, message) = error_of(&text);
        assert_eq!(at, Some((15, "id")), "{message}"); // line 14 is its [[target]]
        assert!(message.contains("dòng 5"), "{message}");
        // TOML's own errors (an unknown key, a missing one, a wrong type) name the line.
        for bad in [
            one(&[("nguong", "\"1\"")]),
            one(&[("comparator", "")]),
            one(&[("year", "\"2026\"")]).replace("year = 2026\n", ""),
            "plan = \"P\"\n[[target]\n".to_string(),
        ] {
            let (at, message) = error_of(&bad);
            assert_eq!(at, None);
            assert!(message.contains("line"), "{message}");
        }
        assert!(matches!(
            Catalogue::from_toml("plan = \"P\"\n"),
            Err(CatalogueError::Empty)
        ));
        assert!(Fraction::parse_decimal("abc").is_none());
        assert_eq!(
            Fraction::parse_decimal("2,5%"),
            Some(Fraction { num: 25, den: 1000 })
        );
        assert_eq!(
            Fraction::parse_decimal("0,01"),
            Some(Fraction { num: 1, den: 100 })
        );
    }

    #[test]
    fn the_default_catalogue_is_v2() {
        let cat = Catalogue::default_2022();
        assert_eq!(cat.year, Some(2022));
        let autonomy = cat.get("finance.autonomy_increase").expect("present");
        assert_eq!(autonomy.numerator.text, "numerator - denominator");
        assert_eq!(autonomy.numerator.terms, vec![(0, 1), (1, -1)]);
        let online = cat.get("dvc.online_dossiers").expect("present");
        assert_eq!(
            online.formula_text(),
            "received_online / (received_online + received_direct)"
        );
        assert!(cat.targets.iter().all(|t| !t.is_count() && t.line > 0));
    }
}
