//! Feed parsing through the library API: every format, every tolerance case, with fixtures.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use tidings::model::{ArticleDraft, ParsedFeed};
use tidings::parse::{ParseError, parse_feed};
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ParsedFeed {
    parse_feed(&fixture(name), None, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_at(name: &str, url: &str) -> ParsedFeed {
    let base = Url::parse(url).unwrap();
    parse_feed(&fixture(name), None, Some(&base)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn date(text: &str) -> Option<DateTime<Utc>> {
    Some(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

fn titles(feed: &ParsedFeed) -> Vec<&str> {
    feed.articles.iter().map(|a| a.title.as_str()).collect()
}

fn article<'a>(feed: &'a ParsedFeed, title: &str) -> &'a ArticleDraft {
    feed.articles
        .iter()
        .find(|a| a.title == title)
        .unwrap_or_else(|| panic!("no article {title:?} in {:?}", titles(feed)))
}

#[test]
fn rss_091() {
    let feed = parse("rss091.xml");
    assert_eq!(feed.title.as_deref(), Some("Harbour Town Gazette"));
    assert_eq!(feed.link.as_deref(), Some("http://gazette.example.org/"));
    assert_eq!(feed.language.as_deref(), Some("en-gb"));
    assert_eq!(
        titles(&feed),
        ["Ferry timetable changes", "Lighthouse open day"]
    );
    let first = &feed.articles[0];
    assert_eq!(
        first.link.as_deref(),
        Some("http://gazette.example.org/news/ferry.html")
    );
    assert_eq!(
        first.summary.as_deref(),
        Some("The winter timetable starts on Monday.")
    );
    assert_eq!(first.published, None);
}

#[test]
fn rss_092_with_enclosure() {
    let feed = parse("rss092.xml");
    let show = article(&feed, "Show 12: Orchard season");
    assert_eq!(
        show.summary.as_deref(),
        Some("<p>We talk to the apple growers.</p>")
    );
    assert_eq!(show.categories, ["Farming"]);
    assert_eq!(show.enclosures.len(), 1);
    assert_eq!(
        show.enclosures[0].url,
        "http://radio.example.net/audio/show12.mp3"
    );
    assert_eq!(show.enclosures[0].mime_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(show.enclosures[0].length, Some(1_234_567));
}

#[test]
fn rss_10_rdf_with_dublin_core_and_an_item_without_link() {
    let feed = parse("rss10_rdf.xml");
    assert_eq!(feed.title.as_deref(), Some("University Library News"));
    assert_eq!(feed.language.as_deref(), Some("en"));
    assert_eq!(feed.articles.len(), 2);
    let late = article(&feed, "Late opening during exams");
    assert_eq!(
        late.link.as_deref(),
        Some("http://library.example.edu/news/late-opening")
    );
    assert_eq!(late.author.as_deref(), Some("Ada Lindqvist"));
    assert_eq!(late.published, date("2024-05-20T06:30:00Z"));
    assert_eq!(late.categories, ["Opening hours"]);
    let notice = article(&feed, "Notice: scanner out of order");
    assert_eq!(notice.link, None);
    assert_eq!(notice.published, date("2024-05-21T00:00:00Z"));
    assert_eq!(
        notice.summary.as_deref(),
        Some("The scanner on level 2 is being repaired.")
    );
}

#[test]
fn rss_20() {
    let feed = parse("rss20.xml");
    assert_eq!(feed.title.as_deref(), Some("Campus News"));
    assert_eq!(feed.description.as_deref(), Some("News from the college"));
    assert_eq!(feed.language.as_deref(), Some("en-us"));
    let seminar = article(&feed, "Seminar on digital skills held");
    assert_eq!(seminar.id.as_deref(), Some("campus-2024-0627"));
    assert_eq!(
        seminar.link.as_deref(),
        Some("https://news.example.edu/info/1141/2024.htm")
    );
    assert_eq!(seminar.published, date("2024-06-27T09:01:51Z"));
    assert_eq!(seminar.author.as_deref(), Some("Press Office"));
    assert_eq!(seminar.categories, ["International Meeting", "Seminars"]);
    assert_eq!(
        seminar.summary.as_deref(),
        Some("<p>On 25 June the seminar <b>opened</b>.</p>")
    );
    assert!(seminar.content.as_deref().unwrap().contains("forty guests"));
    assert_eq!(
        seminar.enclosures[0].url,
        "https://news.example.edu/images/seminar.jpg"
    );
    let alliance = article(&feed, "Alliance founded");
    assert_eq!(alliance.published, date("2024-06-25T09:00:00Z"));
    assert_eq!(
        alliance.id.as_deref(),
        Some("https://news.example.edu/info/1141/2023.htm")
    );
}

#[test]
fn atom_03_with_old_namespace() {
    let feed = parse("atom03.xml");
    assert_eq!(feed.title.as_deref(), Some("Old Weblog"));
    assert_eq!(
        feed.description.as_deref(),
        Some("Still running since 2004")
    );
    assert_eq!(feed.link.as_deref(), Some("http://oldblog.example.com/"));
    assert_eq!(titles(&feed), ["Moving the archive", "Hello again"]);
    let archive = article(&feed, "Moving the archive");
    assert_eq!(
        archive.link.as_deref(),
        Some("http://oldblog.example.com/2024/03/archive")
    );
    assert_eq!(
        archive.id.as_deref(),
        Some("tag:oldblog.example.com,2024:archive")
    );
    assert_eq!(archive.published, date("2024-03-01T08:15:00Z"));
    assert_eq!(archive.updated, date("2024-03-02T10:00:00Z"));
    assert_eq!(
        archive.content.as_deref(),
        Some("<p>The archive moves to a new server.</p>")
    );
    let hello = article(&feed, "Hello again");
    assert_eq!(hello.published, date("2024-02-10T12:00:00Z"));
    assert_eq!(hello.summary.as_deref(), Some("A short note."));
}

#[test]
fn atom_10() {
    let feed = parse("atom10.xml");
    assert_eq!(feed.title.as_deref(), Some("Rust & Friends"));
    assert_eq!(
        feed.description.as_deref(),
        Some("Systems programming notes")
    );
    assert_eq!(feed.link.as_deref(), Some("https://rust.example.org/"));
    let release = article(&feed, "Rust 1.95 released");
    assert_eq!(
        release.link.as_deref(),
        Some("https://rust.example.org/2024/06/rust-1-95")
    );
    assert_eq!(release.published, date("2024-06-24T08:00:00Z"));
    assert_eq!(release.updated, date("2024-06-24T12:00:00Z"));
    assert_eq!(release.author.as_deref(), Some("Mira Okafor"));
    assert_eq!(release.categories, ["Releases"]);
    assert_eq!(release.summary.as_deref(), Some("What is new in 1.95"));
    assert!(
        release
            .content
            .as_deref()
            .unwrap()
            .contains("Faster builds")
    );
    assert_eq!(release.enclosures.len(), 1);
    assert_eq!(
        release.enclosures[0].url,
        "https://rust.example.org/notes.pdf"
    );
    assert_eq!(release.enclosures[0].length, Some(2048));
    let note = article(&feed, "Only an update date");
    assert_eq!(note.updated, date("2024-06-20T08:00:00Z"));
    assert_eq!(note.published, date("2024-06-20T08:00:00Z"));
    assert_eq!(note.content.as_deref(), Some("<p>Short note.</p>"));
}

#[test]
fn json_feed_10() {
    let feed = parse("jsonfeed10.json");
    assert_eq!(feed.title.as_deref(), Some("Night Sky Diary"));
    assert_eq!(feed.link.as_deref(), Some("https://sky.example.com/"));
    let meteor = article(&feed, "A bright meteor");
    assert_eq!(meteor.id.as_deref(), Some("sky-17"));
    assert_eq!(
        meteor.link.as_deref(),
        Some("https://sky.example.com/2024/06/meteor")
    );
    assert_eq!(meteor.published, date("2024-06-12T01:30:00Z"));
    assert_eq!(meteor.author.as_deref(), Some("Ines Barros"));
    assert_eq!(meteor.categories, ["meteors", "observing"]);
    assert_eq!(
        meteor.content.as_deref(),
        Some("<p>Seen at 02:14 from the west dome.</p>")
    );
    // An untitled item gets its title from its text.
    let clouds = feed
        .articles
        .iter()
        .find(|a| a.id.as_deref() == Some("sky-16"))
        .unwrap();
    assert_eq!(clouds.title, "Clouded out again.");
    assert_eq!(clouds.published, date("2024-06-10T22:00:00Z"));
}

#[test]
fn json_feed_11() {
    let feed = parse("jsonfeed11.json");
    assert_eq!(feed.title.as_deref(), Some("Workshop Log"));
    assert_eq!(feed.language.as_deref(), Some("de-DE"));
    let bench = article(&feed, "Building a bench");
    assert_eq!(bench.author.as_deref(), Some("Jonas Feld"));
    assert_eq!(bench.published, date("2024-04-02T14:00:00Z"));
    assert_eq!(bench.updated, date("2024-04-03T07:00:00Z"));
    assert_eq!(
        bench.enclosures[0].url,
        "https://workshop.example.net/p/bench.jpg"
    );
    assert_eq!(bench.enclosures[0].length, Some(90210));
}

#[test]
fn json_feed_with_odd_version_still_reads() {
    let text = String::from_utf8(fixture("jsonfeed10.json")).unwrap();
    let odd = text.replace("https://jsonfeed.org/version/1", "1.0");
    let feed = parse_feed(odd.as_bytes(), None, None).unwrap();
    assert_eq!(feed.articles.len(), 2);
    assert_eq!(feed.articles[0].title, "A bright meteor");
}

#[test]
fn rss_odd_and_missing_versions() {
    for (file, version) in [
        ("rss_version_093.xml", "0.93"),
        ("rss_version_094.xml", "0.94"),
        ("rss_version_201.xml", "2.01"),
    ] {
        let feed = parse(file);
        assert_eq!(
            feed.title.as_deref(),
            Some(format!("Version {version} Feed").as_str())
        );
        assert_eq!(titles(&feed), [format!("Item of version {version}")]);
        assert_eq!(
            feed.articles[0].link.as_deref(),
            Some("http://odd.example.org/items/1")
        );
        assert_eq!(feed.articles[0].published, date("2024-06-05T07:00:00Z"));
    }
    let feed = parse("rss_no_version.xml");
    assert_eq!(titles(&feed), ["It still reads"]);
    assert_eq!(feed.articles[0].published, date("2024-06-05T07:00:00Z"));
}

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
fn html_page_with_alternate_link() {
    let base = Url::parse("https://news.example.edu/index.htm").unwrap();
    let err = parse_feed(
        &fixture("html_page_alternate.html"),
        Some("text/html"),
        Some(&base),
    )
    .unwrap_err();
    match &err {
        ParseError::NotAFeed { alternate } => {
            assert_eq!(
                alternate.as_deref(),
                Some("https://news.example.edu/rss/news.xml")
            )
        }
        other => panic!("expected NotAFeed, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("https://news.example.edu/rss/news.xml")
    );
}

#[test]
fn html_page_without_alternate_link() {
    let err = parse_feed(&fixture("html_page_plain.html"), None, None).unwrap_err();
    assert!(
        matches!(err, ParseError::NotAFeed { alternate: None }),
        "{err:?}"
    );
    assert!(!err.to_string().contains('\n'));
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
fn empty_and_garbage_documents_are_errors() {
    assert!(matches!(
        parse_feed(b"", None, None),
        Err(ParseError::Empty)
    ));
    assert!(matches!(
        parse_feed(b"  \n ", None, None),
        Err(ParseError::Empty)
    ));
    for junk in [
        &b"hello world"[..],
        b"<foo><bar/></foo>",
        b"{\"a\": 1}",
        b"\xff\xfe\x00",
    ] {
        match parse_feed(junk, None, None) {
            Err(ParseError::Malformed(message)) => {
                assert!(
                    !message.contains('\n') && !message.chars().any(char::is_control),
                    "{message:?}"
                )
            }
            other => panic!("{junk:?} gave {other:?}"),
        }
    }
}

#[test]
fn control_characters_and_escapes_are_removed_from_text() {
    let xml = "<rss version=\"2.0\"><channel><title>T</title><item><title>Evil\u{1b}[2J title\u{202e}</title>\
               <description>ok\u{1b}]0;x\u{7}</description></item></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None, None).unwrap();
    assert_eq!(feed.articles[0].title, "Evil title");
    assert_eq!(feed.articles[0].summary.as_deref(), Some("ok"));
}

const ALL_FIXTURES: [&str; 27] = [
    "rss091.xml",
    "rss092.xml",
    "rss10_rdf.xml",
    "rss20.xml",
    "atom03.xml",
    "atom10.xml",
    "jsonfeed10.json",
    "jsonfeed11.json",
    "rss_version_093.xml",
    "rss_version_094.xml",
    "rss_version_201.xml",
    "rss_no_version.xml",
    "html_entities.xml",
    "rss_utf16le_bom.xml",
    "bare_ampersand.xml",
    "dublin_core.xml",
    "itunes_media.xml",
    "atom_content_types.xml",
    "media_statistics.xml",
    "slash_comments.xml",
    "thr_total.xml",
    "xml_base.xml",
    "relative_links.xml",
    "dates_broken.xml",
    "html_page_alternate.html",
    "truncated.xml",
    "mismatched_tags.xml",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_feed(&bytes, None, None);
    }

    #[test]
    fn arbitrary_text_with_markup_never_panics(text in "[<>&;/?!\\[\\]a-z0-9 =\"'#:{}\u{e9}\u{4e2d}-]{0,400}") {
        let _ = parse_feed(text.as_bytes(), Some("text/xml; charset=utf-8"), None);
        let wrapped = format!("<rss version=\"2.0\"><channel><item><title>{text}</title></item></channel></rss>");
        let _ = parse_feed(wrapped.as_bytes(), None, None);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in 0..ALL_FIXTURES.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = fixture(ALL_FIXTURES[index]);
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => { bytes.remove(at); }
            }
        }
        let base = Url::parse("https://fuzz.example.com/a/b").unwrap();
        let _ = parse_feed(&bytes, None, Some(&base));
        let cut = cut.index(bytes.len() + 1);
        let _ = parse_feed(&bytes[..cut], Some("text/xml; charset=gbk"), None);
    }
}
