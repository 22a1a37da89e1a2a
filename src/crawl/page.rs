//! Crawling a `page` source: list pages (following "next" until a page ends in known items or the
//! page limit), article pages only for new or changed entries, then click counters for new and
//! recent articles (batched where the site has a batch endpoint). Whatever was read before an
//! error is stored; the error then names the rule or URL that failed.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use url::Url;

use super::{Refreshed, polite, store_drafts};
use crate::config::rules::PageRules;
use crate::model::{ArticleDraft, SourceId};
use crate::parse::page::{self, CounterRef, ListItem};
use crate::refresh::{RefreshContext, SourceOutcome, SourceTarget};
use crate::store::crawl_state::CrawlEntry;

/// One list entry to keep: the item, its list's category, and whether its page must be read.
struct Listed {
    item: ListItem,
    category: Option<String>,
    key: String,
    fetch: bool,
}

/// Why an article page gave no draft.
enum ArticleFailure {
    Fetch(String),
    Rule(String),
}

/// Everything a crawl shares.
struct Crawl<'a> {
    ctx: &'a RefreshContext,
    source: SourceId,
    rules: &'a PageRules,
    delay: Duration,
    now: DateTime<Utc>,
    errors: Vec<String>,
    /// After a failed refresh the lists may not have been read to the end: no early stop.
    read_all: bool,
}

impl Crawl<'_> {
    async fn text(&self, url: &Url) -> Result<String, String> {
        let fetched = polite::fetch(self.ctx, url, self.delay).await?;
        Ok(page::decode(
            &fetched.bytes,
            fetched.content_type.as_deref(),
        ))
    }

    async fn known(&self, keys: Vec<String>) -> Result<HashMap<String, CrawlEntry>, String> {
        let source = self.source;
        self.ctx
            .store
            .call(move |store| store.crawl_known(source, &keys))
            .await
            .and_then(|r| r)
            .map_err(|e| e.to_string())
    }
}

fn key_of(url: &Url) -> String {
    ArticleDraft {
        id: Some(page::article_id(url)),
        ..ArticleDraft::default()
    }
    .dedup_key()
}

pub(crate) async fn refresh(
    ctx: &RefreshContext,
    target: &SourceTarget,
    rules: &PageRules,
) -> Result<Refreshed, String> {
    let mut crawl = Crawl {
        ctx,
        source: target.id,
        rules,
        delay: polite::delay_for(&target.url, rules.delay),
        now: Utc::now(),
        errors: Vec::new(),
        read_all: false,
    };
    let id = target.id;
    crawl.read_all = ctx
        .store
        .call(move |store| store.last_refresh_failed(id))
        .await
        .and_then(|r| r)
        .map_err(|e| e.to_string())?;
    let mut lists = vec![(target.url.clone(), None)];
    for list in &rules.lists {
        match target.url.join(&list.url) {
            Ok(url) => lists.push((url, list.category.clone())),
            Err(err) => crawl.errors.push(format!("list {}: {err}", list.url)),
        }
    }
    let mut listed: Vec<Listed> = Vec::new();
    let mut known: HashMap<String, CrawlEntry> = HashMap::new();
    for (url, category) in lists {
        read_list(&mut crawl, url, category, &mut listed, &mut known).await?;
    }

    // Article pages of new and changed entries, two at a time per host.
    let wanted: Vec<&Listed> = listed.iter().filter(|l| l.fetch).collect();
    // Owned stream items: a closure over borrowed items would not be `Send` for every lifetime.
    let jobs: Vec<(usize, ListItem)> = wanted
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.item.clone()))
        .collect();
    let shared = &crawl;
    let pages: Vec<(usize, Result<page::ArticlePage, ArticleFailure>)> =
        futures::stream::iter(jobs)
            .map(|(i, item)| async move {
                let result = match shared.text(&item.url).await {
                    Ok(html) => page::extract_article(
                        &html,
                        &item.url,
                        shared.rules,
                        Some(&item),
                        shared.now,
                    )
                    .map_err(|e| ArticleFailure::Rule(e.to_string())),
                    Err(e) => Err(ArticleFailure::Fetch(e)),
                };
                (i, result)
            })
            .buffer_unordered(polite::PER_HOST)
            .collect()
            .await;
    let mut drafts: Vec<ArticleDraft> = Vec::new();
    let mut entries: Vec<CrawlEntry> = Vec::new();
    let mut counters: Vec<(String, CounterRef, Url)> = Vec::new();
    let mut rule_failures: Vec<(&Listed, String)> = Vec::new();
    let mut sorted = pages;
    sorted.sort_by_key(|(i, _)| *i);
    for (i, result) in sorted {
        let Some(entry) = wanted.get(i) else { continue };
        match result {
            Ok(article) => {
                let mut draft = article.draft;
                draft.categories = entry.category.clone().into_iter().collect();
                let counter = article.counter.and_then(|c| {
                    let json = serde_json::to_string(&c).ok()?;
                    Some((c, json))
                });
                if let Some((c, _)) = &counter {
                    counters.push((entry.key.clone(), c.clone(), entry.item.url.clone()));
                }
                entries.push(CrawlEntry {
                    key: entry.key.clone(),
                    fingerprint: Some(entry.item.fingerprint()),
                    counter: counter.map(|(_, json)| json),
                });
                drafts.push(draft);
            }
            Err(ArticleFailure::Fetch(err)) => crawl.errors.push(err),
            Err(ArticleFailure::Rule(err)) => rule_failures.push((entry, err)),
        }
    }
    // A page the rules cannot read (a login wall, an odd template) keeps its list entry; when no
    // page at all could be read, the rule is broken and that is the source's error.
    if !rule_failures.is_empty() && drafts.is_empty() && crawl.errors.is_empty() {
        let (_, err) = &rule_failures[0];
        crawl.errors.push(err.clone());
    } else {
        for (entry, err) in rule_failures {
            tracing::info!("{err}; keeping the list entry");
            entries.push(CrawlEntry {
                key: entry.key.clone(),
                fingerprint: Some(entry.item.fingerprint()),
                counter: None,
            });
            drafts.push(ArticleDraft {
                id: Some(page::article_id(&entry.item.url)),
                link: Some(entry.item.url.to_string()),
                title: entry.item.title.clone(),
                published: entry.item.published,
                views: entry.item.views,
                categories: entry.category.clone().into_iter().collect(),
                ..ArticleDraft::default()
            });
        }
    }
    // Entries read before this crawl table existed: remember them without refetching.
    for entry in listed.iter().filter(|l| !l.fetch) {
        if known
            .get(&entry.key)
            .is_some_and(|k| k.fingerprint.is_none())
        {
            entries.push(CrawlEntry {
                key: entry.key.clone(),
                fingerprint: Some(entry.item.fingerprint()),
                counter: None,
            });
        }
    }

    // Counts: of the new articles, and of stored ones in the window.
    let fresh: HashSet<String> = counters.iter().map(|(k, _, _)| k.clone()).collect();
    let since = crawl.now - chrono::Duration::days(i64::from(rules.counter_window_days));
    let source = crawl.source;
    let stored = ctx
        .store
        .call(move |store| store.crawl_counters(source, since))
        .await
        .and_then(|r| r)
        .map_err(|e| e.to_string())?;
    let crawl_origin = target.url.clone();
    for target in stored {
        if fresh.contains(&target.key) {
            continue;
        }
        // Stored URLs may carry an old origin (the demo's port): ask the source's current one.
        let parsed = serde_json::from_str::<CounterRef>(&target.counter)
            .ok()
            .and_then(|c| match c {
                CounterRef::Url(u) => {
                    page::rebase(&u, &crawl_origin).map(|u| CounterRef::Url(u.to_string()))
                }
                args => Some(args),
            });
        let link = target
            .link
            .as_deref()
            .and_then(|l| page::rebase(l, &crawl_origin));
        if let (Some(counter), Some(link)) = (parsed, link) {
            counters.push((target.key, counter, link));
        }
    }
    let mut counts: HashMap<String, i64> = HashMap::new();
    if let Some(counter_rules) = &rules.counter {
        match super::counters::fetch_counts(ctx, crawl.delay, counter_rules, &counters).await {
            Ok(found) => counts = found,
            Err(err) => crawl.errors.push(err),
        }
    }
    // Counts a list page shows are as good as an endpoint's.
    for entry in &listed {
        if let Some(views) = entry.item.views {
            counts.entry(entry.key.clone()).or_insert(views);
        }
    }
    for draft in &mut drafts {
        if let Some(views) = counts.remove(&draft.dedup_key()) {
            draft.views = Some(views);
        }
    }
    let views: Vec<(String, i64)> = counts.into_iter().collect();

    let mut upserted = store_drafts(ctx, source, drafts, None, crawl.now).await?;
    let counted = ctx
        .store
        .call(move |store| {
            store.record_crawl_entries(source, &entries)?;
            store.update_views(source, &views)
        })
        .await
        .and_then(|r| r)
        .map_err(|e| format!("cannot store counts: {e}"))?;
    upserted.updated += counted;
    if let Some(first) = crawl.errors.first() {
        let more = match crawl.errors.len() {
            1 => String::new(),
            n => format!(" (and {} more errors)", n - 1),
        };
        return Err(format!(
            "{first}{more}; {} new articles stored",
            upserted.new
        ));
    }
    Ok((SourceOutcome::Stored(upserted), None))
}

/// Reads one list and its following pages until a page ends in a known item or the limit.
/// A rule matching nothing on the first page fails the source: silence would hide a broken rule.
async fn read_list(
    crawl: &mut Crawl<'_>,
    first: Url,
    category: Option<String>,
    listed: &mut Vec<Listed>,
    known: &mut HashMap<String, CrawlEntry>,
) -> Result<(), String> {
    let mut url = first;
    let mut visited: HashSet<Url> = HashSet::new();
    for page_number in 0..crawl.rules.max_pages {
        visited.insert(url.clone());
        let html = match crawl.text(&url).await {
            Ok(html) => html,
            Err(err) if page_number == 0 && listed.is_empty() => return Err(err),
            Err(err) => {
                crawl.errors.push(err);
                return Ok(());
            }
        };
        let list = match page::extract_list(&html, &url, crawl.rules, crawl.now) {
            Ok(list) => list,
            Err(err) if page_number == 0 && listed.is_empty() => return Err(err.to_string()),
            Err(err) => {
                crawl.errors.push(err.to_string());
                return Ok(());
            }
        };
        let keys: Vec<String> = list.items.iter().map(|i| key_of(&i.url)).collect();
        let found = crawl.known(keys.clone()).await?;
        let last_known = keys.last().is_some_and(|k| found.contains_key(k));
        for (item, key) in list.items.into_iter().zip(keys) {
            if listed.iter().any(|l| l.key == key) {
                continue;
            }
            let fetch = match found.get(&key) {
                None => true,
                Some(entry) => entry
                    .fingerprint
                    .as_deref()
                    .is_some_and(|f| f != item.fingerprint()),
            };
            listed.push(Listed {
                item,
                category: category.clone(),
                key,
                fetch,
            });
        }
        known.extend(found);
        match list.next {
            Some(next) if (crawl.read_all || !last_known) && !visited.contains(&next) => url = next,
            _ => break,
        }
    }
    Ok(())
}
