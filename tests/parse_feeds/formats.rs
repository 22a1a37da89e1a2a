//! Every feed format and version: RSS 0.91, 0.92, 1.0 (RDF) and 2.0, Atom 0.3 and 1.0, JSON Feed
//! 1.0 and 1.1, and odd or missing version numbers.

use tidings::parse::parse_feed;

use crate::{article, date, fixture, parse, titles};

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
