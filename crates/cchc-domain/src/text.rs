//! Text normalisation for matching headers, unit names and period lines.
//!
//! Everything that compares text written by people goes through [`normalize`]:
//! NFC/NFD differences, case, Vietnamese diacritics (including `đ`), punctuation,
//! line breaks and repeated spaces all disappear, leaving lowercase ASCII words
//! separated by single spaces.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A file name's `_`, `-` and `.` as spaces (`PGD_VanLam_Q1-2022` → `PGD VanLam Q1 2022`),
/// so its words can be read like a title's.
pub fn separators_to_spaces(name: &str) -> String {
    name.chars()
        .map(|c| if matches!(c, '_' | '-' | '.') { ' ' } else { c })
        .collect()
}

/// Lowercase ASCII words, diacritics removed, separated by one space.
///
/// ```
/// use cchc_domain::text::normalize;
/// assert_eq!(normalize("Số hồ sơ\nĐÃ  giải quyết"), "so ho so da giai quyet");
/// assert_eq!(normalize("Trực tiếp, dịch vụ bưu chính"), "truc tiep dich vu buu chinh");
/// ```
pub fn normalize(s: &str) -> String {
    if is_normalized(s) {
        return s.to_string();
    }
    let table = fold_table();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let folded: &str = match fold_lookup(table, c) {
            Fold::Skip => continue,
            Fold::Separator => {
                pending_space = true;
                continue;
            }
            // The common case, without making a one-letter string of it.
            Fold::Ascii(b) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b));
                continue;
            }
            Fold::Slow if is_combining_mark(c) => continue,
            Fold::Slow => &normalize_slow(c.encode_utf8(&mut buf)),
        };
        if folded.is_empty() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push_str(folded);
    }
    out
}

/// What one character becomes in [`normalize`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fold {
    /// A combining mark: dropped, and no word break.
    Skip,
    /// Punctuation or space: a word break.
    Separator,
    /// One lowercase ASCII letter or digit.
    Ascii(u8),
    /// Anything else: decomposed the slow way.
    Slow,
}

/// Characters folded by table: Latin-1, Latin Extended-A/B, combining marks and
/// Latin Extended Additional (every precomposed Vietnamese letter).
const FOLD_TABLE_END: u32 = 0x1F00;

fn fold_table() -> &'static [Fold] {
    static TABLE: std::sync::OnceLock<Vec<Fold>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..FOLD_TABLE_END)
            .map(|u| match char::from_u32(u) {
                None => Fold::Slow,
                Some(c) if is_combining_mark(c) => Fold::Skip,
                Some(c) => {
                    let folded = normalize_slow(c.encode_utf8(&mut [0; 4]));
                    match folded.as_bytes() {
                        [] => Fold::Separator,
                        [b] if b.is_ascii_lowercase() || b.is_ascii_digit() => Fold::Ascii(*b),
                        _ => Fold::Slow,
                    }
                }
            })
            .collect()
    })
}

fn fold_lookup(table: &[Fold], c: char) -> Fold {
    if c.is_ascii() {
        let b = c as u8;
        return if b.is_ascii_alphanumeric() {
            Fold::Ascii(b.to_ascii_lowercase())
        } else {
            Fold::Separator
        };
    }
    table.get(c as usize).copied().unwrap_or(Fold::Slow)
}

/// [`normalize`] by canonical decomposition, character by character (the definition;
/// [`normalize`] uses a table built from it).
fn normalize_slow(s: &str) -> String {
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
    let phrase = phrase.trim().as_bytes();
    if phrase.is_empty() {
        return false;
    }
    // Texts are short: try each word start rather than set up a substring searcher.
    let h = haystack.as_bytes();
    let mut i = 0;
    while h.len() - i >= phrase.len() {
        if phrase_at(h, i, phrase) {
            return true;
        }
        match h[i..].iter().position(|&b| b == b' ') {
            Some(k) => i += k + 1,
            None => return false,
        }
    }
    false
}

/// Whether `phrase` starts at byte `i` of `h` and ends at a word boundary.
fn phrase_at(h: &[u8], i: usize, phrase: &[u8]) -> bool {
    let end = i + phrase.len();
    h.get(i..end) == Some(phrase) && (end == h.len() || h[end] == b' ')
}

/// Already what [`normalize`] returns: lowercase ASCII letters and digits in words
/// separated by single spaces.
fn is_normalized(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b' ')
        && !s.contains("  ")
}

/// Up to 128 phrases looked for together: one pass over a text's words finds every
/// phrase that occurs in it as a run of whole words. Header classification asks this
/// once per distinct header cell instead of trying each phrase in turn.
#[derive(Debug, Clone, Default)]
pub struct PhraseSet {
    phrases: Vec<String>,
    /// Phrase ids by first word; FxHash: short keys, looked up for every word of every
    /// header cell.
    by_first_word: rustc_hash::FxHashMap<String, Vec<u8>>,
}

/// A set of phrase ids of one [`PhraseSet`].
pub type PhraseBits = u128;

impl PhraseSet {
    /// Most phrases one set holds.
    pub const CAPACITY: usize = 128;

    /// Adds a normalised phrase (kept once) and returns its bit, or `None` when the
    /// phrase is empty or the set is full.
    pub fn add(&mut self, phrase: &str) -> Option<PhraseBits> {
        let phrase = normalize(phrase);
        let first = phrase
            .split(' ')
            .next()
            .filter(|w| !w.is_empty())?
            .to_string();
        if let Some(i) = self.phrases.iter().position(|p| *p == phrase) {
            return Some(1 << i);
        }
        if self.phrases.len() >= Self::CAPACITY {
            return None;
        }
        let id = self.phrases.len() as u8;
        self.phrases.push(phrase);
        self.by_first_word.entry(first).or_default().push(id);
        Some(1 << id)
    }

    /// The phrases occurring in a normalised text.
    pub fn find_all(&self, text: &str) -> PhraseBits {
        let h = text.as_bytes();
        let mut bits = 0;
        let mut i = 0;
        while i < h.len() {
            let end = h[i..]
                .iter()
                .position(|&b| b == b' ')
                .map_or(h.len(), |k| i + k);
            if let Some(ids) = text.get(i..end).and_then(|w| self.by_first_word.get(w)) {
                for &id in ids {
                    if phrase_at(h, i, self.phrases[id as usize].as_bytes()) {
                        bits |= 1 << id;
                    }
                }
            }
            i = end + 1;
        }
        bits
    }
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
    // Most text is NFC already (and plain ASCII always is): the quick check answers
    // without composing.
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// The 1-based line holding byte `offset` of `text` (a data file's error names it).
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_only_what_needs_it() {
        // "Việt" typed as V, i, e + circumflex + dot below, t (decomposed): 7 chars → 4.
        assert_eq!(nfc("Vie\u{0302}\u{0323}t"), "Vi\u{1EC7}t");
        assert_eq!(nfc("Vi\u{1EC7}t"), "Vi\u{1EC7}t");
        assert_eq!(nfc("PGD Van Lam"), "PGD Van Lam");
    }

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
    fn phrase_set_finds_every_phrase() {
        let mut set = PhraseSet::default();
        let a = set.add("Trước hạn").expect("room");
        let b = set.add("han").expect("room");
        let c = set.add("da giai quyet").expect("room");
        assert_eq!(set.add("truoc han"), Some(a));
        assert_eq!(set.find_all("so ho so da giai quyet truoc han"), a | b | c);
        assert_eq!(set.find_all("so ho so dang giai quyet"), 0);
        assert_eq!(set.find_all("truoc hanh"), 0);
        assert_eq!(set.find_all(""), 0);
    }

    proptest::proptest! {
        #[test]
        fn phrase_set_agrees_with_contains(h in "[ab ]{0,12}", ps in proptest::collection::vec("[ab ]{1,5}", 1..6)) {
            let h = normalize(&h);
            let mut set = PhraseSet::default();
            let ids: Vec<Option<PhraseBits>> = ps.iter().map(|p| set.add(p)).collect();
            let found = set.find_all(&h);
            for (p, id) in ps.iter().zip(ids) {
                if let Some(bit) = id {
                    proptest::prop_assert_eq!(found & bit != 0, contains_phrase(&h, &normalize(p)));
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn table_fold_agrees_with_decomposition(s in "[a-zA-Z0-9 ,.()\\n\u{00C0}-\u{024F}\u{0300}-\u{036F}\u{1E00}-\u{1EFF}\u{0400}-\u{04FF}ßǅ]{0,24}") {
            proptest::prop_assert_eq!(normalize(&s), normalize_slow(&s));
            let nfd: String = s.nfd().collect();
            proptest::prop_assert_eq!(normalize(&nfd), normalize_slow(&s));
        }
    }

    #[test]
    fn vietnamese_letters_fold() {
        assert_eq!(normalize("ĐƯỜNG Quốc lộ 5, Ỷ Lan"), "duong quoc lo 5 y lan");
        assert_eq!(
            normalize("Trường THPT Văn Lâm – Hưng Yên"),
            "truong thpt van lam hung yen"
        );
    }

    #[test]
    fn normalized_text_passes_through() {
        assert!(is_normalized("so ho so 12"));
        assert!(!is_normalized("so  ho"));
        assert!(!is_normalized(" so"));
        assert!(!is_normalized("Số"));
        assert_eq!(normalize("so ho so"), "so ho so");
    }

    #[test]
    fn phrase_is_word_aligned() {
        assert!(contains_phrase("tra truoc han", "truoc han"));
        assert!(!contains_phrase("tra truoc hanh", "truoc han"));
        assert_eq!(find_phrase("a b c", "b c"), Some(1));
        assert_eq!(find_phrase("a b", "a b c"), None);
    }
}
