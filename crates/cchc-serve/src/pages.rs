//! The pages, server-rendered in Vietnamese: every text from a user or a file escaped.

use crate::store::{Link, Version};

/// One registry unit on the office's page of a period.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// Unit id.
    pub unit_id: String,
    /// Its name.
    pub name: String,
    /// Its links for the period.
    pub links: Vec<Link>,
    /// Its versions, newest first.
    pub versions: Vec<Version>,
}

/// A path percent-encoded for an address (`/` kept), then escaped for HTML.
fn href(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    esc(&out)
}

/// `s` safe inside HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.4}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}
.error{color:#a00}.warning{color:#850}.info{color:#555}.drop{border:2px dashed #888;padding:1rem;margin:1rem 0}.drop.over{background:#eef}progress{width:100%}
@media (max-width:40rem){table{font-size:.8rem}}";

/// A whole page around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>{body}</body></html>",
        esc(title)
    )
}

/// The page's style sheet (served from the server itself: the CSP allows no other).
pub fn style() -> &'static str {
    STYLE
}

/// The upload form's script: drag and drop, and a progress bar (the form works
/// without it).
pub fn upload_script() -> &'static str {
    include_str!("upload.js")
}

/// The page a refused link gets.
pub fn refused(why: &str) -> String {
    page(
        "Đường dẫn không dùng được",
        &format!(
            "<h1>Đường dẫn không dùng được</h1><p>{}</p><p>Hãy liên hệ văn phòng Sở để được cấp đường dẫn mới.</p>",
            esc(why)
        ),
    )
}

/// The severity's Vietnamese label and class.
fn severity(id: &str) -> (&'static str, &'static str) {
    match id {
        "error" => ("Lỗi", "error"),
        "warning" => ("Cảnh báo", "warning"),
        _ => ("Thông tin", "info"),
    }
}

/// A table of findings (the JSON a version keeps).
fn findings_table(json: &str) -> String {
    let list: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    if list.is_empty() {
        return "<p>Không có phát hiện nào: báo cáo sạch.</p>".into();
    }
    let field =
        |v: &serde_json::Value, k: &str| esc(v.get(k).and_then(|x| x.as_str()).unwrap_or(""));
    let mut rows = String::new();
    for f in &list {
        let (label, class) = severity(f.get("severity").and_then(|x| x.as_str()).unwrap_or(""));
        rows.push_str(&format!(
            "<tr class=\"{class}\"><td>{label}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            field(f, "rule"),
            field(f, "file"),
            field(f, "sheet"),
            field(f, "cell"),
            field(f, "message"),
            field(f, "raw"),
        ));
    }
    format!(
        "<table><thead><tr><th>Mức</th><th>Quy tắc</th><th>Tệp</th><th>Trang tính</th><th>Ô</th><th>Nội dung</th><th>Giá trị gốc</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

/// A unit's page: the upload form, the newest version's findings, the versions.
pub fn unit_page(link: &Link, unit_name: &str, token: &str, versions: &[Version]) -> String {
    let t = esc(token);
    let mut body = format!(
        "<h1>{}</h1><p>Báo cáo kỳ <strong>{}</strong></p>\
         <form class=\"drop\" method=\"post\" action=\"/u/{t}/upload\" enctype=\"multipart/form-data\">\
         <p><label>Chọn tệp báo cáo (xlsx, xls, ods, csv; có thể chọn nhiều tệp): \
         <input type=\"file\" name=\"file\" multiple required></label></p>\
         <p><button type=\"submit\">Tải lên và kiểm tra</button> (hoặc kéo thả tệp vào khung này)</p>\
         <progress hidden></progress><p class=\"status\" aria-live=\"polite\"></p></form>\
         <script src=\"/upload.js\"></script>",
        esc(unit_name),
        esc(&link.period)
    );
    match versions.first() {
        None => body.push_str("<p>Chưa tải lên bản nào.</p>"),
        Some(v) => {
            let [e, w, i] = v.counts;
            body.push_str(&format!(
                "<h2>Kết quả kiểm tra bản số {}</h2><p>{e} lỗi, {w} cảnh báo, {i} thông tin.</p>{}",
                v.id,
                findings_table(&v.findings)
            ));
            if v.sent.is_none() {
                let note = if e > 0 {
                    "Bản này còn lỗi: nên sửa và tải lên lại. Vẫn gửi nghĩa là đơn vị xác nhận các lỗi trên."
                } else {
                    "Bản này không có lỗi."
                };
                body.push_str(&format!(
                    "<form method=\"post\" action=\"/u/{t}/send\"><input type=\"hidden\" name=\"version\" value=\"{}\">\
                     <p>{note}</p><p><button type=\"submit\">Gửi bản này cho Sở</button></p></form>",
                    v.id
                ));
            }
        }
    }
    if !versions.is_empty() {
        body.push_str("<h2>Các bản đã tải lên</h2><table><thead><tr><th>Bản</th><th>Lúc</th><th>Tệp</th><th>Lỗi / cảnh báo / thông tin</th><th>Đã gửi</th></tr></thead><tbody>");
        for v in versions {
            let files: Vec<String> = v.files.iter().map(|f| esc(&f.name)).collect();
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td></tr>",
                v.id,
                esc(&v.created),
                files.join("<br>"),
                v.counts[0],
                v.counts[1],
                v.counts[2],
                v.sent.as_deref().map_or(String::new(), esc)
            ));
        }
        body.push_str("</tbody></table>");
    }
    page(&format!("Báo cáo CCHC — {unit_name}"), &body)
}

/// A hidden CSRF field.
fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// The office's login page.
pub fn login(csrf: &str, password_set: bool, error: Option<&str>) -> String {
    let mut body = String::from("<h1>Văn phòng Sở — đăng nhập</h1>");
    if !password_set {
        body.push_str("<p class=\"error\">Chưa đặt mật khẩu văn phòng: chạy <code>cchc office-password --data …</code> trên máy chủ.</p>");
    }
    if let Some(e) = error {
        body.push_str(&format!("<p class=\"error\">{}</p>", esc(e)));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/office/login\">{}<p><label>Mật khẩu: \
         <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button type=\"submit\">Đăng nhập</button></p></form>",
        csrf_field(csrf)
    ));
    page("Đăng nhập", &body)
}

fn logout_form(csrf: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/office/logout\">{}<button type=\"submit\">Đăng xuất</button></form>",
        csrf_field(csrf)
    )
}

/// The office's first page: the periods with links, and a way to another.
pub fn office_home(periods: &[String], csrf: &str) -> String {
    let mut body = String::from("<h1>Văn phòng Sở — các kỳ báo cáo</h1><ul>");
    for p in periods {
        body.push_str(&format!(
            "<li><a href=\"/office/p/{0}\">{0}</a></li>",
            esc(p)
        ));
    }
    body.push_str("</ul><p>Kỳ khác: gõ địa chỉ <code>/office/p/2022-Q1</code> (quý), <code>2022-H1</code>, <code>2022-M03</code> hoặc <code>2022</code>.</p>");
    body.push_str(&logout_form(csrf));
    page("Văn phòng Sở", &body)
}

/// A unit's state for the period: not sent, sent with errors, sent clean.
fn state(versions: &[Version]) -> (&'static str, String) {
    match versions.iter().find(|v| v.sent.is_some()) {
        None if versions.is_empty() => ("chua-gui", "Chưa tải lên".into()),
        None => (
            "chua-gui",
            format!("Đã tải lên {} bản, chưa gửi", versions.len()),
        ),
        Some(v) if v.counts[0] > 0 => (
            "gui-con-loi",
            format!(
                "Đã gửi bản {} (còn {} lỗi, đơn vị xác nhận)",
                v.id, v.counts[0]
            ),
        ),
        Some(v) => ("gui-sach", format!("Đã gửi bản {}, không lỗi", v.id)),
    }
}

/// The office's page of a period: every unit's state, its links, the forms to issue
/// and revoke them; `issued`, a link just issued (unit, token), shown once; the
/// consolidations made (number, files) and the button to make one.
pub fn office_period(
    period: &str,
    rows: &[UnitRow],
    csrf: &str,
    issued: Option<(&str, &str)>,
    outputs: &[(u32, Vec<String>)],
) -> String {
    let p = esc(period);
    let mut body = format!("<h1>Kỳ {p}</h1><p><a href=\"/office\">Các kỳ</a></p>");
    if let Some((unit, token)) = issued {
        body.push_str(&format!(
            "<p class=\"info\">Đường dẫn mới của <strong>{}</strong> (chỉ hiện một lần; gửi cho đơn vị): <code>/u/{}</code></p>",
            esc(unit),
            esc(token)
        ));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/office/p/{p}/issue-all\">{}<p>\
         <button type=\"submit\">Cấp đường dẫn cho mọi đơn vị chưa có (tải bảng để trộn thư)</button></p></form>",
        csrf_field(csrf)
    ));
    body.push_str("<table><thead><tr><th>Đơn vị</th><th>Trạng thái</th><th>Bản mới nhất: lỗi / cảnh báo / thông tin</th><th>Đường dẫn</th></tr></thead><tbody>");
    for r in rows {
        let (class, said) = state(&r.versions);
        let latest = r.versions.first().map_or(String::from("–"), |v| {
            format!("{} / {} / {}", v.counts[0], v.counts[1], v.counts[2])
        });
        let mut links = String::new();
        for l in &r.links {
            if l.revoked {
                links.push_str(&format!("số {} (đã thu hồi)<br>", l.id));
            } else {
                links.push_str(&format!(
                    "<form method=\"post\" action=\"/office/p/{p}/revoke\">{}<input type=\"hidden\" name=\"link\" value=\"{}\">số {} <button type=\"submit\">Thu hồi</button></form>",
                    csrf_field(csrf),
                    l.id,
                    l.id
                ));
            }
        }
        links.push_str(&format!(
            "<form method=\"post\" action=\"/office/p/{p}/issue\">{}<input type=\"hidden\" name=\"unit\" value=\"{}\"><button type=\"submit\">Cấp đường dẫn</button></form>",
            csrf_field(csrf),
            esc(&r.unit_id)
        ));
        body.push_str(&format!(
            "<tr class=\"{class}\" id=\"unit-{}\"><td>{}<br><small>{}</small></td><td>{}</td><td>{latest}</td><td>{links}</td></tr>",
            esc(&r.unit_id),
            esc(&r.name),
            esc(&r.unit_id),
            esc(&said)
        ));
    }
    body.push_str("</tbody></table>");
    body.push_str(&format!(
        "<h2 id=\"ket-qua\">Tổng hợp</h2><form method=\"post\" action=\"/office/p/{p}/consolidate\">{}\
         <p>Tổng hợp bản đã gửi mới nhất của mỗi đơn vị: bảng tổng hợp, dữ liệu xuất và phản hồi cho từng đơn vị.</p>\
         <p><button type=\"submit\">Tổng hợp ngay</button></p></form>",
        csrf_field(csrf)
    ));
    for (n, files) in outputs {
        body.push_str(&format!("<h3>Lần tổng hợp {n}</h3><ul>"));
        for f in files {
            body.push_str(&format!(
                "<li><a href=\"/office/p/{p}/out/{n}/{}\">{}</a></li>",
                href(f),
                esc(f)
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str(&logout_form(csrf));
    page(&format!("Kỳ {period}"), &body)
}
