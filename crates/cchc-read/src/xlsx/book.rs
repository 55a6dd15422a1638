//! The workbook part (sheets, their visibility, the date system) and its relationships.

use super::xml::{attr_local, attr_value, local, reader};
use super::*;

/// (name, visibility, relationship id) of each sheet, and whether dates count from 1904.
#[allow(clippy::type_complexity)]
pub(super) fn parse_workbook(
    text: &str,
) -> Result<(Vec<(String, SheetVisible, String)>, bool), ReadError> {
    let mut r = reader(text);
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "sheet" => {
                    let (mut name, mut visible, mut id) = (None, SheetVisible::Visible, None);
                    for a in e.attributes() {
                        let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                        match a.key.0 {
                            "name" => name = Some(attr_value(&a)?.into_owned()),
                            "state" => {
                                visible = match &*a.value {
                                    "hidden" => SheetVisible::Hidden,
                                    "veryHidden" => SheetVisible::VeryHidden,
                                    _ => SheetVisible::Visible,
                                }
                            }
                            k if attr_local(k) == "id" && k != "id" => {
                                id = Some(attr_value(&a)?.into_owned())
                            }
                            _ => {}
                        }
                    }
                    match (name, id) {
                        (Some(n), Some(i)) => sheets.push((n, visible, i)),
                        _ => return Err(unsupported("a sheet without name or id")),
                    }
                }
                "workbookPr" => {
                    for a in e.attributes().flatten() {
                        if a.key.0 == "date1904" {
                            is_1904 = matches!(&*a.value, "1" | "true");
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

/// (id, sheet type, target) of each relationship of the workbook.
pub(super) fn parse_relationships(
    text: &str,
) -> Result<Vec<(String, SheetType, String)>, ReadError> {
    let mut r = reader(text);
    let mut out = Vec::new();
    loop {
        match r.read_event()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                let (mut id, mut typ, mut target) = (None, None, None);
                for a in e.attributes() {
                    let a = a.map_err(|e| unsupported(format!("attribute: {e}")))?;
                    match a.key.0 {
                        "Id" => id = Some(attr_value(&a)?.into_owned()),
                        "Type" => typ = Some(attr_value(&a)?.into_owned()),
                        "Target" => target = Some(attr_value(&a)?.into_owned()),
                        _ => {}
                    }
                }
                if let (Some(id), Some(typ), Some(target)) = (id, typ, target) {
                    let kind = match typ.rsplit('/').next().unwrap_or_default() {
                        "worksheet" => SheetType::WorkSheet,
                        "chartsheet" => SheetType::ChartSheet,
                        "dialogsheet" => SheetType::DialogSheet,
                        "xlMacrosheet" | "macrosheet" => SheetType::MacroSheet,
                        _ => continue,
                    };
                    out.push((id, kind, target));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The archive path of a relationship target (relative to `xl/`, or absolute).
pub(super) fn part_path(target: &str) -> Result<String, ReadError> {
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    if path.contains("..") || path.contains('\\') {
        return Err(unsupported(format!("sheet target {target}")));
    }
    Ok(path)
}
