//! A data folder of an older version is brought up to date when it is opened: the
//! links, versions and files it holds keep working.

mod common;

use cchc_serve::{Limits, Store};
use common::{get, start};

/// The database as the first version of `cchc serve` made it (schema step 1: links,
/// versions, their files, the audit log; no office settings, sessions or
/// acknowledgments yet), written out here as that version wrote it.
const V1: &str = "
    CREATE TABLE links (id INTEGER PRIMARY KEY, unit_id TEXT NOT NULL, period TEXT NOT NULL,
        secret_hash TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT);
    CREATE TABLE versions (id INTEGER PRIMARY KEY, link_id INTEGER NOT NULL REFERENCES links(id),
        unit_id TEXT NOT NULL, period TEXT NOT NULL, created TEXT NOT NULL, errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL, infos INTEGER NOT NULL, findings TEXT NOT NULL, sent TEXT);
    CREATE INDEX versions_by_unit ON versions(unit_id, period);
    CREATE TABLE version_files (version_id INTEGER NOT NULL REFERENCES versions(id),
        position INTEGER NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
        PRIMARY KEY (version_id, position));
    CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, detail TEXT NOT NULL);
    PRAGMA user_version = 1;
";

#[test]
fn a_folder_of_the_first_version_is_migrated_and_kept() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("files")).expect("files");
    // SHA-256("abc") (FIPS 180-2, B.1) is the secret's hash; the file's own hash is
    // SHA-256 of its bytes, "abc" again.
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    std::fs::write(dir.path().join("files").join(abc), b"abc").expect("file");
    {
        let db = rusqlite::Connection::open(dir.path().join("cchc.db")).expect("db");
        db.execute_batch(V1).expect("v1");
        db.execute_batch(&format!(
            "INSERT INTO links VALUES (7, 'thpt-trungvuong', '2022-Q1', '{abc}', '2022-04-01T08:00:00Z', NULL);
             INSERT INTO versions VALUES (3, 7, 'thpt-trungvuong', '2022-Q1', '2022-04-02T09:00:00Z', 0, 1, 0,
                 '[{{\"severity\":\"warning\",\"rule\":\"sheet.hidden\",\"file\":\"cu.xlsx\",\"sheet\":\"An\",\"cell\":\"\",\"message\":\"Trang tính ẩn\",\"raw\":\"\"}}]',
                 '2022-04-02T09:05:00Z');
             INSERT INTO version_files VALUES (3, 0, 'cu.xlsx', '{abc}', 3);
             INSERT INTO audit VALUES (1, '2022-04-01T08:00:00Z', 'office', 'link.issue', '7 thpt-trungvuong 2022-Q1');"
        ))
        .expect("rows");
    }

    let store = Store::open(dir.path()).expect("migrated");
    assert_eq!(store.schema_version().expect("version"), 3);
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let link = store.link("7.abc").expect("db").expect("the old link");
    assert_eq!(link.unit_id, "thpt-trungvuong");
    let versions = store
        .versions("thpt-trungvuong", "2022-Q1")
        .expect("versions");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].counts, [0, 1, 0]);
    assert_eq!(versions[0].acknowledged, None);
    assert_eq!(versions[0].files[0].name, "cu.xlsx");
    // What later steps added works on the old data: the office's password and sessions
    // (step 2), taking a version in (step 3).
    store
        .set_office_password("mat-khau-van-phong")
        .expect("password");
    assert!(store
        .check_office_password("mat-khau-van-phong")
        .expect("check"));
    assert!(store
        .acknowledge("thpt-trungvuong", "2022-Q1", 3)
        .expect("ack"));
    drop(store);

    // Opened again: nothing runs twice, the old link opens its page.
    let base = start(dir.path(), Limits::default());
    assert_eq!(
        Store::open(dir.path())
            .expect("again")
            .schema_version()
            .expect("version"),
        3
    );
    let (status, html) = get(&format!("{base}/u/7.abc"));
    assert_eq!(status, 200);
    assert!(html.contains("Trường THPT Trưng Vương") && html.contains("cu.xlsx"));
    assert!(
        html.contains("<td>sheet.hidden</td><td>cu.xlsx</td><td>An</td>"),
        "{html}"
    );
}
