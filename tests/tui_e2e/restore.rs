//! Leaving the reader: quitting (from any pane, during a refresh) and SIGTERM put the terminal back
//! (alternate screen left, modes undone, cursor shown, cooked mode) and leave no demo data behind.

use std::time::Duration;

use crate::pty::Terminal;
use crate::{KEY, Reader, SLOW};

const LEAVE_ALT_SCREEN: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// Waits until the raw output ends with the terminal restored.
fn wait_restored(term: &Terminal) -> String {
    let start = std::time::Instant::now();
    loop {
        let raw = String::from_utf8_lossy(&term.raw()).to_string();
        if raw.trim_end_matches(['\r', '\n']).ends_with(SHOW_CURSOR) || start.elapsed() > KEY {
            return raw;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The escapes that put the terminal back: after the last time the TUI set a mode up, the mode
/// is taken down again, and the very last bytes leave the alternate screen and show the cursor.
fn assert_restored(raw: &str) {
    let mut tail = raw.trim_end_matches(['\r', '\n']);
    while let Some(rest) = tail.strip_suffix(SHOW_CURSOR) {
        tail = rest;
    }
    assert!(
        tail.ends_with(LEAVE_ALT_SCREEN) && raw.ends_with(SHOW_CURSOR),
        "output does not end by leaving the alternate screen and showing the cursor: {:?}",
        &tail[tail.len().saturating_sub(200)..]
    );
    for (on, off) in [
        ("\x1b[?1049h", LEAVE_ALT_SCREEN),
        ("\x1b[?1000h", "\x1b[?1000l"),
        ("\x1b[?1002h", "\x1b[?1002l"),
        ("\x1b[?1003h", "\x1b[?1003l"),
        ("\x1b[?1006h", "\x1b[?1006l"),
        ("\x1b[?2004h", "\x1b[?2004l"),
    ] {
        let Some(set) = raw.rfind(on) else {
            continue;
        };
        let reset = raw.rfind(off);
        assert!(
            reset.is_some_and(|reset| reset > set),
            "{on:?} was not undone by {off:?}"
        );
    }
    assert!(
        raw.contains("\x1b[?1049h"),
        "the alternate screen was never entered"
    );
}

/// The line discipline of the terminal a process runs on, read with `stty` once it has exited
/// (the pseudo-terminal lives on while the test holds its master side).
#[cfg(target_os = "linux")]
fn tty_of(pid: u32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/fd/0")).ok()
}

#[cfg(target_os = "linux")]
fn stty(tty: &std::path::Path) -> String {
    let out = std::process::Command::new("stty")
        .arg("-a")
        .arg("-F")
        .arg(tty)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Cooked mode: canonical input, echo and signals are on again (raw mode turns all three off).
#[cfg(target_os = "linux")]
fn assert_cooked(settings: &str) {
    let words: Vec<&str> = settings.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(
            words.contains(&flag),
            "the terminal is still in raw mode ({flag} is off):\n{settings}"
        );
    }
}

#[test]
fn quit_restores_the_terminal() {
    let mut reader = Reader::demo(120, 40);
    let pid = reader.term.pid().unwrap();
    #[cfg(target_os = "linux")]
    let tty = tty_of(pid);
    reader.keys(&["q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
    let raw = wait_restored(&reader.term);
    assert_restored(&raw);
    #[cfg(target_os = "linux")]
    assert_cooked(&stty(&tty.unwrap()));
    // The throwaway data dir of the demo is gone; nothing was written to the real one.
    let throwaway = std::env::temp_dir().join(format!("tidings-demo-{pid}"));
    assert!(!throwaway.exists(), "{} is left", throwaway.display());
    assert!(!reader.home.path().join("data/tidings/tidings.db").exists());
}

#[test]
fn quit_from_the_reader_pane_and_during_a_refresh() {
    let mut reader = Reader::demo(120, 40);
    reader.keys(&["l", "Enter"]);
    reader.wait_for("opened once by you");
    reader.keys(&["R", "q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
    assert_restored(&wait_restored(&reader.term));
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut reader = Reader::demo(120, 40);
    let pid = reader.term.pid().unwrap();
    #[cfg(target_os = "linux")]
    let tty = tty_of(pid);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(reader.term.wait_exit(SLOW), "exit status after SIGTERM");
    assert_restored(&wait_restored(&reader.term));
    #[cfg(target_os = "linux")]
    assert_cooked(&stty(&tty.unwrap()));
}
