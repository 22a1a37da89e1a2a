//! The charset pipeline (BOM → HTTP header → prolog/meta → detection) and feeds read through it.

use encoding_rs::{BIG5, EUC_KR, Encoding, GBK, SHIFT_JIS, UTF_8, WINDOWS_1252};
use tidings::fetch::charset::{CharsetSource, decode};
use tidings::parse::parse_feed;

const CHINESE: &str =
    "学院举办国际会议，来自十二个国家的代表参加了本次研讨会，讨论职业教育的合作与发展。";
const TRADITIONAL: &str =
    "學院舉辦國際會議，來自十二個國家的代表參加了本次研討會，討論職業教育的合作與發展。";
const KOREAN: &str = "대학교에서 국제 회의가 열렸습니다. 열두 나라의 대표들이 직업 교육의 협력과 발전을 논의했습니다.";
const JAPANESE: &str =
    "大学で国際会議が開かれました。十二か国の代表が職業教育の協力と発展について話し合いました。";
const FRENCH: &str = "Le séminaire a réuni des délégués étrangers à l'école supérieure; café, crème brûlée et déjà-vu.";

/// A feed without an XML prolog, so nothing in the document names its charset.
fn feed_document(title: &str) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>{title}</title><link>https://example.edu/</link>\
         <description>{title}</description><item><title>{title}</title>\
         <link>https://example.edu/1</link><description>{title} {title}</description></item>\
         </channel></rss>"
    )
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot encode the sample", encoding.name());
    bytes.into_owned()
}

fn cases() -> [(&'static Encoding, &'static str, &'static str); 5] {
    [
        (GBK, "gbk", CHINESE),
        (BIG5, "big5", TRADITIONAL),
        (EUC_KR, "euc-kr", KOREAN),
        (SHIFT_JIS, "shift_jis", JAPANESE),
        (WINDOWS_1252, "windows-1252", FRENCH),
    ]
}

#[test]
fn legacy_charsets_named_only_in_the_http_header() {
    for (encoding, label, sample) in cases() {
        let bytes = encode(encoding, &feed_document(sample));
        let content_type = format!("application/rss+xml; charset={label}");
        let decoded = decode(&bytes, Some(&content_type));
        assert_eq!(decoded.encoding, encoding, "{label}");
        assert_eq!(decoded.source, CharsetSource::HttpHeader, "{label}");
        assert!(decoded.text.contains(sample), "{label}");

        let feed = parse_feed(&bytes, Some(&content_type), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some(sample), "{label}");
        assert_eq!(feed.articles[0].title, sample, "{label}");
    }
}

#[test]
fn legacy_charsets_labelled_nowhere_are_detected() {
    for (encoding, label, sample) in cases() {
        let bytes = encode(encoding, &feed_document(sample));
        let decoded = decode(&bytes, Some("application/rss+xml"));
        assert_eq!(decoded.encoding, encoding, "{label}");
        assert_eq!(decoded.source, CharsetSource::Detected, "{label}");

        let feed = parse_feed(&bytes, None, None).unwrap();
        assert_eq!(feed.articles[0].title, sample, "{label}");
    }
}

#[test]
fn gb2312_label_in_the_prolog_reads_gbk() {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"gb2312\"?>{}",
        feed_document(CHINESE)
    );
    let bytes = encode(GBK, &document);
    let decoded = decode(&bytes, None);
    assert_eq!(decoded.encoding, GBK);
    assert_eq!(decoded.source, CharsetSource::Document);
    let feed = parse_feed(&bytes, None, None).unwrap();
    assert_eq!(feed.articles[0].title, CHINESE);
}

#[test]
fn html_meta_charset_is_read() {
    let page = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\"></head><body>{TRADITIONAL}</body></html>"
    );
    let bytes = encode(BIG5, &page);
    let decoded = decode(&bytes, None);
    assert_eq!(decoded.encoding, BIG5);
    assert_eq!(decoded.source, CharsetSource::Document);
    assert!(decoded.text.contains(TRADITIONAL));
}

#[test]
fn utf8_bom_wins_and_is_removed() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(feed_document(CHINESE).as_bytes());
    let decoded = decode(&bytes, Some("text/xml; charset=gbk"));
    assert_eq!(decoded.encoding, UTF_8);
    assert_eq!(decoded.source, CharsetSource::Bom);
    assert!(decoded.text.starts_with("<rss"));
    let feed = parse_feed(&bytes, Some("text/xml; charset=gbk"), None).unwrap();
    assert_eq!(feed.articles[0].title, CHINESE);
}

#[test]
fn utf16_boms_are_read() {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>{}",
        feed_document(KOREAN)
    );
    let units: Vec<u16> = document.encode_utf16().collect();
    let little: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(units.iter().flat_map(|u| u.to_le_bytes()))
        .collect();
    let big: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(units.iter().flat_map(|u| u.to_be_bytes()))
        .collect();
    for (bytes, encoding) in [
        (little, encoding_rs::UTF_16LE),
        (big, encoding_rs::UTF_16BE),
    ] {
        let decoded = decode(&bytes, Some("text/xml; charset=iso-8859-1"));
        assert_eq!(decoded.encoding, encoding);
        assert_eq!(decoded.source, CharsetSource::Bom);
        assert!(decoded.text.starts_with("<?xml"));
        let feed = parse_feed(&bytes, None, None).unwrap();
        assert_eq!(feed.articles[0].title, KOREAN);
    }
}

#[test]
fn a_utf8_label_on_gbk_bytes_is_overruled() {
    let bytes = encode(GBK, &feed_document(CHINESE));
    let decoded = decode(&bytes, Some("text/xml; charset=utf-8"));
    assert_eq!(decoded.encoding, GBK);
    assert_eq!(decoded.source, CharsetSource::Detected);
    let feed = parse_feed(&bytes, Some("text/xml; charset=UTF-8"), None).unwrap();
    assert_eq!(feed.articles[0].title, CHINESE);
}

#[test]
fn a_prolog_claiming_utf8_on_big5_bytes_is_overruled() {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>{}",
        feed_document(TRADITIONAL)
    );
    let bytes = encode(BIG5, &document);
    let feed = parse_feed(&bytes, None, None).unwrap();
    assert_eq!(feed.articles[0].title, TRADITIONAL);
}

#[test]
fn a_latin1_label_on_utf8_bytes_reads_utf8() {
    let bytes = feed_document(FRENCH).into_bytes();
    let decoded = decode(&bytes, Some("text/xml; charset=ISO-8859-1"));
    assert_eq!(decoded.encoding, UTF_8);
    assert_eq!(decoded.text, feed_document(FRENCH));
}

#[test]
fn a_wrong_legacy_label_loses_to_detection_when_it_decodes_with_errors() {
    let bytes = encode(GBK, &feed_document(CHINESE));
    let decoded = decode(&bytes, Some("text/xml; charset=shift_jis"));
    assert_eq!(decoded.encoding, GBK);
    assert!(decoded.text.contains(CHINESE));
}

#[test]
fn ascii_without_labels_is_utf8_by_default() {
    let decoded = decode(b"<rss version=\"2.0\"></rss>", None);
    assert_eq!(decoded.encoding, UTF_8);
    assert_eq!(decoded.source, CharsetSource::Default);
}

#[test]
fn malformed_bytes_become_replacement_characters() {
    let decoded = decode(
        b"<t>ok \xff\xfe\xfd end</t>",
        Some("text/xml; charset=utf-8"),
    );
    assert!(decoded.text.starts_with("<t>ok "));
    assert!(decoded.text.ends_with(" end</t>"));
}
