//! Every file `cchc-fuzz` ever kept (fuzz/corpus), read again: each must give findings,
//! never a panic, an abort or a hang. The `.txt` beside each file says what it once did.

use cchc_fuzz::{accounted, panicked, read_bytes};
use cchc_read::workbook::ReadContext;

#[test]
fn every_kept_file_reads_to_findings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut read = 0;
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "txt"))
    {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let bytes = std::fs::read(path).expect("read");
        let r = read_bytes(tmp.path(), &name, &bytes, &ReadContext::default()).expect("write");
        assert!(!panicked(&r), "{name}: {:?}", r.findings);
        assert!(accounted(&r), "{name}: neither tables nor findings");
        read += 1;
    }
    assert!(read >= 3, "{read} corpus files");
}

#[test]
fn contained_panics_name_the_file_and_the_batch_goes_on() {
    // fuzz/corpus/contained: damaged files on which calamine still panics (fuzz/UPSTREAM.md).
    // Each gets exactly one file.unreadable and no table; a good sample read right after,
    // on the same thread, still reads.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/contained");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("contained")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e != "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let good =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/PGD_AnThi_Q1_2022.xls");
    let ctx = ReadContext::default();
    for path in &files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let r = read_bytes(tmp.path(), &name, &std::fs::read(path).expect("read"), &ctx)
            .expect("write");
        assert_eq!(r.findings.len(), 1, "{name}: {:?}", r.findings);
        assert_eq!(
            r.findings[0].rule,
            cchc_domain::finding::Rule::FileUnreadable
        );
        assert!(r.tables.is_empty());
        let after = cchc_read::workbook::read_workbook(&good, "good.xls", &ctx);
        assert!(!after.tables.is_empty(), "{:?}", after.findings);
        assert!(after
            .findings
            .iter()
            .all(|f| f.rule != cchc_domain::finding::Rule::FileUnreadable));
    }
}

#[test]
fn a_short_seeded_run_over_the_samples() {
    // 300 damaged copies, same seed every time: no panic escapes, none is silent.
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut seeds = Vec::new();
    for e in std::fs::read_dir(&samples).expect("samples") {
        let p = e.expect("entry").path();
        if p.extension()
            .is_some_and(|x| x == "xlsx" || x == "xls" || x == "ods")
        {
            seeds.push((
                p.file_name().expect("name").to_string_lossy().to_string(),
                std::fs::read(&p).expect("read"),
            ));
        }
    }
    seeds.sort();
    let tmp = tempfile::tempdir().expect("tmp");
    let mut rng = fastrand::Rng::with_seed(20_221_128);
    for _ in 0..300 {
        let (name, bytes) = &seeds[rng.usize(0..seeds.len())];
        let damaged = cchc_fuzz::mutate(bytes, &mut rng);
        let r = read_bytes(tmp.path(), name, &damaged, &ReadContext::default()).expect("write");
        assert!(accounted(&r), "{name}: neither tables nor findings");
    }
}
