//! The page-rule TOML (a preset with the source's overrides merged in) → compiled `PageRules`.
//! Every selector is parsed and every regex compiled here, so a bad one fails at load time.

use chrono::FixedOffset;
use regex::Regex;
use scraper::Selector;
use serde::Deserialize;

use super::{
    ArticleRules, CounterFormat, CounterRules, DEFAULT_COUNTER_WINDOW_DAYS, DEFAULT_MAX_PAGES,
    Extract, ListRules, PageRules, RuleError, Sel,
};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPage {
    /// A human description of the preset; ignored.
    #[serde(default)]
    about: Option<String>,
    timezone: Option<String>,
    #[serde(default)]
    date_formats: Vec<String>,
    max_pages: Option<usize>,
    counter_window_days: Option<u32>,
    list: Option<RawList>,
    article: Option<RawArticle>,
    counter: Option<RawCounter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    item: Option<String>,
    link: Option<RawExtract>,
    title: Option<RawExtracts>,
    date: Option<RawExtracts>,
    views: Option<RawExtracts>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    title: Option<RawExtracts>,
    date: Option<RawExtracts>,
    author: Option<RawExtracts>,
    views: Option<RawExtracts>,
    body: Option<Selectors>,
    remove: Option<Selectors>,
    attachments: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCounter {
    capture: Option<String>,
    url_from: Option<RawExtract>,
    url: Option<String>,
    format: Option<String>,
    batch_url: Option<String>,
    batch_size: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Selectors {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawExtracts {
    One(RawExtract),
    Many(Vec<RawExtract>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawExtract {
    Selector(String),
    Full(RawExtractTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtractTable {
    selector: Option<String>,
    attr: Option<String>,
    regex: Option<String>,
}

fn error(message: String, needle: &str) -> RuleError {
    RuleError {
        message,
        needle: Some(needle.to_string()),
    }
}

fn selector(rule: &str, text: &str) -> Result<Sel, RuleError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(error(format!("rule {rule}: the selector is empty"), text));
    }
    Selector::parse(trimmed)
        .map(|selector| Sel {
            text: trimmed.to_string(),
            selector,
        })
        .map_err(|err| {
            error(
                format!(
                    "rule {rule}: bad selector {trimmed:?}: {}",
                    // scraper's message spans lines; errors are one line.
                    err.to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                trimmed,
            )
        })
}

fn regex(rule: &str, text: &str) -> Result<Regex, RuleError> {
    Regex::new(text).map_err(|err| {
        let first = err.to_string();
        let short = first.lines().last().unwrap_or("invalid").trim().to_string();
        error(format!("rule {rule}: bad regex {text:?}: {short}"), text)
    })
}

fn extract(rule: &str, raw: RawExtract, default_attr: Option<&str>) -> Result<Extract, RuleError> {
    let table = match raw {
        RawExtract::Selector(text) => RawExtractTable {
            selector: Some(text),
            attr: None,
            regex: None,
        },
        RawExtract::Full(table) => table,
    };
    let sel = table
        .selector
        .as_deref()
        .map(|text| selector(rule, text))
        .transpose()?;
    let attr = table
        .attr
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .or_else(|| sel.as_ref().and(default_attr.map(str::to_string)));
    Ok(Extract {
        rule: rule.to_string(),
        selector: sel,
        attr,
        regex: table.regex.as_deref().map(|r| regex(rule, r)).transpose()?,
    })
}

fn extracts(rule: &str, raw: Option<RawExtracts>) -> Result<Vec<Extract>, RuleError> {
    match raw {
        None => Ok(Vec::new()),
        Some(RawExtracts::One(one)) => Ok(vec![extract(rule, one, None)?]),
        Some(RawExtracts::Many(many)) => many.into_iter().map(|e| extract(rule, e, None)).collect(),
    }
}

fn selectors(rule: &str, raw: Option<Selectors>) -> Result<Vec<Sel>, RuleError> {
    match raw {
        None => Ok(Vec::new()),
        Some(Selectors::One(one)) => Ok(vec![selector(rule, &one)?]),
        Some(Selectors::Many(many)) => many.iter().map(|s| selector(rule, s)).collect(),
    }
}

/// Reads "+08:00", "-0500", "UTC" or "Z".
fn timezone(text: &str) -> Option<FixedOffset> {
    let text = text.trim();
    if matches!(text, "UTC" | "utc" | "Z" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Compiles merged page rules; `list.item` and `article.body` are required.
pub fn compile_page(table: toml::Table) -> Result<PageRules, RuleError> {
    let source = table.clone();
    let raw: RawPage = toml::Value::Table(table)
        .try_into()
        .map_err(|err: toml::de::Error| RuleError {
            message: format!("page rules: {}", err.message().replace('\n', " ").trim()),
            needle: None,
        })?;
    let _ = raw.about;
    let timezone = match raw.timezone.as_deref() {
        None => chrono::Offset::fix(&chrono::Utc),
        Some(text) => timezone(text).ok_or_else(|| {
            error(
                format!("timezone {text:?} is not an offset like \"+08:00\""),
                text,
            )
        })?,
    };
    let list = raw.list.ok_or_else(|| RuleError {
        message: "page rules need a [list] table with at least `item`".to_string(),
        needle: None,
    })?;
    let item = list.item.ok_or_else(|| RuleError {
        message: "rule list.item is missing (the selector of one list row)".to_string(),
        needle: None,
    })?;
    let link = match list.link {
        Some(raw) => extract("list.link", raw, Some("href"))?,
        None => extract(
            "list.link",
            RawExtract::Selector("a[href]".into()),
            Some("href"),
        )?,
    };
    let list = ListRules {
        item: selector("list.item", &item)?,
        link,
        title: extracts("list.title", list.title)?,
        date: extracts("list.date", list.date)?,
        views: extracts("list.views", list.views)?,
        next: list
            .next
            .as_deref()
            .map(|n| selector("list.next", n))
            .transpose()?,
    };
    let article = raw.article.ok_or_else(|| RuleError {
        message: "page rules need an [article] table with at least `body`".to_string(),
        needle: None,
    })?;
    let body = selectors("article.body", article.body)?;
    if body.is_empty() {
        return Err(RuleError {
            message: "rule article.body is missing (the selector of the article text)".to_string(),
            needle: None,
        });
    }
    let article = ArticleRules {
        title: extracts("article.title", article.title)?,
        date: extracts("article.date", article.date)?,
        author: extracts("article.author", article.author)?,
        views: extracts("article.views", article.views)?,
        body,
        remove: selectors("article.remove", article.remove)?,
        attachments: article
            .attachments
            .as_deref()
            .map(|a| selector("article.attachments", a))
            .transpose()?,
    };
    let counter = raw.counter.map(counter).transpose()?;
    for format in &raw.date_formats {
        if chrono::format::StrftimeItems::new(format).parse().is_err() {
            return Err(error(
                format!("date format {format:?} is not a strftime format"),
                format,
            ));
        }
    }
    Ok(PageRules {
        table: source,
        preset: None,
        lists: Vec::new(),
        list,
        article,
        counter,
        timezone,
        date_formats: raw.date_formats,
        max_pages: raw
            .max_pages
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_MAX_PAGES),
        delay: None,
        counter_window_days: raw
            .counter_window_days
            .unwrap_or(DEFAULT_COUNTER_WINDOW_DAYS),
    })
}

fn counter(raw: RawCounter) -> Result<CounterRules, RuleError> {
    let format = match raw.format.as_deref().map(str::trim) {
        None | Some("int") => CounterFormat::Int,
        Some(other) => match other.strip_prefix("json:") {
            Some(field) if !field.trim().is_empty() => CounterFormat::Json(field.trim().into()),
            _ => {
                return Err(error(
                    format!("counter.format {other:?} is unknown (\"int\" or \"json:FIELD\")"),
                    other,
                ));
            }
        },
    };
    let capture = raw
        .capture
        .as_deref()
        .map(|c| regex("counter.capture", c))
        .transpose()?;
    let url_from = raw
        .url_from
        .map(|u| extract("counter.url_from", u, Some("url")))
        .transpose()?;
    if raw.url.is_none() && url_from.is_none() {
        return Err(RuleError {
            message: "counter needs `url` (a template) or `url_from` (read from the page)"
                .to_string(),
            needle: None,
        });
    }
    if raw.url.is_some() && capture.is_none() && url_from.is_none() {
        return Err(RuleError {
            message: "counter.url needs `capture` (a regex with named groups)".to_string(),
            needle: None,
        });
    }
    // An empty batch_url switches a preset's batch endpoint off.
    let batch_url = raw.batch_url.filter(|b| !b.trim().is_empty());
    if let Some(batch) = &batch_url
        && !batch.contains("{ids}")
    {
        return Err(error(
            "counter.batch_url must contain {ids}".to_string(),
            batch,
        ));
    }
    Ok(CounterRules {
        capture,
        url_from,
        url: raw.url,
        format,
        batch_url,
        batch_size: raw.batch_size.filter(|n| *n > 0).unwrap_or(20),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_compile() {
        for (name, text) in super::super::PRESETS {
            let table: toml::Table = toml::from_str(text).unwrap();
            let rules = compile_page(table).unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert!(!rules.article.body.is_empty(), "{name}");
        }
    }

    #[test]
    fn bad_selector_names_the_rule() {
        let table: toml::Table =
            toml::from_str("[list]\nitem = \"li[[\"\n[article]\nbody = \"div\"\n").unwrap();
        let err = compile_page(table).unwrap_err();
        assert!(err.message.contains("list.item"), "{}", err.message);
        assert!(err.message.contains("li[["), "{}", err.message);
        assert_eq!(err.needle.as_deref(), Some("li[["));
    }

    #[test]
    fn timezones() {
        assert_eq!(timezone("+08:00"), FixedOffset::east_opt(8 * 3600));
        assert_eq!(timezone("-0530"), FixedOffset::east_opt(-(5 * 3600 + 1800)));
        assert_eq!(timezone("UTC"), FixedOffset::east_opt(0));
        assert_eq!(timezone("Asia/Shanghai"), None);
    }
}
