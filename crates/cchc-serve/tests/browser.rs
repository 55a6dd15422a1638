//! The whole flow in a real browser: headless Chromium driven through ChromeDriver (the
//! W3C WebDriver protocol, over HTTP). The office logs in and issues a link; the unit
//! uploads a broken file (through the page's own script), sees the finding, uploads the
//! right one and sends; the office consolidates and downloads the workbook, which is read
//! back. A screenshot of every page is kept in `target/browser-screens/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without
//! them the test says so and passes, unless `CCHC_REQUIRE_BROWSER=1` (as in CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use base64::Engine;
use cchc_serve::{Limits, Store};
use serde_json::{json, Value};

const PASSWORD: &str = "mật khẩu văn phòng 2022";

/// ChromeDriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    session: String,
    shots: PathBuf,
    taken: usize,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = common::agent()
            .delete(&format!("{}/session/{}", self.url, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent = common::agent();
    let mut r = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, body) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or(json!({})).to_string().as_bytes()),
    }
    .expect("WebDriver");
    let text = r.body_mut().read_to_string().expect("WebDriver body");
    let v: Value = serde_json::from_str(&text).expect("WebDriver JSON");
    assert!(v["value"].get("error").is_none(), "WebDriver: {text}");
    v["value"].clone()
}

impl Driver {
    fn start() -> Option<Driver> {
        let driver = std::env::var("CCHC_CHROMEDRIVER").unwrap_or("/usr/bin/chromedriver".into());
        let chromium = std::env::var("CCHC_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
        if !Path::new(&driver).exists() || !Path::new(&chromium).exists() {
            assert!(
                std::env::var_os("CCHC_REQUIRE_BROWSER").is_none(),
                "CCHC_REQUIRE_BROWSER is set but {driver} or {chromium} is missing"
            );
            eprintln!("browser test skipped: no {driver} or {chromium} (apt-get install chromium chromium-driver)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .spawn()
            .expect("chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = common::agent()
                .get(&format!("{url}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .is_some_and(|t| t.contains("\"ready\":true"));
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,1000"]
            }
        }}});
        let created = call("POST", &format!("{url}/session"), Some(caps));
        let session = created["sessionId"].as_str().expect("session").to_string();
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screens");
        std::fs::create_dir_all(&shots).expect("screens folder");
        Some(Driver {
            child,
            url,
            session,
            shots,
            taken: 0,
        })
    }

    fn at(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.url, self.session)
    }

    fn go(&self, url: &str) {
        call("POST", &self.at("/url"), Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let r = common::agent()
                .post(&self.at("/element"))
                .header("Content-Type", "application/json")
                .send(
                    json!({"using": "css selector", "value": css})
                        .to_string()
                        .as_bytes(),
                )
                .expect("find")
                .body_mut()
                .read_to_string()
                .expect("body");
            let v: Value = serde_json::from_str(&r).expect("json");
            if let Some(id) = v["value"]
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
            {
                if v["value"].get("error").is_none() {
                    return id.to_string();
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no {css} on the page"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        call(
            "POST",
            &self.at(&format!("/element/{e}/value")),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        call(
            "POST",
            &self.at(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        call("GET", &self.at(&format!("/element/{e}/text")), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page's source holds `needle`; the source.
    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }

    /// Waits until `ok` holds of the page's source (`what` names it); the source.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let source = call("GET", &self.at("/source"), None)
                .as_str()
                .unwrap_or_default()
                .to_string();
            if ok(&source) {
                return source;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "not {what:?}: {source}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&mut self, name: &str) {
        let b64 = call("GET", &self.at("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("PNG");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        self.taken += 1;
        std::fs::write(
            self.shots.join(format!("{:02}-{name}.png", self.taken)),
            png,
        )
        .expect("write");
    }

    fn cookie(&self, name: &str) -> String {
        let v = call("GET", &self.at(&format!("/cookie/{name}")), None);
        format!("{name}={}", v["value"].as_str().expect("cookie value"))
    }
}

#[test]
fn the_whole_flow_in_a_browser() {
    let Some(mut b) = Driver::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let base = common::start(dir.path(), Limits::default());
    Store::open(dir.path())
        .expect("store")
        .set_office_password(PASSWORD)
        .expect("password");

    // The office logs in and issues a link.
    b.go(&format!("{base}/office/login"));
    b.screenshot("dang-nhap");
    b.type_in("input[name=password]", PASSWORD);
    b.click("button[type=submit]");
    b.wait_for("các kỳ báo cáo");
    b.go(&format!("{base}/office/p/2022-Q1"));
    b.wait_for("Trường THPT Trưng Vương");
    b.click("#unit-thpt-trungvuong form[action$='/issue'] button");
    b.wait_for("Đường dẫn mới");
    b.screenshot("cap-duong-dan");
    let link = b.text("p.info code");
    assert!(link.starts_with("/u/"), "{link}");

    // The unit uploads a broken file, sees the finding, uploads the right one, sends.
    let samples = common::samples().canonicalize().expect("samples");
    b.go(&format!("{base}{link}"));
    b.wait_for("Chưa tải lên bản nào");
    b.screenshot("don-vi");
    let broken = samples.join("loi/THPT_KhoaiChau_Q1_2022.xlsx");
    b.type_in("input[type=file]", &broken.to_string_lossy());
    b.click("form.drop button[type=submit]");
    let page = b.wait_for("Kết quả kiểm tra bản số 1");
    assert!(
        page.contains("file.unreadable") && page.contains("1 lỗi"),
        "{page}"
    );
    b.screenshot("ban-loi");
    let right = samples.join("THPT_TrungVuong_Q1_2022.xlsx");
    b.type_in("input[type=file]", &right.to_string_lossy());
    b.click("form.drop button[type=submit]");
    let page = b.wait_for("Kết quả kiểm tra bản số 2");
    assert!(page.contains("0 lỗi, 0 cảnh báo, 0 thông tin"), "{page}");
    b.screenshot("ban-sua");
    b.click("form[action$='/send'] button");
    b.wait_until("sent", |s| !s.contains("Gửi bản này cho Sở"));
    b.screenshot("da-gui");

    // The office sees it, consolidates, downloads the workbook.
    b.go(&format!("{base}/office/p/2022-Q1"));
    let page = b.wait_for("Đã gửi bản 2, không lỗi");
    // The summary as it stands: early resolution 49 / 62 (samples/expected.json).
    assert!(page.contains("49 / 62"), "{page}");
    b.screenshot("van-phong");
    b.click("#unit-thpt-trungvuong a");
    b.wait_for("Tiếp nhận bản 2");
    b.screenshot("van-phong-don-vi");
    b.click("form[action$='/acknowledge'] button");
    b.wait_for("Sở đã tiếp nhận bản 2");
    b.go(&format!("{base}/office/p/2022-Q1"));
    b.wait_for("Sở đã tiếp nhận bản 2");
    b.click("form[action$='/consolidate'] button");
    b.wait_for("Lần tổng hợp 1");
    b.screenshot("tong-hop");
    let session = b.cookie("cchc_session");
    let (status, bytes) = common::get_bytes(
        &format!("{base}/office/p/2022-Q1/out/1/tong-hop.xlsx"),
        &session,
    );
    assert_eq!(status, 200);
    let saved = dir.path().join("downloaded.xlsx");
    std::fs::write(&saved, &bytes).expect("save");

    // Read back: the unit's dossiers received in the quarter, 67 by samples/expected.json
    // (the samples' generator), on the unit's row.
    use calamine::{open_workbook_auto, Data, DataType, Reader};
    let mut wb = open_workbook_auto(&saved).expect("a workbook");
    let mut found = false;
    for name in wb.sheet_names() {
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        for row in range.rows() {
            let has_unit = row
                .iter()
                .any(|c| matches!(c, Data::String(s) if s.contains("Trưng Vương")));
            let has_67 = row.iter().any(|c| c.as_f64() == Some(67.0));
            found |= has_unit && has_67;
        }
    }
    assert!(found, "a row of Trưng Vương with its 67 dossiers received");
}
