//! `hackernews` and `json` sources against API-shaped servers on 127.0.0.1: missing fields,
//! deleted and dead items, slow answers, and counts that change between refreshes.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tidings::config::FetchConfig;
use tidings::config::rules::{HnRules, JsonRules, SourceRules};
use tidings::fetch::Fetcher;
use tidings::model::{Article, ArticleQuery, ArticleView, SourceId, SourceKind};
use tidings::refresh::{RefreshContext, SourceOutcome, SourceTarget};
use tidings::store::{SourceSpec, Store, StoreHandle};
use url::Url;

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

fn context(timeout: Duration) -> RefreshContext {
    let fetch = FetchConfig {
        timeout,
        connect_timeout: Duration::from_secs(2),
        ..FetchConfig::default()
    };
    RefreshContext {
        fetcher: Fetcher::new(&fetch).unwrap(),
        store: StoreHandle::spawn(Store::open_in_memory().unwrap()),
    }
}

async fn add_source(ctx: &RefreshContext, url: &str, kind: SourceKind) -> SourceTarget {
    let spec = SourceSpec {
        url: url.to_string(),
        name: Some("API".into()),
        kind,
        categories: vec!["Tech".into()],
    };
    let ids = ctx
        .store
        .call(move |s| s.sync_sources(&[spec]))
        .await
        .unwrap()
        .unwrap();
    SourceTarget {
        id: ids[0],
        name: "API".into(),
        named: true,
        url: Url::parse(url).unwrap(),
        kind,
    }
}

async fn articles(ctx: &RefreshContext, source: SourceId) -> Vec<Article> {
    ctx.store
        .call(move |s| {
            let rows = s
                .list_articles(&ArticleQuery {
                    view: ArticleView::Source(source),
                    limit: 100,
                    ..ArticleQuery::default()
                })
                .unwrap();
            rows.iter()
                .map(|r| s.article(r.id).unwrap().unwrap())
                .collect::<Vec<_>>()
        })
        .await
        .unwrap()
}

fn by_link<'a>(all: &'a [Article], needle: &str) -> &'a Article {
    all.iter()
        .find(|a| a.link.as_deref().is_some_and(|l| l.contains(needle)))
        .unwrap_or_else(|| panic!("no article with {needle}: {all:#?}"))
}

#[derive(Clone)]
struct Hn {
    score: Arc<AtomicI64>,
}

async fn hn_item(State(hn): State<Hn>, Path(file): Path<String>) -> Response {
    let id: u64 = file.trim_end_matches(".json").parse().unwrap_or(0);
    let body = match id {
        1 => json!({"by": "alice", "descendants": 42, "id": 1, "kids": [11, 12],
                    "score": hn.score.load(Ordering::SeqCst), "time": 1_719_478_800,
                    "title": "Rust 1.95 released", "type": "story",
                    "url": "https://blog.example.org/rust-1-95"}),
        2 => json!({"by": "bob", "descendants": 3, "id": 2, "score": 12, "time": 1_719_479_000,
                    "title": "Ask HN: What do you read in the terminal?",
                    "text": "I use <i>newsboat</i>.<p>What else?", "type": "story"}),
        3 => json!({"deleted": true, "id": 3, "time": 1_719_479_100, "type": "story"}),
        4 => json!({"by": "spam", "dead": true, "id": 4, "title": "Buy now", "type": "story"}),
        5 => serde_json::Value::Null,
        6 => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json!({"id": 6, "title": "Too slow", "type": "story"})
        }
        7 => json!({"id": 7, "title": "Minimal &amp; fine"}),
        8 => return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        9 => json!({"by": "carol", "id": 9, "parent": 1, "text": "a comment", "type": "comment"}),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn hn_server(score: Arc<AtomicI64>) -> String {
    let router = Router::new()
        .route(
            "/v0/topstories.json",
            get(|| async {
                // A slow list, but within the timeout.
                tokio::time::sleep(Duration::from_millis(300)).await;
                "[1,2,3,4,5,6,7,8,9]"
            }),
        )
        .route("/v0/askstories.json", get(|| async { "[2]" }))
        .route("/v0/item/{file}", get(hn_item))
        .with_state(Hn { score });
    serve(router).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hackernews_items_missing_deleted_dead_slow_and_changing_scores() {
    let score = Arc::new(AtomicI64::new(100));
    let base = hn_server(score.clone()).await;
    let ctx = context(Duration::from_secs(1));
    let target = add_source(&ctx, &format!("{base}/v0/"), SourceKind::Hackernews).await;
    let rules = SourceRules::Hackernews(HnRules {
        feed: "top".into(),
        base_url: None,
        limit: 30,
    });
    let (outcome, title) = tidings::crawl::refresh_source(&ctx, &target, Some(&rules))
        .await
        .unwrap();
    assert_eq!(title.as_deref(), Some("Hacker News · Top"));
    let SourceOutcome::Stored(counts) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        counts.new, 3,
        "stories 1, 2 and 7; the rest are gone, slow or broken"
    );

    let all = articles(&ctx, target.id).await;
    let story = by_link(&all, "blog.example.org");
    assert_eq!(story.title, "Rust 1.95 released");
    assert_eq!(story.guid.as_deref(), Some("hn:1"));
    assert_eq!(story.author.as_deref(), Some("alice"));
    assert_eq!(story.score, Some(100));
    assert_eq!(story.comments, Some(42));
    assert_eq!(story.published.unwrap().timestamp(), 1_719_478_800);
    assert!(
        story
            .content
            .as_deref()
            .unwrap()
            .contains(&format!("{base}/item?id=1"))
    );

    let ask = by_link(&all, "item?id=2");
    assert_eq!(ask.title, "Ask HN: What do you read in the terminal?");
    assert!(ask.content.as_deref().unwrap().contains("<i>newsboat</i>"));
    assert_eq!(ask.score, Some(12));

    let minimal = by_link(&all, "item?id=7");
    assert_eq!(minimal.title, "Minimal & fine");
    assert_eq!(
        (minimal.score, minimal.comments, minimal.author.as_deref()),
        (None, None, None)
    );

    // Reading the story, then a refresh with a new score: the count changes, the flag stays.
    let id = story.id;
    ctx.store
        .call(move |s| s.record_open(id).map(|_| ()))
        .await
        .unwrap()
        .unwrap();
    score.store(250, Ordering::SeqCst);
    let (outcome, _) = tidings::crawl::refresh_source(&ctx, &target, Some(&rules))
        .await
        .unwrap();
    let SourceOutcome::Stored(counts) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!((counts.new, counts.updated), (0, 1));
    let all = articles(&ctx, target.id).await;
    let story = by_link(&all, "blog.example.org");
    assert_eq!(story.score, Some(250));
    assert!(story.read);
    assert_eq!(story.opened, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hackernews_list_url_and_default_rules() {
    let base = hn_server(Arc::new(AtomicI64::new(1))).await;
    let ctx = context(Duration::from_secs(2));
    // The source URL is the list itself; no rules: items come from the same API root.
    let target = add_source(
        &ctx,
        &format!("{base}/v0/askstories.json"),
        SourceKind::Hackernews,
    )
    .await;
    let (outcome, _) = tidings::crawl::refresh_source(&ctx, &target, None)
        .await
        .unwrap();
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 1),
        "{outcome:?}"
    );
    assert_eq!(
        articles(&ctx, target.id).await[0].guid.as_deref(),
        Some("hn:2")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hackernews_unreachable_list_is_a_clear_error() {
    let base = hn_server(Arc::new(AtomicI64::new(1))).await;
    let ctx = context(Duration::from_secs(2));
    let target = add_source(&ctx, &format!("{base}/v0/"), SourceKind::Hackernews).await;
    let rules = SourceRules::Hackernews(HnRules {
        feed: "best".into(),
        base_url: None,
        limit: 5,
    });
    let err = tidings::crawl::refresh_source(&ctx, &target, Some(&rules))
        .await
        .unwrap_err();
    assert!(
        err.contains("beststories.json") && err.contains("404"),
        "{err}"
    );
}

fn news_rules() -> SourceRules {
    SourceRules::Json(Box::new(JsonRules {
        items: "/data/items".into(),
        id: Some("/uuid".into()),
        title: "/headline".into(),
        link: Some("/url".into()),
        date: Some("/published".into()),
        body: Some("/body".into()),
        summary: None,
        author: Some("/author/name".into()),
        views: Some("/stats/views".into()),
        score: Some("/stats/likes".into()),
        comments: Some("/comments".into()),
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_api_mapped_with_pointers() {
    let views = Arc::new(AtomicI64::new(1234));
    let shared = views.clone();
    let router = Router::new()
        .route(
            "/api/news",
            get(move || {
                let views = shared.load(Ordering::SeqCst);
                async move {
                    json!({"data": {"items": [
                        {"uuid": "a1", "headline": "<b>Hello</b> world", "url": "/news/a1",
                         "published": "2024-06-27T09:00:00Z", "body": "<p>Text \u{1b}[31mred</p>",
                         "author": {"name": "Dana"},
                         "stats": {"views": format!("{views}"), "likes": 5}, "comments": 3},
                        {"uuid": "a2", "headline": "No link, epoch date", "published": 1_719_478_800},
                        {"uuid": "a3", "url": "/news/a3"},
                        {"uuid": 4, "headline": "Numeric id", "published": 1_719_478_800_000_i64,
                         "stats": {"views": 7.0}}
                    ]}})
                    .to_string()
                }
            }),
        )
        .route("/api/wrong", get(|| async { r#"{"items": {}}"# }))
        .route(
            "/api/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "{}"
            }),
        )
        .route("/api/broken", get(|| async { "<html>not json</html>" }));
    let base = serve(router).await;
    let ctx = context(Duration::from_secs(1));
    let target = add_source(&ctx, &format!("{base}/api/news"), SourceKind::Json).await;
    let rules = news_rules();
    let (outcome, _) = tidings::crawl::refresh_source(&ctx, &target, Some(&rules))
        .await
        .unwrap();
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 3),
        "{outcome:?}"
    );
    let all = articles(&ctx, target.id).await;
    let first = by_link(&all, "/news/a1");
    assert_eq!(
        first.link.as_deref(),
        Some(format!("{base}/news/a1").as_str())
    );
    assert_eq!(first.title, "Hello world");
    assert_eq!(first.guid.as_deref(), Some("a1"));
    assert_eq!(first.author.as_deref(), Some("Dana"));
    assert_eq!(
        (first.views, first.score, first.comments),
        (Some(1234), Some(5), Some(3))
    );
    assert!(!first.content.as_deref().unwrap().contains('\u{1b}'));
    let epoch = all
        .iter()
        .find(|a| a.guid.as_deref() == Some("a2"))
        .unwrap();
    assert_eq!(epoch.published.unwrap().timestamp(), 1_719_478_800);
    assert_eq!(epoch.link, None);
    let numeric = all.iter().find(|a| a.guid.as_deref() == Some("4")).unwrap();
    assert_eq!(numeric.published.unwrap().timestamp(), 1_719_478_800);
    assert_eq!(numeric.views, Some(7));

    views.store(1500, Ordering::SeqCst);
    tidings::crawl::refresh_source(&ctx, &target, Some(&rules))
        .await
        .unwrap();
    let all = articles(&ctx, target.id).await;
    assert_eq!(by_link(&all, "/news/a1").views, Some(1500));

    for (path, wanted) in [
        ("/api/wrong", "/data/items"),
        ("/api/slow", "timed out"),
        ("/api/broken", "not JSON"),
    ] {
        let mut bad = target.clone();
        bad.url = Url::parse(&format!("{base}{path}")).unwrap();
        let err = tidings::crawl::refresh_source(&ctx, &bad, Some(&rules))
            .await
            .unwrap_err();
        assert!(err.contains(wanted), "{path}: {err}");
    }
    // Failures never removed what was stored.
    assert_eq!(articles(&ctx, target.id).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_dispatches_api_sources() {
    let base = hn_server(Arc::new(AtomicI64::new(1))).await;
    let ctx = Arc::new(context(Duration::from_secs(1)));
    let target = add_source(&ctx, &format!("{base}/v0/"), SourceKind::Hackernews).await;
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let summary = tidings::refresh::run(ctx.clone(), vec![target.clone()], tx).await;
    assert_eq!(
        (summary.ok, summary.failed, summary.new_articles),
        (1, 0, 3)
    );
}
