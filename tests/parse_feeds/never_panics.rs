//! Property tests: arbitrary bytes, markup-like text and mutated fixtures never make the parser
//! panic.

use proptest::prelude::*;
use tidings::parse::parse_feed;
use url::Url;

use crate::fixture;

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
