//! Click counters of page sources: batched requests where the rules have a batch endpoint (one
//! per owner and up to `batch_size` ids), single requests otherwise or when a batch fails.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use url::Url;

use super::polite;
use crate::config::rules::CounterRules;
use crate::parse::page::{self, CounterRef};
use crate::refresh::RefreshContext;

/// Counts by article key. Failures are logged; when every request failed, `Err` names the first.
pub(crate) async fn fetch_counts(
    ctx: &RefreshContext,
    delay: Duration,
    rules: &CounterRules,
    wanted: &[(String, CounterRef, Url)],
) -> Result<HashMap<String, i64>, String> {
    let mut counts = HashMap::new();
    if wanted.is_empty() {
        return Ok(counts);
    }
    let mut failures: Vec<String> = Vec::new();
    let mut requests = 0usize;
    let refs: Vec<(&CounterRef, &Url)> = wanted.iter().map(|(_, c, u)| (c, u)).collect();
    let mut single: Vec<usize> = Vec::new();
    let batches = page::batch_requests(rules, &refs);
    let mut batched = vec![false; wanted.len()];
    for (_, members) in &batches {
        for i in members {
            if let Some(flag) = batched.get_mut(*i) {
                *flag = true;
            }
        }
    }
    for (url, members) in batches {
        requests += 1;
        match polite::fetch(ctx, &url, delay).await {
            Ok(fetched) => {
                let body = page::decode(&fetched.bytes, fetched.content_type.as_deref());
                let values = page::parse_count_list(&body);
                for (position, index) in members.iter().enumerate() {
                    match (values.get(position).copied().flatten(), wanted.get(*index)) {
                        (Some(count), Some((key, _, _))) => {
                            counts.insert(key.clone(), count);
                        }
                        _ => single.push(*index),
                    }
                }
            }
            Err(err) => {
                tracing::warn!("counter batch failed, asking one by one: {err}");
                failures.push(err);
                single.extend(members);
            }
        }
    }
    single.extend((0..wanted.len()).filter(|i| !batched[*i]));
    single.sort_unstable();
    single.dedup();
    let jobs: Vec<(String, Url)> = single
        .into_iter()
        .filter_map(|index| {
            let (key, counter, article) = wanted.get(index)?;
            Some((key.clone(), page::counter_url(rules, counter, article)?))
        })
        .collect();
    let answers: Vec<Result<(String, i64), String>> = futures::stream::iter(jobs)
        .map(|(key, url)| async move {
            let fetched = polite::fetch(ctx, &url, delay).await?;
            let body = page::decode(&fetched.bytes, fetched.content_type.as_deref());
            page::parse_count(&body, &rules.format)
                .map(|count| (key, count))
                .ok_or_else(|| format!("{url}: no count in the answer"))
        })
        .buffer_unordered(polite::PER_HOST)
        .collect()
        .await;
    for answer in answers {
        requests += 1;
        match answer {
            Ok((key, count)) => {
                counts.insert(key, count);
            }
            Err(err) => {
                tracing::warn!("counter failed: {err}");
                failures.push(err);
            }
        }
    }
    if counts.is_empty()
        && requests > 0
        && let Some(first) = failures.first()
    {
        return Err(format!("views counter: {first}"));
    }
    Ok(counts)
}
