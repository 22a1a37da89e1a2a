//! Feed parsing through the library API: every format, every tolerance case, with fixtures.
//!
//! This file holds what the tests share: reading and parsing the fixtures of tests/fixtures/feeds
//! and finding articles in the result.

mod extensions;
mod formats;
mod links;
mod never_panics;
mod not_feeds;
mod tolerance;

use chrono::{DateTime, Utc};
use tidings::model::{ArticleDraft, ParsedFeed};
use tidings::parse::parse_feed;
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ParsedFeed {
    parse_feed(&fixture(name), None, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_at(name: &str, url: &str) -> ParsedFeed {
    let base = Url::parse(url).unwrap();
    parse_feed(&fixture(name), None, Some(&base)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn date(text: &str) -> Option<DateTime<Utc>> {
    Some(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

fn titles(feed: &ParsedFeed) -> Vec<&str> {
    feed.articles.iter().map(|a| a.title.as_str()).collect()
}

fn article<'a>(feed: &'a ParsedFeed, title: &str) -> &'a ArticleDraft {
    feed.articles
        .iter()
        .find(|a| a.title == title)
        .unwrap_or_else(|| panic!("no article {title:?} in {:?}", titles(feed)))
}
