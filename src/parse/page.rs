//! Pages of sites without feeds, read by rules: list pages → items and the next page, article
//! pages → drafts and counter references, counter responses → counts. Pure and synchronous.

mod body;
mod dates;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use scraper::{ElementRef, Html};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::rules::{CounterFormat, CounterRules, Extract, PageRules, Sel};
use crate::fetch::charset;
use crate::model::{ArticleDraft, Enclosure, ParsedFeed};
use crate::render::sanitize::clean_line;

pub use dates::parse_page_date;

/// A rule that found nothing where something must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("rule {rule} ({selector}) matched nothing on {url}")]
    NothingMatched {
        rule: String,
        selector: String,
        url: String,
    },
    #[error("rule list.link found no links in the {rows} rows on {url}")]
    NoLinks { rows: usize, url: String },
}

/// One row of a list page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    /// Absolute article URL: also the article's id.
    pub url: Url,
    pub title: String,
    pub published: Option<DateTime<Utc>>,
    pub views: Option<i64>,
}

impl ListItem {
    /// What the list shows of an item; when it changes, the article page is fetched again.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}",
            article_id(&self.url),
            self.title,
            self.published.map(|d| d.to_rfc3339()).unwrap_or_default()
        )
    }
}

/// The id of a page article: its URL's path and query. Scheme, host and port stay out so a site
/// moving to https (or the demo server to another port) does not duplicate every article.
pub fn article_id(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// Moves a stored URL onto `origin`'s scheme, host and port (see [`article_id`]).
pub fn rebase(url: &str, origin: &Url) -> Option<Url> {
    let parsed = Url::parse(url).ok()?;
    if parsed.scheme() == "file" {
        return Some(parsed);
    }
    origin.join(&article_id(&parsed)).ok()
}

/// A list page: its rows in page order and the next page, if any.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListPage {
    pub items: Vec<ListItem>,
    pub next: Option<Url>,
}

/// How to ask for an article's count later: captured template values, or a URL read from the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CounterRef {
    Args(BTreeMap<String, String>),
    Url(String),
}

/// An article page read by the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticlePage {
    pub draft: ArticleDraft,
    pub counter: Option<CounterRef>,
}

/// Decodes page bytes (BOM → header → meta → detection) and parses the HTML.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    charset::decode(bytes, content_type).text.into_owned()
}

/// Reads a list page. Rows without a usable link are skipped; no rows at all is an error naming
/// `list.item`, rows without any link an error naming `list.link`.
pub fn extract_list(
    html: &str,
    page_url: &Url,
    rules: &PageRules,
    now: DateTime<Utc>,
) -> Result<ListPage, PageError> {
    let doc = Html::parse_document(html);
    let rows: Vec<ElementRef<'_>> = doc.select(&rules.list.item.selector).collect();
    if rows.is_empty() {
        return Err(nothing("list.item", &rules.list.item, page_url));
    }
    let mut items: Vec<ListItem> = Vec::new();
    for row in &rows {
        let Some(url) = values(&rules.list.link, *row)
            .find_map(|href| body::absolute(&href, page_url))
            .and_then(|u| Url::parse(&u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https" | "file"))
        else {
            continue;
        };
        if items.iter().any(|i| i.url == url) {
            continue;
        }
        let title = first_text(&rules.list.title, *row)
            .or_else(|| default_title(*row))
            .unwrap_or_else(|| url.to_string());
        let published = rules.list.date.iter().find_map(|ex| {
            values(ex, *row)
                .find_map(|t| parse_page_date(&t, &rules.date_formats, rules.timezone, now))
        });
        let views = rules
            .list
            .views
            .iter()
            .find_map(|ex| values(ex, *row).find_map(|t| count_in(&t)));
        items.push(ListItem {
            url,
            title,
            published,
            views,
        });
    }
    if items.is_empty() {
        return Err(PageError::NoLinks {
            rows: rows.len(),
            url: page_url.to_string(),
        });
    }
    let next = rules.list.next.as_ref().and_then(|next| {
        doc.select(&next.selector)
            .filter_map(|a| a.value().attr("href"))
            .filter_map(|href| body::absolute(href, page_url))
            .filter_map(|u| Url::parse(&u).ok())
            .find(|u| u != page_url && matches!(u.scheme(), "http" | "https" | "file"))
    });
    Ok(ListPage { items, next })
}

/// Reads an article page at `page_url`. The body must match; title and date fall back to `listed`.
pub fn extract_article(
    html: &str,
    page_url: &Url,
    rules: &PageRules,
    listed: Option<&ListItem>,
    now: DateTime<Utc>,
) -> Result<ArticlePage, PageError> {
    let doc = Html::parse_document(html);
    let root = doc.root_element();
    let a = &rules.article;
    let Some(body_root) = a
        .body
        .iter()
        .find_map(|sel| doc.select(&sel.selector).next())
    else {
        let all: Vec<&str> = a.body.iter().map(|s| s.text.as_str()).collect();
        return Err(PageError::NothingMatched {
            rule: "article.body".to_string(),
            selector: all.join(" | "),
            url: page_url.to_string(),
        });
    };
    let removed: Vec<ElementRef<'_>> = a
        .remove
        .iter()
        .flat_map(|sel| body_root.select(&sel.selector))
        .collect();
    let content = body::body_html(body_root, &removed, page_url);
    let title = first_text(&a.title, root)
        .or_else(|| listed.map(|l| l.title.clone()))
        .unwrap_or_else(|| page_url.to_string());
    let published = a
        .date
        .iter()
        .find_map(|ex| {
            values(ex, root)
                .find_map(|t| parse_page_date(&t, &rules.date_formats, rules.timezone, now))
        })
        .or_else(|| listed.and_then(|l| l.published));
    let author = first_text(&a.author, root);
    let views = a
        .views
        .iter()
        .find_map(|ex| values(ex, root).find_map(|t| count_in(&t)))
        .or_else(|| listed.and_then(|l| l.views));
    let mut enclosures: Vec<Enclosure> = Vec::new();
    if let Some(sel) = &a.attachments {
        for link in doc.select(&sel.selector) {
            let Some(url) = link
                .value()
                .attr("href")
                .and_then(|h| body::absolute(h, page_url))
            else {
                continue;
            };
            if enclosures.iter().any(|e| e.url == url) {
                continue;
            }
            let name = clean_line(&link.text().collect::<String>());
            enclosures.push(Enclosure {
                mime_type: mime_for(&name)
                    .or_else(|| mime_for(&url))
                    .map(str::to_string),
                url,
                length: None,
            });
        }
    }
    let counter = rules
        .counter
        .as_ref()
        .and_then(|c| counter_ref(c, html, root, page_url));
    let draft = ArticleDraft {
        id: Some(article_id(page_url)),
        title,
        link: Some(page_url.to_string()),
        published,
        author,
        content: (!content.is_empty()).then_some(content),
        enclosures,
        views,
        ..ArticleDraft::default()
    };
    Ok(ArticlePage { draft, counter })
}

/// Reads a page for `tidings parse`: a list page when `list.item` matches, else an article page.
pub fn preview(
    html: &str,
    page_url: &Url,
    rules: &PageRules,
    now: DateTime<Utc>,
) -> Result<ParsedFeed, PageError> {
    let doc = Html::parse_document(html);
    let title = scraper::Selector::parse("title")
        .ok()
        .and_then(|sel| doc.select(&sel).next())
        .map(|t| clean_line(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let articles = match extract_list(html, page_url, rules, now) {
        Ok(list) => list
            .items
            .into_iter()
            .map(|item| ArticleDraft {
                id: Some(article_id(&item.url)),
                link: Some(item.url.to_string()),
                title: item.title,
                published: item.published,
                views: item.views,
                ..ArticleDraft::default()
            })
            .collect(),
        Err(_) => vec![extract_article(html, page_url, rules, None, now)?.draft],
    };
    Ok(ParsedFeed {
        title,
        link: Some(page_url.to_string()),
        articles,
        ..ParsedFeed::default()
    })
}

fn nothing(rule: &str, sel: &Sel, url: &Url) -> PageError {
    PageError::NothingMatched {
        rule: rule.to_string(),
        selector: sel.text.clone(),
        url: url.to_string(),
    }
}

/// The candidate values of an extract within `scope`, in document order, each non-empty.
fn values<'a>(ex: &'a Extract, scope: ElementRef<'a>) -> impl Iterator<Item = String> + 'a {
    let elements: Vec<ElementRef<'a>> = match &ex.selector {
        Some(sel) => scope.select(&sel.selector).collect(),
        None => vec![scope],
    };
    elements.into_iter().filter_map(move |el| {
        let raw = match &ex.attr {
            Some(attr) => el.value().attr(attr)?.to_string(),
            None => el.text().collect::<String>(),
        };
        let text = clean_line(&raw);
        let value = match &ex.regex {
            Some(re) => {
                let caps = re.captures(&text)?;
                caps.get(1)
                    .or_else(|| caps.get(0))?
                    .as_str()
                    .trim()
                    .to_string()
            }
            None => text,
        };
        (!value.is_empty()).then_some(value)
    })
}

fn first_text(extracts: &[Extract], scope: ElementRef<'_>) -> Option<String> {
    extracts.iter().find_map(|ex| values(ex, scope).next())
}

/// A row's title when no rule is given: the link's `title` attribute, else its text.
fn default_title(row: ElementRef<'_>) -> Option<String> {
    let a = scraper::Selector::parse("a").ok()?;
    let link = row.select(&a).next()?;
    link.value()
        .attr("title")
        .map(clean_line)
        .filter(|t| !t.is_empty())
        .or_else(|| Some(clean_line(&link.text().collect::<String>())).filter(|t| !t.is_empty()))
}

/// A count written in text: "1,532", "点击：86次" → the first number, separators ignored.
pub fn count_in(text: &str) -> Option<i64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '\u{a0}')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn mime_for(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(
        match ext.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()) {
            "pdf" => "application/pdf",
            "doc" => "application/msword",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xls" => "application/vnd.ms-excel",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ppt" => "application/vnd.ms-powerpoint",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "zip" => "application/zip",
            "rar" => "application/vnd.rar",
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            "mp4" => "video/mp4",
            "mp3" => "audio/mpeg",
            _ => return None,
        },
    )
}

/// Where this article's count comes from: captured values, else a URL read from the page.
fn counter_ref(
    rules: &CounterRules,
    html: &str,
    root: ElementRef<'_>,
    page_url: &Url,
) -> Option<CounterRef> {
    if let Some(capture) = &rules.capture
        && let Some(caps) = capture.captures(html)
    {
        let args: BTreeMap<String, String> = capture
            .capture_names()
            .flatten()
            .filter_map(|name| Some((name.to_string(), caps.name(name)?.as_str().to_string())))
            .collect();
        if !args.is_empty() {
            return Some(CounterRef::Args(args));
        }
    }
    let from = rules.url_from.as_ref()?;
    values(from, root)
        .find_map(|u| body::absolute(&u, page_url))
        .map(CounterRef::Url)
}

/// The single-article counter URL for a reference, resolved against the article URL.
pub fn counter_url(rules: &CounterRules, counter: &CounterRef, article_url: &Url) -> Option<Url> {
    match counter {
        CounterRef::Url(url) => Url::parse(url).ok(),
        CounterRef::Args(args) => {
            let filled = fill(rules.url.as_deref()?, args)?;
            article_url.join(&filled).ok()
        }
    }
}

/// Batched counter requests: references sharing every captured value but `id` go together, at
/// most `batch_size` per request. Each request lists the indices (into `refs`) it answers, in order.
pub fn batch_requests(
    rules: &CounterRules,
    refs: &[(&CounterRef, &Url)],
) -> Vec<(Url, Vec<usize>)> {
    let Some(template) = rules.batch_url.as_deref() else {
        return Vec::new();
    };
    let mut groups: BTreeMap<(String, BTreeMap<String, String>), Vec<usize>> = BTreeMap::new();
    for (index, (counter, url)) in refs.iter().enumerate() {
        if let CounterRef::Args(args) = counter
            && args.contains_key("id")
        {
            let mut shared = args.clone();
            shared.remove("id");
            let origin = url.origin().ascii_serialization();
            groups.entry((origin, shared)).or_default().push(index);
        }
    }
    let mut out = Vec::new();
    for ((_, shared), members) in groups {
        for chunk in members.chunks(rules.batch_size.max(1)) {
            let ids: Vec<&str> = chunk
                .iter()
                .filter_map(|i| match refs.get(*i)?.0 {
                    CounterRef::Args(args) => args.get("id").map(String::as_str),
                    CounterRef::Url(_) => None,
                })
                .collect();
            let mut args = shared.clone();
            args.insert("ids".to_string(), ids.join(","));
            let Some(first) = chunk.first().and_then(|i| refs.get(*i)) else {
                continue;
            };
            if let Some(url) = fill(template, &args).and_then(|t| first.1.join(&t).ok()) {
                out.push((url, chunk.to_vec()));
            }
        }
    }
    out
}

/// Fills `{name}` placeholders; `None` when a placeholder has no value.
fn fill(template: &str, args: &BTreeMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        out.push_str(args.get(&after[..close])?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A single counter response: the first integer, or a JSON field (`wbshowtimes`, or a pointer).
pub fn parse_count(body: &str, format: &CounterFormat) -> Option<i64> {
    match format {
        CounterFormat::Int => {
            let start = body.find(|c: char| c.is_ascii_digit())?;
            let digits: String = body[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        }
        CounterFormat::Json(field) => {
            let value: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
            let found = if field.starts_with('/') {
                value.pointer(field)?
            } else {
                value.get(field)?
            };
            found
                .as_i64()
                .or_else(|| found.as_f64().map(|f| f as i64))
                .or_else(|| found.as_str().and_then(count_in))
        }
    }
}

/// A batch counter response: comma-separated counts in request order (blank or junk → `None`).
pub fn parse_count_list(body: &str) -> Vec<Option<i64>> {
    body.trim()
        .split(',')
        .map(|part| part.trim().parse::<i64>().ok())
        .collect()
}
