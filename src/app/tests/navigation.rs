//! Moving around: categories and the article list (with its windowed loading), unread jumps,
//! panes in the narrow layout, the help overlay and the mouse.

use super::*;

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
