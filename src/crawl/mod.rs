//! Refreshing sources that are not feeds: crawling `page` sources (lists, articles, counters) and
//! reading the `hackernews` and `json` APIs. Async I/O through the shared fetcher and the store
//! thread; parsing stays in `parse::page` and `parse::api`.

mod api;
mod counters;
mod page;
mod polite;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::rules::{self, SourceRules};
use crate::fetch::Fetched;
use crate::model::{ArticleDraft, SourceId, SourceKind, UpsertCounts};
use crate::refresh::{RefreshContext, SourceOutcome, SourceTarget};
use crate::store::Validators;

/// What a non-feed refresh gives `refresh`: the outcome and, when known, a title for the source.
pub type Refreshed = (SourceOutcome, Option<String>);

/// Refreshes one `page`, `hackernews` or `json` source with `spec`, else the rules stored with
/// the source (see `cli::sources::sync`), else the defaults of its kind. `Err` is a one-line
/// message for the source; whatever was stored before the error stays stored.
pub async fn refresh_source(
    ctx: &RefreshContext,
    target: &SourceTarget,
    spec: Option<&SourceRules>,
) -> Result<Refreshed, String> {
    let stored = match spec {
        Some(_) => None,
        None => {
            let id = target.id;
            ctx.store
                .call(move |store| store.source_rules(id))
                .await
                .and_then(|r| r)
                .map_err(|e| e.to_string())?
                .map(|text| SourceRules::from_json(&text))
                .transpose()?
        }
    };
    let spec = spec.or(stored.as_ref());
    match (target.kind, spec) {
        (SourceKind::Page, Some(SourceRules::Page(rules))) => {
            page::refresh(ctx, target, rules).await
        }
        (SourceKind::Page, None) => {
            // The demo's page sources (and any page source written without rules) use VSB.
            let rules = rules::preset("vsb").map_err(|e| e.message)?;
            page::refresh(ctx, target, &rules).await
        }
        (SourceKind::Hackernews, Some(SourceRules::Hackernews(rules))) => {
            api::hackernews(ctx, target, rules).await
        }
        (SourceKind::Hackernews, None) => {
            let rules = rules::HnRules {
                feed: "top".into(),
                base_url: None,
                limit: rules::DEFAULT_HN_LIMIT,
            };
            api::hackernews(ctx, target, &rules).await
        }
        (SourceKind::Json, Some(SourceRules::Json(rules))) => api::json(ctx, target, rules).await,
        (SourceKind::Json, None) => {
            Err("a json source needs [source.pointers] in the config".to_string())
        }
        (kind, _) => Err(format!(
            "the rules of this source do not fit a {} source",
            kind.as_str()
        )),
    }
}

pub(crate) async fn get(ctx: &RefreshContext, url: &Url) -> Result<Fetched, String> {
    ctx.fetcher
        .get(url)
        .await
        .map_err(|err| format!("{url}: {err}"))
}

/// Upserts drafts of a source and records the refresh.
pub(crate) async fn store_drafts(
    ctx: &RefreshContext,
    id: SourceId,
    drafts: Vec<ArticleDraft>,
    title: Option<String>,
    now: DateTime<Utc>,
) -> Result<UpsertCounts, String> {
    let drafts = Arc::new(drafts);
    ctx.store
        .call(move |store| {
            let counts = store.upsert_articles(id, &drafts, now)?;
            store.record_fetched(id, &Validators::default(), title.as_deref(), now)?;
            Ok::<_, crate::store::StoreError>(counts)
        })
        .await
        .and_then(|r| r)
        .map_err(|err| format!("cannot store: {err}"))
}
