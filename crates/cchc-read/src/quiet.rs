//! A panic inside a reading library is contained ([`contain`]): the file becomes
//! `file.unreadable` and the batch goes on. Contained panics are also quiet: nothing
//! reaches stderr (an officer's terminal, a server's log) but cchc's own finding. Set
//! `CCHC_DEBUG_PANICS=1` to see the library's message and backtrace as Rust prints them.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// How many [`contain`] calls this thread is inside.
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// The environment variable that lets contained panics print as usual.
pub const DEBUG_PANICS_VAR: &str = "CCHC_DEBUG_PANICS";

/// Installs, once, a panic hook that says nothing for a panic inside [`contain`] and
/// hands every other panic to the hook that was there before.
fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        let debug = std::env::var_os(DEBUG_PANICS_VAR).is_some_and(|v| !v.is_empty() && v != "0");
        std::panic::set_hook(Box::new(move |info| {
            if debug || QUIET.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, catching a panic inside it without a word on stderr.
///
/// # Errors
/// The panic's payload, as [`std::panic::catch_unwind`] gives it.
pub fn contain<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install();
    QUIET.with(|q| q.set(q.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs as a child process (see below): a contained panic, then a line on stderr.
    #[test]
    fn child_contains_a_panic() {
        if std::env::var_os("CCHC_QUIET_CHILD").is_none() {
            return;
        }
        let caught = contain(|| -> u32 { panic!("inside the reading library") });
        assert!(caught.is_err());
        eprintln!("after the panic");
    }

    #[test]
    fn contained_panics_leave_stderr_quiet_unless_asked() {
        let exe = std::env::current_exe().expect("test binary");
        let run = |debug: bool| {
            let mut cmd = std::process::Command::new(&exe);
            cmd.args([
                "--exact",
                "quiet::tests::child_contains_a_panic",
                "--nocapture",
            ])
            .env("CCHC_QUIET_CHILD", "1")
            .env("RUST_BACKTRACE", "1");
            if debug {
                cmd.env(DEBUG_PANICS_VAR, "1");
            } else {
                cmd.env_remove(DEBUG_PANICS_VAR);
            }
            let out = cmd.output().expect("child runs");
            assert!(out.status.success(), "{out:?}");
            String::from_utf8_lossy(&out.stderr).into_owned()
        };
        let quiet = run(false);
        assert!(quiet.contains("after the panic"), "{quiet}");
        assert!(!quiet.contains("inside the reading library"), "{quiet}");
        assert!(!quiet.contains("backtrace"), "{quiet}");
        let loud = run(true);
        assert!(loud.contains("inside the reading library"), "{loud}");
    }
}
