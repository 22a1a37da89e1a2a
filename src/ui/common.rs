//! Small drawing helpers shared by the panes: pane frames, dates, popularity, text fitting.

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::app::text::thousands;
use crate::model::ArticleRow;

use super::View;

/// A pane's border with its title; the focused pane stands out.
pub fn pane_block<'a>(view: &View, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let title: Line = title.into();
    Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(view.theme.border(focused))
        .title(title.style(view.theme.title(focused)))
}

/// `HH:MM` for today, else `MM-DD`, in the offset of `now`.
pub fn format_date(date: Option<DateTime<Utc>>, now: DateTime<FixedOffset>) -> String {
    let Some(date) = date else {
        return String::new();
    };
    let local = date.with_timezone(&now.timezone());
    if local.date_naive() == now.date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%m-%d").to_string()
    }
}

/// Views as `1,532`, or score and comments as `▲412 ·38`.
pub fn popularity(row: &ArticleRow) -> String {
    match (row.views, row.score, row.comments) {
        (Some(views), _, _) => thousands(views),
        (None, Some(score), Some(comments)) => {
            format!("▲{} ·{}", thousands(score), thousands(comments))
        }
        (None, Some(score), None) => format!("▲{}", thousands(score)),
        (None, None, Some(comments)) => format!("·{}", thousands(comments)),
        (None, None, None) => String::new(),
    }
}

/// Display width of a string in terminal columns.
pub fn width_of(text: &str) -> usize {
    Span::raw(text).width()
}

/// Cut `text` to at most `width` columns, ending with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let w = width_of(c.encode_utf8(&mut buf));
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Greedy word wrap to `width` columns; words longer than a line (or CJK runs) are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for word in text.split_whitespace() {
        let word_width = width_of(word);
        let gap = usize::from(!line.is_empty());
        if used + gap + word_width <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + word_width;
            continue;
        }
        if word_width <= width {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
            used = word_width;
            continue;
        }
        // Split a long word (or a run of CJK) wherever the line is full.
        if gap == 1 && used + 1 < width {
            line.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let w = width_of(c.encode_utf8(&mut buf));
            if used + w > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pack segments into lines joined by ` · `, starting a new line when the next would not fit.
pub fn pack(segments: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for segment in segments.iter().filter(|s| !s.is_empty()) {
        let candidate = if line.is_empty() {
            segment.clone()
        } else {
            format!("{line} · {segment}")
        };
        if width_of(&candidate) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = segment.clone();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().flat_map(|l| wrap(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_splits_words_and_cjk() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("国际会议顺利召开", 6), ["国际会", "议顺利", "召开"]);
        assert_eq!(fit("Seminar on digital skills", 10), "Seminar o…");
    }

    #[test]
    fn pack_joins_segments() {
        let segments = [
            "Time 2024-06-27 17:01".to_string(),
            "1,532 views".to_string(),
        ];
        assert_eq!(pack(&segments, 40), ["Time 2024-06-27 17:01 · 1,532 views"]);
        assert_eq!(
            pack(&segments, 25),
            ["Time 2024-06-27 17:01", "1,532 views"]
        );
    }
}
