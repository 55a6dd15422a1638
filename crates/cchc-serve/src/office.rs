//! The office's pages: login (argon2 password, a session cookie HttpOnly and
//! SameSite=Strict, failed logins slowed down), every unit's state for a period, links
//! issued and revoked. Every form carries the session's CSRF token (the login form a
//! token it shares with a cookie).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use subtle::ConstantTimeEq;

use crate::http::{failed, refused, App};
use crate::pages;
use crate::store::{Session, SESSION_HOURS};

const SESSION_COOKIE: &str = "cchc_session";
const LOGIN_COOKIE: &str = "cchc_login";

/// Failed logins allowed in [`FAILURE_WINDOW`] before the next ones are refused unheard.
const MAX_FAILURES: usize = 10;
const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Equal, compared in constant time.
fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The office's session, or the way to the login page.
fn session(app: &App, headers: &HeaderMap) -> Result<(String, Session), Box<Response>> {
    let token = cookie(headers, SESSION_COOKIE).unwrap_or_default();
    match app.store.session(token) {
        Ok(Some(s)) => Ok((token.to_string(), s)),
        Ok(None) => Err(Box::new(Redirect::to("/office/login").into_response())),
        Err(e) => Err(Box::new(failed(e))),
    }
}

/// A form's CSRF token checked against the session's.
fn csrf_ok(s: &Session, given: &str) -> Result<(), Box<Response>> {
    if same(&s.csrf, given) {
        Ok(())
    } else {
        Err(Box::new(refused(
            StatusCode::FORBIDDEN,
            "Biểu mẫu hết hạn hoặc không gửi từ trang của Sở (thiếu mã chống giả mạo). Hãy tải lại trang rồi làm lại.",
        )))
    }
}

/// A form posted to a period's page: the office's session, the session's CSRF token,
/// a period the calendar knows — or the page refusing it.
fn period_form(
    app: &App,
    headers: &HeaderMap,
    csrf: &str,
    period: &str,
) -> Result<Session, Box<Response>> {
    let (_, s) = session(app, headers)?;
    csrf_ok(&s, csrf)?;
    known_period(period)?;
    Ok(s)
}

pub(crate) async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let (_, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    match app.store.periods() {
        Ok(periods) => Html(pages::office_home(&periods, &s.csrf)).into_response(),
        Err(e) => failed(e),
    }
}

pub(crate) async fn login_page(State(app): State<Arc<App>>) -> Response {
    let token = match crate::store::secret() {
        Ok(t) => t,
        Err(e) => return failed(e),
    };
    let set = app.store.has_office_password().unwrap_or(false);
    (
        [(
            header::SET_COOKIE,
            format!("{LOGIN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/office"),
        )],
        Html(pages::login(&token, set, None)),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub(crate) struct LoginForm {
    password: String,
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn login(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same(expected, &f.csrf) {
        return refused(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đăng nhập hết hạn hoặc không gửi từ trang của Sở. Hãy tải lại trang đăng nhập.",
        );
    }
    {
        let mut failures = app.failed_logins.lock().unwrap_or_else(|p| p.into_inner());
        while failures
            .front()
            .is_some_and(|t| t.elapsed() > FAILURE_WINDOW)
        {
            failures.pop_front();
        }
        if failures.len() >= MAX_FAILURES {
            return refused(
                StatusCode::TOO_MANY_REQUESTS,
                "Đăng nhập sai quá nhiều lần: hãy đợi một phút rồi thử lại.",
            );
        }
    }
    let password = f.password;
    let worker = app.clone();
    // argon2 takes a while on purpose: off the async threads.
    let ok = tokio::task::spawn_blocking(move || worker.store.check_office_password(&password))
        .await
        .unwrap_or(Ok(false));
    match ok {
        Ok(true) => match app.store.new_session() {
            Ok((token, _)) => (
                [(
                    header::SET_COOKIE,
                    format!(
                        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
                        SESSION_HOURS * 3600
                    ),
                )],
                Redirect::to("/office"),
            )
                .into_response(),
            Err(e) => failed(e),
        },
        Ok(false) => {
            app.failed_logins
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push_back(Instant::now());
            let _ = app.store.audit("office", "login.failed", "");
            (
                StatusCode::UNAUTHORIZED,
                Html(pages::login(expected, true, Some("Mật khẩu không đúng."))),
            )
                .into_response()
        }
        Err(e) => failed(e),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (token, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Err(r) = csrf_ok(&s, &f.csrf) {
        return *r;
    }
    match app.store.end_session(&token) {
        Ok(()) => (
            [(
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
            )],
            Redirect::to("/office/login"),
        )
            .into_response(),
        Err(e) => failed(e),
    }
}

/// A period the calendar knows, or the page refusing it.
fn known_period(period: &str) -> Result<(), Box<Response>> {
    let known = cchc::load_calendar(None)
        .ok()
        .is_some_and(|c| cchc::parse_period(period, &c).is_ok());
    if known {
        Ok(())
    } else {
        Err(Box::new(refused(
            StatusCode::NOT_FOUND,
            "Kỳ báo cáo không đúng (ví dụ đúng: 2022-Q1, 2022-H1, 2022-M03, 2022).",
        )))
    }
}

pub(crate) async fn period_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
) -> Response {
    let (_, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Err(r) = known_period(&period) {
        return *r;
    }
    period_view(&app, &period, &s, None)
}

fn period_view(app: &App, period: &str, s: &Session, issued: Option<(&str, &str)>) -> Response {
    let links = match app.store.links_of_period(period) {
        Ok(l) => l,
        Err(e) => return failed(e),
    };
    let mut rows = Vec::new();
    for (unit_id, name) in &app.units {
        let versions = match app.store.versions(unit_id, period) {
            Ok(v) => v,
            Err(e) => return failed(e),
        };
        let own: Vec<_> = links
            .iter()
            .filter(|l| l.unit_id == *unit_id)
            .cloned()
            .collect();
        rows.push(pages::UnitRow {
            unit_id: unit_id.clone(),
            name: name.clone(),
            links: own,
            versions,
        });
    }
    let outputs: Vec<(u32, Vec<String>)> = app
        .store
        .outputs(period)
        .into_iter()
        .filter_map(|n| {
            let dir = app.store.output_dir(period, n)?;
            Some((n, crate::consolidate::output_files(&dir)))
        })
        .collect();
    Html(pages::office_period(
        period, &rows, &s.csrf, issued, &outputs,
    ))
    .into_response()
}

pub(crate) async fn consolidate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = period_form(&app, &headers, &f.csrf, &period) {
        return *r;
    }
    let worker = app.clone();
    let p = period.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::consolidate::consolidate(&worker.store, &worker.settings, &worker.units, &p)
    })
    .await;
    match done {
        Ok(Ok(_)) => Redirect::to(&format!("/office/p/{period}#ket-qua")).into_response(),
        Ok(Err(crate::Error::Check(why))) => {
            refused(StatusCode::CONFLICT, &format!("Chưa tổng hợp được: {why}"))
        }
        Ok(Err(e)) => failed(e),
        Err(_) => failed(crate::Error::Check("the consolidation stopped".into())),
    }
}

/// A file a consolidation wrote: only one of those listed for it (a path from the
/// request is compared with that list, never joined to a folder as given).
pub(crate) async fn output(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((period, n, file)): Path<(String, u32, String)>,
) -> Response {
    if let Err(r) = session(&app, &headers) {
        return *r;
    }
    let Some(dir) = app.store.output_dir(&period, n) else {
        return refused(StatusCode::NOT_FOUND, "Không có tệp này.");
    };
    let listed = crate::consolidate::output_files(&dir);
    let Some(rel) = listed.iter().find(|l| **l == file) else {
        return refused(StatusCode::NOT_FOUND, "Không có tệp này.");
    };
    let bytes = match std::fs::read(rel.split('/').fold(dir.clone(), |p, part| p.join(part))) {
        Ok(b) => b,
        Err(e) => return failed(e.into()),
    };
    let kind = match rel.rsplit_once('.').map(|(_, e)| e) {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    };
    let base = rel.rsplit('/').next().unwrap_or("tep");
    let ascii: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub(crate) struct IssueForm {
    #[serde(default)]
    csrf: String,
    unit: String,
}

pub(crate) async fn issue(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Form(f): Form<IssueForm>,
) -> Response {
    let s = match period_form(&app, &headers, &f.csrf, &period) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    if !app.units.contains_key(&f.unit) {
        return refused(StatusCode::NOT_FOUND, "Đơn vị không có trong danh mục.");
    }
    match app.store.issue_link(&f.unit, &period) {
        Ok(token) => period_view(&app, &period, &s, Some((&f.unit, &token))),
        Err(e) => failed(e),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    csrf: String,
    link: i64,
}

pub(crate) async fn revoke(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Response {
    if let Err(r) = period_form(&app, &headers, &f.csrf, &period) {
        return *r;
    }
    match app.store.revoke_link(f.link) {
        Ok(()) => Redirect::to(&format!("/office/p/{period}")).into_response(),
        Err(e) => failed(e),
    }
}

/// A text as a CSV field (quoted when it holds a comma, a quote or a line break; a
/// leading `=`, `+`, `-` or `@` kept from being read as a formula).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Issues a link to every unit without a live one for the period: a sheet of them
/// (CSV, UTF-8 with a BOM for Excel) to mail-merge. The links are in it alone.
pub(crate) async fn issue_all(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = period_form(&app, &headers, &f.csrf, &period) {
        return *r;
    }
    let links = match app.store.links_of_period(&period) {
        Ok(l) => l,
        Err(e) => return failed(e),
    };
    let mut sheet = String::from("\u{feff}unit_id,ten_don_vi,ky,duong_dan\r\n");
    for (unit_id, name) in &app.units {
        if links.iter().any(|l| l.unit_id == *unit_id && !l.revoked) {
            continue;
        }
        let token = match app.store.issue_link(unit_id, &period) {
            Ok(t) => t,
            Err(e) => return failed(e),
        };
        sheet.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_field(unit_id),
            csv_field(name),
            csv_field(&period),
            csv_field(&format!("{}/u/{token}", app.public_url))
        ));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"duong-dan-{period}.csv\""),
            ),
        ],
        sheet,
    )
        .into_response()
}
