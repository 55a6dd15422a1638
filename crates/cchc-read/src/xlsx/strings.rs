//! The shared-string table: scanned when it is plain, else read by XML events.

use super::xml::{local, read_string, reader};
use super::*;

pub(super) fn parse_shared_strings(text: &str) -> Result<Vec<String>, ReadError> {
    if let Some(strings) = plain_shared_strings(text) {
        return Ok(strings);
    }
    let mut r = reader(text);
    let mut out = Vec::new();
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "sst" => {
                if let Some(n) = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.0 == "uniqueCount")
                    .and_then(|a| a.value.parse::<usize>().ok())
                {
                    out.reserve(n.min(1 << 20));
                }
            }
            Event::Start(e) if local(&e) == "si" => out.push(read_string(&mut r, "si")?),
            Event::Empty(e) if local(&e) == "si" => out.push(String::new()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The shared strings of a table in the shape Excel and most writers give it — each
/// item one `<t>` (plain or `xml:space="preserve"`), no runs, no line feeds written as
/// `\r`, no `_xHHHH_` escapes — read by scanning instead of by events; `None` for
/// anything else (then [`parse_shared_strings`] reads it with the XML reader, which
/// gives the same strings: tested below).
pub(super) fn plain_shared_strings(text: &str) -> Option<Vec<String>> {
    const ITEM: &str = "<si><t>";
    const PRESERVED: &str = "<si><t xml:space=\"preserve\">";
    const END: &str = "</t></si>";
    let start = text.find("<sst")?;
    let mut rest = &text[start + text[start..].find('>')? + 1..];
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let (preserve, body) = if let Some(b) = rest.strip_prefix(ITEM) {
            (false, b)
        } else if let Some(b) = rest.strip_prefix(PRESERVED) {
            (true, b)
        } else if let Some(b) = rest.strip_prefix("<si/>") {
            out.push(String::new());
            rest = b;
            continue;
        } else if rest.starts_with("</sst>") {
            return Some(out);
        } else {
            return None;
        };
        // The item's text ends at its first `<`, which must open `</t></si>` (a search
        // for one byte: a substring search sets itself up anew for every item).
        let end = body.find('<')?;
        if !body[end..].starts_with(END) {
            return None;
        }
        let raw = &body[..end];
        let b = raw.as_bytes();
        if b.contains(&b'\r') || b.windows(2).any(|w| w == b"_x") {
            return None;
        }
        let raw = if preserve {
            raw
        } else {
            raw.trim_matches([' ', '\t', '\r', '\n'])
        };
        let value = if raw.contains('&') {
            quick_xml::escape::unescape(raw).ok()?.into_owned()
        } else {
            raw.to_string()
        };
        out.push(value);
        rest = &body[end + END.len()..];
    }
}
