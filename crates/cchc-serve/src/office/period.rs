//! The office's pages of a period: every unit's state and the attainment summary, a
//! unit's versions and findings, links issued and revoked, versions taken in,
//! consolidation on demand and its files.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;

use super::{csrf_ok, session, CsrfForm};
use crate::http::{failed, refused, App};
use crate::pages;
use crate::store::Session;

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
    known_period(app, period)?;
    Ok(s)
}

/// A period the calendar knows, written as its key is (`2022-Q1`, not `2022-q1`: links
/// and versions are kept under the key), or the page refusing it — a page asked for
/// under another spelling is sent to the key's.
fn known_period(app: &App, period: &str) -> Result<(), Box<Response>> {
    match app.period(period) {
        Some(p) if p.to_string() == period => Ok(()),
        Some(p) => Err(Box::new(
            Redirect::to(&format!("/office/p/{p}")).into_response(),
        )),
        None => Err(Box::new(refused(
            StatusCode::NOT_FOUND,
            "Kỳ báo cáo không đúng (ví dụ đúng: 2022-Q1, 2022-H1, 2022-M03, 2022).",
        ))),
    }
}

/// What the period's page was asked to show (`?trang-thai=gui-con-loi&tim=Văn Lâm`).
#[derive(serde::Deserialize, Default)]
pub(crate) struct FilterQuery {
    #[serde(default, rename = "trang-thai")]
    state: String,
    #[serde(default, rename = "tim")]
    text: String,
}

pub(crate) async fn period_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Response {
    let (_, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Err(r) = known_period(&app, &period) {
        return *r;
    }
    let filter = pages::Filter {
        state: pages::State::parse(&q.state),
        text: q.text.chars().take(100).collect(),
    };
    period_view(&app, &period, &s, None, &filter).await
}

/// Every unit expected in `period` with its links and versions.
fn unit_rows(app: &App, period: &str) -> Result<Vec<pages::UnitRow>, crate::Error> {
    let links = app.store.links_of_period(period)?;
    app.units_for(period)
        .into_iter()
        .map(|(unit_id, name)| unit_row(app, period, &links, unit_id, name))
        .collect()
}

/// One unit's row: its links among the period's `links`, its versions.
fn unit_row(
    app: &App,
    period: &str,
    links: &[crate::store::Link],
    unit_id: String,
    name: String,
) -> Result<pages::UnitRow, crate::Error> {
    Ok(pages::UnitRow {
        versions: app.store.versions(&unit_id, period)?,
        links: links
            .iter()
            .filter(|l| l.unit_id == unit_id)
            .cloned()
            .collect(),
        unit_id,
        name,
    })
}

async fn period_view(
    app: &Arc<App>,
    period: &str,
    s: &Session,
    issued: Option<(&str, &str)>,
    filter: &pages::Filter,
) -> Response {
    let rows = match unit_rows(app, period) {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let summary = crate::summary::current(app, period).await;
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
        period,
        &rows,
        &s.csrf,
        issued,
        &outputs,
        filter,
        summary.as_deref().map_err(String::as_str),
    ))
    .into_response()
}

/// A unit's page in a period: its versions and their findings.
pub(crate) async fn unit_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((period, unit)): Path<(String, String)>,
) -> Response {
    let (_, s) = match session(&app, &headers) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Err(r) = known_period(&app, &period) {
        return *r;
    }
    // A unit not expected in the period may still have sent (a link issued before it
    // closed): its page is shown all the same.
    if app.registry.get(&unit).is_none() {
        return refused(StatusCode::NOT_FOUND, "Đơn vị không có trong danh mục.");
    }
    let name = app.unit_name(&unit, &period);
    let row = match app
        .store
        .links_of_period(&period)
        .and_then(|links| unit_row(&app, &period, &links, unit, name))
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    Html(pages::office_unit(&period, &row, &s.csrf)).into_response()
}

#[derive(serde::Deserialize)]
pub(crate) struct AcknowledgeForm {
    #[serde(default)]
    csrf: String,
    unit: String,
    version: i64,
}

/// The office takes a unit's sent version in.
pub(crate) async fn acknowledge(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(period): Path<String>,
    Form(f): Form<AcknowledgeForm>,
) -> Response {
    if let Err(r) = period_form(&app, &headers, &f.csrf, &period) {
        return *r;
    }
    match app.store.acknowledge(&f.unit, &period, f.version) {
        Ok(true) => {
            Redirect::to(&format!("/office/p/{period}/dv/{}", pages::href(&f.unit))).into_response()
        }
        Ok(false) => refused(
            StatusCode::NOT_FOUND,
            "Không có bản đã gửi này của đơn vị (hoặc Sở đã tiếp nhận bản này).",
        ),
        Err(e) => failed(e),
    }
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
        let units = worker.unit_names(&p);
        crate::consolidate::consolidate(&worker.store, &worker.settings, &units, &p)
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
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("parquet") => "application/vnd.apache.parquet",
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
    if !app.units_for(&period).contains_key(&f.unit) {
        let why = match app.registry.get(&f.unit) {
            None => "Đơn vị không có trong danh mục.".to_string(),
            Some(u) => format!(
                "Đơn vị \"{}\" không hoạt động vào ngày cuối kỳ {period}{}: không cấp đường dẫn cho kỳ này.",
                u.name,
                u.successor
                    .as_deref()
                    .map(|s| format!(" (đơn vị kế tục: {})", app.unit_name(s, &period)))
                    .unwrap_or_default()
            ),
        };
        return refused(StatusCode::NOT_FOUND, &why);
    }
    match app.store.issue_link(&f.unit, &period) {
        Ok(token) => {
            period_view(
                &app,
                &period,
                &s,
                Some((&f.unit, &token)),
                &pages::Filter::default(),
            )
            .await
        }
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
    for (unit_id, name) in app.units_for(&period) {
        if links.iter().any(|l| l.unit_id == unit_id && !l.revoked) {
            continue;
        }
        let token = match app.store.issue_link(&unit_id, &period) {
            Ok(t) => t,
            Err(e) => return failed(e),
        };
        sheet.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_field(&unit_id),
            csv_field(&name),
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
