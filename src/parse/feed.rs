//! Feed documents → `ParsedFeed`: feed-rs first, our scanner for what it drops or rejects. Pure.
//!
//! Precedence: our scanner's title, link and author (it knows Atom text types and xml:base per
//! element), feed-rs's dates, bodies and ids, each falling back to the other; extensions
//! (views, comments) only come from the scanner. When feed-rs rejects a document the scanner's
//! items are used alone, so one unreadable part never costs the whole feed.

use crate::model::{ArticleDraft, Enclosure, ParsedFeed};
use crate::parse::ParseError;
use crate::parse::dates::parse_date;
use crate::parse::json;
use crate::parse::links::resolve;
use crate::parse::scan::{RawFeed, RawItem, scan};
use crate::parse::text::{clean, clean_trimmed, collapse_whitespace, plain_text, truncate_line};
use feed_rs::model::{Entry, Feed};
use url::Url;

/// How many characters of the body stand in for a missing title.
const DERIVED_TITLE_CHARS: usize = 80;

fn feed_rs_parser(base: Option<&Url>) -> feed_rs::parser::Parser {
    feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        .timestamp_parser(parse_date)
        .sanitize_content(false)
        .build()
}

/// Parse a repaired XML feed document.
pub(crate) fn parse_xml(text: &str, base: Option<&Url>) -> Result<ParsedFeed, ParseError> {
    let raw = scan(text, base);
    // Past MAX_ITEMS the scanner stopped; feed-rs reads the same items from the cut document.
    let cut;
    let text = match &raw.truncated {
        Some((end, closers)) => {
            cut = format!("{}{closers}", text.get(..*end).unwrap_or(text));
            cut.as_str()
        }
        None => text,
    };
    if matches!(raw.root.as_deref(), Some("html" | "head" | "body")) {
        return Err(ParseError::NotAFeed {
            alternate: crate::parse::detect::alternate_feed(text, base),
        });
    }
    // The scanner reads every field tidings keeps, for every format and quirk the fixtures cover,
    // in one pass; running feed-rs as well doubled the parse time of a refresh (measured: the
    // 100-feed bench corpus gave identical output but for feed-rs copying RSS pubDate into
    // `updated`). feed-rs stays the second opinion for documents the scanner finds nothing in.
    if !raw.items.is_empty() || raw.title.is_some() {
        return Ok(from_raw(raw));
    }
    match feed_rs_parser(base).parse(text.as_bytes()) {
        Ok(feed) => Ok(merge(feed, raw, base)),
        Err(error) => {
            let known_root = matches!(
                raw.root.as_deref(),
                Some("rss" | "rdf" | "feed" | "channel" | "entry")
            );
            if raw.items.is_empty() && !(known_root && raw.title.is_some()) {
                return Err(ParseError::malformed(&error.to_string()));
            }
            Ok(from_raw(raw))
        }
    }
}

/// Parse a JSON Feed document: our reader first (it keeps attachments, 1.1 `authors` and items
/// with odd fields), feed-rs when ours cannot make sense of it.
pub(crate) fn parse_json(text: &str, base: Option<&Url>) -> Result<ParsedFeed, ParseError> {
    match json::parse(text, base) {
        Ok(parsed) => Ok(parsed),
        Err(own) => match feed_rs_parser(base).parse(text.as_bytes()) {
            Ok(feed) => Ok(merge(feed, RawFeed::default(), base)),
            Err(_) => Err(own),
        },
    }
}

fn merge(feed: Feed, mut raw: RawFeed, base: Option<&Url>) -> ParsedFeed {
    let feed_link = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| resolve(&l.href, base));
    let raw_items = std::mem::take(&mut raw.items);
    let articles = if raw_items.len() == feed.entries.len() {
        feed.entries
            .into_iter()
            .zip(raw_items)
            .map(|(entry, item)| draft_from_entry(entry, Some(item), base))
            .collect()
    } else if raw_items.len() > feed.entries.len() {
        // feed-rs dropped items (RSS 1.0 items without a link, for one): our items lead.
        let mut entries: Vec<Option<Entry>> = feed.entries.into_iter().map(Some).collect();
        raw_items
            .into_iter()
            .map(|item| match take_matching(&mut entries, &item) {
                Some(entry) => draft_from_entry(entry, Some(item), base),
                None => finish(combine(ArticleDraft::default(), Some(item))),
            })
            .collect()
    } else {
        // We could not find every item: feed-rs leads, ours fill in where they match.
        let mut items: Vec<Option<RawItem>> = raw_items.into_iter().map(Some).collect();
        feed.entries
            .into_iter()
            .map(|entry| {
                let position = items
                    .iter()
                    .position(|slot| slot.as_ref().is_some_and(|item| same_item(&entry, item)));
                let item = position
                    .and_then(|p| items.get_mut(p))
                    .and_then(Option::take);
                draft_from_entry(entry, item, base)
            })
            .collect()
    };
    ParsedFeed {
        title: raw
            .title
            .or_else(|| feed.title.map(|t| plain_text(&t.content)))
            .filter(|t| !t.is_empty()),
        link: raw.link.or(feed_link),
        description: raw
            .description
            .or_else(|| feed.description.map(|d| plain_text(&d.content)))
            .filter(|d| !d.is_empty()),
        language: raw
            .language
            .or(feed.language)
            .map(|l| collapse_whitespace(&l))
            .filter(|l| !l.is_empty()),
        articles,
    }
}

/// Whether a feed-rs entry and one of our items are the same item: same id, link or title.
fn same_item(entry: &Entry, item: &RawItem) -> bool {
    if item.id.as_deref() == Some(entry.id.as_str()) {
        return true;
    }
    let href = entry.links.first().map(|l| l.href.as_str());
    if href.is_some() && item.link.as_deref() == href {
        return true;
    }
    let title = entry.title.as_ref().map(|t| plain_text(&t.content));
    title.is_some() && item.title == title
}

fn take_matching(entries: &mut [Option<Entry>], item: &RawItem) -> Option<Entry> {
    let position = entries
        .iter()
        .position(|slot| slot.as_ref().is_some_and(|entry| same_item(entry, item)))?;
    entries.get_mut(position).and_then(Option::take)
}

fn draft_from_entry(entry: Entry, raw: Option<RawItem>, base: Option<&Url>) -> ArticleDraft {
    let item_base = raw
        .as_ref()
        .and_then(|r| r.base.clone())
        .or_else(|| base.cloned());
    let item_base = item_base.as_ref();
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| resolve(&l.href, item_base));
    let mut enclosures: Vec<Enclosure> = Vec::new();
    for link in entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
    {
        add_enclosure(
            &mut enclosures,
            &link.href,
            link.media_type.clone(),
            link.length,
            item_base,
        );
    }
    let mut views = None;
    for media in &entry.media {
        for content in &media.content {
            if let Some(url) = &content.url {
                let kind = content.content_type.as_ref().map(|t| t.to_string());
                add_enclosure(&mut enclosures, url.as_str(), kind, content.size, item_base);
            }
        }
        views = views.or_else(|| {
            media
                .community
                .as_ref()?
                .stats_views
                .and_then(|v| i64::try_from(v).ok())
        });
    }
    let summary = entry
        .summary
        .map(|s| s.content)
        .filter(|s| !s.trim().is_empty());
    let content = entry
        .content
        .and_then(|c| c.body)
        .filter(|b| !b.trim().is_empty());
    let from_feed = ArticleDraft {
        id: Some(entry.id).filter(|id| !id.trim().is_empty()),
        title: entry
            .title
            .map(|t| plain_text(&t.content))
            .unwrap_or_default(),
        link,
        published: entry.published,
        updated: entry.updated,
        author: entry
            .authors
            .first()
            .map(|a| plain_text(a.name.as_deref().unwrap_or_default()))
            .filter(|a| !a.is_empty()),
        categories: entry
            .categories
            .iter()
            .map(|c| plain_text(c.label.as_deref().unwrap_or(&c.term)))
            .filter(|c| !c.is_empty())
            .collect(),
        summary,
        content,
        enclosures,
        views,
        comments: None,
        score: None,
    };
    finish(combine(from_feed, raw))
}

/// Field by field: scanner first for title/link/author, feed-rs first for the rest.
fn combine(feed: ArticleDraft, raw: Option<RawItem>) -> ArticleDraft {
    let Some(raw) = raw else {
        return feed;
    };
    let mut categories = feed.categories;
    for category in raw.categories {
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    let mut enclosures = feed.enclosures;
    for enclosure in raw.enclosures {
        if !enclosures.iter().any(|e| e.url == enclosure.url) {
            enclosures.push(enclosure);
        }
    }
    // Our scanner knows Atom content modes (base64, inline XHTML, unknown types); feed-rs does not.
    let content = if raw.content_unreadable {
        raw.content
    } else {
        raw.content.or(feed.content)
    };
    ArticleDraft {
        // feed-rs invents ids for items without one (a random UUID without a link): keep the
        // document's own id, or none, so the store's link/title key stays stable.
        id: raw.id,
        title: raw
            .title
            .filter(|t| !t.is_empty())
            .or(Some(feed.title))
            .filter(|t| !t.is_empty())
            .or(raw.alt_title)
            .unwrap_or_default(),
        link: raw.link.or(feed.link),
        // Ours know which element a date came from (dc:date vs dcterms:modified); feed-rs mixes them.
        published: raw.published.or(feed.published),
        updated: raw.updated.or(feed.updated),
        author: raw.author.or(feed.author).or(raw.alt_author),
        categories,
        summary: feed.summary.or(raw.summary).or(raw.alt_summary),
        content,
        enclosures,
        views: raw.views.or(feed.views),
        comments: raw.comments.or(feed.comments),
        score: feed.score,
    }
}

/// A draft from the scanner alone (feed-rs rejected the document).
fn from_raw(raw: RawFeed) -> ParsedFeed {
    ParsedFeed {
        title: raw.title,
        link: raw.link,
        description: raw.description,
        language: raw.language,
        articles: raw
            .items
            .into_iter()
            .map(|item| finish(combine(ArticleDraft::default(), Some(item))))
            .collect(),
    }
}

/// Final touches every draft gets: sanitised bodies, a title for untitled items, a date from
/// `updated` when there is no `published`.
pub(crate) fn finish(mut draft: ArticleDraft) -> ArticleDraft {
    draft.summary = draft.summary.map(clean_trimmed).filter(|s| !s.is_empty());
    draft.content = draft.content.map(clean_trimmed).filter(|s| !s.is_empty());
    draft.id = draft.id.map(clean_trimmed).filter(|id| !id.is_empty());
    draft.link = draft.link.map(clean_trimmed).filter(|l| !l.is_empty());
    if draft.title.is_empty() {
        let body = draft
            .summary
            .as_deref()
            .or(draft.content.as_deref())
            .map(plain_text);
        draft.title = match body {
            Some(text) if text.chars().count() > DERIVED_TITLE_CHARS => {
                let mut short: String = text.chars().take(DERIVED_TITLE_CHARS).collect();
                short.push('…');
                short
            }
            Some(text) => text,
            None => String::new(),
        };
    }
    // A hostile feed can send a title of any length; nothing shows more than a line or two.
    draft.title = truncate_line(draft.title);
    draft.author = draft.author.map(truncate_line);
    draft.categories = draft.categories.into_iter().map(truncate_line).collect();
    draft.published = draft.published.or(draft.updated);
    for enclosure in &mut draft.enclosures {
        enclosure.url = clean(&enclosure.url);
    }
    draft
}

fn add_enclosure(
    list: &mut Vec<Enclosure>,
    href: &str,
    kind: Option<String>,
    length: Option<u64>,
    base: Option<&Url>,
) {
    let url = resolve(href, base).unwrap_or_else(|| href.trim().to_string());
    if url.is_empty() || list.iter().any(|e| e.url == url) {
        return;
    }
    list.push(Enclosure {
        url,
        mime_type: kind,
        length,
    });
}
