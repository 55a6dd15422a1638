//! Target expressions: sums and differences of one form's measures and whole numbers,
//! with parentheses (docs/contract.md §8), parsed once into a [`Linear`] combination.
//!
//! ```
//! use cchc_domain::expr::Linear;
//! use cchc_domain::forms::{vocabulary, Form};
//! let e = Linear::parse("(resolved_early + resolved_on_time) - 0", Form::A, vocabulary()).unwrap();
//! // resolved_early is measure 5 of Form A, resolved_on_time measure 6.
//! assert_eq!(e.terms, vec![(5, 1), (6, 1)]);
//! let values = [0, 0, 0, 0, 0, 30, 12, 0, 0, 0, 0];
//! assert_eq!(e.eval_int(|m| values.get(m).copied()), Some(42));
//! ```

use crate::forms::{Form, Vocabulary};
use crate::target::Fraction;

/// Σ coefficient · measure + constant, over one form's measures (by index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linear {
    /// The expression as written.
    pub text: String,
    /// (measure index, coefficient), by measure index; no zero coefficient.
    pub terms: Vec<(usize, i128)>,
    /// The constant part.
    pub constant: i128,
}

/// Why an expression cannot be read; `column` is 1-based within the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (ký tự {column})")]
pub struct ExprError {
    /// 1-based character position.
    pub column: usize,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(i128),
    Plus,
    Minus,
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<(usize, Token)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        let single = match c {
            '+' => Some(Token::Plus),
            '-' | '−' => Some(Token::Minus),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            _ => None,
        };
        if let Some(t) = single {
            out.push((at, t));
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let n = digits.parse().map_err(|_| ExprError {
                column: at,
                message: format!("số `{digits}` quá lớn"),
            })?;
            out.push((at, Token::Number(n)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((at, Token::Name(chars[start..i].iter().collect())));
        } else {
            let hint = match c {
                '*' | '/' | '×' | ':' => " (chỉ được cộng, trừ; phép chia là tử số / mẫu số)",
                '.' | ',' => " (chỉ dùng số nguyên)",
                _ => "",
            };
            return Err(ExprError {
                column: at,
                message: format!("ký tự `{c}` không dùng được{hint}"),
            });
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
    form: Form,
    vocabulary: &'a Vocabulary,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(c, _)| *c)
    }

    fn fail<T>(&self, message: String) -> Result<T, ExprError> {
        Err(ExprError {
            column: self.column(),
            message,
        })
    }

    /// expr := ['+'|'-'] atom (('+'|'-') atom)*, each atom scaled by `sign`.
    fn expr(&mut self, sign: i128, into: &mut Linear) -> Result<(), ExprError> {
        let mut s = match self.peek() {
            Some(Token::Minus) => {
                self.pos += 1;
                -sign
            }
            Some(Token::Plus) => {
                self.pos += 1;
                sign
            }
            _ => sign,
        };
        loop {
            self.atom(s, into)?;
            s = match self.peek() {
                Some(Token::Plus) => sign,
                Some(Token::Minus) => -sign,
                _ => return Ok(()),
            };
            self.pos += 1;
        }
    }

    fn atom(&mut self, sign: i128, into: &mut Linear) -> Result<(), ExprError> {
        let column = self.column();
        match self.tokens.get(self.pos).map(|(_, t)| t.clone()) {
            Some(Token::Name(name)) => {
                let Some(m) = self.vocabulary.measure(self.form, &name) else {
                    let other = self.vocabulary.forms_with(&name);
                    let message = match other.first() {
                        Some(f) => format!(
                            "`{name}` là chỉ số của biểu {}, không phải của biểu {}",
                            f.letter(),
                            self.form.letter()
                        ),
                        None => format!(
                            "biểu {} không có chỉ số `{name}` (xem `cchc measures`)",
                            self.form.letter()
                        ),
                    };
                    return Err(ExprError { column, message });
                };
                self.pos += 1;
                match into.terms.iter_mut().find(|(i, _)| *i == m) {
                    Some(t) => t.1 += sign,
                    None => into.terms.push((m, sign)),
                }
                Ok(())
            }
            Some(Token::Number(n)) => {
                self.pos += 1;
                into.constant += sign * n;
                Ok(())
            }
            Some(Token::Open) => {
                self.pos += 1;
                self.expr(sign, into)?;
                if self.peek() != Some(&Token::Close) {
                    return self.fail("thiếu dấu đóng ngoặc `)`".into());
                }
                self.pos += 1;
                Ok(())
            }
            Some(_) => self.fail("cần tên chỉ số, số hoặc `(` ở đây".into()),
            None => self.fail("biểu thức kết thúc giữa chừng".into()),
        }
    }
}

impl Linear {
    /// Parses an expression over `form`'s measures.
    ///
    /// # Errors
    /// [`ExprError`] for an empty text, an unknown measure (saying which form has it,
    /// if one does), a character other than names, whole numbers, `+ - ( )`, or an
    /// unbalanced parenthesis.
    pub fn parse(text: &str, form: Form, vocabulary: &Vocabulary) -> Result<Linear, ExprError> {
        let tokens = tokens(text)?;
        let mut parser = Parser {
            end: text.chars().count() + 1,
            tokens,
            pos: 0,
            form,
            vocabulary,
        };
        let mut out = Linear {
            text: text.trim().to_string(),
            terms: Vec::new(),
            constant: 0,
        };
        if parser.tokens.is_empty() {
            return parser.fail("biểu thức trống".into());
        }
        parser.expr(1, &mut out)?;
        if parser.pos < parser.tokens.len() {
            return parser
                .fail("thừa phần sau biểu thức (thiếu `+` hoặc `-`, hay thừa `)`)".into());
        }
        out.terms.retain(|(_, k)| *k != 0);
        out.terms.sort_unstable();
        Ok(out)
    }

    /// The measures it reads.
    pub fn measures(&self) -> impl Iterator<Item = usize> + '_ {
        self.terms.iter().map(|(m, _)| *m)
    }

    /// The value over whole-number measures; `None` when a measure it reads has none.
    pub fn eval_int(&self, value: impl Fn(usize) -> Option<i128>) -> Option<i128> {
        let mut sum = self.constant;
        for (m, k) in &self.terms {
            sum += k * value(*m)?;
        }
        Some(sum)
    }

    /// The value over fractional measures (Form D amounts).
    pub fn eval(&self, value: impl Fn(usize) -> Option<Fraction>) -> Option<Fraction> {
        let mut sum = Fraction::int(self.constant);
        for (m, k) in &self.terms {
            let v = value(*m)?;
            sum = sum
                + Fraction {
                    num: k * v.num,
                    den: v.den,
                };
        }
        Some(sum)
    }

    /// A spreadsheet formula for it (without `=`), each measure's cell given by `cell`:
    /// `E5`, `(E5+F5)`, `(H5-I5+1)`.
    pub fn formula(&self, cell: impl Fn(usize) -> String) -> String {
        let mut out = String::new();
        self.write_formula(&mut out, |out, m| out.push_str(&cell(m)));
        out
    }

    /// [`Linear::formula`] appended to `out`, each measure's cell written by `cell` (a
    /// report writes one per rate and row: no string is made per reference).
    pub fn write_formula(&self, out: &mut String, cell: impl Fn(&mut String, usize)) {
        use std::fmt::Write as _;
        let parts = self.terms.len() + usize::from(self.constant != 0 || self.terms.is_empty());
        let first_negative = self
            .terms
            .first()
            .map_or(self.constant < 0, |(_, k)| *k < 0);
        let wrap = parts > 1 || first_negative;
        if wrap {
            out.push('(');
        }
        for (n, (m, k)) in self.terms.iter().enumerate() {
            if *k < 0 {
                out.push('-');
            } else if n > 0 {
                out.push('+');
            }
            if k.abs() != 1 {
                let _ = write!(out, "{}*", k.abs());
            }
            cell(out, *m);
        }
        if self.constant != 0 || self.terms.is_empty() {
            if self.constant < 0 {
                out.push('-');
            } else if !self.terms.is_empty() {
                out.push('+');
            }
            let _ = write!(out, "{}", self.constant.abs());
        }
        if wrap {
            out.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::vocabulary;

    fn parse(text: &str, form: Form) -> Result<Linear, ExprError> {
        Linear::parse(text, form, vocabulary())
    }

    #[test]
    fn sums_differences_parentheses_constants() {
        // staff_base is C measure 2, staff_current 3: (b − c) − (b − 1) + 2 = −c + 3.
        let e = parse(
            "(staff_base - staff_current) - (staff_base - 1) + 2",
            Form::C,
        )
        .expect("ok");
        assert_eq!(e.terms, vec![(3, -1)]);
        assert_eq!(e.constant, 3);
        assert_eq!(e.eval_int(|m| [0, 0, 100, 97][m].into()), Some(-94));
        // −(a − b) = b − a
        let e = parse("-(numerator - denominator)", Form::D).expect("ok");
        assert_eq!(e.terms, vec![(0, -1), (1, 1)]);
        let f = e.eval(|m| Some([Fraction::int(3), Fraction { num: 9, den: 2 }][m]));
        assert_eq!(f.map(Fraction::reduced), Some(Fraction { num: 3, den: 2 }));
    }

    #[test]
    fn a_missing_measure_gives_no_value() {
        let e = parse("received_online_full + 1", Form::A).expect("ok");
        assert_eq!(e.eval_int(|_| None), None);
        let c = parse("7", Form::A).expect("ok");
        assert_eq!(c.eval_int(|_| None), Some(7));
    }

    #[test]
    fn formulas() {
        let cell = |m: usize| format!("C{m}");
        let f = |t: &str, form| parse(t, form).expect("ok").formula(cell);
        assert_eq!(f("resolved_early", Form::A), "C5");
        assert_eq!(f("resolved_early + resolved_on_time", Form::A), "(C5+C6)");
        assert_eq!(f("staff_base - staff_current", Form::C), "(C2-C3)");
        assert_eq!(f("numerator - denominator - 1", Form::D), "(C0-C1-1)");
        assert_eq!(f("3", Form::A), "3");
        assert_eq!(f("0 - resolved_late", Form::A), "(-C7)");
    }

    #[test]
    fn errors_say_where() {
        let e = parse("resolved_early + ", Form::A).expect_err("cut");
        assert_eq!(e.column, 18);
        let e = parse("resolved_early / resolved_total", Form::A).expect_err("division");
        assert_eq!(e.column, 16);
        assert!(e.message.contains("tử số / mẫu số"), "{}", e.message);
        let e = parse("procedures_level3", Form::A).expect_err("form B");
        assert!(e.message.contains("biểu B"), "{}", e.message);
        let e = parse("resolved_earlyy", Form::A).expect_err("unknown");
        assert!(e.message.contains("resolved_earlyy"), "{}", e.message);
        assert!(parse("(resolved_early", Form::A).is_err());
        assert!(parse("resolved_early)", Form::A).is_err());
        assert!(parse("resolved_early resolved_total", Form::A).is_err());
        assert!(parse("  ", Form::A).is_err());
        assert!(parse("0.5", Form::A).is_err());
    }
}
