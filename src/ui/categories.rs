//! The categories pane: All, Unread, Starred, the search results, then categories and sources.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, Widget};

use crate::app::text::thousands;
use crate::app::{CategoryRow, Pane, RowKind};
use crate::model::ArticleView;

use super::View;
use super::common::pane_block;

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let state = &view.state.categories;
    let focused = view.state.focus == Pane::Categories;
    let block = pane_block(view, " Categories ", focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let height = usize::from(inner.height);
    let rows = state
        .rows
        .iter()
        .enumerate()
        .skip(state.scroll)
        .take(height)
        .map(|(index, row)| table_row(view, row, index == state.cursor, focused));
    // Counts are never negative, so the largest is the widest (without formatting every row:
    // an expanded category can list thousands of sources).
    let largest = state.rows.iter().map(|row| row.count).max().unwrap_or(0);
    let count_width = thousands(largest).len().clamp(1, 9) as u16;
    Table::new(rows, [Constraint::Fill(1), Constraint::Length(count_width)])
        .column_spacing(1)
        .render(inner, buf);
}

fn table_row<'a>(view: &View, row: &'a CategoryRow, selected: bool, focused: bool) -> Row<'a> {
    let theme = view.theme;
    let has_unread = row.count > 0 && row.kind != RowKind::Virtual;
    let style = theme.category(has_unread, selected, focused);
    // Sources line up under their category's name; a failed source shows `!` in the margin, a
    // category with a failed source shows it after its name.
    let prefix = match &row.kind {
        RowKind::Category { expanded: true } => Span::raw("▾ "),
        RowKind::Category { expanded: false } => Span::raw("▸ "),
        RowKind::Source if row.failed => Span::styled("! ", theme.error),
        _ => Span::raw("  "),
    };
    let mut label = vec![prefix, Span::raw(row.label.as_str())];
    if row.failed && matches!(row.kind, RowKind::Category { .. }) {
        label.push(Span::raw(" "));
        label.push(Span::styled("!", theme.error));
    }
    let show_count = match (&row.kind, &row.view) {
        (RowKind::Virtual, ArticleView::Search(_)) => true,
        (RowKind::Virtual, _) => true,
        _ => row.count > 0,
    };
    let count = if show_count {
        thousands(row.count)
    } else {
        String::new()
    };
    let count_style = if selected { style } else { theme.count };
    Row::new([
        Cell::from(Line::from(label)),
        Cell::from(Line::from(count).right_aligned()).style(count_style),
    ])
    .style(style)
}
