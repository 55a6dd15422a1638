//! The matching key of a written unit name: its class (district office, school,
//! centre) and the words left once the administrative words are removed, so that
//! `PGD Van Lam` and `Phòng Giáo dục và Đào tạo huyện Văn Lâm` are the same unit.

use crate::text::{normalize, words};

/// The class of a unit name, from its words; part of the matching key.
fn kind_class(norm: &str) -> &'static str {
    let ws = words(norm);
    let has = |w: &str| ws.contains(&w);
    let has_phrase = |p: &str| crate::text::contains_phrase(norm, p);
    if has("pgd")
        || has("pgddt")
        || (has("phong") && (has("gd") || has("gddt") || has_phrase("giao duc")))
    {
        "office"
    } else if has("gdtx") || has("gdnn") || has_phrase("trung tam") || has_phrase("thuong xuyen") {
        "centre"
    } else if has("thpt") || has_phrase("trung hoc pho thong") || has("truong") {
        "school"
    } else {
        "other"
    }
}

const STOP_PHRASES: &[&str] = &[
    "uy ban nhan dan",
    "giao duc va dao tao",
    "giao duc nghe nghiep",
    "giao duc thuong xuyen",
    "trung hoc pho thong",
    "giao duc",
    "dao tao",
    "thanh pho",
    "thi xa",
    "trung tam",
];
const STOP_WORDS: &[&str] = &[
    "phong", "pgd", "pgddt", "gddt", "gd", "dt", "huyen", "tp", "tx", "truong", "thpt", "gdnn",
    "gdtx", "ubnd", "va", "tinh", "tt",
];

/// The matching key of a written unit name: class and remaining words.
///
/// ```
/// use cchc_domain::unit::unit_key;
/// assert_eq!(unit_key("PGD Van Lam"), unit_key("Phòng Giáo dục và Đào tạo huyện Văn Lâm"));
/// assert_ne!(unit_key("THPT Văn Lâm"), unit_key("Phòng GDĐT Văn Lâm"));
/// ```
pub fn unit_key(name: &str) -> String {
    key_of_normalized(&normalize(name))
}

/// [`unit_key`] of a name already [`normalize`]d.
pub(super) fn key_of_normalized(norm: &str) -> String {
    let class = kind_class(norm);
    let mut ws: Vec<&str> = words(norm);
    static STOP_PHRASE_WORDS: std::sync::OnceLock<Vec<Vec<&'static str>>> =
        std::sync::OnceLock::new();
    let stop_phrases =
        STOP_PHRASE_WORDS.get_or_init(|| STOP_PHRASES.iter().map(|p| words(p)).collect());
    for p in stop_phrases {
        let mut i = 0;
        while i + p.len() <= ws.len() {
            if ws[i..i + p.len()] == p[..] {
                ws.drain(i..i + p.len());
            } else {
                i += 1;
            }
        }
    }
    ws.retain(|w| !STOP_WORDS.contains(w));
    format!("{class}:{}", ws.join(" "))
}

/// A normalised name without a trailing `(tinh) hung yen`, unless that is all the
/// place there is (`TP Hưng Yên`, `THPT Chuyên Hưng Yên` keep it).
pub(super) fn strip_province(norm: &str) -> String {
    for suffix in [" tinh hung yen", " hung yen"] {
        if let Some(rest) = norm.strip_suffix(suffix) {
            let core = unit_key(rest);
            let place = core.split_once(':').map_or("", |(_, p)| p);
            if !place.is_empty()
                && !rest.ends_with(" tp")
                && !rest.ends_with(" thanh pho")
                && !rest.ends_with(" chuyen")
            {
                return rest.to_string();
            }
        }
    }
    norm.to_string()
}
