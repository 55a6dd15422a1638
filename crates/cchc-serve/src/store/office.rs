//! The office's password (argon2) and sessions: a cookie's secret, kept as its SHA-256,
//! and the session's CSRF token.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension};

use super::{at, now, secret, sha256_hex, Store};
use crate::Error;

/// Hours a session lasts.
pub const SESSION_HOURS: i64 = 8;

/// An office session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The token every form of the session carries.
    pub csrf: String,
}

impl Store {
    /// Sets the office's password (kept as an argon2id hash with a random salt).
    pub fn set_office_password(&self, password: &str) -> Result<(), Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
        let salt = SaltString::encode_b64(&bytes).map_err(|e| Error::Random(e.to_string()))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| Error::Random(e.to_string()))?
            .to_string();
        self.db().execute(
            "INSERT INTO settings (key, value) VALUES ('office_password', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![hash],
        )?;
        self.audit("office", "password.set", "")
    }

    /// Whether an office password was set.
    pub fn has_office_password(&self) -> Result<bool, Error> {
        Ok(self.office_hash()?.is_some())
    }

    fn office_hash(&self) -> Result<Option<String>, Error> {
        Ok(self
            .db()
            .query_row(
                "SELECT value FROM settings WHERE key = 'office_password'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether `password` is the office's (false when none was set).
    pub fn check_office_password(&self, password: &str) -> Result<bool, Error> {
        let Some(hash) = self.office_hash()? else {
            return Ok(false);
        };
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return Ok(false);
        };
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    }

    /// A new session: the cookie's token and the session's CSRF token.
    pub fn new_session(&self) -> Result<(String, Session), Error> {
        let (token, csrf) = (secret()?, secret()?);
        let now_t = chrono::Utc::now();
        self.db().execute(
            "INSERT INTO sessions (token_hash, csrf, created, expires) VALUES (?1, ?2, ?3, ?4)",
            params![
                sha256_hex(token.as_bytes()),
                csrf,
                at(now_t),
                at(now_t + chrono::Duration::hours(SESSION_HOURS))
            ],
        )?;
        self.audit("office", "login", "")?;
        Ok((token, Session { csrf }))
    }

    /// The session a cookie's token opens, if it has not expired.
    pub fn session(&self, token: &str) -> Result<Option<Session>, Error> {
        Ok(self
            .db()
            .query_row(
                "SELECT csrf FROM sessions WHERE token_hash = ?1 AND expires > ?2",
                params![sha256_hex(token.as_bytes()), now()],
                |r| Ok(Session { csrf: r.get(0)? }),
            )
            .optional()?)
    }

    /// Ends the session of `token`.
    pub fn end_session(&self, token: &str) -> Result<(), Error> {
        self.db().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![sha256_hex(token.as_bytes())],
        )?;
        self.audit("office", "logout", "")
    }
}
