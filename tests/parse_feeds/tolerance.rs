//! Tolerance of broken documents: HTML entities in XML, UTF-16 with a BOM, bare ampersands, broken
//! dates, truncated documents, unescaped HTML and control characters in text.

use tidings::parse::parse_feed;

use crate::{article, date, parse, titles};

#[test]
fn html_named_entities_inside_xml() {
    let feed = parse("html_entities.xml");
    assert_eq!(feed.title.as_deref(), Some("Café Culture Weekly"));
    assert_eq!(feed.description.as_deref(), Some("Reviews — coffee & cake"));
    let review = &feed.articles[0];
    assert_eq!(review.title, "The best crème brûlée in town…");
    assert_eq!(
        review.summary.as_deref(),
        Some("<p>Price: 6\u{a0}€ – worth it</p>")
    );
    assert_eq!(feed.articles[1].title, "“Quoted” & unknown &foo; entity");
}

#[test]
fn utf16_with_bom() {
    for file in ["rss_utf16le_bom.xml", "rss_utf16be_bom.xml"] {
        let feed = parse(file);
        assert_eq!(feed.title.as_deref(), Some("学院新闻"), "{file}");
        assert_eq!(titles(&feed), ["国际会议在我校举行"], "{file}");
        assert_eq!(feed.articles[0].published, date("2024-06-27T09:01:51Z"));
    }
}

#[test]
fn bare_ampersands() {
    let feed = parse("bare_ampersand.xml");
    assert_eq!(feed.title.as_deref(), Some("R&D News & Notes"));
    assert_eq!(
        feed.link.as_deref(),
        Some("http://rnd.example.com/?lang=en&view=all")
    );
    let story = &feed.articles[0];
    assert_eq!(story.title, "AT&T and B&Q join the lab");
    assert_eq!(
        story.link.as_deref(),
        Some("http://rnd.example.com/story?id=7&ref=rss")
    );
    assert_eq!(story.published, date("2024-06-03T12:00:00Z"));
}

#[test]
fn broken_and_missing_dates() {
    let feed = parse("dates_broken.xml");
    assert_eq!(feed.articles.len(), 22);
    for item in &feed.articles {
        let expected = if item.title == "none" {
            None
        } else {
            date(&item.title)
        };
        assert_eq!(item.published, expected, "item titled {}", item.title);
    }
}

#[test]
fn truncated_feed_keeps_readable_items() {
    let feed = parse("truncated.xml");
    assert_eq!(feed.title.as_deref(), Some("Cut Short"));
    let first = article(&feed, "First complete item");
    assert_eq!(first.published, date("2024-06-03T12:00:00Z"));
}

#[test]
fn unescaped_html_in_a_description_does_not_cost_the_feed() {
    let feed = parse("mismatched_tags.xml");
    let titles = titles(&feed);
    assert!(titles.contains(&"Good item"), "{titles:?}");
    assert!(titles.contains(&"Another good item"), "{titles:?}");
}

#[test]
fn control_characters_and_escapes_are_removed_from_text() {
    let xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>Evil\u{1b}[2J title\u{202e}</title>\
               <description>ok\u{1b}]0;x\u{7}</description></item></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None, None).unwrap();
    assert_eq!(feed.articles[0].title, "Evil title");
    assert_eq!(feed.articles[0].summary.as_deref(), Some("ok"));
}
