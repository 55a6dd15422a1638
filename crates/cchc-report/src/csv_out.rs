//! CSV as cchc writes it: integers plain, floats as short plain decimals, nulls empty,
//! text safe to open in a spreadsheet unless asked otherwise.
//!
//! CSV files are UTF-8 with a header line, comma-separated, quoted where needed.
//! By default they are safe to open in a spreadsheet ([`CsvText::Safe`]): a text cell
//! that a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+…`, `-…`, `@…`, a
//! leading tab or carriage return) gets a leading `'` (OWASP, CSV injection); numbers,
//! and text that is only a number (`-5`), are untouched. [`CsvText::Raw`]
//! (`--csv-raw`) writes text exactly as read. Parquet is always exact.

use polars::prelude::*;

use crate::ReportError;

/// How text cells are written to CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvText {
    /// Safe to open in a spreadsheet: text a spreadsheet would run as a formula gets a
    /// leading `'`.
    #[default]
    Safe,
    /// Exactly as read.
    Raw,
}

impl CsvText {
    /// The text as written to a CSV cell.
    ///
    /// ```
    /// use cchc_report::export::CsvText;
    /// assert_eq!(CsvText::Safe.cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
    /// assert_eq!(CsvText::Safe.cell("-5"), "-5");
    /// assert_eq!(CsvText::Safe.cell("=5"), "'=5");
    /// assert_eq!(CsvText::Safe.cell("@SUM(A1)"), "'@SUM(A1)");
    /// assert_eq!(CsvText::Safe.cell("- Giáo dục"), "'- Giáo dục");
    /// assert_eq!(CsvText::Raw.cell("=1+1"), "=1+1");
    /// ```
    pub fn cell(self, text: &str) -> std::borrow::Cow<'_, str> {
        let risky = matches!(
            text.as_bytes().first(),
            Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
        );
        if self == CsvText::Raw || !risky || is_plain_number(text) {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(format!("'{text}"))
        }
    }
}

/// `-5`, `+3`, `-1.5`, `-1,5`: a sign and digits (one decimal mark), which a
/// spreadsheet reads as a number, never as a formula (`=5` is a formula).
fn is_plain_number(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(['-', '+']) else {
        return false;
    };
    let mut marks = 0;
    !rest.is_empty()
        && rest.bytes().all(|b| match b {
            b'0'..=b'9' => true,
            b'.' | b',' => {
                marks += 1;
                marks == 1
            }
            _ => false,
        })
        && rest.bytes().any(|b| b.is_ascii_digit())
}

/// Writes a frame as CSV: integers plain, floats with up to 12 significant
/// decimals and no exponent, nulls empty, text safe to open ([`CsvText::Safe`]).
///
/// # Errors
/// [`ReportError`] on a column polars cannot read or a write failure.
pub fn frame_to_csv(df: &DataFrame) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_csv(df, &mut out, CsvText::Safe)?;
    Ok(out)
}

/// A column read by its type, for row-by-row writing.
enum CsvColumn<'a> {
    Text(&'a StringChunked),
    Float(Float64Chunked),
    Int(Int64Chunked),
    Bool(&'a BooleanChunked),
    Other(&'a Series),
}

/// One field of a row.
enum CsvField<'a> {
    Text(Option<&'a str>),
    Float(Option<f64>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Other(Option<String>),
}

/// Streams a frame as CSV (see [`frame_to_csv`]) row by row, without a text copy of it:
/// each column is walked once by its own iterator (looking a value up by row number
/// searches the column's chunks every time).
///
/// # Errors
/// [`ReportError`] on a column polars cannot read or a write failure.
pub fn write_csv(
    df: &DataFrame,
    out: &mut dyn std::io::Write,
    text: CsvText,
) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    let mut cols = Vec::with_capacity(df.width());
    for c in df.columns() {
        let s = c.as_materialized_series();
        cols.push(match s.dtype() {
            DataType::String => CsvColumn::Text(s.str()?),
            DataType::Float64 | DataType::Float32 => {
                CsvColumn::Float(s.cast(&DataType::Float64)?.f64()?.clone())
            }
            dt if dt.is_integer() => CsvColumn::Int(s.cast(&DataType::Int64)?.i64()?.clone()),
            DataType::Boolean => CsvColumn::Bool(s.bool()?),
            _ => CsvColumn::Other(s),
        });
    }
    let mut fields: Vec<Box<dyn Iterator<Item = CsvField<'_>> + '_>> = cols
        .iter()
        .map(|c| -> Box<dyn Iterator<Item = CsvField<'_>> + '_> {
            match c {
                CsvColumn::Text(a) => Box::new(a.iter().map(CsvField::Text)),
                CsvColumn::Float(a) => Box::new(a.iter().map(CsvField::Float)),
                CsvColumn::Int(a) => Box::new(a.iter().map(CsvField::Int)),
                CsvColumn::Bool(a) => Box::new(a.iter().map(CsvField::Bool)),
                CsvColumn::Other(s) => Box::new((0..s.len()).map(move |i| {
                    CsvField::Other(match s.get(i) {
                        Ok(AnyValue::Null) | Err(_) => None,
                        Ok(v) => Some(v.to_string()),
                    })
                })),
            }
        })
        .collect();
    let mut number = itoa::Buffer::new();
    let mut field = String::new();
    for _ in 0..df.height() {
        for column in &mut fields {
            match column.next() {
                Some(CsvField::Text(Some(t))) => w.write_field(&*text.cell(t))?,
                Some(CsvField::Int(Some(v))) => w.write_field(number.format(v))?,
                // As polars writes them (`true`/`false`), without a string per cell.
                Some(CsvField::Bool(Some(v))) => w.write_field(if v { "true" } else { "false" })?,
                Some(CsvField::Float(Some(v))) => {
                    field.clear();
                    push_float(&mut field, v);
                    w.write_field(&field)?;
                }
                Some(CsvField::Other(Some(t))) => w.write_field(&*text.cell(&t))?,
                _ => w.write_field("")?,
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

/// `0.8`, `0.666666666667`, `1`: plain decimals, at most 12 places, no trailing zeros.
pub fn format_float(f: f64) -> String {
    let mut s = String::new();
    push_float(&mut s, f);
    s
}

/// [`format_float`] appended to `out` (nothing for a value that is not finite).
pub(crate) fn push_float(out: &mut String, f: f64) {
    use std::fmt::Write as _;
    if !f.is_finite() {
        return;
    }
    let start = out.len();
    if f.fract() == 0.0 && f.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(f as i64));
        return;
    }
    // The shortest text that reads back as `f` (ryu), when it has at most 12 decimals
    // and no exponent, is what rounding to 12 places and trimming gives — for
    // |f| < 1024, where half a unit in the last place of `f` is below 0.5e-12 — at a
    // fraction of the cost of formatting. A property test holds the two equal.
    if f.abs() < 1024.0 {
        let mut b = ryu::Buffer::new();
        let short = b.format_finite(f);
        if let Some((_, decimals)) = short.split_once('.') {
            if decimals.len() <= 12 && !short.contains('e') {
                out.push_str(short);
                return;
            }
        }
    }
    let _ = write!(out, "{f:.12}");
    let kept = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + kept);
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`push_float`] without its shortcut: round to 12 places, trim.
    fn float_by_formatting(f: f64) -> String {
        let s = format!("{f:.12}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.to_string()
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn the_float_shortcut_writes_what_formatting_writes(
            f in proptest::prop_oneof![
                -1100.0f64..1100.0,
                (0u32..100_000, 1u32..100_000).prop_map(|(n, d)| f64::from(n) / f64::from(d)),
                (0i64..10_000_000).prop_map(|n| n as f64 / 1000.0),
                proptest::num::f64::NORMAL,
            ]
        ) {
            let mut fast = String::new();
            push_float(&mut fast, f);
            let whole = f.fract() == 0.0 && f.abs() < 1e15;
            if !whole {
                proptest::prop_assert_eq!(fast, float_by_formatting(f));
            }
        }
    }

    #[test]
    fn floats_are_plain() {
        assert_eq!(format_float(0.8), "0.8");
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(2.0 / 3.0), "0.666666666667");
        assert_eq!(format_float(0.025), "0.025");
    }

    #[test]
    fn csv_quotes_and_nulls() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("a".into(), &["x,y", "=1+1"]),
                Column::new("n".into(), &[Some(3i64), None]),
            ],
        )
        .expect("frame");
        let text = String::from_utf8(frame_to_csv(&df).expect("csv")).expect("utf8");
        assert_eq!(text, "a,n\n\"x,y\",3\n'=1+1,\n");
        let mut raw = Vec::new();
        write_csv(&df, &mut raw, CsvText::Raw).expect("csv");
        assert_eq!(
            String::from_utf8(raw).expect("utf8"),
            "a,n\n\"x,y\",3\n=1+1,\n"
        );
    }

    #[test]
    fn csv_booleans_are_words_and_nulls_empty() {
        let df = DataFrame::new(
            3,
            vec![
                Column::new("b".into(), &[Some(true), None, Some(false)]),
                Column::new("n".into(), &[1i64, 2, 3]),
            ],
        )
        .expect("frame");
        let text = String::from_utf8(frame_to_csv(&df).expect("csv")).expect("utf8");
        assert_eq!(text, "b,n\ntrue,1\n,2\nfalse,3\n");
    }
}
