//! The body that issues the department's forms and reports (`data/issuer.toml`): the
//! lines of the official heading and of the signature block.

use serde::Deserialize;

/// The embedded issuer: Hưng Yên's Department of Education and Training.
pub const ISSUER_TOML: &str = include_str!("../data/issuer.toml");

/// The issuer's names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The body it belongs to (`UBND TỈNH HƯNG YÊN`).
    pub superior: String,
    /// The issuing body (`SỞ GIÁO DỤC VÀ ĐÀO TẠO`).
    pub name: String,
    /// Where it issues from.
    pub place: String,
    /// Who receives the department's report.
    pub recipient: String,
    /// The signer's title (`GIÁM ĐỐC`).
    pub signer: String,
}

impl Issuer {
    /// The embedded issuer.
    ///
    /// ```
    /// let i = cchc_domain::issuer::Issuer::embedded();
    /// assert_eq!(i.name, "SỞ GIÁO DỤC VÀ ĐÀO TẠO");
    /// ```
    pub fn embedded() -> Issuer {
        Issuer::from_toml(ISSUER_TOML).expect("the embedded issuer loads")
    }

    /// An issuer from a file of the embedded one's shape.
    ///
    /// # Errors
    /// The TOML parser's message when the text is not such a file.
    pub fn from_toml(text: &str) -> Result<Issuer, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}
