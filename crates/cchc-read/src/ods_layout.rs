//! Pretty-printed OpenDocument content: a `.fods` saved by LibreOffice, or an `.ods`
//! written by a tool that indents its XML, has whitespace between the table's elements,
//! which calamine 0.38 refuses ("Expecting 'table-cell', found 'Text(…)'"). That layout
//! whitespace is taken out here; text inside paragraphs (`text:*` elements) is kept as
//! written.

use quick_xml::events::Event;

/// The document without whitespace-only text outside `text:*` elements; `None` when it
/// is not well-formed XML.
///
/// ```
/// use cchc_read::ods_layout::without_layout_whitespace;
/// let xml = b"<table:table-row>\n  <table:table-cell><text:p> 5 </text:p></table:table-cell>\n</table:table-row>";
/// let compact = without_layout_whitespace(xml).unwrap();
/// assert_eq!(compact, b"<table:table-row><table:table-cell><text:p> 5 </text:p></table:table-cell></table:table-row>");
/// ```
pub fn without_layout_whitespace(xml: &[u8]) -> Option<Vec<u8>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    // Whether each open element holds text (its whitespace is content).
    let mut holds_text: Vec<bool> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match event {
            Event::Eof => break,
            Event::Start(ref e) => {
                holds_text.push(e.name().into_inner().starts_with("text:"));
                writer.write_event(event).ok()?;
            }
            Event::End(_) => {
                holds_text.pop();
                writer.write_event(event).ok()?;
            }
            Event::Text(ref t)
                if !holds_text.last().copied().unwrap_or(false)
                    && t.as_ref().chars().all(|c| c.is_ascii_whitespace()) => {}
            other => writer.write_event(other).ok()?,
        }
        buf.clear();
    }
    Some(writer.into_inner())
}
