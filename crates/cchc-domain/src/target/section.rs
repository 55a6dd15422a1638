//! The part of the period's report a target is told in: the six areas of administrative
//! reform (Nghị quyết 76/NQ-CP), which every CCHC report follows.

/// An area of administrative reform, in the report's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Cải cách thể chế.
    Institutions,
    /// Cải cách thủ tục hành chính.
    Procedures,
    /// Cải cách tổ chức bộ máy hành chính nhà nước.
    Organisation,
    /// Cải cách chế độ công vụ.
    CivilService,
    /// Cải cách tài chính công.
    PublicFinance,
    /// Xây dựng và phát triển Chính phủ điện tử, Chính phủ số.
    DigitalGovernment,
}

impl Section {
    /// Every section, in the report's order.
    pub const ALL: [Section; 6] = [
        Section::Institutions,
        Section::Procedures,
        Section::Organisation,
        Section::CivilService,
        Section::PublicFinance,
        Section::DigitalGovernment,
    ];

    /// The catalogue's key (`procedures`).
    pub fn id(self) -> &'static str {
        match self {
            Section::Institutions => "institutions",
            Section::Procedures => "procedures",
            Section::Organisation => "organisation",
            Section::CivilService => "civil_service",
            Section::PublicFinance => "public_finance",
            Section::DigitalGovernment => "digital_government",
        }
    }

    /// The section a catalogue key names.
    ///
    /// ```
    /// use cchc_domain::target::Section;
    /// assert_eq!(Section::parse("civil_service"), Some(Section::CivilService));
    /// assert_eq!(Section::parse("cong_vu"), None);
    /// ```
    pub fn parse(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.id() == key.trim())
    }

    /// The heading in the report.
    pub fn title_vi(self) -> &'static str {
        match self {
            Section::Institutions => "Cải cách thể chế",
            Section::Procedures => "Cải cách thủ tục hành chính",
            Section::Organisation => "Cải cách tổ chức bộ máy hành chính nhà nước",
            Section::CivilService => "Cải cách chế độ công vụ",
            Section::PublicFinance => "Cải cách tài chính công",
            Section::DigitalGovernment => "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
        }
    }

    /// Where a target of `form` goes when the catalogue names no section: Form A to
    /// the procedures, B to digital government, C to the organisation; a Form D
    /// target has no natural home (`None`: the report's "other targets").
    pub fn of_form(form: super::Form) -> Option<Section> {
        match form {
            super::Form::A => Some(Section::Procedures),
            super::Form::B => Some(Section::DigitalGovernment),
            super::Form::C => Some(Section::Organisation),
            super::Form::D => None,
        }
    }
}
