//! The plan's targets: a catalogue read from TOML (v2, docs/contract.md §8), with exact thresholds.
//!
//! Every target says how it is computed: a numerator and (unless it is a count) a
//! denominator, each a [`Linear`] expression over its form's measures, a comparator and a
//! threshold. The default catalogue (`data/targets.toml`, the 2022 plan) is compiled in;
//! [`Catalogue::from_toml`] reads a replacement (next year's plan, another province).

mod catalogue;
mod fraction;
mod section;

pub use catalogue::{Catalogue, CatalogueError, DEFAULT_TARGETS_TOML};
pub use fraction::Fraction;
pub use section::Section;

use crate::expr::Linear;
pub use crate::forms::Form;

/// How a value is compared with the threshold, as the plan writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Comparator {
    /// `≥`: reaching the threshold meets the target.
    AtLeast,
    /// `>`: the value must exceed the threshold (exactly 50% does not meet `> 50%`).
    Above,
    /// `≤`: an upper bound the value may reach (`không quá 2%`).
    AtMost,
    /// `<`: the value must stay below the threshold (`dưới 2%`).
    Below,
}

impl Comparator {
    /// `>=`, `>`, `<=` or `<`, as in exports.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::Above => ">",
            Comparator::AtMost => "<=",
            Comparator::Below => "<",
        }
    }

    /// `≥`, `>`, `≤` or `<`, as in reports.
    pub fn symbol_vi(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::Below => "<",
        }
    }

    /// The comparator a catalogue writes (`>=` or `≥`, `>`, `<=` or `≤`, `<`).
    pub fn parse(text: &str) -> Option<Comparator> {
        match text.trim() {
            ">=" | "≥" => Some(Comparator::AtLeast),
            ">" => Some(Comparator::Above),
            "<=" | "≤" => Some(Comparator::AtMost),
            "<" => Some(Comparator::Below),
            _ => None,
        }
    }
}

/// One target of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Stable id (`tthc.early`); nothing in the code depends on it.
    pub id: String,
    /// Where the plan states it (`MT 2.a`).
    pub plan_ref: String,
    /// Short Vietnamese label.
    pub name: String,
    /// The plan's own wording.
    pub wording: String,
    /// The form that feeds it.
    pub form: Form,
    /// The numerator, over the form's measures.
    pub numerator: Linear,
    /// The denominator; `None` for a count (the value is the numerator itself).
    pub denominator: Option<Linear>,
    /// How the value is compared with the threshold.
    pub comparator: Comparator,
    /// The threshold as an exact fraction.
    pub threshold: Fraction,
    /// The threshold as written in the catalogue.
    pub threshold_text: String,
    /// Other names a Form D row may give this target.
    pub aliases: Vec<String>,
    /// The report section it is told in (the catalogue's `section`, else by form).
    pub section: Option<Section>,
    /// 1-based line of the target's `id` in the catalogue file (0 when built in code).
    pub line: usize,
}

impl Target {
    /// Whether the target is a count (no denominator): its value is compared with the
    /// threshold as a number, and it is never `not_applicable`.
    pub fn is_count(&self) -> bool {
        self.denominator.is_none()
    }

    /// Whether `num / den` meets the target. `den` must be > 0.
    pub fn is_met(&self, num: i128, den: i128) -> bool {
        self.is_met_fraction(Fraction::int(num), Fraction::int(den))
    }

    /// [`Target::is_met`] for fractional numerator and denominator (Form D amounts).
    /// A count target passes a denominator of 1.
    pub fn is_met_fraction(&self, n: Fraction, d: Fraction) -> bool {
        // n ≥ t·d  ⇔  n.num · t.den · d.den ≥ t.num · d.num · n.den (all denominators > 0)
        let lhs = n.num * self.threshold.den * d.den;
        let rhs = self.threshold.num * d.num * n.den;
        match self.comparator {
            Comparator::AtLeast => lhs >= rhs,
            Comparator::Above => lhs > rhs,
            Comparator::AtMost => lhs <= rhs,
            Comparator::Below => lhs < rhs,
        }
    }

    /// How many numerator items short of (or, for an upper bound, over) the target the
    /// value is (docs/contract.md §7.6 and §8), never below 0.
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
        self.gap_fraction(Fraction::int(num), Fraction::int(den))
    }

    /// [`Target::gap`] for fractional numerator and denominator: with x = t·d − n,
    /// `≥`: ⌈x⌉; `>`: ⌊x⌋ + 1; `≤`: ⌈−x⌉; `<`: ⌊−x⌋ + 1; never below 0. For whole
    /// numbers these are the plan's ⌈t·d⌉ − n, ⌊t·d⌋ + 1 − n, n − ⌊t·d⌋ and
    /// n − (⌈t·d⌉ − 1); a count target passes d = 1.
    pub fn gap_fraction(&self, n: Fraction, d: Fraction) -> i128 {
        let t = self.threshold;
        // x = t·d − n = (t.num·d.num·n.den − n.num·t.den·d.den) / (t.den·d.den·n.den)
        let top = t.num * d.num * n.den - n.num * t.den * d.den;
        let bottom = t.den * d.den * n.den;
        let ceil = |a: i128| -((-a).div_euclid(bottom));
        let needed = match self.comparator {
            Comparator::AtLeast => ceil(top),
            Comparator::Above => top.div_euclid(bottom) + 1,
            Comparator::AtMost => ceil(-top),
            Comparator::Below => (-top).div_euclid(bottom) + 1,
        };
        needed.max(0)
    }

    /// The threshold as the report shows it: `≥ 80%`, `≤ 2,5%`, or for a count `≤ 0`.
    pub fn threshold_label(&self) -> String {
        let number = |x: f64| {
            let s = format!("{x:.4}");
            s.trim_end_matches('0')
                .trim_end_matches('.')
                .replace('.', ",")
        };
        let t = self.threshold.to_f64();
        match self.is_count() {
            true => format!("{} {}", self.comparator.symbol_vi(), number(t)),
            false => format!("{} {}%", self.comparator.symbol_vi(), number(t * 100.0)),
        }
    }

    /// `numerator / denominator` as the catalogue writes them, or the numerator alone.
    pub fn formula_text(&self) -> String {
        // A sum or difference in parentheses; a single measure as it is.
        let side = |e: &Linear| match e.terms.len() + usize::from(e.constant != 0) {
            0 | 1 if !e.text.contains(['+', '-']) => e.text.clone(),
            _ => format!("({})", e.text),
        };
        match &self.denominator {
            Some(d) => format!("{} / {}", side(&self.numerator), side(d)),
            None => self.numerator.text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::vocabulary;

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

    /// A Form A target over resolved_early / resolved_total, or the count of
    /// resolved_early, with this comparator and threshold.
    fn target(comparator: &str, threshold: &str, denominator: bool) -> Target {
        let v = vocabulary();
        let expr = |t: &str| Linear::parse(t, Form::A, v).expect("expression");
        Target {
            id: "x".into(),
            plan_ref: String::new(),
            name: String::new(),
            wording: String::new(),
            form: Form::A,
            numerator: expr("resolved_early"),
            denominator: denominator.then(|| expr("resolved_total")),
            comparator: Comparator::parse(comparator).expect("comparator"),
            threshold: Fraction::parse_decimal(threshold).expect("threshold"),
            threshold_text: threshold.into(),
            aliases: Vec::new(),
            section: None,
            line: 0,
        }
    }

    #[test]
    fn comparators_and_gaps_at_the_boundary() {
        // 2% of 150 is exactly 3 items.
        let at_least = target(">=", "2%", true);
        assert!(at_least.is_met(3, 150) && at_least.gap(3, 150) == 0);
        assert!(!at_least.is_met(2, 150) && at_least.gap(2, 150) == 1); // ⌈3⌉ − 2
        assert!(at_least.is_met(4, 150) && at_least.gap(4, 150) == 0);
        let above = target(">", "2%", true);
        assert!(!above.is_met(3, 150) && above.gap(3, 150) == 1); // ⌊3⌋ + 1 − 3
        assert!(!above.is_met(2, 150) && above.gap(2, 150) == 2);
        assert!(above.is_met(4, 150) && above.gap(4, 150) == 0);
        let at_most = target("<=", "2%", true);
        assert!(at_most.is_met(3, 150) && at_most.gap(3, 150) == 0); // 3 − ⌊3⌋
        assert!(at_most.is_met(2, 150) && at_most.gap(2, 150) == 0);
        assert!(!at_most.is_met(4, 150) && at_most.gap(4, 150) == 1); // 4 − ⌊3⌋
        let below = target("<", "2%", true);
        assert!(!below.is_met(3, 150) && below.gap(3, 150) == 1); // 3 − (⌈3⌉ − 1)
        assert!(below.is_met(2, 150) && below.gap(2, 150) == 0);
        assert!(!below.is_met(4, 150) && below.gap(4, 150) == 2);
        // 2% of 120 is 2.4: ≤ allows 2 items, < allows 2 too.
        assert_eq!(at_most.gap(3, 120), 1); // 3 − ⌊2.4⌋
        assert_eq!(below.gap(3, 120), 1); // 3 − (⌈2.4⌉ − 1)
        assert_eq!(below.gap(2, 120), 0);
        assert_eq!(at_least.gap(2, 120), 1); // ⌈2.4⌉ − 2
        assert_eq!(above.gap(2, 120), 1); // ⌊2.4⌋ + 1 − 2
                                          // Fractional numerators (Form D): 2.5 of 100 against ≤ 2%: ⌈2.5 − 2⌉ = 1.
        let f = |x: f64| Fraction::from_f64(x).expect("fraction");
        assert_eq!(at_most.gap_fraction(f(2.5), f(100.0)), 1);
        assert_eq!(below.gap_fraction(f(1.5), f(100.0)), 0);
        assert_eq!(below.gap_fraction(f(2.0), f(100.0)), 1); // ⌊2 − 2⌋ + 1
    }

    #[test]
    fn counts_compare_with_the_threshold_as_a_number() {
        // "Không còn hồ sơ quá hạn": pending_overdue ≤ 0.
        let none_left = target("<=", "0", false);
        assert!(none_left.is_count());
        let one = Fraction::int(1);
        assert!(none_left.is_met_fraction(Fraction::int(0), one));
        assert!(!none_left.is_met_fraction(Fraction::int(3), one));
        assert_eq!(none_left.gap_fraction(Fraction::int(3), one), 3); // 3 − 0
        let below = target("<", "5", false);
        assert_eq!(below.gap_fraction(Fraction::int(5), one), 1); // 5 − 5 + 1
        assert_eq!(below.gap_fraction(Fraction::int(4), one), 0);
        let at_least = target(">=", "10", false);
        assert_eq!(at_least.gap_fraction(Fraction::int(7), one), 3); // 10 − 7
        let above = target(">", "10", false);
        assert_eq!(above.gap_fraction(Fraction::int(10), one), 1); // 10 − 10 + 1
        assert_eq!(above.threshold_label(), "> 10");
        assert_eq!(target("<=", "2,5%", true).threshold_label(), "≤ 2,5%");
        assert_eq!(target(">=", "1", true).threshold_label(), "≥ 100%");
    }
}
