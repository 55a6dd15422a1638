//! Findings: facts about the input that a run reports and survives.

use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Said so the officer knows (a skipped sheet or file).
    Info,
    /// Worth a look; the figures still count.
    Warning,
    /// Something was set aside or does not add up; exit code 1.
    Error,
}

impl Severity {
    /// The machine id (`info`, `warning`, `error`).
    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The Vietnamese label shown in reports.
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Info => "Thông tin",
            Severity::Warning => "Cảnh báo",
            Severity::Error => "Lỗi",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $id:literal, $sev:ident; )*) => {
        /// The rule ids of docs/contract.md §5, each with its severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( #[doc = $id] $variant, )*
            /// A Form A identity of `data/forms.toml` (by its position there), with
            /// the rule id the file gives it (`identity.received`); an error.
            Identity(u8),
        }

        impl Rule {
            /// Every rule but the identities, in declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule id as written in exports (`identity.resolved`).
            pub fn id(self) -> &'static str {
                match self {
                    $( Rule::$variant => $id, )*
                    Rule::Identity(i) => crate::forms::vocabulary()
                        .identities
                        .get(usize::from(i))
                        .map_or("identity", |x| x.rule.as_str()),
                }
            }

            /// The severity findings of this rule carry.
            pub fn severity(self) -> Severity {
                match self {
                    $( Rule::$variant => Severity::$sev, )*
                    Rule::Identity(_) => Severity::Error,
                }
            }

            /// Every rule, the identities of `data/forms.toml` included.
            pub fn every() -> Vec<Rule> {
                let identities = crate::forms::vocabulary().identities.len();
                Rule::ALL
                    .iter()
                    .copied()
                    .chain((0..identities).map(|i| Rule::Identity(i as u8)))
                    .collect()
            }
        }
    };
}

rules! {
    FileSkipped = "file.skipped", Info;
    FileUnreadable = "file.unreadable", Error;
    FileTooLarge = "file.too_large", Error;
    FileCodepage = "file.codepage", Warning;
    SheetUnrecognized = "sheet.unrecognized", Info;
    SheetHidden = "sheet.hidden", Info;
    FieldUnknown = "field.unknown", Info;
    ServiceLevelConflict = "service.level_conflict", Warning;
    ColumnMissing = "column.missing", Error;
    ColumnAmbiguous = "column.ambiguous", Error;
    ValueNotANumber = "value.not_a_number", Error;
    ValueNegative = "value.negative", Error;
    ValueFraction = "value.fraction", Error;
    ValueErrorCell = "value.error_cell", Error;
    TotalRowMismatch = "total_row.mismatch", Error;
    UnitUnknown = "unit.unknown", Error;
    UnitSucceeded = "unit.succeeded", Info;
    UnitInactive = "unit.inactive", Error;
    PeriodUnknown = "period.unknown", Warning;
    PeriodMismatch = "period.mismatch", Error;
    SubmissionDuplicate = "submission.duplicate", Error;
    SubmissionMissing = "submission.missing", Warning;
    StaffIncrease = "staff.increase", Warning;
    RatioUnverifiable = "ratio.unverifiable", Warning;
    IndicatorUnknown = "indicator.unknown", Warning;
    PeriodCarryOver = "period.carry_over", Warning;
    PeriodCumulativeMismatch = "period.cumulative_mismatch", Warning;
    CellOutOfRange = "cell.out_of_range", Warning;
    FormulaUncached = "value.formula_uncached", Error;
    DossierDuplicate = "dossier.duplicate", Warning;
    DossierConflict = "dossier.duplicate", Error;
    DossierIncomplete = "dossier.incomplete", Error;
    ReconcileMismatch = "reconcile.mismatch", Warning;
    UploadOtherUnit = "upload.other_unit", Error;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One fact about the input: where it is, what rule it breaks, what was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The rule broken; its severity follows from it.
    pub rule: Rule,
    /// The file, as given on the command line or found in a folder (may be empty
    /// for batch-level findings such as `submission.missing`).
    pub file: String,
    /// Sheet name, empty when the finding is about the whole file.
    pub sheet: String,
    /// A1 reference of the cell (or first cell of the row), empty when not about a cell.
    pub cell: String,
    /// What happened, in Vietnamese, for the officer.
    pub message: String,
    /// The raw text or value as written in the input.
    pub raw: String,
}

impl Finding {
    /// A finding about a file (no sheet, no cell).
    pub fn file(rule: Rule, file: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule,
            file: file.into(),
            sheet: String::new(),
            cell: String::new(),
            message: message.into(),
            raw: String::new(),
        }
    }

    /// The severity of this finding's rule.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// Sets the sheet and cell.
    pub fn at(mut self, sheet: impl Into<String>, cell: impl Into<String>) -> Self {
        self.sheet = sheet.into();
        self.cell = cell.into();
        self
    }

    /// Sets the raw text.
    pub fn with_raw(mut self, raw: impl Into<String>) -> Self {
        self.raw = raw.into();
        self
    }
}

/// A1 reference from zero-based row and column (`(0, 0)` is `A1`).
///
/// ```
/// assert_eq!(cchc_domain::finding::a1(9, 27), "AB10");
/// ```
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// Zero-based row and column of an A1 reference (`"B12"` → `(11, 1)`); columns up to
/// XFD, any row (a CSV file may have more than a sheet).
///
/// ```
/// assert_eq!(cchc_domain::finding::parse_a1("AB10"), Some((9, 27)));
/// assert_eq!(cchc_domain::finding::parse_a1("A0"), None);
/// ```
pub fn parse_a1(r: &str) -> Option<(u32, u32)> {
    let b = r.as_bytes();
    let mut i = 0;
    let mut col: u32 = 0;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b[i].to_ascii_uppercase() - b'A') + 1)?;
        i += 1;
    }
    if i == 0 || i == b.len() || col > 16_384 || !r[i..].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let row: u32 = r[i..].parse().ok()?;
    (row > 0).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1048575, 16383), "XFD1048576");
    }

    #[test]
    fn rule_ids_are_unique() {
        let every = Rule::every();
        let mut ids: Vec<_> = every.iter().map(|r| r.id()).collect();
        assert!(ids.contains(&"identity.received") && ids.contains(&"identity.online"));
        ids.sort_unstable();
        ids.dedup();
        // One id, two severities (DOMAIN.md §11): a dossier seen twice with the same
        // data (warning) or with different data (error).
        assert_eq!(Rule::DossierDuplicate.id(), Rule::DossierConflict.id());
        assert_eq!(ids.len(), every.len() - 1);
    }
}
