//! A blocking HTTP/1.1 test server on 127.0.0.1 that can misbehave on purpose: every byte, pause
//! and stall is scripted by the test. One thread per connection, so a stalled client never blocks
//! another; threads end when the client hangs up.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// One step of a scripted answer.
pub enum Step {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Write a shared (possibly huge) buffer.
    SendShared(Arc<Vec<u8>>),
    /// Wait.
    Sleep(Duration),
    /// Write `chunk`, wait `every`, forever (until the client hangs up or the server stops).
    Forever { chunk: Vec<u8>, every: Duration },
}

/// What the server does with a request.
pub enum Reply {
    /// A complete response with a Content-Length; the connection stays open for the next request.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Arc<Vec<u8>>,
    },
    /// Scripted bytes; the connection is closed afterwards.
    Script(Vec<Step>),
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Arc::new(body.into()),
        }
    }

    pub fn shared(content_type: &str, body: Arc<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Arc::new(body.into()),
        }
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::with_headers(302, &[("Location", to)], Vec::new())
    }

    pub fn status(status: u16) -> Reply {
        Reply::with_headers(
            status,
            &[("Content-Type", "text/plain")],
            format!("status {status}"),
        )
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running server. Dropping it stops the accept loop and every scripted stall.
pub struct HostileServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl HostileServer {
    /// Starts serving `handler` on a free port of 127.0.0.1.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let handler: Handler = Arc::new(handler);
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log2, stop2) = (Arc::clone(&log), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let handler = Arc::clone(&handler);
                        let log = Arc::clone(&log2);
                        let stop = Arc::clone(&stop2);
                        std::thread::spawn(move || connection(stream, &handler, &log, &stop));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        HostileServer { addr, log, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Reads one request head; `None` when the client hung up or sent more than 64 KiB of head.
fn read_head(stream: &mut TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Request { path, headers })
}

fn connection(
    mut stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    while let Some(request) = read_head(&mut stream) {
        if let Ok(mut log) = log.lock() {
            log.push(request.clone());
        }
        match handler(&request) {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                let has_length = headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                if !has_length {
                    out.push_str(&format!("Content-Length: {}\r\n", body.len()));
                }
                out.push_str("\r\n");
                if stream.write_all(out.as_bytes()).is_err() || stream.write_all(&body).is_err() {
                    return;
                }
            }
            Reply::Script(steps) => {
                for step in steps {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let sent = match step {
                        Step::Send(bytes) => stream.write_all(&bytes),
                        Step::SendShared(bytes) => stream.write_all(&bytes),
                        Step::Sleep(pause) => {
                            std::thread::sleep(pause);
                            Ok(())
                        }
                        Step::Forever { chunk, every } => loop {
                            if stop.load(Ordering::SeqCst) {
                                return;
                            }
                            if let Err(err) = stream.write_all(&chunk) {
                                break Err(err);
                            }
                            if !every.is_zero() {
                                std::thread::sleep(every);
                            }
                        },
                    };
                    if sent.is_err() {
                        return;
                    }
                }
                return;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}
