//! Reading a registry file: `unit_id,name,kind,district,aliases` and, in v2, the
//! optional `valid_from,valid_to,successor` (docs/contract.md §9), every row checked.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{Registry, Unit};

/// A registry file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The CSV could not be parsed (line given by the csv reader).
    #[error("danh mục đơn vị: dòng {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What was wrong.
        message: String,
    },
    /// A required column is absent from the header line.
    #[error("danh mục đơn vị: thiếu cột `{0}` (cần unit_id,name,kind,district,aliases)")]
    MissingColumn(&'static str),
    /// The same unit id twice with validity periods that overlap.
    #[error("danh mục đơn vị: dòng {line}: mã đơn vị `{unit_id}` bị trùng (dòng {first} có cùng mã, thời gian hiệu lực chồng nhau)")]
    DuplicateId {
        /// 1-based line.
        line: u64,
        /// The line of the row it repeats.
        first: u64,
        /// The repeated id.
        unit_id: String,
    },
    /// A date that is not `YYYY-MM-DD`, or a range that ends before it starts.
    #[error("danh mục đơn vị: dòng {line}: cột `{column}`: {message}")]
    BadDate {
        /// 1-based line.
        line: u64,
        /// `valid_from` or `valid_to`.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A successor that is no unit of the registry.
    #[error("danh mục đơn vị: dòng {line}: đơn vị kế thừa `{successor}` của `{unit_id}` không có trong danh mục")]
    UnknownSuccessor {
        /// 1-based line.
        line: u64,
        /// The unit.
        unit_id: String,
        /// The successor named.
        successor: String,
    },
    /// Successors that lead back to a unit already on the way.
    #[error("danh mục đơn vị: đơn vị kế thừa tạo thành vòng lặp: {} (các dòng {})", .unit_ids.join(" → "), .lines.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    SuccessorCycle {
        /// The units of the cycle, in successor order, the first repeated at the end.
        unit_ids: Vec<String>,
        /// Their rows' lines.
        lines: Vec<u64>,
    },
}

/// One row read, with its line.
struct Row {
    line: u64,
    unit: Unit,
}

fn date(line: u64, column: &'static str, text: &str) -> Result<Option<NaiveDate>, RegistryError> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| RegistryError::BadDate {
            line,
            column,
            message: format!("`{text}` không phải ngày dạng YYYY-MM-DD (ví dụ 2025-07-01)"),
        })
}

impl Registry {
    /// The units of a registry CSV, checked as [`Registry::from_csv`] checks them,
    /// without the name indexes ([`Registry::from_units`] builds those).
    ///
    /// # Errors
    /// [`RegistryError`] for malformed CSV, a missing column, a bad date, a repeated id
    /// whose validity overlaps, an unknown successor or a cycle of successors.
    pub fn units_from_csv(text: &str) -> Result<Vec<Unit>, RegistryError> {
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| RegistryError::Csv {
                line: 1,
                message: e.to_string(),
            })?
            .clone();
        let position = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
        };
        let col = |name: &'static str| position(name).ok_or(RegistryError::MissingColumn(name));
        let (c_id, c_name, c_kind, c_district) = (
            col("unit_id")?,
            col("name")?,
            col("kind")?,
            col("district")?,
        );
        let optional = |name| position(name);
        let (c_alias, c_from, c_to, c_successor) = (
            optional("aliases"),
            optional("valid_from"),
            optional("valid_to"),
            optional("successor"),
        );
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| RegistryError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |i: usize| crate::text::nfc(rec.get(i).unwrap_or(""));
            let get_opt = |c: Option<usize>| c.map(get).unwrap_or_default();
            let unit_id = get(c_id);
            if unit_id.is_empty() {
                continue;
            }
            let aliases = get_opt(c_alias)
                .split(';')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect();
            let valid_from = date(line, "valid_from", &get_opt(c_from))?;
            let valid_to = date(line, "valid_to", &get_opt(c_to))?;
            if let (Some(f), Some(t)) = (valid_from, valid_to) {
                if f > t {
                    return Err(RegistryError::BadDate {
                        line,
                        column: "valid_to",
                        message: format!("ngày hết hiệu lực {t} trước ngày có hiệu lực {f}"),
                    });
                }
            }
            let successor = Some(get_opt(c_successor)).filter(|s| !s.is_empty());
            rows.push(Row {
                line,
                unit: Unit {
                    unit_id,
                    name: get(c_name),
                    kind: get(c_kind),
                    district: get(c_district),
                    aliases,
                    valid_from,
                    valid_to,
                    successor,
                },
            });
        }
        check_rows(&rows)?;
        Ok(rows.into_iter().map(|r| r.unit).collect())
    }
}

/// Whether two rows' validity periods share a day.
fn overlap(a: &Unit, b: &Unit) -> bool {
    let starts_before_end = |x: &Unit, y: &Unit| match (x.valid_from, y.valid_to) {
        (Some(f), Some(t)) => f <= t,
        _ => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

/// Repeated ids must not overlap in time; successors must exist and lead nowhere back.
fn check_rows(rows: &[Row]) -> Result<(), RegistryError> {
    let mut by_id: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let same = by_id.entry(r.unit.unit_id.as_str()).or_default();
        if let Some(first) = same.iter().find(|o| overlap(&o.unit, &r.unit)) {
            return Err(RegistryError::DuplicateId {
                line: r.line,
                first: first.line,
                unit_id: r.unit.unit_id.clone(),
            });
        }
        same.push(r);
    }
    let mut next: BTreeMap<&str, Vec<(&str, u64)>> = BTreeMap::new();
    for r in rows {
        if let Some(s) = &r.unit.successor {
            if !by_id.contains_key(s.as_str()) {
                return Err(RegistryError::UnknownSuccessor {
                    line: r.line,
                    unit_id: r.unit.unit_id.clone(),
                    successor: s.clone(),
                });
            }
            next.entry(r.unit.unit_id.as_str())
                .or_default()
                .push((s.as_str(), r.line));
        }
    }
    // Depth-first from every id, in id order: a successor already on the path closes
    // a cycle.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in by_id.keys() {
        let mut path: Vec<(&str, u64)> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut stack: Vec<(&str, u64, usize)> = vec![(start, 0, 0)];
        while let Some((id, line, depth)) = stack.pop() {
            path.truncate(depth);
            if let Some(at) = path.iter().position(|(p, _)| *p == id) {
                let mut unit_ids: Vec<String> =
                    path[at..].iter().map(|(p, _)| p.to_string()).collect();
                unit_ids.push(id.to_string());
                let mut lines: Vec<u64> = path[at + 1..].iter().map(|(_, l)| *l).collect();
                lines.push(line);
                return Err(RegistryError::SuccessorCycle { unit_ids, lines });
            }
            if done.contains(id) {
                continue;
            }
            path.push((id, line));
            seen.push(id);
            for &(s, l) in next.get(id).map(Vec::as_slice).unwrap_or(&[]).iter().rev() {
                stack.push((s, l, depth + 1));
            }
        }
        // Everything reached from `start` leads to no cycle.
        done.extend(seen);
    }
    Ok(())
}
