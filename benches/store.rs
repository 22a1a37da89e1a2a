//! Store timings at scale (issue 6): fills a database with N articles (default 1,000,000 in 5,000
//! sources across 50 categories, some Chinese) and times opening, every list window, counts,
//! search and a refresh-sized upsert. Medians of several runs.
//!
//! `cargo bench --bench store -- [ARTICLES] [DB_PATH]`; an existing DB_PATH is reused as is.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use tidings::model::{ArticleDraft, ArticleQuery, ArticleView, SortOrder, SourceId, SourceKind};
use tidings::store::{SourceSpec, Store};

const SOURCES: usize = 5_000;
const CATEGORIES: usize = 50;
const WORDS: &[&str] = &[
    "rust",
    "release",
    "college",
    "seminar",
    "digital",
    "skills",
    "network",
    "student",
    "meeting",
    "research",
    "campus",
    "library",
    "compiler",
    "market",
    "energy",
    "climate",
    "數據",
    "数字化",
    "国际",
    "会议",
    "学院",
    "新闻",
    "研讨会",
    "技能",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn words(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| WORDS[self.below(WORDS.len())]).collect();
        words.join(" ")
    }
}

fn fill(store: &mut Store, articles: usize) -> Result<(), Box<dyn std::error::Error>> {
    let specs: Vec<SourceSpec> = (0..SOURCES)
        .map(|i| SourceSpec {
            url: format!("https://s{i}.example/feed"),
            name: Some(format!("Source {i}")),
            kind: SourceKind::Feed,
            categories: vec![format!("Category {:02}", i % CATEGORIES)],
        })
        .collect();
    let ids = store.sync_sources(&specs)?;
    let per_source = articles.div_ceil(SOURCES);
    let start = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .single()
        .ok_or("date")?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let began = Instant::now();
    for (n, id) in ids.iter().enumerate() {
        let drafts: Vec<ArticleDraft> = (0..per_source)
            .map(|i| ArticleDraft {
                id: Some(format!("{n}-{i}")),
                title: rng.words(6),
                link: Some(format!("https://s{n}.example/a/{i}")),
                published: Some(start + chrono::Duration::minutes(rng.below(2_000_000) as i64)),
                summary: Some(format!("<p>{}</p>", rng.words(30))),
                content: Some(format!("<p>{}</p><p>{}</p>", rng.words(60), rng.words(60))),
                views: (rng.below(4) > 0).then(|| rng.below(100_000) as i64),
                score: (rng.below(4) == 0).then(|| rng.below(1_000) as i64),
                ..ArticleDraft::default()
            })
            .collect();
        store.upsert_articles(*id, &drafts, start)?;
        if n % 500 == 499 {
            let done = (n + 1) * per_source;
            let secs = began.elapsed().as_secs_f64();
            eprintln!("{done} articles, {:.0}/s", done as f64 / secs);
        }
    }
    let began = Instant::now();
    while store.index_pending(10_000)? > 0 {}
    eprintln!(
        "search index built in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    // Some read and starred articles, so the partial indexes have something to skip.
    for id in ids.iter().step_by(3) {
        let q = ArticleQuery {
            view: ArticleView::Source(*id),
            ..ArticleQuery::default()
        };
        store.mark_all_read(&q)?;
    }
    for n in (0..articles as i64).step_by(997) {
        store.set_starred(tidings::model::ArticleId(n + 1), true)?;
    }
    Ok(())
}

fn median(mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>) -> Duration {
    let mut times = Vec::new();
    for _ in 0..7 {
        let began = Instant::now();
        if let Err(e) = f() {
            eprintln!("error: {e}");
        }
        times.push(began.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let articles: usize = args.first().map_or(Ok(1_000_000), |a| a.parse())?;
    let path = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("tidings-bench-{articles}.db")));
    if !path.exists() {
        eprintln!("filling {} with {articles} articles", path.display());
        let began = Instant::now();
        fill(&mut Store::open(&path)?, articles)?;
        eprintln!("filled in {:.1} s", began.elapsed().as_secs_f64());
    }
    let open = median(|| Store::open(&path).map(drop).map_err(Into::into));
    println!("open                                   {open:>10.2?}");
    let store = Store::open(&path)?;
    let time = |label: &str, f: &mut dyn FnMut() -> Result<(), Box<dyn std::error::Error>>| {
        println!("{label:<38} {:>10.2?}", median(f));
    };
    time("counts", &mut || {
        store.counts().map(drop).map_err(Into::into)
    });
    time("category_counts", &mut || {
        store.category_counts().map(drop).map_err(Into::into)
    });
    time("sources", &mut || {
        store.sources().map(drop).map_err(Into::into)
    });

    let views = [
        ("all", ArticleView::All),
        ("unread", ArticleView::Unread),
        ("starred", ArticleView::Starred),
        ("category", ArticleView::Category("Category 07".into())),
        ("source", ArticleView::Source(SourceId(42))),
        ("search rust", ArticleView::Search("compiler rust".into())),
        ("search 研讨会", ArticleView::Search("研讨会 技能".into())),
        ("search 会议 (LIKE)", ArticleView::Search("会议".into())),
    ];
    for (name, view) in views {
        for sort in [SortOrder::Date, SortOrder::Views, SortOrder::Score] {
            for unread_only in [false, true] {
                let mut q = ArticleQuery {
                    view: view.clone(),
                    sort,
                    unread_only,
                    offset: 0,
                    limit: 100,
                };
                let label = format!(
                    "{name} {} {}",
                    sort.as_str(),
                    if unread_only { "unread" } else { "" }
                );
                let mut total = 0;
                time(&format!("{label} count"), &mut || {
                    total = store.count_articles(&q)?;
                    Ok(())
                });
                for (at, offset) in [
                    ("top", 0),
                    ("mid", total / 3),
                    ("end", total.saturating_sub(100)),
                ] {
                    q.offset = offset;
                    time(&format!("{label} {at}"), &mut || {
                        store.list_articles(&q).map(drop).map_err(Into::into)
                    });
                }
            }
        }
    }
    Ok(())
}
