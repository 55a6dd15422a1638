//! The fields (lĩnh vực) units report their dossiers by, as data
//! (`data/fields.toml`): the name each is printed with in the department's Biểu II.06a,
//! and the other ways units write it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::text::normalize;

/// The embedded vocabulary of education fields.
pub const FIELDS_TOML: &str = include_str!("../data/fields.toml");

/// A field vocabulary could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// Not TOML of the expected shape.
    #[error("tệp lĩnh vực không đọc được: {0}")]
    Parse(String),
    /// One wording stands for two fields.
    #[error("cách viết \"{wording}\" chỉ hai lĩnh vực: \"{first}\" và \"{second}\"")]
    Ambiguous {
        /// The wording.
        wording: String,
        /// The field it first stood for.
        first: String,
        /// The other.
        second: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFields {
    field: Vec<RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// Fields in their printed order, each findable by any of its wordings.
#[derive(Debug, Clone)]
pub struct FieldVocabulary {
    names: Vec<String>,
    by_wording: BTreeMap<String, usize>,
}

impl FieldVocabulary {
    /// The embedded vocabulary of education fields.
    ///
    /// ```
    /// let v = cchc_domain::field::FieldVocabulary::embedded();
    /// assert_eq!(v.canonical("thi tuyen sinh"), Some("Quy chế thi, tuyển sinh"));
    /// assert_eq!(v.canonical("Lĩnh vực lạ"), None);
    /// ```
    pub fn embedded() -> FieldVocabulary {
        FieldVocabulary::from_toml(FIELDS_TOML).expect("the embedded fields load")
    }

    /// A vocabulary from a `fields.toml` of the embedded file's shape.
    ///
    /// # Errors
    /// [`FieldError`] when the text is not such a file, or a wording stands for two
    /// fields.
    pub fn from_toml(text: &str) -> Result<FieldVocabulary, FieldError> {
        let raw: RawFields = toml::from_str(text).map_err(|e| FieldError::Parse(e.to_string()))?;
        let mut names: Vec<String> = Vec::new();
        let mut by_wording: BTreeMap<String, usize> = BTreeMap::new();
        for (i, f) in raw.field.into_iter().enumerate() {
            for wording in std::iter::once(&f.name).chain(&f.aliases) {
                let key = normalize(wording);
                if let Some(&other) = by_wording.get(&key) {
                    if other != i {
                        return Err(FieldError::Ambiguous {
                            wording: wording.clone(),
                            first: names[other].clone(),
                            second: f.name.clone(),
                        });
                    }
                }
                by_wording.insert(key, i);
            }
            names.push(crate::text::nfc(f.name.trim()));
        }
        Ok(FieldVocabulary { names, by_wording })
    }

    /// The printed name of the field `written` stands for, if the vocabulary knows it.
    pub fn canonical(&self, written: &str) -> Option<&str> {
        self.position(written).map(|i| self.names[i].as_str())
    }

    /// The field's place in the printed order, if known.
    pub fn position(&self, written: &str) -> Option<usize> {
        self.by_wording.get(&normalize(written)).copied()
    }

    /// The fields' printed names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings_units_write_find_their_field() {
        let v = FieldVocabulary::embedded();
        for (written, field) in [
            ("Thi, tuyển sinh", "Quy chế thi, tuyển sinh"),
            ("Quy chế thi, tuyển sinh", "Quy chế thi, tuyển sinh"),
            ("thi tuyen sinh", "Quy chế thi, tuyển sinh"),
            ("  QUY CHẾ THI,  TUYỂN SINH ", "Quy chế thi, tuyển sinh"),
            ("Văn bằng chứng chỉ", "Hệ thống văn bằng, chứng chỉ"),
            ("Mầm non", "Giáo dục mầm non"),
        ] {
            assert_eq!(v.canonical(written), Some(field), "{written}");
        }
        assert_eq!(v.canonical("=HYPERLINK(\"x\")"), None);
        assert_eq!(v.canonical("Phòng GDĐT thị xã Mỹ Hào"), None);
        // The printed order is the file's.
        assert_eq!(
            v.position("Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân"),
            Some(0)
        );
        assert!(v.position("Giáo dục trung học") < v.position("Cơ sở vật chất"));
    }

    #[test]
    fn a_wording_of_two_fields_is_refused() {
        let text = "[[field]]\nname = \"A\"\naliases = [\"Chung\"]\n[[field]]\nname = \"B\"\naliases = [\"chung\"]\n";
        assert!(matches!(
            FieldVocabulary::from_toml(text),
            Err(FieldError::Ambiguous { .. })
        ));
        assert!(matches!(
            FieldVocabulary::from_toml("[[field]]\nten = 1\n"),
            Err(FieldError::Parse(_))
        ));
    }
}
