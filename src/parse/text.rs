//! Text helpers for parsers: HTML-or-text → plain one-line text, entity decoding, sanitising. Pure.

use std::borrow::Cow;

use quick_xml::escape::resolve_html5_entity;

/// Plain text from a title-like field that may hold HTML: tags removed, entities decoded,
/// whitespace collapsed to single spaces, control characters and escape sequences removed.
pub fn plain_text(html_or_text: &str) -> String {
    // Most titles and names hold neither tags nor references: each step runs only when it has
    // something to do (a step that finds nothing returns its input as it was).
    let text = bounded(html_or_text, MAX_LINE_INPUT_BYTES);
    let stripped = match memchr::memchr(b'<', text.as_bytes()) {
        Some(_) => Cow::Owned(strip_tags(text)),
        None => Cow::Borrowed(text),
    };
    let decoded = match memchr::memchr(b'&', stripped.as_bytes()) {
        Some(_) => Cow::Owned(decode_entities(&stripped)),
        None => stripped,
    };
    collapse_whitespace(&crate::render::sanitize::clean(&decoded))
}

/// Whitespace collapsed and sanitised, but no tag stripping or entity decoding: for fields that
/// are declared plain text (Atom `type="text"`), where `<` and `&amp;` are meant literally.
pub fn literal_text(text: &str) -> String {
    collapse_whitespace(&clean(bounded(text, MAX_LINE_INPUT_BYTES)))
}

/// One-line fields (titles, names, categories) are read from at most this many bytes of source
/// text: far more than any real title, and it keeps a hostile 50 MB title from being copied
/// through every cleaning step.
pub const MAX_LINE_INPUT_BYTES: usize = 64 * 1024;

/// The longest one-line field kept, in characters; longer ones are cut and end with '…'.
pub const MAX_LINE_CHARS: usize = 1000;

/// The first `max` bytes of `text`, cut back to a character boundary.
pub fn bounded(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// `text` cut to at most [`MAX_LINE_CHARS`] characters, with '…' marking a cut.
pub fn truncate_line(text: String) -> String {
    match text.char_indices().nth(MAX_LINE_CHARS) {
        None => text,
        Some((end, _)) => {
            let mut short = text.get(..end).unwrap_or_default().trim_end().to_string();
            short.push('…');
            short
        }
    }
}

/// Collapse every run of whitespace to one space and trim the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Remove tags, comments and the contents of `<script>`/`<style>`; a `<` that does not start a
/// tag (as in `a < b`) is kept. Block-level tags become spaces so words do not run together.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        let next = tail.chars().nth(1);
        let is_tag =
            matches!(next, Some(c) if c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        if !is_tag {
            out.push('<');
            rest = tail.get(1..).unwrap_or_default();
            continue;
        }
        if let Some(comment) = tail.strip_prefix("<!--") {
            rest = comment
                .find("-->")
                .and_then(|e| comment.get(e + 3..))
                .unwrap_or_default();
            continue;
        }
        let Some(end) = tail.find('>') else {
            // An unterminated tag: drop the remainder rather than show half a tag.
            rest = "";
            break;
        };
        let tag = tail.get(1..end).unwrap_or_default().to_ascii_lowercase();
        rest = tail.get(end + 1..).unwrap_or_default();
        for raw_block in ["script", "style"] {
            if tag.starts_with(raw_block) {
                let close = format!("</{raw_block}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&close) {
                    Some(c) => rest.get(c..).unwrap_or_default(),
                    None => "",
                };
            }
        }
        out.push(' ');
    }
    out.push_str(rest);
    out
}

/// Decode HTML5 named entities and numeric character references; unknown ones stay as written.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        match entity_at(tail) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = tail.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// If `text` starts with a known entity reference (`&name;`, `&#123;`, `&#x7b;`), its value and
/// the number of bytes it spans.
pub(crate) fn entity_at(text: &str) -> Option<(String, usize)> {
    let body = text.strip_prefix('&')?;
    let semi = body.get(..body.len().min(40))?.find(';')?;
    let name = body.get(..semi)?;
    let used = semi + 2;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        let c = char::from_u32(code)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some((c.to_string(), used));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    resolve_html5_entity(name).map(|value| (value.to_string(), used))
}

/// Remove C0/C1 control characters (except newline and tab), ANSI/VT escape sequences and
/// bidirectional overrides from untrusted text: the crate's one sanitiser, owned by `render`.
pub fn clean(text: &str) -> String {
    crate::render::sanitize::clean(text).into_owned()
}

/// `text` without its leading and trailing whitespace and [`clean`]ed, in the same allocation
/// when cleaning changes nothing (bodies are most of a feed's bytes).
pub fn clean_trimmed(text: String) -> String {
    let text = trimmed(text);
    match crate::render::sanitize::clean(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cleaned) => cleaned,
    }
}

/// `text` without its leading and trailing whitespace, in the same allocation.
pub fn trimmed(mut text: String) -> String {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
    text
}

/// Text made safe to embed in HTML.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Standard or URL-safe base64, whitespace ignored; `None` on a character outside the alphabet.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b if b.is_ascii_whitespace() => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_fields_are_bounded() {
        let long = "é".repeat(MAX_LINE_INPUT_BYTES);
        assert!(bounded(&long, MAX_LINE_INPUT_BYTES).len() <= MAX_LINE_INPUT_BYTES);
        let title = plain_text(&"word ".repeat(1_000_000));
        assert!(title.len() <= MAX_LINE_INPUT_BYTES);
        let cut = truncate_line(title);
        assert!(cut.chars().count() <= MAX_LINE_CHARS + 1);
        assert!(cut.ends_with("word…"));
        assert_eq!(truncate_line("short".to_string()), "short");
    }

    #[test]
    fn plain_text_strips_decodes_and_collapses() {
        assert_eq!(
            plain_text("  <b>Caf&eacute;</b>\n&amp; more&hellip; "),
            "Café & more…"
        );
        assert_eq!(
            plain_text("a < b &unknown; &#x4e2d;&#25991;"),
            "a < b &unknown; 中文"
        );
        assert_eq!(plain_text("x<script>alert(1)</script>y<!-- c -->z"), "x yz");
        assert_eq!(plain_text("<p>one</p><p>two</p>"), "one two");
    }

    #[test]
    fn clean_removes_controls_escapes_and_bidi() {
        assert_eq!(
            clean("a\u{1b}[31mred\u{1b}[0m\u{7}b\u{202e}c\td"),
            "aredbc\td"
        );
        assert_eq!(clean("x\u{1b}]0;title\u{7}y\u{85}z"), "xyz");
    }

    #[test]
    fn base64_standard_and_url_safe() {
        assert_eq!(decode_base64("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode_base64("not base64!"), None);
    }
}
