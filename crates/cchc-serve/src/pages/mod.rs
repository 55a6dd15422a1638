//! The pages, server-rendered in Vietnamese: every text from a user or a file escaped.

use crate::store::{Link, Version};

mod office;

pub use office::{login, office_home, office_period, office_unit, Filter, State, UnitRow};

/// A path percent-encoded for an address (`/` kept), then escaped for HTML.
pub(crate) fn href(path: &str) -> String {
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
pub(crate) fn severity(id: &str) -> (&'static str, &'static str) {
    match id {
        "error" => ("Lỗi", "error"),
        "warning" => ("Cảnh báo", "warning"),
        _ => ("Thông tin", "info"),
    }
}

/// A table of findings (the JSON a version keeps).
pub(crate) fn findings_table(json: &str) -> String {
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
        body.push_str("<h2>Các bản đã tải lên</h2>");
        body.push_str(&versions_table(versions));
    }
    page(&format!("Báo cáo CCHC — {unit_name}"), &body)
}

/// A unit's versions, newest first: number, time, files, findings counts, when sent
/// and when the office took it in.
pub(crate) fn versions_table(versions: &[Version]) -> String {
    let mut out = String::from("<table><thead><tr><th>Bản</th><th>Lúc tải lên</th><th>Tệp</th><th>Lỗi / cảnh báo / thông tin</th><th>Đã gửi</th><th>Sở đã tiếp nhận</th></tr></thead><tbody>");
    for v in versions {
        let files: Vec<String> = v.files.iter().map(|f| esc(&f.name)).collect();
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td><td>{}</td></tr>",
            v.id,
            esc(&v.created),
            files.join("<br>"),
            v.counts[0],
            v.counts[1],
            v.counts[2],
            v.sent.as_deref().map_or(String::new(), esc),
            v.acknowledged.as_deref().map_or(String::new(), esc)
        ));
    }
    out.push_str("</tbody></table>");
    out
}
