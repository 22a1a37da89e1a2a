//! Fuzz target: feed bytes → `parse_feed`, with a Content-Type chosen by the first byte. Never
//! panics, and every text field that comes out is free of control and bidi characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings::render::sanitize::is_forbidden;

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/rss+xml"),
    Some("text/xml; charset=utf-8"),
    Some("text/xml; charset=gbk"),
    Some("text/html; charset=windows-1252"),
    Some("application/feed+json; charset=utf-16le"),
    Some("application/atom+xml; charset=shift_jis"),
    Some("text/xml; charset=big5"),
];

fn clean(text: &str) -> bool {
    !text.chars().any(|c| is_forbidden(c) && c != '\u{200d}')
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(first) % CONTENT_TYPES.len()];
    let base = url::Url::parse("https://feeds.example.org/dir/feed.xml").ok();
    let Ok(feed) = tidings::parse::parse_feed(bytes, content_type, base.as_ref()) else {
        return;
    };
    for field in [&feed.title, &feed.link, &feed.description, &feed.language]
        .into_iter()
        .flatten()
    {
        assert!(clean(field), "feed field {field:?}");
    }
    for article in &feed.articles {
        assert!(clean(&article.title), "title {:?}", article.title);
        assert!(!article.title.contains('\n'));
        for field in [
            &article.id,
            &article.link,
            &article.author,
            &article.summary,
            &article.content,
        ]
        .into_iter()
        .flatten()
        {
            assert!(clean(field), "article field {field:?}");
        }
        for category in &article.categories {
            assert!(clean(category), "category {category:?}");
        }
    }
});
