//! The `?` overlay: every binding of the live keymap with its description.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use crate::app::Action;

use super::View;
use super::common::{fit, pane_block, width_of};

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let entries = view.state.keymap.help_entries();
    let key_width = entries
        .iter()
        .map(|(keys, _)| width_of(keys))
        .max()
        .unwrap_or(1)
        .min(18);
    let desc_width = entries
        .iter()
        .map(|(_, desc)| width_of(desc))
        .max()
        .unwrap_or(1);
    let column = key_width + 2 + desc_width;
    let max_width = usize::from(area.width.saturating_sub(4));
    let columns = if column * 2 + 3 <= max_width { 2 } else { 1 };
    let inner_width = (column * columns + 3 * (columns - 1)).min(max_width);
    let rows_needed = entries.len().div_ceil(columns);
    let max_height = usize::from(area.height.saturating_sub(2));
    let height = (rows_needed + 2).min(max_height).max(3);
    let width = inner_width + 4;
    let popup = Rect::new(
        area.x + (area.width.saturating_sub(width as u16)) / 2,
        area.y + (area.height.saturating_sub(height as u16)) / 2,
        (width as u16).min(area.width),
        (height as u16).min(area.height),
    );
    Clear.render(popup, buf);
    let visible = usize::from(popup.height.saturating_sub(2));
    let scroll = view
        .state
        .help
        .scroll
        .min(rows_needed.saturating_sub(visible));
    let mut footer = Vec::new();
    let keymap = &view.state.keymap;
    if rows_needed > visible {
        let keys = [Action::SelectNext, Action::SelectPrev]
            .into_iter()
            .filter_map(|action| keymap.key_label(action))
            .collect::<Vec<_>>()
            .join("/");
        let position = format!(
            " {}–{} of {} ",
            scroll + 1,
            (scroll + visible).min(rows_needed),
            rows_needed
        );
        footer.push(Span::styled(position, view.theme.dim));
        footer.push(Span::styled(keys, view.theme.hint_key));
        footer.push(Span::styled(" scroll ", view.theme.dim));
    }
    if let Some(key) = keymap.key_label(Action::Back) {
        footer.push(Span::styled(format!(" {key}"), view.theme.hint_key));
        footer.push(Span::styled(" close ", view.theme.dim));
    }
    let block = pane_block(view, " Keys ", true).title_bottom(Line::from(footer));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let cell = |index: usize| -> Vec<Span<'static>> {
        let Some((keys, desc)) = entries.get(index) else {
            return Vec::new();
        };
        let keys = fit(keys, key_width);
        let pad = key_width.saturating_sub(width_of(&keys));
        vec![
            Span::styled(keys, view.theme.hint_key),
            Span::raw(" ".repeat(pad + 2)),
            Span::raw(format!("{desc:<desc_width$}")),
        ]
    };
    let lines: Vec<Line> = (scroll..rows_needed)
        .take(visible)
        .map(|row| {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(cell(row));
            if columns == 2 {
                spans.push(Span::raw("   "));
                spans.extend(cell(row + rows_needed));
            }
            Line::from(spans)
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
