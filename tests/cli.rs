//! The real binary's headless commands against feeds served on 127.0.0.1.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use common::{Reply, serve};

struct Env {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        Env { _dir: dir, root }
    }

    fn config(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--config")
            .arg(self.config())
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .env("HOME", &self.root)
            .env("XDG_STATE_HOME", self.root.join("state"))
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .output()
            .await
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }
}

/// Feeds by path with an ETag each; the body can be swapped during the test.
type Feeds = Arc<Mutex<std::collections::HashMap<String, String>>>;

async fn feed_server(feeds: Feeds) -> common::TestServer {
    serve(move |req| {
        let feeds = feeds.lock().unwrap();
        match feeds.get(&req.path) {
            Some(body) if body == "500" => Reply::status(500),
            Some(body) => {
                let etag = format!("\"{}\"", tidings::refresh::body_hash(body.as_bytes()));
                if req.header("if-none-match") == Some(etag.as_str()) {
                    Reply::status(304)
                } else {
                    Reply::Full {
                        status: 200,
                        headers: vec![
                            ("Content-Type".into(), "application/rss+xml".into()),
                            ("ETag".into(), etag),
                        ],
                        body: body.clone().into_bytes(),
                    }
                }
            }
            None => Reply::status(404),
        }
    })
    .await
}

fn feeds(entries: &[(&str, String)]) -> Feeds {
    Arc::new(Mutex::new(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn import_refresh_twice_and_list() {
    let env = Env::new();
    let feeds = feeds(&[
        ("/a.xml", common::rss("alpha", 3)),
        ("/b.xml", common::rss("beta", 4)),
        ("/c.xml", common::rss("gamma", 5)),
    ]);
    let server = feed_server(feeds.clone()).await;
    let urls = env.root.join("urls");
    std::fs::write(
        &urls,
        format!(
            "# my feeds\n{} \"Tech news\" daily\n{} Science\n{}\nexec:/bin/evil\n",
            server.url("/a.xml"),
            server.url("/b.xml"),
            server.url("/c.xml")
        ),
    )
    .unwrap();
    let (code, out, err) = env.run(&["import", urls.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("exec:"),
        "a warning names the skipped line: {err}"
    );

    let (code, out, err) = env.run(&["refresh"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("alpha feed: 3 new"), "{out}");
    assert!(out.contains("gamma feed: 5 new"), "{out}");
    assert_eq!(server.requests().len(), 3);
    // The refresh closed the store before exiting: the log is in the database and gone.
    let db = env.data().join("tidings.db");
    assert!(db.exists());
    assert!(!env.data().join("tidings.db-wal").exists());

    let (code, out, _) = env.run(&["refresh"]).await;
    assert_eq!(code, 0);
    let second: Vec<_> = server.requests()[3..].to_vec();
    assert_eq!(second.len(), 3);
    assert!(
        second.iter().all(|r| r.header("if-none-match").is_some()),
        "conditional requests"
    );
    assert_eq!(out.matches(": unchanged").count(), 3, "{out}");

    let (code, out, _) = env.run(&["list", "--json"]).await;
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 12);
    let alpha = items.iter().find(|a| a["title"] == "alpha item 0").unwrap();
    assert_eq!(
        alpha["source_categories"],
        serde_json::json!(["Tech news", "daily"])
    );
    assert_eq!(alpha["link"], "https://example.org/alpha/0");
    assert_eq!(alpha["read"], false);

    // Read state survives a refresh that changes the feed.
    let id = alpha["id"].as_i64().unwrap();
    {
        let mut store = tidings::store::Store::open(&env.data().join("tidings.db")).unwrap();
        store.set_read(tidings::model::ArticleId(id), true).unwrap();
        store
            .set_starred(tidings::model::ArticleId(id), true)
            .unwrap();
    }
    feeds.lock().unwrap().insert(
        "/a.xml".into(),
        common::rss("alpha", 3).replace("Body of alpha 0", "Body of alpha 0, corrected"),
    );
    let (code, out, _) = env.run(&["refresh"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("alpha feed: 0 new, 1 updated, 2 unchanged"),
        "{out}"
    );
    let (_, out, _) = env
        .run(&["list", "--json", "--category", "Tech news"])
        .await;
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let alpha = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap();
    assert_eq!(alpha["read"], true);
    assert_eq!(alpha["starred"], true);
    assert!(alpha["summary"].as_str().unwrap().contains("corrected"));

    let (_, out, _) = env.run(&["sources"]).await;
    assert!(
        out.trim_end()
            .ends_with("3 sources, 12 articles, 11 unread"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_source_keeps_its_articles_and_others_succeed() {
    let env = Env::new();
    let feeds = feeds(&[
        ("/ok.xml", common::rss("ok", 2)),
        ("/flaky.xml", common::rss("flaky", 3)),
    ]);
    let server = feed_server(feeds.clone()).await;
    std::fs::write(
        env.config(),
        format!(
            "[[source]]\nname = \"Good\"\nurl = \"{}\"\n\n[[source]]\nname = \"Flaky\"\nurl = \"{}\"\n\n[[source]]\nname = \"Gone\"\nurl = \"{}\"\n",
            server.url("/ok.xml"),
            server.url("/flaky.xml"),
            server.url("/gone.xml")
        ),
    )
    .unwrap();
    let (code, out, _) = env.run(&["refresh"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Gone: error: HTTP 404"), "{out}");
    feeds
        .lock()
        .unwrap()
        .insert("/flaky.xml".into(), "500".into());
    feeds
        .lock()
        .unwrap()
        .insert("/ok.xml".into(), common::rss("ok", 4));
    let (code, out, _) = env.run(&["refresh"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Flaky: error: HTTP 500"), "{out}");
    assert!(out.contains("Good: 2 new"), "{out}");
    let (_, out, _) = env.run(&["sources"]).await;
    assert!(out.contains("Flaky  [feed]"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("Flaky")
            && l.contains("3 articles")
            && l.contains("error: HTTP 500")),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("3 sources, 7 articles, 7 unread"),
        "{out}"
    );

    // Only failures: exit 1.
    let (code, out, _) = env.run(&["refresh", "--source", "Gone"]).await;
    assert_eq!(code, 1, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn config_errors_exit_2_with_file_and_line() {
    let env = Env::new();
    std::fs::write(env.config(), "[fetch]\ntimeout = \"10s\"\nbogus = 1\n").unwrap();
    let (code, _, err) = env.run(&["sources"]).await;
    assert_eq!(code, 2);
    let expected = format!("{}:3:", env.config().display());
    assert!(err.contains(&expected), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!env.data().exists(), "nothing written");
}

#[tokio::test(flavor = "multi_thread")]
async fn parse_json_has_the_documented_shape() {
    let env = Env::new();
    let path = env.root.join("feed.xml");
    std::fs::write(
        &path,
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Shape &amp; Co</title><link>https://shape.example/</link><description>d</description><language>en</language>
<item><title>First &lt;b&gt;bold&lt;/b&gt;</title><link>/one</link><guid>g1</guid>
<pubDate>Sat, 27 Jun 2026 17:01:51 +0800</pubDate><description>&lt;p&gt;Hello &lt;em&gt;world&lt;/em&gt;&lt;/p&gt;</description>
<enclosure url="https://shape.example/a.mp3" type="audio/mpeg" length="123"/>
<media:statistics views="1532"/></item></channel></rss>"#,
    )
    .unwrap();
    let (code, out, err) = env
        .run(&[
            "parse",
            path.to_str().unwrap(),
            "--json",
            "--base-url",
            "https://shape.example/feed",
        ])
        .await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title"], "Shape & Co");
    assert_eq!(v["language"], "en");
    let a = &v["articles"][0];
    for key in [
        "id",
        "title",
        "link",
        "published",
        "updated",
        "author",
        "categories",
        "summary",
        "content",
        "enclosures",
        "views",
        "comments",
        "score",
    ] {
        assert!(a.get(key).is_some(), "missing {key}");
    }
    assert_eq!(a["title"], "First bold");
    assert_eq!(a["link"], "https://shape.example/one");
    assert_eq!(a["published"], "2026-06-27T09:01:51Z");
    assert_eq!(a["views"], 1532);
    assert!(
        a["updated"].is_null() || a["updated"] == a["published"],
        "{}",
        a["updated"]
    );
    assert_eq!(a["enclosures"][0]["type"], "audio/mpeg");
    assert_eq!(a["enclosures"][0]["length"], 123);
    assert!(
        a["summary"].as_str().unwrap().contains("Hello world")
            || a["summary"].as_str().unwrap().contains("Hello *world*"),
        "{}",
        a["summary"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parse_of_an_html_page_names_its_feed() {
    let env = Env::new();
    let path = env.root.join("page.html");
    std::fs::write(
        &path,
        r#"<!doctype html><html><head><title>Blog</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><p>hi</p></body></html>"#,
    )
    .unwrap();
    let (code, _, err) = env
        .run(&[
            "parse",
            path.to_str().unwrap(),
            "--base-url",
            "https://blog.example/post",
        ])
        .await;
    assert_eq!(code, 1);
    assert!(err.contains("https://blog.example/feed.xml"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_opml_with_folders() {
    let env = Env::new();
    std::fs::write(
        env.config(),
        "[[source]]\nname = \"One\"\nurl = \"https://one.example/feed\"\ncategory = [\"A\", \"B\"]\n[[source]]\nurl = \"https://two.example/feed\"\n",
    )
    .unwrap();
    let (code, out, err) = env.run(&["export"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("<opml version=\"2.0\""), "{out}");
    assert_eq!(out.matches("https://one.example/feed").count(), 2, "{out}");
    assert!(out.contains("https://two.example/feed"));
    let back = env.root.join("back.opml");
    std::fs::write(&back, &out).unwrap();
    let report = tidings::config::import::import_sources(&back, &out).unwrap();
    let urls: std::collections::BTreeSet<_> =
        report.sources.iter().map(|s| s.url.clone()).collect();
    assert_eq!(urls.len(), 2);
    let one: std::collections::BTreeSet<_> = report
        .sources
        .iter()
        .filter(|s| s.url == "https://one.example/feed")
        .flat_map(|s| s.categories.clone())
        .collect();
    assert_eq!(
        one,
        ["A".to_string(), "B".to_string()].into_iter().collect()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_are_printed() {
    let env = Env::new();
    let (code, out, _) = env.run(&["completions", "bash"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("tidings"));
}
