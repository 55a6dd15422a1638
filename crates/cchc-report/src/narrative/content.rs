//! What the period's report says, section by section, before it is laid out as Word
//! (`docx.rs`): headings of the usual outline, sentences with the figures filled in,
//! tables, and the parts the office writes itself as marked placeholders.

use cchc_analysis::attainment::{Inputs, Status};
use cchc_analysis::by_field::FieldTable;
use cchc_analysis::by_procedure::ProcedureTable;
use cchc_domain::finding::{Rule, Severity};
use cchc_domain::forms::vocabulary;
use cchc_domain::target::{Form, Fraction, Section, Target};

use super::targets::{not_met_table, target_sentences, targets_table, UnitCounts};
use super::vi;
use crate::sheets::AttainmentIndex;
use crate::workbook::ReportInput;

/// One block of the report's body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A heading: 1 `I. …`, 2 `1. …`, 3 `a) …`.
    Heading(u8, String),
    /// A paragraph of running text.
    Text(String),
    /// A part the office writes itself: shown highlighted, in brackets.
    Placeholder(String),
    /// A table.
    Table(Table),
}

/// A table's column: its header, width (twentieths of a point) and alignment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) header: String,
    pub(crate) width: usize,
    pub(crate) numeric: bool,
}

impl Column {
    pub(crate) fn text(header: &str, width: usize) -> Column {
        Column {
            header: header.into(),
            width,
            numeric: false,
        }
    }

    pub(crate) fn number(header: &str, width: usize) -> Column {
        Column {
            numeric: true,
            ..Column::text(header, width)
        }
    }
}

/// A table: columns, rows of text (figures already written the Vietnamese way), the
/// font size in half-points.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<String>>,
    pub(crate) font_size: usize,
}

/// The whole report.
pub(crate) struct Narrative {
    /// `Kết quả thực hiện công tác cải cách hành chính quý I năm 2022`.
    pub(crate) subject: String,
    /// The body, from section I to the last.
    pub(crate) body: Vec<Block>,
    /// The appendix (units missing each target), when any unit misses one.
    pub(crate) appendix: Vec<Block>,
}

/// The width of a table across the page (twentieths of a point), within the text's.
const TEXT_WIDTH_TABLE: usize = 9350;
/// Of which the figures of the dossiers' table take at most.
const TABLE_FIGURES: usize = 5400;

/// The placeholder text's opening (the tests find placeholders by it too).
pub const PLACEHOLDER_OPEN: &str = "[Phần do cơ quan soạn thảo: ";

impl Narrative {
    /// The report of the input's period.
    pub(crate) fn of(
        input: &ReportInput<'_>,
        inputs: &cchc_analysis::attainment::UnitInputs,
    ) -> Narrative {
        let period = input
            .batch
            .period
            .map(|p| p.to_string())
            .unwrap_or_default();
        let rows = crate::workbook::period_rows(input.attainment, &period);
        let by_key = AttainmentIndex::new(&rows);
        let units = UnitCounts::new(input, &by_key);
        let label = input
            .batch
            .period
            .map(|p| lower_first(&p.label_vi()))
            .unwrap_or_else(|| "(chưa xác định kỳ báo cáo)".into());
        let mut body = Vec::new();
        body.push(Block::Text(format!(
            "Thực hiện {}, trên cơ sở báo cáo của các đơn vị, {} báo cáo kết quả thực hiện \
             công tác cải cách hành chính {label} như sau:",
            input.catalogue.plan,
            title_case_body(&input.issuer.name),
        )));
        body.push(Block::Heading(
            1,
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH".into(),
        ));
        body.push(placeholder(
            "việc ban hành kế hoạch, văn bản chỉ đạo, điều hành; công tác kiểm tra; \
             công tác tuyên truyền cải cách hành chính trong kỳ",
        ));
        body.push(Block::Heading(
            1,
            "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH".into(),
        ));
        let section_targets = |s: Option<Section>| -> Vec<&Target> {
            input
                .catalogue
                .targets
                .iter()
                .filter(|t| t.section == s)
                .collect()
        };
        let mut sections: Vec<Option<Section>> = Section::ALL.into_iter().map(Some).collect();
        if !section_targets(None).is_empty() {
            sections.push(None);
        }
        for (number, s) in (1..).zip(sections) {
            let title = s.map_or("Các chỉ tiêu khác của kế hoạch", Section::title_vi);
            body.push(Block::Heading(2, format!("{number}. {title}")));
            match s {
                Some(Section::Procedures) => body.extend(procedures(input.fields)),
                Some(Section::Organisation) => body.extend(organisation(inputs, input)),
                Some(Section::DigitalGovernment) => body.extend(online_services(input.procedures)),
                Some(Section::Institutions | Section::CivilService | Section::PublicFinance) => {
                    body.push(placeholder(&format!(
                        "kết quả {} trong kỳ",
                        lower_first(s.map_or("", Section::title_vi))
                    )))
                }
                None => {}
            }
            let targets = section_targets(s);
            if !targets.is_empty() {
                body.push(Block::Text(
                    "Kết quả thực hiện các chỉ tiêu của kế hoạch:".into(),
                ));
                body.push(Block::Table(targets_table(
                    &targets, input, &by_key, &units,
                )));
                for t in targets {
                    body.extend(target_sentences(t, input, &by_key, &units));
                }
            }
        }
        body.extend(all_targets(input, &by_key, &units));
        body.extend(submissions(input));
        body.push(Block::Heading(1, "V. ĐÁNH GIÁ CHUNG".into()));
        body.push(Block::Heading(2, "1. Ưu điểm".into()));
        body.push(placeholder("những kết quả nổi bật trong kỳ"));
        body.push(Block::Heading(
            2,
            "2. Tồn tại, hạn chế và nguyên nhân".into(),
        ));
        body.push(placeholder(
            "những chỉ tiêu chưa đạt nêu trên, nguyên nhân chủ quan và khách quan",
        ));
        body.push(Block::Heading(
            1,
            "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM KỲ TỚI".into(),
        ));
        body.push(placeholder("các nhiệm vụ, giải pháp kỳ tới"));
        body.push(Block::Heading(1, "VII. ĐỀ XUẤT, KIẾN NGHỊ".into()));
        body.push(placeholder("đề xuất, kiến nghị với cấp trên (nếu có)"));
        let appendix = not_met_table(input, &units)
            .map(|(table, left_out)| {
                let mut blocks = vec![
                    Block::Heading(1, "PHỤ LỤC: ĐƠN VỊ CHƯA ĐẠT CHỈ TIÊU".into()),
                    Block::Text(format!(
                        "(Kèm theo báo cáo kết quả thực hiện công tác cải cách hành chính {label})"
                    )),
                    Block::Table(table),
                ];
                if left_out > 0 {
                    blocks.push(Block::Text(format!(
                        "Còn {} trường hợp đơn vị chưa đạt chỉ tiêu không liệt kê ở đây: xem \
                         trang “{}” của bảng tổng hợp.",
                        vi::int(left_out as i128),
                        crate::workbook::SHEET_MATRIX
                    )));
                }
                blocks
            })
            .unwrap_or_default();
        Narrative {
            subject: format!("Kết quả thực hiện công tác cải cách hành chính {label}"),
            body,
            appendix,
        }
    }
}

/// A placeholder for a part the office writes.
fn placeholder(what: &str) -> Block {
    Block::Placeholder(format!("{PLACEHOLDER_OPEN}{what}.]"))
}

/// `Quý I năm 2022` → `quý I năm 2022`.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `SỞ GIÁO DỤC VÀ ĐÀO TẠO` → `Sở Giáo dục và Đào tạo`, as a sentence names it: the
/// first word and each word after `Sở` or `và` capitalised, the others in lower case.
/// A name already in mixed case is kept.
fn title_case_body(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_string();
    }
    let mut capital = true;
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let out = match (capital, lower.chars().next()) {
                (true, Some(first)) => first.to_uppercase().chain(lower.chars().skip(1)).collect(),
                _ => lower.clone(),
            };
            capital = lower == "sở" || lower == "và";
            out
        })
        .collect();
    words.join(" ")
}

/// II.2: the dossiers of Biểu II.06a (the department's totals) in a sentence and by
/// level in a table.
fn procedures(fields: &FieldTable) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(
        3,
        "a) Tình hình, kết quả giải quyết thủ tục hành chính".into(),
    )];
    let mut total = [0i64; 11];
    let mut rows = Vec::new();
    for (level, sum) in fields.level_totals() {
        for (t, s) in total.iter_mut().zip(sum) {
            *t += s;
        }
        rows.push((level.label_vi().to_string(), sum));
    }
    if rows.is_empty() {
        blocks.push(Block::Text(
            "Trong kỳ, chưa có đơn vị nào gửi số liệu giải quyết thủ tục hành chính (biểu A)."
                .into(),
        ));
        return blocks;
    }
    let n = |k: usize| vi::int(i128::from(total[k]));
    blocks.push(Block::Text(format!(
        "Trong kỳ, toàn ngành tiếp nhận {} hồ sơ thủ tục hành chính (trực tuyến {}; trực tiếp \
         và qua dịch vụ bưu chính {}; từ kỳ trước chuyển sang {}); đã giải quyết {} hồ sơ, \
         trong đó trước hạn {}, đúng hạn {}, quá hạn {}; đang giải quyết {} hồ sơ (trong hạn \
         {}, quá hạn {}).",
        n(0),
        n(1),
        n(2),
        n(3),
        n(4),
        n(5),
        n(6),
        n(7),
        n(8),
        n(9),
        n(10)
    )));
    rows.push(("Tổng số".into(), total));
    // A row per column of the form, a column per level: fits a portrait page whatever
    // the number of levels (two, and one after 1/7/2025).
    let width = (TABLE_FIGURES / rows.len()).min(1800);
    let mut columns = vec![Column::text(
        "Hồ sơ thủ tục hành chính",
        TEXT_WIDTH_TABLE - width * rows.len(),
    )];
    columns.extend(rows.iter().map(|(label, _)| Column::number(label, width)));
    let labels = [
        "Số hồ sơ nhận giải quyết",
        "– Trực tuyến",
        "– Trực tiếp, qua dịch vụ bưu chính",
        "– Từ kỳ trước chuyển qua",
        "Số hồ sơ đã giải quyết",
        "– Trước hạn",
        "– Đúng hạn",
        "– Quá hạn",
        "Số hồ sơ đang giải quyết",
        "– Trong hạn",
        "– Quá hạn",
    ];
    blocks.push(Block::Table(Table {
        columns,
        rows: labels
            .iter()
            .enumerate()
            .map(|(k, label)| {
                std::iter::once(label.to_string())
                    .chain(rows.iter().map(|(_, v)| vi::int(i128::from(v[k]))))
                    .collect()
            })
            .collect(),
        font_size: 24,
    }));
    blocks.push(Block::Text(
        "(Chi tiết theo lĩnh vực tại Biểu II.06a của bảng tổng hợp.)".into(),
    ));
    blocks.push(Block::Heading(
        3,
        "b) Kiểm soát, công khai thủ tục hành chính".into(),
    ));
    blocks.push(placeholder(
        "việc rà soát, đơn giản hóa, công bố, công khai thủ tục hành chính; thực hiện \
         cơ chế một cửa, một cửa liên thông",
    ));
    blocks
}

/// II.3: public units and staff (Form C summed over the units that sent it).
fn organisation(
    inputs: &cchc_analysis::attainment::UnitInputs,
    input: &ReportInput<'_>,
) -> Vec<Block> {
    let v = vocabulary();
    let sum = |id: &str| -> Option<i128> {
        let k = v.measure(Form::C, id)?;
        let values: Vec<i128> = input
            .registry
            .units()
            .iter()
            .filter_map(|u| {
                inputs
                    .get(&u.unit_id)
                    .and_then(|i: &Inputs| i.measure(Form::C, k))
            })
            .collect();
        (!values.is_empty()).then(|| values.iter().sum())
    };
    let change = |base: i128, now: i128| match now.cmp(&base) {
        std::cmp::Ordering::Less => format!("giảm {}", vi::int(base - now)),
        std::cmp::Ordering::Greater => format!("tăng {}", vi::int(now - base)),
        std::cmp::Ordering::Equal => "không thay đổi".into(),
    };
    let mut parts = Vec::new();
    if let (Some(b), Some(c)) = (sum("public_units_base"), sum("public_units_current")) {
        parts.push(format!(
            "số đơn vị sự nghiệp công lập năm gốc {}, hiện nay {} ({})",
            vi::int(b),
            vi::int(c),
            change(b, c)
        ));
    }
    if let (Some(b), Some(c)) = (sum("staff_base"), sum("staff_current")) {
        parts.push(format!(
            "biên chế sự nghiệp hưởng lương từ ngân sách nhà nước năm gốc {}, hiện nay {} ({})",
            vi::int(b),
            vi::int(c),
            change(b, c)
        ));
    }
    let mut blocks = Vec::new();
    if parts.is_empty() {
        blocks.push(Block::Text(
            "Chưa có đơn vị nào gửi số liệu biên chế, đơn vị sự nghiệp (biểu C).".into(),
        ));
    } else {
        blocks.push(Block::Text(format!(
            "Theo báo cáo của các đơn vị: {}.",
            parts.join("; ")
        )));
    }
    blocks.push(placeholder(
        "việc sắp xếp tổ chức bộ máy, tinh giản biên chế, giao quyền tự chủ trong kỳ",
    ));
    blocks
}

/// II.6: the online services consolidated by procedure code.
fn online_services(table: &ProcedureTable) -> Vec<Block> {
    let rows = &table.rows;
    if rows.is_empty() {
        return vec![
            Block::Text("Chưa có đơn vị nào gửi danh mục dịch vụ công trực tuyến (biểu B).".into()),
            placeholder("việc ứng dụng công nghệ thông tin, chuyển đổi số trong kỳ"),
        ];
    }
    let full = rows.iter().filter(|r| r.level == 4).count();
    let partial = rows.iter().filter(|r| r.level == 3).count();
    let portal = rows.iter().filter(|r| r.on_national_portal).count();
    let total: i64 = rows.iter().map(|r| r.dossiers_total).sum();
    let online: i64 = rows.iter().map(|r| r.dossiers_online).sum();
    let share = vi::percent_of(Fraction::int(online.into()), Fraction::int(total.into()))
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    let n = |x: usize| vi::int(x as i128);
    let mut text = format!(
        "Các đơn vị cung cấp {} dịch vụ công trực tuyến ({} toàn trình, {} một phần), \
         trong đó {} dịch vụ tích hợp trên Cổng Dịch vụ công quốc gia; các dịch vụ này \
         tiếp nhận {} hồ sơ, trong đó {} hồ sơ trực tuyến{share}.",
        n(rows.len()),
        n(full),
        n(partial),
        n(portal),
        vi::int(total.into()),
        vi::int(online.into()),
    );
    if !table.conflicts.is_empty() {
        text.push_str(&format!(
            " Có {} thủ tục được các đơn vị báo cáo ở mức độ khác nhau, cần thống nhất \
             (xem danh mục dịch vụ công trực tuyến của bảng tổng hợp).",
            n(table.conflicts.len())
        ));
    }
    vec![
        Block::Text(text),
        placeholder("việc ứng dụng công nghệ thông tin, chuyển đổi số trong kỳ"),
    ]
}

/// III: every target of the plan at the province's scope.
fn all_targets(
    input: &ReportInput<'_>,
    by_key: &AttainmentIndex<'_>,
    units: &UnitCounts<'_>,
) -> Vec<Block> {
    let targets: Vec<&Target> = input.catalogue.targets.iter().collect();
    let status = |s: Status| {
        targets
            .iter()
            .filter(|t| {
                by_key
                    .get(
                        cchc_analysis::attainment::Scope::Province,
                        input.province,
                        &t.id,
                    )
                    .map_or(Status::NoData, |a| a.status)
                    == s
            })
            .count()
    };
    let n = |x: usize| vi::int(x as i128);
    let mut text = format!(
        "Trong {} chỉ tiêu của kế hoạch, toàn ngành đạt {}, chưa đạt {}",
        n(targets.len()),
        n(status(Status::Met)),
        n(status(Status::NotMet)),
    );
    let no_data = status(Status::NoData);
    if no_data > 0 {
        text.push_str(&format!(", {} chỉ tiêu chưa có số liệu", n(no_data)));
    }
    let not_applicable = status(Status::NotApplicable);
    if not_applicable > 0 {
        text.push_str(&format!(", {} chỉ tiêu không áp dụng", n(not_applicable)));
    }
    text.push('.');
    vec![
        Block::Heading(
            1,
            "III. TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA KẾ HOẠCH".into(),
        ),
        Block::Text(text),
        Block::Table(targets_table(&targets, input, by_key, units)),
    ]
}

/// IV: who sent a report, who did not, what the checks found.
fn submissions(input: &ReportInput<'_>) -> Vec<Block> {
    let missing: Vec<&str> = input
        .batch
        .findings
        .iter()
        .filter(|f| f.rule == Rule::SubmissionMissing)
        .map(|f| f.raw.as_str())
        .collect();
    let expected = input.registry.units().len();
    let n = |x: usize| vi::int(x as i128);
    let mut blocks = vec![
        Block::Heading(1, "IV. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ".into()),
        Block::Text(format!(
            "Có {}/{} đơn vị đã gửi báo cáo{}",
            n(expected.saturating_sub(missing.len())),
            n(expected),
            if missing.is_empty() {
                ".".to_string()
            } else {
                format!("; {} đơn vị chưa gửi:", n(missing.len()))
            }
        )),
    ];
    if !missing.is_empty() {
        blocks.push(Block::Table(Table {
            columns: vec![
                Column::text("STT", 700),
                Column::text("Mã đơn vị", 2500),
                Column::text("Tên đơn vị", 4150),
                Column::text("Huyện/TX/TP", 2000),
            ],
            rows: missing
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let u = input.registry.get(id);
                    vec![
                        (i + 1).to_string(),
                        id.to_string(),
                        u.map_or(String::new(), |u| u.name.clone()),
                        u.map_or(String::new(), |u| u.district.clone()),
                    ]
                })
                .collect(),
            font_size: 24,
        }));
    }
    let count = |s: Severity| {
        input
            .batch
            .findings
            .iter()
            .filter(|f| f.severity() == s && f.rule != Rule::SubmissionMissing)
            .count()
    };
    blocks.push(Block::Text(format!(
        "Qua kiểm tra, các báo cáo có {} lỗi phải sửa, {} cảnh báo và {} ghi chú \
         (chi tiết tại trang “Phát hiện” của bảng tổng hợp; mỗi đơn vị đã được gửi \
         danh sách cần sửa của mình).",
        n(count(Severity::Error)),
        n(count(Severity::Warning)),
        n(count(Severity::Info)),
    )));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_in_a_sentence() {
        assert_eq!(
            title_case_body("SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
            "Sở Giáo dục và Đào tạo"
        );
        assert_eq!(title_case_body("Sở GDĐT"), "Sở GDĐT");
        assert_eq!(lower_first("Quý I năm 2022"), "quý I năm 2022");
    }
}
