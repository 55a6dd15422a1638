//! The collection page as the README starts it: the real `cchc serve` on a fresh data
//! folder, links from `cchc link`, the office's password from `cchc office-password`.
//! On files not written for it (the samples and a slice of the regression corpus
//! gathered from other projects) the page finds what `cchc check` finds, and the
//! office's consolidation downloads the workbook `cchc consolidate` writes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::{cchc, root};

/// The collection page's own test client (a multipart upload, forms with cookies, the
/// office's login), shared with the crate's tests.
#[path = "../crates/cchc-serve/tests/common/mod.rs"]
mod client;

use client::{get_bytes, hidden, log_in, post_form, upload, PASSWORD};

const UNIT: &str = "thpt-trungvuong";
const PERIOD: &str = "2022-Q1";

/// `cchc serve` on `data`, on a port the OS picks: the child and its address.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cchc"))
            .args(["serve", "--data"])
            .arg(data)
            .args(["--bind", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("cchc serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("cchc serve said where it listens")
                .expect("line");
            if let Some(rest) = line.strip_prefix("cchc serve: http://") {
                break format!("http://{}", rest.split(' ').next().expect("address"));
            }
        };
        // The rest of its standard error is drained, so it never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new link for `unit`, from `cchc link`: its path (`/u/…`).
fn link(data: &Path, unit: &str) -> String {
    let out = cchc(&[
        "link",
        "--data",
        data.to_str().expect("path"),
        "--unit",
        unit,
        "--period",
        PERIOD,
    ]);
    assert!(out.status.success(), "{out:?}");
    let url = String::from_utf8(out.stdout).expect("utf8");
    url[url.find("/u/").expect("a link")..].trim().to_string()
}

/// The body of a GET with `cookie`, as text.
fn text(url: &str, cookie: &str) -> String {
    client::get_with(url, cookie).body
}

/// HTML text back to what it says.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A finding as both sides give it: rule, file, sheet, cell, message, raw.
type Row = [String; 6];

/// The findings of the newest version on a unit's page.
fn page_findings(html: &str) -> Vec<Row> {
    let Some(start) = html.find("<h2>Kết quả kiểm tra") else {
        return Vec::new();
    };
    let section = &html[start..];
    let end = section.find("</table>").unwrap_or(0);
    let mut rows: Vec<Row> = section[..end]
        .split("<tr class=")
        .skip(1)
        .map(|tr| {
            let cells: Vec<String> = tr
                .split("<td>")
                .skip(1)
                .map(|td| unescape(td.split("</td>").next().unwrap_or("")))
                .collect();
            assert_eq!(cells.len(), 7, "{tr}");
            [1, 2, 3, 4, 5, 6].map(|i| cells[i].clone())
        })
        .collect();
    rows.sort();
    rows
}

/// What `cchc check` finds in `file` as `UNIT`'s report for `PERIOD`, run beside it
/// under the same name, as seen from the link: about the file, or the unit's own
/// `submission.missing`.
fn cli_findings(file: &Path) -> Vec<Row> {
    let out = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .current_dir(file.parent().expect("folder"))
        .args([
            "check", "--format", "json", "--unit", UNIT, "--period", PERIOD,
        ])
        .arg(file.file_name().expect("name"))
        .output()
        .expect("cchc check");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let field = |f: &serde_json::Value, k: &str| f[k].as_str().unwrap_or("").to_string();
    let mut rows: Vec<Row> = list
        .iter()
        .filter(|f| {
            !field(f, "file").is_empty()
                || (field(f, "rule") == "submission.missing" && field(f, "raw") == UNIT)
        })
        .map(|f| ["rule", "file", "sheet", "cell", "message", "raw"].map(|k| field(f, k)))
        .collect();
    rows.sort();
    rows
}

/// The files tried: every workbook of the samples and every fifth of the corpus.
fn files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let book = |p: &PathBuf| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| !["md", "txt", "py", "json", "csv"].contains(&e))
    };
    let mut samples = Vec::new();
    walk(&root().join("samples"), &mut samples);
    samples.retain(book);
    samples.sort();
    let mut corpus = Vec::new();
    walk(&root().join("tests/corpus"), &mut corpus);
    corpus.retain(book);
    corpus.sort();
    samples.extend(corpus.into_iter().step_by(5));
    samples
}

#[test]
fn the_page_finds_what_cchc_check_finds() {
    let data = tempfile::tempdir().expect("data");
    let server = Server::start(data.path());
    let mut link_path = String::new();
    let mut compared = 0;
    let mut differ = Vec::new();
    for (i, file) in files().iter().enumerate() {
        // A fresh link every 50 uploads: a link may upload 60 times a minute.
        if i % 50 == 0 {
            link_path = link(data.path(), UNIT);
        }
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let bytes = std::fs::read(file).expect("file");
        let url = format!("{}{link_path}", server.base);
        let (status, _) = upload(&format!("{url}/upload"), &[(name, bytes)]);
        assert_eq!(status, 303, "{name}");
        let mut page: Vec<Row> = page_findings(&text(&url, ""))
            .into_iter()
            .filter(|r| r[0] != "upload.other_unit")
            .collect();
        page.sort();
        let cli = cli_findings(file);
        if page != cli {
            differ.push(format!(
                "{}:\n  page {page:?}\n  cli  {cli:?}",
                file.display()
            ));
        }
        compared += 1;
    }
    assert!(compared > 100, "{compared} files");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn the_offices_workbook_is_what_cchc_consolidate_writes() {
    let data = tempfile::tempdir().expect("data");
    let mut set = Command::new(env!("CARGO_BIN_EXE_cchc"))
        .args(["office-password", "--data"])
        .arg(data.path())
        .stdin(Stdio::piped())
        .spawn()
        .expect("office-password");
    writeln!(set.stdin.take().expect("stdin"), "{PASSWORD}").expect("password");
    assert!(set.wait().expect("wait").success());
    let server = Server::start(data.path());
    let base = &server.base;
    for (unit, file) in [
        ("thpt-trungvuong", "THPT_TrungVuong_Q1_2022.xlsx"),
        ("pgd-vanlam", "PGD_VanLam_Q1_2022.xlsx"),
        ("thpt-tienlu", "THPT_TienLu_Q1_2022.xlsx"),
    ] {
        let url = format!("{base}{}", link(data.path(), unit));
        let bytes = std::fs::read(root().join("samples").join(file)).expect("sample");
        assert_eq!(upload(&format!("{url}/upload"), &[(file, bytes)]).0, 303);
        let version = hidden(&text(&url, ""), "version");
        assert_eq!(client::send(&format!("{url}/send"), &version), 303);
    }

    // The office logs in through its page and consolidates.
    let session = log_in(base);
    let period = format!("{base}/office/p/{PERIOD}");
    let csrf = hidden(&text(&period, &session), "csrf");
    let r = post_form(
        &format!("{period}/consolidate"),
        &session,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    let (status, workbook) = get_bytes(&format!("{period}/out/1/tong-hop.xlsx"), &session);
    assert_eq!(status, 200);

    // `cchc consolidate` on the files the consolidation read, named as it names them.
    let kept = data
        .path()
        .join("outputs")
        .join(PERIOD)
        .join("1")
        .join("nop");
    let mut names: Vec<String> = std::fs::read_dir(&kept)
        .expect("nop")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Phòng Giáo dục và Đào tạo huyện Văn Lâm 1.xlsx",
            "Trường THPT Tiên Lữ 1.xlsx",
            "Trường THPT Trưng Vương 1.xlsx"
        ]
    );
    let out = tempfile::tempdir().expect("out");
    let report = out.path().join("tong-hop.xlsx");
    let run = cchc(&[
        "consolidate",
        kept.to_str().expect("path"),
        "-o",
        report.to_str().expect("path"),
        "--period",
        PERIOD,
        "--feedback",
        out.path().join("phan-hoi").to_str().expect("path"),
        "--narrative",
        out.path().join("bao-cao.docx").to_str().expect("path"),
    ]);
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    assert!(
        workbook == std::fs::read(&report).expect("report"),
        "the page's workbook is cchc consolidate's"
    );
    let (status, docx) = get_bytes(&format!("{period}/out/1/bao-cao.docx"), &session);
    assert_eq!(status, 200);
    assert!(
        docx == std::fs::read(out.path().join("bao-cao.docx")).expect("docx"),
        "the page's Word report is cchc consolidate --narrative's"
    );
    // And the page's attainment summary is `attainment.csv`'s province rows, target by
    // target: status, numerator and denominator (the page writes them as documents do,
    // `1.234 / 2.000`), the gap.
    let page = text(&period, &session);
    assert!(page.contains("bản đã gửi mới nhất của 3 đơn vị"), "{page}");
    let (status, csv) = get_bytes(&format!("{period}/out/1/xuat/attainment.csv"), &session);
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).expect("utf8");
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] != "province" || f[2] != PERIOD {
            continue;
        }
        let at = page
            .find(&format!("id=\"ct-{}\"", f[3]))
            .unwrap_or_else(|| panic!("{} on the page", f[3]));
        let row = &page[at..at + page[at..].find("</tr>").expect("row")];
        let label = match f[9] {
            "met" => "Đạt",
            "not_met" => "Không đạt",
            "no_data" => "Chưa có số liệu",
            _ => "Không áp dụng",
        };
        assert!(row.contains(&format!("<td>{label}</td>")), "{line} / {row}");
        if !f[5].is_empty() && f[5] != "1" {
            let plain = |s: &str| s.replace('.', "").replace(',', ".");
            let figures = row
                .split("<td>")
                .map(|td| td.split("</td>").next().unwrap_or(""))
                .find(|td| td.contains(" / "))
                .unwrap_or_else(|| panic!("figures in {row}"));
            let (n, d) = figures.split_once(" / ").expect("n / d");
            assert_eq!(
                (plain(n), plain(d)),
                (f[4].to_string(), f[5].to_string()),
                "{line}"
            );
        }
        let gap = f[10].parse::<i64>().unwrap_or(0);
        if gap > 0 {
            assert!(row.ends_with(&format!("<td>{gap}</td>")), "{line} / {row}");
        }
        rows += 1;
    }
    assert!(rows >= 20, "{rows} province rows");
}

/// `cchc link` keeps the link under the period's key, however it was written.
#[test]
fn a_link_is_kept_under_the_periods_key() {
    let data = tempfile::tempdir().expect("data");
    let out = cchc(&[
        "link",
        "--data",
        data.path().to_str().expect("path"),
        "--unit",
        UNIT,
        "--period",
        "2022-q1",
    ]);
    assert!(out.status.success(), "{out:?}");
    let url = String::from_utf8(out.stdout).expect("utf8");
    let token = url.trim().rsplit('/').next().expect("token");
    let link = cchc_serve::Store::open(data.path())
        .expect("store")
        .link(token)
        .expect("db")
        .expect("the link");
    assert_eq!(link.period, PERIOD);
}
