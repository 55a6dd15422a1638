//! The collection page's data folder (DOMAIN.md §12): every uploaded file under
//! `files/`, named by its SHA-256 (never by a name a client chose), and `cchc.db`, an
//! embedded SQLite database of links, versions and the audit log. Back-up is copying the
//! folder.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Error;

mod office;
mod versions;

pub use office::{Session, SESSION_HOURS};

/// The schema, one step per version (`PRAGMA user_version` says how many ran): a folder
/// of an older version is brought up to date when it is opened.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        unit_id TEXT NOT NULL,
        period TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        revoked TEXT
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        link_id INTEGER NOT NULL REFERENCES links(id),
        unit_id TEXT NOT NULL,
        period TEXT NOT NULL,
        created TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        findings TEXT NOT NULL,
        sent TEXT
    );
    CREATE INDEX versions_by_unit ON versions(unit_id, period);
    CREATE TABLE version_files (
        version_id INTEGER NOT NULL REFERENCES versions(id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (version_id, position)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );
",
    "
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        csrf TEXT NOT NULL,
        created TEXT NOT NULL,
        expires TEXT NOT NULL
    );
",
    "ALTER TABLE versions ADD COLUMN acknowledged TEXT;",
];

/// A unit's link for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its number.
    pub id: i64,
    /// The unit.
    pub unit_id: String,
    /// The period (`2022-Q1`).
    pub period: String,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// A file of a version: the name the unit gave it (shown, never used as a path), its
/// hash and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The name as uploaded, for display.
    pub name: String,
    /// SHA-256, lowercase hex: its name under `files/`.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

/// One upload of a unit: its files and what checking them found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Its number.
    pub id: i64,
    /// When it was uploaded (UTC, RFC 3339).
    pub created: String,
    /// Findings of severity error, warning, info.
    pub counts: [usize; 3],
    /// The findings as JSON (a list of objects: severity, rule, file, sheet, cell,
    /// message, raw).
    pub findings: String,
    /// When it was sent, if it was.
    pub sent: Option<String>,
    /// When the office acknowledged it (took it in as the unit's report), if it did.
    pub acknowledged: Option<String>,
    /// Its files.
    pub files: Vec<StoredFile>,
}

/// The data folder.
pub struct Store {
    dir: PathBuf,
    db: Mutex<Connection>,
}

/// Now, UTC, to the second (RFC 3339).
pub(crate) fn now() -> String {
    at(chrono::Utc::now())
}

/// `t` as the database writes times (they sort as text).
fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 32 random bytes from the OS, as hex.
pub(crate) fn secret() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    /// Opens (or makes) the data folder `dir`, its schema brought up to date.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be made, [`Error::Db`] when the database
    /// cannot be opened or migrated.
    pub fn open(dir: &Path) -> Result<Store, Error> {
        std::fs::create_dir_all(dir.join("files"))?;
        let mut db = Connection::open(dir.join("cchc.db"))?;
        // WAL with full syncs: a write the page said was kept survives a crash.
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.pragma_update(None, "foreign_keys", true)?;
        let done: usize = db.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = db.transaction()?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            db: Mutex::new(db),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The schema's version (how many migrations ran).
    pub fn schema_version(&self) -> Result<usize, Error> {
        Ok(self
            .db()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// SQLite's own check of the database (`ok` when sound).
    pub fn integrity_check(&self) -> Result<String, Error> {
        Ok(self
            .db()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Records `action` by `actor` in the audit log.
    pub fn audit(&self, actor: &str, action: &str, detail: &str) -> Result<(), Error> {
        self.db().execute(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![now(), actor, action, detail],
        )?;
        Ok(())
    }

    /// The audit log, oldest first: (at, actor, action, detail).
    pub fn audit_log(&self) -> Result<Vec<[String; 4]>, Error> {
        let db = self.db();
        let mut q = db.prepare("SELECT at, actor, action, detail FROM audit ORDER BY id")?;
        let rows = q.query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A new link for `unit_id` and `period`: the token to put in its address
    /// (`<number>.<secret>`; only the secret's hash is kept).
    pub fn issue_link(&self, unit_id: &str, period: &str) -> Result<String, Error> {
        let secret = secret()?;
        let id = {
            let db = self.db();
            db.execute(
                "INSERT INTO links (unit_id, period, secret_hash, created) VALUES (?1, ?2, ?3, ?4)",
                params![unit_id, period, sha256_hex(secret.as_bytes()), now()],
            )?;
            db.last_insert_rowid()
        };
        self.audit("office", "link.issue", &format!("{id} {unit_id} {period}"))?;
        Ok(format!("{id}.{secret}"))
    }

    /// Revokes link `id`.
    pub fn revoke_link(&self, id: i64) -> Result<(), Error> {
        self.db().execute(
            "UPDATE links SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL",
            params![now(), id],
        )?;
        self.audit("office", "link.revoke", &id.to_string())
    }

    /// The link a token opens, revoked or not; `None` for a token no link has. The
    /// secret's hash is compared in constant time.
    pub fn link(&self, token: &str) -> Result<Option<Link>, Error> {
        let Some((id, secret)) = token.split_once('.') else {
            return Ok(None);
        };
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let row = self
            .db()
            .query_row(
                "SELECT unit_id, period, secret_hash, revoked IS NOT NULL FROM links WHERE id = ?1",
                params![id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((unit_id, period, hash, revoked)) = row else {
            return Ok(None);
        };
        let given = sha256_hex(secret.as_bytes());
        if !bool::from(given.as_bytes().ct_eq(hash.as_bytes())) {
            return Ok(None);
        }
        Ok(Some(Link {
            id,
            unit_id,
            period,
            revoked,
        }))
    }

    /// Every link of `period`, by unit then number.
    pub fn links_of_period(&self, period: &str) -> Result<Vec<Link>, Error> {
        let db = self.db();
        let mut q = db.prepare(
            "SELECT id, unit_id, period, revoked IS NOT NULL FROM links WHERE period = ?1 ORDER BY unit_id, id",
        )?;
        let rows = q.query_map(params![period], |r| {
            Ok(Link {
                id: r.get(0)?,
                unit_id: r.get(1)?,
                period: r.get(2)?,
                revoked: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The periods any link was issued for, newest first.
    pub fn periods(&self) -> Result<Vec<String>, Error> {
        let db = self.db();
        let mut q = db.prepare("SELECT DISTINCT period FROM links ORDER BY period DESC")?;
        let rows = q.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps `bytes` under `files/` by their hash (written whole, then renamed: a file
    /// cut by a crash is never under a hash's name).
    pub fn put_file(&self, bytes: &[u8]) -> Result<String, Error> {
        let hash = sha256_hex(bytes);
        let path = self.dir.join("files").join(&hash);
        if !path.exists() {
            let mut tmp = tempfile::NamedTempFile::new_in(self.dir.join("files"))?;
            std::io::Write::write_all(&mut tmp, bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(&path).map_err(|e| Error::Io(e.error))?;
        }
        Ok(hash)
    }

    /// Where the file of hash `sha256` is kept; `None` for anything but a hash.
    pub fn file_path(&self, sha256: &str) -> Option<PathBuf> {
        let hex = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        hex.then(|| self.dir.join("files").join(sha256.to_ascii_lowercase()))
    }

    /// The folder of consolidation `n` of `period` (`outputs/<period>/<n>`); `None` for a
    /// period that is not one (letters, digits and `-` only).
    pub fn output_dir(&self, period: &str, n: u32) -> Option<PathBuf> {
        let plain = !period.is_empty()
            && period
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        plain.then(|| self.dir.join("outputs").join(period).join(n.to_string()))
    }

    /// The consolidations of `period` made whole so far, newest first.
    pub fn outputs(&self, period: &str) -> Vec<u32> {
        self.outputs_started(period)
            .into_iter()
            .filter(|n| {
                self.output_dir(period, *n)
                    .is_some_and(|d| d.join(crate::consolidate::COMPLETE).exists())
            })
            .collect()
    }

    /// The consolidations of `period` started so far (whole or not), newest first.
    pub fn outputs_started(&self, period: &str) -> Vec<u32> {
        let Some(dir) = self
            .output_dir(period, 0)
            .and_then(|d| d.parent().map(Path::to_path_buf))
        else {
            return Vec::new();
        };
        let mut n: Vec<u32> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        n.sort_unstable_by(|a, b| b.cmp(a));
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_its_link_only() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(dir.path()).expect("store");
        let token = store.issue_link("thpt-a", "2022-Q1").expect("link");
        let link = store.link(&token).expect("db").expect("its link");
        assert_eq!(
            (link.unit_id.as_str(), link.period.as_str()),
            ("thpt-a", "2022-Q1")
        );
        let (id, secret) = token.split_once('.').expect("id.secret");
        let mut wrong = secret.to_string();
        wrong.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        assert_eq!(store.link(&format!("{id}.{wrong}")).expect("db"), None);
        assert_eq!(store.link(&format!("9{id}.{secret}")).expect("db"), None);
        assert_eq!(store.link("nonsense").expect("db"), None);
        store.revoke_link(link.id).expect("revoke");
        assert!(
            store
                .link(&token)
                .expect("db")
                .expect("still found")
                .revoked
        );
    }

    #[test]
    fn files_are_kept_by_their_hash() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(dir.path()).expect("store");
        let hash = store.put_file(b"abc").expect("put");
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let path = store.file_path(&hash).expect("a hash");
        assert_eq!(std::fs::read(path).expect("read"), b"abc");
        assert_eq!(store.file_path("../cchc.db"), None);
    }
}
