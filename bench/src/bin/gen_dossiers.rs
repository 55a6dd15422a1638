//! Writes a seeded, deterministic set of one-stop-shop dossier exports (DOMAIN.md §11)
//! for the dossier benchmark.
//!
//! `cchc-bench-dossiers --rows N [--seed S] [--units U] [--per-file R] [--csv] --out DIR`
//! writes
//! - `DIR/in/`: the dossiers as systems export them — `.xlsx` files of at most R rows
//!   (default 50,000) each with a title above the header, or one `ho-so.csv` with
//!   `--csv`; columns Mã hồ sơ, Mã TTHC, Tên TTHC, Lĩnh vực, Cơ quan giải quyết, Ngày
//!   tiếp nhận (with a time), Ngày hẹn trả, Ngày có kết quả, Trạng thái, Hình thức nộp;
//! - `DIR/units.csv`: the registry of the agencies;
//! - `DIR/expected.csv`: Form A of 2022-Q1 (15/12/2021–14/3/2022) by unit and field,
//!   classified here from the dates written (its own code, not cchc's), so any tool's
//!   result can be checked against it.
//!
//! Dossiers are received from 1/10/2021 to 30/4/2022, due 1–20 days later, nine in ten
//! finished 0–25 days after they came. Same arguments → same bytes.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const FIELDS: [&str; 6] = [
    "Giáo dục trung học",
    "Quy chế thi, tuyển sinh",
    "Hệ thống văn bằng, chứng chỉ",
    "Giáo dục mầm non",
    "Giáo dục tiểu học",
    "Giáo dục thường xuyên",
];
const CHANNELS: [&str; 3] = ["Trực tuyến", "Trực tiếp", "Bưu chính"];
const HEADER: [&str; 10] = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên TTHC",
    "Lĩnh vực",
    "Cơ quan giải quyết",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
    "Hình thức nộp",
];
/// Days since 1/1/2021 of the first day dossiers come, and of the period's bounds.
const FIRST_DAY: i64 = 273; // 2021-10-01
const SPAN_DAYS: i64 = 212; // to 2022-04-30
const PERIOD: (i64, i64) = (348, 437); // 2021-12-15, 2022-03-14

/// Civil date of a day counted from 1/1/2021 (proleptic Gregorian, by hand).
fn date(day: i64) -> (i64, u32, u32) {
    let mut y = 2021;
    let mut d = day;
    loop {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = if leap { 366 } else { 365 };
        if d < len {
            let months = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            let mut m = 0;
            while d >= months[m] {
                d -= months[m];
                m += 1;
            }
            return (y, m as u32 + 1, d as u32 + 1);
        }
        d -= len;
        y += 1;
    }
}

fn dmy(day: i64) -> String {
    let (y, m, d) = date(day);
    format!("{d:02}/{m:02}/{y}")
}

struct Dossier {
    id: String,
    unit: usize,
    field: usize,
    received: i64,
    minute: u32,
    due: i64,
    finished: Option<i64>,
    channel: usize,
}

fn dossiers(rows: usize, units: usize, seed: u64) -> Vec<Dossier> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..rows)
        .map(|i| {
            let received = FIRST_DAY + rng.i64(0..SPAN_DAYS);
            Dossier {
                id: format!("HS{:09}", i + 1),
                unit: rng.usize(0..units),
                field: rng.usize(0..FIELDS.len()),
                received,
                minute: rng.u32(7 * 60..18 * 60),
                due: received + rng.i64(1..21),
                finished: (rng.u32(0..10) != 0).then(|| received + rng.i64(0..26)),
                channel: rng.usize(0..CHANNELS.len()),
            }
        })
        .collect()
}

fn unit_name(u: usize) -> String {
    format!("Trường THPT Số {}", u + 1)
}

/// The row's ten cells as text.
fn cells(d: &Dossier) -> [String; 10] {
    let status = if d.finished.is_some() {
        "Đã trả kết quả"
    } else {
        "Đang xử lý"
    };
    [
        d.id.clone(),
        format!("1.{:06}", 4000 + d.field),
        format!("Thủ tục số {}", d.field + 1),
        FIELDS[d.field].to_string(),
        unit_name(d.unit),
        format!(
            "{} {:02}:{:02}",
            dmy(d.received),
            d.minute / 60,
            d.minute % 60
        ),
        dmy(d.due),
        d.finished.map(dmy).unwrap_or_default(),
        status.to_string(),
        CHANNELS[d.channel].to_string(),
    ]
}

/// Form A of the period by unit and field, classified here.
fn expected(list: &[Dossier]) -> BTreeMap<(usize, usize), [i64; 11]> {
    let (start, end) = PERIOD;
    let mut out: BTreeMap<(usize, usize), [i64; 11]> = BTreeMap::new();
    for d in list {
        let in_period = d.received >= start && d.received <= end;
        let carried = d.received < start && d.finished.is_none_or(|f| f >= start);
        if !in_period && !carried {
            continue;
        }
        let v = out.entry((d.unit, d.field)).or_insert([0; 11]);
        v[0] += 1;
        if in_period {
            v[if d.channel == 0 { 1 } else { 2 }] += 1;
        } else {
            v[3] += 1;
        }
        match d.finished.filter(|f| *f <= end) {
            Some(f) => {
                v[4] += 1;
                v[if f < d.due {
                    5
                } else if f == d.due {
                    6
                } else {
                    7
                }] += 1;
            }
            None => {
                v[8] += 1;
                v[if d.due >= end { 9 } else { 10 }] += 1;
            }
        }
    }
    out
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut rows, mut seed, mut units, mut per_file, mut csv, mut out) =
        (None, 7u64, 200usize, 50_000usize, false, None::<PathBuf>);
    while let Some(a) = args.next() {
        let mut value = || args.next().context("a value after the flag");
        match a.as_str() {
            "--rows" => rows = Some(value()?.parse::<usize>()?),
            "--seed" => seed = value()?.parse()?,
            "--units" => units = value()?.parse()?,
            "--per-file" => per_file = value()?.parse()?,
            "--csv" => csv = true,
            "--out" => out = Some(value()?.into()),
            other => bail!("unknown argument {other}"),
        }
    }
    let (Some(rows), Some(out)) = (rows, out) else {
        bail!("usage: cchc-bench-dossiers --rows N [--seed S] [--units U] [--per-file R] [--csv] --out DIR");
    };
    let input = out.join("in");
    std::fs::create_dir_all(&input)?;
    let list = dossiers(rows, units, seed);
    if csv {
        write_csv(&input.join("ho-so.csv"), &list)?;
    } else {
        for (k, chunk) in list.chunks(per_file.max(1)).enumerate() {
            write_xlsx(&input.join(format!("ho-so-{:03}.xlsx", k + 1)), chunk)?;
        }
    }
    let mut reg = String::from("unit_id,name,kind,district,aliases\n");
    for u in 0..units {
        reg.push_str(&format!("thpt-{},{},school,Tỉnh,\n", u + 1, unit_name(u)));
    }
    std::fs::write(out.join("units.csv"), reg)?;
    let mut exp = String::from(
        "unit_id,field,received_total,received_online,received_direct,carried_over,resolved_total,\
         resolved_early,resolved_on_time,resolved_late,pending_total,pending_in_time,pending_overdue\n",
    );
    for ((u, f), v) in expected(&list) {
        let values: Vec<String> = v.iter().map(i64::to_string).collect();
        exp.push_str(&format!(
            "thpt-{},\"{}\",{}\n",
            u + 1,
            FIELDS[f],
            values.join(",")
        ));
    }
    std::fs::write(out.join("expected.csv"), exp)?;
    Ok(())
}

fn write_csv(path: &Path, list: &[Dossier]) -> Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{}", HEADER.join(","))?;
    for d in list {
        // No cell holds a comma (`Quy chế thi, tuyển sinh` is quoted).
        let row: Vec<String> = cells(d)
            .into_iter()
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        writeln!(w, "{}", row.join(","))?;
    }
    w.flush()?;
    Ok(())
}

fn write_xlsx(path: &Path, list: &[Dossier]) -> Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.write_string(
        0,
        0,
        "DANH SÁCH HỒ SƠ TIẾP NHẬN TRÊN HỆ THỐNG THÔNG TIN GIẢI QUYẾT TTHC",
    )?;
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    for (i, d) in list.iter().enumerate() {
        for (c, v) in cells(d).iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(3 + i as u32, c as u16, v)?;
            }
        }
    }
    wb.save(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_by_hand() {
        assert_eq!(date(0), (2021, 1, 1));
        assert_eq!(date(FIRST_DAY), (2021, 10, 1));
        assert_eq!(date(PERIOD.0), (2021, 12, 15));
        assert_eq!(date(PERIOD.1), (2022, 3, 14));
        assert_eq!(date(FIRST_DAY + SPAN_DAYS - 1), (2022, 4, 30));
    }
}
