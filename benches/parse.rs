//! Feed parsing throughput (issue 6): `tidings::parse::parse_feed` over an RSS 2.0, an Atom and a
//! JSON Feed document written here, 50 items each with HTML bodies of 1–8 KB (a fifth Chinese).
//! Reports articles/s and MiB/s from the same measurement.
//!
//! `cargo bench --bench parse [-- --warm-up-time 1 --measurement-time 3]`

mod common;

use std::fmt::Write as _;
use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Rng, check, escape, html_body, or_exit, title};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::parse::parse_feed;
use url::Url;

const ITEMS: usize = 50;
const SITE: &str = "https://news.example.org";

/// What every format carries for one item.
struct Item {
    id: String,
    title: String,
    link: String,
    published: DateTime<Utc>,
    author: String,
    category: &'static str,
    summary: String,
    body: String,
}

fn items() -> Vec<Item> {
    let mut rng = Rng::new(0x5eed_feed);
    let end = Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).single();
    let end = or_exit(end.ok_or("no such date"), "end date");
    (0..ITEMS)
        .map(|i| {
            let chinese = rng.chance(20);
            let size = rng.log_size(1024, 8192);
            Item {
                id: format!("tag:news.example.org,2025:post-{i}"),
                title: title(&mut rng, chinese),
                link: format!("{SITE}/2025/06/post-{i}.html"),
                published: end - Duration::minutes((i * 97) as i64),
                author: format!("Author {}", rng.below(40)),
                category: ["World", "Tech", "Campus", "校园新闻"][rng.below(4)],
                summary: format!("<p>{}</p>", title(&mut rng, chinese)),
                body: html_body(&mut rng, size, chinese, i),
            }
        })
        .collect()
}

fn rss(items: &[Item]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n\
         <channel>\n<title>Example News</title>\n<link>{SITE}/</link>\n\
         <atom:link href=\"{SITE}/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n\
         <description>News from the example site</description>\n<language>en</language>\n\
         <lastBuildDate>Mon, 30 Jun 2025 12:00:00 +0000</lastBuildDate>\n"
    );
    for item in items {
        let _ = write!(
            xml,
            "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"false\">{}</guid>\n\
             <pubDate>{}</pubDate>\n<dc:creator>{}</dc:creator>\n<category>{}</category>\n\
             <description>{}</description>\n<content:encoded><![CDATA[{}]]></content:encoded>\n</item>\n",
            escape(&item.title),
            item.link,
            item.id,
            item.published.to_rfc2822(),
            item.author,
            item.category,
            escape(&item.summary),
            item.body
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn atom(items: &[Item]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n\
         <title>Example News</title>\n<id>{SITE}/</id>\n\
         <link rel=\"alternate\" href=\"{SITE}/\"/>\n<link rel=\"self\" href=\"{SITE}/feed.atom\"/>\n\
         <updated>2025-06-30T12:00:00Z</updated>\n"
    );
    for item in items {
        let _ = write!(
            xml,
            "<entry>\n<title type=\"html\">{}</title>\n<id>{}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n\
             <published>{}</published>\n<updated>{}</updated>\n\
             <author><name>{}</name></author>\n<category term=\"{}\"/>\n\
             <summary type=\"html\">{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
            escape(&item.title),
            item.id,
            item.link,
            item.published.to_rfc3339(),
            item.published.to_rfc3339(),
            item.author,
            item.category,
            escape(&item.summary),
            escape(&item.body)
        );
    }
    xml.push_str("</feed>\n");
    xml
}

fn json_feed(items: &[Item]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            serde_json::json!({
                "id": item.id,
                "url": item.link,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.body,
                "date_published": item.published.to_rfc3339(),
                "authors": [{ "name": item.author }],
                "tags": [item.category],
            })
        })
        .collect();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example News",
        "home_page_url": format!("{SITE}/"),
        "feed_url": format!("{SITE}/feed.json"),
        "language": "en",
        "items": items,
    });
    or_exit(serde_json::to_string_pretty(&feed), "writing the JSON Feed")
}

fn bench_parse(c: &mut Criterion) {
    let items = items();
    let base = or_exit(Url::parse(&format!("{SITE}/feed")), "base URL");
    let documents = [
        ("rss2", rss(&items), "application/rss+xml; charset=utf-8"),
        ("atom", atom(&items), "application/atom+xml; charset=utf-8"),
        ("jsonfeed", json_feed(&items), "application/feed+json"),
    ];
    let mut group = c.benchmark_group("parse_feed");
    for (name, document, content_type) in &documents {
        let parsed = or_exit(
            parse_feed(document.as_bytes(), Some(content_type), Some(&base)),
            name,
        );
        check(
            parsed.articles.len() == ITEMS
                && parsed
                    .articles
                    .iter()
                    .all(|a| a.content.as_ref().is_some_and(|c| c.len() > 500)),
            &format!("{name}: {ITEMS} articles with their bodies"),
        );
        group.throughput(Throughput::ElementsAndBytes {
            elements: ITEMS as u64,
            bytes: document.len() as u64,
        });
        group.bench_function(format!("{name}/{}KB", document.len() / 1024), |b| {
            b.iter(|| {
                parse_feed(
                    black_box(document.as_bytes()),
                    Some(content_type),
                    Some(&base),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
