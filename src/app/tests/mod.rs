//! Tests of `update`: a state and a sequence of inputs → the exact effects and the new state.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{
    Article, ArticleId, ArticleQuery, ArticleRow, ArticleView, Counts, SortOrder, SourceId,
    SourceKind, SourceRow,
};

mod filters;
mod navigation;
mod reading;
mod refresh;

fn source(id: i64, name: &str, category: &str, unread: i64) -> SourceRow {
    SourceRow {
        id: SourceId(id),
        name: name.to_string(),
        url: format!("https://example.org/{id}"),
        kind: SourceKind::Feed,
        categories: vec![category.to_string()],
        last_refresh: None,
        last_error: None,
        articles: unread * 2,
        unread,
    }
}

fn row(id: i64) -> ArticleRow {
    ArticleRow {
        id: ArticleId(id),
        source_id: SourceId(1),
        source_name: "Campus".to_string(),
        title: format!("Article {id}"),
        link: Some(format!("https://example.org/a/{id}")),
        published: Some(Utc.with_ymd_and_hms(2024, 6, 27, 17, 1, 0).unwrap()),
        views: Some(100 + id),
        score: None,
        comments: None,
        read: false,
        starred: false,
    }
}

fn article(id: i64) -> Article {
    let row = row(id);
    Article {
        id: row.id,
        source_id: row.source_id,
        source_name: row.source_name,
        source_categories: vec!["News".into()],
        guid: None,
        title: row.title,
        link: row.link,
        author: None,
        published: row.published,
        updated: None,
        first_seen: Utc.with_ymd_and_hms(2024, 6, 27, 18, 0, 0).unwrap(),
        categories: Vec::new(),
        summary: None,
        content: Some("<p>Body</p>".into()),
        enclosures: Vec::new(),
        views: Some(1532),
        score: None,
        comments: None,
        views_at_open: Some(1412),
        read: true,
        starred: false,
        opened: 2,
    }
}

fn query(view: ArticleView, offset: usize) -> ArticleQuery {
    ArticleQuery {
        view,
        sort: SortOrder::Date,
        unread_only: false,
        offset,
        limit: WINDOW,
    }
}

fn rows(range: std::ops::Range<i64>) -> Vec<ArticleRow> {
    range.map(row).collect()
}

fn sources_loaded() -> Msg {
    Msg::SourcesLoaded {
        sources: vec![
            source(1, "Campus", "News", 3),
            source(2, "Tech blog", "Tech", 2),
        ],
        counts: Counts {
            articles: 10,
            unread: 5,
            starred: 1,
        },
        categories: vec![
            (
                "News".into(),
                Counts {
                    articles: 6,
                    unread: 3,
                    starred: 0,
                },
            ),
            (
                "Tech".into(),
                Counts {
                    articles: 4,
                    unread: 2,
                    starred: 1,
                },
            ),
        ],
    }
}

/// A started state (120x40) with sources and a first window of `total` articles loaded.
fn loaded(total: usize) -> State {
    let mut state = State::new(crate::config::keymap::Keymap::default(), 120, 40);
    let effects = start(&mut state);
    assert_eq!(
        effects,
        vec![
            Effect::LoadSources,
            Effect::LoadArticles {
                generation: 1,
                query: query(ArticleView::All, 0),
            },
        ]
    );
    update(&mut state, sources_loaded().into());
    let first = rows(0..(total.min(WINDOW) as i64));
    let effects = update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 1,
            query: query(ArticleView::All, 0),
            rows: first,
            total,
        }
        .into(),
    );
    assert_eq!(effects, vec![]);
    state
}

fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Input::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn act(state: &mut State, action: Action) -> Vec<Effect> {
    update(state, action.into())
}
