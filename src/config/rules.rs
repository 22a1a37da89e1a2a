//! Rules of `page`, `hackernews` and `json` sources: the TOML schema, the bundled presets and
//! validation at load time (selectors parsed, regexes compiled, pointers checked). No network.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;
use regex::Regex;
use scraper::Selector;
use serde::{Deserialize, Serialize};
use toml::{Spanned, Value};

use super::ConfigError;
use crate::model::SourceKind;

/// The presets bundled in the binary, by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("vsb", include_str!("../../assets/presets/vsb.toml")),
    ("webplus", include_str!("../../assets/presets/webplus.toml")),
];

/// Politeness defaults for page sources.
pub const DEFAULT_MAX_PAGES: usize = 3;
pub const DEFAULT_COUNTER_WINDOW_DAYS: u32 = 30;
pub const DEFAULT_HN_LIMIT: usize = 30;

/// The validated rules of one non-feed source.
#[derive(Debug, Clone)]
pub enum SourceRules {
    Page(Box<PageRules>),
    Hackernews(HnRules),
    Json(Box<JsonRules>),
}

/// One more list page of a page source, with its own category. `url` may be relative to the
/// source URL (resolved at refresh time, so the demo's moving port works).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListTarget {
    pub url: String,
    pub category: Option<String>,
}

/// A CSS selector with the text it was written as, for messages.
#[derive(Debug, Clone)]
pub struct Sel {
    pub text: String,
    pub selector: Selector,
}

/// How to read one value: an element (or the scope itself), its text or an attribute, then an
/// optional regex (first capture group, else the whole match).
#[derive(Debug, Clone)]
pub struct Extract {
    /// The rule's name in messages, e.g. `list.title`.
    pub rule: String,
    pub selector: Option<Sel>,
    pub attr: Option<String>,
    pub regex: Option<Regex>,
}

#[derive(Debug, Clone)]
pub struct ListRules {
    pub item: Sel,
    pub link: Extract,
    pub title: Vec<Extract>,
    pub date: Vec<Extract>,
    pub views: Vec<Extract>,
    pub next: Option<Sel>,
}

#[derive(Debug, Clone)]
pub struct ArticleRules {
    pub title: Vec<Extract>,
    pub date: Vec<Extract>,
    pub author: Vec<Extract>,
    pub views: Vec<Extract>,
    pub body: Vec<Sel>,
    pub remove: Vec<Sel>,
    pub attachments: Option<Sel>,
}

/// How a counter endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterFormat {
    /// The first integer in the body ("  42\r\n", "document.write(42)").
    Int,
    /// A field of a JSON object (`json:wbshowtimes`).
    Json(String),
}

/// A click-counter endpoint: values captured from the article page fill a URL template.
#[derive(Debug, Clone)]
pub struct CounterRules {
    /// Named groups over the article page's HTML source, e.g. `(?P<owner>\d+)`.
    pub capture: Option<Regex>,
    /// Or the counter URL itself, read from the page (WebPlus `span.WP_VisitCount[url]`).
    pub url_from: Option<Extract>,
    /// Template with `{name}` placeholders; relative to the article page.
    pub url: Option<String>,
    pub format: CounterFormat,
    /// Template with `{ids}` (comma-joined `id` captures) and the other captures shared by a batch.
    pub batch_url: Option<String>,
    pub batch_size: usize,
}

/// Everything a page source needs.
#[derive(Debug, Clone)]
pub struct PageRules {
    /// The rule table it was compiled from (preset with overrides), to store and rebuild it.
    pub table: toml::Table,
    pub preset: Option<String>,
    pub lists: Vec<ListTarget>,
    pub list: ListRules,
    pub article: ArticleRules,
    pub counter: Option<CounterRules>,
    /// Chinese CMS pages write local times without a zone.
    pub timezone: FixedOffset,
    pub date_formats: Vec<String>,
    pub max_pages: usize,
    /// `None`: the default politeness delay (skipped on loopback hosts).
    pub delay: Option<Duration>,
    pub counter_window_days: u32,
}

/// A Hacker News API source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HnRules {
    /// top, new, best, ask, show or job.
    pub feed: String,
    /// The API root (`…/v0/`); `None` derives it from the source URL.
    pub base_url: Option<String>,
    pub limit: usize,
}

/// JSON pointers of a generic JSON API source; item fields are relative to each item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JsonRules {
    pub items: String,
    pub id: Option<String>,
    pub title: String,
    pub link: Option<String>,
    pub date: Option<String>,
    pub body: Option<String>,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub views: Option<String>,
    pub score: Option<String>,
    pub comments: Option<String>,
}

/// The rule fields of a `[[source]]` table, as written.
#[derive(Debug, Default)]
pub(crate) struct RawRuleFields {
    pub preset: Option<Spanned<String>>,
    pub lists: Option<Spanned<Vec<RawListTarget>>>,
    pub rules: Option<Spanned<toml::Table>>,
    pub feed: Option<Spanned<String>>,
    pub base_url: Option<Spanned<String>>,
    pub pointers: Option<Spanned<toml::Table>>,
    pub delay: Option<Spanned<String>>,
    pub counter_window_days: Option<Spanned<u32>>,
    pub max_pages: Option<Spanned<usize>>,
    pub limit: Option<Spanned<usize>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawListTarget {
    url: String,
    category: Option<String>,
}

/// Where the source is in the config, for messages.
pub(crate) struct Origin<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// Byte offset of the `[[source]]` table.
    pub offset: usize,
}

impl Origin<'_> {
    fn line_at(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        ConfigError::At {
            path: self.path.to_path_buf(),
            line: self.line_at(offset),
            message: message.into(),
        }
    }

    /// An error on the line where `needle` is written in this source's table, else its first line.
    fn near(&self, needle: Option<&str>, message: impl Into<String>) -> ConfigError {
        let offset = needle
            .filter(|n| !n.is_empty())
            .and_then(|n| self.text.get(self.offset..)?.find(n))
            .map_or(self.offset, |at| self.offset + at);
        self.at(offset, message)
    }
}

/// Validates the rule fields of one source; `None` for feeds.
pub(crate) fn from_source(
    origin: &Origin<'_>,
    kind: SourceKind,
    fields: RawRuleFields,
) -> Result<Option<Arc<SourceRules>>, ConfigError> {
    let page_only = [
        fields.preset.as_ref().map(Spanned::span),
        fields.lists.as_ref().map(Spanned::span),
        fields.rules.as_ref().map(Spanned::span),
        fields.delay.as_ref().map(Spanned::span),
        fields.counter_window_days.as_ref().map(Spanned::span),
        fields.max_pages.as_ref().map(Spanned::span),
    ];
    let misplaced = |spans: &[Option<std::ops::Range<usize>>], what: &str| match spans
        .iter()
        .flatten()
        .next()
    {
        Some(span) => Err(origin.at(span.start, format!("this key is only for {what}"))),
        None => Ok(()),
    };
    match kind {
        SourceKind::Feed => {
            misplaced(&page_only, "page sources")?;
            misplaced(
                &[
                    fields.feed.as_ref().map(Spanned::span),
                    fields.base_url.as_ref().map(Spanned::span),
                    fields.pointers.as_ref().map(Spanned::span),
                    fields.limit.as_ref().map(Spanned::span),
                ],
                "page, hackernews and json sources",
            )?;
            Ok(None)
        }
        SourceKind::Page => {
            misplaced(
                &[
                    fields.feed.as_ref().map(Spanned::span),
                    fields.base_url.as_ref().map(Spanned::span),
                    fields.pointers.as_ref().map(Spanned::span),
                    fields.limit.as_ref().map(Spanned::span),
                ],
                "hackernews and json sources",
            )?;
            page_rules(origin, fields).map(|p| Some(Arc::new(SourceRules::Page(Box::new(p)))))
        }
        SourceKind::Hackernews => {
            misplaced(&page_only, "page sources")?;
            misplaced(
                &[fields.pointers.as_ref().map(Spanned::span)],
                "json sources",
            )?;
            let feed = match &fields.feed {
                None => "top".to_string(),
                Some(feed) => {
                    let name = feed.get_ref().trim().trim_end_matches("stories");
                    if !matches!(name, "top" | "new" | "best" | "ask" | "show" | "job") {
                        return Err(origin.at(
                            feed.span().start,
                            format!(
                                "hackernews feed {:?} is unknown (top, new, best, ask, show or job)",
                                feed.get_ref()
                            ),
                        ));
                    }
                    name.to_string()
                }
            };
            let base_url = base_url(origin, fields.base_url)?;
            let limit = limit(origin, fields.limit)?.unwrap_or(DEFAULT_HN_LIMIT);
            Ok(Some(Arc::new(SourceRules::Hackernews(HnRules {
                feed,
                base_url,
                limit,
            }))))
        }
        SourceKind::Json => {
            misplaced(&page_only, "page sources")?;
            misplaced(
                &[fields.feed.as_ref().map(Spanned::span)],
                "hackernews sources",
            )?;
            let pointers = fields.pointers.ok_or_else(|| {
                origin.at(
                    origin.offset,
                    "a json source needs a [source.pointers] table (items, title, link, …)",
                )
            })?;
            let offset = pointers.span().start;
            let rules = json_rules(pointers.into_inner()).map_err(|m| origin.at(offset, m))?;
            Ok(Some(Arc::new(SourceRules::Json(Box::new(rules)))))
        }
    }
}

fn base_url(
    origin: &Origin<'_>,
    raw: Option<Spanned<String>>,
) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.get_ref().trim();
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(text.to_string())),
        _ => Err(origin.at(
            raw.span().start,
            format!("base_url {text:?} is not an http(s) URL"),
        )),
    }
}

fn limit(origin: &Origin<'_>, raw: Option<Spanned<usize>>) -> Result<Option<usize>, ConfigError> {
    match raw {
        Some(n) if *n.get_ref() == 0 => Err(origin.at(n.span().start, "limit must be at least 1")),
        Some(n) => Ok(Some(*n.get_ref())),
        None => Ok(None),
    }
}

fn json_rules(table: toml::Table) -> Result<JsonRules, String> {
    let mut rules = JsonRules::default();
    let mut title = None;
    for (key, value) in table {
        let Value::String(pointer) = value else {
            return Err(format!("pointers.{key} must be a string like \"/title\""));
        };
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!(
                "pointers.{key} = {pointer:?} is not a JSON pointer (it starts with \"/\")"
            ));
        }
        let slot = match key.as_str() {
            "items" => {
                rules.items = pointer;
                continue;
            }
            "title" => {
                title = Some(pointer);
                continue;
            }
            "id" => &mut rules.id,
            "link" | "url" => &mut rules.link,
            "date" | "published" => &mut rules.date,
            "body" | "content" => &mut rules.body,
            "summary" => &mut rules.summary,
            "author" => &mut rules.author,
            "views" => &mut rules.views,
            "score" => &mut rules.score,
            "comments" => &mut rules.comments,
            other => {
                return Err(format!(
                    "pointers.{other} is unknown (items, id, title, link, date, body, summary, author, views, score, comments)"
                ));
            }
        };
        *slot = Some(pointer);
    }
    rules.title = title.ok_or("pointers.title is required")?;
    Ok(rules)
}

fn page_rules(origin: &Origin<'_>, fields: RawRuleFields) -> Result<PageRules, ConfigError> {
    // Preset (bundled name or a rules file next to the config), then the source's own `rules`;
    // with neither, the VSB preset (the CMS of most feed-less college sites).
    let (preset_name, mut merged, preset_file) = match &fields.preset {
        None if fields.rules.is_some() => (None, toml::Table::new(), None),
        None => load_preset(origin, "vsb", origin.offset)?,
        Some(preset) => load_preset(origin, preset.get_ref().trim(), preset.span().start)?,
    };
    if let Some(rules) = &fields.rules {
        merge(&mut merged, rules.get_ref().clone());
    }
    let lists = match fields.lists {
        None => Vec::new(),
        Some(lists) => lists
            .into_inner()
            .into_iter()
            .map(|l| ListTarget {
                url: l.url.trim().to_string(),
                category: l
                    .category
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
            })
            .collect(),
    };
    let delay = match fields.delay {
        None => None,
        Some(d) if d.get_ref().trim() == "0" => Some(Duration::ZERO),
        Some(d) => Some(super::parse_duration(d.get_ref()).ok_or_else(|| {
            origin.at(
                d.span().start,
                format!("delay {:?} is not a duration (try \"500ms\")", d.get_ref()),
            )
        })?),
    };
    let mut page = compile_page(merged).map_err(|err| match &preset_file {
        Some((path, text)) => ConfigError::At {
            path: path.clone(),
            line: line_in(text, err.needle.as_deref()),
            message: err.message,
        },
        None => origin.near(err.needle.as_deref(), err.message),
    })?;
    page.preset = preset_name;
    page.lists = lists;
    page.delay = delay;
    if let Some(n) = fields.max_pages {
        if *n.get_ref() == 0 {
            return Err(origin.at(n.span().start, "max_pages must be at least 1"));
        }
        page.max_pages = *n.get_ref();
    }
    if let Some(days) = fields.counter_window_days {
        page.counter_window_days = *days.get_ref();
    }
    Ok(page)
}

type PresetLoad = (Option<String>, toml::Table, Option<(PathBuf, String)>);

/// Loads a bundled preset by name, or a rules file (a path, relative to the config's directory).
fn load_preset(origin: &Origin<'_>, name: &str, offset: usize) -> Result<PresetLoad, ConfigError> {
    if let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) {
        let table = toml::from_str(text)
            .map_err(|err| origin.at(offset, format!("preset {name}: {err}")))?;
        return Ok((Some(name.to_string()), table, None));
    }
    if !(name.ends_with(".toml") || name.contains('/')) {
        let known: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        return Err(origin.at(
            offset,
            format!(
                "preset {name:?} is unknown (bundled: {}; or a path to a rules .toml file)",
                known.join(", ")
            ),
        ));
    }
    let path = origin
        .path
        .parent()
        .map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
    let text = std::fs::read_to_string(&path)
        .map_err(|err| origin.at(offset, format!("rules file {}: {err}", path.display())))?;
    let table = toml::from_str(&text).map_err(|err: toml::de::Error| {
        let line = err.span().map_or(1, |s| line_in(&text[..s.start], None));
        ConfigError::At {
            path: path.clone(),
            line,
            message: err.message().replace('\n', " ").trim().to_string(),
        }
    })?;
    Ok((Some(name.to_string()), table, Some((path, text))))
}

/// The line of `needle` in `text` (1 when absent); with no needle, the line count of `text`.
fn line_in(text: &str, needle: Option<&str>) -> usize {
    let end = match needle {
        Some(n) => text.find(n).unwrap_or(0),
        None => text.len(),
    };
    text[..end].matches('\n').count() + 1
}

/// Overlays `over` on `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(old)), Value::Table(new)) => merge(old, new),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A rule that does not compile, with the text to point at.
#[derive(Debug)]
pub struct RuleError {
    pub message: String,
    pub needle: Option<String>,
}

mod compile;
mod spec;

pub use compile::compile_page;

/// The page rules of a bundled preset, e.g. `vsb` (also the default of a page source without
/// rules, such as the demo's).
pub fn preset(name: &str) -> Result<PageRules, RuleError> {
    let text = PRESETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| RuleError {
            message: format!("preset {name:?} is unknown"),
            needle: None,
        })?;
    let mut rules = page_rules_from_toml(text)?;
    rules.preset = Some(name.to_string());
    Ok(rules)
}

/// Page rules from the text of a rules file (the preset format).
pub fn page_rules_from_toml(text: &str) -> Result<PageRules, RuleError> {
    let table: toml::Table = toml::from_str(text).map_err(|err| RuleError {
        message: err.message().replace('\n', " ").trim().to_string(),
        needle: None,
    })?;
    compile_page(table)
}

/// Page rules by preset name or rules-file path, for `tidings parse --kind page --preset …`.
pub fn load_page_rules(name_or_path: &str) -> Result<PageRules, String> {
    if PRESETS.iter().any(|(n, _)| *n == name_or_path) {
        return preset(name_or_path).map_err(|e| e.message);
    }
    let text = std::fs::read_to_string(name_or_path).map_err(|e| {
        let known: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        format!(
            "{name_or_path}: {e} (bundled presets: {})",
            known.join(", ")
        )
    })?;
    page_rules_from_toml(&text).map_err(|e| {
        let line = line_in(&text, e.needle.as_deref());
        format!("{name_or_path}:{line}: {}", e.message)
    })
}
