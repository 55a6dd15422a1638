//! Text normalisation for matching headers, unit names and period lines.
//!
//! Everything that compares text written by people goes through [`normalize`]:
//! NFC/NFD differences, case, Vietnamese diacritics (including `đ`), punctuation,
//! line breaks and repeated spaces all disappear, leaving lowercase ASCII words
//! separated by single spaces.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lowercase ASCII words, diacritics removed, separated by one space.
///
/// ```
/// use cchc_domain::text::normalize;
/// assert_eq!(normalize("Số hồ sơ\nĐÃ  giải quyết"), "so ho so da giai quyet");
/// assert_eq!(normalize("Trực tiếp, dịch vụ bưu chính"), "truc tiep dich vu buu chinh");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// The words of a normalised text.
pub fn words(normalized: &str) -> Vec<&str> {
    normalized.split(' ').filter(|w| !w.is_empty()).collect()
}

/// Whether `phrase` (normalised words) occurs as a run of whole words in `haystack`.
///
/// ```
/// use cchc_domain::text::contains_phrase;
/// assert!(contains_phrase("so ho so da giai quyet", "da giai quyet"));
/// assert!(!contains_phrase("so ho so dang giai quyet", "da giai quyet"));
/// ```
pub fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    contains_phrase_fast(haystack, phrase)
}

/// Substring search with word boundaries, without allocating: both texts are
/// normalised (single spaces, no leading or trailing space).
fn contains_phrase_fast(haystack: &str, phrase: &str) -> bool {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return false;
    }
    let bytes = haystack.as_bytes();
    haystack.match_indices(phrase).any(|(i, _)| {
        let end = i + phrase.len();
        (i == 0 || bytes[i - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ')
    })
}

/// Word index of the first occurrence of `phrase` in `haystack`.
pub fn find_phrase(haystack: &str, phrase: &str) -> Option<usize> {
    if !contains_phrase_fast(haystack, phrase) {
        return None;
    }
    let h = words(haystack);
    let p = words(phrase);
    if p.is_empty() || p.len() > h.len() {
        return None;
    }
    (0..=h.len() - p.len()).find(|&i| h[i..i + p.len()] == p[..])
}

/// Text in NFC, as written to reports (inputs may arrive in NFD).
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_and_nfc_agree() {
        let nfc_text = "Số hồ sơ đang giải quyết";
        let nfd_text: String = nfc_text.nfd().collect();
        assert_ne!(nfc_text, nfd_text);
        assert_eq!(normalize(nfc_text), normalize(&nfd_text));
        assert_eq!(normalize(&nfd_text), "so ho so dang giai quyet");
    }

    #[test]
    fn case_breaks_and_spaces() {
        assert_eq!(normalize("  TRẢ   QUÁ\r\nHẠN "), "tra qua han");
        assert_eq!(normalize("(1)"), "1");
        assert_eq!(normalize("Đơn vị báo cáo:"), "don vi bao cao");
    }

    proptest::proptest! {
        #[test]
        fn fast_search_agrees_with_word_search(h in "[ab ]{0,12}", p in "[ab ]{0,5}") {
            let (h, p) = (normalize(&h), normalize(&p));
            let hw = words(&h);
            let pw = words(&p);
            let slow = !pw.is_empty() && pw.len() <= hw.len() && (0..=hw.len() - pw.len()).any(|i| hw[i..i + pw.len()] == pw[..]);
            proptest::prop_assert_eq!(contains_phrase(&h, &p), slow);
        }
    }

    #[test]
    fn phrase_is_word_aligned() {
        assert!(contains_phrase("tra truoc han", "truoc han"));
        assert!(!contains_phrase("tra truoc hanh", "truoc han"));
        assert_eq!(find_phrase("a b c", "b c"), Some(1));
        assert_eq!(find_phrase("a b", "a b c"), None);
    }
}
