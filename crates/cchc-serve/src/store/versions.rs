//! A unit's versions: recorded, listed, sent, acknowledged by the office.

use rusqlite::params;

use super::{now, Link, Store, StoredFile, Version};
use crate::Error;

impl Store {
    /// Records a version of `link`'s unit: its files (kept already) and findings.
    pub fn add_version(
        &self,
        link: &Link,
        files: &[StoredFile],
        counts: [usize; 3],
        findings: &str,
    ) -> Result<i64, Error> {
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?;
            tx.execute(
                "INSERT INTO versions (link_id, unit_id, period, created, errors, warnings, infos, findings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    link.id,
                    link.unit_id,
                    link.period,
                    now(),
                    counts[0] as i64,
                    counts[1] as i64,
                    counts[2] as i64,
                    findings
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (i, f) in files.iter().enumerate() {
                tx.execute(
                    "INSERT INTO version_files (version_id, position, name, sha256, size) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, i as i64, f.name, f.sha256, f.size as i64],
                )?;
            }
            tx.commit()?;
            id
        };
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        self.audit(
            &format!("unit:{}", link.unit_id),
            "version.upload",
            &format!("{id} {} {}", link.period, names.join(" | ")),
        )?;
        Ok(id)
    }

    /// The versions of `unit_id` for `period`, newest first.
    pub fn versions(&self, unit_id: &str, period: &str) -> Result<Vec<Version>, Error> {
        let db = self.db();
        let mut q = db.prepare(
            "SELECT id, created, errors, warnings, infos, findings, sent, acknowledged FROM versions
             WHERE unit_id = ?1 AND period = ?2 ORDER BY id DESC",
        )?;
        let mut versions = q
            .query_map(params![unit_id, period], |r| {
                Ok(Version {
                    id: r.get(0)?,
                    created: r.get(1)?,
                    counts: [
                        r.get::<_, i64>(2)? as usize,
                        r.get::<_, i64>(3)? as usize,
                        r.get::<_, i64>(4)? as usize,
                    ],
                    findings: r.get(5)?,
                    sent: r.get(6)?,
                    acknowledged: r.get(7)?,
                    files: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut files = db.prepare(
            "SELECT name, sha256, size FROM version_files WHERE version_id = ?1 ORDER BY position",
        )?;
        for v in &mut versions {
            v.files = files
                .query_map(params![v.id], |r| {
                    Ok(StoredFile {
                        name: r.get(0)?,
                        sha256: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
        Ok(versions)
    }

    /// Each unit's newest sent version for `period` (the one that counts), by unit.
    pub fn counted_versions(&self, period: &str) -> Result<Vec<(String, Version)>, Error> {
        let units: Vec<String> = {
            let db = self.db();
            let mut q = db.prepare(
                "SELECT DISTINCT unit_id FROM versions WHERE period = ?1 AND sent IS NOT NULL ORDER BY unit_id",
            )?;
            let rows = q.query_map(params![period], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for unit in units {
            if let Some(v) = self
                .versions(&unit, period)?
                .into_iter()
                .find(|v| v.sent.is_some())
            {
                out.push((unit, v));
            }
        }
        Ok(out)
    }

    /// Marks version `id` of `link`'s unit and period sent; `false` when it is none of
    /// theirs (or was sent already).
    pub fn send(&self, link: &Link, id: i64) -> Result<bool, Error> {
        let changed = self.db().execute(
            "UPDATE versions SET sent = ?1 WHERE id = ?2 AND unit_id = ?3 AND period = ?4 AND sent IS NULL",
            params![now(), id, link.unit_id, link.period],
        )?;
        if changed == 1 {
            self.audit(
                &format!("unit:{}", link.unit_id),
                "version.send",
                &format!("{id} {}", link.period),
            )?;
        }
        Ok(changed == 1)
    }

    /// Marks version `id` of `unit_id` and `period` acknowledged by the office (taken in
    /// as the unit's report); `false` when it is none of theirs, not sent, or was
    /// acknowledged already.
    pub fn acknowledge(&self, unit_id: &str, period: &str, id: i64) -> Result<bool, Error> {
        let changed = self.db().execute(
            "UPDATE versions SET acknowledged = ?1
             WHERE id = ?2 AND unit_id = ?3 AND period = ?4 AND sent IS NOT NULL AND acknowledged IS NULL",
            params![now(), id, unit_id, period],
        )?;
        if changed == 1 {
            self.audit(
                "office",
                "version.acknowledge",
                &format!("{id} {unit_id} {period}"),
            )?;
        }
        Ok(changed == 1)
    }
}
