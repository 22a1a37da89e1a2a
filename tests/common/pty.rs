//! Drives the real binary in a pseudo-terminal and reads its screen through a vt100 parser.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// A running tidings in a terminal of a fixed size.
pub struct Terminal {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Terminal {
    /// Starts `tidings args…` with HOME and the XDG dirs inside `home`.
    pub fn start(home: &Path, args: &[&str], cols: u16, rows: u16) -> Terminal {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.args(args);
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("HTTP_PROXY");
        cmd.env_remove("http_proxy");
        let child = pair.slave.spawn_command(cmd).expect("spawn tidings");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Terminal {
            parser,
            raw,
            writer,
            child,
            _master: pair.master,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Every byte the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until `pred` holds on the screen text; panics with the screen after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(text, timeout, |s| s.contains(text))
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn key(&mut self, key: &str) {
        let bytes: &[u8] = match key {
            "Enter" => b"\r",
            "Esc" => b"\x1b",
            "Tab" => b"\t",
            "Down" => b"\x1b[B",
            "Up" => b"\x1b[A",
            "Right" => b"\x1b[C",
            "Left" => b"\x1b[D",
            "PgDn" => b"\x1b[6~",
            other => other.as_bytes(),
        };
        let owned = bytes.to_vec();
        self.send(&owned);
    }

    /// Waits for the process to exit; returns its success.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("tidings did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
