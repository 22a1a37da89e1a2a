//! Which element of an item or a channel becomes which field: the scanner hands each closed
//! element here (`item_field`, `feed_field`) with its text, attributes and inner markup.
use super::{Frame, RawFeed, RawItem, core, local};
use crate::model::Enclosure;
use crate::parse::dates::parse_date;
use crate::parse::links::resolve;
use crate::parse::text::{
    collapse_whitespace, decode_base64, escape_html, literal_text, plain_text, trimmed,
};
use url::Url;

pub(super) fn feed_field(feed: &mut RawFeed, frame: &Frame, base: Option<&Url>) {
    let set = |slot: &mut Option<String>, value: String| {
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    };
    match frame.name.as_str() {
        "title" | "atom:title" => set(&mut feed.title, text_field(frame)),
        "description" | "subtitle" | "atom:subtitle" | "itunes:summary" => {
            set(&mut feed.description, plain_text(&frame.text))
        }
        "language" | "dc:language" => set(&mut feed.language, collapse_whitespace(&frame.text)),
        "link" | "atom:link" => {
            if let Some(href) = link_href(frame) {
                set(&mut feed.link, resolve(&href, base).unwrap_or(href));
            }
        }
        _ => {}
    }
}

/// The target of an Atom `<link rel="alternate" href>` or an RSS `<link>text</link>`.
fn link_href(frame: &Frame) -> Option<String> {
    match frame.attr("href") {
        Some(href) => match frame.attr("rel").unwrap_or("alternate") {
            "alternate" => Some(href.trim().to_string()),
            _ => None,
        },
        None => Some(frame.text.trim().to_string()).filter(|t| !t.is_empty()),
    }
}

pub(super) fn item_field(
    item: &mut RawItem,
    frame: &mut Frame,
    parent: &str,
    direct: bool,
    inner: &str,
    base: Option<&Url>,
) {
    let date = || parse_date(&frame.text);
    let first = |slot: &mut Option<String>, value: String| {
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    };
    let core_name = if direct { core(&frame.name) } else { None };
    match (core_name, frame.name.as_str()) {
        (Some("title"), _) => first(&mut item.title, text_field(frame)),
        (Some("link"), _) => {
            let rel = frame.attr("rel").unwrap_or("alternate");
            if rel == "enclosure" {
                push_enclosure(
                    item,
                    frame.attr("href"),
                    frame.attr("type"),
                    frame.attr("length"),
                    base,
                );
            } else if let Some(href) = link_href(frame) {
                first(&mut item.link, resolve(&href, base).unwrap_or(href));
            }
        }
        (Some("guid" | "id"), _) => {
            let id = collapse_whitespace(&frame.text);
            let permalink = frame.name == "guid" && frame.attr("ispermalink") != Some("false");
            if permalink
                && item.link.is_none()
                && (id.starts_with("http://") || id.starts_with("https://"))
            {
                item.link = Some(id.clone());
            }
            first(&mut item.id, id);
        }
        (Some("pubdate" | "published" | "issued" | "created"), _) => {
            item.published = item.published.or_else(date)
        }
        (_, "dc:date" | "dcterms:issued" | "dcterms:created" | "dcterms:date") => {
            item.published = item.published.or_else(date)
        }
        (Some("updated" | "modified"), _) | (_, "dcterms:modified") => {
            item.updated = item.updated.or_else(date)
        }
        // RSS `<author>mail (Name)</author>`; an Atom `<author>` has children, its `<name>` is
        // taken by the next arm.
        (Some("author"), _) if !inner.contains('<') => {
            first(&mut item.author, person_name(&plain_text(&frame.text)));
        }
        (_, "name" | "atom:name") if local(parent) == "author" => {
            first(&mut item.author, plain_text(&frame.text));
        }
        (_, "dc:creator" | "dc:author") => first(&mut item.author, plain_text(&frame.text)),
        (_, "itunes:author" | "media:credit") => {
            first(&mut item.alt_author, plain_text(&frame.text))
        }
        (Some("category"), _) => {
            let term = frame
                .attr("label")
                .or(frame.attr("term"))
                .map(str::to_string);
            let value = plain_text(&term.unwrap_or_else(|| frame.text.clone()));
            if !value.is_empty() && !item.categories.contains(&value) {
                item.categories.push(value);
            }
        }
        (_, "dc:subject" | "media:keywords") => {
            for value in frame.text.split([',', ';']).map(plain_text) {
                if !value.is_empty() && !item.categories.contains(&value) {
                    item.categories.push(value);
                }
            }
        }
        (Some("description" | "summary"), _) => {
            let value = html_field(frame, inner, item);
            first(&mut item.summary, value);
        }
        (Some("content"), _) => {
            let value = html_field(frame, inner, item);
            first(&mut item.content, value);
        }
        (_, "content:encoded" | "xhtml:body") => {
            first(&mut item.content, trimmed(std::mem::take(&mut frame.text)))
        }
        (_, "itunes:summary" | "itunes:subtitle" | "media:description") => {
            first(&mut item.alt_summary, frame.text.trim().to_string())
        }
        (_, "media:title" | "itunes:title") => first(&mut item.alt_title, plain_text(&frame.text)),
        (_, "slash:comments" | "thr:total") => {
            item.comments = item.comments.or_else(|| count(&frame.text))
        }
        (_, "media:statistics") => {
            item.views = item.views.or_else(|| frame.attr("views").and_then(count))
        }
        (Some("enclosure"), _) | (_, "media:content") => {
            let url = frame.attr("url").or(frame.attr("href"));
            let length = frame.attr("length").or(frame.attr("filesize"));
            push_enclosure(item, url, frame.attr("type"), length, base);
        }
        _ => {}
    }
}

/// "press@example.edu (Press Office)" → "Press Office"; anything else as it is.
fn person_name(text: &str) -> String {
    if let Some((mail, rest)) = text.split_once(" (")
        && mail.contains('@')
        && !mail.contains(' ')
        && let Some(name) = rest.strip_suffix(')')
        && !name.trim().is_empty()
    {
        return name.trim().to_string();
    }
    text.to_string()
}

/// A title-like field: Atom `type="text"` is literal, anything else may carry markup.
fn text_field(frame: &Frame) -> String {
    match frame.attr("type") {
        Some("text" | "text/plain") => literal_text(&frame.text),
        _ => plain_text(&frame.text),
    }
}

/// An HTML-bearing field: XHTML inline, escaped HTML, plain text escaped, base64 decoded.
fn html_field(frame: &mut Frame, inner: &str, item: &mut RawItem) -> String {
    let kind = frame
        .attr("type")
        .unwrap_or("html")
        .trim()
        .to_ascii_lowercase();
    let mode = frame.attr("mode").unwrap_or("").to_ascii_lowercase();
    if frame.attr("src").is_some() && frame.text.trim().is_empty() {
        return String::new();
    }
    let inline_xml =
        kind == "xhtml" || kind.ends_with("+xml") || kind.ends_with("/xml") || mode == "xml";
    if inline_xml && mode != "base64" && mode != "escaped" {
        return inner.trim().to_string();
    }
    let textual = matches!(kind.as_str(), "html" | "text" | "") || kind.starts_with("text/");
    let body = if mode == "base64" || !textual {
        match decode_base64(&frame.text).and_then(|b| String::from_utf8(b).ok()) {
            Some(decoded) if textual || kind.contains("html") => decoded,
            _ => {
                item.content_unreadable = true;
                return String::new();
            }
        }
    } else {
        std::mem::take(&mut frame.text)
    };
    if kind == "text" || kind == "text/plain" {
        return escape_html(body.trim());
    }
    trimmed(body)
}

fn push_enclosure(
    item: &mut RawItem,
    url: Option<&str>,
    kind: Option<&str>,
    length: Option<&str>,
    base: Option<&Url>,
) {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return;
    };
    let url = resolve(url, base).unwrap_or_else(|| url.to_string());
    if item.enclosures.iter().any(|e| e.url == url) {
        return;
    }
    item.enclosures.push(Enclosure {
        url,
        mime_type: kind.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()),
        length: length.and_then(|l| l.trim().parse().ok()),
    });
}

/// A count such as "1,532" or " 12 ".
fn count(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    digits.parse::<i64>().ok().filter(|n| *n >= 0)
}
