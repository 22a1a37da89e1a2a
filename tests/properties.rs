//! Property tests over the entry points that read untrusted input: feed parsing, HTML rendering,
//! charset decoding, config loading and imports never panic on arbitrary or mutated input, and
//! no control sequence, C0/C1 control or bidi override survives the sanitiser or the parser.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tidings::model::ParsedFeed;
use tidings::render::sanitize::{clean, clean_line};
use url::Url;

/// `cases` cases; failures are kept in `tests/properties.proptest-regressions` and replayed first.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Characters that must never reach the terminal: C0 except '\n' and '\t', DEL, C1, and the
/// bidirectional controls. Written out here rather than taken from the sanitiser under test.
fn is_dangerous(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn assert_safe(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| is_dangerous(*c)) {
        panic!("{what} contains U+{:04X}: {text:?}", c as u32);
    }
}

/// Terminal and text tricks a hostile feed would send.
const PAYLOADS: &[&str] = &[
    "\x1b[2J",
    "\x1b[31;1m",
    "\x1b]0;owned\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x1bP+q544e\x1b\\",
    "\x1b_app\x1b\\",
    "\x1b^pm\x1b\\",
    "\x1bX sos \x1b\\",
    "\x1b(0",
    "\x1b#8",
    "\x1bc",
    "\x1b7\x1b8",
    "\u{9b}2J",
    "\u{9d}0;title\u{9c}",
    "\u{90}dcs\u{9c}",
    "\u{85}",
    "\u{202e}gnp.exe",
    "\u{2066}\u{2067}\u{2068}\u{2069}",
    "\u{200e}\u{200f}\u{061c}",
    "\u{200b}\u{2060}\u{feff}",
    "\r\x08\x07\x00\x7f",
    "\x1b",
    "\x1b[",
    "\x1b]",
    "\u{9b}",
];

fn payload() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(PAYLOADS).prop_map(str::to_string),
        any::<String>(),
        "[a-z \u{4e00}-\u{4e10}]{0,8}",
        // Any single character from the dangerous ranges and their neighbours.
        prop::sample::select(vec![
            0u32, 0x7, 0x8, 0x9, 0xa, 0xd, 0x1b, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9b, 0x9c, 0x9f,
            0xa0, 0x61c, 0x200d, 0x200e, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069, 0xfeff,
        ])
        .prop_map(|c| char::from_u32(c).map(String::from).unwrap_or_default()),
    ]
}

/// Text with payloads spliced in among ordinary words.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(payload(), 0..12).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn sanitiser_output_is_inert(text in hostile_text()) {
        let cleaned = clean(&text);
        assert_safe("clean", &cleaned);
        prop_assert!(!cleaned.contains('\x1b'));
        let again = clean(&cleaned).into_owned();
        prop_assert_eq!(again.as_str(), cleaned.as_ref(), "idempotent");
        let line = clean_line(&text);
        assert_safe("clean_line", &line);
        prop_assert!(!line.contains(['\n', '\t']));
        prop_assert_eq!(line.trim(), line.as_str());
    }

    #[test]
    fn sanitiser_keeps_plain_text(text in "[a-zA-Z0-9 .,;:!?'\"()\\-\n\t\u{a0}-\u{5ff}\u{4e00}-\u{9fff}]{0,64}") {
        let cleaned = clean(&text).into_owned();
        prop_assert_eq!(cleaned, text);
    }
}

// ---- feeds ----

fn fixtures() -> &'static [(String, Vec<u8>)] {
    static FIXTURES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().to_string();
                        std::fs::read(e.path()).ok().map(|bytes| (name, bytes))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        assert!(files.len() >= 10, "feed fixtures in {dir:?}");
        files
    })
}

/// One edit of a document.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (
            at,
            prop_oneof![
                prop::sample::select(vec![
                    b"<".to_vec(),
                    b">".to_vec(),
                    b"&".to_vec(),
                    b"&#x1b;".to_vec(),
                    b"&#27;[2J".to_vec(),
                    b"&#x9b;".to_vec(),
                    b"&#x202e;".to_vec(),
                    b"<![CDATA[".to_vec(),
                    b"]]>".to_vec(),
                    b"<item>".to_vec(),
                    b"</item>".to_vec(),
                    b"<entry>".to_vec(),
                    b"<title>".to_vec(),
                    b"</title>".to_vec(),
                    b"<description><div><div><p>".to_vec(),
                    b"xml:base=\"javascript:alert(1)\"".to_vec(),
                    b"\x1b]52;c;aGk=\x07".to_vec(),
                    b"\xff\xfe".to_vec(),
                    b"\xc0\xaf".to_vec(),
                    b"\"".to_vec(),
                    b"{".to_vec(),
                    b"}".to_vec(),
                ]),
                prop::collection::vec(any::<u8>(), 1..16),
            ]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (at, 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, 1usize..256).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        at.prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(doc: &mut Vec<u8>, mutation: &Mutation) {
    let pos = |at: usize, len: usize| if len == 0 { 0 } else { at % (len + 1) };
    match mutation {
        Mutation::Flip { at, bit } => {
            if !doc.is_empty() {
                let i = at % doc.len();
                doc[i] ^= 1 << bit;
            }
        }
        Mutation::Insert { at, bytes } => {
            let i = pos(*at, doc.len());
            doc.splice(i..i, bytes.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let i = pos(*at, doc.len());
            let end = (i + len).min(doc.len());
            doc.drain(i..end);
        }
        Mutation::Duplicate { at, len } => {
            let i = pos(*at, doc.len());
            let end = (i + len).min(doc.len());
            let copy = doc[i..end].to_vec();
            doc.splice(end..end, copy);
        }
        Mutation::Truncate { at } => {
            let i = pos(*at, doc.len());
            doc.truncate(i);
        }
    }
}

fn mutated_fixture() -> impl Strategy<Value = (String, Vec<u8>)> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(mutation(), 0..8),
    )
        .prop_map(|(index, mutations)| {
            let (name, bytes) = index.get(fixtures());
            let mut doc = bytes.clone();
            for m in &mutations {
                apply(&mut doc, m);
            }
            (name.clone(), doc)
        })
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec![
        "application/rss+xml".to_string(),
        "text/xml; charset=utf-8".to_string(),
        "text/xml; charset=gbk".to_string(),
        "text/html; charset=iso-8859-1".to_string(),
        "application/json; charset=utf-16".to_string(),
        "application/atom+xml; charset=\"shift_jis\"".to_string(),
        "text/plain; charset=x-unknown".to_string(),
    ]))
}

/// Every text field a parse hands to the store is free of dangerous characters, and one-line
/// fields hold no line breaks.
fn assert_parsed_safe(feed: &ParsedFeed) {
    for (what, field) in [
        ("feed title", &feed.title),
        ("feed link", &feed.link),
        ("feed description", &feed.description),
        ("feed language", &feed.language),
    ] {
        if let Some(text) = field {
            assert_safe(what, text);
        }
    }
    for article in &feed.articles {
        assert_safe("title", &article.title);
        assert!(!article.title.contains('\n'), "{:?}", article.title);
        assert!(article.title.chars().count() <= 1001, "titles are bounded");
        for (what, field) in [
            ("id", &article.id),
            ("link", &article.link),
            ("author", &article.author),
            ("summary", &article.summary),
            ("content", &article.content),
        ] {
            if let Some(text) = field {
                assert_safe(what, text);
            }
        }
        for category in &article.categories {
            assert_safe("category", category);
        }
        for enclosure in &article.enclosures {
            assert_safe("enclosure", &enclosure.url);
        }
    }
}

fn base() -> Url {
    Url::parse("https://feeds.example.org/dir/feed.xml").expect("base")
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_feed_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), ct in content_type()) {
        if let Ok(feed) = tidings::parse::parse_feed(&bytes, ct.as_deref(), Some(&base())) {
            assert_parsed_safe(&feed);
        }
    }

    #[test]
    fn parse_feed_survives_mutated_fixtures((_name, bytes) in mutated_fixture(), ct in content_type()) {
        if let Ok(feed) = tidings::parse::parse_feed(&bytes, ct.as_deref(), Some(&base())) {
            assert_parsed_safe(&feed);
        }
    }

    /// Payloads in every text field of an RSS and an Atom document (raw, as numeric character
    /// references and inside CDATA) never come out of the parser live.
    #[test]
    fn parsed_text_fields_are_clean(
        title in hostile_text(),
        author in hostile_text(),
        body in hostile_text(),
        category in hostile_text(),
        encoding in 0usize..3,
    ) {
        let enc = |text: &str| -> String {
            match encoding {
                0 => text.replace('&', "&amp;").replace('<', "&lt;"),
                1 => text.chars().map(|c| format!("&#{};", c as u32)).collect(),
                _ => format!("<![CDATA[{}]]>", text.replace("]]>", "")),
            }
        };
        let rss = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
             <title>{t}</title><link>https://example.org/</link><description>{b}</description>\
             <item><title>{t}</title><link>https://example.org/1?{t}</link><guid>{t}</guid>\
             <dc:creator>{a}</dc:creator><category>{c}</category><description>{b}</description>\
             <enclosure url=\"https://example.org/a.mp3\" type=\"audio/mpeg\"/></item></channel></rss>",
            t = enc(&title), a = enc(&author), b = enc(&body), c = enc(&category)
        );
        let atom = format!(
            "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">{t}</title>\
             <entry><title type=\"text\">{t}</title><id>urn:{t}</id><author><name>{a}</name></author>\
             <category term=\"{c}\"/><summary type=\"html\">{b}</summary><content type=\"html\">{b}</content>\
             </entry></feed>",
            t = enc(&title), a = enc(&author), b = enc(&body), c = enc(&category).replace('"', "&quot;")
        );
        for doc in [rss, atom] {
            if let Ok(feed) = tidings::parse::parse_feed(doc.as_bytes(), None, Some(&base())) {
                assert_parsed_safe(&feed);
            }
        }
        let json = serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [{"id": title, "title": title, "content_html": body, "summary": body,
                       "authors": [{"name": author}], "tags": [category], "url": "https://example.org/j"}]
        });
        if let Ok(feed) = tidings::parse::parse_feed(json.to_string().as_bytes(), None, Some(&base())) {
            assert_parsed_safe(&feed);
        }
    }
}

// ---- HTML rendering ----

fn html_fragment() -> impl Strategy<Value = String> {
    let tag = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<i>",
        "<pre>",
        "</pre>",
        "<code>",
        "<blockquote>",
        "</blockquote>",
        "<ul>",
        "<ol>",
        "<li>",
        "</ul>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<h1>",
        "</h1>",
        "<br>",
        "<hr>",
        "<a href=\"https://e.org/x\">",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"/rel\">",
        "</a>",
        "<img src=\"x.png\" alt=\"pic\">",
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        "&amp;",
        "&lt;",
        "&#x1b;[2J",
        "&#27;",
        "&#x202e;",
        "<![CDATA[x]]>",
        "<!-- c -->",
        "<",
        ">",
        "\t",
        "\n",
    ]);
    prop::collection::vec(
        prop_oneof![tag.prop_map(str::to_string), hostile_text(), "[a-z ]{1,12}"],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn render_checks(html: &str, width: u16) {
    let body = tidings::render::render_html(html, width, Some(&base()));
    for line in &body.lines {
        for span in &line.spans {
            assert_safe("rendered span", &span.content);
            assert!(!span.content.contains('\n'), "{:?}", span.content);
        }
        if width >= 8 {
            assert!(
                line.width() <= usize::from(width),
                "line wider than {width}: {line:?}"
            );
        }
    }
    for link in &body.links {
        assert_safe("link", link);
    }
    assert_safe("plain text", &tidings::render::html_to_text(html));
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn render_html_survives_and_stays_inert(html in html_fragment(), width in 0u16..160) {
        render_checks(&html, width);
    }

    #[test]
    fn render_html_survives_arbitrary_text(html in any::<String>(), width in 0u16..120) {
        render_checks(&html, width);
    }
}

// ---- charsets ----

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn charset_decode_never_fails(bytes in prop::collection::vec(any::<u8>(), 0..1024), ct in content_type()) {
        let decoded = tidings::fetch::charset::decode(&bytes, ct.as_deref());
        // A String is valid UTF-8 by construction; the text is never longer than the worst case.
        prop_assert!(decoded.text.len() <= bytes.len() * 3 + 3);
    }

    /// Valid UTF-8 without a BOM or a label reads back unchanged.
    #[test]
    fn unlabelled_utf8_reads_back(text in "\\PC{0,200}") {
        prop_assume!(!text.starts_with('\u{feff}'));
        let decoded = tidings::fetch::charset::decode(text.as_bytes(), None);
        prop_assert_eq!(decoded.text.as_ref(), text.as_str());
    }

    /// Text in a legacy encoding, labelled correctly in the header, reads back unchanged.
    #[test]
    fn labelled_legacy_text_reads_back(text in "[a-z \u{4e00}-\u{4fff}]{1,60}", which in 0usize..3) {
        let (encoding, label) = [
            (encoding_rs::GBK, "gbk"),
            (encoding_rs::BIG5, "big5"),
            (encoding_rs::GB18030, "gb18030"),
        ][which];
        let (bytes, _, unmappable) = encoding.encode(&text);
        prop_assume!(!unmappable);
        // The pipeline reads bytes that are valid UTF-8 as UTF-8 whatever a legacy label says
        // (a mislabelled UTF-8 server is common); a short legacy text can be valid UTF-8 by chance.
        prop_assume!(std::str::from_utf8(&bytes).is_err());
        let decoded = tidings::fetch::charset::decode(&bytes, Some(&format!("text/xml; charset={label}")));
        prop_assert_eq!(decoded.text.as_ref(), text.as_str());
    }
}

// ---- config and imports ----

fn toml_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[fetch]\n",
        "[keys]\n",
        "[theme]\n",
        "[refresh]\n",
        "[retention]\n",
        "[[source]]\n",
        "[source.rules.list]\n",
        "url = \"https://a.example/\"\n",
        "url = \"exec:/bin/sh\"\n",
        "name = \"A\"\n",
        "kind = \"page\"\n",
        "kind = \"json\"\n",
        "kind = \"hackernews\"\n",
        "preset = \"vsb\"\n",
        "item = \"li[[\"\n",
        "category = [\"a\", \"b\"]\n",
        "timeout = \"3s\"\n",
        "timeout = 3\n",
        "max_body = \"64MiB\"\n",
        "max_body = \"99999999999999GiB\"\n",
        "concurrency = 0\n",
        "j = \"quit\"\n",
        "\"ctrl-x\" = \"explode\"\n",
        "every = \"-1s\"\n",
        "x = \n",
        "[[",
        "]]",
        "\"",
        "=",
        "\n",
        "# comment\n",
        "\u{1b}[2J",
        "\u{feff}",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_string), any::<String>()],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn config_from_toml_never_panics(text in toml_like()) {
        let path = Path::new("/tmp/tidings-prop/config.toml");
        match tidings::config::Config::from_toml(path, &text) {
            Ok(config) => {
                for source in &config.sources {
                    let url = Url::parse(&source.url).expect("validated URL");
                    prop_assert!(matches!(url.scheme(), "http" | "https" | "file"));
                }
            }
            Err(err) => {
                let message = err.to_string();
                prop_assert!(message.starts_with("/tmp/tidings-prop/config.toml"), "{}", message);
            }
        }
    }

    #[test]
    fn import_never_panics_nor_yields_commands(text in prop_oneof![
        any::<String>(),
        prop::collection::vec(prop_oneof![
            prop::sample::select(vec![
                "<?xml version=\"1.0\"?>", "<opml version=\"2.0\">", "</opml>", "<body>", "</body>",
                "<outline text=\"F\">", "</outline>", "<outline xmlUrl=\"https://a.example/\"/>",
                "<outline xmlUrl=\"exec:/bin/sh\"/>", "<outline xmlUrl=\"filter:x:https://b.example/\"/>",
                "https://c.example/feed \"Tag\"\n", "exec:rm -rf ~\n", "\"exec:x y\"\n", "query:a:b\n",
                "filter:/f:https://d.example/\n", "file:///tmp/feed.xml\n", "~name\n", "!hidden\n",
                "# c\n", "\n", "\"", "<", "&", "\u{1b}]52;c;aGk=\u{7}",
            ]).prop_map(str::to_string),
            any::<String>(),
        ], 0..24).prop_map(|parts| parts.concat()),
    ]) {
        if let Ok(report) = tidings::config::import::import_sources(Path::new("in"), &text) {
            for source in &report.sources {
                let url = Url::parse(&source.url).expect("an imported URL parses");
                prop_assert!(matches!(url.scheme(), "http" | "https" | "file"), "{}", url);
                if let Some(name) = &source.name {
                    assert_safe("imported name", name);
                }
                for category in &source.categories {
                    assert_safe("imported category", category);
                }
            }
            for warning in &report.warnings {
                assert_safe("import warning", warning);
                prop_assert!(!warning.contains('\n'));
            }
        }
    }
}

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
