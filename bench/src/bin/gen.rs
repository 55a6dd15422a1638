//! Writes a seeded, deterministic corpus of unit workbooks for the benchmark.
//!
//! `cchc-bench-gen --count N [--seed S] --out DIR` writes
//! - `DIR/in/*.xlsx`: one workbook per unit with Forms A, B, C and D (period 2022-Q1),
//!   in the layouts and variations of docs/contract.md §3: titles above the table, one-, two- and
//!   three-level merged headers, the 2017 and 2020 wordings, headers without diacritics
//!   or in NFD, a flat `parent - child` header with shuffled columns and a note column,
//!   numbering rows, group rows, total rows under several labels, Vietnamese text
//!   numbers and `-` for zero, the unit written in several ways, the period as a quarter,
//!   a date range of the official calendar or inside the title, cover sheets, forms in
//!   any sheet order;
//! - `DIR/units.csv`: the registry of the generated units;
//! - `DIR/expected.csv`: per unit, the Form A sums of the rows that must be consolidated
//!   (`unit_id, file, received_total, …, pending_overdue`), computed here from the
//!   figures written, so any tool's result can be checked against it.
//!
//! Every figure obeys the Form A identities: a clean corpus, on which a correct
//! consolidation gives no error finding. Same count and seed → same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use unicode_normalization::UnicodeNormalization;

const MEASURES: [&str; 11] = [
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
];

const S1: [&str; 20] = [
    "An", "Bình", "Cẩm", "Đông", "Gia", "Hòa", "Kim", "Lạc", "Minh", "Nam", "Phú", "Quang", "Tân",
    "Thanh", "Vĩnh", "Xuân", "Hải", "Long", "Phúc", "Thuận",
];
const S2: [&str; 20] = [
    "Lâm", "Giang", "Mỹ", "Châu", "Thi", "Động", "Cừ", "Lữ", "Hào", "Sơn", "Hà", "Bắc", "Trung",
    "Tiến", "Thịnh", "Lộc", "Điền", "Thành", "Định", "Phong",
];

const FIELDS: [&str; 7] = [
    "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
    "Giáo dục trung học",
    "Quy chế thi, tuyển sinh",
    "Hệ thống văn bằng, chứng chỉ",
    "Giáo dục mầm non",
    "Giáo dục tiểu học",
    "Cơ sở vật chất và thiết bị trường học",
];

const PROCEDURES: [(&str, &str, &str); 10] = [
    (
        "1.005092",
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "Hệ thống văn bằng, chứng chỉ",
    ),
    (
        "1.005093",
        "Chỉnh sửa nội dung văn bằng, chứng chỉ",
        "Hệ thống văn bằng, chứng chỉ",
    ),
    (
        "1.004435",
        "Công nhận trường tiểu học đạt chuẩn quốc gia",
        "Giáo dục tiểu học",
    ),
    (
        "1.004444",
        "Cho phép trường trung học cơ sở hoạt động giáo dục",
        "Giáo dục trung học",
    ),
    (
        "1.004494",
        "Sáp nhập, chia, tách trường mầm non",
        "Giáo dục mầm non",
    ),
    (
        "2.001818",
        "Chuyển trường đối với học sinh trung học cơ sở",
        "Giáo dục trung học",
    ),
    (
        "1.001639",
        "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú",
        "Giáo dục dân tộc",
    ),
    (
        "1.000728",
        "Thành lập trung tâm ngoại ngữ, tin học",
        "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
    ),
    (
        "2.001914",
        "Cấp giấy phép tổ chức dạy thêm, học thêm",
        "Giáo dục trung học",
    ),
    (
        "1.008950",
        "Phê duyệt việc dạy và học bằng tiếng nước ngoài",
        "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
    ),
];

/// Form D rows: target id, the indicator's wording, a denominator.
const INDICATORS: [(&str, &str, u32); 10] = [
    (
        "tthc.satisfaction",
        "Mức độ hài lòng của người dân, tổ chức về giải quyết TTHC",
        200,
    ),
    (
        "tthc.published",
        "TTHC được công bố công khai và cập nhật kịp thời",
        45,
    ),
    (
        "org.satisfaction_admin",
        "Mức độ hài lòng với cơ quan hành chính nhà nước",
        300,
    ),
    (
        "org.satisfaction_education",
        "Mức độ hài lòng về dịch vụ giáo dục công lập",
        500,
    ),
    (
        "civil.job_positions",
        "Cơ quan, đơn vị sắp xếp công chức, viên chức theo vị trí việc làm",
        12,
    ),
    (
        "civil.online_work",
        "Cán bộ, công chức, viên chức trao đổi công việc trên môi trường mạng",
        80,
    ),
    ("egov.esigned_documents", "Văn bản điện tử được ký số", 640),
    (
        "egov.work_files_online",
        "Hồ sơ công việc được xử lý trên môi trường mạng",
        260,
    ),
    (
        "egov.reports_on_system",
        "Báo cáo trên hệ thống thông tin báo cáo",
        24,
    ),
    (
        "egov.portal_compliance",
        "Cổng/trang thông tin điện tử cung cấp đủ thông tin",
        1,
    ),
];

// ---------------------------------------------------------------- units

struct Unit {
    id: String,
    name: String,
    kind: &'static str,
    district: String,
    /// Other ways the unit writes its own name.
    written: Vec<String>,
}

fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'Đ' => out.push('D'),
            'đ' => out.push('d'),
            _ => out.extend(c.to_string().nfd().filter(char::is_ascii)),
        }
    }
    out
}

fn slug(s: &str) -> String {
    fold(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("")
}

fn district_name(d: usize) -> String {
    let base = format!("{} {}", S1[d % 20], S2[(d / 20) % 20]);
    if d < 400 {
        base
    } else {
        format!("{base} {}", d / 400 + 1)
    }
}

/// `n` units: per district one education office, one continuing-education centre and
/// about twenty upper-secondary schools.
fn units(n: usize) -> Vec<Unit> {
    let per_district = 22;
    let mut out = Vec::with_capacity(n);
    let mut d = 0;
    while out.len() < n {
        let place = district_name(d);
        let p = slug(&place);
        for k in 0..per_district {
            if out.len() == n {
                break;
            }
            let unit = match k {
                0 => Unit {
                    id: format!("pgd-{p}"),
                    name: format!("Phòng Giáo dục và Đào tạo huyện {place}"),
                    kind: "district_office",
                    district: place.clone(),
                    written: vec![
                        format!("PGD {}", fold(&place)),
                        format!("Phòng GDĐT huyện {place}"),
                    ],
                },
                1 => Unit {
                    id: format!("gdnn-{p}"),
                    name: format!("Trung tâm GDNN-GDTX huyện {place}"),
                    kind: "centre",
                    district: place.clone(),
                    written: vec![format!("TT GDNN-GDTX {place}")],
                },
                _ => {
                    let school = format!("{place} {}", k - 1);
                    Unit {
                        id: format!("thpt-{p}-{}", k - 1),
                        name: format!("Trường THPT {school}"),
                        kind: "school",
                        district: place.clone(),
                        written: vec![
                            format!("THPT {}", fold(&school)),
                            format!("TRƯỜNG THPT {}", school.to_uppercase()),
                        ],
                    }
                }
            };
            out.push(unit);
        }
        d += 1;
    }
    out
}

// ---------------------------------------------------------------- cells

enum V {
    S(String),
    N(f64),
}

fn s(text: impl Into<String>) -> V {
    V::S(text.into())
}

fn put(ws: &mut Worksheet, r: u32, c: u16, v: &V) -> Result<(), XlsxError> {
    match v {
        V::S(t) => ws.write_string(r, c, t).map(|_| ()),
        V::N(x) => ws.write_number(r, c, *x).map(|_| ()),
    }
}

/// Header rows (None = blank) and merges relative to the header's first row.
struct Header {
    rows: &'static [&'static [Option<&'static str>]],
    merges: &'static [(u32, u16, u32, u16)],
}

const H2020: Header = Header {
    rows: &[
        &[
            Some("TT"),
            Some("Lĩnh vực, công việc giải quyết theo cấp"),
            Some("Số hồ sơ nhận giải quyết"),
            None,
            None,
            None,
            Some("Số hồ sơ đã giải quyết"),
            None,
            None,
            None,
            Some("Số hồ sơ đang giải quyết"),
            None,
            None,
        ],
        &[
            None,
            None,
            Some("Tổng số"),
            Some("Trong kỳ"),
            None,
            Some("Từ kỳ trước"),
            Some("Tổng số"),
            Some("Trước hạn"),
            Some("Đúng hạn"),
            Some("Quá hạn"),
            Some("Tổng số"),
            Some("Trong hạn"),
            Some("Quá hạn"),
        ],
        &[
            None,
            None,
            None,
            Some("Trực tuyến"),
            Some("Trực tiếp, dịch vụ bưu chính"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ],
    merges: &[
        (0, 0, 2, 0),
        (0, 1, 2, 1),
        (0, 2, 0, 5),
        (0, 6, 0, 9),
        (0, 10, 0, 12),
        (1, 2, 2, 2),
        (1, 3, 1, 4),
        (1, 5, 2, 5),
        (1, 6, 2, 6),
        (1, 7, 2, 7),
        (1, 8, 2, 8),
        (1, 9, 2, 9),
        (1, 10, 2, 10),
        (1, 11, 2, 11),
        (1, 12, 2, 12),
    ],
};

const H2017: Header = Header {
    rows: &[
        &[
            Some("STT"),
            Some("Lĩnh vực giải quyết"),
            Some("Số hồ sơ nhận giải quyết"),
            None,
            None,
            None,
            Some("Kết quả giải quyết"),
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        &[
            None,
            None,
            Some("Tổng số"),
            Some("Trong đó"),
            None,
            None,
            Some("Số hồ sơ đã giải quyết"),
            None,
            None,
            None,
            Some("Số hồ sơ đang giải quyết"),
            None,
            None,
        ],
        &[
            None,
            None,
            None,
            Some("Số mới tiếp nhận trực tuyến"),
            Some("Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính công ích"),
            Some("Số kỳ trước chuyển qua"),
            Some("Tổng số"),
            Some("Trả trước hạn"),
            Some("Trả đúng thời hạn"),
            Some("Trả quá hạn"),
            Some("Tổng số"),
            Some("Chưa đến hạn"),
            Some("Quá hạn"),
        ],
    ],
    merges: &[
        (0, 0, 2, 0),
        (0, 1, 2, 1),
        (0, 2, 0, 5),
        (0, 6, 0, 12),
        (1, 2, 2, 2),
        (1, 3, 1, 5),
        (1, 6, 1, 9),
        (1, 10, 1, 12),
    ],
};

/// Two levels, parents written over their first child only, no diacritics, no merges.
const H_PLAIN: Header = Header {
    rows: &[
        &[
            Some("TT"),
            Some("Linh vuc"),
            Some("So ho so nhan giai quyet"),
            None,
            None,
            None,
            Some("So ho so da giai quyet"),
            None,
            None,
            None,
            Some("So ho so dang giai quyet"),
            None,
            None,
        ],
        &[
            None,
            None,
            Some("Tong so"),
            Some("Truc tuyen"),
            Some("Truc tiep, buu chinh"),
            Some("Tu ky truoc"),
            Some("Tong so"),
            Some("Truoc han"),
            Some("Dung han"),
            Some("Qua han"),
            Some("Tong so"),
            Some("Trong han"),
            Some("Qua han"),
        ],
    ],
    merges: &[],
};

/// One header row, `parent - child`, with abbreviations.
const FLAT: [&str; 11] = [
    "Số HS nhận GQ - Tổng số",
    "Số HS nhận GQ - Trực tuyến",
    "Số HS nhận GQ - Trực tiếp",
    "Số HS nhận GQ - Từ kỳ trước",
    "Số HS đã GQ - Tổng số",
    "Số HS đã GQ - Trước hạn",
    "Số HS đã GQ - Đúng hạn",
    "Số HS đã GQ - Quá hạn",
    "Số HS đang GQ - Tổng số",
    "Số HS đang GQ - Trong hạn",
    "Số HS đang GQ - Quá hạn",
];

fn write_header(
    ws: &mut Worksheet,
    top: u32,
    h: &Header,
    nfd: bool,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let text = |t: &str| {
        if nfd {
            t.nfd().collect::<String>()
        } else {
            t.to_string()
        }
    };
    let mut covered = Vec::new();
    for &(r1, c1, r2, c2) in h.merges {
        let t = h.rows[r1 as usize][c1 as usize]
            .map(text)
            .unwrap_or_default();
        ws.merge_range(top + r1, c1, top + r2, c2, &t, wrap)?;
        for r in r1..=r2 {
            for c in c1..=c2 {
                covered.push((r, c));
            }
        }
    }
    for (r, row) in h.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let (Some(t), false) = (cell, covered.contains(&(r, c))) {
                ws.write_string_with_format(top + r, c, text(t), wrap)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- figures

type Row = [u64; 11];

fn row_values(rng: &mut fastrand::Rng, scale: u64) -> Row {
    let (online, direct, carried) = (
        rng.u64(0..=scale),
        rng.u64(0..=scale),
        rng.u64(0..=scale / 4),
    );
    let received = online + direct + carried;
    let resolved = if received > 0 {
        rng.u64(received / 2..=received)
    } else {
        0
    };
    let early = if resolved > 0 {
        rng.u64(resolved * 6 / 10..=resolved)
    } else {
        0
    };
    let late = if resolved > early && rng.f64() < 0.3 {
        rng.u64(0..=1)
    } else {
        0
    };
    let on_time = resolved - early - late;
    let pending = received - resolved;
    let overdue = if pending > 0 && rng.f64() < 0.2 {
        rng.u64(0..=1)
    } else {
        0
    };
    [
        received,
        online,
        direct,
        carried,
        resolved,
        early,
        on_time,
        late,
        pending,
        pending - overdue,
        overdue,
    ]
}

fn vn_text(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

// ---------------------------------------------------------------- forms

struct Lines {
    unit: Vec<V>,
    period: Option<String>,
    title_period: &'static str,
}

/// Titles, the period and unit lines; returns the next free row.
fn title_block(
    ws: &mut Worksheet,
    lines: &Lines,
    title: &str,
    extra: bool,
) -> Result<u32, XlsxError> {
    let mut r = 0;
    if extra {
        ws.write_string(r, 0, "UBND TỈNH - SỞ GIÁO DỤC VÀ ĐÀO TẠO")?;
        r += 1;
    }
    ws.write_string(r, 0, format!("{title}{}", lines.title_period))?;
    r += 1;
    if let Some(p) = &lines.period {
        ws.write_string(r, 0, p)?;
        r += 1;
    }
    for (c, v) in lines.unit.iter().enumerate() {
        put(ws, r, c as u16, v)?;
    }
    Ok(r + 2)
}

fn form_a(
    ws: &mut Worksheet,
    rng: &mut fastrand::Rng,
    lines: &Lines,
    wrap: &Format,
) -> Result<Row, XlsxError> {
    let n = rng.usize(3..=8);
    let scale = if rng.f64() < 0.1 { 900 } else { 40 };
    let rows: Vec<(usize, Row)> = (0..n)
        .map(|i| ((i + rng.usize(0..7)) % 7, row_values(rng, scale)))
        .collect();
    let mut sums = [0u64; 11];
    for (_, v) in &rows {
        for k in 0..11 {
            sums[k] += v[k];
        }
    }
    let layout = rng.usize(0..10);
    let text_numbers = rng.f64() < 0.15;
    let dash = rng.f64() < 0.2;
    let cell = |x: u64| -> V {
        if x == 0 && dash {
            s("-")
        } else if text_numbers {
            s(vn_text(x))
        } else {
            V::N(x as f64)
        }
    };
    let mut r = title_block(ws, lines, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC", rng.bool())?;
    ws.write_string(r - 1, 0, "Đơn vị tính: Số hồ sơ TTHC")?;
    if layout == 9 {
        // Flat header, shuffled columns, a note column, no total row.
        let mut order: Vec<usize> = (0..11).collect();
        rng.shuffle(&mut order);
        ws.write_string(r, 0, "STT")?;
        ws.write_string(r, 1, "Lĩnh vực")?;
        for (j, &m) in order.iter().enumerate() {
            ws.write_string_with_format(r, 2 + j as u16, FLAT[m], wrap)?;
        }
        ws.write_string(r, 13, "Ghi chú")?;
        for (i, (f, v)) in rows.iter().enumerate() {
            let rr = r + 1 + i as u32;
            ws.write_number(rr, 0, (i + 1) as f64)?;
            ws.write_string(rr, 1, FIELDS[*f])?;
            for (j, &m) in order.iter().enumerate() {
                put(ws, rr, 2 + j as u16, &cell(v[m]))?;
            }
            if rng.f64() < 0.3 {
                ws.write_string(rr, 13, "đã rà soát")?;
            }
        }
        return Ok(sums);
    }
    let (header, nfd) = match layout {
        0..=3 => (&H2020, false),
        4 => (&H2020, true),
        5 | 6 => (&H2017, false),
        _ => (&H_PLAIN, false),
    };
    write_header(ws, r, header, nfd, wrap)?;
    r += header.rows.len() as u32;
    if rng.bool() {
        for c in 0..13u16 {
            ws.write_string(r, c, format!("({})", c + 1))?;
        }
        r += 1;
    }
    if rng.f64() < 0.3 {
        ws.write_string(r, 0, "I")?;
        ws.write_string(r, 1, "Cấp tỉnh")?;
        r += 1;
    }
    for (i, (f, v)) in rows.iter().enumerate() {
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, FIELDS[*f])?;
        for (k, x) in v.iter().enumerate() {
            put(ws, r, 2 + k as u16, &cell(*x))?;
        }
        r += 1;
    }
    if rng.f64() < 0.8 {
        ws.write_string(
            r,
            1,
            ["Tổng số", "Tổng cộng", "Cộng", "TỔNG CỘNG"][rng.usize(0..4)],
        )?;
        for (k, x) in sums.iter().enumerate() {
            ws.write_number(r, 2 + k as u16, *x as f64)?;
        }
        r += 1;
    }
    r += 1;
    ws.write_string(r, 8, "ngày 15 tháng 3 năm 2022")?;
    ws.write_string(r + 1, 1, "Người lập biểu")?;
    ws.write_string(r + 1, 8, "Thủ trưởng đơn vị")?;
    Ok(sums)
}

fn form_b(ws: &mut Worksheet, rng: &mut fastrand::Rng, lines: &Lines) -> Result<(), XlsxError> {
    let mut procs: Vec<usize> = (0..PROCEDURES.len()).collect();
    rng.shuffle(&mut procs);
    procs.truncate(rng.usize(3..=10));
    let top = title_block(ws, lines, "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN", false)?;
    let fmt = Format::new();
    let merged = rng.f64() < 0.7;
    if merged {
        let heads = [
            "STT",
            "Mã TTHC",
            "Tên thủ tục hành chính",
            "Lĩnh vực",
            "Mức độ DVC trực tuyến",
            "Đủ điều kiện cung cấp mức độ 3, 4",
            "Tích hợp trên Cổng DVC quốc gia",
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.merge_range(top, c as u16, top + 1, c as u16, h, &fmt)?;
        }
        ws.merge_range(top, 7, top, 8, "Số hồ sơ tiếp nhận", &fmt)?;
        ws.write_string(top + 1, 7, "Tổng số")?;
        ws.write_string(top + 1, 8, "Trực tuyến")?;
    } else {
        for (c, h) in [
            "TT",
            "Ma TTHC",
            "Ten thu tuc",
            "Linh vuc",
            "Muc do",
            "Tich hop Cong DVC quoc gia",
            "So ho so - Tong so",
            "So ho so - Truc tuyen",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(top, c as u16, *h)?;
        }
    }
    let first = if merged { top + 2 } else { top + 1 };
    for (i, &p) in procs.iter().enumerate() {
        let (code, name, field) = PROCEDURES[p];
        let level = [2u32, 3, 3, 4, 4, 4][rng.usize(0..6)];
        let eligible = level >= 3 || rng.f64() < 0.3;
        let portal = level >= 3 && rng.f64() < 0.8;
        let total = rng.u32(0..=30);
        let online = if level >= 3 { rng.u32(0..=total) } else { 0 };
        let rr = first + i as u32;
        ws.write_number(rr, 0, (i + 1) as f64)?;
        ws.write_string(rr, 1, code)?;
        ws.write_string(rr, 2, name)?;
        ws.write_string(rr, 3, field)?;
        if merged {
            ws.write_number(rr, 4, f64::from(level))?;
            if eligible {
                ws.write_string(rr, 5, "x")?;
            }
            if portal {
                ws.write_string(rr, 6, "x")?;
            }
            ws.write_number(rr, 7, f64::from(total))?;
            ws.write_number(rr, 8, f64::from(online))?;
        } else {
            let word = match level {
                3 => ["Mức độ 3", "Một phần"][rng.usize(0..2)],
                4 => ["MĐ4", "Toàn trình"][rng.usize(0..2)],
                _ => "2",
            };
            ws.write_string(rr, 4, word)?;
            if portal {
                ws.write_string(rr, 5, ["Có", "Đã tích hợp"][rng.usize(0..2)])?;
            }
            ws.write_number(rr, 6, f64::from(total))?;
            ws.write_number(rr, 7, f64::from(online))?;
        }
    }
    Ok(())
}

fn form_c(
    ws: &mut Worksheet,
    rng: &mut fastrand::Rng,
    lines: &Lines,
    own_name: &str,
) -> Result<(), XlsxError> {
    let n = rng.usize(1..=4);
    let fmt = Format::new();
    let rows: Vec<(String, [u32; 5])> = (0..n)
        .map(|i| {
            let pu_b = rng.u32(1..=12);
            let pu_c = pu_b - [0, 0, 1][rng.usize(0..3)].min(pu_b);
            let st_b = rng.u32(40..=400);
            let st_c = st_b - rng.u32(0..=st_b / 20);
            let present = st_c - rng.u32(0..=3);
            let name = if i == 0 {
                own_name.to_string()
            } else {
                format!("Trường trực thuộc {i}")
            };
            (name, [pu_b, pu_c, st_b, st_c, present])
        })
        .collect();
    if rng.f64() < 0.7 {
        let top = title_block(
            ws,
            lines,
            "BIỂU TỔNG HỢP BIÊN CHẾ, ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP",
            false,
        )?;
        ws.merge_range(top, 0, top + 1, 0, "STT", &fmt)?;
        ws.merge_range(top, 1, top + 1, 1, "Tên đơn vị", &fmt)?;
        ws.merge_range(top, 2, top, 3, "Số đơn vị sự nghiệp công lập", &fmt)?;
        ws.merge_range(
            top,
            4,
            top,
            5,
            "Biên chế sự nghiệp hưởng lương từ NSNN được giao",
            &fmt,
        )?;
        ws.merge_range(top, 6, top + 1, 6, "Số người làm việc có mặt", &fmt)?;
        for (c, y) in ["Năm 2021", "Năm 2022", "Năm 2021", "Năm 2022"]
            .iter()
            .enumerate()
        {
            ws.write_string(top + 1, 2 + c as u16, *y)?;
        }
        let mut tot = [0u32; 5];
        for (i, (name, v)) in rows.iter().enumerate() {
            let rr = top + 2 + i as u32;
            ws.write_number(rr, 0, (i + 1) as f64)?;
            ws.write_string(rr, 1, name)?;
            for (k, x) in v.iter().enumerate() {
                ws.write_number(rr, 2 + k as u16, f64::from(*x))?;
                tot[k] += x;
            }
        }
        let t = top + 2 + n as u32;
        ws.write_string(t, 1, "Tổng cộng")?;
        for (k, x) in tot.iter().enumerate() {
            ws.write_number(t, 2 + k as u16, f64::from(*x))?;
        }
    } else {
        let top = title_block(ws, lines, "BIEN CHE VA DON VI SU NGHIEP", false)?;
        ws.write_string(top, 0, "TT")?;
        ws.write_string(top, 1, "Tên đơn vị")?;
        ws.write_string(top, 2, "Biên chế sự nghiệp hưởng lương từ NSNN")?;
        ws.write_string(top, 4, "Số đơn vị sự nghiệp công lập")?;
        for (c, y) in [2022.0, 2021.0, 2022.0, 2021.0].iter().enumerate() {
            ws.write_number(top + 1, 2 + c as u16, *y)?;
        }
        for (i, (name, [pu_b, pu_c, st_b, st_c, _])) in rows.iter().enumerate() {
            let rr = top + 2 + i as u32;
            ws.write_number(rr, 0, (i + 1) as f64)?;
            ws.write_string(rr, 1, name)?;
            for (k, x) in [st_c, st_b, pu_c, pu_b].iter().enumerate() {
                ws.write_number(rr, 2 + k as u16, f64::from(**x))?;
            }
        }
    }
    Ok(())
}

fn form_d(ws: &mut Worksheet, rng: &mut fastrand::Rng, lines: &Lines) -> Result<(), XlsxError> {
    let with_code = rng.f64() < 0.8;
    let top = title_block(
        ws,
        lines,
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH",
        false,
    )?;
    let mut heads = vec![
        "STT",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Số thực hiện (tử số)",
        "Tổng số (mẫu số)",
    ];
    heads.extend(["Tỷ lệ (%)", "Ghi chú"]);
    if !with_code {
        heads.remove(1);
    }
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(top, c as u16, *h)?;
    }
    let mut r = top + 1;
    for (i, &(code, name, den)) in INDICATORS.iter().enumerate() {
        let num = if rng.bool() {
            den
        } else {
            rng.u32(den * 7 / 10..=den)
        };
        let mut vals = vec![V::N((i + 1) as f64)];
        if with_code {
            vals.push(s(code));
        }
        vals.extend([s(name), s("%"), V::N(f64::from(num)), V::N(f64::from(den))]);
        for (c, v) in vals.iter().enumerate() {
            put(ws, r, c as u16, v)?;
        }
        r += 1;
    }
    let base = [20.0, 25.5, 30.0][rng.usize(0..3)];
    let cur = base + [1.5, 2.5, 3.0, 4.0][rng.usize(0..4)];
    let mut vals = vec![V::N(11.0)];
    if with_code {
        vals.push(s("finance.autonomy_increase"));
    }
    vals.extend([
        s("Mức độ tự chủ chi thường xuyên (năm nay / năm gốc)"),
        s("%"),
        V::N(cur),
        V::N(base),
    ]);
    for (c, v) in vals.iter().enumerate() {
        put(ws, r, c as u16, v)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- workbooks

fn unit_line(rng: &mut fastrand::Rng, u: &Unit) -> Vec<V> {
    let written = if rng.f64() < 0.5 {
        u.name.clone()
    } else {
        u.written[rng.usize(0..u.written.len())].clone()
    };
    match rng.usize(0..6) {
        0 => vec![s("Đơn vị báo cáo:"), s(written)],
        1 => vec![s(format!("Đơn vị: {written}"))],
        2 => vec![s(format!("Don vi bao cao: {}", fold(&written)))],
        3 => vec![s(format!("Đơn vị báo cáo: {written}")
            .nfd()
            .collect::<String>())],
        _ => vec![s(format!("Đơn vị báo cáo: {written}"))],
    }
}

fn lines(rng: &mut fastrand::Rng, u: &Unit) -> Lines {
    let (period, title_period) = match rng.usize(0..6) {
        0 => (Some("Kỳ báo cáo: Quý 1/2022".to_string()), ""),
        1 => (
            Some("(Từ ngày 15/12/2021 đến ngày 14/3/2022)".to_string()),
            "",
        ),
        2 => (Some("Ky bao cao: Quy I nam 2022".to_string()), ""),
        3 => (None, " QUÝ I/2022"),
        _ => (Some("Kỳ báo cáo: Quý I năm 2022".to_string()), ""),
    };
    Lines {
        unit: unit_line(rng, u),
        period,
        title_period,
    }
}

fn workbook(u: &Unit, seed: u64, dir: &Path) -> Result<(String, Row)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let wrap = Format::new().set_text_wrap();
    let mut wb = Workbook::new();
    // A fixed creation time: the same seed gives the same bytes.
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 3, 15)?),
    );
    if rng.f64() < 0.1 {
        let cover = wb.add_worksheet();
        cover.set_name("Hướng dẫn")?;
        cover.write_string(0, 0, "Báo cáo gửi Văn phòng Sở trước ngày 15/3/2022")?;
    }
    let mut order = [0usize, 1, 2, 3];
    if rng.f64() < 0.3 {
        rng.shuffle(&mut order);
    }
    let a_name = ["Biểu 06a", "06a", "Sheet1", "Ket qua TTHC", "Biểu A"][rng.usize(0..5)];
    let names = [
        a_name,
        ["Biểu B", "DVC", "B"][rng.usize(0..3)],
        ["Biểu C", "Bien che", "C"][rng.usize(0..3)],
        ["Biểu D", "Chi tieu", "D"][rng.usize(0..3)],
    ];
    let mut sums = [0; 11];
    for form in order {
        let l = lines(&mut rng, u);
        let ws = wb.add_worksheet();
        ws.set_name(names[form])?;
        match form {
            0 => sums = form_a(ws, &mut rng, &l, &wrap)?,
            1 => form_b(ws, &mut rng, &l)?,
            2 => form_c(ws, &mut rng, &l, &u.name)?,
            _ => form_d(ws, &mut rng, &l)?,
        }
    }
    let file = match rng.usize(0..3) {
        0 => format!("{}_Q1_2022.xlsx", u.id),
        1 => format!("Bao cao CCHC quy 1 - {}.xlsx", fold(&u.name)),
        _ => format!("{}.xlsx", u.id.to_uppercase()),
    };
    wb.save(dir.join(&file)).with_context(|| file.clone())?;
    Ok((file, sums))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut count, mut seed, mut out) = (None, 20_220_314u64, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--count" => count = it.next().map(|v| v.parse::<usize>()).transpose()?,
            "--seed" => seed = it.next().context("--seed N")?.parse()?,
            "--out" => out = it.next().map(PathBuf::from),
            _ => bail!("usage: cchc-bench-gen --count N [--seed S] --out DIR"),
        }
    }
    let (Some(count), Some(out)) = (count, out) else {
        bail!("usage: cchc-bench-gen --count N [--seed S] --out DIR")
    };
    let inputs = out.join("in");
    if inputs.exists() {
        std::fs::remove_dir_all(&inputs)?;
    }
    std::fs::create_dir_all(&inputs)?;
    let units = units(count);
    let written: Vec<(String, Row)> = units
        .par_iter()
        .enumerate()
        .map(|(i, u)| {
            workbook(
                u,
                seed.wrapping_mul(1_000_003).wrapping_add(i as u64),
                &inputs,
            )
        })
        .collect::<Result<_>>()?;

    let mut registry = String::from("unit_id,name,kind,district,aliases\n");
    let mut expected = format!("unit_id,file,{}\n", MEASURES.join(","));
    for (u, (file, sums)) in units.iter().zip(&written) {
        writeln!(
            registry,
            "{},{},{},{},{}",
            u.id,
            u.name,
            u.kind,
            u.district,
            u.written.join(";")
        )?;
        let sums: Vec<String> = sums.iter().map(u64::to_string).collect();
        writeln!(expected, "{},{},{}", u.id, file, sums.join(","))?;
    }
    std::fs::write(out.join("units.csv"), registry)?;
    std::fs::write(out.join("expected.csv"), expected)?;
    let bytes: u64 = std::fs::read_dir(&inputs)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{count} workbooks, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        inputs.display()
    );
    Ok(())
}
