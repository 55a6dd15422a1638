//! The server killed with SIGKILL in the middle of uploads, then started again on the
//! same folder: the database sound, every upload a client was told was kept is there,
//! every version's files whole (their content hashes to their name), and the server
//! serves on. The server runs in a child process: this test binary run again with
//! `CCHC_FAULT_CHILD_DATA` set, serving from `child_server`.

mod common;

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use cchc_serve::{App, CheckSettings, Limits, Store};

/// Serves the folder `CCHC_FAULT_CHILD_DATA` until killed (a no-op in a normal run).
#[test]
fn child_server() {
    let Some(dir) = std::env::var_os("CCHC_FAULT_CHILD_DATA") else {
        return;
    };
    let dir = Path::new(&dir);
    let app = std::sync::Arc::new(App::new(
        Store::open(dir).expect("store"),
        CheckSettings::default(),
        cchc_domain::unit::Registry::from_units(Vec::new()),
        Limits::default(),
    ));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let tmp = dir.join("addr.tmp");
        std::fs::write(&tmp, addr.to_string()).expect("addr");
        std::fs::rename(&tmp, dir.join("addr")).expect("addr");
        cchc_serve::serve(listener, app).await.expect("serve");
    });
}

/// The child server on `dir`, and its address.
fn spawn(dir: &Path) -> (Child, String) {
    let _ = std::fs::remove_file(dir.join("addr"));
    let mut child = Command::new(std::env::current_exe().expect("this test"))
        .args(["--exact", "child_server", "--nocapture", "--test-threads=1"])
        .env("CCHC_FAULT_CHILD_DATA", dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("child server");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(addr) = std::fs::read_to_string(dir.join("addr")) {
            return (child, format!("http://{addr}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the child did not start");
}

#[test]
fn killed_mid_upload_the_data_stay_sound() {
    let dir = tempfile::tempdir().expect("dir");
    let units: Vec<String> = (0..6).map(|i| format!("don-vi-{i}")).collect();
    let tokens: Vec<String> = {
        let store = Store::open(dir.path()).expect("store");
        units
            .iter()
            .map(|u| store.issue_link(u, "2022-Q1").expect("link"))
            .collect()
    };
    let (mut child, base) = spawn(dir.path());
    let file = common::sample("THPT_TrungVuong_Q1_2022.xlsx");
    // Each client uploads until the server is gone, counting the uploads it was told
    // were kept (each a different file: the k-th bytes appended to the workbook's).
    let acknowledged: Vec<usize> = std::thread::scope(|s| {
        let clients: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let (base, file) = (&base, &file);
                s.spawn(move || {
                    let mut kept = 0;
                    for k in 0.. {
                        let mut bytes = file.clone();
                        bytes.extend_from_slice(format!("{i}-{k}").as_bytes());
                        match common::try_upload(
                            &format!("{base}/u/{token}/upload"),
                            &[("f.xlsx", bytes)],
                        ) {
                            Some((303, _)) => kept += 1,
                            _ => break,
                        }
                    }
                    kept
                })
            })
            .collect();
        // Killed while uploads are under way.
        std::thread::sleep(Duration::from_millis(1500));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        clients
            .into_iter()
            .map(|c| c.join().expect("client"))
            .collect()
    });
    assert!(
        acknowledged.iter().sum::<usize>() > 0,
        "uploads were under way"
    );
    eprintln!("acknowledged before the kill: {acknowledged:?}");

    let (mut child, base) = spawn(dir.path());
    let store = Store::open(dir.path()).expect("reopened");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    for ((unit, token), told) in units.iter().zip(&tokens).zip(&acknowledged) {
        let versions = store.versions(unit, "2022-Q1").expect("versions");
        // Every acknowledged upload kept; at most one more, stored before its answer
        // could go out.
        assert!(
            versions.len() >= *told && versions.len() <= told + 1,
            "{unit}: {} kept, {told} told",
            versions.len()
        );
        for v in &versions {
            for f in &v.files {
                let path = store.file_path(&f.sha256).expect("a hash");
                let bytes = std::fs::read(&path).expect("the version's file is there");
                assert_eq!(bytes.len() as u64, f.size);
                use sha2::Digest;
                let hash: String = sha2::Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(hash, f.sha256, "whole");
            }
        }
        let (status, _) = common::get(&format!("{base}/u/{token}"));
        assert_eq!(status, 200);
    }
    let (status, _) = common::upload(
        &format!("{base}/u/{}/upload", tokens[0]),
        &[("g.xlsx", file.clone())],
    );
    assert_eq!(status, 303, "serves on");
    let _ = child.kill();
    let _ = child.wait();
}
