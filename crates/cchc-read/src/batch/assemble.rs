//! Tables tied to units and periods: the run's period, duplicates, roll-ups,
//! missing submissions and the carry-over between quarters.

use super::inputs::file_name_of;
use super::*;

pub(super) struct Candidate {
    unit: Option<Unit>,
    unit_raw: String,
    period: Option<Period>,
    file: String,
    sheet: String,
    data: SubmissionData,
    roll_up: bool,
    set_aside: usize,
    /// False for a table set aside whole (a missing column): it neither counts nor
    /// stands in the way of the unit's other report.
    usable: bool,
}

pub(super) fn assemble(
    reads: Vec<FileRead>,
    files: &[(PathBuf, String)],
    opts: &BatchOptions,
    findings: &mut Vec<Finding>,
) -> Batch {
    let reg = &opts.registry;
    let mut stats: BTreeMap<String, FileStat> = BTreeMap::new();
    let mut candidates = Vec::new();
    for (read, (path, _)) in reads.into_iter().zip(files) {
        let file = read.file.clone();
        findings.extend(read.findings);
        let stat = stats.entry(file.clone()).or_insert(FileStat {
            file: file.clone(),
            tables: 0,
            rows_accepted: 0,
            rows_set_aside: 0,
        });
        stat.tables += read.tables.len();
        let file_name = file_name_of(path);
        let stem = file_name
            .rsplit_once('.')
            .map_or(file_name.as_str(), |(s, _)| s)
            .to_string();
        // A unit or period stated on any sheet of the file serves sheets that state none.
        let file_unit = read.tables.iter().find_map(|t| t.meta.unit.clone());
        let file_period = read.tables.iter().find_map(|t| t.meta.period.clone());
        for t in read.tables {
            stat.rows_set_aside += t.data.rows_set_aside();
            let period = t
                .meta
                .period
                .clone()
                .or(file_period.clone())
                .map(|p| p.value)
                .or_else(|| parse_period_filename(&file_name));
            let (data, usable) = match t.data {
                TableData::A(table) if table.header.label_is_unit => {
                    // District roll-up: every row names its unit (docs/contract.md §7.11).
                    for row in table.rows {
                        let unit = reg.match_name(&row.label).cloned();
                        candidates.push(Candidate {
                            unit_raw: row.label.clone(),
                            unit,
                            period,
                            file: file.clone(),
                            sheet: t.sheet.clone(),
                            data: SubmissionData::A(vec![row]),
                            roll_up: true,
                            set_aside: 0,
                            usable: true,
                        });
                    }
                    continue;
                }
                TableData::A(table) => (SubmissionData::A(table.rows), table.complete),
                TableData::B(table) => (SubmissionData::B(table.rows), true),
                TableData::C(table) => (
                    SubmissionData::C {
                        base_year: table.base_year,
                        current_year: table.current_year,
                        rows: table.rows,
                    },
                    true,
                ),
                TableData::D(table) => (SubmissionData::D(table.rows), true),
            };
            let written = t.meta.unit.clone().or(file_unit.clone());
            let unit = written
                .as_ref()
                .and_then(|w| reg.match_name(&w.value))
                .or_else(|| reg.match_name(&unit_words_of_file_name(&stem)))
                .or_else(|| {
                    t.meta
                        .other_lines
                        .iter()
                        .find_map(|l| reg.match_name(&l.value))
                })
                .or_else(|| {
                    opts.unit_fallback
                        .as_deref()
                        .and_then(|u| reg.get(u).or_else(|| reg.match_name(u)))
                })
                .cloned();
            let unit_raw = written.map(|w| w.value).unwrap_or(stem.clone());
            candidates.push(Candidate {
                unit,
                unit_raw,
                period,
                file: file.clone(),
                sheet: t.sheet,
                data,
                roll_up: false,
                set_aside: 0,
                usable,
            });
        }
    }

    // The run's period: as given, else the one most tables state (ties: the latest).
    let run_period = opts
        .period
        .or_else(|| Period::most_stated(candidates.iter().filter_map(|c| c.period)));

    let mut submissions = Vec::new();
    for mut c in candidates {
        let Some(unit) = c.unit.take() else {
            let what = if c.roll_up {
                "Dòng tổng hợp của đơn vị"
            } else {
                "Đơn vị báo cáo"
            };
            findings.push(
                Finding::file(
                    Rule::UnitUnknown,
                    &c.file,
                    format!(
                        "{what} \"{}\" không có trong danh mục đơn vị: số liệu không được tổng hợp",
                        c.unit_raw
                    ),
                )
                .at(&c.sheet, c.data.first_cell())
                .with_raw(c.unit_raw.clone()),
            );
            c.set_aside += c.data.len();
            if let Some(s) = stats.get_mut(&c.file) {
                s.rows_set_aside += c.set_aside;
            }
            continue;
        };
        let period = match (c.period, run_period) {
            (Some(p), _) => p,
            (None, Some(run)) => {
                findings.push(
                    Finding::file(
                        Rule::PeriodUnknown,
                        &c.file,
                        format!(
                            "Không xác định được kỳ báo cáo; tính vào kỳ của đợt tổng hợp ({run})"
                        ),
                    )
                    .at(&c.sheet, ""),
                );
                run
            }
            (None, None) => {
                findings.push(
                    Finding::file(
                        Rule::PeriodUnknown,
                        &c.file,
                        "Không xác định được kỳ báo cáo: số liệu không được tổng hợp",
                    )
                    .at(&c.sheet, ""),
                );
                if let Some(s) = stats.get_mut(&c.file) {
                    s.rows_set_aside += c.data.len();
                }
                continue;
            }
        };
        let in_run = run_period.is_none_or(|r| r == period);
        if !in_run && c.usable {
            findings.push(
                Finding::file(
                    Rule::PeriodMismatch,
                    &c.file,
                    format!(
                        "Báo cáo của \"{}\" ghi kỳ {period}, khác kỳ tổng hợp {}: không được tổng hợp",
                        unit.name,
                        run_period.map(|p| p.to_string()).unwrap_or_default()
                    ),
                )
                .at(&c.sheet, ""),
            );
        }
        submissions.push(Submission {
            unit,
            period,
            file: c.file,
            sheet: c.sheet,
            data: c.data,
            from_roll_up: c.roll_up,
            counted: in_run && c.usable,
        });
    }

    // Per unit, period and form: own reports before roll-up rows, then file and
    // sheet order; the first counts.
    submissions.sort_by(|a, b| {
        (
            &a.unit.unit_id,
            a.period,
            a.data.form(),
            a.from_roll_up,
            &a.file,
            &a.sheet,
        )
            .cmp(&(
                &b.unit.unit_id,
                b.period,
                b.data.form(),
                b.from_roll_up,
                &b.file,
                &b.sheet,
            ))
    });
    let mut i = 0;
    while i < submissions.len() {
        let mut j = i + 1;
        while j < submissions.len()
            && submissions[j].unit.unit_id == submissions[i].unit.unit_id
            && submissions[j].period == submissions[i].period
            && submissions[j].data.form() == submissions[i].data.form()
        {
            j += 1;
        }
        let group: Vec<usize> = (i..j).filter(|&k| submissions[k].counted).collect();
        if let Some((&first, rest)) = group.split_first() {
            for &k in rest {
                let same = submissions[k].same_figures(&submissions[first]);
                let (kept, other) = (&submissions[first], &submissions[k]);
                // A roll-up row equal to the unit's own report is expected, not a finding.
                if !(other.from_roll_up && same) {
                    let message = format!(
                        "Đơn vị \"{}\" có hơn một biểu {:?} kỳ {}: tổng hợp theo {} (trang \"{}\"), không tổng hợp {} (trang \"{}\"){}",
                        kept.unit.name,
                        kept.data.form(),
                        kept.period,
                        kept.file,
                        kept.sheet,
                        other.file,
                        other.sheet,
                        if same { "; số liệu hai báo cáo giống nhau" } else { "; số liệu hai báo cáo khác nhau" }
                    );
                    findings.push(
                        Finding::file(Rule::SubmissionDuplicate, &other.file, message.clone())
                            .at(&other.sheet, other.data.first_cell())
                            .with_raw(kept.unit.unit_id.clone()),
                    );
                    findings.push(
                        Finding::file(Rule::SubmissionDuplicate, &kept.file, message)
                            .at(&kept.sheet, kept.data.first_cell())
                            .with_raw(kept.unit.unit_id.clone()),
                    );
                }
                submissions[k].counted = false;
            }
        }
        i = j;
    }
    carry_over_check(&submissions, findings);
    for s in &submissions {
        if let Some(st) = stats.get_mut(&s.file) {
            if s.counted {
                st.rows_accepted += s.data.len();
            } else {
                st.rows_set_aside += s.data.len();
            }
        }
    }

    if let Some(run) = run_period {
        let sent: std::collections::BTreeSet<&str> = submissions
            .iter()
            .filter(|s| s.counted && s.period == run)
            .map(|s| s.unit.unit_id.as_str())
            .collect();
        for u in reg.units() {
            if !sent.contains(u.unit_id.as_str()) {
                findings.push(
                    Finding::file(
                        Rule::SubmissionMissing,
                        "",
                        format!("Đơn vị \"{}\" chưa gửi báo cáo kỳ {run}", u.name),
                    )
                    .with_raw(u.unit_id.clone()),
                );
            }
        }
    }

    findings.sort_by(|a, b| {
        (&a.file, &a.sheet, cell_order(&a.cell), a.rule, &a.message).cmp(&(
            &b.file,
            &b.sheet,
            cell_order(&b.cell),
            b.rule,
            &b.message,
        ))
    });
    findings.dedup();
    Batch {
        period: run_period,
        submissions,
        findings: std::mem::take(findings),
        files: stats.into_values().collect(),
        registry: reg.clone(),
    }
}

/// Sort key of an A1 reference: row, then column letters by length and text.
pub(super) fn cell_order(cell: &str) -> (u64, usize, String) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let row = cell[letters.len()..].parse().unwrap_or(0);
    (row, letters.len(), letters)
}

/// The words of a file name that may name a unit: period words, years and
/// report words removed (`PGD Tien Lu_Q1_2022` → `pgd tien lu`).
pub(super) fn unit_words_of_file_name(stem: &str) -> String {
    const REPORT_WORDS: &[&str] = &[
        "quy", "nam", "bao", "cao", "bc", "cchc", "tthc", "ket", "qua", "ky", "thang", "dau",
    ];
    let spaced = cchc_domain::text::separators_to_spaces(stem);
    let norm = cchc_domain::text::normalize(&spaced);
    let period_word = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "q1" | "q2"
                    | "q3"
                    | "q4"
                    | "qi"
                    | "qii"
                    | "qiii"
                    | "qiv"
                    | "h1"
                    | "9m"
                    | "i"
                    | "ii"
                    | "iii"
                    | "iv"
            )
    };
    norm.split(' ')
        .filter(|w| !w.is_empty() && !period_word(w) && !REPORT_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A quarter's carried-over dossiers should equal the previous quarter's pending
/// ones, when both quarters were read together (warning, docs/contract.md §2).
pub(super) fn carry_over_check(submissions: &[Submission], findings: &mut Vec<Finding>) {
    // Each unit's own Form A report per period, the first in batch order.
    let mut own_a: BTreeMap<(&str, Period), &Submission> = BTreeMap::new();
    for s in submissions
        .iter()
        .filter(|s| s.data.form() == Form::A && !s.from_roll_up)
    {
        own_a
            .entry((s.unit.unit_id.as_str(), s.period))
            .or_insert(s);
    }
    for s in submissions
        .iter()
        .filter(|s| s.counted && s.data.form() == Form::A && !s.from_roll_up)
    {
        let Some(prev) = s.period.previous_quarter() else {
            continue;
        };
        let Some(p) = own_a.get(&(s.unit.unit_id.as_str(), prev)) else {
            continue;
        };
        let Some((this, previous)) = cchc_domain::forms::vocabulary().carry else {
            return;
        };
        let carried = s.totals()[this];
        let pending = p.totals()[previous];
        if carried != pending {
            findings.push(
                Finding::file(
                    Rule::PeriodCarryOver,
                    &s.file,
                    format!(
                        "Đơn vị \"{}\": số hồ sơ từ kỳ trước chuyển qua kỳ {} là {carried}, nhưng số đang giải quyết cuối kỳ {prev} ({}) là {pending}",
                        s.unit.name, s.period, p.file
                    ),
                )
                .at(&s.sheet, s.data.first_cell())
                .with_raw(format!("{carried} ≠ {pending}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_units() {
        assert_eq!(
            unit_words_of_file_name("PGD Tien Lu_Q1_2022"),
            "pgd tien lu"
        );
        assert_eq!(
            unit_words_of_file_name("bao-cao-quy-1-2022-THPT-Van-Lam"),
            "thpt van lam"
        );
        let reg = Registry::default_hung_yen();
        let id = |s: &str| {
            reg.match_name(&unit_words_of_file_name(s))
                .map(|u| u.unit_id.clone())
        };
        assert_eq!(id("PGD Tien Lu_Q1_2022").as_deref(), Some("pgd-tienlu"));
        assert_eq!(
            id("BC_CCHC_QI_2022_THPT_Tien_Lu").as_deref(),
            Some("thpt-tienlu")
        );
    }
}
