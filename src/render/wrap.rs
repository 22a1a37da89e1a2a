//! Last-line-of-defence width handling for rendered lines: hard-wraps any line wider than the pane
//! (as measured by ratatui, i.e. unicode-width) and expands tabs. Knows nothing about HTML.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Display width of a string, measured exactly as ratatui measures a span.
pub fn str_width(s: &str) -> usize {
    Span::raw(s).width()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    str_width(c.encode_utf8(&mut buf))
}

/// Builds a line from styled pieces, merging neighbours with the same style and dropping empties.
pub fn make_line(pieces: Vec<(String, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(pieces.len());
    for (text, style) in pieces {
        if text.is_empty() {
            continue;
        }
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(&text),
            _ => spans.push(Span::styled(text, style)),
        }
    }
    Line::from(spans)
}

/// Splits `pieces` into lines no wider than `width` columns (a single character wider than
/// `width` still gets a line of its own). Breaks at the last space when there is one.
pub fn hard_wrap(pieces: Vec<(String, Style)>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let total: usize = pieces.iter().map(|(s, _)| str_width(s)).sum();
    if total <= width {
        return vec![make_line(pieces)];
    }
    // Flatten to characters: lines here are short, and this is the rare overflow path.
    let chars: Vec<(char, Style)> = pieces
        .iter()
        .flat_map(|(s, st)| s.chars().map(move |c| (c, *st)))
        .collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // Greedy by character widths, then verify with the string width, which can be larger
        // (emoji presentation selectors).
        let mut end = start;
        let mut col = 0;
        let mut last_space = None;
        while end < chars.len() {
            let w = char_width(chars[end].0);
            if col + w > width && end > start {
                break;
            }
            if chars[end].0 == ' ' && end > start {
                last_space = Some(end);
            }
            col += w;
            end += 1;
        }
        if let Some(sp) = last_space.filter(|_| end < chars.len()) {
            end = sp;
        }
        while end > start + 1 && pieces_width(&chars[start..end]) > width {
            end -= 1;
        }
        lines.push(make_line(group(&chars[start..end])));
        start = end;
        // A break at a space swallows it.
        if start < chars.len() && chars[start].0 == ' ' {
            start += 1;
        }
    }
    lines
}

fn pieces_width(chars: &[(char, Style)]) -> usize {
    group(chars).iter().map(|(s, _)| str_width(s)).sum()
}

fn group(chars: &[(char, Style)]) -> Vec<(String, Style)> {
    let mut out: Vec<(String, Style)> = Vec::new();
    for &(c, st) in chars {
        match out.last_mut() {
            Some((s, last)) if *last == st => s.push(c),
            _ => out.push((c.to_string(), st)),
        }
    }
    out
}

/// Replaces tabs with spaces up to the next multiple of 4 columns, and any stray newline with a
/// space, tracking the column across pieces.
pub fn expand_tabs(pieces: &mut [(String, Style)]) {
    if !pieces.iter().any(|(s, _)| s.contains(['\t', '\n'])) {
        return;
    }
    let mut col = 0;
    for (s, _) in pieces.iter_mut() {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '\t' => {
                    let n = 4 - col % 4;
                    out.extend(std::iter::repeat_n(' ', n));
                    col += n;
                }
                '\n' => {
                    out.push(' ');
                    col += 1;
                }
                c => {
                    out.push(c);
                    col += char_width(c);
                }
            }
        }
        *s = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn wraps_at_spaces_and_by_width() {
        let lines = hard_wrap(vec![("hello wide world".into(), Style::new())], 7);
        let got: Vec<String> = lines.iter().map(text).collect();
        assert_eq!(got, ["hello", "wide", "world"]);
        let lines = hard_wrap(vec![("你好世界".into(), Style::new())], 3);
        assert!(lines.iter().all(|l| l.width() <= 3));
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn tabs() {
        let mut p = vec![("a\tb".to_string(), Style::new())];
        expand_tabs(&mut p);
        assert_eq!(p[0].0, "a   b");
    }
}
