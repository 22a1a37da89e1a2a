//! Bytes → ParsedFeed: feeds (RSS, Atom, JSON Feed), pages, APIs. Pure and synchronous.
//!
//! No I/O and no store access here: callers hand in bytes, the HTTP Content-Type and the
//! document's URL; parsers hand back drafts with sanitised text.

pub mod api;
pub mod dates;
mod detect;
mod feed;
mod json;
mod links;
pub mod page;
mod repair;
mod scan;
pub mod text;

use crate::fetch::charset;
use crate::model::ParsedFeed;
use url::Url;

/// The longest error message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 200;

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// An HTML page was given where a feed was expected; `alternate` is the feed it links to with
    /// `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href>` (absolute).
    #[error("{}", match alternate {
        Some(url) => format!("this is a web page, not a feed; it links to the feed {url}"),
        None => "this is a web page, not a feed, and it links to no feed".to_string(),
    })]
    NotAFeed { alternate: Option<String> },
    /// The document is not a feed we can read (one line, no control characters).
    #[error("not a readable feed: {0}")]
    Malformed(String),
    /// The document is empty.
    #[error("the document is empty")]
    Empty,
}

impl ParseError {
    /// `Malformed` with a message made safe to show: one line, sanitised, bounded.
    pub(crate) fn malformed(message: &str) -> ParseError {
        let line = text::collapse_whitespace(&text::clean(message));
        let mut short: String = line.chars().take(MAX_MESSAGE_CHARS).collect();
        if line.chars().count() > MAX_MESSAGE_CHARS {
            short.push('…');
        }
        ParseError::Malformed(short)
    }
}

/// Bytes of a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1, autodetected) →
/// ParsedFeed. `content_type` is the HTTP Content-Type if any (for the charset), `base_url` the
/// document's URL for resolving relative links.
pub fn parse_feed(
    bytes: &[u8],
    content_type: Option<&str>,
    base_url: Option<&Url>,
) -> Result<ParsedFeed, ParseError> {
    let decoded = charset::decode(bytes, content_type);
    let text = decoded
        .text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    if detect::looks_like_html(text) {
        return Err(ParseError::NotAFeed {
            alternate: detect::alternate_feed(text, base_url),
        });
    }
    let mut parsed = if text.starts_with('{') {
        feed::parse_json(text, base_url)?
    } else if !text.contains('<') {
        return Err(ParseError::malformed("neither XML nor JSON"));
    } else {
        let repaired = repair::repair_xml(text);
        feed::parse_xml(&repaired, base_url)?
    };
    // Feed-level fields are shown too (reports, `parse`): one sane, clean line each. The link
    // can be the raw href when it does not resolve, so it is cleaned here like every other field.
    let line = |field: Option<String>| {
        field
            .map(|f| text::truncate_line(crate::render::sanitize::clean_line(&f)))
            .filter(|f| !f.is_empty())
    };
    parsed.title = line(parsed.title);
    parsed.link = line(parsed.link);
    parsed.description = line(parsed.description);
    parsed.language = line(parsed.language);
    Ok(parsed)
}
