//! Recognising an HTML page handed over as a feed, and finding the feed it advertises. Pure.

use crate::parse::links::resolve;
use crate::parse::text::decode_entities;
use regex::Regex;
use std::sync::OnceLock;
use url::Url;

/// Feed MIME types a page may advertise with `<link rel="alternate">`.
const FEED_TYPES: [&str; 5] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// Whether the document is an HTML page: an HTML doctype or an `<html>` root, ignoring the XML
/// prolog, comments and whitespace before it.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let mut rest = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    for _ in 0..16 {
        let lower_head: String = rest
            .chars()
            .take(14)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower_head.starts_with("<!doctype html") || lower_head.starts_with("<html") {
            return true;
        }
        let skip_to = if lower_head.starts_with("<?") {
            rest.find("?>").map(|e| e + 2)
        } else if lower_head.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else if lower_head.starts_with("<!doctype") {
            rest.find('>').map(|e| e + 1)
        } else {
            None
        };
        match skip_to.and_then(|at| rest.get(at..)) {
            Some(next) => rest = next.trim_start(),
            None => return false,
        }
    }
    false
}

/// The first `<link rel="alternate" type="<feed type>" href>` of a page, made absolute against
/// the page's `<base href>` (if any) and `base_url`.
pub(crate) fn alternate_feed(html: &str, base_url: Option<&Url>) -> Option<String> {
    static TAGS: OnceLock<Option<(Regex, Regex, Regex)>> = OnceLock::new();
    let (link_tag, base_tag, attr) = TAGS
        .get_or_init(|| {
            Some((
                Regex::new(r"(?is)<link\b[^>]*>").ok()?,
                Regex::new(r"(?is)<base\b[^>]*>").ok()?,
                Regex::new(r#"(?is)([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#).ok()?,
            ))
        })
        .as_ref()?;
    let attrs = |tag: &str| -> Vec<(String, String)> {
        attr.captures_iter(tag)
            .filter_map(|c| {
                let key = c.get(1)?.as_str().to_ascii_lowercase();
                let value = c.get(2).or(c.get(3)).or(c.get(4))?.as_str();
                Some((key, decode_entities(value.trim())))
            })
            .collect()
    };
    let get = |attrs: &[(String, String)], key: &str| {
        attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };

    let page_base = base_tag
        .find(html)
        .and_then(|tag| get(&attrs(tag.as_str()), "href"))
        .and_then(|href| resolve(&href, base_url))
        .and_then(|href| Url::parse(&href).ok());
    let base = page_base.as_ref().or(base_url);

    link_tag.find_iter(html).find_map(|tag| {
        let attrs = attrs(tag.as_str());
        let rel = get(&attrs, "rel")?.to_ascii_lowercase();
        let kind = get(&attrs, "type")?.to_ascii_lowercase();
        let kind = kind.split(';').next().unwrap_or("").trim().to_string();
        if !rel.split_whitespace().any(|r| r == "alternate") || !FEED_TYPES.contains(&kind.as_str())
        {
            return None;
        }
        let href = get(&attrs, "href")?;
        Some(resolve(&href, base).unwrap_or(href))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_after_prolog_and_comments() {
        assert!(looks_like_html("<!DOCTYPE html><html>"));
        assert!(looks_like_html(
            "\n<?xml version='1.0'?>\n<!-- hi -->\n<HTML lang=en>"
        ));
        assert!(!looks_like_html("<?xml version='1.0'?><rss version='2.0'>"));
        assert!(!looks_like_html("{\"version\": 1}"));
    }

    #[test]
    fn alternate_is_resolved() {
        let base = Url::parse("https://news.example.edu/info/index.htm").ok();
        let html = r#"<head><link rel="stylesheet" href="a.css"><link type="application/rss+xml" rel="alternate" href="../rss.xml?a=1&amp;b=2"></head>"#;
        assert_eq!(
            alternate_feed(html, base.as_ref()).as_deref(),
            Some("https://news.example.edu/rss.xml?a=1&b=2")
        );
        assert_eq!(
            alternate_feed("<link rel=alternate href=x>", base.as_ref()),
            None
        );
    }
}
