//! Feed parsing: arbitrary bytes and mutated fixtures never make it panic, and hostile text in
//! every field of RSS, Atom and JSON Feed documents never comes out live.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;

use crate::{assert_parsed_safe, base, config, content_type, hostile_text};

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
