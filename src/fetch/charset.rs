//! Charset pipeline: BOM, then HTTP charset, then XML prolog / HTML meta, then detection. Pure.
//!
//! Turns the raw bytes of a document into UTF-8 text and never fails: malformed sequences become
//! U+FFFD. It does not parse the document; it only peeks at its first bytes for a declaration.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};
use regex::Regex;
use std::sync::OnceLock;

/// How many leading bytes are scanned for an XML prolog or HTML `<meta>` charset.
const PRESCAN_BYTES: usize = 2048;

/// A document decoded to UTF-8: borrowed from the bytes when they were UTF-8 already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, BOM removed.
    pub text: Cow<'a, str>,
    /// The encoding the bytes were read with.
    pub encoding: &'static Encoding,
    /// Where that encoding came from.
    pub source: CharsetSource,
}

/// Which step of the pipeline chose the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharsetSource {
    /// A byte-order mark at the start of the bytes.
    Bom,
    /// The `charset` parameter of the HTTP Content-Type.
    HttpHeader,
    /// The XML prolog `encoding=` or an HTML `<meta>` charset.
    Document,
    /// Statistical detection (chardetng), or a label overruled because the bytes contradict it.
    Detected,
    /// Nothing to go on (empty or pure ASCII): UTF-8.
    Default,
}

/// Decode a document to UTF-8: BOM (UTF-8/UTF-16LE/BE), then the charset parameter of the HTTP
/// Content-Type, then the XML prolog `encoding=` or HTML `<meta charset>`/`<meta http-equiv
/// content=...charset=>` (the first ~2 KiB read as ASCII), then chardetng detection.
///
/// A label is not trusted blindly: a UTF-8 label on bytes that are not UTF-8 falls through to
/// detection; a legacy label whose decoding has errors loses to a detected encoding that has
/// none; and bytes that are valid, non-ASCII UTF-8 are read as UTF-8 whatever a legacy label says
/// (a server calling UTF-8 "ISO-8859-1" is common, the reverse accident is vanishingly rare).
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return finish(rest, encoding, CharsetSource::Bom);
    }

    let http = content_type
        .and_then(charset_param)
        .and_then(|label| usable_label(&label, bytes));
    if let Some(encoding) = http {
        return decode_labelled(bytes, encoding, CharsetSource::HttpHeader);
    }

    let declared = declared_charset(bytes).and_then(|label| usable_label(&label, bytes));
    if let Some(encoding) = declared {
        return decode_labelled(bytes, encoding, CharsetSource::Document);
    }

    if bytes.is_ascii() {
        return finish(bytes, UTF_8, CharsetSource::Default);
    }
    if mostly_utf8(bytes) {
        return finish(bytes, UTF_8, CharsetSource::Detected);
    }
    finish(bytes, detect(bytes), CharsetSource::Detected)
}

/// The encoding for a label, if encoding_rs knows it and it makes sense for these bytes.
fn usable_label(label: &str, bytes: &[u8]) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    if encoding == encoding_rs::REPLACEMENT {
        return None;
    }
    // A UTF-16 label without a BOM on a document whose declaration we could read as ASCII is
    // wrong by construction (the HTML spec does the same substitution).
    if (encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE)
        && !looks_like_utf16(bytes)
    {
        return Some(UTF_8);
    }
    Some(encoding)
}

/// UTF-16 text of mostly ASCII has a zero byte in every other position.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = bytes.get(..bytes.len().min(64)).unwrap_or_default();
    sample.len() >= 4 && sample.iter().filter(|b| **b == 0).count() * 4 >= sample.len()
}

fn decode_labelled<'a>(
    bytes: &'a [u8],
    encoding: &'static Encoding,
    source: CharsetSource,
) -> Decoded<'a> {
    // Validated once, and then borrowed: most feeds are UTF-8 and need neither a copy nor a
    // second pass.
    let utf8 = std::str::from_utf8(bytes).ok();
    if encoding == UTF_8 {
        if let Some(text) = utf8 {
            return borrowed(text, source);
        }
        if mostly_utf8(bytes) {
            return finish(bytes, UTF_8, source);
        }
        return finish(bytes, detect(bytes), CharsetSource::Detected);
    }
    if let Some(text) = utf8.filter(|_| !bytes.is_ascii() && encoding.is_ascii_compatible()) {
        return borrowed(text, CharsetSource::Detected);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let guess = detect(bytes);
        if guess != encoding {
            let (guessed, guess_errors) = guess.decode_without_bom_handling(bytes);
            if !guess_errors {
                return Decoded {
                    text: Cow::Owned(guessed.into_owned()),
                    encoding: guess,
                    source: CharsetSource::Detected,
                };
            }
        }
    }
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding,
        source,
    }
}

/// UTF-8 with a few damaged sequences: far more valid non-ASCII characters than invalid
/// sequences. Such a document is read as UTF-8 with U+FFFD for the damage, instead of being
/// handed to detection and garbled whole. A legacy encoding read as UTF-8 gives the opposite
/// ratio (most GBK or Big5 pairs are not valid UTF-8).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    good >= 8 && good >= bad * 2
}

fn finish<'a>(bytes: &'a [u8], encoding: &'static Encoding, source: CharsetSource) -> Decoded<'a> {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        source,
    }
}

fn borrowed(text: &str, source: CharsetSource) -> Decoded<'_> {
    Decoded {
        text: Cow::Borrowed(text),
        encoding: UTF_8,
        source,
    }
}

/// chardetng's guess, with UTF-8 allowed and no TLD hint.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Allow)
}

/// The `charset` parameter of a Content-Type value, unquoted.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// The charset a document declares in its first bytes: XML prolog, then HTML `<meta>`.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes
        .get(..bytes.len().min(PRESCAN_BYTES))
        .unwrap_or_default();
    // Non-ASCII bytes cannot be part of a declaration; mapping them to '?' keeps offsets simple.
    let ascii: String = head
        .iter()
        .map(|&b| if b.is_ascii() { b as char } else { '?' })
        .collect();
    let patterns = declaration_patterns();
    patterns
        .iter()
        .find_map(|re| re.captures(&ascii))
        .and_then(|caps| caps.get(1))
        .map(|m| m.as_str().to_string())
}

fn declaration_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            r#"(?i)^\s*<\?xml[^>]*?\sencoding\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)"#,
            r#"(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)"#,
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_param_is_found_quoted_or_not() {
        assert_eq!(
            charset_param("text/xml; charset=\"GBK\"").as_deref(),
            Some("GBK")
        );
        assert_eq!(
            charset_param("text/html;Charset=big5").as_deref(),
            Some("big5")
        );
        assert_eq!(charset_param("text/html"), None);
    }

    #[test]
    fn prolog_and_meta_declarations_are_read() {
        let xml = b"<?xml version='1.0' encoding='gb2312'?><rss/>";
        assert_eq!(declared_charset(xml).as_deref(), Some("gb2312"));
        let html =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\">";
        assert_eq!(declared_charset(html).as_deref(), Some("big5"));
        let html5 = b"<!doctype html><meta charset=\"euc-kr\">";
        assert_eq!(declared_charset(html5).as_deref(), Some("euc-kr"));
    }

    #[test]
    fn gb2312_label_reads_gbk_bytes() {
        let (bytes, _, _) = encoding_rs::GBK.encode("新闻");
        let decoded = decode(&bytes, Some("text/xml; charset=gb2312"));
        assert_eq!(decoded.text, "新闻");
        assert_eq!(decoded.source, CharsetSource::HttpHeader);
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let mut bytes = "新闻中心：学院召开国际交流会议 ".as_bytes().to_vec();
        bytes.extend_from_slice(b"caf\xc3\xa9 \xff broken");
        for label in [Some("text/xml; charset=utf-8"), None] {
            let decoded = decode(&bytes, label);
            assert!(decoded.text.starts_with("新闻中心"), "{}", decoded.text);
            assert!(
                decoded.text.ends_with("café \u{fffd} broken"),
                "{}",
                decoded.text
            );
        }
        // GBK bytes behind a UTF-8 label are still detected as GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode("新闻中心：学院召开国际交流会议");
        let decoded = decode(&gbk, Some("text/xml; charset=utf-8"));
        assert_eq!(decoded.text, "新闻中心：学院召开国际交流会议");
    }

    #[test]
    fn empty_input_is_default_utf8() {
        let decoded = decode(b"", None);
        assert_eq!(decoded.text, "");
        assert_eq!(decoded.source, CharsetSource::Default);
    }

    #[test]
    fn utf8_documents_are_borrowed_not_copied() {
        let feed = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><title>Café 新闻</title></rss>";
        for content_type in [
            None,
            Some("text/xml; charset=utf-8"),
            Some("text/xml; charset=iso-8859-1"),
        ] {
            let decoded = decode(feed.as_bytes(), content_type);
            assert!(matches!(decoded.text, Cow::Borrowed(_)), "{content_type:?}");
            assert_eq!(decoded.text, feed);
        }
        assert!(matches!(
            decode(b"plain ascii", None).text,
            Cow::Borrowed(_)
        ));
    }
}
