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

/// Keeps one copy of the texts repeated down the rows and numbers them: a row holds
/// the number (no count of references to touch, row after row, on every core). Texts
/// are looked up by their hash, then compared. A reader of part of a file asks the
/// file's interner for texts it has not met yet, so the parts read on every core share
/// one numbering.
#[derive(Default)]
pub(crate) struct Interner {
    /// Number and texts, by the texts' hash.
    by_hash: rustc_hash::FxHashMap<u64, Vec<(u32, Arc<DossierTexts>)>>,
    /// The texts by number (empty in a part's interner: the file's holds them).
    list: Vec<Arc<DossierTexts>>,
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
            shared: Some(shared),
            ..Interner::default()
        }
    }

    /// The number of these texts.
    pub(crate) fn get(&mut self, parts: [&str; 5]) -> u32 {
        let hash = hash_of(parts);
        if let Some(same) = self.by_hash.get(&hash) {
            if let Some((n, _)) = same.iter().find(|(_, t)| parts_of(t) == parts) {
                return *n;
            }
        }
        let got = match &self.shared {
            Some(shared) => {
                let mut s = shared
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let n = s.get(parts);
                (n, s.list[n as usize].clone())
            }
            None => {
                let [procedure_code, procedure_name, field, agency, status] = parts.map(Box::from);
                self.list.push(Arc::new(DossierTexts {
                    procedure_code,
                    procedure_name,
                    field,
                    agency,
                    status,
                }));
                let n = self.list.len() - 1;
                (n as u32, self.list[n].clone())
            }
        };
        let n = got.0;
        self.by_hash.entry(hash).or_default().push(got);
        n
    }

    /// The texts by number.
    pub(crate) fn into_list(self) -> Vec<Arc<DossierTexts>> {
        self.list
    }
}
