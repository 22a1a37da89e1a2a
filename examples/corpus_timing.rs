//! Times the two CPU-heavy halves of a refresh apart, on one thread, over a directory of feed
//! files (issue 6): parsing every file from memory, then storing every parsed article into a fresh
//! on-disk store in batches, as a refresh's writer does. No network, no other threads but the
//! store's checkpointer, so a change to either half shows without the noise of a whole refresh.
//!
//! ```sh
//! cargo run --release --example corpus_timing -- \
//!     --corpus /tmp/tidings-bench-shared/corpus/s42-f5000-i20-b100-c0.1/gen0 \
//!     --data-dir /tmp/corpus-timing [--rounds 3] [--batch 10000]
//! ```
//!
//! The corpus is the shared bench's (`../shared/bench/gen_corpus.py`); any directory of `.rss`,
//! `.atom` and `.json` files will do. Each round parses every file and drops what it parsed,
//! but the last, whose articles are then stored. `--digest` also prints a hash of every parsed feed's `Debug` text, which must
//! not move when a change to the parser is meant to change only its speed.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use tidings::model::{ParsedFeed, SourceKind};
use tidings::store::{FeedUpdate, SourceSpec, Store, Validators};
use url::Url;

/// The binary's allocator (src/main.rs), so that the timings are the refresh's.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(about = "Time parsing and storing a directory of feed files")]
struct Args {
    /// A directory of feed files.
    #[arg(long)]
    corpus: PathBuf,
    /// Where the store is written (tidings.db inside it, replaced on every run).
    #[arg(long)]
    data_dir: PathBuf,
    /// Times every file is parsed.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Most articles in one transaction (the refresh's writer takes up to 10,000).
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// Print a hash of every parsed feed's Debug text.
    #[arg(long)]
    digest: bool,
}

/// One feed file, read into memory.
struct Document {
    name: String,
    bytes: Vec<u8>,
}

fn read_corpus(dir: &Path) -> Result<Vec<Document>> {
    let mut documents = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".rss") || name.ends_with(".atom") || name.ends_with(".json") {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            documents.push(Document { name, bytes });
        }
    }
    documents.sort_by(|a, b| a.name.cmp(&b.name));
    if documents.is_empty() {
        bail!("no .rss, .atom or .json files in {}", dir.display());
    }
    Ok(documents)
}

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".atom") {
        "application/atom+xml"
    } else if name.ends_with(".json") {
        "application/feed+json"
    } else {
        "application/rss+xml"
    }
}

/// Parses every document; keeps the parsed feeds only when `keep` (a round that drops each feed
/// at once measures the parser, not a growing heap).
fn parse_all(documents: &[Document], base: &Url, keep: bool) -> Result<(Vec<ParsedFeed>, usize)> {
    let mut feeds = Vec::new();
    let mut articles = 0;
    for d in documents {
        let feed = tidings::parse::parse_feed(&d.bytes, Some(content_type(&d.name)), Some(base))
            .with_context(|| format!("parsing {}", d.name))?;
        articles += feed.articles.len();
        if keep {
            feeds.push(feed);
        }
    }
    Ok((feeds, articles))
}

fn digest(feeds: &[ParsedFeed]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for feed in feeds {
        format!("{feed:?}").hash(&mut hasher);
    }
    hasher.finish()
}

fn store_all(args: &Args, documents: &[Document], feeds: Vec<ParsedFeed>) -> Result<()> {
    let path = args.data_dir.join("tidings.db");
    for stale in ["tidings.db", "tidings.db-wal", "tidings.db-shm"] {
        let _ = std::fs::remove_file(args.data_dir.join(stale));
    }
    let mut store = Store::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let specs: Vec<SourceSpec> = documents
        .iter()
        .map(|d| SourceSpec {
            url: format!("http://127.0.0.1/{}", d.name),
            name: None,
            kind: SourceKind::Feed,
            categories: vec!["corpus".to_owned()],
        })
        .collect();
    let ids = store.sync_sources(&specs)?;
    let began = Instant::now();
    let mut batch = Vec::new();
    let mut in_batch = 0;
    let mut stored = 0;
    for (feed, id) in feeds.into_iter().zip(ids) {
        in_batch += feed.articles.len();
        batch.push(FeedUpdate {
            source: id,
            articles: feed.articles,
            validators: Validators::default(),
            feed_title: feed.title,
        });
        if in_batch >= args.batch {
            store.store_feeds(&batch, chrono::Utc::now())?;
            stored += in_batch;
            batch.clear();
            in_batch = 0;
        }
    }
    store.store_feeds(&batch, chrono::Utc::now())?;
    stored += in_batch;
    let written = began.elapsed().as_secs_f64();
    drop(store);
    println!(
        "store: {stored} articles in {written:.2} s ({:.0} articles/s), closed at {:.2} s",
        stored as f64 / written,
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let documents = read_corpus(&args.corpus)?;
    let bytes: usize = documents.iter().map(|d| d.bytes.len()).sum();
    let base = Url::parse("http://127.0.0.1/")?;
    let rounds = args.rounds.max(1);
    let mut feeds = Vec::new();
    for round in 1..=rounds {
        let began = Instant::now();
        let (parsed, articles) = parse_all(&documents, &base, round == rounds)?;
        let seconds = began.elapsed().as_secs_f64();
        feeds = parsed;
        println!(
            "parse, round {round}: {} files, {:.1} MB, {articles} articles in {seconds:.2} s \
             ({:.0} MB/s)",
            documents.len(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / seconds
        );
    }
    if args.digest {
        println!("digest of the parsed feeds: {:016x}", digest(&feeds));
    }
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    store_all(&args, &documents, feeds)
}
