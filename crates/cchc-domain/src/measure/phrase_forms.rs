//! What recognises each phrase-table form (B, C, D and the dossier export): the role
//! map, which roles score, and how many make the form and a complete header. The
//! phrases themselves are `data/headers.toml`'s, read by [`super::HeaderAliases`].

use crate::columns::{
    map_b, map_c, map_d, map_x, Abbreviations, BColumn, CColumn, CMeasure, DColumn, FormColumns,
    PhraseTable, XColumn,
};

pub(super) fn form_b(table: PhraseTable, abbreviations: Abbreviations) -> FormColumns<BColumn> {
    // Recognised by its level column plus at least two of name, code, portal, counts.
    FormColumns {
        table,
        abbreviations,
        map: map_b,
        scoring: |r| !matches!(r, BColumn::RowNumber | BColumn::Field),
        min: 3,
        max: 7,
    }
}

pub(super) fn form_c(table: PhraseTable, abbreviations: Abbreviations) -> FormColumns<CColumn> {
    FormColumns {
        table,
        abbreviations,
        map: map_c,
        scoring: |r| {
            matches!(
                r,
                CColumn::Measure(CMeasure::PublicUnits | CMeasure::StatePaidStaff, Some(_))
            )
        },
        min: 2,
        max: 4,
    }
}

pub(super) fn form_d(table: PhraseTable, abbreviations: Abbreviations) -> FormColumns<DColumn> {
    FormColumns {
        table,
        abbreviations,
        map: map_d,
        scoring: |r| {
            matches!(
                r,
                DColumn::Name
                    | DColumn::Code
                    | DColumn::Numerator
                    | DColumn::Denominator
                    | DColumn::Ratio
            )
        },
        min: 3,
        max: 5,
    }
}

pub(super) fn dossier_export(
    table: PhraseTable,
    abbreviations: Abbreviations,
) -> FormColumns<XColumn> {
    // Recognised by the dossier id, the day received, the channel and a due date or
    // a time limit; a finished date makes it complete.
    FormColumns {
        table,
        abbreviations,
        map: map_x,
        scoring: |r| {
            matches!(
                r,
                XColumn::Id
                    | XColumn::Received
                    | XColumn::Channel
                    | XColumn::Due
                    | XColumn::TimeLimit
                    | XColumn::Finished
            )
        },
        min: 4,
        max: 5,
    }
}
