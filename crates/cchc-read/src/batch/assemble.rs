//! Tables tied to units and periods: the run's periods, each unit as valid on its
//! period's last day (successors, inactive units), duplicates, roll-ups and missing
//! submissions.

use cchc_domain::period::NaiveDate;
use cchc_domain::unit::Resolved;

use super::inputs::file_name_of;
use super::over_time::{carry_over_check, cumulative_check, own_form_a};
use super::*;

/// A table (or a roll-up row) read, before it is tied to a unit valid in its period.
pub(super) struct Candidate {
    /// The unit line, tried first; then the file name's stem (its unit words), the
    /// lines above the table, `--unit`.
    written: Option<String>,
    stem: Option<String>,
    /// More lines above the table that may name the unit, tried after the file name.
    other_lines: std::sync::Arc<Vec<String>>,
    fallback: Option<String>,
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

impl Candidate {
    /// The unit the candidate names as the registry has it on `day`.
    fn resolve<'r>(&self, reg: &'r Registry, day: Option<NaiveDate>) -> Option<Resolved<'r>> {
        let written = self.written.as_deref().and_then(|w| reg.resolve(w, day));
        // The file name's words only when the sheet's own line says nothing known.
        written
            .or_else(|| {
                self.stem
                    .as_deref()
                    .and_then(|s| reg.resolve(&unit_words_of_file_name(s), day))
            })
            .or_else(|| {
                self.other_lines
                    .iter()
                    .chain(self.fallback.iter())
                    .find_map(|n| reg.resolve(n, day))
            })
    }
}

pub(super) fn assemble(
    reads: Vec<FileRead>,
    files: &[(PathBuf, String)],
    opts: &BatchOptions,
    findings: &mut Vec<Finding>,
) -> Batch {
    let reg = &opts.registry;
    let calendar = &opts.context.calendar;
    let mut stats: BTreeMap<String, FileStat> = BTreeMap::new();
    let mut candidates = Vec::new();
    let mut exports = Vec::new();
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
                .or_else(|| calendar.parse_filename(&file_name));
            let (data, usable) = match t.data {
                TableData::X(table) => {
                    exports.push(super::dossiers::ExportTable {
                        file: file.clone(),
                        sheet: t.sheet.clone(),
                        written: t.meta.unit.clone().or(file_unit.clone()).map(|w| w.value),
                        stem: stem.clone(),
                        fallback: opts.unit_fallback.clone(),
                        table,
                    });
                    continue;
                }
                TableData::A(table) if table.header.label_is_unit => {
                    // District roll-up: every row names its unit (docs/contract.md §7.11).
                    for row in table.rows {
                        candidates.push(Candidate {
                            written: Some(row.label.clone()),
                            stem: None,
                            other_lines: Default::default(),
                            fallback: None,
                            unit_raw: row.label.clone(),
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
            let unit_raw = written
                .as_ref()
                .map_or_else(|| stem.clone(), |w| w.value.clone());
            candidates.push(Candidate {
                written: written.map(|w| w.value),
                stem: Some(stem.clone()),
                other_lines: std::sync::Arc::new(
                    t.meta.other_lines.into_iter().map(|l| l.value).collect(),
                ),
                fallback: opts.unit_fallback.clone(),
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
    // Without `--period` every period found counts; this one is the report's.
    let run_period = opts
        .period
        .or_else(|| Period::most_stated(candidates.iter().filter_map(|c| c.period)));

    let mut submissions = Vec::new();
    for mut c in candidates {
        // A name no unit of the registry has, at any time, is unknown before its period
        // matters (a table stating neither gets `unit.unknown`, as it always has).
        let unknown = |c: &mut Candidate,
                       findings: &mut Vec<Finding>,
                       stats: &mut BTreeMap<String, FileStat>| {
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
        };
        let period = match (c.period, run_period) {
            (Some(p), _) => p,
            (None, _) if c.resolve(reg, None).is_none() => {
                unknown(&mut c, findings, &mut stats);
                continue;
            }
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
        let in_run = opts.period.is_none_or(|r| r == period);
        let day = calendar.last_day(period);
        let Some(resolved) = c.resolve(reg, day) else {
            unknown(&mut c, findings, &mut stats);
            continue;
        };
        let unit = match resolved {
            Resolved::Valid(u) => u.clone(),
            Resolved::Succeeded { written, successor } => {
                if in_run && c.usable {
                    findings.push(
                        Finding::file(
                            Rule::UnitSucceeded,
                            &c.file,
                            format!(
                                "Báo cáo kỳ {period} mang tên \"{}\" ({}), đơn vị không còn trong danh mục từ sau ngày {}: tính cho đơn vị kế thừa \"{}\" ({})",
                                written.name,
                                written.unit_id,
                                written.valid_to.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                                successor.name,
                                successor.unit_id
                            ),
                        )
                        .at(&c.sheet, c.data.first_cell())
                        .with_raw(c.unit_raw.clone()),
                    );
                }
                successor.clone()
            }
            Resolved::Inactive { written, not_yet } => {
                if in_run && c.usable {
                    let why = match (not_yet, written.valid_from, written.valid_to) {
                        (true, Some(f), _) => {
                            format!("chỉ có hiệu lực từ ngày {}", f.format("%d/%m/%Y"))
                        }
                        (_, _, Some(t)) => format!(
                            "đã thôi hoạt động sau ngày {} và không có đơn vị kế thừa",
                            t.format("%d/%m/%Y")
                        ),
                        _ => "không còn hoạt động".into(),
                    };
                    findings.push(
                        Finding::file(
                            Rule::UnitInactive,
                            &c.file,
                            format!(
                                "Đơn vị \"{}\" ({}) {why}: báo cáo kỳ {period} không được tổng hợp",
                                written.name, written.unit_id
                            ),
                        )
                        .at(&c.sheet, c.data.first_cell())
                        .with_raw(c.unit_raw.clone()),
                    );
                }
                if let Some(s) = stats.get_mut(&c.file) {
                    s.rows_set_aside += c.data.len();
                }
                continue;
            }
        };
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
            computed: false,
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
    let own = own_form_a(&submissions);
    carry_over_check(&own, calendar, findings);
    cumulative_check(&own, calendar, findings);
    let dossier_records = super::dossiers::assemble_dossiers(
        exports,
        reg,
        &opts.context.workdays,
        findings,
        &mut stats,
    );
    let late_dossiers = super::computed::computed_form_a(
        &dossier_records,
        &mut submissions,
        run_period,
        opts,
        findings,
    );
    for s in submissions.iter().filter(|s| !s.computed) {
        if let Some(st) = stats.get_mut(&s.file) {
            if s.counted {
                st.rows_accepted += s.data.len();
            } else {
                st.rows_set_aside += s.data.len();
            }
        }
    }

    // Missing: units valid on the last day of the report's period that sent nothing
    // for it.
    if let Some(run) = run_period {
        let sent: std::collections::BTreeSet<&str> = submissions
            .iter()
            .filter(|s| s.counted && s.period == run)
            .map(|s| s.unit.unit_id.as_str())
            .collect();
        let expected = reg.as_of(calendar.last_day(run));
        for u in expected.units() {
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

    sort_findings(findings);
    let mut periods: Vec<Period> = submissions
        .iter()
        .filter(|s| s.counted)
        .map(|s| s.period)
        .collect();
    calendar.in_time_order(&mut periods);
    Batch {
        period: run_period,
        periods,
        calendar: calendar.clone(),
        submissions,
        dossier_records,
        late_dossiers,
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

/// Findings in the batch's order: by file, sheet, cell (row, then column), rule and
/// message, each once.
pub fn sort_findings(findings: &mut Vec<Finding>) {
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
