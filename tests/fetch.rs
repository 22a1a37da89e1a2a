//! The fetcher against real HTTP servers on 127.0.0.1: validators, compression, redirects,
//! failures, the body cap and timeouts.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, serve};
use tidings::config::FetchConfig;
use tidings::fetch::{Conditional, FetchError, FetchOutcome, Fetcher};
use url::Url;

fn fetcher(config: FetchConfig) -> Fetcher {
    Fetcher::new(&config).unwrap()
}

fn quick() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(2),
        ..FetchConfig::default()
    }
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn body(outcome: FetchOutcome) -> Vec<u8> {
    match outcome {
        FetchOutcome::Fetched(f) => f.bytes,
        FetchOutcome::NotModified => panic!("expected a body, got 304"),
    }
}

#[tokio::test]
async fn etag_gives_304_on_the_second_fetch() {
    let server = serve(|req| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::Full {
                status: 200,
                headers: vec![("ETag".into(), "\"v1\"".into())],
                body: b"<rss/>".to_vec(),
            }
        }
    })
    .await;
    let f = fetcher(quick());
    let first = f
        .fetch(&url(&server.url("/f")), &Conditional::default())
        .await
        .unwrap();
    let FetchOutcome::Fetched(first) = first else {
        panic!("first fetch must have a body")
    };
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    let second = f
        .fetch(&url(&server.url("/f")), &first.validators)
        .await
        .unwrap();
    assert!(matches!(second, FetchOutcome::NotModified));
    let agent = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_string();
    assert!(agent.starts_with("tidings/"), "{agent}");
}

#[tokio::test]
async fn last_modified_gives_304_on_the_second_fetch() {
    let stamp = "Mon, 01 Jun 2026 10:00:00 GMT";
    let server = serve(move |req| {
        if req.header("if-modified-since") == Some(stamp) {
            Reply::status(304)
        } else {
            Reply::Full {
                status: 200,
                headers: vec![("Last-Modified".into(), stamp.into())],
                body: b"<rss/>".to_vec(),
            }
        }
    })
    .await;
    let f = fetcher(quick());
    let FetchOutcome::Fetched(first) = f
        .fetch(&url(&server.url("/f")), &Conditional::default())
        .await
        .unwrap()
    else {
        panic!("first fetch must have a body")
    };
    let second = f
        .fetch(&url(&server.url("/f")), &first.validators)
        .await
        .unwrap();
    assert!(matches!(second, FetchOutcome::NotModified));
}

#[tokio::test]
async fn gzip_and_brotli_bodies_are_decoded() {
    let text = common::rss("zip", 20);
    let (gz, br) = (
        common::gzip(text.as_bytes()),
        common::brotli(text.as_bytes()),
    );
    let server = serve(move |req| {
        let (encoding, data) = if req.path == "/gz" {
            ("gzip", gz.clone())
        } else {
            ("br", br.clone())
        };
        Reply::Full {
            status: 200,
            headers: vec![("Content-Encoding".into(), encoding.into())],
            body: data,
        }
    })
    .await;
    let f = fetcher(quick());
    for path in ["/gz", "/br"] {
        let got = body(
            f.fetch(&url(&server.url(path)), &Conditional::default())
                .await
                .unwrap(),
        );
        assert_eq!(got, text.as_bytes(), "{path}");
    }
    let accept = server.requests()[0]
        .header("accept-encoding")
        .unwrap_or("")
        .to_string();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
}

#[tokio::test]
async fn redirect_chain_is_followed_and_loops_fail() {
    let server = serve(|req| match req.path.as_str() {
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("/c"),
        "/c" => Reply::ok("application/rss+xml", "<rss/>"),
        "/loop1" => Reply::redirect("/loop2"),
        "/loop2" => Reply::redirect("/loop1"),
        "/ftp" => Reply::redirect("ftp://example.org/x"),
        _ => Reply::status(404),
    })
    .await;
    let f = fetcher(quick());
    let FetchOutcome::Fetched(done) = f
        .fetch(&url(&server.url("/a")), &Conditional::default())
        .await
        .unwrap()
    else {
        panic!("chain must end in a body")
    };
    assert_eq!(done.final_url.path(), "/c");
    let err = f
        .fetch(&url(&server.url("/loop1")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Redirect { .. }), "{err:?}");
    let err = f
        .fetch(&url(&server.url("/ftp")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ftp"), "{err}");
}

#[tokio::test]
async fn more_than_five_redirects_fail() {
    let server = serve(|req| {
        let n: u32 = req.path.trim_start_matches("/r").parse().unwrap_or(0);
        Reply::redirect(&format!("/r{}", n + 1))
    })
    .await;
    let err = fetcher(quick())
        .fetch(&url(&server.url("/r0")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirects"), "{err}");
    assert!(server.requests().len() <= 7);
}

#[tokio::test]
async fn error_statuses_name_the_status() {
    let server = serve(|req| match req.path.as_str() {
        "/404" => Reply::status(404),
        "/429" => Reply::Full {
            status: 429,
            headers: vec![("Retry-After".into(), "120".into())],
            body: Vec::new(),
        },
        _ => Reply::status(500),
    })
    .await;
    let f = fetcher(quick());
    let err = f
        .fetch(&url(&server.url("/404")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("HTTP 404"), "{err}");
    let err = f
        .fetch(&url(&server.url("/500")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("HTTP 500"), "{err}");
    let err = f
        .fetch(&url(&server.url("/429")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("retry after 120"), "{err}");
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let server = serve(|req| match req.path.as_str() {
        // Declared too large: refused before reading.
        "/declared" => {
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\nshort".to_vec())
        }
        // Chunked, no length: stopped while streaming.
        _ => {
            let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            for _ in 0..64 {
                raw.extend_from_slice(b"4000\r\n");
                raw.extend_from_slice(&[b'a'; 0x4000]);
                raw.extend_from_slice(b"\r\n");
            }
            raw.extend_from_slice(b"0\r\n\r\n");
            Reply::Raw(raw)
        }
    })
    .await;
    let f = fetcher(FetchConfig {
        max_body_bytes: 256 * 1024,
        ..quick()
    });
    for path in ["/declared", "/chunked"] {
        let err = f
            .fetch(&url(&server.url(path)), &Conditional::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { .. }),
            "{path}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_cap() {
    // 64 MiB of zeros compress to about 64 KiB.
    let bomb = common::gzip(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 200 * 1024);
    let server = serve(move |_| Reply::Full {
        status: 200,
        headers: vec![("Content-Encoding".into(), "gzip".into())],
        body: bomb.clone(),
    })
    .await;
    let f = fetcher(FetchConfig {
        max_body_bytes: 1024 * 1024,
        ..quick()
    });
    let start = Instant::now();
    let err = f
        .fetch(&url(&server.url("/bomb")), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    let server = serve(|req| match req.path.as_str() {
        "/stall" => Reply::Stall {
            head: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".into(),
            first: b"<rss><channel>".to_vec(),
        },
        "/headers" => Reply::Stall {
            head: "HTTP/1.1 200 OK\r\nX-Slow: ".into(),
            first: Vec::new(),
        },
        _ => Reply::Drip {
            head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n".into(),
            every: Duration::from_millis(300),
        },
    })
    .await;
    let f = fetcher(FetchConfig {
        timeout: Duration::from_millis(800),
        ..quick()
    });
    for path in ["/stall", "/headers", "/drip"] {
        let start = Instant::now();
        let err = f
            .fetch(&url(&server.url(path)), &Conditional::default())
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Timeout { .. }), "{path}: {err:?}");
        assert!(err.to_string().contains("timed out"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(2), "{path}");
    }
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = fetcher(quick())
        .fetch(
            &url(&format!("http://{addr}/feed")),
            &Conditional::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn per_host_limit_bounds_parallel_requests() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (a, b) = (in_flight.clone(), peak.clone());
    let server = serve(move |_| {
        let now = a.fetch_add(1, Ordering::SeqCst) + 1;
        b.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        a.fetch_sub(1, Ordering::SeqCst);
        Reply::ok("text/xml", "<rss/>")
    })
    .await;
    let f = Arc::new(fetcher(FetchConfig {
        per_host: 2,
        ..quick()
    }));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let f = f.clone();
        let u = url(&server.url(&format!("/f{i}")));
        tasks.push(tokio::spawn(async move {
            f.fetch(&u, &Conditional::default()).await.is_ok()
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap());
    }
    assert!(
        peak.load(Ordering::SeqCst) <= 2,
        "peak {}",
        peak.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn file_urls_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, common::rss("file", 2)).unwrap();
    let got = body(
        fetcher(quick())
            .fetch(
                &Url::from_file_path(&path).unwrap(),
                &Conditional::default(),
            )
            .await
            .unwrap(),
    );
    assert!(String::from_utf8(got).unwrap().contains("file item 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_body_budget_holds_bodies_back_without_timing_them_out() {
    use tidings::fetch::BodyBudget;
    let server = serve(|req| Reply::ok("text/xml", format!("<rss>{}</rss>", req.path))).await;
    let f = std::sync::Arc::new(fetcher(FetchConfig {
        timeout: Duration::from_millis(500),
        ..quick()
    }));
    let budget = BodyBudget::new(1000);
    let first = f
        .fetch_within(
            &url(&server.url("/one")),
            &Conditional::default(),
            Some(&budget),
        )
        .await
        .unwrap();
    let FetchOutcome::Fetched(first) = first else {
        panic!("expected a body")
    };
    assert!(first.lease.is_some());
    assert_eq!(budget.available(), 1000 - first.bytes.len());

    // The rest of the room is taken, so the second body waits after its headers: it is read
    // once the room comes back, after longer than the total timeout, and is not timed out for it.
    let rest = budget.admit(budget.available()).await.unwrap();
    assert_eq!(budget.available(), 0);
    let (f2, budget2, second_url) = (f.clone(), budget.clone(), url(&server.url("/two")));
    let second = tokio::spawn(async move {
        let started = Instant::now();
        let outcome = f2
            .fetch_within(&second_url, &Conditional::default(), Some(&budget2))
            .await;
        (outcome, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !second.is_finished(),
        "the second body was read with no room"
    );
    assert_eq!(server.hits("/two"), 1, "the request was sent");
    drop(first);
    drop(rest);
    let (outcome, waited) = second.await.unwrap();
    assert_eq!(body(outcome.unwrap()), b"<rss>/two</rss>");
    assert!(waited > Duration::from_millis(800), "{waited:?}");
    assert_eq!(budget.available(), 1000, "every lease gave its room back");
}

#[tokio::test]
async fn a_body_that_outgrows_its_estimate_takes_room_without_waiting() {
    use tidings::fetch::BodyBudget;
    let budget = BodyBudget::new(100);
    let mut lease = budget.admit(10).await.unwrap();
    lease.read(60);
    assert_eq!(budget.available(), 40);
    // Past the budget it takes what is left rather than wait on the others.
    let other = budget.admit(30).await.unwrap();
    lease.read(60);
    assert_eq!(budget.available(), 0);
    drop(lease);
    assert_eq!(budget.available(), 70);
    // A body bigger than the whole budget is admitted alone.
    let whole = tokio::time::timeout(Duration::from_millis(200), budget.admit(1 << 20)).await;
    assert!(whole.is_err(), "admitted while another body held room");
    drop(other);
    let whole = budget.admit(1 << 20).await.unwrap();
    assert_eq!(budget.available(), 0);
    drop(whole);
    assert_eq!(budget.available(), 100);
}
