//! Cell values as the forms need them: counts, decimals, levels, yes-marks.
//! Each reader turns a problem into a finding with the cell's A1 reference.

use calamine::{CellErrorType, Data};
use cchc_domain::finding::Rule;
use cchc_domain::number::{count_from_f64, count_from_text, parse_vn_number, CountProblem};
use cchc_domain::text::normalize;

/// A cell read as a count, or the rule it breaks with a Vietnamese explanation.
pub enum CellValue<T> {
    /// The value (blank and `-` are 0 for counts, `None` for decimals).
    Ok(T),
    /// What is wrong.
    Problem(Rule, String),
}

/// How a formula saved without its computed value (a file written by a script) stands
/// among a sheet's cells: the error Excel shows for data not yet available
/// (`#GETTING_DATA`), so that no reader takes it for a blank, which counts as 0.
pub const UNCACHED: Data = Data::Error(CellErrorType::GettingData);

/// The problem of an error cell.
fn error_cell<T>(e: &CellErrorType) -> CellValue<T> {
    match e {
        CellErrorType::GettingData => CellValue::Problem(
            Rule::FormulaUncached,
            "ô có công thức nhưng chưa có giá trị đã tính (tệp chưa được mở và lưu bằng Excel hay LibreOffice)"
                .into(),
        ),
        e => CellValue::Problem(Rule::ValueErrorCell, format!("ô lỗi {e}")),
    }
}

/// A count: a non-negative whole number; blank and `-` are 0.
pub fn read_count(d: &Data) -> CellValue<i64> {
    let problem = |p: CountProblem| match p {
        CountProblem::NotANumber => {
            CellValue::Problem(Rule::ValueNotANumber, "không phải là số".into())
        }
        CountProblem::Negative(x) => {
            CellValue::Problem(Rule::ValueNegative, format!("số âm ({x}) trong ô đếm"))
        }
        CountProblem::Fraction(x) => {
            CellValue::Problem(Rule::ValueFraction, format!("số lẻ ({x}) trong ô đếm"))
        }
    };
    match d {
        Data::Empty => CellValue::Ok(0),
        Data::Int(i) => count_from_f64(*i as f64).map_or_else(problem, CellValue::Ok),
        Data::Float(f) => count_from_f64(*f).map_or_else(problem, CellValue::Ok),
        Data::String(s) => match count_from_text(s) {
            Ok(v) => CellValue::Ok(v.unwrap_or(0)),
            Err(p) => problem(p),
        },
        Data::Error(e) => error_cell(e),
        Data::Bool(_) | Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            problem(CountProblem::NotANumber)
        }
    }
}

/// A non-negative decimal (Form D amounts and ratios); blank and `-` are `None`.
/// Text with `%` is divided by 100 (`12,5%` is 0.125).
pub fn read_decimal(d: &Data) -> CellValue<Option<f64>> {
    let check = |x: f64| {
        if !x.is_finite() {
            CellValue::Problem(Rule::ValueNotANumber, "không phải là số".into())
        } else if x < 0.0 {
            CellValue::Problem(Rule::ValueNegative, format!("số âm ({x})"))
        } else {
            CellValue::Ok(Some(x))
        }
    };
    match d {
        Data::Empty => CellValue::Ok(None),
        Data::Int(i) => check(*i as f64),
        Data::Float(f) => check(*f),
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() || t == "-" || t == "–" {
                return CellValue::Ok(None);
            }
            match parse_vn_number(t) {
                Some(x) => check(x),
                None => CellValue::Problem(Rule::ValueNotANumber, "không phải là số".into()),
            }
        }
        Data::Error(e) => error_cell(e),
        _ => CellValue::Problem(Rule::ValueNotANumber, "không phải là số".into()),
    }
}

/// An online-service level: `1`–`4`, `Mức độ 3`, `MĐ4`, `Toàn trình` (4), `Một phần` (3).
/// `Ok(None)` for a blank cell.
pub fn read_level(d: &Data) -> CellValue<Option<u8>> {
    let bad = || {
        CellValue::Problem(
            Rule::ValueNotANumber,
            "mức độ DVC trực tuyến không hợp lệ (dùng 1, 2, 3, 4)".into(),
        )
    };
    let from_number = |x: f64| {
        if x.fract() == 0.0 && (1.0..=4.0).contains(&x) {
            CellValue::Ok(Some(x as u8))
        } else {
            bad()
        }
    };
    match d {
        Data::Empty => CellValue::Ok(None),
        Data::Int(i) => from_number(*i as f64),
        Data::Float(f) => from_number(*f),
        Data::String(s) => {
            let n = normalize(s);
            if n.is_empty() {
                return CellValue::Ok(None);
            }
            if n.contains("toan trinh") {
                return CellValue::Ok(Some(4));
            }
            if n.contains("mot phan") {
                return CellValue::Ok(Some(3));
            }
            // "muc do 3", "md4", "md 4", "3", "muc 3"
            let digits: Vec<u8> = n
                .split(' ')
                .filter_map(|w| w.strip_prefix("md").unwrap_or(w).parse::<u8>().ok())
                .filter(|l| (1..=4).contains(l))
                .collect();
            // Words that may stand around the digit: "Mức độ 3", "DVC mức độ 4", "MĐ 2".
            let words_ok = n.split(' ').all(|w| {
                matches!(
                    w,
                    "muc"
                        | "do"
                        | "md"
                        | "dvc"
                        | "dich"
                        | "vu"
                        | "cong"
                        | "truc"
                        | "tuyen"
                        | "tt"
                        | "cap"
                ) || w.strip_prefix("md").unwrap_or(w).parse::<u8>().is_ok()
            });
            match digits[..] {
                [l] if words_ok => CellValue::Ok(Some(l)),
                _ => bad(),
            }
        }
        Data::Error(e) => error_cell(e),
        _ => bad(),
    }
}

/// A yes-mark: `x`, `X`, `Có`, `Đã tích hợp`, `1`, `✓` are yes; blank, `Không`,
/// `Chưa …`, `0`, `-` are no.
pub fn read_yes(d: &Data) -> bool {
    match d {
        Data::Empty => false,
        Data::Bool(b) => *b,
        Data::Int(i) => *i != 0,
        Data::Float(f) => *f != 0.0,
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() || t == "-" || t == "0" {
                return false;
            }
            let n = normalize(t);
            !(n.starts_with("khong") || n.starts_with("chua") || n == "no" || n == "k")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(s: &str) -> Option<u8> {
        match read_level(&Data::String(s.into())) {
            CellValue::Ok(l) => l,
            CellValue::Problem(..) => Some(0),
        }
    }

    #[test]
    fn levels() {
        assert_eq!(level("3"), Some(3));
        assert_eq!(level("Mức độ 3"), Some(3));
        assert_eq!(level("MĐ4"), Some(4));
        assert_eq!(level("MĐ 2"), Some(2));
        assert_eq!(level("DVC mức độ 4"), Some(4));
        assert_eq!(level("3 hoặc 4"), Some(0));
        assert_eq!(level("Toàn trình"), Some(4));
        assert_eq!(level("Một phần"), Some(3));
        assert_eq!(level(""), None);
        assert_eq!(level("5"), Some(0));
        assert_eq!(level("cao"), Some(0));
        assert!(matches!(
            read_level(&Data::Float(4.0)),
            CellValue::Ok(Some(4))
        ));
    }

    #[test]
    fn yes_marks() {
        for yes in ["x", "X", "Có", "Đã tích hợp", "1", "✓"] {
            assert!(read_yes(&Data::String(yes.into())), "{yes}");
        }
        for no in ["", " ", "Không", "Chưa tích hợp", "0", "-"] {
            assert!(!read_yes(&Data::String(no.into())), "{no}");
        }
    }

    #[test]
    fn a_formula_without_its_value_is_a_problem_not_a_zero() {
        assert!(matches!(
            read_count(&UNCACHED),
            CellValue::Problem(Rule::FormulaUncached, _)
        ));
        assert!(matches!(
            read_decimal(&UNCACHED),
            CellValue::Problem(Rule::FormulaUncached, _)
        ));
        assert!(matches!(
            read_level(&UNCACHED),
            CellValue::Problem(Rule::FormulaUncached, _)
        ));
        assert!(matches!(
            read_count(&Data::Error(CellErrorType::Div0)),
            CellValue::Problem(Rule::ValueErrorCell, _)
        ));
    }

    #[test]
    fn decimals() {
        assert!(
            matches!(read_decimal(&Data::String("12,5%".into())), CellValue::Ok(Some(x)) if (x - 0.125).abs() < 1e-12)
        );
        assert!(matches!(
            read_decimal(&Data::String("-".into())),
            CellValue::Ok(None)
        ));
        assert!(matches!(
            read_decimal(&Data::Float(-1.0)),
            CellValue::Problem(Rule::ValueNegative, _)
        ));
    }
}
