//! Articles: upsert counts and deduplication, user state kept across refreshes, nothing deleted by
//! a shorter feed or an error, opens and views, mark-all-read and retention.

use chrono::Duration;
use tidings::model::{ArticleDraft, ArticleId, ArticleView, SourceId, UpsertCounts};
use tidings::store::{RetentionPolicy, StoreError, Validators};

use crate::{draft, popular, query, t, temp_store, titles, two_sources};

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
