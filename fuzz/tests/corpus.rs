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
