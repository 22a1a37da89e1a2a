//! What changes the list's query: the search prompt and its results view, the sort order and the
//! unread-only filter.

use super::*;

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
