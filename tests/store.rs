//! Integration tests of the store against real SQLite files in a temporary directory.

use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tempfile::TempDir;
use tidings::model::{
    ArticleDraft, ArticleId, ArticleQuery, ArticleView, SortOrder, SourceId, SourceKind,
    UpsertCounts,
};
use tidings::store::{RetentionPolicy, SourceSpec, Store, StoreError, StoreHandle, Validators};

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

#[test]
fn migrates_from_empty_and_reopens_with_data() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("nested/dir/tidings.db");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.journal_mode().unwrap(), "wal");
        let (tech, _) = two_sources(&mut store);
        store
            .upsert_articles(tech, &[draft("1", "Hello", 1)], t(2))
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(titles(&store, &query(ArticleView::All)), ["Hello"]);
    assert_eq!(store.counts().unwrap().articles, 1);
}

#[test]
fn newer_schema_is_refused_and_file_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("tidings.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!(found, 999);
            assert_eq!(supported, Store::schema_version());
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("tidings.db-wal").exists());
}

#[test]
fn upsert_counts_new_updated_unchanged_and_keeps_user_state() {
    let (_dir, mut store) = temp_store();
    let (tech, _) = two_sources(&mut store);
    let drafts = vec![draft("1", "One", 1), draft("2", "Two", 2)];
    let counts = store.upsert_articles(tech, &drafts, t(3)).unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            new: 2,
            updated: 0,
            unchanged: 0
        }
    );

    let rows = store.list_articles(&query(ArticleView::All)).unwrap();
    let two = rows.iter().find(|r| r.title == "Two").unwrap().id;
    store.set_starred(two, true).unwrap();
    store.record_open(two).unwrap();

    let mut changed = drafts.clone();
    changed[1].title = "Two (corrected)".to_owned();
    changed[1].views = Some(10);
    let counts = store.upsert_articles(tech, &changed, t(4)).unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            new: 0,
            updated: 1,
            unchanged: 1
        }
    );
    let counts = store.upsert_articles(tech, &changed, t(5)).unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            new: 0,
            updated: 0,
            unchanged: 2
        }
    );

    // A refresh without a views value keeps the stored one and changes nothing.
    let mut no_views = changed.clone();
    no_views[1].views = None;
    let counts = store.upsert_articles(tech, &no_views, t(5)).unwrap();
    assert_eq!(counts.unchanged, 2);

    let a = store.article(two).unwrap().unwrap();
    assert_eq!(a.title, "Two (corrected)");
    assert_eq!(a.views, Some(10));
    assert!(a.read && a.starred);
    assert_eq!(a.opened, 1);
    assert_eq!(a.first_seen, t(3));
    assert_eq!(a.source_name, "Tech News");
    assert_eq!(a.source_categories, ["Tech"]);
}

#[test]
fn dedup_by_guid_then_link_then_title_and_date() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    let by_link = ArticleDraft {
        title: "Linked".into(),
        link: Some("https://example.org/l".into()),
        ..ArticleDraft::default()
    };
    let by_title = ArticleDraft {
        title: "Titled".into(),
        published: Some(t(1)),
        ..ArticleDraft::default()
    };
    let batch = vec![draft("g", "Guid", 1), by_link.clone(), by_title.clone()];
    assert_eq!(store.upsert_articles(tech, &batch, t(2)).unwrap().new, 3);

    let mut again = batch.clone();
    again[0].link = Some("https://example.org/moved".into()); // same guid, new link
    again[1].title = "Linked, retitled".into(); // same link, new title
    let counts = store.upsert_articles(tech, &again, t(3)).unwrap();
    assert_eq!((counts.new, counts.updated, counts.unchanged), (0, 2, 1));

    let mut other_date = by_title.clone();
    other_date.published = Some(t(5));
    assert_eq!(
        store
            .upsert_articles(tech, &[other_date], t(3))
            .unwrap()
            .new,
        1
    );
    // The same guid in another source is another article.
    assert_eq!(
        store
            .upsert_articles(campus, &batch[..1], t(3))
            .unwrap()
            .new,
        1
    );
    assert_eq!(store.counts().unwrap().articles, 5);
}

#[test]
fn fewer_items_and_errors_delete_nothing() {
    let (_dir, mut store) = temp_store();
    let (tech, _) = two_sources(&mut store);
    let batch: Vec<_> = (1..=5).map(|i| draft(&i.to_string(), "x", i)).collect();
    store.upsert_articles(tech, &batch, t(6)).unwrap();
    store.upsert_articles(tech, &batch[..1], t(7)).unwrap();
    store.upsert_articles(tech, &[], t(7)).unwrap();

    let v = Validators {
        etag: Some("\"abc\"".into()),
        last_modified: Some("Tue, 01 Jun 2024 00:00:00 GMT".into()),
        body_hash: None,
    };
    store
        .record_fetched(tech, &v, Some("Feed Title"), t(8))
        .unwrap();
    store.record_error(tech, "timed out", t(9)).unwrap();
    assert_eq!(store.validators(tech).unwrap(), v);
    let row = &store.sources().unwrap()[0];
    assert_eq!(row.articles, 5);
    assert_eq!(row.last_error.as_deref(), Some("timed out"));
    assert_eq!(row.last_refresh, Some(t(8)));
    assert_eq!(row.name, "Tech News");

    store.record_unchanged(tech, t(10)).unwrap();
    let row = &store.sources().unwrap()[0];
    assert_eq!(row.last_error, None);
    assert_eq!(row.last_refresh, Some(t(10)));
    assert!(matches!(
        store.record_error(SourceId(999), "x", t(1)),
        Err(StoreError::NoSuchSource(_))
    ));
}

#[test]
fn source_names_and_inactive_sources() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    let names = source_names(&store);
    assert_eq!(names, ["Tech News", "https://campus.example/feed"]);
    store
        .record_fetched(campus, &Validators::default(), Some("Campus Daily"), t(1))
        .unwrap();
    assert_eq!(store.sources().unwrap()[1].name, "Campus Daily");
    assert_eq!(store.sources().unwrap()[1].categories, ["Campus", "Tech"]);

    store
        .upsert_articles(tech, &[draft("1", "T", 1)], t(2))
        .unwrap();
    store
        .upsert_articles(campus, &[draft("1", "C", 1)], t(2))
        .unwrap();
    // Campus leaves the config: hidden, but its articles stay and come back with it.
    let ids = store
        .sync_sources(&[spec("https://tech.example/feed", None, &["Tech"])])
        .unwrap();
    assert_eq!(ids, [tech]);
    assert_eq!(store.sources().unwrap().len(), 1);
    assert_eq!(store.counts().unwrap().articles, 1);
    assert_eq!(titles(&store, &query(ArticleView::All)), ["T"]);
    assert_eq!(store.count_articles(&query(ArticleView::All)).unwrap(), 1);
    let ids = store
        .sync_sources(&[
            spec("https://campus.example/feed", Some("Campus"), &["Campus"]),
            spec("https://tech.example/feed", None, &["Tech"]),
        ])
        .unwrap();
    assert_eq!(ids, [campus, tech]);
    assert_eq!(store.counts().unwrap().articles, 2);
    let names = source_names(&store);
    assert_eq!(names, ["Campus", "https://tech.example/feed"]);
}

#[test]
fn an_unchanged_config_is_synced_without_a_write() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("tidings.db");
    let mut store = Store::open(&path).unwrap();
    let config = vec![
        spec(
            "https://a.example/",
            Some("A"),
            &["News", " Tech ", "News", ""],
        ),
        spec("https://b.example/", None, &[]),
    ];
    let ids = store.sync_sources(&config).unwrap();
    // Another connection sees `data_version` change whenever the store commits a write.
    let watcher = rusqlite::Connection::open(&path).unwrap();
    let version = || -> i64 {
        watcher
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = version();
    assert_eq!(store.sync_sources(&config).unwrap(), ids);
    assert_eq!(version(), before, "the same config was written again");

    // Each kind of change is still written.
    let categories = |store: &Store| -> Vec<Vec<String>> {
        store
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| s.categories)
            .collect()
    };
    assert_eq!(categories(&store), [vec!["News", "Tech"], vec![]]);
    let changes = [
        vec![
            spec("https://a.example/", Some("A"), &["Tech", "News"]),
            spec("https://b.example/", None, &[]),
        ],
        vec![
            spec("https://a.example/", Some("A2"), &["Tech", "News"]),
            spec("https://b.example/", None, &[]),
        ],
        vec![
            spec("https://b.example/", None, &[]),
            spec("https://a.example/", Some("A2"), &["Tech", "News"]),
        ],
        vec![spec("https://b.example/", None, &[])],
        vec![
            spec("https://b.example/", None, &[]),
            spec("https://a.example/", Some("A2"), &["Tech", "News"]),
        ],
    ];
    for config in &changes {
        let before = version();
        store.sync_sources(config).unwrap();
        assert_ne!(version(), before, "not written: {config:?}");
        let names = source_names(&store);
        let wanted: Vec<_> = config
            .iter()
            .map(|s| s.name.clone().unwrap_or_else(|| s.url.clone()))
            .collect();
        assert_eq!(names, wanted);
        let before = version();
        store.sync_sources(config).unwrap();
        assert_eq!(version(), before, "written twice: {config:?}");
    }
    assert_eq!(categories(&store), [vec![], vec!["Tech", "News"]]);
}

fn popular(guid: &str, day: u32, views: i64, score: i64) -> ArticleDraft {
    ArticleDraft {
        views: Some(views),
        score: Some(score),
        ..draft(guid, guid, day)
    }
}

#[test]
fn windows_sort_filter_and_views() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    store
        .upsert_articles(
            tech,
            &[
                popular("a", 1, 50, 3),
                popular("b", 2, 10, 9),
                popular("c", 3, 30, 1),
            ],
            t(10),
        )
        .unwrap();
    let undated = ArticleDraft {
        published: None,
        ..draft("x", "x", 1)
    };
    store.upsert_articles(campus, &[undated], t(5)).unwrap();

    let mut q = query(ArticleView::All);
    assert_eq!(titles(&store, &q), ["x", "c", "b", "a"]); // x dated by first_seen (day 5)
    q.sort = SortOrder::Views;
    assert_eq!(titles(&store, &q), ["a", "c", "b", "x"]);
    q.sort = SortOrder::Score;
    assert_eq!(titles(&store, &q), ["b", "a", "c", "x"]);
    q.offset = 1;
    q.limit = 2;
    assert_eq!(titles(&store, &q), ["a", "c"]);
    assert_eq!(store.count_articles(&q).unwrap(), 4);

    let rows = store.list_articles(&query(ArticleView::All)).unwrap();
    let b = rows.iter().find(|r| r.title == "b").unwrap();
    assert_eq!(b.published, Some(t(2)));
    let x = rows.iter().find(|r| r.title == "x").unwrap();
    assert_eq!(x.published, None);
    store.set_read(b.id, true).unwrap();
    store.set_starred(x.id, true).unwrap();

    let mut q = query(ArticleView::All);
    q.unread_only = true;
    assert_eq!(titles(&store, &q), ["x", "c", "a"]);
    assert_eq!(store.count_articles(&q).unwrap(), 3);
    assert_eq!(titles(&store, &query(ArticleView::Unread)), ["x", "c", "a"]);
    assert_eq!(titles(&store, &query(ArticleView::Starred)), ["x"]);
    store.set_starred(b.id, true).unwrap();
    let mut starred = query(ArticleView::Starred);
    starred.sort = SortOrder::Views;
    assert_eq!(titles(&store, &starred), ["b", "x"]);
    starred.unread_only = true;
    assert_eq!(titles(&store, &starred), ["x"]);
    assert_eq!(store.count_articles(&starred).unwrap(), 1);
    store.set_starred(b.id, false).unwrap();
    assert_eq!(
        store.count_articles(&query(ArticleView::Starred)).unwrap(),
        1
    );
    assert_eq!(titles(&store, &query(ArticleView::Source(campus))), ["x"]);
    let tech_view = query(ArticleView::Category("Tech".into()));
    assert_eq!(titles(&store, &tech_view), ["x", "c", "b", "a"]);
    assert_eq!(store.count_articles(&tech_view).unwrap(), 4);
    let campus_view = query(ArticleView::Category("Campus".into()));
    assert_eq!(titles(&store, &campus_view), ["x"]);
    assert_eq!(
        store
            .count_articles(&query(ArticleView::Category("None".into())))
            .unwrap(),
        0
    );

    let counts = store.counts().unwrap();
    assert_eq!((counts.articles, counts.unread, counts.starred), (4, 3, 1));
    let cats = store.category_counts().unwrap();
    assert_eq!(cats[0].0, "Campus");
    assert_eq!(cats[0].1.articles, 1);
    assert_eq!(cats[1].0, "Tech");
    assert_eq!((cats[1].1.articles, cats[1].1.unread), (4, 3));
    let sources = store.sources().unwrap();
    assert_eq!((sources[0].articles, sources[0].unread), (3, 2));
}

#[test]
fn search_english_and_chinese() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    let rust = ArticleDraft {
        content: Some("<p>The <b>borrow checker</b> got faster.</p>".into()),
        ..draft("r", "Rust 1.95 released", 3)
    };
    let zh = ArticleDraft {
        summary: Some("<p>学院举办数字技能研讨会，讨论数字化转型。</p>".into()),
        ..draft("z", "国际交流会议", 2)
    };
    store
        .upsert_articles(tech, &[rust, draft("o", "Other", 1)], t(4))
        .unwrap();
    store
        .upsert_articles(campus, std::slice::from_ref(&zh), t(4))
        .unwrap();

    let search =
        |store: &Store, text: &str| titles(store, &query(ArticleView::Search(text.into())));
    assert_eq!(search(&store, "rust"), ["Rust 1.95 released"]);
    assert_eq!(search(&store, "BORROW checker"), ["Rust 1.95 released"]);
    assert_eq!(search(&store, "summary of o"), ["Other"]);
    assert_eq!(search(&store, "数字化"), ["国际交流会议"]);
    assert_eq!(search(&store, "数字"), ["国际交流会议"]); // 2 characters: LIKE fallback
    assert_eq!(search(&store, "会议"), ["国际交流会议"]);
    assert_eq!(search(&store, "1."), ["Rust 1.95 released"]);
    assert!(search(&store, "nothing here").is_empty());
    assert!(search(&store, "\"quoted\"").is_empty());
    assert!(search(&store, "%").is_empty());
    assert_eq!(search(&store, "  ").len(), 3);
    assert_eq!(
        store
            .count_articles(&query(ArticleView::Search("数字".into())))
            .unwrap(),
        1
    );

    // Edited text is re-indexed.
    let edited = ArticleDraft {
        summary: Some("<p>新的内容</p>".into()),
        ..zh
    };
    store.upsert_articles(campus, &[edited], t(5)).unwrap();
    assert!(search(&store, "数字化").is_empty());
    assert_eq!(search(&store, "新的内容"), ["国际交流会议"]);

    let mut q = query(ArticleView::Search("summary".into()));
    q.sort = SortOrder::Date;
    assert_eq!(titles(&store, &q), ["Rust 1.95 released", "Other"]);
}

#[test]
fn mark_all_read_respects_the_view() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    store
        .upsert_articles(tech, &[draft("1", "a", 1), draft("2", "b", 2)], t(3))
        .unwrap();
    store
        .upsert_articles(campus, &[draft("1", "c", 1)], t(3))
        .unwrap();
    let mut q = query(ArticleView::Source(tech));
    q.offset = 1;
    q.limit = 1;
    assert_eq!(store.mark_all_read(&q).unwrap(), 2);
    assert_eq!(store.mark_all_read(&q).unwrap(), 0);
    let counts = store.counts().unwrap();
    assert_eq!(counts.unread, 1);
    assert_eq!(store.mark_all_read(&query(ArticleView::All)).unwrap(), 1);
    assert_eq!(store.counts().unwrap().unread, 0);
}

#[test]
fn record_open_tracks_views_since_the_previous_open() {
    let (_dir, mut store) = temp_store();
    let (tech, _) = two_sources(&mut store);
    store
        .upsert_articles(tech, &[popular("a", 1, 100, 0)], t(2))
        .unwrap();
    let id = store.list_articles(&query(ArticleView::All)).unwrap()[0].id;

    let first = store.record_open(id).unwrap();
    assert!(first.read);
    assert_eq!(
        (first.opened, first.views, first.views_at_open),
        (1, Some(100), None)
    );

    store
        .upsert_articles(tech, &[popular("a", 1, 150, 0)], t(3))
        .unwrap();
    let second = store.record_open(id).unwrap();
    assert_eq!(
        (second.opened, second.views, second.views_at_open),
        (2, Some(150), Some(100))
    );
    // Stable until the next open.
    assert_eq!(store.article(id).unwrap().unwrap().views_at_open, Some(100));

    store
        .upsert_articles(tech, &[popular("a", 1, 170, 0)], t(4))
        .unwrap();
    let third = store.record_open(id).unwrap();
    assert_eq!(third.views_at_open, Some(150));
    assert!(matches!(
        store.record_open(ArticleId(999)),
        Err(StoreError::NoSuchArticle(_))
    ));
    assert_eq!(store.article(ArticleId(999)).unwrap(), None);
}

#[test]
fn retention_keeps_starred_unread_and_newest_per_source() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    let now = t(1) + Duration::days(365);
    let old: Vec<_> = (0..10)
        .map(|i| ArticleDraft {
            published: Some(t(1) + Duration::hours(i)),
            ..draft(&format!("old{i}"), &format!("old{i}"), 1)
        })
        .collect();
    store.upsert_articles(tech, &old, t(1)).unwrap();
    store.upsert_articles(campus, &old, t(1)).unwrap();
    let fresh = ArticleDraft {
        published: Some(now - Duration::days(1)),
        ..draft("fresh", "fresh", 1)
    };
    store.upsert_articles(tech, &[fresh], now).unwrap();
    store.mark_all_read(&query(ArticleView::All)).unwrap();

    let tech_rows = store
        .list_articles(&query(ArticleView::Source(tech)))
        .unwrap();
    let by_title = |title: &str| tech_rows.iter().find(|r| r.title == title).unwrap().id;
    store.set_starred(by_title("old0"), true).unwrap();
    store.set_read(by_title("old1"), false).unwrap();

    let policy = RetentionPolicy {
        max_age_days: 90,
        keep_per_source: 3,
    };
    // Tech: fresh + old9 + old8 kept by count, old0 starred, old1 unread: 6 of 11 go.
    // Campus: old9..old7 kept: 7 of 10 go.
    assert_eq!(store.apply_retention(&policy, now).unwrap(), 13);
    let mut left = titles(&store, &query(ArticleView::Source(tech)));
    left.sort();
    assert_eq!(left, ["fresh", "old0", "old1", "old8", "old9"]);
    assert_eq!(
        titles(&store, &query(ArticleView::Source(campus))),
        ["old9", "old8", "old7"]
    );
    assert_eq!(store.counts().unwrap().articles, 8);
    assert_eq!(store.apply_retention(&policy, now).unwrap(), 0);
    assert!(titles(&store, &query(ArticleView::Search("old2".into()))).is_empty());
    assert_eq!(RetentionPolicy::default().keep_per_source, 500);
}

#[tokio::test]
async fn handle_runs_calls_on_the_store_thread() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let handle = StoreHandle::spawn(store);
    let ids = handle
        .call(|s| s.sync_sources(&[spec("https://a.example/", None, &[])]))
        .await
        .unwrap()
        .unwrap();
    let other = handle.clone();
    let counts = other
        .call(move |s| s.upsert_articles(ids[0], &[draft("1", "a", 1)], t(2)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counts.new, 1);
    let total = tokio::task::spawn_blocking(move || {
        handle.call_blocking(|s| s.counts().map(|c| c.articles))
    })
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    assert_eq!(total, 1);
}

/// 100k articles in 100 sources: windows stay bounded and fast everywhere in the list.
#[test]
fn windows_on_a_large_store_are_bounded_and_fast() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&dir.path().join("big.db")).unwrap();
    let specs: Vec<_> = (0..100)
        .map(|i| {
            spec(
                &format!("https://s{i}.example/"),
                None,
                &[&format!("cat{}", i % 10)],
            )
        })
        .collect();
    let ids = store.sync_sources(&specs).unwrap();
    let start = t(1);
    for (n, id) in ids.iter().enumerate() {
        let drafts: Vec<_> = (0..1000)
            .map(|i| ArticleDraft {
                id: Some(i.to_string()),
                title: format!("Article {n}/{i}"),
                published: Some(start + Duration::minutes((i * 100 + n) as i64)),
                views: Some(((i * 7919 + n) % 5000) as i64),
                ..ArticleDraft::default()
            })
            .collect();
        store.upsert_articles(*id, &drafts, start).unwrap();
    }
    let views = [
        ArticleView::All,
        ArticleView::Unread,
        ArticleView::Category("cat3".into()),
        ArticleView::Source(ids[42]),
        ArticleView::Search("Article 42/".into()),
        ArticleView::Search("Article".into()), // every article: walks the sort index
    ];
    for view in views {
        for sort in [SortOrder::Date, SortOrder::Views, SortOrder::Score] {
            for unread_only in [false, true] {
                let mut q = ArticleQuery {
                    view: view.clone(),
                    sort,
                    unread_only,
                    offset: 0,
                    limit: 50,
                };
                let total = store.count_articles(&q).unwrap();
                for offset in [0, total / 3, total.saturating_sub(50)] {
                    q.offset = offset;
                    let began = Instant::now();
                    let rows = store.list_articles(&q).unwrap();
                    let took = began.elapsed();
                    assert_eq!(rows.len(), 50.min(total - offset), "{q:?}");
                    assert!(took.as_millis() < 200, "{q:?} took {took:?}");
                }
            }
        }
    }
    // A window read from the top and one read from the end (reversed) agree where they overlap.
    let mut q = query(ArticleView::All);
    q.sort = SortOrder::Views;
    q.limit = 10;
    q.offset = 49_995;
    let forward = store.list_articles(&q).unwrap();
    q.offset = 50_001;
    let backward = store.list_articles(&q).unwrap();
    assert_eq!(forward[6..], backward[..4]);
}

/// Word searches (and their substring fallback) honour the unread filter and hidden sources,
/// and their counts agree with their windows.
#[test]
fn word_search_with_unread_and_hidden_sources() {
    let (_dir, mut store) = temp_store();
    let (tech, campus) = two_sources(&mut store);
    let article = |guid: &str, title: &str| ArticleDraft {
        content: Some(format!("<p>The harbour lighthouse, {title}.</p>")),
        ..draft(guid, title, 1)
    };
    store
        .upsert_articles(tech, &[article("a", "Ship"), article("b", "Boat")], t(2))
        .unwrap();
    store
        .upsert_articles(campus, &[article("c", "Crew")], t(2))
        .unwrap();
    let search = |store: &Store, text: &str, unread_only: bool| {
        let q = ArticleQuery {
            unread_only,
            ..query(ArticleView::Search(text.into()))
        };
        let mut found = titles(store, &q);
        found.sort();
        assert_eq!(store.count_articles(&q).unwrap(), found.len(), "{text}");
        found
    };
    assert_eq!(
        search(&store, "harbour light", false),
        ["Boat", "Crew", "Ship"]
    );
    assert_eq!(
        search(&store, "arbour ligh", false),
        ["Boat", "Crew", "Ship"]
    );

    let ship = store
        .list_articles(&query(ArticleView::Source(tech)))
        .unwrap();
    let ship = ship.iter().find(|r| r.title == "Ship").unwrap().id;
    store.set_read(ship, true).unwrap();
    assert_eq!(search(&store, "lighthouse", true), ["Boat", "Crew"]);

    // Campus leaves the config: its articles no longer show up in searches.
    store
        .sync_sources(&[spec("https://tech.example/feed", None, &["Tech"])])
        .unwrap();
    assert_eq!(search(&store, "lighthouse", false), ["Boat", "Ship"]);
    assert_eq!(search(&store, "ighthous", true), ["Boat"]);
    assert!(search(&store, "crew", false).is_empty());
}

/// The views and score lists put rows with a value first (largest first), then the rest by
/// date; read window by window, from the top and (past the middle) from the end, they are that
/// order exactly, across the boundary between the two.
#[test]
fn views_and_score_lists_put_rows_without_a_value_last() {
    let (_dir, mut store) = temp_store();
    let (tech, _) = two_sources(&mut store);
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let drafts: Vec<ArticleDraft> = (0..3_000usize)
        .map(|i| ArticleDraft {
            id: Some(i.to_string()),
            title: format!("Article {i}"),
            published: Some(start + Duration::minutes((i * 7_919 % 100_000) as i64)),
            views: (i % 3 != 0).then_some((i % 250) as i64),
            score: (i % 4 == 0).then_some((i % 40) as i64),
            ..ArticleDraft::default()
        })
        .collect();
    store.upsert_articles(tech, &drafts, start).unwrap();
    for sort in [SortOrder::Views, SortOrder::Score] {
        let value = |d: &ArticleDraft| match sort {
            SortOrder::Views => d.views,
            _ => d.score,
        };
        let mut expected: Vec<&ArticleDraft> = drafts.iter().collect();
        // Larger values first, rows without one last; ties newest first.
        expected.sort_by_key(|d| std::cmp::Reverse((value(d), d.published)));
        let expected: Vec<&str> = expected.iter().map(|d| d.title.as_str()).collect();
        let mut got = Vec::new();
        for offset in (0..3_000).step_by(100) {
            let q = ArticleQuery {
                view: ArticleView::All,
                sort,
                unread_only: false,
                offset,
                limit: 100,
            };
            got.extend(
                store
                    .list_articles(&q)
                    .unwrap()
                    .into_iter()
                    .map(|r| r.title),
            );
        }
        assert_eq!(got, expected, "{sort:?}");
    }
}

fn page_size(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}

/// New databases take 64 KiB pages (the 5,000-feed refresh writes and copies far less with them,
/// BENCHMARKS.md); a database made with smaller pages keeps them and works as before.
#[test]
fn new_databases_get_64_kib_pages_and_older_ones_keep_theirs() {
    let dir = TempDir::new().unwrap();
    let new = dir.path().join("new.db");
    drop(Store::open(&new).unwrap());
    assert_eq!(page_size(&new), 65_536);

    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;")
            .unwrap();
    }
    let mut store = Store::open(&old).unwrap();
    let id = store
        .sync_sources(&[spec("https://old.example/", None, &[])])
        .unwrap()[0];
    let drafts = [ArticleDraft {
        id: Some("kept".into()),
        title: "Kept".into(),
        ..ArticleDraft::default()
    }];
    assert_eq!(store.upsert_articles(id, &drafts, t(1)).unwrap().new, 1);
    drop(store);
    assert_eq!(page_size(&old), 16_384);
    let store = Store::open(&old).unwrap();
    let rows = store.list_articles(&query(ArticleView::All)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].title, "Kept");
}
