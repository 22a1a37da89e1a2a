//! The search indexes: filled after refreshes, in batches, and always before a search; words and
//! prefixes for alphabetic text, substrings for Chinese and as a fallback; hostile queries; the
//! indexes follow deletions; a version-1 database gets the word index.

use chrono::{Duration, TimeZone, Utc};
use tempfile::TempDir;
use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SourceId, SourceKind};
use tidings::store::{RetentionPolicy, SourceSpec, Store};

fn draft(i: usize, body: &str) -> ArticleDraft {
    ArticleDraft {
        id: Some(format!("g{i}")),
        title: format!("Title {i}"),
        content: Some(format!("<p>{body}</p>")),
        ..ArticleDraft::default()
    }
}

fn search(text: &str) -> ArticleQuery {
    ArticleQuery {
        view: ArticleView::Search(text.to_string()),
        limit: 100,
        ..ArticleQuery::default()
    }
}

fn one_source(store: &mut Store) -> SourceId {
    let ids = store
        .sync_sources(&[SourceSpec {
            url: "https://a.example/feed".into(),
            name: None,
            kind: SourceKind::Feed,
            categories: vec![],
        }])
        .unwrap();
    ids[0]
}

#[test]
fn upserts_queue_and_batches_index() {
    let mut store = Store::open_in_memory().unwrap();
    let source = one_source(&mut store);
    let drafts: Vec<_> = (0..5)
        .map(|i| draft(i, &format!("harbour lighthouse {i}")))
        .collect();
    store.upsert_articles(source, &drafts, Utc::now()).unwrap();
    // Two batches of two leave one queued; the next call empties the queue.
    assert_eq!(store.index_pending(2).unwrap(), 3);
    assert_eq!(store.index_pending(2).unwrap(), 1);
    assert_eq!(store.index_pending(2).unwrap(), 0);
    assert_eq!(store.list_articles(&search("lighthouse")).unwrap().len(), 5);

    // A changed body is re-queued, and a search sees the new text without an explicit batch.
    let mut changed = drafts.clone();
    changed[0] = draft(0, "a changed text about windmills");
    store.upsert_articles(source, &changed, Utc::now()).unwrap();
    assert_eq!(store.list_articles(&search("windmills")).unwrap().len(), 1);
    assert_eq!(store.list_articles(&search("lighthouse")).unwrap().len(), 4);
    // Both indexes dropped the old text: as words, and as a substring.
    assert_eq!(store.list_articles(&search("ighthous")).unwrap().len(), 4);
    assert_eq!(store.index_pending(10).unwrap(), 0);
}

const BODIES: &[&str] = &[
    "The harbour lighthouse observatory opened to visitors.",
    "A new café near the harbour.",
    "Coffee at the cafe costs more.",
    "学院举办数字技能研讨会，讨论数字化转型。",
    "An observation deck with a view.",
    "Rust编译器 news: the NEAR(future) of &quot;quoted&quot; text, a OR b, -x.",
];

/// The body numbers (indexes into `BODIES`) a search finds, in order; the count must agree.
fn found(store: &Store, text: &str) -> Vec<usize> {
    let q = search(text);
    let mut hits: Vec<usize> = store
        .list_articles(&q)
        .unwrap()
        .iter()
        .map(|r| r.title.trim_start_matches("Title ").parse().unwrap())
        .collect();
    hits.sort();
    assert_eq!(store.count_articles(&q).unwrap(), hits.len(), "{text}");
    hits
}

fn bodies_store() -> (Store, SourceId) {
    let mut store = Store::open_in_memory().unwrap();
    let source = one_source(&mut store);
    let drafts: Vec<_> = BODIES
        .iter()
        .enumerate()
        .map(|(i, b)| draft(i, b))
        .collect();
    store.upsert_articles(source, &drafts, Utc::now()).unwrap();
    (store, source)
}

#[test]
fn words_prefixes_and_phrases() {
    let (store, _) = bodies_store();
    assert_eq!(found(&store, "harbour"), [0, 1]);
    assert_eq!(found(&store, "HARBOUR"), [0, 1]);
    assert_eq!(found(&store, "observ"), [0, 4]);
    assert_eq!(found(&store, "lighthouse observ"), [0]);
    assert_eq!(found(&store, "  lighthouse,   observatory! "), [0]);
    // A phrase: the words in this order, next to each other.
    assert!(found(&store, "observatory lighthouse").is_empty());
    assert!(found(&store, "harbour observatory").is_empty());
    // Latin words next to Chinese ones are words too.
    assert_eq!(found(&store, "rust news"), [5]);
    assert_eq!(found(&store, "title 3"), [3]);
}

#[test]
fn diacritics_do_not_matter() {
    let (store, _) = bodies_store();
    assert_eq!(found(&store, "café"), [1, 2]);
    assert_eq!(found(&store, "cafe"), [1, 2]);
    assert_eq!(found(&store, "CAFÉ"), [1, 2]);
}

#[test]
fn substrings_when_no_word_matches() {
    let (store, _) = bodies_store();
    assert_eq!(found(&store, "bservator"), [0]);
    assert_eq!(found(&store, "arbou"), [0, 1]);
    assert_eq!(found(&store, "ouse observ"), [0]);
    assert!(found(&store, "nothing like this").is_empty());
}

#[test]
fn hostile_queries_are_text() {
    let (store, _) = bodies_store();
    assert_eq!(found(&store, "\""), [5]);
    assert_eq!(found(&store, "\"quoted\""), [5]);
    assert_eq!(found(&store, "\"quoted"), [5]);
    assert!(found(&store, "*").is_empty());
    assert!(found(&store, "**").is_empty());
    assert_eq!(found(&store, "NEAR("), [1, 5]);
    assert_eq!(found(&store, "NEAR(future"), [5]);
    assert_eq!(found(&store, "a OR b"), [5]);
    assert_eq!(found(&store, "harbour OR coffee"), Vec::<usize>::new());
    assert_eq!(found(&store, "-x"), [5]);
    assert_eq!(found(&store, "(future)"), [5]);
    assert!(found(&store, "title:cafe").is_empty());
    for text in [
        "AND", "OR", "NOT", "NEAR", ")", "(", "^", ":", "-", "+", "a AND", "x*y", "{a b}",
    ] {
        found(&store, text);
    }
}

#[test]
fn chinese_keeps_substrings() {
    let (store, _) = bodies_store();
    assert_eq!(found(&store, "数字化"), [3]);
    assert_eq!(found(&store, "技能研讨会"), [3]);
    assert_eq!(found(&store, "会议"), Vec::<usize>::new());
    assert_eq!(found(&store, "数字"), [3]); // 2 characters: LIKE
    assert_eq!(found(&store, "编译器"), [5]);
    assert_eq!(found(&store, "Rust编译"), [5]);
}

#[test]
fn deleted_articles_leave_both_indexes() {
    let (mut store, source) = bodies_store();
    let year_ago = Utc::now() - Duration::days(365);
    let old: Vec<_> = BODIES
        .iter()
        .enumerate()
        .map(|(i, b)| ArticleDraft {
            published: Some(year_ago),
            ..draft(i, b)
        })
        .collect();
    store.upsert_articles(source, &old, year_ago).unwrap();
    assert_eq!(found(&store, "harbour"), [0, 1]);
    store
        .mark_all_read(&ArticleQuery {
            view: ArticleView::All,
            ..ArticleQuery::default()
        })
        .unwrap();
    let policy = RetentionPolicy {
        max_age_days: 30,
        keep_per_source: 0,
    };
    assert_eq!(store.apply_retention(&policy, Utc::now()).unwrap(), 6);
    // A count of an index with stale rows would not be 0 (it counts the hits, not articles).
    for text in ["harbour", "observ", "bservator", "数字化", "数字", "\""] {
        assert_eq!(store.count_articles(&search(text)).unwrap(), 0, "{text}");
    }
}

#[test]
fn a_version_1_database_gets_the_word_index() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("tidings.db");
    {
        // As tidings with schema 1 left it: two articles, both indexed by trigrams.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(Store::migration_sql(1).unwrap())
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO sources (id, url, kind) VALUES (1, 'https://old.example/feed', 'feed')",
            [],
        )
        .unwrap();
        let date = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
        for (id, title, text) in [
            (
                1,
                "Old lighthouse news",
                "The harbour lighthouse observatory.",
            ),
            (2, "旧文章", "学院举办数字技能研讨会。"),
        ] {
            conn.execute(
                "INSERT INTO articles (id, source_id, key_hash, dedup_key, title, first_seen,
                                       sort_date, content, meta_hash, text_hash)
                 VALUES (?1, 1, ?1, ?1, ?2, ?3, ?3, ?4, 0, 0)",
                rusqlite::params![id, title, date.timestamp_micros(), format!("<p>{text}</p>")],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, title, text],
            )
            .unwrap();
        }
    }
    let store = Store::open(&path).unwrap();
    // Opening only queues the articles; the index catches up later (here: before the search).
    assert_eq!(store.index_pending(0).unwrap(), 2);
    assert_eq!(
        found_titles(&store, "lighthouse observ"),
        ["Old lighthouse news"]
    );
    assert_eq!(found_titles(&store, "数字技能"), ["旧文章"]);
    assert_eq!(store.index_pending(0).unwrap(), 0);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, Store::schema_version());
    // Retention on a migrated database: the new delete trigger empties both indexes.
    conn.execute("DELETE FROM articles", []).unwrap();
    for table in ["articles_fts", "articles_words"] {
        let left: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE {table} MATCH 'lighthouse'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
}

fn found_titles(store: &Store, text: &str) -> Vec<String> {
    store
        .list_articles(&search(text))
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect()
}
