//! The benchmark corpus read back: every generated unit's Form A sums, computed by the
//! generator from the figures it wrote, equal what cchc reads, with no error finding.
//! Sixty workbooks cover every layout variation the generator draws.

use std::collections::BTreeMap;
use std::process::Command;

use cchc_domain::finding::Severity;
use cchc_domain::unit::Registry;
use cchc_read::{read_batch, BatchOptions};

#[test]
fn generated_corpus_reads_back_exactly() {
    let dir = tempfile::tempdir().expect("tmp");
    let status = Command::new(env!("CARGO_BIN_EXE_cchc-bench-gen"))
        .args(["--count", "60", "--seed", "7", "--out"])
        .arg(dir.path())
        .status()
        .expect("generator runs");
    assert!(status.success());
    let registry = std::fs::read_to_string(dir.path().join("units.csv")).expect("units.csv");
    let opts = BatchOptions {
        registry: Registry::from_csv(&registry).expect("registry"),
        ..BatchOptions::default()
    };
    let batch = read_batch(&[dir.path().join("in")], &opts, &|| {});

    let errors: Vec<_> = batch
        .findings
        .iter()
        .filter(|f| f.severity() != Severity::Info)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut read: BTreeMap<String, [i64; 11]> = BTreeMap::new();
    for s in batch.submissions.iter().filter(|s| s.counted) {
        let sums = read.entry(s.unit.unit_id.clone()).or_default();
        for (a, b) in sums.iter_mut().zip(s.totals()) {
            *a += b;
        }
    }
    let expected = std::fs::read_to_string(dir.path().join("expected.csv")).expect("expected.csv");
    let mut units = 0;
    for line in expected.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let want: Vec<i64> = fields[2..]
            .iter()
            .map(|v| v.parse().expect("number"))
            .collect();
        assert_eq!(
            read.get(fields[0]).map(|s| s.to_vec()),
            Some(want),
            "unit {}",
            fields[0]
        );
        units += 1;
    }
    assert_eq!(units, 60);
}
