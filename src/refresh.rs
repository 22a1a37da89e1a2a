//! A refresh: fetch each source, parse, store, and report per-source outcomes as they finish.
//! One failed source never stops the others and never deletes what was stored.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use url::Url;

use crate::fetch::{BodyBudget, Conditional, FetchOutcome, Fetched, Fetcher};
use crate::model::{ParsedFeed, SourceId, SourceKind, UpsertCounts};
use crate::render::sanitize::clean_line;
use crate::store::{FeedUpdate, StoreHandle, Validators};

mod writer;

use writer::{FeedWriter, PendingWrite, WriteTicket};

/// Bytes of fetched bodies that may be parsed but not yet stored, per source of a refresh, and
/// the bounds of that budget. Parsing runs ahead of the writer so that it finds a batch waiting
/// (one transaction for many feeds: in a big store each commit rewrites every index page it
/// touched), but parsed feeds never pile up: 1 MiB up to ~85 sources, 64 MiB from ~5,460.
const PIPELINE_PER_SOURCE: usize = 12 << 10;
const PIPELINE_MIN: usize = 1 << 20;
const PIPELINE_MAX: usize = 64 << 20;

/// Bytes of bodies read but not yet parsed, for the whole refresh. Past it, a response waits after
/// its headers, its body left in the socket. With no latency, 100 feeds of 300 KB arrive far
/// faster than two cores parse them; without this they all wait in memory at once.
const BODIES_IN_MEMORY: usize = 4 << 20;

fn pipeline_budget(sources: usize) -> usize {
    sources
        .saturating_mul(PIPELINE_PER_SOURCE)
        .clamp(PIPELINE_MIN, PIPELINE_MAX)
}

/// Parses running at once, process-wide: one per core.
static PARSE_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(parse_slots()));

/// Parses at once: one per core.
pub fn parse_slots() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Everything a refresh shares: the fetcher and the store thread.
pub struct RefreshContext {
    pub fetcher: Fetcher,
    pub store: StoreHandle,
}

/// One source to refresh, as the store knows it.
#[derive(Debug, Clone)]
pub struct SourceTarget {
    pub id: SourceId,
    /// The name shown in reports; the feed's own title replaces it when `named` is false.
    pub name: String,
    /// True when the user gave the source a name.
    pub named: bool,
    pub url: Url,
    pub kind: SourceKind,
}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceOutcome {
    /// New content was parsed and stored.
    Stored(UpsertCounts),
    /// 304, or the same bytes as last time: nothing parsed, nothing written.
    Unchanged,
    /// A one-line error; stored articles are untouched.
    Failed(String),
}

/// One source finished.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub source: SourceId,
    pub name: String,
    pub outcome: SourceOutcome,
}

/// The totals of a whole refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefreshSummary {
    pub total: usize,
    pub ok: usize,
    pub failed: usize,
    pub new_articles: usize,
    pub updated_articles: usize,
}

impl RefreshSummary {
    fn add(&mut self, outcome: &SourceOutcome) {
        match outcome {
            SourceOutcome::Stored(counts) => {
                self.ok += 1;
                self.new_articles += counts.new;
                self.updated_articles += counts.updated;
            }
            SourceOutcome::Unchanged => self.ok += 1,
            SourceOutcome::Failed(_) => self.failed += 1,
        }
    }
}

/// Progress of a refresh, in order: `Started`, one `SourceDone` per source, `Finished`.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshEvent {
    Started { total: usize },
    SourceDone(SourceReport),
    Finished(RefreshSummary),
}

/// Refreshes running in this process (see [`running`]).
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether a refresh is running: background work that would compete with it for the store
/// thread (search indexing) waits until it is done.
pub fn running() -> bool {
    RUNNING.load(std::sync::atomic::Ordering::Relaxed) > 0
}

/// Counts a refresh as running until dropped.
struct RunningGuard;

impl RunningGuard {
    fn new() -> RunningGuard {
        RUNNING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        RunningGuard
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Refreshes every target, at most the fetcher's concurrency at once, reporting each as it ends.
/// A closed `events` receiver does not stop the refresh: what was fetched is still stored.
pub async fn run(
    ctx: Arc<RefreshContext>,
    targets: Vec<SourceTarget>,
    events: UnboundedSender<RefreshEvent>,
) -> RefreshSummary {
    let _running = RunningGuard::new();
    let mut summary = RefreshSummary {
        total: targets.len(),
        ..RefreshSummary::default()
    };
    let _ = events.send(RefreshEvent::Started {
        total: targets.len(),
    });
    let width = ctx.fetcher.config().concurrency.max(1);
    let validators = ctx
        .store
        .call(|store| store.all_validators())
        .await
        .and_then(|r| r)
        .unwrap_or_else(|err| {
            tracing::error!("cannot read the sources' validators: {err}");
            HashMap::new()
        });
    let budget = pipeline_budget(targets.len());
    let run = Arc::new(Run {
        pipeline: Arc::new(tokio::sync::Semaphore::new(budget)),
        pipeline_budget: budget,
        bodies: BodyBudget::new(BODIES_IN_MEMORY),
        // Half the budget: parsing goes on into the other half while a batch gathers.
        writer: FeedWriter::spawn(ctx.store.clone(), budget / 2),
        validators,
        ctx,
    });
    // Every source holds a ticket from the start, so the writer knows while more may come.
    let tickets: Vec<_> = targets
        .into_iter()
        .map(|target| (run.writer.ticket(), target))
        .collect();
    // `width` sources fetch and parse at once. A source whose feed is queued for the writer,
    // which may gather for a while, gives its place to the next and waits for the write apart:
    // otherwise sources waiting in a batch could hold every place and stop the fetching (1,000
    // small feeds took 2.6 s instead of 0.2 s that way).
    let mut fetching = futures::stream::iter(tickets)
        .map(|(ticket, target)| {
            let run = Arc::clone(&run);
            async move {
                let stage = fetch_and_queue(&run, &target, ticket).await;
                (target, stage)
            }
        })
        .buffer_unordered(width);
    let mut finishing = futures::stream::FuturesUnordered::new();
    loop {
        tokio::select! {
            Some((target, stage)) = fetching.next() => {
                finishing.push(finish(Arc::clone(&run), target, stage));
            }
            Some(report) = finishing.next() => {
                summary.add(&report.outcome);
                let _ = events.send(RefreshEvent::SourceDone(report));
            }
            else => break,
        }
    }
    let _ = events.send(RefreshEvent::Finished(summary));
    summary
}

/// What the sources of one refresh share.
struct Run {
    ctx: Arc<RefreshContext>,
    writer: FeedWriter,
    /// Read once at the start; a source missing here is fetched unconditionally.
    validators: HashMap<SourceId, Validators>,
    /// Body bytes between parsing and stored (see `pipeline_budget`).
    pipeline: Arc<tokio::sync::Semaphore>,
    pipeline_budget: usize,
    /// Bodies read and not yet parsed (see `BODIES_IN_MEMORY`).
    bodies: BodyBudget,
}

/// How far a source got in the place it fetched from: done, or its feed queued for the writer.
enum Stage {
    /// The outcome, and the feed's own title when one was read.
    Done(SourceOutcome, Option<String>),
    Queued(PendingWrite, Option<String>),
}

/// Waits for a queued feed's write, records a failure, and reports the source.
async fn finish(run: Arc<Run>, target: SourceTarget, stage: Result<Stage, String>) -> SourceReport {
    let done = match stage {
        Ok(Stage::Done(outcome, title)) => Ok((outcome, title)),
        Ok(Stage::Queued(write, title)) => write
            .written()
            .await
            .map(|counts| (SourceOutcome::Stored(counts), title)),
        Err(message) => Err(message),
    };
    let (outcome, title) = match done {
        Ok(done) => done,
        Err(message) => (SourceOutcome::Failed(clean_line(&message)), None),
    };
    record_failure(&run, &target, &outcome).await;
    let name = match title {
        Some(title) if !target.named && !title.trim().is_empty() => clean_line(&title),
        _ => target.name,
    };
    SourceReport {
        source: target.id,
        name,
        outcome,
    }
}

/// Logs a failed source and keeps its error with it in the store.
async fn record_failure(run: &Run, target: &SourceTarget, outcome: &SourceOutcome) {
    let ctx = run.ctx.as_ref();
    let id = target.id;
    if let SourceOutcome::Failed(message) = outcome {
        tracing::warn!(source = %target.name, url = %target.url, "refresh failed: {message}");
        let message = message.clone();
        let recorded = ctx
            .store
            .call(move |store| store.record_error(id, &message, Utc::now()))
            .await;
        if let Err(err) = recorded.and_then(|r| r) {
            tracing::error!("cannot record the error of {}: {err}", target.name);
        }
    }
}

/// Fetches and parses one source and queues its feed for the writer (page and API sources are
/// crawled and stored here).
async fn fetch_and_queue(
    run: &Run,
    target: &SourceTarget,
    ticket: WriteTicket,
) -> Result<Stage, String> {
    let ctx = run.ctx.as_ref();
    if target.kind != SourceKind::Feed {
        let (outcome, title) = crate::crawl::refresh_source(ctx, target, None).await?;
        return Ok(Stage::Done(outcome, title));
    }
    let id = target.id;
    let stored = run.validators.get(&id).cloned().unwrap_or_default();
    let conditional = Conditional {
        etag: stored.etag.clone(),
        last_modified: stored.last_modified.clone(),
    };
    let fetched = match ctx
        .fetcher
        .fetch_within(&target.url, &conditional, Some(&run.bodies))
        .await
    {
        Ok(FetchOutcome::NotModified) => {
            return Ok(Stage::Done(mark_unchanged(ctx, id).await?, None));
        }
        Ok(FetchOutcome::Fetched(fetched)) => *fetched,
        Err(err) => return Err(err.to_string()),
    };
    let hash = body_hash(&fetched.bytes);
    if stored.body_hash.as_deref() == Some(hash.as_str()) {
        return Ok(Stage::Done(mark_unchanged(ctx, id).await?, None));
    }
    let kind = target.kind;
    let Fetched {
        bytes,
        content_type,
        final_url,
        validators,
        lease: body_in_memory,
    } = fetched;
    // Parsed feeds waiting for the writer hold memory: some may wait, the rest wait unparsed.
    let weight = bytes.len().clamp(1, run.pipeline_budget);
    let permits = u32::try_from(weight).unwrap_or(u32::MAX);
    let room = match Arc::clone(&run.pipeline).try_acquire_many_owned(permits) {
        Ok(room) => room,
        Err(_) => {
            // The feeds the writer is gathering may be what fills the budget.
            let _waiting = run.writer.waiting_for_room();
            Arc::clone(&run.pipeline)
                .acquire_many_owned(permits)
                .await
                .map_err(|_| "the parser pool is closed".to_string())?
        }
    };
    // Parsing is CPU-bound: more parses than cores only add threads, malloc arenas and memory.
    let slot = PARSE_SLOTS
        .acquire()
        .await
        .map_err(|_| "the parser pool is closed".to_string())?;
    let parsed = tokio::task::spawn_blocking(move || {
        crate::niceness::lower_current_thread();
        parse_source(kind, &bytes, content_type.as_deref(), &final_url)
    })
    .await
    .map_err(|err| format!("parser crashed: {err}"))??;
    // The next parse may start while this one is written, and the next body may be read.
    drop(slot);
    drop(body_in_memory);
    let validators = Validators {
        etag: validators.etag,
        last_modified: validators.last_modified,
        body_hash: Some(hash),
    };
    let title = parsed.title.clone();
    let update = FeedUpdate {
        source: id,
        articles: parsed.articles,
        validators,
        feed_title: parsed.title,
    };
    let write = run.writer.queue(ticket, update, room)?;
    Ok(Stage::Queued(write, title))
}

async fn mark_unchanged(ctx: &RefreshContext, id: SourceId) -> Result<SourceOutcome, String> {
    ctx.store
        .call(move |store| store.record_unchanged(id, Utc::now()))
        .await
        .and_then(|r| r)
        .map_err(|err| err.to_string())?;
    Ok(SourceOutcome::Unchanged)
}

/// Parses fetched bytes by the source's kind.
pub fn parse_source(
    kind: SourceKind,
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<ParsedFeed, String> {
    match kind {
        SourceKind::Feed => {
            crate::parse::parse_feed(bytes, content_type, Some(base)).map_err(|e| e.to_string())
        }
        other => Err(format!("{} sources are not supported yet", other.as_str())),
    }
}

/// A stable hash of a body, for servers that send no validators. Not cryptographic: it only has
/// to tell a changed body from the last one, and XXH3 does that far faster than SHA-256 (which
/// was 3 % of a cold refresh's CPU samples). A hash stored by an older build (bare hex) never
/// matches, so such a source is parsed once more.
pub fn body_hash(bytes: &[u8]) -> String {
    format!("xxh3-128:{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}
