//! Store write throughput (issue 6): `Store::upsert_articles` into a fresh on-disk SQLite store
//! (WAL, as the reader opens it) in a temp dir, batches of 200 articles with HTML bodies of
//! 200 B–2 KB (a sixth Chinese): new articles, the same batch again (unchanged), the batch with
//! changed text (updates); and `Store::index_pending` (search indexing) of a batch of new articles.
//! Reports articles/s. The store grows while a bench runs, as it does in use.
//!
//! `cargo bench --bench store_upsert [-- --warm-up-time 1 --measurement-time 3]`

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use common::{Rng, check, html_body, or_exit, title};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tempfile::TempDir;
use tidings::model::{ArticleDraft, SourceId, SourceKind, UpsertCounts};
use tidings::store::{SourceSpec, Store};

/// Articles per upsert: a few feeds' refresh, one transaction.
const BATCH: usize = 200;

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

/// A fresh on-disk store with one source; the temp dir lives as long as the store is used.
fn fresh_store() -> (TempDir, Store, SourceId) {
    let dir = or_exit(tempfile::tempdir(), "temp dir");
    let mut store = or_exit(
        Store::open(&dir.path().join("tidings.db")),
        "opening the store",
    );
    let spec = SourceSpec {
        url: "https://news.example.org/feed.xml".to_owned(),
        name: Some("Bench".to_owned()),
        kind: SourceKind::Feed,
        categories: vec!["Bench".to_owned()],
    };
    let ids = or_exit(store.sync_sources(&[spec]), "adding the source");
    let id = or_exit(ids.first().copied().ok_or("no id"), "adding the source");
    (dir, store, id)
}

fn upsert(store: &mut Store, source: SourceId, drafts: &[ArticleDraft]) -> UpsertCounts {
    or_exit(store.upsert_articles(source, drafts, now()), "upsert")
}

/// The counts each bench claims to time, checked once on a store of its own.
fn check_counts(template: &[ArticleDraft]) {
    let (_dir, mut store, source) = fresh_store();
    let new = upsert(&mut store, source, template);
    let same = upsert(&mut store, source, template);
    let changed = upsert(&mut store, source, &edited(template, 1));
    check(new.new == BATCH, "a fresh batch is all new");
    check(
        same.unchanged == BATCH,
        "the same batch again is all unchanged",
    );
    check(changed.updated == BATCH, "an edited batch is all updated");
    let left = or_exit(store.index_pending(BATCH), "indexing");
    check(left == 0, "index_pending(BATCH) indexes a whole batch");
}

fn bench_upsert(c: &mut Criterion) {
    let mut rng = Rng::new(0x570e);
    let template = batch(&mut rng, 0);
    check_counts(&template);
    let mut group = c.benchmark_group("upsert_articles");
    group.throughput(Throughput::Elements(BATCH as u64));

    let (_new_dir, mut store, source) = fresh_store();
    let mut generation = 0;
    group.bench_function(format!("new/{BATCH}"), |b| {
        b.iter_batched(
            || {
                generation += 1;
                renumbered(&template, generation)
            },
            |drafts| upsert(&mut store, source, black_box(&drafts)),
            BatchSize::SmallInput,
        )
    });

    let (_same_dir, mut store, source) = fresh_store();
    upsert(&mut store, source, &template);
    group.bench_function(format!("unchanged/{BATCH}"), |b| {
        b.iter(|| upsert(&mut store, source, black_box(&template)))
    });

    let (_edit_dir, mut store, source) = fresh_store();
    upsert(&mut store, source, &template);
    let versions = [edited(&template, 1), edited(&template, 2)];
    let mut flip = 0;
    group.bench_function(format!("updated/{BATCH}"), |b| {
        b.iter(|| {
            flip ^= 1;
            upsert(&mut store, source, black_box(&versions[flip]))
        })
    });
    group.finish();

    // Indexing needs a queue to drain: each iteration first stores a batch of new articles
    // (not timed), then times indexing it.
    let mut group = c.benchmark_group("index_pending");
    group.throughput(Throughput::Elements(BATCH as u64));
    let (_index_dir, mut store, source) = fresh_store();
    let mut generation = 0;
    group.bench_function(format!("new/{BATCH}"), |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                generation += 1;
                upsert(&mut store, source, &renumbered(&template, generation));
                let began = Instant::now();
                let left = or_exit(store.index_pending(black_box(BATCH)), "indexing");
                timed += began.elapsed();
                black_box(left);
            }
            timed
        })
    });
    group.finish();
}

criterion_group!(benches, bench_upsert);
criterion_main!(benches);
