//! The demo's RSS 2.0 and Atom feeds and the plain pages their items link to; pure rendering,
//! with a fetch number (earlier fetches plus time ticks) passed in so counts grow.

use chrono::{DateTime, Utc};
use url::Url;

use super::content::{Content, Feed, FeedItem};
use super::site::{escape, fill};

/// How the per-item numbers look after the counts moved on `fetch` times.
fn views(item: &FeedItem, fetch: u64) -> u64 {
    item.views + item.step * fetch
}

fn comments(item: &FeedItem, fetch: u64) -> u64 {
    // Comments trickle in more slowly than views.
    item.comments + (fetch * item.step.min(4)) / 4
}

fn body(item: &FeedItem, base: &Url) -> String {
    fill(&item.body, &[("base", base.as_str())])
}

/// CDATA cannot hold `]]>`; split it where it appears.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// The first paragraph's text, as a short plain summary.
fn summary(item: &FeedItem) -> String {
    let first = item
        .body
        .split("</p>")
        .next()
        .unwrap_or_default()
        .to_string();
    let mut text = String::new();
    let mut in_tag = false;
    for c in first.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn post_url(base: &Url, id: u32) -> String {
    format!("{base}post/{id}.htm")
}

/// `/feeds/tech.xml`: RSS 2.0 with content:encoded, media:statistics and slash:comments.
pub fn rss(content: &Content, feed: &Feed, base: &Url, fetch: u64) -> String {
    let newest = feed.items.iter().map(|i| i.hours_ago).min().unwrap_or(0);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"http://search.yahoo.com/mrss/\" \
         xmlns:slash=\"http://purl.org/rss/1.0/modules/slash/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n\
         <channel>\n<title>{}</title>\n<link>{base}</link>\n<description>{}</description>\n\
         <language>en</language>\n<lastBuildDate>{}</lastBuildDate>\n\
         <atom:link href=\"{base}feeds/tech.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(&feed.title),
        escape(&feed.description),
        rfc2822(content.hours_ago(newest)),
    );
    for item in &feed.items {
        let link = post_url(base, item.id);
        out += &format!(
            "<item>\n<title>{title}</title>\n<link>{link}</link>\n<guid isPermaLink=\"false\">tidings-demo-{id}</guid>\n\
             <pubDate>{date}</pubDate>\n<dc:creator>{author}</dc:creator>\n",
            title = escape(&item.title),
            id = item.id,
            date = rfc2822(content.hours_ago(item.hours_ago)),
            author = escape(&item.author),
        );
        for tag in &item.tags {
            out += &format!("<category>{}</category>\n", escape(tag));
        }
        out += &format!(
            "<description>{}</description>\n<content:encoded>{}</content:encoded>\n\
             <media:community><media:statistics views=\"{}\"/></media:community>\n\
             <slash:comments>{}</slash:comments>\n</item>\n",
            escape(&summary(item)),
            cdata(&body(item, base)),
            views(item, fetch),
            comments(item, fetch),
        );
    }
    out + "</channel>\n</rss>\n"
}

/// `/feeds/campus.atom`: Atom 1.0 with HTML content, media:statistics and thr:total.
pub fn atom(content: &Content, feed: &Feed, base: &Url, fetch: u64) -> String {
    let newest = feed.items.iter().map(|i| i.hours_ago).min().unwrap_or(0);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\" \
         xmlns:thr=\"http://purl.org/syndication/thread/1.0\" xml:lang=\"en\">\n\
         <title>{}</title>\n<subtitle>{}</subtitle>\n<id>{base}feeds/campus.atom</id>\n\
         <link rel=\"self\" href=\"{base}feeds/campus.atom\"/>\n<link rel=\"alternate\" href=\"{base}\"/>\n\
         <updated>{}</updated>\n",
        escape(&feed.title),
        escape(&feed.description),
        rfc3339(content.hours_ago(newest)),
    );
    for item in &feed.items {
        let link = post_url(base, item.id);
        let at = rfc3339(content.hours_ago(item.hours_ago));
        out += &format!(
            "<entry>\n<title>{title}</title>\n<id>tag:demo.tidings,2026:notice-{id}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n\
             <published>{at}</published>\n<updated>{at}</updated>\n\
             <author><name>{author}</name></author>\n",
            title = escape(&item.title),
            id = item.id,
            author = escape(&item.author),
        );
        for tag in &item.tags {
            out += &format!("<category term=\"{}\"/>\n", escape(tag));
        }
        out += &format!(
            "<summary type=\"text\">{}</summary>\n<content type=\"html\">{}</content>\n\
             <media:group><media:community><media:statistics views=\"{}\"/></media:community></media:group>\n\
             <thr:total>{}</thr:total>\n</entry>\n",
            escape(&summary(item)),
            escape(&body(item, base)),
            views(item, fetch),
            comments(item, fetch),
        );
    }
    out + "</feed>\n"
}

/// `/post/{id}.htm`: the page a feed item links to.
pub fn post_page(feed: &Feed, item: &FeedItem, base: &Url) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} - {feed}</title>\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feeds/tech.xml\">\n</head>\n<body>\n\
         <article>\n<h1>{title}</h1>\n<p class=\"byline\">By {author} · {category}</p>\n{body}\n</article>\n\
         <p><a href=\"/\">Home</a></p>\n</body>\n</html>\n",
        title = escape(&item.title),
        feed = escape(&feed.title),
        author = escape(&item.author),
        category = escape(&feed.category),
        body = body(item, base),
    )
}

fn rfc2822(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_carry_growing_statistics() {
        let content = Content::load(Utc::now()).unwrap();
        let base = Url::parse("http://127.0.0.1:9/").unwrap();
        let first = rss(&content, &content.tech, &base, 0);
        let second = rss(&content, &content.tech, &base, 3);
        assert!(first.contains("<media:statistics views=\"4120\"/>"));
        assert!(second.contains("<media:statistics views=\"4231\"/>"));
        assert!(first.contains("http://127.0.0.1:9/images/chart.png"));
        assert!(!first.contains("{{base}}"));
        let atom = atom(&content, &content.campus, &base, 0);
        assert_eq!(atom.matches("<entry>").count(), content.campus.items.len());
        assert!(atom.contains("<thr:total>"));
    }

    #[test]
    fn summary_is_plain_text() {
        let content = Content::load(Utc::now()).unwrap();
        let text = summary(&content.tech.items[0]);
        assert!(text.starts_with("The Rust project has shipped Rust 1.95."));
    }
}
