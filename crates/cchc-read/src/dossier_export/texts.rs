//! The texts dossiers share (procedure, field, agency, status), kept once each.

use std::sync::Arc;

/// The texts a dossier shares with many others of its export (a few hundred
/// procedures, agencies and statuses among a million rows), kept once and shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DossierTexts {
    /// `Mã TTHC` (empty when the export has none).
    pub procedure_code: Box<str>,
    /// `Tên TTHC`.
    pub procedure_name: Box<str>,
    /// `Lĩnh vực`.
    pub field: Box<str>,
    /// The agency that handles it, as written (empty without the column).
    pub agency: Box<str>,
    /// `Trạng thái`, as written.
    pub status: Box<str>,
}

/// Shares one copy of the texts repeated down the rows: looked up by their hash, then
/// compared. A reader of part of a file asks the file's interner for texts it has not
/// met yet, so the parts read on every core share their copies.
#[derive(Default)]
pub(crate) struct Interner {
    by_hash: rustc_hash::FxHashMap<u64, Vec<Arc<DossierTexts>>>,
    shared: Option<Arc<std::sync::Mutex<Interner>>>,
}

fn hash_of(parts: [&str; 5]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    parts.hash(&mut h);
    h.finish()
}

fn parts_of(t: &DossierTexts) -> [&str; 5] {
    [
        &t.procedure_code,
        &t.procedure_name,
        &t.field,
        &t.agency,
        &t.status,
    ]
}

impl Interner {
    /// An interner that takes the texts it has not met from `shared`.
    pub(crate) fn sharing(shared: Arc<std::sync::Mutex<Interner>>) -> Interner {
        Interner {
            by_hash: Default::default(),
            shared: Some(shared),
        }
    }

    /// The shared copy of these texts.
    pub(crate) fn get(&mut self, parts: [&str; 5]) -> Arc<DossierTexts> {
        let same = self.by_hash.entry(hash_of(parts)).or_default();
        if let Some(t) = same.iter().find(|t| parts_of(t) == parts) {
            return t.clone();
        }
        let t = match &self.shared {
            Some(shared) => match shared.lock() {
                Ok(mut s) => s.get(parts),
                Err(poisoned) => poisoned.into_inner().get(parts),
            },
            None => {
                let [procedure_code, procedure_name, field, agency, status] = parts.map(Box::from);
                Arc::new(DossierTexts {
                    procedure_code,
                    procedure_name,
                    field,
                    agency,
                    status,
                })
            }
        };
        same.push(t.clone());
        t
    }
}
