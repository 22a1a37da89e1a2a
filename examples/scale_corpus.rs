//! Fills a data dir with a scale corpus (issue 6): by default 1,000,000 articles in 5,000 sources
//! across 50 categories, through the library's Store API, and writes a matching config.toml so
//! `tidings --config FILE --data-dir DIR` opens it with those sources.
//!
//! ```sh
//! cargo run --release --example scale_corpus -- --data-dir /tmp/scale/data \
//!     [--config /tmp/scale/config.toml] [--articles 1000000 --sources 5000 --categories 50]
//! ```
//!
//! Articles have titles of 4–12 words, HTML bodies of ~200–2,000 bytes (about 15 % Chinese),
//! a vocabulary with a long tail (so search terms range from common to rare), dates spread
//! over a year, views on most and score/comments on some. Source sizes are skewed:
//! source 1 ("Big Source") holds a tenth of all articles, the others share the rest unevenly.
//! A third of the sources are marked read and every 997th article starred, so the unread and
//! starred views have something to skip. The search indexes (trigram and words) are built at the
//! end (queue-then-index, as a refresh does), timed separately. The output is the same for the same arguments (`--seed`).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, TimeZone, Utc};
use clap::Parser;
use tidings::model::{ArticleDraft, ArticleId, ArticleQuery, ArticleView, SourceKind};
use tidings::store::{SourceSpec, Store};

#[derive(Parser)]
#[command(about = "Fill a tidings data dir with a scale corpus")]
struct Args {
    /// The data dir to fill (tidings.db inside it); must not hold a database yet.
    #[arg(long)]
    data_dir: PathBuf,
    /// Where to write the config; default: config.toml next to the data dir.
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long, default_value_t = 1_000_000)]
    articles: usize,
    #[arg(long, default_value_t = 5_000)]
    sources: usize,
    #[arg(long, default_value_t = 50)]
    categories: usize,
    #[arg(long, default_value_t = 0x9e37_79b9_7f4a_7c15)]
    seed: u64,
    /// Articles per upsert transaction.
    #[arg(long, default_value_t = 20_000)]
    batch: usize,
    /// Leave the search queue unindexed (the reader indexes it in the background).
    #[arg(long)]
    no_index: bool,
}

#[rustfmt::skip]
const ENGLISH: &[&str] = &[
    "the", "of", "and", "to", "in", "for", "on", "with", "at", "from", "by", "new", "report",
    "students", "college", "seminar", "digital", "skills", "network", "meeting", "research",
    "campus", "library", "compiler", "market", "energy", "climate", "release", "policy",
    "government", "university", "international", "conference", "science", "technology",
    "economy", "city", "council", "health", "water", "school", "teachers", "program", "project",
    "community", "festival", "museum", "exhibition", "award", "ceremony", "delegation", "visit",
    "cooperation", "agreement", "training", "workshop", "lecture", "forum", "innovation",
    "software", "hardware", "security", "privacy", "browser", "kernel", "database", "server",
    "cloud", "storage", "battery", "solar", "wind", "railway", "airport", "harbour", "bridge",
    "election", "budget", "court", "ministry", "hospital", "vaccine", "football", "marathon",
    "orchestra", "theatre", "novel", "poetry", "history", "archive", "satellite", "telescope",
    "ocean", "forest", "river", "mountain", "village", "farmers", "harvest", "weather", "storm",
    "flood", "drought", "earthquake", "volunteers", "charity", "startup", "investment", "bank",
    "currency", "inflation", "exports", "shipping", "robotics", "language", "translation",
    "rust", "python", "linux", "kubernetes", "quantum", "genome", "protein", "microscope",
    "archaeology", "dinosaur", "glacier", "volcano", "penguin", "lighthouse", "observatory",
];

#[rustfmt::skip]
const CHINESE: &[&str] = &[
    "学院", "新闻", "国际", "会议", "研讨会", "技能", "数字化", "学生", "教师", "交流", "合作", "举行", "召开", "开展", "活动",
    "培训", "讲座", "论坛", "比赛", "获奖", "创新", "创业", "发展", "建设", "质量", "教学", "科研", "项目", "企业", "校园",
    "文化", "艺术", "体育", "志愿者", "社会", "服务", "实践", "调研", "考察", "代表团", "访问", "签约", "仪式", "典礼", "毕业",
    "招生", "就业", "职业", "技术", "工程", "智能", "制造", "数据", "网络", "安全", "人工智能", "乡村振兴", "一带一路", "产教融合",
    "高质量发展", "点击", "通知", "公告",
];

#[rustfmt::skip]
const CATEGORY_NAMES: &[&str] = &[
    "World", "Tech", "Science", "Business", "Campus", "Culture", "Sports", "Health", "Politics",
    "Climate", "Open Source", "Security", "Research", "Local", "Travel", "Food", "Music",
    "Film", "Books", "Games", "Space", "Energy", "Transport", "Education", "Law", "Economy",
    "Design", "Photography", "History", "Languages", "Mobile", "Web", "Databases", "Systems",
    "Rust", "Python", "Hardware", "AI", "Startups", "Finance", "Weather", "Opinion", "Podcasts",
    "校园新闻", "国际交流", "通知公告", "学术动态", "媒体关注", "教学科研", "学生工作",
];

/// xorshift64: deterministic and fast; quality is beside the point here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// An index into a list of `n` words, skewed towards the front (common words first).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Syllables of the long tail of Latin words (names, places, jargon): 40³ three-syllable words.
#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tor", "va", "shi", "den", "bra", "qu", "zel", "pon", "dri", "mak",
    "sel", "gor", "fin", "tra", "ul", "nex", "ba", "ro", "ve", "ith", "cal", "mun", "gre", "sto",
    "pha", "lin", "dor", "ew", "yst", "ark", "vin", "ost", "em", "ux", "hal", "jo",
];

/// Characters of the long tail of Chinese words: 92² two-character words.
const HANZI: &str = "中国人大学会年国际新闻发展合作交流研究技术工程文化艺术体育健康城市乡村\
                     教育科学经济社会管理服务创新数据网络安全智能制造生态环境能源交通医疗历史\
                     语言音乐电影图书馆博物展览比赛冠军志愿青年";

/// Appends one word: a common one most of the time, else one of the long tail (Zipf-like), so
/// that search terms range from everywhere to a handful of articles, as in real news.
fn word(rng: &mut Rng, out: &mut String, chinese: bool, capital: bool) {
    let tail = rng.chance(25);
    if chinese {
        if tail {
            let k = rng.skewed(10_000);
            static CHARS: LazyLock<Vec<char>> = LazyLock::new(|| HANZI.chars().collect());
            let chars = &*CHARS;
            out.push(chars[k % chars.len()]);
            out.push(chars[(k / chars.len()) % chars.len()]);
        } else {
            out.push_str(CHINESE[rng.skewed(CHINESE.len())]);
        }
        return;
    }
    let start = out.len();
    if tail {
        let k = rng.skewed(64_000);
        let n = SYLLABLES.len();
        for part in [k % n, (k / n) % n, (k / n / n) % n] {
            out.push_str(SYLLABLES[part]);
        }
    } else {
        out.push_str(ENGLISH[rng.skewed(ENGLISH.len())]);
    }
    if capital {
        let first = out[start..].chars().next().map(|c| c.to_ascii_uppercase());
        if let Some(first) = first {
            out.replace_range(
                start..start + first.len_utf8(),
                first.encode_utf8(&mut [0; 4]),
            );
        }
    }
}

/// A Latin sentence of `min` to `min + spread - 1` words, capitalised, or a Chinese one.
fn sentence(rng: &mut Rng, out: &mut String, (min, spread): (usize, usize), chinese: bool) {
    let words = min + rng.below(spread);
    for i in 0..words {
        if i > 0 && !chinese {
            out.push(' ');
        }
        word(rng, out, chinese, i == 0);
    }
    out.push_str(if chinese { "。" } else { ". " });
}

fn title(rng: &mut Rng, chinese: bool) -> String {
    let mut t = String::new();
    sentence(rng, &mut t, (4, 9), chinese);
    t.trim_end_matches([' ', '.', '。']).to_owned()
}

/// An HTML body of about `chars` characters: paragraphs, sometimes a list, a link or a quote.
fn body(rng: &mut Rng, chars: usize, chinese: bool, n: usize) -> String {
    let mut html = String::with_capacity(chars + 256);
    while html.len() < chars {
        match rng.below(10) {
            0 => {
                html.push_str("<ul>");
                for _ in 0..2 + rng.below(3) {
                    html.push_str("<li>");
                    sentence(rng, &mut html, (3, 5), chinese);
                    html.push_str("</li>");
                }
                html.push_str("</ul>");
            }
            1 => {
                html.push_str("<blockquote><p>");
                sentence(rng, &mut html, (8, 10), chinese);
                html.push_str("</p></blockquote>");
            }
            2 => {
                html.push_str("<p>");
                sentence(rng, &mut html, (6, 1), chinese);
                let _ = write!(
                    html,
                    "<a href=\"https://example.org/more/{n}\">more</a> &amp; <b>details</b>.</p>"
                );
            }
            _ => {
                html.push_str("<p>");
                for _ in 0..2 + rng.below(4) {
                    sentence(rng, &mut html, (6, 14), chinese);
                }
                html.push_str("</p>");
            }
        }
    }
    html
}

/// Articles per source: the first holds a tenth, the others share the rest unevenly (weights
/// 1–16, so the biggest small source is about 16 times the smallest).
fn source_sizes(rng: &mut Rng, articles: usize, sources: usize) -> Vec<usize> {
    if sources == 1 {
        return vec![articles];
    }
    let big = articles / 10;
    let rest = articles - big;
    let weights: Vec<usize> = (1..sources).map(|_| 1 + rng.below(16)).collect();
    let total: usize = weights.iter().sum();
    let mut sizes = vec![big];
    sizes.extend(weights.iter().map(|w| rest * w / total));
    let assigned: usize = sizes.iter().sum();
    if let Some(last) = sizes.last_mut() {
        *last += articles - assigned;
    }
    sizes
}

fn source_name(i: usize) -> String {
    if i == 0 {
        "Big Source".to_owned()
    } else {
        format!("Source {i:04}")
    }
}

fn category_name(i: usize) -> String {
    match CATEGORY_NAMES.get(i) {
        Some(name) => (*name).to_owned(),
        None => format!("Category {i:02}"),
    }
}

fn specs(sources: usize, categories: usize) -> Vec<SourceSpec> {
    (0..sources)
        .map(|i| SourceSpec {
            url: format!("https://s{i}.scale.example/feed.xml"),
            name: Some(source_name(i)),
            kind: SourceKind::Feed,
            categories: vec![category_name(i % categories)],
        })
        .collect()
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn write_config(path: &std::path::Path, specs: &[SourceSpec]) -> Result<()> {
    let mut toml = String::from(
        "# Written by `cargo run --example scale_corpus`: the sources of the scale corpus.\n\
         # They point at *.scale.example, which does not resolve: refreshing them fails.\n\n\
         [refresh]\non_start = false\n",
    );
    for spec in specs {
        let _ = write!(
            toml,
            "\n[[source]]\nname = {}\nurl = {}\ncategory = {}\n",
            toml_string(spec.name.as_deref().unwrap_or_default()),
            toml_string(&spec.url),
            toml_string(spec.categories.first().map_or("", String::as_str)),
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, toml).with_context(|| format!("writing {}", path.display()))
}

fn drafts(
    rng: &mut Rng,
    source: usize,
    range: std::ops::Range<usize>,
    end: DateTime<Utc>,
) -> Vec<ArticleDraft> {
    const YEAR_MINUTES: usize = 365 * 24 * 60;
    range
        .map(|i| {
            let chinese = rng.chance(15);
            // Log-uniform between 200 and 2,000 bytes (a few hundred to a couple of thousand characters).
            let size = (200.0 * 10f64.powf((rng.below(1000) as f64) / 1000.0)) as usize;
            let views = rng.chance(60).then(|| {
                let scale = [100, 1_000, 10_000, 100_000][rng.below(4)];
                rng.below(scale) as i64
            });
            let score = rng.chance(20).then(|| rng.below(2_000) as i64);
            ArticleDraft {
                id: Some(format!("s{source}-{i}")),
                title: title(rng, chinese),
                link: Some(format!("https://s{source}.scale.example/a/{i}.html")),
                published: rng
                    .chance(98)
                    .then(|| end - Duration::minutes(rng.below(YEAR_MINUTES) as i64)),
                author: rng.chance(50).then(|| format!("Author {}", rng.below(500))),
                summary: rng
                    .chance(50)
                    .then(|| format!("<p>{}</p>", title(rng, chinese))),
                content: Some(body(rng, size, chinese, i)),
                views,
                comments: score.map(|s| s / 10),
                score,
                ..ArticleDraft::default()
            }
        })
        .collect()
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.sources == 0 || args.categories == 0 {
        bail!("--sources and --categories must be at least 1");
    }
    let database = args.data_dir.join("tidings.db");
    if database.exists() {
        bail!("{} exists; give an empty data dir", database.display());
    }
    let config = args.config.clone().unwrap_or_else(|| {
        args.data_dir
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("config.toml")
    });
    let began = Instant::now();
    let specs = specs(args.sources, args.categories);
    write_config(&config, &specs)?;
    let mut store = Store::open(&database).with_context(|| database.display().to_string())?;
    let ids = store.sync_sources(&specs)?;

    let mut rng = Rng(args.seed.max(1));
    let sizes = source_sizes(&mut rng, args.articles, args.sources);
    let end = Utc
        .with_ymd_and_hms(2025, 6, 30, 12, 0, 0)
        .single()
        .context("end date")?;
    let first_seen = end + Duration::hours(1);
    let inserting = Instant::now();
    let (mut done, mut bytes, mut next_report) = (0usize, 0usize, 100_000usize);
    let mut batch = Vec::with_capacity(args.batch);
    for (n, (id, size)) in ids.iter().zip(&sizes).enumerate() {
        let mut start = 0;
        while start < *size {
            let take = (*size - start).min(args.batch);
            batch.clear();
            batch.extend(drafts(&mut rng, n, start..start + take, end));
            bytes += batch
                .iter()
                .map(|d| d.title.len() + d.content.as_ref().map_or(0, String::len))
                .sum::<usize>();
            store.upsert_articles(*id, &batch, first_seen)?;
            start += take;
            done += take;
            if done >= next_report {
                let secs = inserting.elapsed().as_secs_f64();
                eprintln!(
                    "{done} articles, {:.0} MB of text, {:.0} articles/s",
                    bytes as f64 / 1e6,
                    done as f64 / secs
                );
                next_report += 100_000;
            }
        }
    }
    let insert_secs = inserting.elapsed().as_secs_f64();

    // A third of the sources read, some articles starred.
    for id in ids.iter().skip(1).step_by(3) {
        store.mark_all_read(&ArticleQuery {
            view: ArticleView::Source(*id),
            ..ArticleQuery::default()
        })?;
    }
    for n in (1..=args.articles as i64).step_by(997) {
        store.set_starred(ArticleId(n), true)?;
    }

    let indexing = Instant::now();
    if !args.no_index {
        while store.index_pending(20_000)? > 0 {}
    }
    let index_secs = indexing.elapsed().as_secs_f64();
    drop(store);
    let db_bytes = std::fs::metadata(&database).map_or(0, |m| m.len());
    println!(
        "{} articles ({:.0} MB of title+body text) in {} sources, {} categories",
        done,
        bytes as f64 / 1e6,
        args.sources,
        args.categories
    );
    println!(
        "insert {insert_secs:.1} s ({:.0} articles/s), search index {index_secs:.1} s{}, total {:.1} s",
        done as f64 / insert_secs,
        if args.no_index { " (skipped)" } else { "" },
        began.elapsed().as_secs_f64()
    );
    println!(
        "database {} ({:.0} MB)\nconfig   {}\nopen it: tidings --config {} --data-dir {}",
        database.display(),
        db_bytes as f64 / 1e6,
        config.display(),
        config.display(),
        args.data_dir.display()
    );
    Ok(())
}
