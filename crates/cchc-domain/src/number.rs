//! Numbers as units write them: typed numbers, or text in Vietnamese style
//! (`1.234` is one thousand two hundred thirty-four, `12,5%` is 0.125).

/// Why a cell cannot be a count (a non-negative whole number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CountProblem {
    /// Text that is not a number at all (`value.not_a_number`).
    NotANumber,
    /// A number below zero (`value.negative`).
    Negative(f64),
    /// A number with a fractional part (`value.fraction`).
    Fraction(f64),
}

/// Parses number text written the Vietnamese way (also accepts `1,234.5`).
///
/// Dots group thousands when every group after the first has three digits
/// (`1.234.567`); a comma is the decimal mark (`12,5`); where both appear the
/// later one is the decimal mark. A trailing `%` divides by 100.
/// Returns `None` for text that is not a number.
///
/// ```
/// use cchc_domain::number::parse_vn_number;
/// assert_eq!(parse_vn_number("1.234"), Some(1234.0));
/// assert_eq!(parse_vn_number("12,5%"), Some(0.125));
/// assert_eq!(parse_vn_number("1.234,5"), Some(1234.5));
/// assert_eq!(parse_vn_number("abc"), None);
/// ```
pub fn parse_vn_number(text: &str) -> Option<f64> {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let mut scale = 1.0;
    if let Some(stripped) = s.strip_suffix('%') {
        s = stripped.to_string();
        scale = 0.01;
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s.strip_prefix('+').unwrap_or(&s).to_string()),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    if !body.starts_with(|c: char| c.is_ascii_digit())
        || !body.ends_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let canonical = match (dots, commas) {
        (0, 0) => body.clone(),
        (_, 0) if is_grouped(&body, '.') => body.replace('.', ""),
        (1, 0) => body.clone(),
        (0, 1) => body.replace(',', "."),
        (0, _) if is_grouped(&body, ',') => body.replace(',', ""),
        (_, _) if dots > 0 && commas > 0 => {
            let last_dot = body.rfind('.')?;
            let last_comma = body.rfind(',')?;
            let (group, decimal) = if last_comma > last_dot {
                ('.', ',')
            } else {
                (',', '.')
            };
            if body.matches(decimal).count() != 1 {
                return None;
            }
            let (int_part, frac_part) = body.split_at(body.rfind(decimal)?);
            if !is_grouped(int_part, group) && int_part.contains(group) {
                return None;
            }
            format!("{}.{}", int_part.replace(group, ""), &frac_part[1..])
        }
        _ => return None,
    };
    let value: f64 = canonical.parse().ok()?;
    Some(if negative { -value } else { value } * scale)
}

/// `1.234.567`: a first group of 1–3 digits, then groups of exactly three.
fn is_grouped(s: &str, sep: char) -> bool {
    let mut parts = s.split(sep);
    let first_ok = parts.next().is_some_and(|p| (1..=3).contains(&p.len()));
    let mut rest = 0;
    for p in parts {
        if p.len() != 3 {
            return false;
        }
        rest += 1;
    }
    first_ok && rest > 0
}

/// A typed number as a count.
pub fn count_from_f64(x: f64) -> Result<i64, CountProblem> {
    if !x.is_finite() {
        return Err(CountProblem::NotANumber);
    }
    if x < 0.0 {
        return Err(CountProblem::Negative(x));
    }
    if x.fract() != 0.0 {
        return Err(CountProblem::Fraction(x));
    }
    if x > 9.0e15 {
        return Err(CountProblem::NotANumber);
    }
    Ok(x as i64)
}

/// Text as a count: blank and `-` (or `–`) are `None` (counted as 0).
///
/// ```
/// use cchc_domain::number::{count_from_text, CountProblem};
/// assert_eq!(count_from_text("1.234"), Ok(Some(1234)));
/// assert_eq!(count_from_text(" - "), Ok(None));
/// assert_eq!(count_from_text("năm"), Err(CountProblem::NotANumber));
/// ```
pub fn count_from_text(text: &str) -> Result<Option<i64>, CountProblem> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if t.is_empty() || t == "-" || t == "–" || t == "—" {
        return Ok(None);
    }
    match parse_vn_number(t) {
        Some(x) if !t.ends_with('%') => count_from_f64(x).map(Some),
        _ => Err(CountProblem::NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vietnamese_grouping_and_decimals() {
        assert_eq!(parse_vn_number("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_vn_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_vn_number("0,5"), Some(0.5));
        assert_eq!(parse_vn_number("1.5"), Some(1.5));
        assert_eq!(parse_vn_number("1 234"), Some(1234.0));
        assert_eq!(parse_vn_number("-12"), Some(-12.0));
        assert_eq!(parse_vn_number("100%"), Some(1.0));
        assert_eq!(parse_vn_number("1.2.3"), None);
        assert_eq!(parse_vn_number("12a"), None);
        assert_eq!(parse_vn_number(".5"), None);
        assert_eq!(parse_vn_number(""), None);
    }

    #[test]
    fn counts() {
        assert_eq!(count_from_text("1.234"), Ok(Some(1234)));
        assert_eq!(count_from_text(""), Ok(None));
        assert_eq!(count_from_text("-5"), Err(CountProblem::Negative(-5.0)));
        assert_eq!(count_from_text("2,5"), Err(CountProblem::Fraction(2.5)));
        assert_eq!(count_from_text("50%"), Err(CountProblem::NotANumber));
        assert_eq!(count_from_f64(3.0), Ok(3));
        assert_eq!(count_from_f64(f64::NAN), Err(CountProblem::NotANumber));
    }

    proptest! {
        #[test]
        fn grouped_integers_round_trip(n in 0u64..10_000_000_000) {
            // Write n with dots every three digits, the Vietnamese way, by hand.
            let digits = n.to_string();
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 { grouped.push('.'); }
                grouped.push(ch);
            }
            prop_assert_eq!(count_from_text(&grouped), Ok(Some(n as i64)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_vn_number(&s);
            let _ = count_from_text(&s);
        }
    }
}
