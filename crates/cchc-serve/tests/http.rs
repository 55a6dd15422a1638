//! The collection page over HTTP, against a server on 127.0.0.1 (a port the OS picks):
//! a unit's flow, every refusal, a restart that keeps everything.

mod common;

use cchc_serve::{Limits, Store};
use common::{agent, get, sample, send, start, upload};

/// A unit opens its link, uploads a workbook with the four errors planted in it
/// (samples/make_samples.py: `mười` in D12, -3 in H13, 2.5 in I14, `#REF!` in L15), sees
/// each with its sheet and cell, and sends it acknowledging them.
#[test]
fn a_unit_uploads_sees_its_findings_and_sends() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    let token = Store::open(dir.path())
        .expect("store")
        .issue_link("thpt-namkhoaichau", "2022-Q1")
        .expect("link");
    let page = format!("{base}/u/{token}");
    let (status, html) = get(&page);
    assert_eq!(status, 200);
    assert!(html.contains("Trường THPT Nam Khoái Châu") && html.contains("2022-Q1"));
    assert!(html.contains("Chưa tải lên bản nào"));

    let (status, to) = upload(
        &format!("{page}/upload"),
        &[(
            "THPT_NamKhoaiChau_Q1_2022.xlsx",
            sample("loi/THPT_NamKhoaiChau_Q1_2022.xlsx"),
        )],
    );
    assert_eq!((status, to.as_str()), (303, format!("/u/{token}").as_str()));
    let (_, html) = get(&page);
    assert!(html.contains("4 lỗi, 0 cảnh báo, 0 thông tin"), "{html}");
    for (rule, cell, raw) in [
        ("value.not_a_number", "D12", "mười"),
        ("value.negative", "H13", "-3"),
        ("value.fraction", "I14", "2.5"),
        ("value.error_cell", "L15", "#REF!"),
    ] {
        let row = format!(
            "<td>{rule}</td><td>THPT_NamKhoaiChau_Q1_2022.xlsx</td><td>06a</td><td>{cell}</td>"
        );
        assert!(html.contains(&row), "{row} in {html}");
        assert!(html.contains(&format!("<td>{raw}</td></tr>")), "{raw}");
    }
    assert!(html.contains("Bản này còn lỗi"));
    assert_eq!(send(&format!("{page}/send"), "1"), 303);
    let (_, html) = get(&page);
    assert!(!html.contains("Gửi bản này cho Sở"), "sent already");
    // Once sent, not again; and no other number is this unit's.
    assert_eq!(send(&format!("{page}/send"), "1"), 404);
    assert_eq!(send(&format!("{page}/send"), "2"), 404);
}

/// Wrong secrets, revoked links, another unit's version, an upload too large or of too
/// many files, a name that tries to leave the folder: each refused with a page, every
/// response with the security headers.
#[test]
fn refusals() {
    let dir = tempfile::tempdir().expect("dir");
    let limits = Limits {
        upload_bytes: 200_000,
        files: 2,
        uploads_per_minute: 8,
    };
    let base = start(dir.path(), limits);
    let store = Store::open(dir.path()).expect("store");
    let a = store.issue_link("thpt-trungvuong", "2022-Q1").expect("a");
    let b = store.issue_link("thpt-namkhoaichau", "2022-Q1").expect("b");

    let (id, secret) = a.split_once('.').expect("id.secret");
    let flipped: String = secret.chars().rev().collect();
    for bad in [
        format!("{id}.{flipped}"),
        id.to_string(),
        "x.y".into(),
        format!("99.{secret}"),
    ] {
        let (status, html) = get(&format!("{base}/u/{bad}"));
        assert_eq!(status, 404, "{bad}");
        assert!(html.contains("Đường dẫn không đúng"));
    }
    let r = agent()
        .get(&format!("{base}/u/{id}.{flipped}"))
        .call()
        .expect("GET");
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.headers().contains_key(h), "{h}");
    }

    // B's version cannot be sent through A's link.
    let clean = sample("THPT_TrungVuong_Q1_2022.xlsx");
    assert!(clean.len() < 200_000, "the sample fits the test's limit");
    let (status, _) = upload(
        &format!("{base}/u/{b}/upload"),
        &[("b.xlsx", clean.clone())],
    );
    assert_eq!(status, 303);
    assert_eq!(send(&format!("{base}/u/{a}/send"), "1"), 404);

    // Too many files, too many bytes.
    let three = [
        ("1.xlsx", clean.clone()),
        ("2.xlsx", clean.clone()),
        ("3.xlsx", clean.clone()),
    ];
    let (status, html) = upload(&format!("{base}/u/{a}/upload"), &three);
    assert_eq!(status, 413);
    assert!(html.contains("tối đa 2 tệp"), "{html}");
    let (status, _) = upload(
        &format!("{base}/u/{a}/upload"),
        &[("big.xlsx", vec![b'x'; 300_000])],
    );
    assert_eq!(status, 413);

    // A name with a path: shown by its last part, the file kept by its hash only.
    let (status, _) = upload(
        &format!("{base}/u/{a}/upload"),
        &[("../../etc/Trung Vuong.xlsx", clean.clone())],
    );
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{a}"));
    assert!(html.contains("<td>Trung Vuong.xlsx</td>") && !html.contains("../"));
    let kept: Vec<String> = std::fs::read_dir(dir.path().join("files"))
        .expect("files")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter()
            .all(|n| n.len() == 64 && n.bytes().all(|c| c.is_ascii_hexdigit())),
        "{kept:?}"
    );

    // Uploads a minute: A has made three (the two refused for their size count too);
    // five more pass, the ninth is refused.
    for _ in 0..5 {
        let (status, _) = upload(
            &format!("{base}/u/{a}/upload"),
            &[("tv.xlsx", clean.clone())],
        );
        assert_eq!(status, 303);
    }
    let (status, html) = upload(
        &format!("{base}/u/{a}/upload"),
        &[("tv.xlsx", clean.clone())],
    );
    assert_eq!(status, 429);
    assert!(html.contains("trong một phút"), "{html}");

    // Revoked: refused, with its own words.
    store
        .revoke_link(a.split_once('.').expect("id").0.parse().expect("number"))
        .expect("revoke");
    let (status, html) = get(&format!("{base}/u/{a}"));
    assert_eq!(status, 403);
    assert!(html.contains("đã bị thu hồi"));
}

/// A server started again on the same folder has every version, and the audit log
/// every step.
#[test]
fn a_restart_keeps_everything() {
    let dir = tempfile::tempdir().expect("dir");
    let token = {
        let base = start(dir.path(), Limits::default());
        let token = Store::open(dir.path())
            .expect("store")
            .issue_link("thpt-trungvuong", "2022-Q1")
            .expect("link");
        let file = sample("THPT_TrungVuong_Q1_2022.xlsx");
        let (status, _) = upload(&format!("{base}/u/{token}/upload"), &[("tv.xlsx", file)]);
        assert_eq!(status, 303);
        assert_eq!(send(&format!("{base}/u/{token}/send"), "1"), 303);
        token
    };
    let store = Store::open(dir.path()).expect("reopened");
    assert_eq!(store.schema_version().expect("version"), 3);
    let versions = store
        .versions("thpt-trungvuong", "2022-Q1")
        .expect("versions");
    assert_eq!(versions.len(), 1);
    assert!(versions[0].sent.is_some());
    assert_eq!(versions[0].files[0].name, "tv.xlsx");
    let actions: Vec<String> = store
        .audit_log()
        .expect("log")
        .into_iter()
        .map(|[_, _, action, _]| action)
        .collect();
    assert_eq!(actions, ["link.issue", "version.upload", "version.send"]);
    let base = start(dir.path(), Limits::default());
    let (status, html) = get(&format!("{base}/u/{token}"));
    assert_eq!(status, 200);
    assert!(html.contains("tv.xlsx"));
}

/// A unit that uploads another unit's report is told so (it would be counted for the
/// other unit): `upload.other_unit`, an error, at the table, naming both.
#[test]
fn another_units_report_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    let token = Store::open(dir.path())
        .expect("store")
        .issue_link("thpt-namkhoaichau", "2022-Q1")
        .expect("link");
    let (status, _) = upload(
        &format!("{base}/u/{token}/upload"),
        &[("bao-cao.xlsx", sample("THPT_TrungVuong_Q1_2022.xlsx"))],
    );
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    assert!(html.contains("1 lỗi"), "{html}");
    assert!(
        html.contains("<td>upload.other_unit</td><td>bao-cao.xlsx</td>"),
        "{html}"
    );
    assert!(html.contains("báo cáo của &quot;Trường THPT Trưng Vương&quot;, không phải của &quot;Trường THPT Nam Khoái Châu&quot;"), "{html}");
}

/// A zip bomb inside an upload (a real workbook with a 48 MB part that deflates to a few
/// kilobytes) is a finding, not a stalled or dead server: `file.too_large`, refused
/// before anything is inflated, and the next upload is checked as usual.
#[test]
fn a_bomb_inside_an_upload_is_a_finding() {
    use std::io::{Cursor, Write};
    let good = sample("THPT_TrungVuong_Q1_2022.xlsx");
    let mut source = zip::ZipArchive::new(Cursor::new(good.clone())).expect("a workbook");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..source.len() {
        out.raw_copy_file(source.by_index(i).expect("entry"))
            .expect("copy");
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/media/padding.bin", options)
        .expect("entry");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..48 {
        out.write_all(&zeros).expect("write");
    }
    let bomb = out.finish().expect("zip").into_inner();
    assert!(
        bomb.len() < good.len() + 200_000,
        "a small file: {} bytes",
        bomb.len()
    );

    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    let token = Store::open(dir.path())
        .expect("store")
        .issue_link("thpt-trungvuong", "2022-Q1")
        .expect("link");
    let (status, _) = upload(&format!("{base}/u/{token}/upload"), &[("bom.xlsx", bomb)]);
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    assert!(
        html.contains("<td>file.too_large</td><td>bom.xlsx</td>"),
        "{html}"
    );
    let (status, _) = upload(&format!("{base}/u/{token}/upload"), &[("tv.xlsx", good)]);
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    assert!(
        html.contains("Kết quả kiểm tra bản số 2") && html.contains("0 lỗi"),
        "{html}"
    );
}

/// Two copies of a report in one upload: `submission.duplicate`, its message naming
/// both files as the unit named them — never by the server's own folder or names.
#[test]
fn a_message_names_the_files_as_the_unit_did() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    let token = Store::open(dir.path())
        .expect("store")
        .issue_link("thpt-trungvuong", "2022-Q1")
        .expect("link");
    let file = sample("THPT_TrungVuong_Q1_2022.xlsx");
    let (status, _) = upload(
        &format!("{base}/u/{token}/upload"),
        &[("ban-dau.xlsx", file.clone()), ("ban-sao.xlsx", file)],
    );
    assert_eq!(status, 303);
    let (_, html) = get(&format!("{base}/u/{token}"));
    let duplicates: Vec<&str> = html
        .split("<tr")
        .filter(|row| row.contains("<td>submission.duplicate</td>"))
        .collect();
    assert_eq!(duplicates.len(), 2, "one finding at each file: {html}");
    for row in duplicates {
        assert!(
            row.contains("tổng hợp theo ban-dau.xlsx")
                && row.contains("không tổng hợp ban-sao.xlsx"),
            "{row}"
        );
    }
    let tmp = std::env::temp_dir().to_string_lossy().into_owned();
    assert!(!html.contains(&tmp) && !html.contains("001.xlsx"), "{html}");
}
