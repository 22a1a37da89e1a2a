//! The search index is filled after refreshes, in batches, and always before a search.

use chrono::Utc;
use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SourceKind};
use tidings::store::{SourceSpec, Store};

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

#[test]
fn upserts_queue_and_batches_index() {
    let mut store = Store::open_in_memory().unwrap();
    let ids = store
        .sync_sources(&[SourceSpec {
            url: "https://a.example/feed".into(),
            name: None,
            kind: SourceKind::Feed,
            categories: vec![],
        }])
        .unwrap();
    let drafts: Vec<_> = (0..5)
        .map(|i| draft(i, &format!("harbour lighthouse {i}")))
        .collect();
    store.upsert_articles(ids[0], &drafts, Utc::now()).unwrap();
    // Two batches of two leave one queued; the next call empties the queue.
    assert_eq!(store.index_pending(2).unwrap(), 3);
    assert_eq!(store.index_pending(2).unwrap(), 1);
    assert_eq!(store.index_pending(2).unwrap(), 0);
    assert_eq!(store.list_articles(&search("lighthouse")).unwrap().len(), 5);

    // A changed body is re-queued, and a search sees the new text without an explicit batch.
    let mut changed = drafts.clone();
    changed[0] = draft(0, "a changed text about windmills");
    store.upsert_articles(ids[0], &changed, Utc::now()).unwrap();
    assert_eq!(store.list_articles(&search("windmills")).unwrap().len(), 1);
    assert_eq!(store.list_articles(&search("lighthouse")).unwrap().len(), 4);
    assert_eq!(store.index_pending(10).unwrap(), 0);
}
