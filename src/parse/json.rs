//! A tolerant JSON Feed 1.0/1.1 reader over `serde_json::Value`, for documents feed-rs rejects
//! (missing or odd `version`, wrongly typed fields) or items it drops. Pure.

use crate::model::{ArticleDraft, Enclosure, ParsedFeed};
use crate::parse::ParseError;
use crate::parse::dates::parse_date;
use crate::parse::feed::finish;
use crate::parse::links::resolve;
use crate::parse::text::{collapse_whitespace, escape_html, plain_text};
use serde_json::Value;
use url::Url;

/// Read a JSON Feed; anything that is not a JSON object with an `items` array is `Malformed`.
pub(crate) fn parse(text: &str, base: Option<&Url>) -> Result<ParsedFeed, ParseError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ParseError::malformed(&format!("unable to parse JSON: {e}")))?;
    let Some(items) = value.get("items").and_then(Value::as_array) else {
        return Err(ParseError::malformed(
            "JSON document without an items array",
        ));
    };
    let string = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let base_owned = string(&value, "home_page_url")
        .and_then(|u| Url::parse(&u).ok())
        .or_else(|| base.cloned());
    let base = base_owned.as_ref().or(base);
    Ok(ParsedFeed {
        title: string(&value, "title")
            .map(|t| plain_text(&t))
            .filter(|t| !t.is_empty()),
        link: string(&value, "home_page_url").and_then(|u| resolve(&u, base)),
        description: string(&value, "description")
            .map(|t| plain_text(&t))
            .filter(|t| !t.is_empty()),
        language: string(&value, "language").map(|l| collapse_whitespace(&l)),
        articles: items
            .iter()
            .filter(|i| i.is_object())
            .take(crate::parse::scan::MAX_ITEMS)
            .map(|item| draft(item, base))
            .collect(),
    })
}

fn draft(item: &Value, base: Option<&Url>) -> ArticleDraft {
    let string = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
    let id = match item.get("id") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let author_of = |v: &Value| v.get("name").and_then(Value::as_str).map(plain_text);
    let author = item
        .get("authors")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find_map(author_of))
        .or_else(|| item.get("author").and_then(author_of))
        .filter(|a| !a.is_empty());
    let categories = item
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(plain_text)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let content =
        string("content_html").or_else(|| string("content_text").map(|t| escape_text(&t)));
    let enclosures = item
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| {
                    let url = resolve(a.get("url")?.as_str()?, base)?;
                    Some(Enclosure {
                        url,
                        mime_type: a
                            .get("mime_type")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        length: a.get("size_in_bytes").and_then(Value::as_u64),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    finish(ArticleDraft {
        id,
        title: string("title").map(|t| plain_text(&t)).unwrap_or_default(),
        link: string("url")
            .or_else(|| string("external_url"))
            .and_then(|u| resolve(&u, base)),
        published: string("date_published").as_deref().and_then(parse_date),
        updated: string("date_modified").as_deref().and_then(parse_date),
        author,
        categories,
        summary: string("summary"),
        content,
        enclosures,
        views: None,
        comments: None,
        score: None,
    })
}

/// `content_text` as HTML: escaped, with paragraphs kept.
fn escape_text(text: &str) -> String {
    escape_html(text)
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}
