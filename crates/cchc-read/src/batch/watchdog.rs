//! Reading the files on worker threads the batch watches: a file still being read
//! after the time limit is given up and a fresh worker takes the stuck one's place.

use super::*;

/// Reads one file (the workbook reader; another in tests of the watchdog).
pub(super) type FileReader =
    dyn Fn(&Path, &str, &ReadContext, &mut ReadMemo) -> FileRead + Send + Sync;

/// Reads the files on as many worker threads as rayon would use, each with its own
/// memo for the whole batch, and returns what each gave, in file order.
///
/// A watchdog: a file still being read after `limits.max_read_seconds` is given up —
/// it gets `file.unreadable` saying so, a fresh worker takes the thread's place and the
/// batch goes on. The thread itself cannot be stopped (Rust has no way to kill one):
/// it is left to finish or to end with the process, and what it returns is dropped.
pub(super) fn read_files(
    files: &[(PathBuf, String)],
    ctx: &ReadContext,
    progress: &(dyn Fn() + Sync),
    reader: std::sync::Arc<FileReader>,
) -> Vec<FileRead> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Arc, Mutex};
    use std::time::{Duration, Instant};

    let n = files.len();
    if n == 0 {
        return Vec::new();
    }
    let limit = Duration::from_secs(ctx.limits.max_read_seconds.max(1));
    // Each file's own limit: a CSV dossier export is streamed and may be far larger
    // than any workbook, so it has the limit once per workbook-sized slice of it (10
    // million rows, 1.5 GB, read in about a minute, would otherwise be given up).
    let limits: Vec<Duration> = files
        .iter()
        .map(|(path, _)| {
            let csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let size = if csv {
                std::fs::metadata(path).map_or(0, |m| m.len())
            } else {
                0
            };
            let slices = size.div_ceil(ctx.limits.max_file_bytes.max(1)).max(1);
            limit.saturating_mul(u32::try_from(slices).unwrap_or(u32::MAX))
        })
        .collect();
    // What a worker shares with the batch; owned, since a worker given up outlives it.
    struct Shared {
        files: Vec<(PathBuf, String)>,
        ctx: ReadContext,
        next: AtomicUsize,
        reader: Arc<FileReader>,
    }
    let shared = Arc::new(Shared {
        files: files.to_vec(),
        ctx: ctx.clone(),
        next: AtomicUsize::new(0),
        reader,
    });
    // Each worker's file in hand and when it started on it.
    type Slot = Arc<Mutex<Option<(usize, Instant)>>>;
    let (done_tx, done_rx) = mpsc::channel::<(usize, FileRead)>();
    impl Shared {
        /// Reads the files not yet taken, one after another, `slot` saying which and
        /// since when.
        fn work(
            &self,
            tx: &mpsc::Sender<(usize, FileRead)>,
            slot: &Mutex<Option<(usize, Instant)>>,
        ) {
            let mut memo = ReadMemo::default();
            loop {
                let i = self.next.fetch_add(1, Ordering::Relaxed);
                let Some((path, shown)) = self.files.get(i) else {
                    break;
                };
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((i, Instant::now()));
                let read = (self.reader)(path, shown, &self.ctx, &mut memo);
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
                if tx.send((i, read)).is_err() {
                    break;
                }
            }
        }
    }
    let spawn = |shared: &Arc<Shared>, tx: &mpsc::Sender<(usize, FileRead)>| -> Slot {
        let slot: Slot = Arc::new(Mutex::new(None));
        let (worker_shared, worker_tx, mine) = (Arc::clone(shared), tx.clone(), Arc::clone(&slot));
        let spawned = std::thread::Builder::new()
            .name("cchc-read".into())
            .spawn(move || worker_shared.work(&worker_tx, &mine));
        if spawned.is_err() {
            // No thread to be had: this one reads what is left, unwatched.
            shared.work(tx, &slot);
        }
        slot
    };
    let workers = rayon::current_num_threads().clamp(1, n);
    let mut slots: Vec<Slot> = (0..workers).map(|_| spawn(&shared, &done_tx)).collect();
    let mut reads: Vec<Option<FileRead>> = vec![None; n];
    let mut settled = 0;
    while settled < n {
        // Wake for the next result or when the oldest file in hand reaches the limit.
        let now = Instant::now();
        let first_due = slots
            .iter()
            .filter_map(|s| *s.lock().unwrap_or_else(|p| p.into_inner()))
            .map(|(i, started)| started + limits[i])
            .min();
        let wait = first_due.map_or(limit, |t| t.saturating_duration_since(now));
        match done_rx.recv_timeout(wait.max(Duration::from_millis(1))) {
            Ok((i, read)) => {
                if reads[i].is_none() {
                    reads[i] = Some(read);
                    settled += 1;
                    progress();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = Instant::now();
                let mut replaced = Vec::new();
                for (k, s) in slots.iter().enumerate() {
                    let held = *s.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some((i, started)) = held {
                        if now.duration_since(started) >= limits[i] && reads[i].is_none() {
                            reads[i] = Some(given_up(&files[i].1, limits[i]));
                            settled += 1;
                            progress();
                            replaced.push(k);
                        }
                    }
                }
                for k in replaced {
                    slots[k] = spawn(&shared, &done_tx);
                }
            }
            // Every worker gone (none can be: the batch holds a sender).
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    reads
        .into_iter()
        .zip(files)
        .map(|(r, (_, shown))| r.unwrap_or_else(|| given_up(shown, limit)))
        .collect()
}

/// What a file given up by the watchdog reads as.
pub(super) fn given_up(file: &str, limit: std::time::Duration) -> FileRead {
    FileRead {
        file: file.to_string(),
        findings: vec![Finding::file(
            Rule::FileUnreadable,
            file,
            format!(
                "Đọc tệp quá {} giây nên đã dừng: tệp có thể bị hỏng hoặc có cấu trúc bất thường. \
                 Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx rồi gửi lại",
                limit.as_secs()
            ),
        )],
        ..FileRead::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_files` with a reader that hangs on the files named `hang…` (forever, as
    /// far as the batch can tell) and answers the others at once, after a pause that
    /// makes later files finish before earlier ones.
    fn read_with_hangs(names: &[&str], seconds: u64) -> Vec<FileRead> {
        let files: Vec<(PathBuf, String)> = names
            .iter()
            .map(|n| (PathBuf::from(n), (*n).to_string()))
            .collect();
        let mut ctx = ReadContext::default();
        ctx.limits.max_read_seconds = seconds;
        let reader = |_: &Path, shown: &str, _: &ReadContext, _: &mut ReadMemo| {
            if shown.starts_with("hang") {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
            let pause = 40 - 10 * (shown.len() as u64 % 4);
            std::thread::sleep(std::time::Duration::from_millis(pause));
            FileRead {
                file: shown.to_string(),
                findings: vec![Finding::file(Rule::FileSkipped, shown, "read")],
                ..FileRead::default()
            }
        };
        let progressed = std::sync::atomic::AtomicUsize::new(0);
        let reads = read_files(
            &files,
            &ctx,
            &|| {
                progressed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
            std::sync::Arc::new(reader),
        );
        assert_eq!(progressed.into_inner(), names.len(), "one step per file");
        reads
    }

    #[test]
    fn a_file_that_never_finishes_is_given_up_and_the_batch_goes_on() {
        let names = ["a.xlsx", "hang.xlsx", "bb.xlsx", "ccc.xlsx", "dddd.xlsx"];
        let reads = read_with_hangs(&names, 1);
        assert_eq!(reads.len(), names.len());
        for (r, n) in reads.iter().zip(names) {
            assert_eq!(r.file, n, "in file order");
            assert_eq!(r.findings.len(), 1, "{n}");
            let f = &r.findings[0];
            if n.starts_with("hang") {
                assert_eq!(f.rule, Rule::FileUnreadable);
                assert!(f.message.contains("quá 1 giây"), "{}", f.message);
                assert_eq!(f.file, n);
            } else {
                assert_eq!((f.rule, f.message.as_str()), (Rule::FileSkipped, "read"));
            }
        }
    }

    /// A CSV export three times the workbook limit has three times the time: read in
    /// 1.5 s against a limit of 1 s, it is not given up; a workbook that slow is.
    #[test]
    fn a_large_csv_export_has_time_in_proportion() {
        let dir = tempfile::tempdir().expect("tmp");
        let csv = dir.path().join("big.csv");
        let ctx = ReadContext {
            limits: crate::sniff::Limits {
                max_read_seconds: 1,
                ..crate::sniff::Limits::from_file_mb(1)
            },
            ..ReadContext::default()
        };
        std::fs::write(&csv, vec![b'x'; 3 << 20]).expect("w");
        let files = vec![
            (csv.clone(), "big.csv".to_string()),
            (dir.path().join("slow.xlsx"), "slow.xlsx".to_string()),
        ];
        let reader = |_: &Path, shown: &str, _: &ReadContext, _: &mut ReadMemo| {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            FileRead {
                file: shown.to_string(),
                findings: vec![Finding::file(Rule::FileSkipped, shown, "read")],
                ..FileRead::default()
            }
        };
        let reads = read_files(&files, &ctx, &|| {}, std::sync::Arc::new(reader));
        let rules: Vec<Rule> = reads.iter().map(|r| r.findings[0].rule).collect();
        assert_eq!(rules, [Rule::FileSkipped, Rule::FileUnreadable]);
    }

    #[test]
    fn more_hanging_files_than_workers_are_each_given_up() {
        // Every worker ends up stuck at some point: each one given up is replaced, so
        // the files after them are still read.
        let names = [
            "hang1.xls",
            "hang2.xls",
            "hang3.xls",
            "e.xlsx",
            "hang4.xls",
            "ff.xlsx",
            "g.xlsx",
        ];
        let reads = read_with_hangs(&names, 1);
        let rules: Vec<(String, Rule)> = reads
            .iter()
            .map(|r| (r.file.clone(), r.findings[0].rule))
            .collect();
        let expected: Vec<(String, Rule)> = names
            .iter()
            .map(|n| {
                let rule = if n.starts_with("hang") {
                    Rule::FileUnreadable
                } else {
                    Rule::FileSkipped
                };
                ((*n).to_string(), rule)
            })
            .collect();
        assert_eq!(rules, expected);
    }
}
