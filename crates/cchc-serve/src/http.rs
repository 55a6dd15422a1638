//! The HTTP side: routes, limits, security headers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use cchc_domain::period::{Calendar, Period};
use cchc_domain::unit::Registry;

use crate::check::{check_files, counts, to_json, CheckSettings};
use crate::pages;
use crate::store::{Link, Store, StoredFile};

/// Upload limits (DOMAIN.md §12; the reading limits of §5 apply inside the check).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of one upload (every file of it together).
    pub upload_bytes: usize,
    /// Files in one upload.
    pub files: usize,
    /// Uploads one link may make in a minute (a unit fixing its report uploads a few;
    /// a script gone wrong is stopped).
    pub uploads_per_minute: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            upload_bytes: 64 << 20,
            files: 20,
            uploads_per_minute: 60,
        }
    }
}

/// What every request shares.
pub struct App {
    /// The data folder.
    pub store: Store,
    /// How uploads are checked.
    pub settings: CheckSettings,
    /// The registry (the units expected in a period are those valid on its last day).
    pub registry: Registry,
    /// The reporting calendar (the periods' keys and last days).
    pub calendar: Calendar,
    /// Upload limits.
    pub limits: Limits,
    /// When the office's recent failed logins were.
    pub(crate) failed_logins: std::sync::Mutex<std::collections::VecDeque<std::time::Instant>>,
    /// Each period's attainment summary, as last computed.
    pub(crate) summaries: std::sync::Mutex<BTreeMap<String, Arc<crate::summary::Summary>>>,
    /// When each link's recent uploads were.
    uploads: std::sync::Mutex<BTreeMap<i64, std::collections::VecDeque<std::time::Instant>>>,
    /// The address units reach the server at, put before the links' paths in the sheet
    /// of links (`http://127.0.0.1:8080` unless told).
    pub public_url: String,
}

impl App {
    /// The server's shared state: `registry` should be the one `settings` name (the
    /// units the pages list and the check ties files to).
    pub fn new(store: Store, settings: CheckSettings, registry: Registry, limits: Limits) -> App {
        App {
            store,
            settings,
            registry,
            calendar: Calendar::official(),
            limits,
            failed_logins: Default::default(),
            summaries: Default::default(),
            uploads: Default::default(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }

    /// Whether link `id` may upload now (fewer than [`Limits::uploads_per_minute`] in the
    /// last minute); the upload counted when it may.
    fn may_upload(&self, id: i64) -> bool {
        let mut all = self.uploads.lock().unwrap_or_else(|p| p.into_inner());
        let recent = all.entry(id).or_default();
        while recent
            .front()
            .is_some_and(|t| t.elapsed() > std::time::Duration::from_secs(60))
        {
            recent.pop_front();
        }
        if recent.len() >= self.limits.uploads_per_minute {
            return false;
        }
        recent.push_back(std::time::Instant::now());
        true
    }

    /// The period of `key`, when the calendar knows it.
    pub fn period(&self, key: &str) -> Option<Period> {
        cchc::parse_period(key, &self.calendar).ok()
    }

    /// The units expected to report for `period` (valid on its last day; DOMAIN.md §9),
    /// their names as then, by id.
    pub fn units_for(&self, period: &str) -> BTreeMap<String, String> {
        let day = self.period(period).and_then(|p| self.calendar.last_day(p));
        self.registry
            .as_of(day)
            .units()
            .iter()
            .map(|u| (u.unit_id.clone(), u.name.clone()))
            .collect()
    }

    /// Every registry unit's name in `period`: as then for the units valid then, the
    /// latest for the others (a link issued before a unit closed may still have sent).
    pub fn unit_names(&self, period: &str) -> BTreeMap<String, String> {
        let mut names: BTreeMap<String, String> = self
            .registry
            .as_of(None)
            .units()
            .iter()
            .map(|u| (u.unit_id.clone(), u.name.clone()))
            .collect();
        names.extend(self.units_for(period));
        names
    }

    /// The name of unit `id` in `period` (see [`App::unit_names`]; its id when the
    /// registry does not know it).
    pub fn unit_name(&self, id: &str, period: &str) -> String {
        self.unit_names(period)
            .remove(id)
            .unwrap_or_else(|| id.to_string())
    }

    /// The address units reach the server at (the province's proxy, say).
    pub fn with_public_url(mut self, url: &str) -> App {
        self.public_url = url.trim_end_matches('/').to_string();
        self
    }
}

/// The server's routes over `app`.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.limits.upload_bytes;
    Router::new()
        .route("/style.css", get(style))
        .route("/upload.js", get(script))
        .route("/u/{token}", get(unit_page))
        .route("/u/{token}/upload", post(upload))
        .route("/u/{token}/send", post(send))
        .route("/office", get(crate::office::home))
        .route(
            "/office/login",
            get(crate::office::login_page).post(crate::office::login),
        )
        .route("/office/logout", post(crate::office::logout))
        .route("/office/ky", get(crate::office::open_period))
        .route("/office/p/{period}", get(crate::office::period_page))
        .route("/office/p/{period}/issue", post(crate::office::issue))
        .route("/office/p/{period}/revoke", post(crate::office::revoke))
        .route(
            "/office/p/{period}/acknowledge",
            post(crate::office::acknowledge),
        )
        .route(
            "/office/p/{period}/dv/{unit}",
            get(crate::office::unit_page),
        )
        .route(
            "/office/p/{period}/issue-all",
            post(crate::office::issue_all),
        )
        .route(
            "/office/p/{period}/consolidate",
            post(crate::office::consolidate),
        )
        .route(
            "/office/p/{period}/out/{n}/{*file}",
            get(crate::office::output),
        )
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

/// Serves `app` on `listener` until the process ends.
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}

/// Every response: no framing, no sniffing, no scripts or styles but the server's own,
/// forms only to itself, no referrer (a unit's link holds its secret).
async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        h.insert(name, HeaderValue::from_static(value));
    }
    r
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        pages::style(),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        pages::upload_script(),
    )
}

pub(crate) fn refused(status: StatusCode, why: &str) -> Response {
    (status, Html(pages::refused(why))).into_response()
}

pub(crate) fn failed(e: crate::Error) -> Response {
    eprintln!("cchc serve: {e}");
    refused(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Máy chủ gặp lỗi khi xử lý yêu cầu; dữ liệu đã gửi trước đó không bị ảnh hưởng.",
    )
}

/// The link a token opens, or the page refusing it.
fn open_link(app: &App, token: &str) -> Result<Link, Box<Response>> {
    let refusal = match app.store.link(token) {
        Ok(Some(link)) if !link.revoked => return Ok(link),
        Ok(Some(_)) => refused(StatusCode::FORBIDDEN, "Đường dẫn này đã bị thu hồi."),
        Ok(None) => refused(
            StatusCode::NOT_FOUND,
            "Đường dẫn không đúng (thiếu hoặc sai mã).",
        ),
        Err(e) => failed(e),
    };
    Err(Box::new(refusal))
}

async fn unit_page(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let link = match open_link(&app, &token) {
        Ok(l) => l,
        Err(r) => return *r,
    };
    match app.store.versions(&link.unit_id, &link.period) {
        Ok(versions) => {
            let name = app.unit_name(&link.unit_id, &link.period);
            Html(pages::unit_page(&link, &name, &token, &versions)).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn upload(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    mut form: Multipart,
) -> Response {
    let link = match open_link(&app, &token) {
        Ok(l) => l,
        Err(r) => return *r,
    };
    if !app.may_upload(link.id) {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Đường dẫn này đã tải lên {} lần trong một phút: hãy đợi một phút rồi tải lên lại.",
                app.limits.uploads_per_minute
            ),
        );
    }
    let mut files: Vec<StoredFile> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!(
                        "Không nhận được tệp (quá {} MB, hoặc tải lên bị ngắt): {}",
                        app.limits.upload_bytes >> 20,
                        e.body_text()
                    ),
                )
            }
        };
        // The name is shown, never used as a path: only its last part, at most 200
        // characters.
        let name: String = field
            .file_name()
            .unwrap_or("tệp")
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("tệp")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("Không nhận được tệp \"{name}\": {}", e.body_text()),
                )
            }
        };
        if bytes.is_empty() {
            continue;
        }
        if files.len() == app.limits.files {
            return refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("Mỗi lần tải lên tối đa {} tệp.", app.limits.files),
            );
        }
        match app.store.put_file(&bytes) {
            Ok(sha256) => files.push(StoredFile {
                name,
                sha256,
                size: bytes.len() as u64,
            }),
            Err(e) => return failed(e),
        }
    }
    if files.is_empty() {
        return refused(StatusCode::BAD_REQUEST, "Chưa chọn tệp nào để tải lên.");
    }
    // The check reads workbooks: on a blocking thread, a panic inside it a failed
    // request, not a dead server.
    let worker = app.clone();
    let (unit, period) = (link.unit_id.clone(), link.period.clone());
    let checked = tokio::task::spawn_blocking(move || {
        check_files(&worker.store, &worker.settings, &files, &unit, &period)
            .map(|found| (files, found))
    })
    .await;
    let (files, found) = match checked {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return failed(e),
        Err(_) => return failed(crate::Error::Check("the check of an upload stopped".into())),
    };
    match app
        .store
        .add_version(&link, &files, counts(&found), &to_json(&found))
    {
        Ok(_) => Redirect::to(&format!("/u/{token}")).into_response(),
        Err(e) => failed(e),
    }
}

/// The send form.
#[derive(serde::Deserialize)]
struct SendForm {
    version: i64,
}

async fn send(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Form(f): Form<SendForm>,
) -> Response {
    let link = match open_link(&app, &token) {
        Ok(l) => l,
        Err(r) => return *r,
    };
    match app.store.send(&link, f.version) {
        Ok(true) => Redirect::to(&format!("/u/{token}")).into_response(),
        Ok(false) => refused(
            StatusCode::NOT_FOUND,
            "Không có bản này trong các bản của đơn vị (hoặc bản đã được gửi).",
        ),
        Err(e) => failed(e),
    }
}
