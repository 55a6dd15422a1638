//! A sheet read by XML events: the general path, and everything the scan declines.

use super::scan::{cell_ref, range_ref};
use super::xml::{local, read_string, read_text, reader, unescape_excel};
use super::*;

/// A sheet's cells read by XML events (any well-formed sheet).
pub(super) fn parse_sheet_events(
    text: &str,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
    keep: &mut impl FnMut(u32, u32) -> bool,
) -> Result<SheetCells, ReadError> {
    let mut r = reader(text);
    let mut out = SheetCells::default();
    let mut row: u32 = 0;
    let mut next_row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut value = String::new();
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "row" => {
                row = match e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.0 == "r")
                {
                    Some(a) => {
                        a.value
                            .parse::<u32>()
                            .ok()
                            .filter(|r| (1..=1_048_576).contains(r))
                            .ok_or_else(|| damaged(format!("row number {}", a.value)))?
                            - 1
                    }
                    None => next_row,
                };
                next_row = row + 1;
                next_col = 0;
            }
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let (Event::Start(e) | Event::Empty(e)) = &ev else {
                    unreachable!()
                };
                match local(e) {
                    "c" => {
                        let (mut pos, mut typ, mut style) = (None, None, None);
                        for a in e.attributes().with_checks(false) {
                            let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                            match a.key.0 {
                                "r" => {
                                    pos = Some(cell_ref(&a.value).ok_or_else(|| {
                                        damaged(format!("cell reference {}", a.value))
                                    })?)
                                }
                                "t" => typ = Some(a.value.into_owned()),
                                "s" => style = Some(a.value.parse::<usize>().unwrap_or(0)),
                                _ => {}
                            }
                        }
                        let (crow, ccol) = pos.unwrap_or((row, next_col));
                        next_col = ccol + 1;
                        if matches!(ev, Event::Empty(_)) {
                            continue;
                        }
                        // The cell's children: <v>, <f>, <is>.
                        let mut formula = false;
                        let mut got: Option<Data> = None;
                        let mut inline: Option<String> = None;
                        loop {
                            match r.read_event()? {
                                Event::Start(c) => match local(&c) {
                                    "v" => {
                                        value.clear();
                                        read_text(&mut r, "v", &mut value)?;
                                        if !matches!(typ.as_deref(), Some("inlineStr" | "is")) {
                                            got = Some(cell_value(
                                                &value,
                                                typ.as_deref(),
                                                style,
                                                strings,
                                                formats,
                                                is_1904,
                                            )?);
                                        }
                                    }
                                    "f" => {
                                        formula = true;
                                        r.read_to_end(c.name())?;
                                    }
                                    "is" => inline = Some(read_string(&mut r, "is")?),
                                    _ => {
                                        r.read_to_end(c.name())?;
                                    }
                                },
                                Event::Empty(c) => match local(&c) {
                                    "f" => formula = true,
                                    "v" if !matches!(typ.as_deref(), Some("inlineStr" | "is")) => {
                                        got = Some(cell_value(
                                            "",
                                            typ.as_deref(),
                                            style,
                                            strings,
                                            formats,
                                            is_1904,
                                        )?);
                                    }
                                    "is" => inline = Some(String::new()),
                                    _ => {}
                                },
                                Event::End(x) if x.local_name().as_ref() == "c" => break,
                                Event::Eof => return Err(unsupported("cell cut short")),
                                _ => {}
                            }
                        }
                        let data = match inline {
                            Some(s) => Data::String(s),
                            None => got.unwrap_or(Data::Empty),
                        };
                        let data = match data {
                            Data::Empty if formula => {
                                out.uncached.0 += 1;
                                out.uncached.1.get_or_insert((crow, ccol));
                                crate::cells::UNCACHED
                            }
                            Data::Empty => continue,
                            data => data,
                        };
                        if keep(crow, ccol) && out.too_much_text.is_none() {
                            out.text += super::text_cost(&data);
                            if out.text > super::MAX_SHEET_TEXT {
                                // The sheet is refused: the rest is not read.
                                out.too_much_text = Some(out.text);
                                out.cells = Vec::new();
                                return Ok(out);
                            } else {
                                out.cells.push(Cell::new((crow, ccol), data));
                            }
                        }
                    }
                    "mergeCell" => {
                        if let Some(a) = e.attributes().flatten().find(|a| a.key.0 == "ref") {
                            if let Some(d) = range_ref(&a.value) {
                                out.merges.push(d);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A `<v>` value by the cell's type and style.
pub(super) fn cell_value(
    v: &str,
    typ: Option<&str>,
    style: Option<usize>,
    strings: &[String],
    formats: &[NumberKind],
    is_1904: bool,
) -> Result<Data, ReadError> {
    Ok(match typ {
        Some("s") => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            let i: usize = v
                .trim()
                .parse()
                .map_err(|_| unsupported(format!("string index {v}")))?;
            Data::String(
                strings
                    .get(i)
                    .ok_or_else(|| unsupported(format!("string index {i} outside the table")))?
                    .clone(),
            )
        }
        Some("b") => match v {
            "1" | "true" | "TRUE" => Data::Bool(true),
            "0" | "false" | "FALSE" => Data::Bool(false),
            _ => return Err(unsupported(format!("boolean {v}"))),
        },
        Some("d") => Data::DateTimeIso(v.to_string()),
        Some("e") => Data::Error(
            v.parse::<CellErrorType>()
                .map_err(|_| unsupported(format!("error value {v}")))?,
        ),
        Some("str") => Data::String(unescape_excel(v).into_owned()),
        Some("n") | None => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            match v.parse::<f64>() {
                Ok(x) => {
                    let kind = match style {
                        None => Some(NumberKind::Number),
                        Some(i) => formats.get(i).copied(),
                    };
                    match kind {
                        Some(NumberKind::Date) => Data::DateTime(ExcelDateTime::new(
                            x,
                            ExcelDateTimeType::DateTime,
                            is_1904,
                        )),
                        Some(NumberKind::Duration) => Data::DateTime(ExcelDateTime::new(
                            x,
                            ExcelDateTimeType::TimeDelta,
                            is_1904,
                        )),
                        _ => Data::Float(x),
                    }
                }
                Err(_) if typ.is_none() => Data::String(v.to_string()),
                Err(_) => return Err(unsupported(format!("number {v}"))),
            }
        }
        Some(t) => return Err(unsupported(format!("cell type {t}"))),
    })
}
