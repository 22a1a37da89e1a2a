//! Extension namespaces and content types: Dublin Core, iTunes and Media RSS standing in for core
//! fields, Atom content types, view counts and comment counts.

use crate::{article, date, parse, titles};

#[test]
fn dublin_core_stands_in_for_core_fields() {
    let feed = parse("dublin_core.xml");
    assert_eq!(feed.language.as_deref(), Some("nl"));
    let budget = article(&feed, "Budget meeting");
    assert_eq!(budget.author.as_deref(), Some("Clerk Pieter Vos"));
    assert_eq!(budget.published, date("2024-06-18T17:30:00Z"));
    assert_eq!(budget.updated, date("2024-06-19T06:00:00Z"));
    assert_eq!(budget.categories, ["Finance"]);
    let roads = article(&feed, "Road works notice");
    assert_eq!(roads.updated, date("2024-06-17T07:45:00Z"));
    assert_eq!(roads.published, date("2024-06-17T07:45:00Z"));
}

#[test]
fn itunes_and_media_rss_stand_in_for_core_fields() {
    let feed = parse("itunes_media.xml");
    let tomatoes = article(&feed, "Episode 31: Balcony tomatoes");
    assert_eq!(tomatoes.author.as_deref(), Some("Priya Natarajan"));
    assert!(
        tomatoes
            .summary
            .as_deref()
            .unwrap()
            .starts_with("Tomatoes on a balcony")
    );
    assert_eq!(
        tomatoes.enclosures[0].url,
        "https://garden.example.com/ep31.mp3"
    );
    let compost = article(&feed, "Episode 30: Compost");
    assert_eq!(
        compost.summary.as_deref(),
        Some("How to start a compost heap.")
    );
    assert_eq!(
        compost.enclosures[0].url,
        "https://garden.example.com/ep30.mp3"
    );
    assert_eq!(compost.id.as_deref(), Some("garden-ep-30"));
}

#[test]
fn atom_content_types_base64_and_unknown() {
    let feed = parse("atom_content_types.xml");
    assert_eq!(
        titles(&feed),
        [
            "Base64 HTML",
            "Base64 image",
            "Unknown type",
            "Empty html content"
        ]
    );
    let html = article(&feed, "Base64 HTML");
    assert_eq!(
        html.content.as_deref(),
        Some("<p>Decoded from base64 — ok</p>")
    );
    assert_eq!(article(&feed, "Base64 image").content, None);
    assert_eq!(article(&feed, "Unknown type").content, None);
    assert_eq!(article(&feed, "Empty html content").content, None);
    assert_eq!(
        article(&feed, "Unknown type").link.as_deref(),
        Some("https://types.example.com/3")
    );
}

#[test]
fn media_statistics_views_anywhere_in_the_item() {
    let feed = parse("media_statistics.xml");
    assert_eq!(article(&feed, "Statistics only").views, Some(1532));
    assert_eq!(article(&feed, "Statistics in a community").views, Some(811));
    assert_eq!(article(&feed, "Statistics in a group").views, Some(412));
    assert_eq!(article(&feed, "No statistics").views, None);
}

#[test]
fn slash_comments_and_thr_total() {
    let feed = parse("slash_comments.xml");
    assert_eq!(
        article(&feed, "Which keyboard for programming?").comments,
        Some(57)
    );
    assert_eq!(article(&feed, "Quiet thread").comments, Some(0));
    let feed = parse("thr_total.xml");
    let post = article(&feed, "Post with replies");
    assert_eq!(post.comments, Some(12));
    assert_eq!(post.link.as_deref(), Some("https://threads.example.net/1"));
}
