//! The office's pages over HTTP: login (password, cookie flags, CSRF, too many
//! failures), a period's units and their states, links issued and revoked from the page.

mod common;

use cchc_serve::{Limits, Store};
use common::{get_with, hidden, log_in, post_form, sample, send, start, upload, PASSWORD};

#[test]
fn the_office_logs_in_with_its_password_only() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    Store::open(dir.path())
        .expect("store")
        .set_office_password(PASSWORD)
        .expect("password");

    // Without a session: to the login page.
    let r = get_with(&format!("{base}/office/p/2022-Q1"), "");
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/office/login"))
    );

    let page = get_with(&format!("{base}/office/login"), "");
    assert_eq!(page.status, 200);
    let csrf = hidden(&page.body, "csrf");
    let login_cookie = page.cookies.join("; ");
    assert!(
        page.set_cookie[0].contains("HttpOnly") && page.set_cookie[0].contains("SameSite=Strict")
    );
    // The form's token without its cookie (another site's form): refused unheard.
    let r = post_form(
        &format!("{base}/office/login"),
        "",
        &[("password", PASSWORD), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 403);
    // A wrong password.
    let r = post_form(
        &format!("{base}/office/login"),
        &login_cookie,
        &[("password", "sai mật khẩu rồi"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 401);
    assert!(r.body.contains("Mật khẩu không đúng") && r.cookies.is_empty());
    // The right one: a session cookie HttpOnly, SameSite=Strict.
    let r = post_form(
        &format!("{base}/office/login"),
        &login_cookie,
        &[("password", PASSWORD), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    assert!(r.set_cookie[0].starts_with("cchc_session="));
    assert!(r.set_cookie[0].contains("HttpOnly") && r.set_cookie[0].contains("SameSite=Strict"));
    let session = r.cookies[0].clone();
    assert_eq!(get_with(&format!("{base}/office"), &session).status, 200);
    // A made-up session: to the login page.
    let r = get_with(&format!("{base}/office"), "cchc_session=00ff");
    assert_eq!(r.status, 303);

    // Logging out needs the session's token; then the session is gone.
    let home = get_with(&format!("{base}/office"), &session);
    let token = hidden(&home.body, "csrf");
    assert_eq!(
        post_form(&format!("{base}/office/logout"), &session, &[("csrf", "x")]).status,
        403
    );
    assert_eq!(
        post_form(
            &format!("{base}/office/logout"),
            &session,
            &[("csrf", &token)]
        )
        .status,
        303
    );
    assert_eq!(get_with(&format!("{base}/office"), &session).status, 303);
}

/// Ten wrong passwords in a minute: the eleventh attempt is refused unheard, even with
/// the right password.
#[test]
fn failed_logins_are_slowed_down() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    Store::open(dir.path())
        .expect("store")
        .set_office_password(PASSWORD)
        .expect("password");
    let page = get_with(&format!("{base}/office/login"), "");
    let (csrf, cookie) = (hidden(&page.body, "csrf"), page.cookies.join("; "));
    for _ in 0..10 {
        let r = post_form(
            &format!("{base}/office/login"),
            &cookie,
            &[("password", "đoán"), ("csrf", &csrf)],
        );
        assert_eq!(r.status, 401);
    }
    let r = post_form(
        &format!("{base}/office/login"),
        &cookie,
        &[("password", PASSWORD), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 429);
}

/// The office issues a link from the page (with the form's token only), the unit
/// uploads and sends through it, the page then says so; a revoked link is refused.
#[test]
fn the_office_issues_links_and_sees_the_units_states() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    Store::open(dir.path())
        .expect("store")
        .set_office_password(PASSWORD)
        .expect("password");
    let session = log_in(&base);
    let period = format!("{base}/office/p/2022-Q1");
    let page = get_with(&period, &session);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Trường THPT Nam Khoái Châu")
            && page.body.contains("Trường THPT Trưng Vương")
    );
    assert_eq!(page.body.matches("<td>Chưa tải lên</td>").count(), 2);
    let csrf = hidden(&page.body, "csrf");

    // Without the token, or with another: refused.
    let r = post_form(
        &format!("{period}/issue"),
        &session,
        &[("unit", "thpt-trungvuong")],
    );
    assert_eq!(r.status, 403);
    let r = post_form(
        &format!("{period}/issue"),
        &session,
        &[("unit", "thpt-trungvuong"), ("csrf", "0")],
    );
    assert_eq!(r.status, 403);
    // A unit not in the registry, a period the calendar does not know.
    let r = post_form(
        &format!("{period}/issue"),
        &session,
        &[("unit", "thpt-khong-co"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        get_with(&format!("{base}/office/p/2022-Q5"), &session).status,
        404
    );

    let r = post_form(
        &format!("{period}/issue"),
        &session,
        &[("unit", "thpt-trungvuong"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 200);
    let at = r.body.find("<code>/u/").expect("the new link") + "<code>".len();
    let link = r.body[at..].split('<').next().expect("link").to_string();
    let (status, _) = upload(
        &format!("{base}{link}/upload"),
        &[("tv.xlsx", sample("THPT_TrungVuong_Q1_2022.xlsx"))],
    );
    assert_eq!(status, 303);
    assert_eq!(send(&format!("{base}{link}/send"), "1"), 303);
    let page = get_with(&period, &session);
    assert!(
        page.body.contains("Đã gửi bản 1, không lỗi"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("<td>Chưa tải lên</td>").count(), 1);

    // Revoked from the page: the unit's link is refused.
    let id = link["/u/".len()..]
        .split('.')
        .next()
        .expect("number")
        .to_string();
    let r = post_form(
        &format!("{period}/revoke"),
        &session,
        &[("link", &id), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    assert_eq!(get_with(&format!("{base}{link}"), "").status, 403);
    assert!(get_with(&period, &session).body.contains("(đã thu hồi)"));
}

/// The office consolidates the sent versions from the page and downloads the workbook:
/// the same bytes as `consolidate` over the same files, named as the page names them
/// (`<unit name> <k>.<ext>`, so a file naming no unit is still its sender's).
#[test]
fn the_office_consolidates_on_demand() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    let store = Store::open(dir.path()).expect("store");
    store.set_office_password(PASSWORD).expect("password");
    let token = store
        .issue_link("thpt-trungvuong", "2022-Q1")
        .expect("link");
    let file = sample("THPT_TrungVuong_Q1_2022.xlsx");
    let (status, _) = upload(
        &format!("{base}/u/{token}/upload"),
        &[("tv.xlsx", file.clone())],
    );
    assert_eq!(status, 303);
    let session = log_in(&base);
    let period = format!("{base}/office/p/2022-Q1");
    let csrf = hidden(&get_with(&period, &session).body, "csrf");
    // Nothing sent yet: nothing to consolidate.
    let r = post_form(
        &format!("{period}/consolidate"),
        &session,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 409);
    assert_eq!(send(&format!("{base}/u/{token}/send"), "1"), 303);
    assert_eq!(
        post_form(&format!("{period}/consolidate"), &session, &[]).status,
        403
    );
    let r = post_form(
        &format!("{period}/consolidate"),
        &session,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    let page = get_with(&period, &session).body;
    assert!(
        page.contains("Lần tổng hợp 1") && page.contains("/out/1/tong-hop.xlsx"),
        "{page}"
    );
    assert!(page.contains("/out/1/xuat/attainment.csv"));
    assert!(page.contains("/out/1/bao-cao.docx") && page.contains("/out/1/phan-hoi/"));

    let url = format!("{period}/out/1/tong-hop.xlsx");
    assert_eq!(get_with(&url, "").status, 303, "the office's only");
    let (status, got) = common::get_bytes(&url, &session);
    assert_eq!(status, 200);
    for bad in ["../../cchc.db", "..%2F..%2Fcchc.db", "tong-hop.xlsx%00"] {
        assert_eq!(
            get_with(&format!("{period}/out/1/{bad}"), &session).status,
            404,
            "{bad}"
        );
    }

    // The files read are kept beside, named as the page names them; consolidate run
    // again on them writes the same workbook.
    let kept = dir.path().join("outputs/2022-Q1/1/nop");
    let names: Vec<String> = std::fs::read_dir(&kept)
        .expect("nop")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Trường THPT Trưng Vương 1.xlsx"]);
    assert!(std::fs::read(kept.join(&names[0])).expect("kept") == file);
    let by_hand = tempfile::tempdir().expect("dir");
    let out = by_hand.path().join("tong-hop.xlsx");
    cchc::Options {
        period: Some("2022-Q1".into()),
        feedback: Some(by_hand.path().join("phan-hoi")),
        ..cchc::Options::new([&kept])
    }
    .validate()
    .expect("options")
    .consolidate(&out, Some(&by_hand.path().join("xuat")), &mut (), &|| {})
    .expect("consolidate");
    assert!(
        got == std::fs::read(&out).expect("workbook"),
        "the same workbook"
    );
}

/// A sheet of links for every unit without a live one, to mail-merge: each link opens
/// its unit's page; asked again, it issues none; after a revocation, that unit's alone.
#[test]
fn a_sheet_of_links_to_mail_merge() {
    let dir = tempfile::tempdir().expect("dir");
    let base = start(dir.path(), Limits::default());
    Store::open(dir.path())
        .expect("store")
        .set_office_password(PASSWORD)
        .expect("password");
    let session = log_in(&base);
    let period = format!("{base}/office/p/2022-Q1");
    let csrf = hidden(&get_with(&period, &session).body, "csrf");
    assert_eq!(
        post_form(&format!("{period}/issue-all"), &session, &[]).status,
        403
    );
    let r = post_form(&format!("{period}/issue-all"), &session, &[("csrf", &csrf)]);
    assert_eq!(r.status, 200);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines[0], "\u{feff}unit_id,ten_don_vi,ky,duong_dan");
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (line, (unit, name)) in lines[1..].iter().zip([
        ("thpt-namkhoaichau", "Trường THPT Nam Khoái Châu"),
        ("thpt-trungvuong", "Trường THPT Trưng Vương"),
    ]) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(&fields[..3], [unit, name, "2022-Q1"]);
        let path = &fields[3][fields[3].find("/u/").expect("a link")..];
        let page = get_with(&format!("{base}{path}"), "");
        assert_eq!(page.status, 200);
        assert!(page.body.contains(name));
    }
    let again = post_form(&format!("{period}/issue-all"), &session, &[("csrf", &csrf)]);
    assert_eq!(again.body.lines().count(), 1, "no unit without a live link");
    let first = lines[1].split(',').nth(3).expect("link");
    let id = first[first.find("/u/").expect("link") + 3..]
        .split('.')
        .next()
        .expect("id");
    let r = post_form(
        &format!("{period}/revoke"),
        &session,
        &[("link", id), ("csrf", &csrf)],
    );
    assert_eq!(r.status, 303);
    let after = post_form(&format!("{period}/issue-all"), &session, &[("csrf", &csrf)]);
    let rows: Vec<&str> = after.body.lines().skip(1).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("thpt-namkhoaichau,"));
}
