//! Store files: a new database is created and migrated, a newer schema is refused untouched, new
//! files get 64 KiB pages while older ones keep theirs, and the handle runs calls on the store
//! thread.

use tempfile::TempDir;
use tidings::model::{ArticleDraft, ArticleView};
use tidings::store::{Store, StoreError, StoreHandle};

use crate::{draft, query, spec, t, titles, two_sources};

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
