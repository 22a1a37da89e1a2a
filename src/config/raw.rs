//! The config file's TOML shape and its validation into `Config`, with file:line errors.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{
    Config, ConfigError, FetchConfig, RefreshConfig, RetentionConfig, SourceConfig, keymap, rules,
    theme,
};
use crate::model::SourceKind;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    fetch: Option<RawFetch>,
    #[serde(default)]
    refresh: Option<RawRefresh>,
    #[serde(default)]
    retention: Option<RawRetention>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    theme: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    concurrency: Option<Spanned<usize>>,
    per_host: Option<Spanned<usize>>,
    connect_timeout: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    max_body: Option<Spanned<ByteSize>>,
    max_redirects: Option<usize>,
    user_agent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ByteSize {
    Bytes(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRefresh {
    every: Option<Spanned<String>>,
    on_start: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetention {
    max_age_days: Option<u32>,
    keep_per_source: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: Option<Spanned<String>>,
    url: Spanned<String>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    category: Option<Categories>,
    // Page, hackernews and json sources (validated by `rules::from_source`).
    preset: Option<Spanned<String>>,
    lists: Option<Spanned<Vec<rules::RawListTarget>>>,
    rules: Option<Spanned<toml::Table>>,
    feed: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    pointers: Option<Spanned<toml::Table>>,
    delay: Option<Spanned<String>>,
    counter_window_days: Option<Spanned<u32>>,
    max_pages: Option<Spanned<usize>>,
    limit: Option<Spanned<usize>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Categories {
    One(String),
    Many(Vec<String>),
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    /// Byte offsets of every newline, so a line number is a binary search (a config with
    /// thousands of sources asks for one per source; counting from the start was quadratic).
    newlines: Vec<usize>,
}

impl<'a> Ctx<'a> {
    fn new(path: &'a Path, text: &'a str) -> Ctx<'a> {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        Ctx {
            path,
            text,
            newlines,
        }
    }

    /// Turns a byte offset into a 1-based line number.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&at| at < offset) + 1
    }

    fn at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        ConfigError::At {
            path: self.path.to_path_buf(),
            line: self.line_of(offset),
            message: message.into(),
        }
    }

    fn spanned<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> ConfigError {
        self.at(value.span().start, message)
    }
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let ctx = Ctx::new(path, text);
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let offset = err.span().map(|span| span.start).unwrap_or(0);
        ctx.at(offset, err.message().replace('\n', " ").trim().to_string())
    })?;

    let fetch = fetch_config(&ctx, raw.fetch)?;
    let refresh = refresh_config(&ctx, raw.refresh)?;
    let retention = raw
        .retention
        .map(|r| {
            let default = RetentionConfig::default();
            RetentionConfig {
                max_age_days: r.max_age_days.unwrap_or(default.max_age_days),
                keep_per_source: r.keep_per_source.unwrap_or(default.keep_per_source),
            }
        })
        .unwrap_or_default();

    let key_overrides: Vec<(String, String)> = raw
        .keys
        .iter()
        .map(|(key, action)| (key.clone(), action.get_ref().clone()))
        .collect();
    let keymap = keymap::Keymap::with_overrides(&key_overrides).map_err(|err| {
        let offset = raw
            .keys
            .values()
            .find(|action| err.to_string().contains(action.get_ref().as_str()))
            .map(|action| action.span().start)
            .unwrap_or_else(|| text.find("[keys]").unwrap_or(0));
        ctx.at(offset, format!("[keys]: {err}"))
    })?;
    let theme_overrides: Vec<(String, String)> = raw
        .theme
        .iter()
        .map(|(role, colour)| (role.clone(), colour.get_ref().clone()))
        .collect();
    let theme = theme::Theme::with_overrides(&theme_overrides).map_err(|err| {
        let offset = text.find("[theme]").unwrap_or(0);
        ctx.at(offset, format!("[theme]: {err}"))
    })?;

    let sources = sources(&ctx, raw.source)?;
    Ok(Config {
        path: Some(path.to_path_buf()),
        sources,
        fetch,
        refresh,
        retention,
        keymap,
        theme,
        is_builtin_default: false,
    })
}

fn fetch_config(ctx: &Ctx<'_>, raw: Option<RawFetch>) -> Result<FetchConfig, ConfigError> {
    let mut fetch = FetchConfig::default();
    let Some(raw) = raw else { return Ok(fetch) };
    if let Some(n) = raw.concurrency {
        if *n.get_ref() == 0 {
            return Err(ctx.spanned(&n, "fetch.concurrency must be at least 1"));
        }
        fetch.concurrency = *n.get_ref();
    }
    if let Some(n) = raw.per_host {
        if *n.get_ref() == 0 {
            return Err(ctx.spanned(&n, "fetch.per_host must be at least 1"));
        }
        fetch.per_host = *n.get_ref();
    }
    if let Some(d) = raw.connect_timeout {
        fetch.connect_timeout = duration(ctx, &d, "fetch.connect_timeout")?;
    }
    if let Some(d) = raw.timeout {
        fetch.timeout = duration(ctx, &d, "fetch.timeout")?;
    }
    if let Some(size) = raw.max_body {
        fetch.max_body_bytes = match size.get_ref() {
            ByteSize::Bytes(n) => *n,
            ByteSize::Text(text) => parse_byte_size(text).ok_or_else(|| {
                ctx.spanned(
                    &size,
                    format!("fetch.max_body: {text:?} is not a size (try \"16MiB\")"),
                )
            })?,
        };
    }
    if let Some(n) = raw.max_redirects {
        fetch.max_redirects = n;
    }
    if let Some(agent) = raw.user_agent {
        fetch.user_agent = agent;
    }
    Ok(fetch)
}

fn refresh_config(ctx: &Ctx<'_>, raw: Option<RawRefresh>) -> Result<RefreshConfig, ConfigError> {
    let mut refresh = RefreshConfig::default();
    let Some(raw) = raw else { return Ok(refresh) };
    if let Some(every) = raw.every {
        refresh.every = Some(duration(ctx, &every, "refresh.every")?);
    }
    refresh.on_start = raw.on_start.unwrap_or(false);
    Ok(refresh)
}

fn duration(ctx: &Ctx<'_>, value: &Spanned<String>, key: &str) -> Result<Duration, ConfigError> {
    parse_duration(value.get_ref()).ok_or_else(|| {
        ctx.spanned(
            value,
            format!(
                "{key}: {:?} is not a duration (try \"30s\", \"10m\", \"2h\")",
                value.get_ref()
            ),
        )
    })
}

fn sources(ctx: &Ctx<'_>, raw: Vec<Spanned<RawSource>>) -> Result<Vec<SourceConfig>, ConfigError> {
    let mut names = HashSet::new();
    let mut urls = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for spanned in raw {
        let line = ctx.line_of(spanned.span().start);
        let offset = spanned.span().start;
        let source = spanned.into_inner();
        let url_text = source.url.get_ref().trim().to_string();
        let parsed = url::Url::parse(&url_text)
            .map_err(|err| ctx.spanned(&source.url, format!("source url {url_text:?}: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https" | "file") {
            return Err(ctx.spanned(
                &source.url,
                format!(
                    "source url {url_text:?}: only http, https and file URLs are read (got {}:)",
                    parsed.scheme()
                ),
            ));
        }
        if !urls.insert(url_text.clone()) {
            return Err(ctx.spanned(
                &source.url,
                format!("source url {url_text:?} is listed twice"),
            ));
        }
        let kind = match &source.kind {
            None => SourceKind::Feed,
            Some(kind) => SourceKind::parse(kind.get_ref()).ok_or_else(|| {
                ctx.spanned(
                    kind,
                    format!(
                        "source kind {:?} is unknown (feed, page, hackernews or json)",
                        kind.get_ref()
                    ),
                )
            })?,
        };
        let name = match source.name {
            Some(name) => {
                let trimmed = name.get_ref().trim().to_string();
                if trimmed.is_empty() {
                    return Err(ctx.spanned(&name, "source name is empty"));
                }
                if !names.insert(trimmed.clone()) {
                    return Err(
                        ctx.spanned(&name, format!("source name {trimmed:?} is used twice"))
                    );
                }
                Some(trimmed)
            }
            None => None,
        };
        let categories = match source.category {
            None => Vec::new(),
            Some(Categories::One(one)) => vec![one],
            Some(Categories::Many(many)) => many,
        }
        .into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
        let origin = rules::Origin {
            path: ctx.path,
            text: ctx.text,
            offset,
        };
        let fields = rules::RawRuleFields {
            preset: source.preset,
            lists: source.lists,
            rules: source.rules,
            feed: source.feed,
            base_url: source.base_url,
            pointers: source.pointers,
            delay: source.delay,
            counter_window_days: source.counter_window_days,
            max_pages: source.max_pages,
            limit: source.limit,
        };
        let source_rules = rules::from_source(&origin, kind, fields)?;
        out.push(SourceConfig {
            name,
            url: url_text,
            kind,
            categories,
            line,
            rules: source_rules,
        });
    }
    Ok(out)
}

/// Reads "30s", "10m", "2h", "1d", "500ms" or a plain number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" | "secs" => number,
        "ms" => number / 1000.0,
        "m" | "min" | "mins" => number * 60.0,
        "h" | "hour" | "hours" => number * 3600.0,
        "d" | "day" | "days" => number * 86400.0,
        _ => return None,
    };
    if !seconds.is_finite() || seconds <= 0.0 {
        return None;
    }
    Some(Duration::from_secs_f64(seconds))
}

/// Reads "16MiB", "512KiB", "1GB", "1000" (bytes).
fn parse_byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    number.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/tmp/config.toml"), text)
    }

    #[test]
    fn reads_sources_with_one_or_many_categories() {
        let config = load(
            "[[source]]\nurl = \"https://a.example/feed\"\ncategory = \"Tech\"\n\n[[source]]\nname = \"B\"\nurl = \"https://b.example/rss\"\ncategory = [\"News\", \"World\"]\n",
        )
        .unwrap();
        assert_eq!(config.sources.len(), 2);
        assert_eq!(config.sources[0].categories, vec!["Tech"]);
        assert_eq!(config.sources[0].line, 1);
        assert_eq!(config.sources[1].name.as_deref(), Some("B"));
        assert_eq!(config.sources[1].categories, vec!["News", "World"]);
        assert_eq!(config.sources[1].line, 5);
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let err = load("[fetch]\nconcurrency = 4\ncolour = 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("/tmp/config.toml:3:"), "{text}");
        assert!(text.contains("colour"), "{text}");
    }

    #[test]
    fn bad_values_name_their_line() {
        let err = load("[fetch]\ntimeout = \"soon\"\n").unwrap_err();
        assert!(err.to_string().starts_with("/tmp/config.toml:2:"), "{err}");
        let err = load("[[source]]\nurl = \"ftp://x.example/\"\n").unwrap_err();
        assert!(err.to_string().starts_with("/tmp/config.toml:2:"), "{err}");
        let err =
            load("[[source]]\nurl = \"https://x.example/\"\nkind = \"gopher\"\n").unwrap_err();
        assert!(err.to_string().starts_with("/tmp/config.toml:3:"), "{err}");
    }

    #[test]
    fn duplicate_names_and_urls_are_errors() {
        let err = load(
            "[[source]]\nname = \"A\"\nurl = \"https://a.example/\"\n[[source]]\nname = \"A\"\nurl = \"https://b.example/\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("/tmp/config.toml:5:"), "{err}");
        let err = load(
            "[[source]]\nurl = \"https://a.example/\"\n[[source]]\nurl = \"https://a.example/\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let err = load("[fetch]\nconcurrency = 4\n[[source]\nurl = 1\n").unwrap_err();
        assert!(err.to_string().starts_with("/tmp/config.toml:3:"), "{err}");
    }

    #[test]
    fn limits_and_durations() {
        let config = load(
            "[fetch]\nconcurrency = 8\nper_host = 2\nconnect_timeout = \"2s\"\ntimeout = \"1m\"\nmax_body = \"1MiB\"\n[refresh]\nevery = \"30m\"\n",
        )
        .unwrap();
        assert_eq!(config.fetch.concurrency, 8);
        assert_eq!(config.fetch.per_host, 2);
        assert_eq!(config.fetch.connect_timeout, Duration::from_secs(2));
        assert_eq!(config.fetch.timeout, Duration::from_secs(60));
        assert_eq!(config.fetch.max_body_bytes, 1024 * 1024);
        assert_eq!(config.refresh.every, Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("0s"), None);
    }
}
