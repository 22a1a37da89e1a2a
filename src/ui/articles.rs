//! The article list: unread marker, title, source, date, views (or score and comments).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::app::{Action, Pane, text};
use crate::model::{ArticleRow, ArticleView};

use super::View;
use super::common::{format_date, pane_block, popularity};

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let state = view.state;
    let articles = &state.articles;
    let focused = state.focus == Pane::Articles;
    let mut sort = format!(" {} ▼ ", articles.sort.as_str());
    if articles.unread_only {
        sort = format!(" unread · {}", sort.trim_start());
    }
    let title = format!(" Articles · {} ", state.list_title());
    let block = pane_block(view, title, focused)
        .title_top(Line::styled(sort, view.theme.title(focused)).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let padded = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    if !articles.loaded && articles.rows.is_empty() {
        Paragraph::new(Line::styled(text::LOADING, view.theme.dim)).render(padded, buf);
        return;
    }
    if articles.total == 0 {
        empty(view, padded, buf);
        return;
    }
    let show_source = !matches!(articles.view, ArticleView::Source(_));
    let source_width = if show_source {
        (inner.width / 5).clamp(6, 16)
    } else {
        0
    };
    let pop_width = articles
        .rows
        .iter()
        .map(|row| super::common::width_of(&popularity(row)))
        .max()
        .unwrap_or(0)
        .min(12) as u16;
    let height = usize::from(inner.height);
    let rows =
        (articles.scroll..articles.total)
            .take(height)
            .map(|index| match articles.row(index) {
                Some(row) => table_row(view, row, index == articles.cursor, focused),
                None => placeholder(view, index == articles.cursor, focused),
            });
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(source_width),
        Constraint::Length(5),
        Constraint::Length(pop_width),
    ];
    Table::new(rows, widths)
        .column_spacing(1)
        .render(inner, buf);
}

fn table_row<'a>(view: &View, row: &'a ArticleRow, selected: bool, focused: bool) -> Row<'a> {
    let theme = view.theme;
    let style = theme.article(!row.read, selected, focused);
    let marker = if row.starred {
        Span::styled("★", theme.starred)
    } else if !row.read {
        Span::styled("●", theme.marker)
    } else {
        Span::raw(" ")
    };
    Row::new([
        Cell::from(marker),
        Cell::from(row.title.as_str()),
        Cell::from(row.source_name.as_str()),
        Cell::from(format_date(row.published, view.now)),
        Cell::from(Line::from(popularity(row)).right_aligned()),
    ])
    .style(style)
}

/// A row outside the window held: shown at once, filled in when its window arrives.
fn placeholder<'a>(view: &View, selected: bool, focused: bool) -> Row<'a> {
    let style = if selected {
        view.theme.selection(focused)
    } else {
        view.theme.dim
    };
    Row::new([Cell::from(" "), Cell::from("…")]).style(style)
}

fn empty(view: &View, area: Rect, buf: &mut Buffer) {
    let keymap = &view.state.keymap;
    let mut lines = vec![Line::styled(text::EMPTY_LIST, view.theme.dim)];
    if let Some(key) = keymap.key_label(Action::RefreshAll) {
        lines.push(Line::from(vec![
            Span::styled("Press ", view.theme.dim),
            Span::styled(key, view.theme.hint_key),
            Span::styled(" to refresh every source.", view.theme.dim),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}
