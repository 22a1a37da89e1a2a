//! Documents that are not feeds: HTML pages with and without an alternate feed link, and empty
//! or garbage input, each a clear one-line error.

use tidings::parse::{ParseError, parse_feed};
use url::Url;

use crate::fixture;

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
