//! Fuzz target: article HTML → `render_html` at a width from the first byte, and `html_to_text`.
//! Never panics; every span is free of control and bidi characters and fits the width.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings::render::sanitize::is_forbidden;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let html = String::from_utf8_lossy(rest);
    let width = u16::from(first % 160);
    let base = url::Url::parse("https://news.example.org/a/b.html").ok();
    let body = tidings::render::render_html(&html, width, base.as_ref());
    for line in &body.lines {
        for span in &line.spans {
            assert!(
                !span.content.chars().any(|c| is_forbidden(c) || c == '\n'),
                "span {:?}",
                span.content
            );
        }
        if width >= 8 {
            assert!(
                line.width() <= usize::from(width),
                "{line:?} wider than {width}"
            );
        }
    }
    for link in &body.links {
        assert!(!link.chars().any(is_forbidden), "link {link:?}");
    }
    let text = tidings::render::html_to_text(&html);
    assert!(
        !text.chars().any(|c| is_forbidden(c) && c != '\u{200d}'),
        "text {text:?}"
    );
});
