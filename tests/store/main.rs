//! Integration tests of the store against real SQLite files in a temporary directory.
//!
//! This file holds what the tests share: the article and source builders, the query helpers and
//! a store in a throwaway directory.

mod articles;
mod database;
mod search;
mod sources;
mod windows;

use chrono::{DateTime, TimeZone, Utc};
use tempfile::TempDir;
use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SourceId, SourceKind};
use tidings::store::{SourceSpec, Store};

fn t(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, day, 12, 0, 0).unwrap()
}

fn spec(url: &str, name: Option<&str>, categories: &[&str]) -> SourceSpec {
    SourceSpec {
        url: url.to_owned(),
        name: name.map(str::to_owned),
        kind: SourceKind::Feed,
        categories: categories.iter().map(|c| c.to_string()).collect(),
    }
}

fn source_names(store: &Store) -> Vec<String> {
    store
        .sources()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect()
}

fn draft(guid: &str, title: &str, day: u32) -> ArticleDraft {
    ArticleDraft {
        id: Some(guid.to_owned()),
        title: title.to_owned(),
        link: Some(format!("https://example.org/{guid}")),
        published: Some(t(day)),
        summary: Some(format!("<p>Summary of {title}</p>")),
        ..ArticleDraft::default()
    }
}

fn query(view: ArticleView) -> ArticleQuery {
    ArticleQuery {
        view,
        limit: 100,
        ..ArticleQuery::default()
    }
}

fn titles(store: &Store, q: &ArticleQuery) -> Vec<String> {
    store
        .list_articles(q)
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect()
}

fn temp_store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("data/tidings.db")).unwrap();
    (dir, store)
}

/// Two sources: "Tech" (a, b, c) and "Campus" (x).
fn two_sources(store: &mut Store) -> (SourceId, SourceId) {
    let ids = store
        .sync_sources(&[
            spec("https://tech.example/feed", Some("Tech News"), &["Tech"]),
            spec("https://campus.example/feed", None, &["Campus", "Tech"]),
        ])
        .unwrap();
    (ids[0], ids[1])
}

fn popular(guid: &str, day: u32, views: i64, score: i64) -> ArticleDraft {
    ArticleDraft {
        views: Some(views),
        score: Some(score),
        ..draft(guid, guid, day)
    }
}
