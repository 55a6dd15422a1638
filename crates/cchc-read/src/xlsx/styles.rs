//! Number formats, as far as reading needs them: whether a number shows as a date,
//! a duration or a number.

use super::xml::{attr_value, local, reader};
use super::*;

/// What each cell style (`cellXfs`, by index) does to a number.
pub(super) fn parse_number_formats(text: &str) -> Result<Vec<NumberKind>, ReadError> {
    let mut r = reader(text);
    let mut custom: Vec<(u32, NumberKind)> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "cellXfs" => in_cell_xfs = true,
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "numFmt" => {
                    let (mut id, mut code) = (None, None);
                    for a in e.attributes().flatten() {
                        match a.key.0 {
                            "numFmtId" => id = a.value.parse::<u32>().ok(),
                            "formatCode" => code = Some(attr_value(&a)?.into_owned()),
                            _ => {}
                        }
                    }
                    if let (Some(id), Some(code)) = (id, code) {
                        custom.push((id, number_kind_of_code(&code)));
                    }
                }
                "xf" if in_cell_xfs => ids.push(
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.0 == "numFmtId")
                        .and_then(|a| a.value.parse::<u32>().ok())
                        .unwrap_or(0),
                ),
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            custom
                .iter()
                .find(|(c, _)| *c == id)
                .map_or_else(|| builtin_number_kind(id), |(_, k)| *k)
        })
        .collect())
}

/// The built-in number formats (ECMA-376 §18.8.30) that show dates and times:
/// 14–22, 27–36, 45–47 and 50–58 (46 is an elapsed time).
pub(super) fn builtin_number_kind(id: u32) -> NumberKind {
    match id {
        46 => NumberKind::Duration,
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberKind::Date,
        _ => NumberKind::Number,
    }
}

/// What a custom format code does to a number: its first section shows a date when a
/// day, month, year, hour or second letter (or `AM/PM`, `A/P`) stands outside quoted
/// text, escapes and brackets; `[h]`, `[m]`, `[s]` make it an elapsed time.
pub fn number_kind_of_code(code: &str) -> NumberKind {
    let section = first_section(code);
    let mut chars = section.chars().peekable();
    let mut kind = NumberKind::Number;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                let lower = inner.to_ascii_lowercase();
                let elapsed = |unit: u8| !lower.is_empty() && lower.bytes().all(|b| b == unit);
                if elapsed(b'h') || elapsed(b'm') || elapsed(b's') {
                    return NumberKind::Duration;
                }
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => kind = NumberKind::Date,
            'a' | 'A' => {
                let rest: String = std::iter::once(c).chain(chars.clone().take(4)).collect();
                let upper = rest.to_ascii_uppercase();
                if upper.starts_with("AM/PM") || upper.starts_with("A/P") {
                    kind = NumberKind::Date;
                }
            }
            _ => {}
        }
        if kind == NumberKind::Date {
            // A later `[h]` would not make it an elapsed time in Excel either.
            return kind;
        }
    }
    kind
}

/// A format code's first section (up to the first `;` outside quotes and escapes).
pub(super) fn first_section(code: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => escaped = true,
            ';' if !quoted => return &code[..i],
            _ => {}
        }
    }
    code
}
