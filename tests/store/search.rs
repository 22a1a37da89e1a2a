//! Search: English and Chinese words, the substring fallback, re-indexing of edited text, and
//! the unread filter and hidden sources in searches.

use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SortOrder};
use tidings::store::Store;

use crate::{draft, query, spec, t, temp_store, titles, two_sources};

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
