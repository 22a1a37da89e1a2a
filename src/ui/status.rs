//! The status line: search prompt, or a message / refresh progress / source error / summary, with
//! key hints from the live keymap on the right.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::{Action, text};

use super::View;
use super::common::{fit, width_of};

/// The actions hinted on the right of the status line, in order of importance.
const HINTS: &[Action] = &[
    Action::Help,
    Action::Refresh,
    Action::RefreshAll,
    Action::Search,
    Action::Quit,
];

/// Draw the status line; returns where the terminal cursor goes when the prompt is open.
pub fn render(view: &View, area: Rect, buf: &mut Buffer) -> Option<Position> {
    if area.height == 0 {
        return None;
    }
    let state = view.state;
    if let Some(input) = &state.search.prompt {
        let prompt_width = width_of(text::SEARCH_PROMPT) as u16;
        let field = usize::from(area.width.saturating_sub(prompt_width + 1));
        let scroll = input.visual_scroll(field);
        let shown: String = input.value().chars().skip(scroll).collect();
        let line = Line::from(vec![
            Span::styled(text::SEARCH_PROMPT, view.theme.prompt),
            Span::raw(shown),
        ]);
        Paragraph::new(line).render(area, buf);
        let x = prompt_width as usize + input.visual_cursor().saturating_sub(scroll);
        let x = area.x + (x as u16).min(area.width.saturating_sub(1));
        return Some(Position::new(x, area.y));
    }
    let (message, style) = left_text(view);
    let hints = hints(
        view,
        usize::from(area.width).saturating_sub(width_of(&message) + 3),
    );
    let hints_width = hints.width() as u16;
    let left_width = area
        .width
        .saturating_sub(hints_width + u16::from(hints_width > 0));
    let left = Line::from(vec![
        Span::raw(" "),
        Span::styled(
            fit(&message, usize::from(left_width.saturating_sub(1))),
            style,
        ),
    ]);
    Paragraph::new(left)
        .style(view.theme.status)
        .render(Rect::new(area.x, area.y, left_width, 1), buf);
    if hints_width > 0 {
        let x = area.x + area.width - hints_width;
        Paragraph::new(hints).render(Rect::new(x, area.y, hints_width, 1), buf);
    }
    None
}

/// Turns once a second while a refresh runs (the loop redraws at least 30 times a second then).
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// What the left side says, most urgent first.
fn left_text(view: &View) -> (String, Style) {
    let state = view.state;
    let theme = view.theme;
    let status = &state.status;
    if let Some(message) = &status.message {
        let style = if message.error {
            theme.error
        } else {
            theme.status
        };
        return (message.text.clone(), style);
    }
    if let Some(progress) = &status.refresh {
        let spinner = SPINNER[(view.now.timestamp_millis() / 100).rem_euclid(10) as usize];
        return (
            format!("{spinner} {}", text::refresh_progress(progress)),
            theme.status,
        );
    }
    if let Some((name, error)) = state.selected_source_error() {
        return (
            format!("! {}", text::source_failed(name, error)),
            theme.error,
        );
    }
    if let Some(tally) = &status.summary {
        return (text::refresh_summary(tally), theme.status);
    }
    match &status.idle_hint {
        Some(hint) => (hint.clone(), theme.dim),
        None => (String::new(), theme.status),
    }
}

/// `? help  r refresh  R all  / search  q quit`, as many as fit in `room` columns.
fn hints(view: &View, room: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for action in HINTS {
        let Some(key) = view.state.keymap.key_label(*action) else {
            continue;
        };
        let label = action.hint();
        let width = width_of(&key) + 1 + width_of(label) + 2;
        if used + width > room {
            break;
        }
        used += width;
        spans.push(Span::styled(key, view.theme.hint_key));
        spans.push(Span::styled(format!(" {label}  "), view.theme.dim));
    }
    Line::from(spans)
}
