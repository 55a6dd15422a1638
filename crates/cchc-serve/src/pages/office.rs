//! The office's pages: login, the periods, a period's units and summary, a unit.

use super::{esc, findings_table, href, page, versions_table};
use crate::store::{Link, Version};
use crate::summary::Summary;

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
pub fn office_home(
    periods: &[(String, String)],
    offered: &[(String, String)],
    csrf: &str,
) -> String {
    let mut body = String::from("<h1>Văn phòng Sở — các kỳ báo cáo</h1>");
    if periods.is_empty() {
        body.push_str("<p>Chưa cấp đường dẫn cho kỳ nào.</p>");
    } else {
        body.push_str("<p>Các kỳ đã cấp đường dẫn:</p><ul>");
        for (key, label) in periods {
            body.push_str(&format!(
                "<li><a href=\"/office/p/{0}\">{1}</a> <small>({0})</small></li>",
                esc(key),
                esc(label)
            ));
        }
        body.push_str("</ul>");
    }
    let mut options = String::new();
    for (key, label) in offered {
        options.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            esc(key),
            esc(label)
        ));
    }
    body.push_str(&format!(
        "<form method=\"get\" action=\"/office/ky\"><p><label>Mở kỳ: <input name=\"ky\" list=\"cac-ky\" placeholder=\"2026-Q1\" required></label>\
         <datalist id=\"cac-ky\">{options}</datalist> <button type=\"submit\">Mở</button></p>\
         <p><small>Quý: 2026-Q1 … 2026-Q4; 6 tháng: 2026-H1; 9 tháng: 2026-9M; năm: 2026; tháng: 2026-M03.</small></p></form>"
    ));
    body.push_str(&logout_form(csrf));
    page("Văn phòng Sở", &body)
}

/// Where a unit stands for a period (DOMAIN.md §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Nothing uploaded.
    NotUploaded,
    /// Uploaded, nothing sent.
    NotSent,
    /// The version that counts was sent with errors (the unit acknowledged them).
    SentWithErrors,
    /// The version that counts was sent without errors.
    SentClean,
    /// The office took the version that counts in.
    Acknowledged,
}

impl State {
    /// Every state, in the order the page counts them.
    pub const ALL: [State; 5] = [
        State::NotUploaded,
        State::NotSent,
        State::SentWithErrors,
        State::SentClean,
        State::Acknowledged,
    ];

    /// The state of a unit with these versions (newest first): the newest sent one
    /// counts.
    pub fn of(versions: &[Version]) -> State {
        match versions.iter().find(|v| v.sent.is_some()) {
            None if versions.is_empty() => State::NotUploaded,
            None => State::NotSent,
            Some(v) if v.acknowledged.is_some() => State::Acknowledged,
            Some(v) if v.counts[0] > 0 => State::SentWithErrors,
            Some(_) => State::SentClean,
        }
    }

    /// Its key in an address (`?trang-thai=…`) and a row's class.
    pub fn key(self) -> &'static str {
        match self {
            State::NotUploaded => "chua-tai-len",
            State::NotSent => "chua-gui",
            State::SentWithErrors => "gui-con-loi",
            State::SentClean => "gui-sach",
            State::Acknowledged => "da-tiep-nhan",
        }
    }

    /// The state of a key.
    pub fn parse(key: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Its Vietnamese name.
    pub fn label(self) -> &'static str {
        match self {
            State::NotUploaded => "Chưa tải lên",
            State::NotSent => "Chưa gửi",
            State::SentWithErrors => "Đã gửi, còn lỗi",
            State::SentClean => "Đã gửi, không lỗi",
            State::Acknowledged => "Sở đã tiếp nhận",
        }
    }
}

/// A unit's state said in full (which version, how many errors).
fn state_text(versions: &[Version]) -> String {
    let counted = versions.iter().find(|v| v.sent.is_some());
    match (State::of(versions), counted) {
        (State::NotUploaded, _) => "Chưa tải lên".into(),
        (State::NotSent, _) => format!("Đã tải lên {} bản, chưa gửi", versions.len()),
        (State::SentWithErrors, Some(v)) => format!(
            "Đã gửi bản {} (còn {} lỗi, đơn vị xác nhận)",
            v.id, v.counts[0]
        ),
        (State::Acknowledged, Some(v)) => {
            format!("Sở đã tiếp nhận bản {} ({} lỗi)", v.id, v.counts[0])
        }
        (_, Some(v)) => format!("Đã gửi bản {}, không lỗi", v.id),
        (_, None) => String::new(),
    }
}

/// What the office asked the period's page to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Units in this state alone.
    pub state: Option<State>,
    /// Units whose name or id holds this text (compared as the registry compares names:
    /// without case, diacritics or punctuation, so `trung vuong` finds Trưng Vương).
    pub text: String,
}

impl Filter {
    /// Whether `row` is shown.
    pub fn keeps(&self, row: &UnitRow) -> bool {
        use cchc_domain::text::normalize;
        let text = normalize(&self.text);
        self.state.is_none_or(|s| State::of(&row.versions) == s)
            && (text.is_empty()
                || normalize(&row.name).contains(&text)
                || normalize(&row.unit_id).contains(&text))
    }
}

/// The links' cell: each link (revoke while live) and the form to issue another.
fn links_cell(period: &str, unit_id: &str, links: &[Link], csrf: &str) -> String {
    let p = esc(period);
    let mut out = String::new();
    for l in links {
        if l.revoked {
            out.push_str(&format!("số {} (đã thu hồi)<br>", l.id));
        } else {
            out.push_str(&format!(
                "<form method=\"post\" action=\"/office/p/{p}/revoke\">{}<input type=\"hidden\" name=\"link\" value=\"{}\">số {} <button type=\"submit\">Thu hồi</button></form>",
                csrf_field(csrf),
                l.id,
                l.id
            ));
        }
    }
    out.push_str(&format!(
        "<form method=\"post\" action=\"/office/p/{p}/issue\">{}<input type=\"hidden\" name=\"unit\" value=\"{}\"><button type=\"submit\">Cấp đường dẫn</button></form>",
        csrf_field(csrf),
        esc(unit_id)
    ));
    out
}

/// The attainment summary: the province's row of every target.
fn summary_section(summary: Result<&Summary, &str>) -> String {
    let mut out = String::from(
        "<h2 id=\"chi-tieu\">Kết quả thực hiện chỉ tiêu (toàn tỉnh, theo các bản đã gửi)</h2>",
    );
    let s = match summary {
        Err(why) => {
            out.push_str(&format!(
                "<p class=\"error\">Chưa tính được: {}</p>",
                esc(why)
            ));
            return out;
        }
        Ok(s) if s.versions.is_empty() => {
            out.push_str("<p>Chưa đơn vị nào gửi báo cáo kỳ này.</p>");
            return out;
        }
        Ok(s) => s,
    };
    out.push_str(&format!(
        "<p>Tính từ bản đã gửi mới nhất của {} đơn vị (số liệu được tổng hợp của {} đơn vị); tính lại mỗi khi có bản gửi mới.</p>",
        s.versions.len(),
        s.units
    ));
    out.push_str("<table><thead><tr><th>Chỉ tiêu</th><th>Căn cứ</th><th>Mục tiêu</th><th>Kết quả</th><th>Tử số / mẫu số</th><th>Đánh giá</th><th>Còn thiếu</th></tr></thead><tbody>");
    for r in &s.rows {
        let class = match r.status {
            cchc::Status::NotMet => "error",
            cchc::Status::Met => "",
            _ => "info",
        };
        out.push_str(&format!(
            "<tr class=\"{class}\" id=\"ct-{}\"><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.target_id),
            esc(&r.name),
            esc(&r.target_id),
            esc(&r.plan_ref),
            esc(&r.threshold),
            esc(&r.value),
            esc(&r.figures),
            r.status.label_vi(),
            r.gap.filter(|g| *g > 0).map_or(String::new(), cchc::vi::int)
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// The office's page of a period: how many units are in each state, the units the
/// filter keeps (state, links, the forms to issue and revoke them), the attainment
/// summary; `issued`, a link just issued (unit, token), shown once; the consolidations
/// made (number, files) and the button to make one.
pub fn office_period(
    period: &str,
    rows: &[UnitRow],
    csrf: &str,
    issued: Option<(&str, &str)>,
    outputs: &[(u32, Vec<String>)],
    filter: &Filter,
    summary: Result<&Summary, &str>,
) -> String {
    let p = esc(period);
    let mut body = format!("<h1>Kỳ {p}</h1><p><a href=\"/office\">Các kỳ</a> · <a href=\"#don-vi\">Đơn vị</a> · <a href=\"#chi-tieu\">Chỉ tiêu</a> · <a href=\"#ket-qua\">Tổng hợp</a></p>");
    if let Some((unit, token)) = issued {
        body.push_str(&format!(
            "<p class=\"info\">Đường dẫn mới của <strong>{}</strong> (chỉ hiện một lần; gửi cho đơn vị): <code>/u/{}</code></p>",
            esc(unit),
            esc(token)
        ));
    }
    let counts: Vec<String> = State::ALL
        .iter()
        .map(|s| {
            let n = rows.iter().filter(|r| State::of(&r.versions) == *s).count();
            format!(
                "<a href=\"/office/p/{p}?trang-thai={}#don-vi\">{}: {n}</a>",
                s.key(),
                s.label()
            )
        })
        .collect();
    body.push_str(&format!(
        "<p class=\"counts\">{} đơn vị phải báo cáo — {}.</p>",
        rows.len(),
        counts.join(" · ")
    ));
    body.push_str("<h2 id=\"don-vi\">Đơn vị</h2>");
    let mut options = String::from("<option value=\"\">Mọi trạng thái</option>");
    for s in State::ALL {
        options.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            s.key(),
            if filter.state == Some(s) {
                " selected"
            } else {
                ""
            },
            s.label()
        ));
    }
    body.push_str(&format!(
        "<form method=\"get\" action=\"/office/p/{p}\"><p><label>Trạng thái: <select name=\"trang-thai\">{options}</select></label> \
         <label>Tên hoặc mã: <input name=\"tim\" value=\"{}\"></label> <button type=\"submit\">Lọc</button></p></form>",
        esc(&filter.text)
    ));
    body.push_str(&format!(
        "<form method=\"post\" action=\"/office/p/{p}/issue-all\">{}<p>\
         <button type=\"submit\">Cấp đường dẫn cho mọi đơn vị chưa có (tải bảng để trộn thư)</button></p></form>",
        csrf_field(csrf)
    ));
    let shown: Vec<&UnitRow> = rows.iter().filter(|r| filter.keeps(r)).collect();
    if shown.len() < rows.len() {
        body.push_str(&format!(
            "<p>Đang lọc: {} trên {} đơn vị. <a href=\"/office/p/{p}#don-vi\">Bỏ lọc</a></p>",
            shown.len(),
            rows.len()
        ));
    }
    body.push_str("<table><thead><tr><th>Đơn vị</th><th>Trạng thái</th><th>Bản mới nhất: lỗi / cảnh báo / thông tin</th><th>Đường dẫn</th></tr></thead><tbody>");
    for r in shown {
        let latest = r.versions.first().map_or(String::from("–"), |v| {
            format!("{} / {} / {}", v.counts[0], v.counts[1], v.counts[2])
        });
        body.push_str(&format!(
            "<tr class=\"{}\" id=\"unit-{}\"><td><a href=\"/office/p/{p}/dv/{}\">{}</a><br><small>{}</small></td><td>{}</td><td>{latest}</td><td>{}</td></tr>",
            State::of(&r.versions).key(),
            esc(&r.unit_id),
            href(&r.unit_id),
            esc(&r.name),
            esc(&r.unit_id),
            esc(&state_text(&r.versions)),
            links_cell(period, &r.unit_id, &r.links, csrf)
        ));
    }
    body.push_str("</tbody></table>");
    body.push_str(&summary_section(summary));
    body.push_str(&format!(
        "<h2 id=\"ket-qua\">Tổng hợp</h2><form method=\"post\" action=\"/office/p/{p}/consolidate\">{}\
         <p>Tổng hợp bản đã gửi mới nhất của mỗi đơn vị: bảng tổng hợp (có các biểu chính thức), báo cáo Word của kỳ, dữ liệu xuất và phản hồi cho từng đơn vị.</p>\
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

/// The office's page of one unit in a period: its state, links, every version with its
/// findings (the newest open), and the form to take in the version that counts.
pub fn office_unit(period: &str, row: &UnitRow, csrf: &str) -> String {
    let p = esc(period);
    let mut body = format!(
        "<h1>{}</h1><p><small>{}</small> · kỳ <strong>{p}</strong> · <a href=\"/office/p/{p}#unit-{}\">Về trang kỳ</a></p><p>Trạng thái: <strong>{}</strong></p>",
        esc(&row.name),
        esc(&row.unit_id),
        esc(&row.unit_id),
        esc(&state_text(&row.versions))
    );
    if let Some(v) = row.versions.iter().find(|v| v.sent.is_some()) {
        if v.acknowledged.is_none() {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/office/p/{p}/acknowledge\">{}<input type=\"hidden\" name=\"unit\" value=\"{}\"><input type=\"hidden\" name=\"version\" value=\"{}\">\
                 <p><button type=\"submit\">Tiếp nhận bản {} (bản được tổng hợp)</button></p></form>",
                csrf_field(csrf),
                esc(&row.unit_id),
                v.id,
                v.id
            ));
        }
    }
    body.push_str(&format!(
        "<h2>Đường dẫn</h2>{}",
        links_cell(period, &row.unit_id, &row.links, csrf)
    ));
    if row.versions.is_empty() {
        body.push_str("<p>Đơn vị chưa tải lên bản nào.</p>");
    } else {
        body.push_str("<h2>Các bản</h2>");
        body.push_str(&versions_table(&row.versions));
        for (i, v) in row.versions.iter().enumerate() {
            body.push_str(&format!(
                "<details id=\"ban-{}\"{}><summary>Bản {}: {} lỗi, {} cảnh báo, {} thông tin</summary>{}</details>",
                v.id,
                if i == 0 { " open" } else { "" },
                v.id,
                v.counts[0],
                v.counts[1],
                v.counts[2],
                findings_table(&v.findings)
            ));
        }
    }
    body.push_str(&logout_form(csrf));
    page(&format!("{} — kỳ {period}", row.name), &body)
}
