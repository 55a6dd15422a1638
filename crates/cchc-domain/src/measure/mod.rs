//! Form A measures and the header alias table that recognises their columns.
//!
//! The measures themselves are data (`data/forms.toml`, [`crate::forms`]): a
//! [`Measure`] is a position in Form A's list there. The header table lives in
//! `data/headers.toml`; [`HeaderAliases`] applies it to a column's header path
//! (top › middle › bottom) and says which measure, if any, the column holds.

mod aliases;
mod phrase_forms;

pub use aliases::{AliasError, FormALevel, HeaderAliases, HEADERS_TOML};

use crate::forms::{vocabulary, Form, MeasureDef};

/// One Form A measure: its position in Form A's measures of `data/forms.toml`
/// (the official columns (3)–(13) first, then the optional ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Measure(u8);

impl Measure {
    fn def(self) -> &'static MeasureDef {
        &vocabulary().form(Form::A).measures[self.index()]
    }

    /// Every Form A measure, in the vocabulary's order.
    pub fn all() -> impl ExactSizeIterator<Item = Measure> + Clone {
        (0..Measure::count()).map(|i| Measure(i as u8))
    }

    /// How many Form A measures there are.
    pub fn count() -> usize {
        vocabulary().form(Form::A).measures.len()
    }

    /// The measure at this position (`None` past the last).
    pub fn from_index(index: usize) -> Option<Measure> {
        (index < Measure::count()).then_some(Measure(index as u8))
    }

    /// The measure with this id.
    ///
    /// ```
    /// use cchc_domain::measure::Measure;
    /// let m = Measure::named("resolved_early").unwrap();
    /// assert_eq!((m.index(), m.form_column()), (5, Some(8)));
    /// assert!(Measure::named("received_online_full").is_some_and(|m| !m.required()));
    /// ```
    pub fn named(id: &str) -> Option<Measure> {
        vocabulary().measure(Form::A, id).map(|i| Measure(i as u8))
    }

    /// Column name in frames and exports (`resolved_early`).
    pub fn id(self) -> &'static str {
        &self.def().id
    }

    /// Position in [`Measure::all`].
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The column number on the official form (3–13), when it has one.
    pub fn form_column(self) -> Option<u32> {
        self.def().column
    }

    /// Whether every Form A table must have this column.
    pub fn required(self) -> bool {
        self.def().required
    }

    /// Vietnamese column label for reports.
    pub fn label_vi(self) -> &'static str {
        &self.def().label
    }

    /// `(8) "Đã giải quyết - Trước hạn"`, or the label alone for an optional column.
    pub fn describe_vi(self) -> String {
        match self.form_column() {
            Some(c) => format!("({c}) \"{}\"", self.label_vi()),
            None => format!("\"{}\"", self.label_vi()),
        }
    }

    /// A set of measures as a bit mask (bit [`Measure::index`]).
    pub fn bit(self) -> u32 {
        1 << self.0
    }
}

/// What a Form A header column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnRole {
    /// The row-number column (`TT`, `STT`).
    RowNumber,
    /// The row label: a field (lĩnh vực).
    Field,
    /// The row label: a unit (district roll-up).
    UnitLabel,
    /// A measure.
    Measure(Measure),
}
