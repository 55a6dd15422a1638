//! The office's pages: login (argon2 password, a session cookie HttpOnly and
//! SameSite=Strict, failed logins slowed down), every unit's state for a period, links
//! issued and revoked. Every form carries the session's CSRF token (the login form a
//! token it shares with a cookie).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use subtle::ConstantTimeEq;

use crate::http::{failed, refused, App};
use crate::pages;
use crate::store::{Session, SESSION_HOURS};

mod period;

pub(crate) use period::{
    acknowledge, consolidate, issue, issue_all, output, period_page, revoke, unit_page,
};

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

/// The attributes every cookie of the office has: not for scripts, not sent by another
/// site's page, and only over HTTPS when the server is reached over it (behind the
/// province's proxy, `--public-url https://…`).
fn cookie_attributes(app: &App) -> &'static str {
    if app.public_url.starts_with("https://") {
        "HttpOnly; SameSite=Strict; Secure"
    } else {
        "HttpOnly; SameSite=Strict"
    }
}

/// Equal, compared in constant time.
fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The office's session, or the way to the login page.
pub(crate) fn session(app: &App, headers: &HeaderMap) -> Result<(String, Session), Box<Response>> {
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

pub(crate) async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let (_, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let label = |key: &str| {
        app.period(key)
            .map_or_else(|| key.to_string(), |p| p.label_vi())
    };
    let periods: Vec<(String, String)> = match app.store.periods() {
        Ok(p) => p
            .into_iter()
            .map(|k| {
                let l = label(&k);
                (k, l)
            })
            .collect(),
        Err(e) => return failed(e),
    };
    // This year's and last year's periods, offered to open.
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let offered: Vec<(String, String)> = [year, year - 1]
        .into_iter()
        .flat_map(|y| {
            ["Q1", "Q2", "Q3", "Q4", "H1", "9M"]
                .into_iter()
                .map(move |k| format!("{y}-{k}"))
                .chain(std::iter::once(y.to_string()))
        })
        .filter(|k| app.period(k).is_some())
        .map(|k| {
            let l = label(&k);
            (k, l)
        })
        .collect();
    Html(pages::office_home(&periods, &offered, &s.csrf)).into_response()
}

#[derive(serde::Deserialize)]
pub(crate) struct OpenPeriod {
    #[serde(default)]
    ky: String,
}

/// The home page's "open a period" form: to its page, when the calendar knows it.
pub(crate) async fn open_period(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<OpenPeriod>,
) -> Response {
    if let Err(r) = session(&app, &headers) {
        return *r;
    }
    let key = q.ky.trim();
    match app.period(key) {
        Some(p) => Redirect::to(&format!("/office/p/{p}")).into_response(),
        None => refused(
            StatusCode::NOT_FOUND,
            "Kỳ báo cáo không đúng (ví dụ đúng: 2022-Q1, 2022-H1, 2022-9M, 2022-M03, 2022).",
        ),
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
            format!(
                "{LOGIN_COOKIE}={token}; {}; Path=/office",
                cookie_attributes(&app)
            ),
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
                        "{SESSION_COOKIE}={token}; {}; Path=/; Max-Age={}",
                        cookie_attributes(&app),
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
    pub(crate) csrf: String,
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
                format!(
                    "{SESSION_COOKIE}=; {}; Path=/; Max-Age=0",
                    cookie_attributes(&app)
                ),
            )],
            Redirect::to("/office/login"),
        )
            .into_response(),
        Err(e) => failed(e),
    }
}
