//! What the headless commands print: plain lines for people, JSON for scripts.

use std::io::Write;

use serde_json::{Value, json};

use super::CliError;
use crate::model::{ArticleQuery, ParsedFeed};
use crate::render::html_to_text;
use crate::render::sanitize::clean_line;
use crate::store::Store;

fn write_out(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .or_else(|err| {
            // A closed pipe (`tidings list | head`) is not an error worth a message.
            if err.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(CliError::failed(format!("stdout: {err}")))
            }
        })
}

fn to_json(value: &Value) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|err| CliError::failed(format!("json: {err}")))
}

/// `sources`: one line per source, then `N sources, M articles, U unread`.
pub fn print_sources(store: &Store, json: bool) -> Result<(), CliError> {
    let rows = store.sources()?;
    if json {
        let value =
            serde_json::to_value(&rows).map_err(|err| CliError::failed(format!("json: {err}")))?;
        return write_out(&to_json(&value)?);
    }
    let mut text = String::new();
    let (mut articles, mut unread) = (0, 0);
    for row in &rows {
        articles += row.articles;
        unread += row.unread;
        let refreshed = row
            .last_refresh
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "never".to_string());
        let categories = if row.categories.is_empty() {
            "-".to_string()
        } else {
            row.categories.join(", ")
        };
        text.push_str(&format!(
            "{}  [{}]  {}  refreshed {}  {} articles, {} unread",
            clean_line(&row.name),
            row.kind.as_str(),
            categories,
            refreshed,
            row.articles,
            row.unread
        ));
        if let Some(error) = &row.last_error {
            text.push_str(&format!("  error: {}", clean_line(error)));
        }
        text.push('\n');
    }
    text.push_str(&format!(
        "{} sources, {} articles, {} unread\n",
        rows.len(),
        articles,
        unread
    ));
    write_out(&text)
}

/// `list`: one line per article, or a JSON array of whole articles.
pub fn print_articles(store: &Store, query: &ArticleQuery, json: bool) -> Result<(), CliError> {
    let rows = store.list_articles(query)?;
    if json {
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(article) = store.article(row.id)? {
                items.push(json!({
                    "id": article.id.0,
                    "source": article.source_name,
                    "source_categories": article.source_categories,
                    "guid": article.guid,
                    "title": article.title,
                    "link": article.link,
                    "author": article.author,
                    "published": article.published,
                    "updated": article.updated,
                    "first_seen": article.first_seen,
                    "categories": article.categories,
                    "summary": article.summary.as_deref().map(html_to_text),
                    "views": article.views,
                    "score": article.score,
                    "comments": article.comments,
                    "read": article.read,
                    "starred": article.starred,
                    "opened": article.opened,
                }));
            }
        }
        return write_out(&to_json(&Value::Array(items))?);
    }
    let mut text = String::new();
    for row in &rows {
        let date = row
            .published
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "----------------".to_string());
        let popularity = match (row.views, row.score, row.comments) {
            (Some(views), _, _) => format!("{views} views"),
            (None, Some(score), comments) => {
                format!("{score} points, {} comments", comments.unwrap_or(0))
            }
            (None, None, Some(comments)) => format!("{comments} comments"),
            _ => String::new(),
        };
        text.push_str(&format!(
            "{} {}  {}  [{}]{}\n",
            if row.read { " " } else { "N" },
            date,
            clean_line(&row.title),
            clean_line(&row.source_name),
            if popularity.is_empty() {
                String::new()
            } else {
                format!("  {popularity}")
            }
        ));
    }
    write_out(&text)
}

/// `parse`: the shape of DESIGN.md section 3 with `--json`, a short listing without.
pub fn print_parsed(parsed: &ParsedFeed, json: bool) -> Result<(), CliError> {
    let text_or_null = |html: &Option<String>| -> Value {
        match html.as_deref().map(html_to_text) {
            Some(text) if !text.trim().is_empty() => Value::String(text),
            _ => Value::Null,
        }
    };
    let string_or_null = |s: &Option<String>| -> Value {
        s.as_deref()
            .filter(|s| !s.is_empty())
            .map_or(Value::Null, |s| Value::String(s.to_string()))
    };
    if json {
        let articles: Vec<Value> = parsed
            .articles
            .iter()
            .map(|a| {
                json!({
                    "id": a.id,
                    "title": if a.title.is_empty() { Value::Null } else { Value::String(a.title.clone()) },
                    "link": a.link,
                    "published": a.published,
                    "updated": a.updated,
                    "author": a.author,
                    "categories": a.categories,
                    "summary": text_or_null(&a.summary),
                    "content": text_or_null(&a.content),
                    "enclosures": a.enclosures.iter().map(|e| json!({"url": e.url, "type": e.mime_type, "length": e.length})).collect::<Vec<_>>(),
                    "views": a.views,
                    "comments": a.comments,
                    "score": a.score,
                })
            })
            .collect();
        let value = json!({
            "title": string_or_null(&parsed.title),
            "link": string_or_null(&parsed.link),
            "description": string_or_null(&parsed.description),
            "language": string_or_null(&parsed.language),
            "articles": articles,
        });
        return write_out(&to_json(&value)?);
    }
    let mut text = format!(
        "{} ({} articles)\n",
        parsed.title.as_deref().unwrap_or("(untitled)"),
        parsed.articles.len()
    );
    for a in &parsed.articles {
        let date = a
            .published
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "no date".to_string());
        text.push_str(&format!(
            "- {}  {}  {}\n",
            date,
            a.title,
            a.link.as_deref().unwrap_or("")
        ));
    }
    write_out(&text)
}

/// One `[[source]]` table for the config file, with TOML escaping.
pub fn source_table(url: &str, name: Option<&str>, categories: &[String]) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = format!("\n[[source]]\nurl = {}\n", quote(url));
    if let Some(name) = name {
        text.push_str(&format!("name = {}\n", quote(name)));
    }
    match categories {
        [] => {}
        [one] => text.push_str(&format!("category = {}\n", quote(one))),
        many => {
            let list: Vec<String> = many.iter().map(|c| quote(c)).collect();
            text.push_str(&format!("category = [{}]\n", list.join(", ")));
        }
    }
    text
}
