//! Property tests over the entry points that read untrusted input: feed parsing, HTML rendering,
//! charset decoding, config loading and imports never panic on arbitrary or mutated input, and
//! no control sequence, C0/C1 control or bidi override survives the sanitiser or the parser.
//!
//! This file holds what the tests share: the proptest configuration, the hostile payloads, the
//! checks that text is inert, and rendering and parsing with those checks.

mod charset;
mod config_import;
mod feeds;
mod findings;
mod render;
mod sanitiser;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tidings::model::ParsedFeed;
use url::Url;

/// `cases` cases; failures are kept next to the test's source file (`tests/properties/feeds.rs`
/// keeps them in `tests/properties/feeds.proptest-regressions`) and replayed first.
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
