//! Links: xml:base at feed and entry level, and relative links resolved against the document URL.

use crate::{article, parse_at};

#[test]
fn xml_base_at_feed_and_entry_level() {
    let feed = parse_at("xml_base.xml", "https://ignored.example.net/feed.xml");
    assert_eq!(feed.link.as_deref(), Some("https://base.example.org/blog/"));
    let first = article(&feed, "Feed-level base");
    assert_eq!(
        first.link.as_deref(),
        Some("https://base.example.org/blog/posts/first.html")
    );
    let second = article(&feed, "Entry-level base");
    assert_eq!(
        second.link.as_deref(),
        Some("https://cdn.example.org/mirror/second.html")
    );
    assert_eq!(
        second.enclosures[0].url,
        "https://cdn.example.org/img/pic.png"
    );
    let third = article(&feed, "Relative entry base");
    assert_eq!(
        third.link.as_deref(),
        Some("https://base.example.org/blog/archive/third.html")
    );
}

#[test]
fn relative_links_resolve_against_the_document_url() {
    let feed = parse_at(
        "relative_links.xml",
        "https://www.example.edu/dept/notices/rss.xml",
    );
    assert_eq!(feed.link.as_deref(), Some("https://www.example.edu/dept/"));
    let exam = article(&feed, "Exam rooms posted");
    assert_eq!(
        exam.link.as_deref(),
        Some("https://www.example.edu/dept/info/1001/exam.htm")
    );
    assert_eq!(
        exam.enclosures[0].url,
        "https://www.example.edu/dept/notices/files/rooms.pdf"
    );
    let other = article(&feed, "Absolute stays absolute");
    assert_eq!(other.link.as_deref(), Some("https://other.example.com/x"));
}
