//! Tests of `update`: a state and a sequence of inputs → the exact effects and the new state.

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{
    Article, ArticleId, ArticleQuery, ArticleRow, ArticleView, Counts, SortOrder, SourceId,
    SourceKind, SourceRow,
};

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

#[test]
fn categories_list_virtual_views_then_categories() {
    let state = loaded(3);
    let labels: Vec<&str> = state
        .categories
        .rows
        .iter()
        .map(|row| row.label.as_str())
        .collect();
    assert_eq!(labels, ["All", "Unread", "Starred", "News", "Tech"]);
    assert_eq!(state.categories.rows[0].count, 10);
    assert_eq!(state.categories.rows[3].count, 3);
}

#[test]
fn moving_in_categories_switches_the_list_with_a_new_generation() {
    let mut state = loaded(3);
    let effects = press(&mut state, KeyCode::Char('j'));
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 2,
            query: query(ArticleView::Unread, 0),
        }]
    );
    assert_eq!(state.articles.view, ArticleView::Unread);
    // The answer to the first request arrives late: dropped.
    let stale = update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 1,
            query: query(ArticleView::All, 0),
            rows: rows(0..3),
            total: 3,
        }
        .into(),
    );
    assert_eq!(stale, vec![]);
    assert!(state.articles.rows.is_empty());
    assert!(!state.articles.loaded);
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 2,
            query: query(ArticleView::Unread, 0),
            rows: rows(10..12),
            total: 2,
        }
        .into(),
    );
    assert_eq!(state.articles.rows.len(), 2);
    assert_eq!(state.articles.total, 2);
}

#[test]
fn enter_on_a_category_expands_it_and_focuses_the_list() {
    let mut state = loaded(3);
    for _ in 0..3 {
        act(&mut state, Action::SelectNext);
    }
    assert_eq!(
        state.categories.selected_view(),
        ArticleView::Category("News".into())
    );
    assert_eq!(act(&mut state, Action::Open), vec![]);
    assert_eq!(state.focus, Pane::Articles);
    let labels: Vec<&str> = state
        .categories
        .rows
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["All", "Unread", "Starred", "News", "Campus", "Tech"]
    );
    // Collapse again from the source row: the cursor goes to the category.
    state.focus = Pane::Categories;
    act(&mut state, Action::SelectNext);
    act(&mut state, Action::ToggleCollapse);
    assert_eq!(state.categories.rows.len(), 5);
    assert_eq!(
        state.categories.selected_view(),
        ArticleView::Category("News".into())
    );
}

#[test]
fn open_records_the_open_and_renders_at_the_reader_width() {
    let mut state = loaded(3);
    act(&mut state, Action::FocusNext);
    act(&mut state, Action::SelectNext);
    let effects = act(&mut state, Action::Open);
    let width = crate::ui::layout::reader_body_width(state.area);
    assert_eq!(
        effects,
        vec![
            Effect::RecordOpen { id: ArticleId(1) },
            Effect::RenderBody {
                generation: 1,
                id: ArticleId(1),
                width,
            },
        ]
    );
    assert_eq!(state.focus, Pane::Reader);
    assert!(state.articles.rows[1].read);
    assert_eq!(state.categories.totals.unread, 4);
    assert_eq!(state.categories.rows[1].count, 4);

    update(
        &mut state,
        Msg::ArticleLoaded {
            article: Box::new(article(1)),
        }
        .into(),
    );
    assert_eq!(state.reader.article.as_ref().map(|a| a.opened), Some(2));
    assert_eq!(state.articles.rows[1].views, Some(1532));

    // A body for an older render request is dropped; the current one is taken.
    let body = ReaderBody {
        lines: vec!["Body".into()],
        links: vec!["https://example.org/link".into()],
    };
    update(
        &mut state,
        Msg::BodyRendered {
            generation: 0,
            id: ArticleId(1),
            width,
            body: body.clone(),
        }
        .into(),
    );
    assert!(state.reader.body.is_none());
    update(
        &mut state,
        Msg::BodyRendered {
            generation: 1,
            id: ArticleId(1),
            width,
            body,
        }
        .into(),
    );
    assert_eq!(state.reader.body_len(), 1);
    assert_eq!(
        act(&mut state, Action::OpenLink(1)),
        vec![Effect::OpenUrl("https://example.org/link".into())]
    );
    assert_eq!(act(&mut state, Action::OpenLink(2)), vec![]);
    assert!(state.status.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn resize_rerenders_the_open_article_and_keeps_the_selection() {
    let mut state = loaded(3);
    act(&mut state, Action::FocusNext);
    act(&mut state, Action::Bottom);
    act(&mut state, Action::Open);
    let effects = update(
        &mut state,
        Input::Resize {
            width: 80,
            height: 24,
        },
    );
    let width = crate::ui::layout::reader_body_width(state.area);
    assert_eq!(width, 76);
    assert_eq!(
        effects,
        vec![Effect::RenderBody {
            generation: 2,
            id: ArticleId(2),
            width,
        }]
    );
    assert_eq!(state.articles.cursor, 2);
    // Same size again: nothing to do.
    assert_eq!(
        update(
            &mut state,
            Input::Resize {
                width: 80,
                height: 24
            }
        ),
        vec![]
    );
}

#[test]
fn moving_past_the_window_loads_the_next_window_without_waiting() {
    let mut state = loaded(1000);
    state.focus = Pane::Articles;
    // Far from the edge: no load.
    act(&mut state, Action::SelectNext);
    assert_eq!(state.articles.cursor, 1);
    // Jump to the bottom: the cursor moves at once and the window around it is requested.
    let effects = act(&mut state, Action::Bottom);
    assert_eq!(state.articles.cursor, 999);
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 2,
            query: query(ArticleView::All, 999 - WINDOW / 2),
        }]
    );
    assert!(state.articles.selected().is_none());
    // Moving within the requested window does not ask again.
    assert_eq!(act(&mut state, Action::SelectPrev), vec![]);
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 2,
            query: query(ArticleView::All, 899),
            rows: rows(899..1000),
            total: 1000,
        }
        .into(),
    );
    assert_eq!(
        state.articles.selected().map(|r| r.id),
        Some(ArticleId(998))
    );
}

#[test]
fn paging_near_the_end_of_the_window_prefetches() {
    let mut state = loaded(1000);
    state.focus = Pane::Articles;
    let page = crate::ui::layout::list_rows(state.area, Pane::Articles);
    let mut effects = Vec::new();
    while effects.is_empty() {
        effects = act(&mut state, Action::PageDown);
    }
    assert!(state.articles.cursor + MARGIN >= WINDOW);
    assert!(
        state.articles.cursor < WINDOW,
        "prefetch happens before the edge"
    );
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 2,
            query: query(ArticleView::All, state.articles.cursor - WINDOW / 2),
        }]
    );
    assert_eq!(state.articles.cursor % page, 0);
}

#[test]
fn refresh_with_partial_failures_updates_status_and_marks_the_source() {
    let mut state = loaded(3);
    assert_eq!(
        act(&mut state, Action::RefreshAll),
        vec![Effect::FetchSources {
            scope: RefreshScope::All
        }]
    );
    assert!(state.status.refreshing());
    // A second refresh while one runs is refused.
    assert_eq!(act(&mut state, Action::Refresh), vec![]);
    assert_eq!(
        state.status.message.as_ref().map(|m| m.text.as_str()),
        Some(text::REFRESH_BUSY)
    );

    update(&mut state, Msg::RefreshStarted { total: 2 }.into());
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(2),
            name: "Tech blog".into(),
            outcome: Err("timed out".into()),
        }
        .into(),
    );
    assert_eq!(effects, vec![]);
    let progress = state.status.refresh.clone().unwrap();
    assert_eq!((progress.total, progress.done, progress.failed), (2, 1, 1));
    assert_eq!(
        text::refresh_progress(&progress),
        "Refreshing 1/2 · 1 failed (Tech blog: timed out)"
    );
    assert!(
        state
            .categories
            .rows
            .iter()
            .any(|r| r.label == "Tech" && r.failed)
    );

    // The other source brings new articles: the list and the counts reload.
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 4, updated: 0 }),
        }
        .into(),
    );
    assert_eq!(
        effects,
        vec![
            Effect::LoadArticles {
                generation: 2,
                query: query(ArticleView::All, 0),
            },
            Effect::LoadSources,
        ]
    );

    let tally = RefreshTally {
        total: 2,
        ok: 1,
        failed: 1,
        new_articles: 4,
    };
    let effects = update(&mut state, Msg::RefreshFinished { tally }.into());
    // Both loads are still running: they are asked again once they answer, not now.
    assert_eq!(effects, vec![]);
    assert!(state.articles.reload_wanted && state.categories.reload_wanted);
    assert!(!state.status.refreshing());
    assert_eq!(
        text::refresh_summary(&state.status.summary.unwrap()),
        "Refreshed 2 sources · 4 new · 1 failed"
    );
    let effects = update(&mut state, sources_loaded().into());
    assert_eq!(effects, vec![Effect::LoadSources]);
}

#[test]
fn a_refreshed_list_keeps_the_selected_article() {
    let mut state = loaded(3);
    state.focus = Pane::Articles;
    act(&mut state, Action::SelectNext);
    act(&mut state, Action::RefreshAll);
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 2, updated: 0 }),
        }
        .into(),
    );
    assert!(effects.contains(&Effect::LoadArticles {
        generation: 2,
        query: query(ArticleView::All, 0),
    }));
    // Two new articles arrive on top; the selected article (1) is now third.
    let mut fresh = rows(100..102);
    fresh.extend(rows(0..3));
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 2,
            query: query(ArticleView::All, 0),
            rows: fresh,
            total: 5,
        }
        .into(),
    );
    assert_eq!(state.articles.cursor, 3);
    assert_eq!(state.articles.selected().map(|r| r.id), Some(ArticleId(1)));
}

#[test]
fn a_flood_of_finished_sources_reloads_a_few_times_a_second_not_once_each() {
    let mut state = loaded(3);
    act(&mut state, Action::RefreshAll);
    update(&mut state, Msg::RefreshStarted { total: 1_000 }.into());
    let finished = |n: i64| {
        Msg::SourceRefreshed {
            source: SourceId(1 + n % 2),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 1, updated: 0 }),
        }
        .into()
    };
    // The first change shows at once.
    let first = update(&mut state, finished(0));
    assert!(first.contains(&Effect::LoadSources), "{first:?}");
    assert!(
        first
            .iter()
            .any(|e| matches!(e, Effect::LoadArticles { .. }))
    );
    // The next 499 wait for the tick.
    for n in 1..500 {
        assert_eq!(update(&mut state, finished(n)), vec![]);
    }
    assert_eq!(state.status.refresh.as_ref().map(|p| p.done), Some(500));
    // The tick asks again (the first answers are still out, so the reloads are queued behind
    // them), and a tick with nothing new does nothing.
    assert_eq!(update(&mut state, Msg::RefreshTick.into()), vec![]);
    assert!(state.categories.reload_wanted && state.articles.reload_wanted);
    assert_eq!(update(&mut state, Msg::RefreshTick.into()), vec![]);
    let progress = state.status.refresh.as_ref().unwrap();
    assert!(!progress.stale_articles && !progress.stale_sources);
}

#[test]
fn quit_during_a_refresh_quits_and_ignores_what_follows() {
    let mut state = loaded(3);
    act(&mut state, Action::RefreshAll);
    update(&mut state, Msg::RefreshStarted { total: 40 }.into());
    assert_eq!(press(&mut state, KeyCode::Char('q')), vec![Effect::Quit]);
    assert!(state.quitting);
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 1, updated: 0 }),
        }
        .into(),
    );
    assert_eq!(effects, vec![]);
    assert_eq!(state.status.refresh.as_ref().map(|p| p.done), Some(0));
}

#[test]
fn refresh_of_the_selected_category_names_its_sources() {
    let mut state = loaded(3);
    for _ in 0..4 {
        act(&mut state, Action::SelectNext);
    }
    assert_eq!(
        state.categories.selected_view(),
        ArticleView::Category("Tech".into())
    );
    assert_eq!(
        act(&mut state, Action::Refresh),
        vec![Effect::FetchSources {
            scope: RefreshScope::Sources(vec![SourceId(2)])
        }]
    );
}

#[test]
fn toggles_persist_at_once_and_adjust_counts() {
    let mut state = loaded(3);
    state.focus = Pane::Articles;
    assert_eq!(
        act(&mut state, Action::ToggleRead),
        vec![Effect::SetRead {
            id: ArticleId(0),
            read: true
        }]
    );
    assert_eq!(state.categories.totals.unread, 4);
    assert_eq!(
        act(&mut state, Action::ToggleStar),
        vec![Effect::SetStarred {
            id: ArticleId(0),
            starred: true
        }]
    );
    assert_eq!(state.categories.totals.starred, 2);
    let effects = act(&mut state, Action::MarkAllRead);
    assert_eq!(
        effects,
        vec![Effect::MarkAllRead {
            query: ArticleQuery {
                limit: 0,
                ..query(ArticleView::All, 0)
            }
        }]
    );
    assert!(state.articles.rows.iter().all(|r| r.read));
    let effects = update(&mut state, Msg::MarkedAllRead { count: 2 }.into());
    assert_eq!(
        effects,
        vec![
            Effect::LoadArticles {
                generation: 2,
                query: query(ArticleView::All, 0),
            },
            Effect::LoadSources,
        ]
    );
}

#[test]
fn next_unread_skips_read_rows() {
    let mut state = loaded(5);
    state.focus = Pane::Articles;
    state.articles.rows[1].read = true;
    state.articles.rows[2].read = true;
    act(&mut state, Action::NextUnread);
    assert_eq!(state.articles.cursor, 3);
    act(&mut state, Action::PrevUnread);
    assert_eq!(state.articles.cursor, 0);
    act(&mut state, Action::PrevUnread);
    assert_eq!(state.articles.cursor, 0);
    assert!(state.status.message.is_some());
}

#[test]
fn search_shows_results_as_a_view_and_esc_returns() {
    let mut state = loaded(3);
    act(&mut state, Action::Search);
    assert!(state.search.prompt_open());
    // Keys go to the prompt, not the keymap: `q` does not quit.
    for c in "q新闻".chars() {
        assert_eq!(press(&mut state, KeyCode::Char(c)), vec![]);
    }
    assert!(!state.quitting);
    let effects = press(&mut state, KeyCode::Enter);
    let view = ArticleView::Search("q新闻".into());
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 2,
            query: query(view.clone(), 0),
        }]
    );
    assert_eq!(state.focus, Pane::Articles);
    assert_eq!(state.categories.selected_view(), view);
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 2,
            query: query(view, 0),
            rows: rows(5..7),
            total: 2,
        }
        .into(),
    );
    assert_eq!(state.categories.selected().map(|r| r.count), Some(2));
    let effects = press(&mut state, KeyCode::Esc);
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 3,
            query: query(ArticleView::All, 0),
        }]
    );
    assert!(state.categories.search.is_none());
    assert_eq!(state.categories.rows.len(), 5);
}

#[test]
fn esc_in_the_prompt_cancels_it() {
    let mut state = loaded(3);
    act(&mut state, Action::Search);
    press(&mut state, KeyCode::Char('x'));
    assert_eq!(press(&mut state, KeyCode::Esc), vec![]);
    assert!(!state.search.prompt_open());
    assert_eq!(state.articles.view, ArticleView::All);
}

#[test]
fn sort_and_unread_filter_reload_from_the_top() {
    let mut state = loaded(3);
    let effects = press(&mut state, KeyCode::Char('S'));
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 2,
            query: ArticleQuery {
                sort: SortOrder::Views,
                ..query(ArticleView::All, 0)
            },
        }]
    );
    let effects = press(&mut state, KeyCode::Char('u'));
    assert_eq!(
        effects,
        vec![Effect::LoadArticles {
            generation: 3,
            query: ArticleQuery {
                sort: SortOrder::Views,
                unread_only: true,
                ..query(ArticleView::All, 0)
            },
        }]
    );
}

#[test]
fn links_open_only_when_http() {
    let mut state = loaded(3);
    state.focus = Pane::Articles;
    assert_eq!(
        act(&mut state, Action::OpenInBrowser),
        vec![Effect::OpenUrl("https://example.org/a/0".into())]
    );
    state.articles.rows[0].link = Some("javascript:alert(1)".into());
    assert_eq!(act(&mut state, Action::OpenInBrowser), vec![]);
    assert_eq!(
        act(&mut state, Action::CopyLink),
        vec![Effect::CopyToClipboard("javascript:alert(1)".into())]
    );
}

#[test]
fn help_captures_keys_until_closed() {
    let mut state = loaded(3);
    press(&mut state, KeyCode::Char('?'));
    assert!(state.help.visible);
    assert_eq!(press(&mut state, KeyCode::Char('j')), vec![]);
    assert_eq!(state.help.scroll, 1);
    assert_eq!(state.categories.cursor, 0);
    press(&mut state, KeyCode::Esc);
    assert!(!state.help.visible);
}

#[test]
fn narrow_layout_navigates_like_newsboat() {
    let mut state = loaded(3);
    update(
        &mut state,
        Input::Resize {
            width: 80,
            height: 24,
        },
    );
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.focus, Pane::Articles);
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.focus, Pane::Reader);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.focus, Pane::Categories);
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut state = loaded(30);
    let areas = crate::ui::layout::panes(state.area, state.focus);
    let list = areas.articles.unwrap();
    let click = |row: u16| {
        Input::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: list.x + 3,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut state, click(list.y + 1 + 4));
    assert_eq!(state.focus, Pane::Articles);
    assert_eq!(state.articles.cursor, 4);
    // A second click on the selected row opens it.
    let effects = update(&mut state, click(list.y + 1 + 4));
    assert!(effects.contains(&Effect::RecordOpen { id: ArticleId(4) }));
    let wheel = Input::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: list.x + 3,
        row: list.y + 2,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut state, wheel);
    assert_eq!(state.articles.cursor, 7);
    assert_eq!(
        state.focus,
        Pane::Reader,
        "the wheel does not move the focus"
    );
}
