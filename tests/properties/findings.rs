//! Regression tests for what the property tests and the fuzzers found: the item cap, linear-time
//! deep markup, unresolvable feed links, the fuzz corpus and late XML declarations.

use std::path::Path;

use crate::{assert_parsed_safe, base, render_checks};

/// Regression: a document of only tiny items stops at the item cap instead of growing a struct
/// per item (hundreds of megabytes for a 16 MiB body).
#[test]
fn tiny_items_stop_at_the_item_cap() {
    let items = "<item><title>t</title></item>".repeat(50_000);
    let doc = format!("<rss version=\"2.0\"><channel><title>x</title>{items}</channel></rss>");
    let feed = tidings::parse::parse_feed(doc.as_bytes(), None, None).expect("parse");
    assert_eq!(feed.articles.len(), 10_000);
    assert_eq!(feed.title.as_deref(), Some("x"));
}

/// Regression: elements nested deep with text at every level parse in linear time (closing each
/// element used to copy all the text below it into its parent: 400,000 levels took minutes).
/// Four times the depth must cost about four times as long, not sixteen.
#[test]
fn deep_markup_parses_in_linear_time() {
    let time = |depth: usize| {
        let doc = format!(
            "<rss version=\"2.0\"><channel><title>x</title><item><title>t</title><link>https://e.org/1</link>\
             <description>{}{}</description></item></channel></rss>",
            "<a>xxxxx".repeat(depth),
            "</a>".repeat(depth)
        );
        let start = std::time::Instant::now();
        let feed = tidings::parse::parse_feed(doc.as_bytes(), None, None).expect("parse");
        assert_eq!(feed.articles.len(), 1);
        start.elapsed()
    };
    let small = time(100_000);
    let large = time(400_000);
    println!("100,000 levels: {small:?}; 400,000 levels: {large:?}");
    assert!(
        large < small * 8 + std::time::Duration::from_secs(1),
        "{small:?} then {large:?}"
    );
}

/// Regression (found by `parse_feed_survives_mutated_fixtures`): a channel link that does not
/// resolve was kept raw, 8-bit CSI included.
#[test]
fn an_unresolvable_feed_link_is_cleaned() {
    for link in [
        "http:\u{9b}./x.example.org/",
        "http:&#x9b;2J./x/",
        "\u{1b}[2Jhttp://x/",
    ] {
        let doc = format!(
            "<rss><channel><title>t</title><link>{link}</link><language>en\u{1b}]0;x\u{7}</language>\
             <item><title>a</title></item></channel></rss>"
        );
        let feed = tidings::parse::parse_feed(doc.as_bytes(), None, None).expect("parse");
        assert_parsed_safe(&feed);
    }
}

/// Every input the fuzzers crashed on (tests/fixtures/fuzz, see fuzz/README.md) parses, renders
/// and decodes without a panic, and what comes out is clean.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("tests/fixtures/fuzz")
        .flatten()
    {
        let bytes = std::fs::read(entry.path()).expect("read fixture");
        for ct in [None, Some("text/xml; charset=utf-8"), Some("text/html")] {
            if let Ok(feed) = tidings::parse::parse_feed(&bytes, ct, Some(&base())) {
                assert_parsed_safe(&feed);
            }
            let _ = tidings::fetch::charset::decode(&bytes, ct);
        }
        render_checks(&String::from_utf8_lossy(&bytes), 80);
        seen += 1;
    }
    assert!(seen > 0);
}

/// Regression (fuzz, feed_parse): an XML declaration with another encoding after the start of
/// the document made quick-xml panic inside feed-rs ("set_encoding() called after prefix buffer
/// was drained"). Minimised by libFuzzer to `<junk><?xml … encoding="ISO8859-1"?>`.
#[test]
fn a_late_xml_declaration_does_not_panic() {
    let minimised = b"<\xdb\x92\xdb\xff\xff\xff\xff\xff\xff\xff\xff>\
        <?xml \xfe\xffon=\"1.\" encoding=\"ISO8859-1\"?>";
    let _ = tidings::parse::parse_feed(minimised, None, None);
    // The second finding: the first declaration itself, its `encoding` right after a quote so
    // the prolog rewrite missed it.
    let first = b"<?xml \xff\xfe=\"&\xff\xff\xff\xbf&\xc3\x9b&\xdb\x92\"encoding=\"UTF-16\"?>";
    let _ = tidings::parse::parse_feed(first, None, None);
    let feed = tidings::parse::parse_feed(
        b"<?xml version=\"1.0\"encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>caf\xe9</title></channel></rss>",
        None,
        None,
    )
    .expect("parse");
    assert_eq!(feed.title.as_deref(), Some("café"));
    // The third: a declaration inside what the repairer took for an unterminated CDATA section.
    let _ = tidings::parse::parse_feed(
        b"<\t<![CDATA[\xff\xff\xff\xff\xff><?xml \xfe\xff=\".\"encoding=\"UTF-16\"?>",
        None,
        None,
    );
    // A declaration quoted in a real CDATA body reads as written.
    let feed = tidings::parse::parse_feed(
        b"<rss version=\"2.0\"><channel><title>t</title><item><title>x</title>\
          <description><![CDATA[<pre>&lt;?xml version=\"1.0\"?&gt; or <?xml version=\"1.0\" encoding=\"latin1\"?></pre>]]></description>\
          </item></channel></rss>",
        None,
        None,
    )
    .expect("parse");
    let summary = feed.articles[0].summary.clone().unwrap_or_default();
    assert!(
        summary.contains("<?xml version=\"1.0\" encoding=\"latin1\"?>"),
        "{summary}"
    );
    for decl in [
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        "<?XML version='1.0' encoding='windows-1252'?>",
        "<?xml encoding=\"gbk\"?>",
    ] {
        let doc = format!(
            "<junk/>{decl}<rss version=\"2.0\"><channel><title>t</title>\
             <item><title>b</title><link>https://e.org/b</link></item></channel></rss>"
        );
        let _ = tidings::parse::parse_feed(doc.as_bytes(), None, None);
    }
}
