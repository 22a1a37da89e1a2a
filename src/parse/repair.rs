//! Textual repairs that turn the XML feeds found in the wild into XML a strict parser reads. Pure.
//!
//! Runs on already-decoded text, before feed-rs and before our own scanner, so both see the same
//! document: junk before the root, the prolog's encoding (the text is UTF-8 now), HTML named
//! entities and bare `&`, characters XML forbids, `<rss>` versions feed-rs refuses, and Atom 0.3 /
//! pre-1.0 namespaces and element names. CDATA sections and comments are copied untouched.

use crate::parse::text::{clean, entity_at};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The repaired document.
pub fn repair_xml(text: &str) -> String {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // Some servers emit a blank line, a PHP warning or similar before the prolog.
    let text = match text.find('<') {
        Some(at) if at > 0 => text.get(at..).unwrap_or(text),
        _ => text,
    };
    // Escape sequences and bidi overrides go before XML parsing drops the ESC and keeps the rest.
    // Each step copies only when it changes something; a typical feed is copied once, by
    // `fix_markup`.
    let cleaned = clean(text);
    let legal = strip_noncharacters(&cleaned);
    let markup = fix_markup(&fix_prolog(&legal));
    let version = owned(fix_rss_version(&markup));
    let text = version.unwrap_or(markup);
    owned(fix_atom03(&text)).unwrap_or(text)
}

fn owned(text: Cow<'_, str>) -> Option<String> {
    match text {
        Cow::Owned(text) => Some(text),
        Cow::Borrowed(_) => None,
    }
}

/// Rewrite `encoding=` in the prolog to UTF-8, since the bytes were decoded already.
fn fix_prolog(text: &str) -> Cow<'_, str> {
    static PROLOG: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = PROLOG
        .get_or_init(|| Regex::new(r#"^<\?xml([^>]*?)\sencoding\s*=\s*["']([^"']*)["']"#).ok())
        .as_ref()
    else {
        return Cow::Borrowed(text);
    };
    match re.captures(text) {
        Some(caps)
            if !caps
                .get(2)
                .is_some_and(|e| e.as_str().eq_ignore_ascii_case("utf-8")) =>
        {
            re.replace(text, "<?xml$1 encoding=\"UTF-8\"")
        }
        _ => Cow::Borrowed(text),
    }
}

/// U+FFFE and U+FFFF are not XML characters; after `clean` they are the only ones left that a
/// `str` can hold, so one search decides whether a copy is needed at all.
fn strip_noncharacters(text: &str) -> Cow<'_, str> {
    if text.contains('\u{FFFE}') || text.contains('\u{FFFF}') {
        Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Entities outside CDATA sections and comments. The text holds only XML characters already
/// (`clean` and `strip_noncharacters`), so runs between `&` and `<` are copied whole.
fn fix_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut rest = text;
    loop {
        let next_special = memchr::memchr2(b'&', b'<', rest.as_bytes());
        let Some(at) = next_special else {
            out.push_str(rest);
            break;
        };
        // `&` and `<` are ASCII, so `at` is a character boundary.
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        if let Some(verbatim) = verbatim_section(tail) {
            push_defused(&mut out, verbatim);
            rest = tail.get(verbatim.len()..).unwrap_or_default();
            continue;
        }
        if is_xml_declaration(tail) {
            // The text is UTF-8 now: the first declaration becomes a plain UTF-8 one, whatever
            // it said or however malformed; a later one is not XML and goes. feed-rs switches
            // decoders on a declared encoding, and quick-xml panics if that comes too late.
            if out.is_empty() {
                out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            }
            rest = match tail.find("?>") {
                Some(end) => tail.get(end + 2..).unwrap_or_default(),
                None => "",
            };
            continue;
        }
        if tail.starts_with('<') {
            out.push('<');
            rest = tail.get(1..).unwrap_or_default();
            continue;
        }
        rest = fix_ampersand(&mut out, tail);
    }
    out
}

/// Copies a CDATA section or comment, with any XML declaration in it made a plain processing
/// instruction (`<?\u{200b}xml`). If the section is unterminated, or the parser reads the markup
/// differently from us, feed-rs would otherwise see a declaration mid-document and switch
/// decoders (a quick-xml panic). The zero-width space goes again with the sanitiser, so text in
/// a real CDATA section reads as written.
fn push_defused(out: &mut String, verbatim: &str) {
    let mut rest = verbatim;
    while let Some(at) = rest.find("<?") {
        let (before, tail) = rest.split_at(at);
        out.push_str(before);
        out.push_str("<?");
        if is_xml_declaration(tail) {
            out.push('\u{200b}');
        }
        rest = tail.get(2..).unwrap_or_default();
    }
    out.push_str(rest);
}

/// `<?xml` followed by whitespace or `?>`, in any case: an XML declaration.
fn is_xml_declaration(tail: &str) -> bool {
    let bytes = tail.as_bytes();
    bytes.len() > 5
        && bytes[..5].eq_ignore_ascii_case(b"<?xml")
        && (bytes[5].is_ascii_whitespace() || bytes[5] == b'?')
}

/// A CDATA section or comment at the start of `tail` (to its end, or to the end of the text).
fn verbatim_section(tail: &str) -> Option<&str> {
    for (open, close) in [("<![CDATA[", "]]>"), ("<!--", "-->")] {
        if let Some(body) = tail.strip_prefix(open) {
            let len = match body.find(close) {
                Some(end) => open.len() + end + close.len(),
                None => tail.len(),
            };
            return tail.get(..len);
        }
    }
    None
}

/// Handle the `&` at the start of `tail`; returns the text after what was consumed.
fn fix_ampersand<'a>(out: &mut String, tail: &'a str) -> &'a str {
    let after = tail.get(1..).unwrap_or_default();
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .unwrap_or(after.len());
    let name = after.get(..name_len).unwrap_or_default();
    let terminated = after.get(name_len..).is_some_and(|r| r.starts_with(';'));
    if terminated && matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") {
        out.push('&');
        return after;
    }
    if terminated && let Some((value, used)) = entity_at(tail) {
        if name.starts_with('#') && value.chars().all(is_xml_char) {
            out.push_str(tail.get(..used).unwrap_or_default());
            return tail.get(used..).unwrap_or_default();
        }
        for c in value.chars() {
            if is_xml_char(c) {
                out.push_str(&format!("&#x{:X};", c as u32));
            } else {
                out.push_str("&#xFFFD;");
            }
        }
        return tail.get(used..).unwrap_or_default();
    }
    // A bare `&` or an unknown entity: make it literal text.
    out.push_str("&amp;");
    after
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// feed-rs only reads `<rss>` with version 2.0, 0.91 or 0.92; every other RSS 0.9x/2.x is read
/// as 2.0, which is a superset of them all.
fn fix_rss_version(text: &str) -> Cow<'_, str> {
    static RSS: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let Some((root, version)) = RSS
        .get_or_init(|| {
            Some((
                Regex::new(r"<rss\b[^>]*>").ok()?,
                Regex::new(r#"\sversion\s*=\s*["']([^"']*)["']"#).ok()?,
            ))
        })
        .as_ref()
    else {
        return Cow::Borrowed(text);
    };
    let Some(tag) = root.find(text) else {
        return Cow::Borrowed(text);
    };
    let tag_text = tag.as_str();
    let fixed = match version.captures(tag_text) {
        Some(caps) => match caps.get(1).map(|m| m.as_str().trim()) {
            Some("2.0" | "0.91" | "0.92") => return Cow::Borrowed(text),
            _ => version.replace(tag_text, " version=\"2.0\"").into_owned(),
        },
        None => tag_text.replacen("<rss", "<rss version=\"2.0\"", 1),
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(text.get(..tag.start()).unwrap_or_default());
    out.push_str(&fixed);
    out.push_str(text.get(tag.end()..).unwrap_or_default());
    Cow::Owned(out)
}

/// Atom 0.3 and the pre-1.0 drafts: move to the 1.0 namespace and rename the elements that changed
/// (`issued`→`published`, `modified`→`updated`, `tagline`→`subtitle`, `copyright`→`rights`).
fn fix_atom03(text: &str) -> Cow<'_, str> {
    static OLD: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let Some((namespace, renamed)) = OLD
        .get_or_init(|| {
            Some((
                Regex::new(r"http://purl\.org/atom/ns#[^\s\x22']*").ok()?,
                Regex::new(r"<(/?)((?:atom:)?)(issued|modified|tagline|copyright)\b").ok()?,
            ))
        })
        .as_ref()
    else {
        return Cow::Borrowed(text);
    };
    if !namespace.is_match(text) {
        return Cow::Borrowed(text);
    }
    let text = namespace.replace_all(text, ATOM_NS);
    renamed
        .replace_all(&text, |caps: &regex::Captures<'_>| {
            let new = match caps.get(3).map(|m| m.as_str()) {
                Some("issued") => "published",
                Some("modified") => "updated",
                Some("tagline") => "subtitle",
                _ => "rights",
            };
            let close = caps.get(1).map_or("", |m| m.as_str());
            let prefix = caps.get(2).map_or("", |m| m.as_str());
            format!("<{close}{prefix}{new}")
        })
        .into_owned()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_bare_ampersands() {
        let fixed = repair_xml("<t>Caf&eacute; &amp; R&D &hellip; &lt;b&gt; &bogus; &#233;</t>");
        assert_eq!(
            fixed,
            "<t>Caf&#xE9; &amp; R&amp;D &#x2026; &lt;b&gt; &amp;bogus; &#233;</t>"
        );
    }

    #[test]
    fn cdata_and_comments_are_untouched() {
        let fixed = repair_xml("<t><![CDATA[a & b &hellip;]]><!-- x & y --></t>");
        assert_eq!(fixed, "<t><![CDATA[a & b &hellip;]]><!-- x & y --></t>");
    }

    #[test]
    fn rss_versions_and_prolog() {
        let fixed =
            repair_xml("\n\n<?xml version=\"1.0\" encoding=\"gb2312\"?><rss version=\"0.94\">");
        assert_eq!(
            fixed,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\">"
        );
        assert_eq!(
            repair_xml("<rss><channel/>"),
            "<rss version=\"2.0\"><channel/>"
        );
        assert_eq!(repair_xml("<rss version='0.91'>"), "<rss version='0.91'>");
    }

    #[test]
    fn atom03_becomes_atom10() {
        let fixed = repair_xml(
            "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><tagline>t</tagline><entry><issued>x</issued><modified>y</modified></entry></feed>",
        );
        assert!(fixed.contains(ATOM_NS));
        assert!(fixed.contains("<subtitle>t</subtitle>"));
        assert!(fixed.contains("<published>x</published><updated>y</updated>"));
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(repair_xml("<t>a\u{1}b\u{b}c</t>"), "<t>abc</t>");
    }
}
