//! Sources: names, categories, sources that leave the config and come back, and a config synced
//! again without a write when nothing changed.

use tempfile::TempDir;
use tidings::model::ArticleView;
use tidings::store::{Store, Validators};

use crate::{draft, query, source_names, spec, t, temp_store, titles, two_sources};

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
