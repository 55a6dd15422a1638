//! What the HTTP tests share: a server on loopback, a small client.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cchc_domain::unit::{Registry, Unit};
use cchc_serve::{App, CheckSettings, Limits, Store};

pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

/// A server on the data folder `dir`; its base address.
pub fn start(dir: &Path, limits: Limits) -> String {
    start_with(dir, limits, two_units())
}

/// The two schools the pages of the tests list (the check reads with the embedded
/// registry, which has them).
pub fn two_units() -> Registry {
    Registry::from_units(vec![
        Unit::new(
            "thpt-namkhoaichau",
            "Trường THPT Nam Khoái Châu",
            "school",
            "Khoái Châu",
        ),
        Unit::new(
            "thpt-trungvuong",
            "Trường THPT Trưng Vương",
            "school",
            "Văn Lâm",
        ),
    ])
}

/// A server on `dir` whose pages list `registry`'s units; its base address.
pub fn start_with(dir: &Path, limits: Limits, registry: Registry) -> String {
    start_app(App::new(
        Store::open(dir).expect("store"),
        CheckSettings::default(),
        registry,
        limits,
    ))
}

/// A server of `app`; its base address.
pub fn start_app(app: App) -> String {
    let app = Arc::new(app);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || runtime.block_on(cchc_serve::serve(listener, app)));
    format!("http://{addr}")
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Status and body of a GET.
pub fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().expect("GET");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().expect("body"))
}

/// Posts `files` (name, bytes) as a multipart form: the status and where it leads.
pub fn upload(url: &str, files: &[(&str, Vec<u8>)]) -> (u16, String) {
    try_upload(url, files).expect("POST")
}

/// [`upload`], `None` when the connection fails.
pub fn try_upload(url: &str, files: &[(&str, Vec<u8>)]) -> Option<(u16, String)> {
    let boundary = "cchc-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut r = agent()
        .post(url)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .ok()?;
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = r.body_mut().read_to_string().unwrap_or_default();
    Some((status, location.unwrap_or(text)))
}

pub fn send(url: &str, version: &str) -> u16 {
    agent()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("version={version}").as_bytes())
        .expect("POST")
        .status()
        .as_u16()
}

pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(samples().join(name)).expect("sample")
}

/// A response's status, the values of its `Set-Cookie` headers (name=value only), where
/// it leads and its body.
pub struct Reply {
    pub status: u16,
    pub cookies: Vec<String>,
    pub set_cookie: Vec<String>,
    pub location: Option<String>,
    pub body: String,
}

fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    Reply {
        status: r.status().as_u16(),
        cookies: set_cookie
            .iter()
            .filter_map(|c| c.split(';').next().map(str::to_string))
            .collect(),
        set_cookie,
        location: r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// A GET with `cookie` (`name=value; …`, or empty).
pub fn get_with(url: &str, cookie: &str) -> Reply {
    let mut req = agent().get(url);
    if !cookie.is_empty() {
        req = req.header("Cookie", cookie);
    }
    reply(req.call().expect("GET"))
}

/// Status and bytes of a GET with `cookie` (a download).
pub fn get_bytes(url: &str, cookie: &str) -> (u16, Vec<u8>) {
    let mut req = agent().get(url);
    if !cookie.is_empty() {
        req = req.header("Cookie", cookie);
    }
    let mut r = req.call().expect("GET");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_vec().expect("bytes"))
}

/// A form posted with `cookie`.
pub fn post_form(url: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
    let body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    let mut req = agent()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        req = req.header("Cookie", cookie);
    }
    reply(req.send(body.join("&").as_bytes()).expect("POST"))
}

/// Percent-encoding of a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the hidden field `name` in a page (the first one).
pub fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).map(|i| i + key.len()).expect("the field");
    html[at..].split('"').next().unwrap_or_default().to_string()
}

/// The office's password in the tests.
pub const PASSWORD: &str = "mật khẩu văn phòng 2022";

/// Logs in through the page: the session cookie (`name=value`).
pub fn log_in(base: &str) -> String {
    let (_, r) = log_in_replies(base);
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/office")));
    r.cookies[0].clone()
}

/// The login page's reply and the reply to posting the password from it.
pub fn log_in_replies(base: &str) -> (Reply, Reply) {
    let page = get_with(&format!("{base}/office/login"), "");
    let csrf = hidden(&page.body, "csrf");
    let r = post_form(
        &format!("{base}/office/login"),
        &page.cookies.join("; "),
        &[("password", PASSWORD), ("csrf", &csrf)],
    );
    (page, r)
}
