//! Terminal input for `update`: keys through the keymap (or into the search prompt), mouse
//! clicks and wheel by pane geometry, resizes.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use tui_input::InputRequest;
use tui_input::backend::crossterm::EventHandler;

use crate::ui::layout;

use super::effect::Effect;
use super::update::{self, SCROLL_STEP};
use super::{Action, Pane, State};

pub(super) fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if state.search.prompt_open() {
        return prompt_key(state, key);
    }
    state.status.message = None;
    match state.keymap.action_for(&key) {
        Some(action) => update::act(state, action),
        None => Vec::new(),
    }
}

fn prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let cancel = key.code == KeyCode::Esc
        || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL));
    if cancel {
        state.search.prompt = None;
        return Vec::new();
    }
    if key.code == KeyCode::Enter {
        let query = state
            .search
            .prompt
            .take()
            .map(|input| input.value().to_string())
            .unwrap_or_default();
        return update::submit_search(state, &query);
    }
    if let Some(input) = state.search.prompt.as_mut() {
        input.handle_event(&Event::Key(key));
    }
    Vec::new()
}

pub(super) fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(input) = state.search.prompt.as_mut() {
        for c in text.chars().filter(|c| !c.is_control()) {
            input.handle(InputRequest::InsertChar(c));
        }
    }
    Vec::new()
}

pub(super) fn mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    if state.help.visible {
        let action = match mouse.kind {
            MouseEventKind::ScrollDown => Action::ScrollDown,
            MouseEventKind::ScrollUp => Action::ScrollUp,
            MouseEventKind::Down(_) => Action::Back,
            _ => return Vec::new(),
        };
        return update::act(state, action);
    }
    let areas = layout::panes(state.area, state.focus);
    let Some((pane, rect)) = areas.pane_at(mouse.column, mouse.row) else {
        return Vec::new();
    };
    match mouse.kind {
        MouseEventKind::ScrollDown => update::scroll(state, pane, SCROLL_STEP),
        MouseEventKind::ScrollUp => update::scroll(state, pane, -SCROLL_STEP),
        MouseEventKind::Down(MouseButton::Left) => click(state, pane, rect, mouse.row),
        _ => Vec::new(),
    }
}

/// Focus the pane clicked and select the row under the pointer; a click on the selected
/// article opens it.
fn click(state: &mut State, pane: Pane, rect: Rect, row: u16) -> Vec<Effect> {
    state.focus = pane;
    let inner = layout::inner(rect);
    if row < inner.y || row >= inner.y + inner.height {
        return Vec::new();
    }
    let offset = usize::from(row - inner.y);
    match pane {
        Pane::Categories => {
            let index = state.categories.scroll + offset;
            if index >= state.categories.rows.len() {
                return Vec::new();
            }
            update::select_category(state, index)
        }
        Pane::Articles => {
            let index = state.articles.scroll + offset;
            if index >= state.articles.total {
                return Vec::new();
            }
            if index == state.articles.cursor {
                return update::act(state, Action::Open);
            }
            update::select_article(state, index)
        }
        Pane::Reader => Vec::new(),
    }
}

pub(super) fn resize(state: &mut State, width: u16, height: u16) -> Vec<Effect> {
    state.area = Rect::new(0, 0, width, height);
    let page = update::categories_page(state);
    state.categories.scroll_to_cursor(page);
    let page = update::list_page(state);
    state.articles.scroll_to_cursor(page);
    let width = layout::reader_body_width(state.area);
    state.reader.resize(width).into_iter().collect()
}
