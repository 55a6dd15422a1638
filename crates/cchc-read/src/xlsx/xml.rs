//! XML helpers every part of the direct reader shares: names without prefixes,
//! attribute values, text with Excel's `_xHHHH_` escapes.

use super::*;

pub(super) fn local<'a>(e: &'a BytesStart<'_>) -> &'a str {
    let name = e.name().0;
    match name.bytes().position(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

pub(super) fn attr_local(key: &str) -> &str {
    key.rsplit_once(':').map_or(key, |(_, l)| l)
}

/// An attribute's value with XML escapes resolved.
pub(super) fn attr_value<'a>(
    a: &quick_xml::events::attributes::Attribute<'a>,
) -> Result<Cow<'a, str>, ReadError> {
    Ok(a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?)
}

pub(super) fn reader(text: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_str(text);
    r.config_mut().check_end_names = false;
    r
}

/// The text of the first element named `name` (any prefix).
pub(super) fn element_text(text: &str, name: &str) -> Option<String> {
    let mut r = reader(text);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if local(&e) == name => {
                let mut out = String::new();
                read_text(&mut r, name, &mut out).ok()?;
                return Some(out);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Appends the text of the element just opened, up to its end tag named `end`:
/// text and CDATA with line ends normalised, entities resolved, other tags skipped.
pub(super) fn read_text(
    r: &mut Reader<&[u8]>,
    end: &str,
    out: &mut String,
) -> Result<(), ReadError> {
    loop {
        match r.read_event()? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => push_entity(&g, out)?,
            Event::End(x) if x.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(unsupported(format!("<{end}> cut short"))),
            _ => {}
        }
    }
}

pub(super) fn push_entity(
    g: &quick_xml::events::BytesRef<'_>,
    out: &mut String,
) -> Result<(), ReadError> {
    let named = match g.as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    };
    match named {
        Some(c) => out.push(c),
        None => match g.resolve_char_ref()? {
            Some(c) => out.push(c),
            None => return Err(unsupported(format!("entity &{};", g.as_ref()))),
        },
    }
    Ok(())
}

/// Reads a rich or plain string element (`<si>`, `<is>`) up to its end: the text of
/// its `<t>` elements, phonetic runs left out. Text not marked `xml:space="preserve"`
/// loses surrounding ASCII blanks, and Excel's `_xHHHH_` escapes are resolved.
pub(super) fn read_string(r: &mut Reader<&[u8]>, end: &str) -> Result<String, ReadError> {
    let mut out = String::new();
    let mut phonetic = false;
    loop {
        match r.read_event()? {
            Event::Start(e) if local(&e) == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::End(e) if e.local_name().as_ref() == end => return Ok(out),
            Event::Start(e) if local(&e) == "t" && !phonetic => {
                let preserve = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.0 == "xml:space" && &*a.value == "preserve");
                let mut value = String::new();
                read_text(r, "t", &mut value)?;
                let value = if preserve {
                    value.as_str()
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_excel(value));
            }
            Event::Eof => return Err(unsupported("string cut short")),
            _ => {}
        }
    }
}

/// Excel writes characters XML cannot hold as `_xHHHH_` (a UTF-16 unit in hex); a
/// pair of surrogate units makes one character, a lone one becomes U+FFFD.
pub fn unescape_excel(s: &str) -> Cow<'_, str> {
    fn unit_at(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes();
        if b.len() >= i + 7
            && &b[i..i + 2] == b"_x"
            && b[i + 6] == b'_'
            && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
        {
            return u16::from_str_radix(&s[i + 2..i + 6], 16).ok();
        }
        None
    }
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(found) = s[i..].find("_x") {
        let at = i + found;
        let Some(unit) = unit_at(s, at) else {
            i = at + 2;
            continue;
        };
        out.push_str(&s[copied..at]);
        let mut next = at + 7;
        let c = match unit {
            0xD800..=0xDBFF => match unit_at(s, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    next += 7;
                    char::from_u32(
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            u => char::from_u32(u32::from(u)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        i = next;
        copied = next;
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}
