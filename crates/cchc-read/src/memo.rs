//! A memo a reading thread keeps from file to file: submissions repeat the same header
//! wording and indicator names, so their meaning is worked out once per thread.

use std::borrow::Borrow;
use std::hash::Hash;

/// Values by key, at most [`Memo::CAPACITY`] of them; beyond, the memo starts afresh
/// (titles and unit lines differ in every file and would otherwise pile up).
pub struct Memo<K, V> {
    map: rustc_hash::FxHashMap<K, V>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            map: rustc_hash::FxHashMap::default(),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// Entries kept at most.
    pub const CAPACITY: usize = 20_000;

    /// The value for `key`, computed once.
    pub fn get_or_compute<Q>(&mut self, key: &Q, compute: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(v) = self.map.get(key) {
            return v.clone();
        }
        if self.map.len() >= Self::CAPACITY {
            self.map.clear();
        }
        let v = compute();
        self.map.insert(key.to_owned(), v.clone());
        v
    }
}
