//! A sheet in the plain shape read by scanning its bytes (rows and cells with values,
//! formulas and simple inline strings), and the cell references it meets.

use super::events::{cell_value, parse_sheet_events};
use super::xml::unescape_excel;
use super::*;

/// "B12" → (row 11, column 1), within a sheet's bounds.
pub(super) fn cell_ref(r: &str) -> Option<(u32, u32)> {
    cchc_domain::finding::parse_a1(r).filter(|(row, _)| *row < 1_048_576)
}

/// "A1:C2" → its corners.
pub(super) fn range_ref(r: &str) -> Option<Dimensions> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    let (start, end) = (cell_ref(a)?, cell_ref(b)?);
    Some(Dimensions { start, end })
}

/// A sheet's cells: by [`plain_sheet`] when the sheet has the plain shape, else by
/// XML events ([`parse_sheet_events`]); both give the same cells (tested).
pub(super) fn parse_sheet(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Result<SheetCells, ReadError> {
    if let Some(out) = plain_sheet(text, strings, formats, is_1904, keep) {
        return Ok(out);
    }
    parse_sheet_events(text, strings, formats, is_1904, keep)
}

/// The sheet read by scanning, without an XML event per element, when its cells have
/// the shape Excel, LibreOffice and most writers give them: inside `<sheetData>`, rows
/// and cells (`<c>` with `r`, `s`, `t` and any other attributes, double- or
/// single-quoted) holding only `<v>` values without escapes, line breaks or CDATA, and
/// `<f>` formulas; outside it, no cells. Anything else (inline strings, prefixed
/// names, comments, escapes in a value, text between elements, a row number out of
/// range, a value of unknown type) is `None`, and the XML reader reads the sheet.
/// Cells are handed to `keep` only once the whole sheet is known to be plain.
pub(super) fn plain_sheet(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Option<SheetCells> {
    let open = text.find("<sheetData")?;
    let after_name = &text[open + "<sheetData".len()..];
    let (body, rest) = if let Some(r) = after_name.strip_prefix("/>") {
        ("", r)
    } else {
        let inner = after_name.strip_prefix('>')?;
        let close = inner.find("</sheetData>")?;
        (&inner[..close], &inner[close + "</sheetData>".len()..])
    };
    // The rest of the sheet (merged regions, and proof that it holds no cells), read
    // by events with the cells taken out: it is short.
    let outside_text = format!("{}<sheetData/>{rest}", &text[..open]);
    let outside = parse_sheet_events(&outside_text, strings, formats, is_1904, &mut |_, _| true)
        .ok()
        .filter(|o| o.cells.is_empty() && o.uncached.0 == 0)?;
    let (cells, uncached) = plain_sheet_data(body, strings, formats, is_1904)?;
    // Collected in place (same size and alignment): a sheet of a million cells is not
    // held twice.
    let mut text = 0;
    let cells = cells
        .into_iter()
        .filter(|(pos, data)| {
            let kept = keep(pos.0, pos.1);
            if kept {
                text += super::text_cost(data);
            }
            kept
        })
        .map(|(pos, data)| Cell::new(pos, data))
        .collect();
    Some(SheetCells {
        merges: outside.merges,
        uncached,
        cells,
        text,
        too_much_text: None,
    })
}

/// One start tag of [`plain_sheet_data`]: its name and whether it closes itself, each
/// attribute handed to `attr` (qualified name, raw value) in order; `None` for anything
/// that is not a plain start tag. (The XML reader does not check attributes for
/// repeats either: callers take the first or the last as it does.)
pub(super) fn plain_tag<'a>(
    b: &'a str,
    i: &mut usize,
    mut attr: impl FnMut(&'a str, &'a str),
) -> Option<(&'a str, bool)> {
    let bytes = b.as_bytes();
    if bytes.get(*i) != Some(&b'<') {
        return None;
    }
    let start = *i + 1;
    let mut j = start;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    if j == start {
        return None;
    }
    let name = &b[start..j];
    loop {
        let ws = j;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        match bytes.get(j)? {
            b'>' => {
                *i = j + 1;
                return Some((name, false));
            }
            b'/' if bytes.get(j + 1) == Some(&b'>') => {
                *i = j + 2;
                return Some((name, true));
            }
            _ if j == ws => return None,
            _ => {}
        }
        let key_start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b':' | b'_' | b'-' | b'.'))
        {
            j += 1;
        }
        if j == key_start || bytes.get(j) != Some(&b'=') {
            return None;
        }
        let quote = *bytes.get(j + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = j + 2;
        let len = memchr::memchr(quote, &bytes[value_start..])?;
        let value = &bytes[value_start..value_start + len];
        if memchr::memchr2(b'<', b'&', value).is_some() {
            return None;
        }
        attr(&b[key_start..j], &b[value_start..value_start + len]);
        j = value_start + len + 1;
    }
}

/// Most cells the scan holds for a sheet: beyond the 2 million a sheet may lay out.
const RESERVED_CELLS: usize = 2_000_001;

/// The cells inside `<sheetData>` (see [`plain_sheet`]): each with its position, in
/// the order of the file, and the formulas without a value.
#[allow(clippy::type_complexity)]
pub(super) fn plain_sheet_data(
    body: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
) -> Option<(Vec<((u32, u32), Data)>, (usize, Option<(u32, u32)>))> {
    let bytes = body.as_bytes();
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    // As many as the body has cell tags (inside `<sheetData>` nothing else starts with
    // `<c`), so the vector never grows by copying: a large sheet's cells are held once.
    let tags = memchr::memmem::find_iter(bytes, b"<c")
        .filter(|&i| {
            matches!(
                bytes.get(i + 2),
                Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
            )
        })
        .count();
    let mut cells = Vec::with_capacity(tags.min(RESERVED_CELLS));
    let mut uncached = (0usize, None);
    let mut text = 0u64;
    let (mut row, mut next_row, mut next_col) = (0u32, 0u32, 0u32);
    // Rows opened and not yet closed: every `</row>` closes one, and all are closed at
    // the end (the XML reader refuses a document whose tags do not balance).
    let mut open_rows = 0usize;
    let mut i = 0;
    loop {
        skip_ws(&mut i);
        if i == bytes.len() {
            return (open_rows == 0).then_some((cells, uncached));
        }
        if body[i..].starts_with("</row>") {
            open_rows = open_rows.checked_sub(1)?;
            i += "</row>".len();
            continue;
        }
        // The attributes that matter: a row's first `r`; a cell's last `r`, `t`, `s`.
        let (mut row_ref, mut pos_ref, mut typ, mut style_ref) = (None, None, None, None);
        let (name, empty) = plain_tag(body, &mut i, |k, v| match k {
            "r" => {
                row_ref.get_or_insert(v);
                pos_ref = Some(v);
            }
            "t" => typ = Some(v),
            "s" => style_ref = Some(v),
            _ => {}
        })?;
        match name {
            "row" => {
                if !empty {
                    open_rows += 1;
                }
                row = match row_ref {
                    Some(v) => {
                        v.parse::<u32>()
                            .ok()
                            .filter(|r| (1..=1_048_576).contains(r))?
                            - 1
                    }
                    None => next_row,
                };
                next_row = row + 1;
                next_col = 0;
            }
            "c" => {
                let pos = match pos_ref {
                    Some(v) => Some(cell_ref(v)?),
                    None => None,
                };
                let style = style_ref.map(|v| v.parse::<usize>().unwrap_or(0));
                let (crow, ccol) = pos.unwrap_or((row, next_col));
                next_col = ccol + 1;
                if empty {
                    continue;
                }
                let inline_type = matches!(typ, Some("inlineStr" | "is"));
                let (mut formula, mut got, mut inline) = (false, None, None);
                loop {
                    skip_ws(&mut i);
                    if body[i..].starts_with("</c>") {
                        i += "</c>".len();
                        break;
                    }
                    let (child, child_empty) = plain_tag(body, &mut i, |_, _| {})?;
                    match child {
                        "v" => {
                            let text = if child_empty {
                                ""
                            } else {
                                let len = memchr::memchr(b'<', &bytes[i..])?;
                                let text = &body[i..i + len];
                                i += len;
                                if !body[i..].starts_with("</v>") || text.contains(['&', '\r']) {
                                    return None;
                                }
                                i += "</v>".len();
                                text
                            };
                            if !inline_type {
                                got = Some(
                                    cell_value(text, typ, style, strings, formats, is_1904).ok()?,
                                );
                            }
                        }
                        "is" if child_empty => inline = Some(String::new()),
                        "is" => inline = Some(plain_inline_string(body, &mut i)?),
                        "f" => {
                            formula = true;
                            if !child_empty {
                                let len = memchr::memchr(b'<', &bytes[i..])?;
                                // An escape in the formula (`&amp;` joins text, a bare
                                // `&` is malformed): the XML reader judges it.
                                if memchr::memchr(b'&', &bytes[i..i + len]).is_some() {
                                    return None;
                                }
                                i += len;
                                if !body[i..].starts_with("</f>") {
                                    return None;
                                }
                                i += "</f>".len();
                            }
                        }
                        _ => return None,
                    }
                }
                let data = match inline {
                    Some(s) => Data::String(s),
                    None => got.unwrap_or(Data::Empty),
                };
                match data {
                    Data::Empty if formula => {
                        uncached.0 += 1;
                        uncached.1.get_or_insert((crow, ccol));
                        cells.push(((crow, ccol), crate::cells::UNCACHED));
                    }
                    Data::Empty => {}
                    data => {
                        text += super::text_cost(&data);
                        cells.push(((crow, ccol), data));
                    }
                }
                // More cells than any sheet may lay out, or more text than it may hold:
                // read by events instead, where each cell is kept or not as it comes
                // (cells far away are dropped there, text is counted as kept).
                if cells.len() > RESERVED_CELLS || text > super::MAX_SHEET_TEXT {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// An inline string's text after its `<is>`, up to and past `</is>`, as
/// [`read_string`] reads it: one or more `<t>` (`xml:space="preserve"` or trimmed),
/// Excel's `_xHHHH_` escapes resolved; `None` for runs, phonetic text, XML escapes or
/// anything else.
pub(super) fn plain_inline_string(body: &str, i: &mut usize) -> Option<String> {
    let bytes = body.as_bytes();
    let mut out = String::new();
    loop {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
        if body[*i..].starts_with("</is>") {
            *i += "</is>".len();
            return Some(out);
        }
        let (mut other, mut preserve) = (false, false);
        let (name, empty) = plain_tag(body, i, |k, v| match k {
            "xml:space" => preserve |= v == "preserve",
            _ => other = true,
        })?;
        if name != "t" || other {
            return None;
        }
        if empty {
            continue;
        }
        let len = memchr::memchr(b'<', &bytes[*i..])?;
        let text = &body[*i..*i + len];
        *i += len;
        if !body[*i..].starts_with("</t>") || text.contains(['&', '\r']) {
            return None;
        }
        *i += "</t>".len();
        let text = if preserve {
            text
        } else {
            text.trim_matches([' ', '\t', '\r', '\n'])
        };
        out.push_str(&unescape_excel(text));
    }
}
