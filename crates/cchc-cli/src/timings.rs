//! `CCHC_TIMINGS`: each phase's time and memory on stderr (the benchmark's profile), and
//! the allocator told to hand memory back early for a large batch. The binary's own
//! business: the allocator is the binary's (jemalloc).

use std::time::Instant;

/// Phase timings on stderr when `CCHC_TIMINGS` is set (the benchmark's profile), with
/// the most memory the program held (allocated, sampled every 2 ms) in each phase.
pub struct Timings {
    on: bool,
    last: Instant,
    peak_allocated: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl Timings {
    pub fn new() -> Timings {
        let on = std::env::var_os("CCHC_TIMINGS").is_some();
        let peak_allocated = on.then(|| {
            let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let p = std::sync::Arc::clone(&peak);
            std::thread::spawn(move || loop {
                let _ = tikv_jemalloc_ctl::epoch::advance();
                if let Ok(bytes) = tikv_jemalloc_ctl::stats::allocated::read() {
                    p.fetch_max(bytes, std::sync::atomic::Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            });
            peak
        });
        Timings {
            on,
            last: Instant::now(),
            peak_allocated,
        }
    }

    fn done(&mut self, phase: &str) {
        if self.on {
            let held = self.peak_allocated.as_ref().map_or(String::new(), |p| {
                let bytes = p.swap(0, std::sync::atomic::Ordering::Relaxed);
                format!(", held at most {} MB", bytes >> 20)
            });
            eprintln!(
                "timing {phase:<12} {:8.1} ms{}{held}",
                self.last.elapsed().as_secs_f64() * 1e3,
                peak_memory()
            );
        }
        self.last = Instant::now();
    }
}

/// From here on, memory freed goes back to the system at once instead of within
/// jemalloc's decay time (100 ms, `.cargo/config.toml`). For a large batch only, from
/// the end of reading on: the rows freed as the frames are built sit in the arenas of
/// the threads that built them, where the next phases (other threads) cannot reuse
/// them, and with the decay time the attainment's rows and the report came on top of
/// them — the peak at 10,000 workbooks moved between 176 and 216 MB with the machine's
/// speed (a faster run had handed back less by then); with this, 158–175 MB run after run.
/// Not for small batches: purging at once costs system time (≈ 10 % of a 1,000-workbook
/// run if set for the whole run), and their peak is far from any limit.
fn free_memory_eagerly() {
    use tikv_jemalloc_ctl::{Access, AsName};
    // Arenas made from now on, then the ones there are (an arena never used has no
    // setting to read, and nothing to hand back).
    if let Ok(mib) = b"arenas.dirty_decay_ms\0".name().mib::<[usize; 2]>() {
        let _ = mib.write(0isize);
    }
    let Ok(arenas) = tikv_jemalloc_ctl::arenas::narenas::read() else {
        return;
    };
    let Ok(mut mib) = b"arena.0.dirty_decay_ms\0".name().mib::<[usize; 3]>() else {
        return;
    };
    for i in 0..arenas as usize {
        mib[1] = i;
        if Access::<isize>::read(&mib).is_ok() {
            let _ = mib.write(0isize);
        }
    }
}

/// `, peak 80 MB, now 60 MB` from /proc/self/status (Linux; empty elsewhere).
fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    let rss = match (mb("VmHWM:"), mb("VmRSS:")) {
        (Some(peak), Some(now)) => format!(", peak {peak} MB, now {now} MB"),
        _ => String::new(),
    };
    // What the program holds, apart from what the allocator keeps for reuse.
    let _ = tikv_jemalloc_ctl::epoch::advance();
    match tikv_jemalloc_ctl::stats::allocated::read() {
        Ok(bytes) => format!("{rss}, allocated {} MB", bytes / (1 << 20)),
        Err(_) => rss,
    }
}

impl cchc::Observer for Timings {
    fn phase(&mut self, name: &str) {
        self.done(name);
    }

    fn large_batch(&mut self) {
        free_memory_eagerly();
    }

    fn frame_sizes(&mut self, sizes: &[(&'static str, usize)]) {
        if self.on {
            let sizes: Vec<String> = sizes
                .iter()
                .map(|(name, bytes)| format!("{name} {:.1} MB", *bytes as f64 / 1e6))
                .collect();
            eprintln!("timing   frames hold {}", sizes.join(", "));
        }
    }

    fn report_and_exports(&mut self, report: f64, exports: Option<f64>) {
        if self.on {
            eprintln!(
                "timing   report     {:8.1} ms (beside the exports)",
                report * 1e3
            );
            if let Some(e) = exports {
                eprintln!(
                    "timing   exports    {:8.1} ms (beside the report; from the frames on)",
                    e * 1e3
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tikv_jemalloc_ctl::{Access, AsName};

    fn decay(name: &'static [u8]) -> isize {
        let mib = name.name().mib::<[usize; 3]>().expect("a jemalloc setting");
        Access::<isize>::read(&mib).expect("readable")
    }

    #[test]
    fn freeing_eagerly_sets_every_arena_to_hand_memory_back_at_once() {
        // The binary's allocator is jemalloc, with the decay time of .cargo/config.toml
        // (100 ms) unless the environment overrides it; the keys must name real settings
        // (a misspelt one would be ignored without a word).
        let before = decay(b"arena.0.dirty_decay_ms\0");
        assert!(before != 0 || std::env::var_os("_RJEM_MALLOC_CONF").is_some());
        super::free_memory_eagerly();
        assert_eq!(decay(b"arena.0.dirty_decay_ms\0"), 0);
        let mib = b"arenas.dirty_decay_ms\0"
            .name()
            .mib::<[usize; 2]>()
            .expect("a jemalloc setting");
        assert_eq!(Access::<isize>::read(&mib).expect("readable"), 0);
    }
}
