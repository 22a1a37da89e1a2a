//! A refresh in progress: a test server holds one source back while the other lands; the progress
//! shows, keys keep working, a second refresh is refused, and the summary comes when it is let go.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::pty::Terminal;
use crate::{KEY, SLOW, category_count, category_row, list_rows, status_line};

/// A feed server whose `/slow.xml` answers only when the test lets it.
struct HeldServer {
    port: u16,
    gate: Arc<(Mutex<bool>, Condvar)>,
    slow_requests: Arc<AtomicUsize>,
}

impl HeldServer {
    fn start() -> HeldServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let slow_requests = Arc::new(AtomicUsize::new(0));
        let (gate2, slow2) = (gate.clone(), slow_requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (gate, slow) = (gate2.clone(), slow2.clone());
                std::thread::spawn(move || answer(stream, &gate, &slow));
            }
        });
        HeldServer {
            port,
            gate,
            slow_requests,
        }
    }

    fn release(&self) {
        let (open, wake) = &*self.gate;
        *open.lock().unwrap() = true;
        wake.notify_all();
    }
}

fn answer(stream: TcpStream, gate: &(Mutex<bool>, Condvar), slow: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/").to_string();
    let body = match path.as_str() {
        "/quick.xml" => feed("Quick", 6),
        "/slow.xml" => {
            slow.fetch_add(1, Ordering::SeqCst);
            let (open, wake) = gate;
            let guard = open.lock().unwrap();
            let _released = wake
                .wait_timeout_while(guard, Duration::from_secs(25), |open| !*open)
                .unwrap();
            feed("Slow", 4)
        }
        _ => String::new(),
    };
    let status = if body.is_empty() {
        "404 Not Found"
    } else {
        "200 OK"
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn feed(name: &str, n: usize) -> String {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<item><title>{name} story {i}</title><link>https://example.org/{name}/{i}</link>\
                 <guid>{name}-{i}</guid><pubDate>Mon, 0{d} Jun 2026 10:00:00 GMT</pubDate>\
                 <description>&lt;p&gt;Body of {name} story {i}&lt;/p&gt;</description></item>",
                d = i + 1
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>{name} wire</title><link>https://example.org/{name}</link>\
         <description>test</description>{items}</channel></rss>"
    )
}

#[test]
fn refresh_shows_progress_and_keys_work_while_it_runs() {
    let server = HeldServer::start();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let data = home.path().join("data");
    std::fs::write(
        &config,
        format!(
            "[refresh]\non_start = false\n\n\
             [[source]]\nname = \"Quick wire\"\nurl = \"http://127.0.0.1:{port}/quick.xml\"\n\
             category = \"Fast\"\n\n\
             [[source]]\nname = \"Slow wire\"\nurl = \"http://127.0.0.1:{port}/slow.xml\"\n\
             category = \"Held\"\n",
            port = server.port
        ),
    )
    .unwrap();
    let mut term = Terminal::start(
        home.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        120,
        40,
    );
    let screen = term.wait_until("the empty reader", SLOW, |s| {
        category_row(s, "Fast") && category_row(s, "Held")
    });
    assert_eq!(category_count(&screen, "All"), Some(0), "{screen}");

    term.key("R");
    // The quick source lands while the held one is still out: its articles show at once.
    let screen = term.wait_until("the quick source's articles mid-refresh", SLOW, |s| {
        status_line(s).contains("Refreshing 1/2") && category_count(s, "All") == Some(6)
    });
    assert!(
        list_rows(&screen)
            .iter()
            .any(|r| r.starts_with("Quick story")),
        "{screen}"
    );

    // Keys are handled while the refresh runs: the categories cursor moves and the list follows.
    for (key, title) in [
        ("j", "Articles · Unread"),
        ("j", "Articles · Starred"),
        ("j", "Articles · Fast"),
        ("k", "Articles · Starred"),
        ("g", "Articles · All"),
    ] {
        term.key(key);
        let screen = term.wait_for(title, KEY);
        assert!(status_line(&screen).contains("Refreshing 1/2"), "{screen}");
    }
    // Into the list and the reader, still during the refresh.
    term.key("l");
    term.key("Enter");
    let screen = term.wait_for("opened once by you", KEY);
    assert!(status_line(&screen).contains("Refreshing 1/2"), "{screen}");
    // A second refresh is refused while one runs.
    term.key("R");
    let screen = term.wait_for("A refresh is already running", KEY);
    assert!(server.slow_requests.load(Ordering::SeqCst) >= 1, "{screen}");
    // The message lasts until the next key; then the progress shows again.
    term.key("k");
    term.wait_until("the progress again", KEY, |s| {
        status_line(s).contains("Refreshing 1/2")
    });

    server.release();
    let screen = term.wait_until("the summary", SLOW, |s| {
        status_line(s).contains("Refreshed 2 sources · 10 new")
    });
    assert_eq!(category_count(&screen, "All"), Some(10), "{screen}");
    assert_eq!(category_count(&screen, "Held"), Some(4), "{screen}");
    term.key("q");
    assert!(term.wait_exit(SLOW), "exit status");
}
