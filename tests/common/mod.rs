//! Test helpers: a raw HTTP/1.1 server on 127.0.0.1 whose every byte the test controls.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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

/// What the server does with a request.
pub enum Reply {
    /// A complete response: status line + headers (Content-Length added unless present), body.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Raw bytes as-is, then the connection is closed.
    Raw(Vec<u8>),
    /// Sends `head` (must include headers) then `first` bytes, then stalls forever.
    Stall { head: String, first: Vec<u8> },
    /// Sends `head`, then one byte every `every` forever.
    Drip { head: String, every: Duration },
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: format!("status {status}").into_bytes(),
        }
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::Full {
            status: 302,
            headers: vec![("Location".into(), to.into())],
            body: Vec::new(),
        }
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running server; `hits` counts requests per path.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    pub log: Arc<Mutex<Vec<Request>>>,
    pub total: Arc<AtomicUsize>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

/// Starts a server on the current tokio runtime.
pub async fn serve(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handler: Handler = Arc::new(handler);
    let log = Arc::new(Mutex::new(Vec::new()));
    let total = Arc::new(AtomicUsize::new(0));
    let (log2, total2) = (log.clone(), total.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let handler = handler.clone();
            let log = log2.clone();
            let total = total2.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match stream.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
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
                    let request = Request { path, headers };
                    log.lock().unwrap().push(request.clone());
                    total.fetch_add(1, Ordering::SeqCst);
                    match handler(&request) {
                        Reply::Full {
                            status,
                            headers,
                            body,
                        } => {
                            let mut out = format!("HTTP/1.1 {status} X\r\n");
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
                            let mut bytes = out.into_bytes();
                            bytes.extend_from_slice(&body);
                            if stream.write_all(&bytes).await.is_err() {
                                return;
                            }
                        }
                        Reply::Raw(bytes) => {
                            let _ = stream.write_all(&bytes).await;
                            return;
                        }
                        Reply::Stall { head, first } => {
                            let _ = stream.write_all(head.as_bytes()).await;
                            let _ = stream.write_all(&first).await;
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            return;
                        }
                        Reply::Drip { head, every } => {
                            let _ = stream.write_all(head.as_bytes()).await;
                            loop {
                                if stream.write_all(b"x").await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(every).await;
                            }
                        }
                    }
                }
            });
        }
    });
    TestServer { addr, log, total }
}

/// gzip-compresses bytes.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// brotli-compresses bytes.
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        writer.write_all(data).unwrap();
    }
    out
}

/// A small RSS 2.0 feed with `n` items whose titles start with `prefix`.
pub fn rss(prefix: &str, n: usize) -> String {
    let mut items = String::new();
    for i in 0..n {
        items.push_str(&format!(
            "<item><title>{prefix} item {i}</title><link>https://example.org/{prefix}/{i}</link>\
             <guid>{prefix}-{i}</guid><pubDate>Mon, 0{d} Jun 2026 10:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Body of {prefix} {i}&lt;/p&gt;</description></item>",
            d = (i % 9) + 1
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{prefix} feed</title>\
         <link>https://example.org/{prefix}</link><description>test</description>{items}</channel></rss>"
    )
}
