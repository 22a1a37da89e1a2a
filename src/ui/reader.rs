//! The reader pane: header (title, category · source, time, views, opens, link), then the body
//! as rendered off the input path, scrolled.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::text::{self, thousands};
use crate::app::{Action, Pane, State};

use super::View;
use super::common::{fit, pack, pane_block, wrap};

/// The header facts, from the whole article when it has arrived, else from the list row.
struct Header {
    title: String,
    categories: Vec<String>,
    source: String,
    published: Option<chrono::DateTime<chrono::Utc>>,
    views: Option<i64>,
    views_at_open: Option<i64>,
    score: Option<i64>,
    comments: Option<i64>,
    opened: Option<i64>,
    link: Option<String>,
}

fn header(state: &State) -> Option<Header> {
    let reader = &state.reader;
    if let Some(article) = &reader.article {
        return Some(Header {
            title: article.title.clone(),
            categories: article.source_categories.clone(),
            source: article.source_name.clone(),
            published: article.published.or(article.updated),
            views: article.views,
            views_at_open: article.views_at_open,
            score: article.score,
            comments: article.comments,
            opened: Some(article.opened),
            link: article.link.clone(),
        });
    }
    let row = reader.row.as_ref()?;
    Some(Header {
        title: row.title.clone(),
        categories: state
            .categories
            .source(row.source_id)
            .map(|source| source.categories.clone())
            .unwrap_or_default(),
        source: row.source_name.clone(),
        published: row.published,
        views: row.views,
        views_at_open: None,
        score: row.score,
        comments: row.comments,
        opened: None,
        link: row.link.clone(),
    })
}

fn header_lines(view: &View, header: &Header, width: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines: Vec<Line> = wrap(&header.title, width)
        .into_iter()
        .map(|line| Line::styled(line, theme.header))
        .collect();
    let mut place = header.categories.clone();
    place.push(header.source.clone());
    lines.extend(
        pack(&place, width)
            .into_iter()
            .map(|line| Line::styled(line, theme.dim)),
    );
    let mut facts = Vec::new();
    if let Some(date) = header.published {
        let local = date.with_timezone(&view.now.timezone());
        facts.push(format!("Time {}", local.format("%Y-%m-%d %H:%M")));
    }
    if let Some(views) = header.views {
        facts.push(text::views_line(views, header.views_at_open));
    }
    if let Some(score) = header.score {
        facts.push(format!("▲{} points", thousands(score)));
    }
    if let Some(comments) = header.comments {
        facts.push(format!("{} comments", thousands(comments)));
    }
    if let Some(opened) = header.opened.filter(|n| *n > 0) {
        facts.push(text::opened_line(opened));
    }
    lines.extend(pack(&facts, width).into_iter().map(Line::raw));
    if let Some(link) = &header.link {
        lines.push(Line::styled(fit(link, width), theme.link));
    }
    lines.push(Line::raw(""));
    lines
}

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let state = view.state;
    let reader = &state.reader;
    let focused = state.focus == Pane::Reader;
    let mut block = pane_block(view, " Reader ", focused);
    let len = reader.body_len();
    if len > 0 {
        let position = format!(" {}/{} ", (reader.scroll + 1).min(len), len);
        block = block.title_top(Line::styled(position, view.theme.dim).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let content = Rect::new(
        inner.x.saturating_add(1),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let Some(header) = header(state) else {
        let mut hint = vec![Span::styled(text::EMPTY_READER, view.theme.dim)];
        if let Some(key) = state.keymap.key_label(Action::Open) {
            hint.push(Span::raw(" "));
            hint.push(Span::styled(key, view.theme.hint_key));
        }
        Paragraph::new(Line::from(hint)).render(content, buf);
        return;
    };
    let mut lines = header_lines(view, &header, usize::from(content.width));
    let header_height = lines.len().min(usize::from(content.height)) as u16;
    match &reader.body {
        Some(body) => {
            let rows = usize::from(content.height.saturating_sub(header_height));
            lines.extend(
                body.lines
                    .iter()
                    .skip(reader.scroll)
                    .take(rows)
                    .map(|line| themed(view, line)),
            );
        }
        None if reader.id.is_some() => {
            lines.push(Line::styled(text::RENDERING, view.theme.dim));
        }
        None => {}
    }
    Paragraph::new(lines).render(content, buf);
}

/// Body lines carry semantic modifiers from the renderer; links get the theme's link colour.
fn themed(view: &View, line: &Line<'static>) -> Line<'static> {
    let spans = line
        .spans
        .iter()
        .map(|span| {
            if span.style.add_modifier.contains(Modifier::UNDERLINED) {
                span.clone().patch_style(view.theme.link)
            } else {
                span.clone()
            }
        })
        .collect::<Vec<_>>();
    Line::from(spans).style(line.style)
}
