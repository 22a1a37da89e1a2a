//! Runs the real tidings binary headless in a throwaway home, timing each output line and polling
//! its peak resident memory (VmHWM in /proc/PID/status) while it runs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A temporary home: config file, data dir and state dir of one or more runs.
pub struct Sandbox {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        Sandbox { _dir: dir, root }
    }

    pub fn config(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    pub fn database(&self) -> PathBuf {
        self.data().join("tidings.db")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).expect("write config");
    }

    /// The command for `tidings --config … --data-dir … args…`, with no proxy and HOME/XDG inside.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.arg("--config")
            .arg(self.config())
            .arg("--data-dir")
            .arg(self.data())
            .args(args);
        isolate(&mut cmd, &self.root);
        cmd
    }

    /// Runs to completion; (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        output(self.command(args))
    }
}

/// Points HOME and the XDG dirs into `root` and removes proxies, so nothing outside is touched.
pub fn isolate(cmd: &mut Command, root: &Path) {
    cmd.env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("xdg-config"))
        .env("XDG_DATA_HOME", root.join("xdg-data"))
        .env("XDG_STATE_HOME", root.join("state"));
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
}

/// Runs a command to completion; (exit code, stdout, stderr).
pub fn output(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().expect("run tidings");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// What a measured run did.
#[derive(Debug)]
pub struct Measured {
    pub code: Option<i32>,
    /// Each stdout line with the time it arrived, from the start of the run.
    pub lines: Vec<(Duration, String)>,
    pub stderr: String,
    pub elapsed: Duration,
    /// Peak resident set size in KiB (VmHWM), as last seen while the process ran.
    pub peak_kib: u64,
    /// True when the run was killed for passing `limit`.
    pub killed: bool,
}

impl Measured {
    pub fn stdout(&self) -> String {
        self.lines
            .iter()
            .map(|(_, l)| format!("{l}\n"))
            .collect::<String>()
    }

    /// The line starting with `prefix`, with its arrival time.
    pub fn line(&self, prefix: &str) -> Option<&(Duration, String)> {
        self.lines.iter().find(|(_, l)| l.starts_with(prefix))
    }

    pub fn peak_mib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }
}

/// The peak resident set size (VmHWM) of a running process, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Spawns `cmd`, records stdout lines as they come and polls peak memory every few milliseconds;
/// kills the process if it runs longer than `limit`.
pub fn run_measured(mut cmd: Command, limit: Duration) -> Measured {
    let start = Instant::now();
    let mut child: Child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tidings");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send((start.elapsed(), line));
        }
    });
    let mut stderr = child.stderr.take().expect("stderr");
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut peak = 0;
    let mut killed = false;
    let code = loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) => {}
            Err(_) => break None,
        }
        if start.elapsed() > limit && !killed {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let _ = reader.join();
    let lines = rx.try_iter().collect();
    let stderr = err_reader.join().unwrap_or_default();
    Measured {
        code,
        lines,
        stderr,
        elapsed,
        peak_kib: peak,
        killed,
    }
}
