//! Importing subscriptions from OPML (1.0/2.0) and newsboat `urls` files into plain source
//! descriptions. Pure text in, data out: never touches the config file or the store, and never
//! creates a source that runs a command (`exec:`, `filter:` and non-http(s)/file URLs are skipped).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::render::sanitize::clean_line;

/// Files larger than this are refused.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// One subscription found in an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSource {
    pub url: String,
    pub name: Option<String>,
    pub categories: Vec<String>,
}

/// Everything an import found: the sources, and one line per entry it skipped or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub sources: Vec<ImportedSource>,
    /// `FILE:LINE: what happened`, in file order.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: too large to import ({size} bytes; the limit is {limit} bytes)", path.display())]
    TooLarge {
        path: PathBuf,
        size: usize,
        limit: usize,
    },
    #[error("{}:{line}: malformed OPML: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Detects the format from the content and reads it: OPML (nested folder outlines become
/// categories, an outline with `xmlUrl` is a source named by its title or text), or a newsboat
/// `urls` file (a URL per line, then tags; `"quoted tags"`; `~name`; `!` hidden; `#` comments).
/// Entries that would run a command or are not http/https/file URLs are skipped with a warning
/// naming the line. Malformed XML is an error naming the file and line. Linear in the input.
pub fn import_sources(path: &Path, text: &str) -> Result<ImportReport, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size: text.len(),
            limit: MAX_IMPORT_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Collector::new(path, text);
    if text.trim_start().starts_with('<') {
        read_opml(text, &mut out)?;
    } else {
        read_urls(text, &mut out);
    }
    if out.report.sources.is_empty() {
        out.report
            .warnings
            .push(format!("{}: no sources found", path.display()));
    }
    Ok(out.report)
}

/// Accumulates sources (merging repeats of one URL) and warnings with their line numbers.
struct Collector<'a> {
    path: &'a Path,
    line_starts: Vec<usize>,
    report: ImportReport,
    by_url: HashMap<String, usize>,
}

impl<'a> Collector<'a> {
    fn new(path: &'a Path, text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Collector {
            path,
            line_starts,
            report: ImportReport::default(),
            by_url: HashMap::new(),
        }
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn warn(&mut self, line: usize, message: impl std::fmt::Display) {
        self.report
            .warnings
            .push(format!("{}:{line}: {message}", self.path.display()));
    }

    /// Adds a source after checking its URL; `what` quotes the entry in warnings.
    fn add(&mut self, line: usize, url: &str, name: Option<String>, categories: Vec<String>) {
        let url = url.trim();
        if let Some(reason) = rejected(url) {
            self.warn(line, format!("skipped {}: {reason}", quote(url)));
            return;
        }
        let name = name.map(|n| clean_line(&n)).filter(|n| !n.is_empty());
        let categories = categories
            .iter()
            .map(|c| clean_line(c))
            .filter(|c| !c.is_empty());
        match self.by_url.get(url) {
            Some(&i) => {
                let existing = &mut self.report.sources[i];
                if existing.name.is_none() {
                    existing.name = name;
                }
                for c in categories {
                    if !existing.categories.contains(&c) {
                        existing.categories.push(c);
                    }
                }
            }
            None => {
                let mut unique: Vec<String> = Vec::new();
                for c in categories {
                    if !unique.contains(&c) {
                        unique.push(c);
                    }
                }
                self.by_url
                    .insert(url.to_string(), self.report.sources.len());
                self.report.sources.push(ImportedSource {
                    url: url.to_string(),
                    name,
                    categories: unique,
                });
            }
        }
    }
}

/// Why a URL cannot become a source, if it cannot.
fn rejected(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("exec:") || lower.starts_with("filter:") {
        return Some("entries that run a command are never imported");
    }
    if lower.starts_with("query:") {
        return Some("query feeds are not supported");
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => None,
        Ok(_) => Some("only http, https and file URLs can be imported"),
        Err(_) => Some("not a URL"),
    }
}

/// A short, sanitised quotation of an entry for a warning.
fn quote(s: &str) -> String {
    let s = clean_line(s);
    let mut q: String = s.chars().take(80).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    format!("\"{q}\"")
}

// ---- OPML ----

/// One open `<outline>`: the folder name it contributes, if it is a folder.
struct Frame {
    folder: Option<String>,
}

fn read_opml(text: &str, out: &mut Collector<'_>) -> Result<(), ImportError> {
    let malformed = |out: &Collector<'_>, pos: u64, message: String| ImportError::Malformed {
        path: out.path.to_path_buf(),
        line: out.line_of(usize::try_from(pos).unwrap_or(usize::MAX)),
        message,
    };
    let mut reader = Reader::from_str(text);
    let mut saw_root = false;
    let mut in_body = false;
    let mut open: Vec<String> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    loop {
        let start = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| malformed(out, reader.error_position(), e.to_string()))?;
        let (element, is_empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if open.pop().as_deref() == Some("outline") {
                    frames.pop();
                }
                if name == "body" {
                    in_body = false;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name().as_ref().to_string();
        let line = out.line_of(usize::try_from(start).unwrap_or(usize::MAX));
        if !saw_root {
            if name != "opml" {
                let hint = if matches!(name.as_str(), "rss" | "feed" | "rdf" | "RDF") {
                    " (this is a feed: add its URL as a source instead)"
                } else {
                    ""
                };
                return Err(malformed(
                    out,
                    start,
                    format!("the root element is <{name}>, not <opml>{hint}"),
                ));
            }
            saw_root = true;
        }
        if name == "body" && !is_empty {
            in_body = true;
        }
        if name == "outline" {
            let frame = if in_body {
                outline(&element, line, &frames, out)
            } else {
                Frame { folder: None }
            };
            if !is_empty {
                frames.push(frame);
            }
        }
        if !is_empty {
            open.push(name);
        }
    }
    if !saw_root {
        return Err(malformed(out, 0, "no <opml> element".to_string()));
    }
    if let Some(unclosed) = open.last() {
        return Err(malformed(
            out,
            text.len() as u64,
            format!("<{unclosed}> is never closed"),
        ));
    }
    Ok(())
}

/// Reads one outline: adds it as a source if it has an `xmlUrl`, and returns its frame.
fn outline(
    element: &BytesStart<'_>,
    line: usize,
    frames: &[Frame],
    out: &mut Collector<'_>,
) -> Frame {
    let mut text = None;
    let mut title = None;
    let mut xml_url = None;
    let mut kind = None;
    for attr in element.attributes().with_checks(false).flatten() {
        let key = attr.key.local_name().as_ref().to_ascii_lowercase();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| lenient_unescape(&attr.value));
        match key.as_str() {
            "text" => text = Some(value),
            "title" => title = Some(value),
            "xmlurl" => xml_url = Some(value),
            "type" => kind = Some(value),
            _ => {}
        }
    }
    let label = title
        .filter(|t| !t.trim().is_empty())
        .or(text.filter(|t| !t.trim().is_empty()));
    let Some(url) = xml_url.filter(|u| !u.trim().is_empty()) else {
        if let Some(kind) = kind.filter(|k| !k.eq_ignore_ascii_case("folder")) {
            out.warn(line, format!("skipped an outline of type {}", quote(&kind)));
        }
        return Frame { folder: label };
    };
    let categories = frames.iter().filter_map(|f| f.folder.clone()).collect();
    out.add(line, &url, label, categories);
    Frame { folder: None }
}

/// Entity decoding that tolerates the bare `&` many OPML exporters write inside URLs.
fn lenient_unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| decode_entity(&rest[1..=end]).map(|c| (c, end + 2)));
        match entity {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

// ---- newsboat urls ----

fn read_urls(text: &str, out: &mut Collector<'_>) {
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (tokens, unterminated) = tokenize(trimmed);
        if unterminated {
            out.warn(line, "unterminated quote; read to the end of the line");
        }
        let mut tokens = tokens.into_iter();
        let Some(url) = tokens.next() else {
            continue;
        };
        let mut name = None;
        let mut categories = Vec::new();
        let mut hidden = false;
        for tag in tokens {
            if let Some(n) = tag.strip_prefix('~') {
                name = Some(n.to_string());
            } else if tag.starts_with('!') {
                hidden = true;
            } else {
                categories.push(tag);
            }
        }
        if hidden && rejected(url.trim()).is_none() {
            out.warn(
                line,
                format!(
                    "{} is hidden in newsboat; imported as a visible source",
                    quote(&url)
                ),
            );
        }
        out.add(line, &url, name, categories);
    }
}

/// Splits a urls line into tokens the way newsboat does: whitespace separates, `"…"` groups
/// (with `\"` and `\\` escapes), and an unquoted `#` starts a comment. Returns whether a quote
/// was left open.
fn tokenize(line: &str) -> (Vec<String>, bool) {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some('#') => return (tokens, false),
            Some('"') => {
                chars.next();
                let mut token = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some('n') => token.push('\n'),
                            Some('t') => token.push('\t'),
                            Some(other) => token.push(other),
                            None => token.push('\\'),
                        },
                        c => token.push(c),
                    }
                }
                tokens.push(token);
                if !closed {
                    return (tokens, true);
                }
            }
            Some(_) => {
                let mut token = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    token.push(c);
                }
                tokens.push(token);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_like_newsboat() {
        let (t, open) = tokenize(r#"http://a/ "two words" ~Name tag # comment"#);
        assert_eq!(t, ["http://a/", "two words", "~Name", "tag"]);
        assert!(!open);
        let (t, open) = tokenize(r#""query:x:unread = \"yes\"" "open"#);
        assert_eq!(t, [r#"query:x:unread = "yes""#, "open"]);
        assert!(open);
    }

    #[test]
    fn lenient_entities() {
        assert_eq!(
            lenient_unescape("a?b=1&c=2&amp;d&#x41;&#66;"),
            "a?b=1&c=2&dAB"
        );
    }
}
