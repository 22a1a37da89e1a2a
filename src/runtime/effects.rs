//! Running effects off the input path: store requests in order on one worker (superseded list
//! loads skipped), body renders on the blocking pool, refreshes as a task, links by argv.
//! Every result goes back to the loop's inbox as a `Msg`.

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use url::Url;

use crate::app::{Effect, Input, Msg, ReaderBody, RefreshScope, RefreshTally, SourceOutcome};
use crate::model::{Article, ArticleId, ArticleView};
use crate::refresh::{self, RefreshContext, RefreshEvent};
use crate::store::{StoreError, StoreHandle};

use super::Targets;

/// Send a message to the loop; a closed inbox means the loop has ended, which is fine.
fn report(inbox: &UnboundedSender<Input>, msg: Msg) {
    let _ = inbox.send(Input::Msg(Box::new(msg)));
}

fn notify_error(inbox: &UnboundedSender<Input>, what: &str, error: impl std::fmt::Display) {
    tracing::warn!("{what}: {error}");
    report(
        inbox,
        Msg::Notified {
            text: format!("{what}: {error}"),
            error: true,
        },
    );
}

/// Start the store worker: store effects sent to the returned sender run in order.
pub fn spawn_store_worker(
    store: StoreHandle,
    inbox: UnboundedSender<Input>,
) -> (UnboundedSender<Effect>, JoinHandle<()>) {
    let (effects, queue) = unbounded_channel();
    let handle = tokio::spawn(store_worker(store, queue, inbox));
    (effects, handle)
}

/// Whether an effect is a store request (run by the store worker).
pub fn is_store_effect(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::LoadSources
            | Effect::LoadArticles { .. }
            | Effect::LoadArticle { .. }
            | Effect::RenderBody { .. }
            | Effect::RecordOpen { .. }
            | Effect::SetRead { .. }
            | Effect::SetStarred { .. }
            | Effect::MarkAllRead { .. }
    )
}

async fn store_worker(
    store: StoreHandle,
    mut queue: UnboundedReceiver<Effect>,
    inbox: UnboundedSender<Input>,
) {
    let mut cache: Option<Arc<Article>> = None;
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = queue.try_recv() {
            batch.push(more);
        }
        for effect in coalesce(batch) {
            run_store_effect(&store, effect, &inbox, &mut cache).await;
        }
    }
}

/// Drop list loads and renders that a later request of the same kind supersedes, and repeated
/// source loads: `update` only takes the latest generation anyway.
fn coalesce(batch: Vec<Effect>) -> Vec<Effect> {
    let last_list = batch
        .iter()
        .rposition(|e| matches!(e, Effect::LoadArticles { .. }));
    let last_render = batch
        .iter()
        .rposition(|e| matches!(e, Effect::RenderBody { .. }));
    let mut sources_seen = false;
    let mut kept = Vec::with_capacity(batch.len());
    for (index, effect) in batch.into_iter().enumerate().rev() {
        let keep = match effect {
            Effect::LoadArticles { .. } => Some(index) == last_list,
            Effect::RenderBody { .. } => Some(index) == last_render,
            Effect::LoadSources => !std::mem::replace(&mut sources_seen, true),
            _ => true,
        };
        if keep {
            kept.push(effect);
        }
    }
    kept.reverse();
    kept
}

async fn call<R: Send + 'static>(
    store: &StoreHandle,
    f: impl FnOnce(&mut crate::store::Store) -> Result<R, StoreError> + Send + 'static,
) -> Result<R, StoreError> {
    store.call(f).await.and_then(|result| result)
}

/// Like `call`, on the read connection: for queries that write nothing.
async fn read<R: Send + 'static>(
    store: &StoreHandle,
    f: impl FnOnce(&mut crate::store::Store) -> Result<R, StoreError> + Send + 'static,
) -> Result<R, StoreError> {
    store.call_read(f).await.and_then(|result| result)
}

async fn run_store_effect(
    store: &StoreHandle,
    effect: Effect,
    inbox: &UnboundedSender<Input>,
    cache: &mut Option<Arc<Article>>,
) {
    match effect {
        Effect::LoadSources => {
            let loaded = read(store, |s| {
                Ok((s.sources()?, s.counts()?, s.category_counts()?))
            });
            match loaded.await {
                Ok((sources, counts, categories)) => report(
                    inbox,
                    Msg::SourcesLoaded {
                        sources,
                        counts,
                        categories,
                    },
                ),
                Err(error) => notify_error(inbox, "Cannot load sources", error),
            }
        }
        Effect::LoadArticles { generation, query } => {
            let q = query.clone();
            let list = move |s: &mut crate::store::Store| {
                Ok((s.list_articles(&q)?, s.count_articles(&q)?))
            };
            // A search first indexes what is pending, a write: the store thread runs it.
            let loaded = if matches!(query.view, ArticleView::Search(_)) {
                call(store, list).await
            } else {
                read(store, list).await
            };
            match loaded {
                Ok((rows, total)) => report(
                    inbox,
                    Msg::ArticlesLoaded {
                        generation,
                        query,
                        rows,
                        total,
                    },
                ),
                Err(error) => notify_error(inbox, "Cannot load articles", error),
            }
        }
        Effect::LoadArticle { id } => match read(store, move |s| s.article(id)).await {
            Ok(Some(article)) => {
                *cache = Some(Arc::new(article.clone()));
                report(
                    inbox,
                    Msg::ArticleLoaded {
                        article: Box::new(article),
                    },
                );
            }
            Ok(None) => {}
            Err(error) => notify_error(inbox, "Cannot load the article", error),
        },
        Effect::RecordOpen { id } => match call(store, move |s| s.record_open(id)).await {
            Ok(article) => {
                *cache = Some(Arc::new(article.clone()));
                report(
                    inbox,
                    Msg::ArticleLoaded {
                        article: Box::new(article),
                    },
                );
            }
            Err(error) => notify_error(inbox, "Cannot open the article", error),
        },
        Effect::RenderBody {
            generation,
            id,
            width,
        } => {
            let article = match cache.as_ref().filter(|a| a.id == id) {
                Some(article) => Arc::clone(article),
                None => match read(store, move |s| s.article(id)).await {
                    Ok(Some(article)) => {
                        let article = Arc::new(article);
                        *cache = Some(Arc::clone(&article));
                        article
                    }
                    Ok(None) => return,
                    Err(error) => return notify_error(inbox, "Cannot load the article", error),
                },
            };
            spawn_render(article, generation, id, width, inbox.clone());
        }
        Effect::SetRead { id, read } => {
            if let Err(error) = call(store, move |s| s.set_read(id, read)).await {
                notify_error(inbox, "Cannot save the read state", error);
            }
        }
        Effect::SetStarred { id, starred } => {
            if let Err(error) = call(store, move |s| s.set_starred(id, starred)).await {
                notify_error(inbox, "Cannot save the star", error);
            }
        }
        Effect::MarkAllRead { query } => {
            match call(store, move |s| s.mark_all_read(&query)).await {
                Ok(count) => report(inbox, Msg::MarkedAllRead { count }),
                Err(error) => notify_error(inbox, "Cannot mark articles read", error),
            }
        }
        other => tracing::error!(?other, "not a store effect"),
    }
}

/// HTML → lines on the blocking pool, so a huge article never holds up keys or drawing.
fn spawn_render(
    article: Arc<Article>,
    generation: u64,
    id: ArticleId,
    width: u16,
    inbox: UnboundedSender<Input>,
) {
    tokio::task::spawn_blocking(move || {
        let html = article
            .content
            .as_deref()
            .filter(|html| !html.trim().is_empty())
            .or(article.summary.as_deref())
            .unwrap_or("");
        let base = article
            .link
            .as_deref()
            .and_then(|link| Url::parse(link).ok());
        let body = if html.trim().is_empty() {
            ReaderBody {
                lines: vec![crate::app::text::NO_TEXT.into()],
                links: Vec::new(),
            }
        } else {
            let rendered = crate::render::render_html(html, width, base.as_ref());
            ReaderBody {
                lines: rendered.lines,
                links: rendered.links,
            }
        };
        report(
            &inbox,
            Msg::BodyRendered {
                generation,
                id,
                width,
                body,
            },
        );
    });
}

/// Run a refresh as a task; its events come back as messages.
pub fn spawn_refresh(
    ctx: Arc<RefreshContext>,
    targets: Arc<Targets>,
    scope: RefreshScope,
    inbox: UnboundedSender<Input>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let rows = match call(&ctx.store, |s| s.sources()).await {
            Ok(rows) => rows,
            Err(error) => {
                notify_error(&inbox, "Cannot refresh", error);
                report(
                    &inbox,
                    Msg::RefreshFinished {
                        tally: RefreshTally::default(),
                    },
                );
                return;
            }
        };
        let targets = targets.build(&scope, &rows);
        let (events, mut received) = unbounded_channel();
        let forward = {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                while let Some(event) = received.recv().await {
                    report(&inbox, refresh_msg(event));
                }
            })
        };
        refresh::run(Arc::clone(&ctx), targets, events).await;
        let _ = forward.await;
        catch_up_search_index(&ctx.store).await;
    })
}

/// Brings the search index up to date in small batches, so list queries from the reader
/// interleave with it on the store thread. Refreshes only queue articles for indexing, and this
/// stops while one runs (it would double the refresh's time); the refresh's end calls it again.
pub async fn catch_up_search_index(store: &crate::store::StoreHandle) {
    while !refresh::running() {
        match store.call(|s| s.index_pending(200)).await {
            Ok(Ok(0)) => return,
            Ok(Ok(_)) => tokio::task::yield_now().await,
            Ok(Err(error)) | Err(error) => {
                tracing::warn!(%error, "search index not updated");
                return;
            }
        }
    }
}

fn refresh_msg(event: RefreshEvent) -> Msg {
    match event {
        RefreshEvent::Started { total } => Msg::RefreshStarted { total },
        RefreshEvent::SourceDone(report) => Msg::SourceRefreshed {
            source: report.source,
            name: report.name,
            outcome: match report.outcome {
                refresh::SourceOutcome::Stored(counts) => Ok(SourceOutcome::Updated {
                    new: counts.new,
                    updated: counts.updated,
                }),
                refresh::SourceOutcome::Unchanged => Ok(SourceOutcome::Unchanged),
                refresh::SourceOutcome::Failed(error) => Err(error),
            },
        },
        RefreshEvent::Finished(summary) => Msg::RefreshFinished {
            tally: RefreshTally {
                total: summary.total,
                ok: summary.ok,
                failed: summary.failed,
                new_articles: summary.new_articles,
            },
        },
    }
}

/// Open an http(s) URL with `$BROWSER` (argv, no shell) or the system opener.
pub fn open_url(url: String, inbox: UnboundedSender<Input>) {
    if !crate::app::is_web_link(&url) {
        return notify_error(&inbox, "Not opened", crate::app::text::NOT_WEB_LINK);
    }
    tokio::task::spawn_blocking(move || {
        let result = match std::env::var("BROWSER")
            .ok()
            .filter(|b| !b.trim().is_empty())
        {
            Some(browser) => open_with(&browser, &url),
            None => open::that_detached(&url),
        };
        match result {
            Ok(()) => report(
                &inbox,
                Msg::Notified {
                    text: format!("Opened {url}"),
                    error: false,
                },
            ),
            Err(error) => notify_error(&inbox, "Cannot open the link", error),
        }
    });
}

/// `$BROWSER` may list several commands separated by `:`; the first is used, split on spaces,
/// with `%s` replaced by the URL (or the URL appended). No shell is involved.
fn open_with(browser: &str, url: &str) -> std::io::Result<()> {
    let command = browser.split(':').next().unwrap_or(browser);
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else {
        return open::that_detached(url);
    };
    let mut args: Vec<String> = words.map(|w| w.replace("%s", url)).collect();
    if !command.contains("%s") {
        args.push(url.to_string());
    }
    std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArticleQuery;

    #[test]
    fn coalesce_keeps_the_latest_list_load_and_every_write() {
        let load = |generation| Effect::LoadArticles {
            generation,
            query: ArticleQuery::default(),
        };
        let set = Effect::SetRead {
            id: ArticleId(1),
            read: true,
        };
        let batch = vec![
            load(1),
            Effect::LoadSources,
            set.clone(),
            load(2),
            Effect::LoadSources,
        ];
        assert_eq!(coalesce(batch), vec![set, load(2), Effect::LoadSources]);
    }
}
