//! Numbers as Vietnamese administrative documents write them: dots group thousands,
//! a comma before decimals (`3.677`, `79,4 %`, `5,5`), a space before `%` as the
//! issue's and the department's own reports write it.

use cchc_domain::target::Fraction;

/// A whole number with dots between thousands (`-1.234.567`).
pub fn int(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `n / d` rounded half away from zero to `places` decimals, written with a comma and
/// without trailing zeros (`5,5`, `12`, `0,33`). `d` must not be 0.
fn decimal(n: i128, d: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let scaled = n.abs() * scale;
    let mut q = scaled / d;
    if (scaled % d) * 2 >= d {
        q += 1;
    }
    let (whole, frac) = (q / scale, q % scale);
    let sign = if n < 0 && q != 0 { "-" } else { "" };
    let mut text = format!("{sign}{}", int(whole));
    if frac != 0 {
        let digits = format!("{frac:0width$}", width = places as usize);
        text.push(',');
        text.push_str(digits.trim_end_matches('0'));
    }
    text
}

/// An amount that may have a fraction (Form D), to at most two decimals.
pub fn amount(x: Fraction) -> String {
    if x.den == 0 {
        return String::new();
    }
    decimal(x.num, x.den, 2)
}

/// `n / d` as a percentage to one decimal, a space before the sign (`79,4 %`).
pub fn percent_of(n: Fraction, d: Fraction) -> Option<String> {
    // (n.num / n.den) / (d.num / d.den) × 100
    let num = n.num.checked_mul(d.den)?.checked_mul(100)?;
    let den = n.den.checked_mul(d.num)?;
    (den != 0).then(|| format!("{} %", decimal(num, den, 1)))
}

/// A ratio given as a float (a lone Form D ratio) as a percentage to one decimal.
pub fn percent(x: f64) -> String {
    match Fraction::from_f64(x) {
        Some(f) => percent_of(f, Fraction::int(1)).unwrap_or_default(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_decimals_as_vietnamese_documents_write_them() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(3677), "3.677");
        assert_eq!(int(1_234_567), "1.234.567");
        assert_eq!(int(-4017), "-4.017");
        let f = Fraction::int;
        // 4010 / 4017 = 99.8257…% → 99,8 %; 3209 / 4017 = 79.885…% → 79,9 %.
        assert_eq!(percent_of(f(4010), f(4017)).as_deref(), Some("99,8 %"));
        assert_eq!(percent_of(f(3209), f(4017)).as_deref(), Some("79,9 %"));
        // Exactly half rounds up: 1/16 = 6.25 % → 6,3 %; 1/8 = 12.5 % stays.
        assert_eq!(percent_of(f(1), f(16)).as_deref(), Some("6,3 %"));
        assert_eq!(percent_of(f(1), f(8)).as_deref(), Some("12,5 %"));
        assert_eq!(percent_of(f(5), f(5)).as_deref(), Some("100 %"));
        assert_eq!(percent_of(f(-3), f(100)).as_deref(), Some("-3 %"));
        assert_eq!(percent_of(f(1), f(0)), None);
        // 5.5 / 51 (fractions): 10.784…% → 10,8 %.
        let half = Fraction { num: 11, den: 2 };
        assert_eq!(percent_of(half, f(51)).as_deref(), Some("10,8 %"));
        assert_eq!(amount(half), "5,5");
        assert_eq!(amount(Fraction { num: 1, den: 3 }), "0,33");
        assert_eq!(amount(f(12_000)), "12.000");
        assert_eq!(percent(0.976), "97,6 %");
    }
}
