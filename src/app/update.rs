//! `update`: applies one input to the state and returns the effects to run. No I/O.

use crate::model::{ArticleId, ArticleView, SourceId};
use crate::ui::layout;

use super::articles::Direction;
use super::categories::RowKind;
use super::effect::{Effect, RefreshScope};
use super::status::RefreshProgress;
use super::{Action, Input, Pane, State, input, receive, text};

/// Wheel and `ScrollUp`/`ScrollDown` steps.
pub(super) const SCROLL_STEP: isize = 3;

/// The effects that fill a fresh state: sources and the first window of the selected view.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects: Vec<Effect> = request_sources(state).into_iter().collect();
    effects.push(state.articles.switch(state.categories.selected_view()));
    effects
}

/// Apply one input; return what the runtime should do. Inputs after `Quit` are ignored.
pub fn update(state: &mut State, input: Input) -> Vec<Effect> {
    if state.quitting {
        return Vec::new();
    }
    match input {
        Input::Key(key) => input::key(state, key),
        Input::Mouse(mouse) => input::mouse(state, mouse),
        Input::Resize { width, height } => input::resize(state, width, height),
        Input::Paste(text) => input::paste(state, &text),
        Input::Action(action) => act(state, action),
        Input::Msg(msg) => receive::receive(state, *msg),
    }
}

pub(super) fn list_page(state: &State) -> usize {
    layout::list_rows(state.area, Pane::Articles)
}

pub(super) fn categories_page(state: &State) -> usize {
    layout::list_rows(state.area, Pane::Categories)
}

pub(super) fn reader_page(state: &State) -> usize {
    layout::reader_body_rows(state.area)
}

/// Ask for sources and counts, unless a request is running (then once more after it).
pub(super) fn request_sources(state: &mut State) -> Option<Effect> {
    let categories = &mut state.categories;
    if categories.in_flight {
        categories.reload_wanted = true;
        return None;
    }
    categories.in_flight = true;
    Some(Effect::LoadSources)
}

pub(super) fn act(state: &mut State, action: Action) -> Vec<Effect> {
    if state.help.visible {
        return help_action(state, action);
    }
    match action {
        Action::SelectNext => move_by(state, 1),
        Action::SelectPrev => move_by(state, -1),
        Action::PageDown => page(state, 1),
        Action::PageUp => page(state, -1),
        Action::ScrollDown => scroll(state, state.focus, SCROLL_STEP),
        Action::ScrollUp => scroll(state, state.focus, -SCROLL_STEP),
        Action::Top => jump(state, false),
        Action::Bottom => jump(state, true),
        Action::FocusNext => focus(state, state.focus.next()),
        Action::FocusPrev => focus(state, state.focus.prev()),
        Action::Open => open(state),
        Action::Back => back(state),
        Action::NextUnread => next_unread(state, Direction::Forward),
        Action::PrevUnread => next_unread(state, Direction::Backward),
        Action::ToggleRead => toggle_read(state),
        Action::MarkAllRead => {
            for row in &mut state.articles.rows {
                row.read = true;
            }
            vec![Effect::MarkAllRead {
                query: state.articles.whole_query(),
            }]
        }
        Action::ToggleStar => toggle_star(state),
        Action::OpenInBrowser => {
            let link = current_link(state);
            open_url(state, link)
        }
        Action::OpenLink(n) => {
            let link = state
                .reader
                .body
                .as_ref()
                .and_then(|body| body.links.get(usize::from(n).wrapping_sub(1)))
                .cloned();
            match link {
                Some(link) => open_url(state, Some(link)),
                None => {
                    state.status.error(text::no_link_number(n));
                    Vec::new()
                }
            }
        }
        Action::CopyLink => match current_link(state) {
            Some(link) => {
                state.status.info(text::COPIED);
                vec![Effect::CopyToClipboard(link)]
            }
            None => {
                state.status.error(text::NO_LINK);
                Vec::new()
            }
        },
        Action::Refresh => {
            let scope = match state.categories.selected_sources() {
                Some(ids) => RefreshScope::Sources(ids),
                None => RefreshScope::All,
            };
            refresh(state, scope)
        }
        Action::RefreshAll => refresh(state, RefreshScope::All),
        Action::Search => {
            state.search.prompt = Some(tui_input::Input::default());
            Vec::new()
        }
        Action::ToggleUnreadOnly => {
            state.articles.unread_only = !state.articles.unread_only;
            state
                .status
                .info(text::unread_only(state.articles.unread_only));
            reload_from_top(state)
        }
        Action::CycleSort => {
            state.articles.sort = state.articles.sort.next();
            state.status.info(text::sort_changed(state.articles.sort));
            reload_from_top(state)
        }
        Action::ToggleCollapse => {
            state.categories.toggle_collapse();
            let page = categories_page(state);
            state.categories.scroll_to_cursor(page);
            follow_category(state)
        }
        Action::Help => {
            state.help.visible = true;
            state.help.scroll = 0;
            Vec::new()
        }
        Action::Suspend => vec![Effect::Suspend],
        Action::Quit => {
            state.quitting = true;
            vec![Effect::Quit]
        }
    }
}

fn help_action(state: &mut State, action: Action) -> Vec<Effect> {
    let help = &mut state.help;
    match action {
        Action::Help | Action::Back => help.visible = false,
        Action::SelectNext | Action::ScrollDown => help.scroll += 1,
        Action::SelectPrev | Action::ScrollUp => help.scroll = help.scroll.saturating_sub(1),
        Action::PageDown => help.scroll += 10,
        Action::PageUp => help.scroll = help.scroll.saturating_sub(10),
        Action::Top => help.scroll = 0,
        Action::Quit | Action::Suspend => {
            help.visible = false;
            return act(state, action);
        }
        _ => {}
    }
    // The overlay clamps further to what fits; this keeps `k` responsive after many `j`s.
    help.scroll = help.scroll.min(super::ACTIONS.len());
    Vec::new()
}

fn focus(state: &mut State, pane: Pane) -> Vec<Effect> {
    state.focus = pane;
    Vec::new()
}

/// Move the selection of the focused pane (or scroll the reader) by `delta` rows.
fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    match state.focus {
        Pane::Categories => {
            let target = state.categories.cursor.saturating_add_signed(delta);
            select_category(state, target)
        }
        Pane::Articles => select_article(state, state.articles.cursor.saturating_add_signed(delta)),
        Pane::Reader => {
            state.reader.scroll_by(delta);
            Vec::new()
        }
    }
}

fn page(state: &mut State, direction: isize) -> Vec<Effect> {
    let rows = match state.focus {
        Pane::Categories => categories_page(state),
        Pane::Articles => list_page(state),
        Pane::Reader => reader_page(state),
    };
    let delta = direction * isize::try_from(rows.max(1)).unwrap_or(1);
    move_by(state, delta)
}

pub(super) fn scroll(state: &mut State, pane: Pane, delta: isize) -> Vec<Effect> {
    let focus = state.focus;
    state.focus = pane;
    let effects = move_by(state, delta);
    state.focus = focus;
    effects
}

fn jump(state: &mut State, bottom: bool) -> Vec<Effect> {
    match state.focus {
        Pane::Categories => {
            let target = if bottom { usize::MAX } else { 0 };
            select_category(state, target)
        }
        Pane::Articles => select_article(state, if bottom { usize::MAX } else { 0 }),
        Pane::Reader => {
            if bottom {
                let page = reader_page(state);
                state.reader.scroll_to_end(page);
            } else {
                state.reader.scroll = 0;
            }
            Vec::new()
        }
    }
}

/// Select a categories row and show its articles.
pub(super) fn select_category(state: &mut State, index: usize) -> Vec<Effect> {
    let categories = &mut state.categories;
    categories.cursor = index.min(categories.rows.len().saturating_sub(1));
    let page = categories_page(state);
    state.categories.scroll_to_cursor(page);
    follow_category(state)
}

/// Show the selected categories row's view in the article list, if it is not shown already.
fn follow_category(state: &mut State) -> Vec<Effect> {
    let view = state.categories.selected_view();
    if view == state.articles.view && state.articles.generation > 0 {
        return Vec::new();
    }
    vec![state.articles.switch(view)]
}

pub(super) fn select_article(state: &mut State, index: usize) -> Vec<Effect> {
    let page = list_page(state);
    state.articles.seeking = None;
    state.articles.move_to(index, page);
    state.articles.ensure_window().into_iter().collect()
}

fn open(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Pane::Categories => {
            state.categories.expand_selected();
            state.focus = Pane::Articles;
            Vec::new()
        }
        Pane::Articles => open_selected(state),
        Pane::Reader => Vec::new(),
    }
}

/// Open the selected article in the reader: record the open (marks it read) and render it.
fn open_selected(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.articles.selected().cloned() else {
        return Vec::new();
    };
    if !row.read {
        if let Some(listed) = state.articles.row_mut_by_id(row.id) {
            listed.read = true;
        }
        state.categories.adjust_unread(row.source_id, -1);
    }
    state.focus = Pane::Reader;
    let width = layout::reader_body_width(state.area);
    state.reader.open(&row, width)
}

fn back(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Pane::Reader => state.focus = Pane::Articles,
        Pane::Articles if matches!(state.articles.view, ArticleView::Search(_)) => {
            return leave_search(state);
        }
        Pane::Articles => state.focus = Pane::Categories,
        Pane::Categories if state.search.query.is_some() => return leave_search(state),
        Pane::Categories => {}
    }
    Vec::new()
}

pub(super) fn submit_search(state: &mut State, query: &str) -> Vec<Effect> {
    let query = query.trim().to_string();
    if query.is_empty() {
        return Vec::new();
    }
    if state.search.query.is_none() {
        state.search.return_to = Some(state.articles.view.clone());
    }
    state.search.query = Some(query.clone());
    let view = ArticleView::Search(query.clone());
    state.categories.search = Some(query);
    state.categories.search_total = 0;
    state.categories.rebuild();
    state.categories.select_view(&view);
    let page = categories_page(state);
    state.categories.scroll_to_cursor(page);
    state.focus = Pane::Articles;
    vec![state.articles.switch(view)]
}

fn leave_search(state: &mut State) -> Vec<Effect> {
    state.search.query = None;
    let view = state.search.return_to.take().unwrap_or_default();
    state.categories.search = None;
    state.categories.rebuild();
    if !state.categories.select_view(&view) {
        state.categories.cursor = 0;
    }
    let page = categories_page(state);
    state.categories.scroll_to_cursor(page);
    vec![state.articles.switch(state.categories.selected_view())]
}

fn next_unread(state: &mut State, direction: Direction) -> Vec<Effect> {
    if state.focus == Pane::Categories {
        let cursor = state.categories.cursor;
        let rows = state.categories.rows.iter().enumerate();
        let has_unread = |row: &&super::CategoryRow| row.count > 0 && row.kind != RowKind::Virtual;
        let found = match direction {
            Direction::Forward => rows.skip(cursor + 1).find(|(_, row)| has_unread(row)),
            Direction::Backward => rows.take(cursor).rev().find(|(_, row)| has_unread(row)),
        };
        return match found.map(|(index, _)| index) {
            Some(index) => select_category(state, index),
            None => {
                state.status.info(text::NO_MORE_UNREAD);
                Vec::new()
            }
        };
    }
    let from = match direction {
        Direction::Forward => state.articles.cursor + 1,
        Direction::Backward => match state.articles.cursor.checked_sub(1) {
            Some(from) => from,
            None => {
                state.status.info(text::NO_MORE_UNREAD);
                return Vec::new();
            }
        },
    };
    seek_unread(state, direction, from)
}

/// Find the next unread article from `from` on; continue in the next window if need be.
pub(super) fn seek_unread(state: &mut State, direction: Direction, from: usize) -> Vec<Effect> {
    let page = list_page(state);
    let articles = &mut state.articles;
    if let Some(index) = articles.find_unread(direction, from) {
        articles.seeking = None;
        articles.move_to(index, page);
        let mut effects: Vec<Effect> = articles.ensure_window().into_iter().collect();
        if state.focus == Pane::Reader {
            effects.extend(open_selected(state));
        }
        return effects;
    }
    let end = articles.offset + articles.rows.len();
    let beyond = match direction {
        Direction::Forward if end < articles.total => Some(end),
        Direction::Backward if articles.offset > 0 => Some(articles.offset - 1),
        _ => None,
    };
    match beyond {
        Some(index) => {
            articles.move_to(index, page);
            articles.seeking = Some(direction);
            articles.ensure_window().into_iter().collect()
        }
        None => {
            articles.seeking = None;
            state.status.info(text::NO_MORE_UNREAD);
            Vec::new()
        }
    }
}

/// The article an action on "this article" means: the open one in the reader, else the selected.
fn target(state: &State) -> Option<(ArticleId, SourceId, bool, bool)> {
    if state.focus == Pane::Reader {
        if let Some(article) = &state.reader.article {
            return Some((article.id, article.source_id, article.read, article.starred));
        }
        if let Some(row) = &state.reader.row {
            let listed = state
                .articles
                .rows
                .iter()
                .find(|r| r.id == row.id)
                .unwrap_or(row);
            return Some((listed.id, listed.source_id, listed.read, listed.starred));
        }
    }
    let row = state.articles.selected()?;
    Some((row.id, row.source_id, row.read, row.starred))
}

fn toggle_read(state: &mut State) -> Vec<Effect> {
    let Some((id, source, read, _)) = target(state) else {
        state.status.error(text::NO_ARTICLE);
        return Vec::new();
    };
    let read = !read;
    if let Some(row) = state.articles.row_mut_by_id(id) {
        row.read = read;
    }
    if let Some(article) = state.reader.article.as_mut().filter(|a| a.id == id) {
        article.read = read;
    }
    if let Some(row) = state.reader.row.as_mut().filter(|r| r.id == id) {
        row.read = read;
    }
    state
        .categories
        .adjust_unread(source, if read { -1 } else { 1 });
    vec![Effect::SetRead { id, read }]
}

fn toggle_star(state: &mut State) -> Vec<Effect> {
    let Some((id, _, _, starred)) = target(state) else {
        state.status.error(text::NO_ARTICLE);
        return Vec::new();
    };
    let starred = !starred;
    if let Some(row) = state.articles.row_mut_by_id(id) {
        row.starred = starred;
    }
    if let Some(article) = state.reader.article.as_mut().filter(|a| a.id == id) {
        article.starred = starred;
    }
    if let Some(row) = state.reader.row.as_mut().filter(|r| r.id == id) {
        row.starred = starred;
    }
    state
        .categories
        .adjust_starred(if starred { 1 } else { -1 });
    vec![Effect::SetStarred { id, starred }]
}

fn current_link(state: &State) -> Option<String> {
    if state.focus == Pane::Reader {
        return state.reader.link().map(str::to_string);
    }
    state.articles.selected().and_then(|row| row.link.clone())
}

fn open_url(state: &mut State, link: Option<String>) -> Vec<Effect> {
    match link {
        None => {
            state.status.error(text::NO_LINK);
            Vec::new()
        }
        Some(link) if !is_web_link(&link) => {
            state.status.error(text::NOT_WEB_LINK);
            Vec::new()
        }
        Some(link) => vec![Effect::OpenUrl(link)],
    }
}

/// Only http and https URLs are handed to a browser.
pub fn is_web_link(link: &str) -> bool {
    let lower = link.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn refresh(state: &mut State, scope: RefreshScope) -> Vec<Effect> {
    if state.status.refreshing() {
        state.status.info(text::REFRESH_BUSY);
        return Vec::new();
    }
    if matches!(&scope, RefreshScope::Sources(ids) if ids.is_empty()) {
        state.status.info(text::NO_SOURCES);
        return Vec::new();
    }
    state.status.refresh = Some(RefreshProgress::default());
    state.status.summary = None;
    vec![Effect::FetchSources { scope }]
}

fn reload_from_top(state: &mut State) -> Vec<Effect> {
    let keep = state.articles.selected().map(|row| row.id);
    let effect = state.articles.switch(state.articles.view.clone());
    state.articles.keep = keep;
    vec![effect]
}
