//! Article HTML → sanitised, styled ratatui lines at a width, with numbered links listed at the end;
//! and HTML → plain text. Built on html2text's annotated output; pure, never panics, bounded work.
//! Styles are semantic modifiers only (see [`roles`]); colours belong to the UI's theme.

use std::borrow::Cow;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::LazyLock;

use html2text::render::{RichAnnotation, TaggedLine, TextDecorator};
use ratatui::style::Style;
use ratatui::text::Line;
use regex::Regex;
use url::Url;

use super::nesting::limit_nesting;
use super::sanitize::{clean, clean_line};
use super::wrap::{expand_tabs, hard_wrap};

/// Input beyond this many bytes is not rendered (the rest of a 2 MiB article is noise).
pub const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
/// Elements nested deeper than this are flattened into their ancestor.
pub const MAX_NESTING: usize = 64;
/// The width used by [`html_to_text`].
const TEXT_WIDTH: usize = 80;

/// Marks heading lines through html2text's header prefix; removed by the sanitiser afterwards.
const HEADING_MARK: char = '\u{1}';
/// Marks quoted lines through html2text's quote prefix; removed by the sanitiser afterwards.
const QUOTE_MARK: char = '\u{2}';
/// The start of our quote prefix. html2text needs prefixes whose byte length is their width, so
/// the bar is drawn in after rendering.
const QUOTE_PREFIX_HEAD: &str = "\u{2}>";

/// The styles of the semantic roles in a rendered body; the UI's theme maps them to colours.
pub mod roles {
    use ratatui::style::{Modifier, Style};

    pub const HEADING: Style = Style::new().add_modifier(Modifier::BOLD);
    pub const STRONG: Style = Style::new().add_modifier(Modifier::BOLD);
    pub const EMPHASIS: Style = Style::new().add_modifier(Modifier::ITALIC);
    pub const STRIKEOUT: Style = Style::new().add_modifier(Modifier::CROSSED_OUT);
    pub const CODE: Style = Style::new().add_modifier(Modifier::DIM);
    pub const QUOTE: Style = Style::new().add_modifier(Modifier::DIM.union(Modifier::ITALIC));
    pub const LINK: Style = Style::new().add_modifier(Modifier::UNDERLINED);
}

/// A body rendered for the reader pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedBody {
    /// Styled lines, none wider than the requested width.
    pub lines: Vec<Line<'static>>,
    /// Link targets, resolved and sanitised: `links[0]` is the `[1]` in the text.
    pub links: Vec<String>,
}

/// HTML → styled lines at `width` with html2text's rich output: paragraphs, headings (bold),
/// emphasis, lists, quotes, code (distinct style), tables, images as `[image: alt]`, links numbered
/// `[1]` inline with the numbered list at the end ("[1] https://…"). Relative links resolve against
/// `base`. Every span's text passes [`clean`]. Never panics; input is capped at
/// [`MAX_INPUT_BYTES`] and nesting at [`MAX_NESTING`].
pub fn render_html(html: &str, width: u16, base: Option<&Url>) -> RenderedBody {
    let width = usize::from(width);
    let html = prepare(html);
    let links = Rc::new(RefCell::new(Vec::new()));
    let decorator = Decorator {
        plain: false,
        links: Rc::clone(&links),
    };
    let tagged = run_html2text(&html, width, decorator, true);
    let resolved: Vec<String> = links
        .take()
        .iter()
        .map(|raw| clean_line(&resolve(raw, base)))
        .collect();
    if width == 0 {
        return RenderedBody {
            lines: Vec::new(),
            links: resolved,
        };
    }
    let mut lines = match tagged {
        Some(tagged) => tagged.iter().flat_map(|l| styled_line(l, width)).collect(),
        None => fallback_lines(&html, width),
    };
    trim_blank_edges(&mut lines);
    if !resolved.is_empty() {
        lines.push(Line::default());
        for (i, link) in resolved.iter().enumerate() {
            let pieces = vec![
                (format!("[{}] ", i + 1), Style::new()),
                (link.clone(), roles::LINK),
            ];
            lines.extend(hard_wrap(pieces, width));
        }
    }
    RenderedBody {
        lines,
        links: resolved,
    }
}

/// HTML → plain text in one line-wrapped string (for FTS and plain output), sanitised. Images
/// read `[image: alt]`; links keep their text only.
pub fn html_to_text(html: &str) -> String {
    let html = prepare(html);
    let decorator = Decorator {
        plain: true,
        links: Rc::default(),
    };
    let lines: Vec<String> = match run_html2text(&html, TEXT_WIDTH, decorator, false) {
        Some(tagged) => tagged
            .iter()
            .map(|l| {
                let s: String = l.tagged_strings().map(|t| t.s.as_str()).collect();
                clean(&s).replace('\t', " ").trim_end().to_string()
            })
            .collect(),
        None => vec![clean_line(&strip_tags(&html))],
    };
    let mut out = String::new();
    let mut blank_run = 0;
    for line in &lines {
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

/// Caps size, drops escape sequences and raw controls, and bounds nesting.
fn prepare(html: &str) -> String {
    let mut end = html.len().min(MAX_INPUT_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let cleaned = clean(&html[..end]);
    let limited = limit_nesting(&cleaned, MAX_NESTING);
    let clamped = clamp_list_starts(&limited);
    strip_rowspans(&clamped).into_owned()
}

/// html2text 0.17 can panic (an unwrap in its table layout) on some colspan/rowspan mixes, so
/// cells lose their rowspan: a slightly wrong table beats no rendering.
fn strip_rowspans(html: &str) -> Cow<'_, str> {
    static CELL: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"(?i)<t[dh]\b(?:[^>"']|"[^"]*"|'[^']*')*>"#).ok());
    static ROWSPAN: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#"(?i)\browspan\b(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?"#).ok()
    });
    let (Some(cell), Some(rowspan)) = (CELL.as_ref(), ROWSPAN.as_ref()) else {
        return Cow::Borrowed(html);
    };
    if !html.to_ascii_lowercase().contains("rowspan") {
        return Cow::Borrowed(html);
    }
    cell.replace_all(html, |caps: &regex::Captures<'_>| {
        rowspan.replace_all(&caps[0], "").into_owned()
    })
}

/// html2text adds the item count to `<ol start>` unchecked (an overflow panic in debug builds);
/// absurd start numbers become 1.
fn clamp_list_starts(html: &str) -> Cow<'_, str> {
    static HUGE_START: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#"(?i)(<ol\b[^>]*?\bstart\s*=\s*["']?)\s*[-+]?[0-9]{7,}"#).ok()
    });
    match HUGE_START.as_ref() {
        Some(re) => re.replace_all(html, "${1}1"),
        None => Cow::Borrowed(html),
    }
}

/// Runs html2text, retrying with overflow allowed when the width is too narrow for the layout.
/// `None` when it fails or panics.
fn run_html2text(
    html: &str,
    width: usize,
    decorator: Decorator,
    footnotes: bool,
) -> Option<Vec<TaggedLine<Vec<RichAnnotation>>>> {
    let attempt = |overflow: bool| {
        let config = html2text::config::with_decorator(decorator.clone())
            .link_footnotes(footnotes)
            .unicode_strikeout(false)
            .empty_img_mode(html2text::config::ImageRenderMode::ShowAlways);
        let config = if overflow {
            config.allow_width_overflow()
        } else {
            config
        };
        catch_unwind(AssertUnwindSafe(|| {
            config.lines_from_read(html.as_bytes(), width.max(1))
        }))
    };
    match attempt(false) {
        Ok(Ok(lines)) => Some(lines),
        Ok(Err(html2text::Error::TooNarrow)) => match attempt(true) {
            Ok(Ok(lines)) => Some(lines),
            _ => None,
        },
        _ => None,
    }
}

/// Converts one html2text line to ratatui lines (more than one only if it overflows `width`).
fn styled_line(line: &TaggedLine<Vec<RichAnnotation>>, width: usize) -> Vec<Line<'static>> {
    let mut heading = false;
    let mut quote = false;
    let mut pieces: Vec<(String, Style)> = Vec::new();
    for ts in line.tagged_strings() {
        heading |= ts.s.contains(HEADING_MARK);
        quote |= ts.s.contains(QUOTE_MARK);
        // Our quote prefix is the mark then '>'; draw it as a bar.
        let text = if ts.s.contains(QUOTE_MARK) {
            clean(&ts.s.replace(QUOTE_PREFIX_HEAD, "│")).into_owned()
        } else {
            clean(&ts.s).into_owned()
        };
        pieces.push((text, span_style(&ts.tag)));
    }
    let line_style = match (heading, quote) {
        (true, true) => roles::HEADING.patch(roles::QUOTE),
        (true, false) => roles::HEADING,
        (false, true) => roles::QUOTE,
        (false, false) => Style::new(),
    };
    for (_, style) in &mut pieces {
        *style = line_style.patch(*style);
    }
    expand_tabs(&mut pieces);
    hard_wrap(pieces, width)
}

fn span_style(tags: &[RichAnnotation]) -> Style {
    tags.iter().fold(Style::new(), |style, tag| {
        style.patch(match tag {
            RichAnnotation::Link(_) => roles::LINK,
            RichAnnotation::Emphasis => roles::EMPHASIS,
            RichAnnotation::Strong => roles::STRONG,
            RichAnnotation::Strikeout => roles::STRIKEOUT,
            RichAnnotation::Code | RichAnnotation::Preformat(_) => roles::CODE,
            _ => Style::new(),
        })
    })
}

fn resolve(raw: &str, base: Option<&Url>) -> String {
    let raw = raw.trim();
    match base.map(|b| b.join(raw)) {
        Some(Ok(url)) => url.to_string(),
        _ => raw.to_string(),
    }
}

fn trim_blank_edges(lines: &mut Vec<Line<'static>>) {
    let blank = |l: &Line<'_>| l.spans.iter().all(|s| s.content.trim().is_empty());
    while lines.last().is_some_and(blank) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| blank(l)).count();
    lines.drain(..lead);
}

/// Used only if html2text fails: the text between tags, word-wrapped.
fn fallback_lines(html: &str, width: usize) -> Vec<Line<'static>> {
    let text = clean_line(&strip_tags(html));
    hard_wrap(vec![(text, Style::new())], width)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// html2text decorator: rich annotations, our image and prefix forms, links collected for the
/// list we draw ourselves. Clones share the link list (html2text clones it for sub-blocks).
#[derive(Clone)]
struct Decorator {
    plain: bool,
    links: Rc<RefCell<Vec<String>>>,
}

impl TextDecorator for Decorator {
    type Annotation = RichAnnotation;

    fn decorate_link_start(&mut self, url: &str) -> (String, Self::Annotation) {
        (String::new(), RichAnnotation::Link(url.to_string()))
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, Self::Annotation) {
        (String::new(), RichAnnotation::Emphasis)
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, Self::Annotation) {
        (String::new(), RichAnnotation::Strong)
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, Self::Annotation) {
        (String::new(), RichAnnotation::Strikeout)
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, Self::Annotation) {
        (String::new(), RichAnnotation::Code)
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Self::Annotation {
        RichAnnotation::Preformat(false)
    }
    fn decorate_preformat_cont(&self) -> Self::Annotation {
        RichAnnotation::Preformat(true)
    }
    fn decorate_image(&mut self, src: &str, title: &str) -> (String, Self::Annotation) {
        let alt = clean_line(title);
        let text = if alt.is_empty() {
            "[image]".to_string()
        } else {
            format!("[image: {alt}]")
        };
        (text, RichAnnotation::Image(src.to_string()))
    }
    fn header_prefix(&self, _level: usize) -> String {
        if self.plain {
            String::new()
        } else {
            HEADING_MARK.to_string()
        }
    }
    fn quote_prefix(&self) -> String {
        if self.plain {
            "> ".to_string()
        } else {
            format!("{QUOTE_MARK}> ")
        }
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }
    fn decorate_superscript_start(&self) -> (String, Self::Annotation) {
        ("^".to_string(), RichAnnotation::Default)
    }
    fn decorate_superscript_end(&self) -> String {
        String::new()
    }
    fn finalise(&mut self, urls: Vec<String>) -> Vec<TaggedLine<Self::Annotation>> {
        *self.links.borrow_mut() = urls;
        Vec::new()
    }
}
