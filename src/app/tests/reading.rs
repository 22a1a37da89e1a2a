//! Reading articles: opening and rendering one, re-rendering on resize, read/star toggles and
//! mark-all-read, and opening or copying links.

use super::*;

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
