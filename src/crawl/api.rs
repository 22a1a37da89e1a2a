//! The `hackernews` and `json` sources: one list request, then items in parallel.

use chrono::Utc;
use futures::StreamExt;
use url::Url;

use super::{Refreshed, get, store_drafts};
use crate::config::rules::{HnRules, JsonRules};
use crate::parse::api;
use crate::refresh::{RefreshContext, SourceOutcome, SourceTarget};

/// The real API, used when the source URL is the website.
const HN_API: &str = "https://hacker-news.firebaseio.com/v0/";
const HN_SITE: &str = "https://news.ycombinator.com/";
/// Items fetched at once from one API.
const ITEM_CONCURRENCY: usize = 8;

/// Where the API lives and which list to read. The source URL may be the website, the API root
/// (`…/v0/`) or a story list (`…/v0/topstories.json`); `base_url` overrides the root.
pub(crate) fn hn_endpoints(target: &Url, rules: &HnRules) -> Result<(Url, Url), String> {
    let parse = |text: &str| Url::parse(text).map_err(|e| format!("{text}: {e}"));
    let (root, list) = if let Some(base) = &rules.base_url {
        let mut base = parse(base)?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        (base, None)
    } else if target.host_str() == Some("news.ycombinator.com") {
        (parse(HN_API)?, None)
    } else if target.path().ends_with("stories.json") {
        let root = target.join("./").map_err(|e| e.to_string())?;
        (root, Some(target.clone()))
    } else {
        let mut root = target.clone();
        if !root.path().ends_with('/') {
            let path = format!("{}/", root.path());
            root.set_path(&path);
        }
        (root, None)
    };
    let list = match list {
        Some(list) => list,
        None => root
            .join(&format!("{}stories.json", rules.feed))
            .map_err(|e| e.to_string())?,
    };
    Ok((root, list))
}

pub(crate) async fn hackernews(
    ctx: &RefreshContext,
    target: &SourceTarget,
    rules: &HnRules,
) -> Result<Refreshed, String> {
    let (root, list) = hn_endpoints(&target.url, rules)?;
    let site = if root.as_str() == HN_API {
        Url::parse(HN_SITE).map_err(|e| e.to_string())?
    } else {
        root.join("/").map_err(|e| e.to_string())?
    };
    let fetched = get(ctx, &list).await?;
    let ids = api::hn_story_ids(&fetched.bytes).map_err(|e| format!("{list}: {e}"))?;
    let wanted: Vec<u64> = ids.into_iter().take(rules.limit).collect();
    let total = wanted.len();
    let mut results: Vec<(usize, Result<Option<_>, String>)> =
        futures::stream::iter(wanted.into_iter().enumerate())
            .map(|(rank, id)| {
                let root = &root;
                let site = &site;
                async move {
                    let url = match root.join(&format!("item/{id}.json")) {
                        Ok(url) => url,
                        Err(e) => return (rank, Err(e.to_string())),
                    };
                    let item = match get(ctx, &url).await {
                        Ok(fetched) => {
                            api::hn_item(&fetched.bytes, site).map_err(|e| format!("{url}: {e}"))
                        }
                        Err(e) => Err(e),
                    };
                    (rank, item)
                }
            })
            .buffer_unordered(ITEM_CONCURRENCY)
            .collect()
            .await;
    results.sort_by_key(|(rank, _)| *rank);
    let mut drafts = Vec::new();
    let mut failures = Vec::new();
    for (_, result) in results {
        match result {
            Ok(Some(draft)) => drafts.push(draft),
            Ok(None) => {}
            Err(err) => failures.push(err),
        }
    }
    if total > 0 && drafts.is_empty() && !failures.is_empty() {
        return Err(format!(
            "no item could be read ({} failed; first: {})",
            failures.len(),
            failures[0]
        ));
    }
    for failure in &failures {
        tracing::warn!(source = %target.name, "item skipped: {failure}");
    }
    let title = format!("Hacker News · {}", feed_title(&rules.feed));
    let counts = store_drafts(ctx, target.id, drafts, Some(title.clone()), Utc::now()).await?;
    Ok((SourceOutcome::Stored(counts), Some(title)))
}

fn feed_title(feed: &str) -> &'static str {
    match feed {
        "new" => "New",
        "best" => "Best",
        "ask" => "Ask HN",
        "show" => "Show HN",
        "job" => "Jobs",
        _ => "Top",
    }
}

pub(crate) async fn json(
    ctx: &RefreshContext,
    target: &SourceTarget,
    rules: &JsonRules,
) -> Result<Refreshed, String> {
    let fetched = get(ctx, &target.url).await?;
    let parsed = api::json_items(&fetched.bytes, rules, &fetched.final_url)
        .map_err(|e| format!("{}: {e}", target.url))?;
    let counts = store_drafts(ctx, target.id, parsed.articles, None, Utc::now()).await?;
    Ok((SourceOutcome::Stored(counts), None))
}
