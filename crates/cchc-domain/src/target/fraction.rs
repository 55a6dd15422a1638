//! Exact non-negative fractions: thresholds, values and Form D amounts, compared and
//! added without rounding.

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

impl std::ops::Add for Fraction {
    type Output = Fraction;

    /// Exact sum, reduced.
    fn add(self, o: Fraction) -> Fraction {
        // Counts (every Form A–C figure) are whole: no gcd to take.
        if self.den == 1 && o.den == 1 {
            return Fraction::int(self.num + o.num);
        }
        Fraction {
            num: self.num * o.den + o.num * self.den,
            den: self.den * o.den,
        }
        .reduced()
    }
}

impl std::ops::Sub for Fraction {
    type Output = Fraction;

    /// Exact difference, reduced.
    fn sub(self, o: Fraction) -> Fraction {
        self + Fraction {
            num: -o.num,
            den: o.den,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
