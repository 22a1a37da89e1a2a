//! Store write throughput (issue 6): `Store::upsert_articles` into an on-disk SQLite store (WAL,
//! as the reader opens it) in a temp dir, batches of 200 articles with HTML bodies of 200 B–2 KB
//! (a sixth Chinese): new articles into a fresh store and into one of 20,000 articles, the same
//! batch again (unchanged), the batch with changed text (updates); and `Store::index_pending`
//! (search indexing) of a batch of new articles. Reports articles/s.
//!
//! Writes make a store grow, and in a bigger store each new article touches more index pages, so
//! the stores written to are put back to their starting copy (not timed) every ten batches: the
//! figures do not depend on how many iterations criterion chose.
//!
//! `cargo bench --bench store_upsert [-- --warm-up-time 1 --measurement-time 3]`

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use common::{Rng, check, html_body, or_exit, title};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use tidings::model::{ArticleDraft, SourceId, SourceKind, UpsertCounts};
use tidings::store::{SourceSpec, Store};

/// Articles per upsert: a few feeds' refresh, one transaction.
const BATCH: usize = 200;
/// Batches in the bigger starting store (20,000 articles).
const BIG_BATCHES: usize = 100;
/// Batches written before a store is put back to its starting copy.
const RESET_EVERY: usize = 10;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A batch of drafts; `generation` makes ids and links differ between batches.
fn batch(rng: &mut Rng, generation: usize) -> Vec<ArticleDraft> {
    (0..BATCH)
        .map(|i| {
            let chinese = rng.chance(16);
            let size = rng.log_size(200, 2000);
            let n = generation * BATCH + i;
            ArticleDraft {
                id: Some(format!("bench-{n}")),
                title: title(rng, chinese),
                link: Some(format!("https://news.example.org/a/{n}.html")),
                published: Some(now() - chrono::Duration::minutes(n as i64)),
                author: rng.chance(50).then(|| format!("Author {}", rng.below(100))),
                summary: rng
                    .chance(50)
                    .then(|| format!("<p>{}</p>", title(rng, chinese))),
                content: Some(html_body(rng, size, chinese, n)),
                views: rng.chance(60).then(|| rng.below(10_000) as i64),
                score: rng.chance(20).then(|| rng.below(500) as i64),
                ..ArticleDraft::default()
            }
        })
        .collect()
}

/// `drafts` as generation `generation`: the same articles under new ids and links.
fn renumbered(drafts: &[ArticleDraft], generation: usize) -> Vec<ArticleDraft> {
    drafts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let n = generation * BATCH + i;
            ArticleDraft {
                id: Some(format!("bench-{n}")),
                link: Some(format!("https://news.example.org/a/{n}.html")),
                ..d.clone()
            }
        })
        .collect()
}

/// `drafts` with an edited body, as a site that corrects an article.
fn edited(drafts: &[ArticleDraft], edit: usize) -> Vec<ArticleDraft> {
    drafts
        .iter()
        .map(|d| ArticleDraft {
            content: d
                .content
                .as_ref()
                .map(|c| format!("{c}<p>Update {edit}: corrected.</p>")),
            ..d.clone()
        })
        .collect()
}

fn upsert(store: &mut Store, source: SourceId, drafts: &[ArticleDraft]) -> UpsertCounts {
    or_exit(store.upsert_articles(source, drafts, now()), "upsert")
}

/// Writes a store with one source and `batches` indexed batches at `path`, closed (so the WAL
/// is folded into the file), and returns the source's id and the first batch.
fn build(path: &Path, rng: &mut Rng, batches: usize) -> (SourceId, Vec<ArticleDraft>) {
    let mut store = or_exit(Store::open(path), "creating a store");
    let spec = SourceSpec {
        url: "https://news.example.org/feed.xml".to_owned(),
        name: Some("Bench".to_owned()),
        kind: SourceKind::Feed,
        categories: vec!["Bench".to_owned()],
    };
    let ids = or_exit(store.sync_sources(&[spec]), "adding the source");
    let source = or_exit(ids.first().copied().ok_or("no id"), "adding the source");
    let mut first = Vec::new();
    for generation in 1..=batches {
        let drafts = batch(rng, generation);
        upsert(&mut store, source, &drafts);
        if generation == 1 {
            first = drafts;
        }
    }
    while or_exit(store.index_pending(2_000), "indexing") > 0 {}
    (source, first)
}

/// An open copy of a starting store, replaced by a new copy every [`RESET_EVERY`] batches.
struct Scratch<'a> {
    dir: &'a Path,
    start: &'a Path,
    store: Store,
    path: PathBuf,
    written: usize,
}

/// Copies get names never used before, so no stale WAL file can meet a new copy.
static COPIES: AtomicUsize = AtomicUsize::new(0);

impl Scratch<'_> {
    fn new<'a>(dir: &'a Path, start: &'a Path) -> Scratch<'a> {
        let (store, path) = Scratch::copy(dir, start);
        Scratch {
            dir,
            start,
            store,
            path,
            written: 0,
        }
    }

    fn copy(dir: &Path, start: &Path) -> (Store, PathBuf) {
        let n = COPIES.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("scratch-{n}.db"));
        or_exit(std::fs::copy(start, &path), "copying the store");
        (or_exit(Store::open(&path), "opening the copy"), path)
    }

    /// Counts a batch written; after [`RESET_EVERY`], swaps in a fresh copy and deletes the old.
    fn written(&mut self) {
        self.written += 1;
        if self.written >= RESET_EVERY {
            self.written = 0;
            let (store, path) = Scratch::copy(self.dir, self.start);
            drop(std::mem::replace(&mut self.store, store));
            remove(&std::mem::replace(&mut self.path, path));
        }
    }
}

/// Deletes a closed store's files.
fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The counts each bench claims to time, checked once on a copy of its own.
fn check_counts(dir: &Path, start: &Path, source: SourceId, stored: &[ArticleDraft]) {
    let mut scratch = Scratch::new(dir, start);
    let store = &mut scratch.store;
    let new = upsert(store, source, &renumbered(stored, 1_000_000));
    let same = upsert(store, source, stored);
    let changed = upsert(store, source, &edited(stored, 1));
    check(new.new == BATCH, "a batch of new ids is all new");
    check(
        same.unchanged == BATCH,
        "a stored batch again is all unchanged",
    );
    check(changed.updated == BATCH, "an edited batch is all updated");
    let queued = or_exit(store.index_pending(0), "reading the search queue");
    check(queued == 2 * BATCH, "new and edited articles are queued");
    let left = or_exit(store.index_pending(2 * BATCH), "indexing");
    check(left == 0, "index_pending(n) indexes n articles");
}

/// Times upserting `drafts(i)` for each iteration `i`, resetting the store as it goes.
fn time_upserts(
    scratch: &mut Scratch<'_>,
    source: SourceId,
    iters: u64,
    mut drafts: impl FnMut() -> Vec<ArticleDraft>,
) -> Duration {
    let mut timed = Duration::ZERO;
    for _ in 0..iters {
        let batch = drafts();
        let began = Instant::now();
        black_box(upsert(&mut scratch.store, source, black_box(&batch)));
        timed += began.elapsed();
        scratch.written();
    }
    timed
}

fn bench_upsert(c: &mut Criterion) {
    let dir = or_exit(tempfile::tempdir(), "temp dir");
    let mut rng = Rng::new(0x570e);
    let empty = dir.path().join("empty.db");
    let big = dir.path().join("big.db");
    let (source, _) = build(&empty, &mut rng, 0);
    let (big_source, stored) = build(&big, &mut rng, BIG_BATCHES);
    check(source == big_source, "both stores have the same source id");
    check_counts(dir.path(), &big, source, &stored);
    let template = renumbered(&stored, 0);

    let mut group = c.benchmark_group("upsert_articles");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.sampling_mode(SamplingMode::Flat);
    let mut generation = 1_000;
    for (name, start) in [("new_into_empty", &empty), ("new_into_20k", &big)] {
        let mut scratch = Scratch::new(dir.path(), start);
        group.bench_function(format!("{name}/{BATCH}"), |b| {
            b.iter_custom(|iters| {
                time_upserts(&mut scratch, source, iters, || {
                    generation += 1;
                    renumbered(&template, generation)
                })
            })
        });
    }
    // The same and the edited batch change no article count: the store is reset only for tidiness.
    let mut scratch = Scratch::new(dir.path(), &big);
    group.bench_function(format!("unchanged_in_20k/{BATCH}"), |b| {
        b.iter_custom(|iters| time_upserts(&mut scratch, source, iters, || stored.clone()))
    });
    let mut scratch = Scratch::new(dir.path(), &big);
    let versions = [edited(&stored, 1), edited(&stored, 2)];
    let mut flip = 0;
    group.bench_function(format!("updated_in_20k/{BATCH}"), |b| {
        b.iter_custom(|iters| {
            time_upserts(&mut scratch, source, iters, || {
                flip ^= 1;
                versions[flip].clone()
            })
        })
    });
    group.finish();

    // Indexing needs a queue to drain: each iteration first stores a batch of new articles (not
    // timed), then times indexing it.
    let mut group = c.benchmark_group("index_pending");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.sampling_mode(SamplingMode::Flat);
    let mut scratch = Scratch::new(dir.path(), &big);
    group.bench_function(format!("new_in_20k/{BATCH}"), |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                generation += 1;
                upsert(
                    &mut scratch.store,
                    source,
                    &renumbered(&template, generation),
                );
                let began = Instant::now();
                let left = or_exit(scratch.store.index_pending(black_box(BATCH)), "indexing");
                timed += began.elapsed();
                black_box(left);
                scratch.written();
            }
            timed
        })
    });
    group.finish();
}

criterion_group!(benches, bench_upsert);
criterion_main!(benches);
