//! News APIs → drafts: Hacker News story lists and items, and any JSON API mapped with JSON
//! pointers. Pure and synchronous; missing fields become `None`, never an error.

use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

use crate::config::rules::JsonRules;
use crate::model::{ArticleDraft, ParsedFeed};
use crate::parse::dates::parse_date;
use crate::parse::text::{escape_html, plain_text};
use crate::render::sanitize::clean_line;

/// Why an API answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("expected {expected} at {pointer:?}")]
    Shape { expected: String, pointer: String },
}

fn json(bytes: &[u8]) -> Result<Value, ApiError> {
    let text = String::from_utf8_lossy(bytes);
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let message = e.to_string();
        ApiError::NotJson(clean_line(&message.chars().take(160).collect::<String>()))
    })
}

/// A story list (`topstories.json`…): item ids in rank order.
pub fn hn_story_ids(bytes: &[u8]) -> Result<Vec<u64>, ApiError> {
    let value = json(bytes)?;
    let ids = value.as_array().ok_or_else(|| ApiError::Shape {
        expected: "an array of item ids".into(),
        pointer: String::new(),
    })?;
    Ok(ids.iter().filter_map(Value::as_u64).collect())
}

/// One item (`item/{id}.json`). `None` for `null`, deleted or dead items and for comments;
/// `site` is where discussion pages live (`https://news.ycombinator.com/`).
pub fn hn_item(bytes: &[u8], site: &Url) -> Result<Option<ArticleDraft>, ApiError> {
    let value = json(bytes)?;
    if value.is_null() {
        return Ok(None);
    }
    let item = value.as_object().ok_or_else(|| ApiError::Shape {
        expected: "an item object".into(),
        pointer: String::new(),
    })?;
    let flag = |key: &str| item.get(key).and_then(Value::as_bool).unwrap_or(false);
    if flag("deleted") || flag("dead") {
        return Ok(None);
    }
    let Some(id) = item.get("id").and_then(Value::as_u64) else {
        return Ok(None);
    };
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("story");
    if matches!(kind, "comment" | "pollopt") {
        return Ok(None);
    }
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    let discussion = site
        .join(&format!("item?id={id}"))
        .map(|u| u.to_string())
        .ok();
    let link = text("url")
        .and_then(|u| Url::parse(u.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string())
        .or_else(|| discussion.clone());
    let title = text("title")
        .map(plain_text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Item {id}"));
    // Ask/Show HN text is HTML already; a link post gets a pointer to its discussion.
    let content = match (text("text").filter(|t| !t.trim().is_empty()), &discussion) {
        (Some(body), _) => Some(crate::render::sanitize::clean(body).into_owned()),
        (None, Some(d)) if link.as_deref() != Some(d.as_str()) => Some(format!(
            "<p><a href=\"{}\">Discussion on Hacker News</a></p>",
            escape_html(d)
        )),
        _ => None,
    };
    Ok(Some(ArticleDraft {
        id: Some(format!("hn:{id}")),
        title,
        link,
        published: item
            .get("time")
            .and_then(Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0)),
        author: text("by").map(clean_line).filter(|a| !a.is_empty()),
        categories: if kind == "story" {
            Vec::new()
        } else {
            vec![kind.to_string()]
        },
        content,
        score: item.get("score").and_then(Value::as_i64),
        comments: item.get("descendants").and_then(Value::as_i64),
        ..ArticleDraft::default()
    }))
}

/// A JSON API answer mapped by pointers. Items without a title are skipped.
pub fn json_items(bytes: &[u8], rules: &JsonRules, base: &Url) -> Result<ParsedFeed, ApiError> {
    let value = json(bytes)?;
    let items = value
        .pointer(&rules.items)
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::Shape {
            expected: "an array of items".into(),
            pointer: rules.items.clone(),
        })?;
    let articles = items
        .iter()
        .filter_map(|item| json_item(item, rules, base))
        .collect();
    Ok(ParsedFeed {
        link: Some(base.to_string()),
        articles,
        ..ParsedFeed::default()
    })
}

fn json_item(item: &Value, rules: &JsonRules, base: &Url) -> Option<ArticleDraft> {
    let at = |pointer: &Option<String>| pointer.as_deref().and_then(|p| item.pointer(p));
    let string = |pointer: &Option<String>| {
        at(pointer).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let title = item
        .pointer(&rules.title)
        .and_then(Value::as_str)
        .map(plain_text)
        .filter(|t| !t.is_empty())?;
    let link = string(&rules.link)
        .and_then(|l| base.join(l.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string());
    let number = |pointer: &Option<String>| {
        at(pointer).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .or_else(|| {
                    v.as_str()
                        .and_then(|s| s.trim().replace(',', "").parse().ok())
                })
        })
    };
    let html = |pointer: &Option<String>| {
        string(pointer)
            .filter(|s| !s.trim().is_empty())
            .map(|s| crate::render::sanitize::clean(&s).into_owned())
    };
    Some(ArticleDraft {
        id: string(&rules.id).filter(|s| !s.trim().is_empty()),
        title,
        link,
        published: at(&rules.date).and_then(date_value),
        author: string(&rules.author)
            .map(|a| clean_line(&a))
            .filter(|a| !a.is_empty()),
        summary: html(&rules.summary),
        content: html(&rules.body),
        views: number(&rules.views),
        score: number(&rules.score),
        comments: number(&rules.comments),
        ..ArticleDraft::default()
    })
}

/// A date as APIs write it: text in any feed form, or Unix seconds (milliseconds when huge).
fn date_value(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => parse_date(s),
        Value::Number(n) => {
            let t = n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?;
            if t > 100_000_000_000 {
                DateTime::from_timestamp_millis(t)
            } else {
                DateTime::from_timestamp(t, 0)
            }
        }
        _ => None,
    }
}
