//! Article windows: sort orders, filters and views with their counts, bounded and fast windows on
//! a large store, and the views and score orders across rows without a value.

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use tempfile::TempDir;
use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SortOrder};
use tidings::store::Store;

use crate::{draft, popular, query, spec, t, temp_store, titles, two_sources};

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
