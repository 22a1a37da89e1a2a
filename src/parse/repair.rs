//! Textual repairs that turn the XML feeds found in the wild into XML a strict parser reads. Pure.
//!
//! Runs on already-decoded text, before feed-rs and before our own scanner, so both see the same
//! document: junk before the root, the prolog's encoding (the text is UTF-8 now), HTML named
//! entities and bare `&`, characters XML forbids, `<rss>` versions feed-rs refuses, and Atom 0.3 /
//! pre-1.0 namespaces and element names. CDATA sections and comments are copied untouched.

use crate::parse::text::entity_at;
use crate::render::sanitize::clean;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The repaired document: borrowed when nothing needed repair, as in most feeds.
pub fn repair_xml(text: &str) -> Cow<'_, str> {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // Some servers emit a blank line, a PHP warning or similar before the prolog.
    let text = match text.find('<') {
        Some(at) if at > 0 => text.get(at..).unwrap_or(text),
        _ => text,
    };
    // Escape sequences and bidi overrides go before XML parsing drops the ESC and keeps the rest.
    // Each step copies only when it changes something.
    let text = clean(text);
    let text = then(text, strip_noncharacters);
    let text = then(text, fix_prolog);
    let text = then(text, fix_markup);
    let text = then(text, fix_rss_version);
    then(text, fix_atom03)
}

/// `text` after `step`, which returns its input borrowed when it changes nothing.
fn then<'a>(text: Cow<'a, str>, step: impl Fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(text) => step(text),
        Cow::Owned(text) => {
            let changed = match step(&text) {
                Cow::Owned(changed) => Some(changed),
                Cow::Borrowed(_) => None,
            };
            Cow::Owned(changed.unwrap_or(text))
        }
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
    // Both are EF BF BE/BF in UTF-8: one search for their first two bytes.
    let bytes = text.as_bytes();
    let found = memchr::memmem::find_iter(bytes, b"\xEF\xBF")
        .any(|at| matches!(bytes.get(at + 2), Some(0xBE | 0xBF)));
    if found {
        Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Entities outside CDATA sections and comments. The text holds only XML characters already
/// (`clean` and `strip_noncharacters`), so only what changes is copied, and a well-formed feed
/// comes back borrowed. Of the markup, only `<!` (CDATA sections, comments) and `<?` (XML
/// declarations) need looking at: the walk goes from one `&` to the next, and jumps over each
/// section and declaration as it comes to it.
fn fix_markup(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let sections = memchr::memmem::Finder::new(b"<!");
    let declarations = memchr::memmem::Finder::new(b"<?");
    let next = |finder: &memchr::memmem::Finder<'_>, from: usize| {
        bytes
            .get(from..)
            .and_then(|rest| finder.find(rest))
            .map_or(bytes.len(), |found| from + found)
    };
    let mut edit = Edit::new(text);
    let mut next_section = next(&sections, 0);
    let mut next_declaration = next(&declarations, 0);
    let mut at = 0;
    while at < bytes.len() {
        let stop = next_section.min(next_declaration);
        // No reference spans a `<` (see `fix_ampersand`), so none reaches past `stop`.
        let mut fixed_to = at;
        for found in memchr::memchr_iter(b'&', bytes.get(at..stop).unwrap_or_default()) {
            let pos = at + found;
            if pos < fixed_to {
                continue;
            }
            let tail = text.get(pos..).unwrap_or_default();
            fixed_to = pos + fix_ampersand_at(&mut edit, pos, tail);
        }
        if stop >= bytes.len() {
            break;
        }
        let tail = text.get(stop..).unwrap_or_default();
        at = stop + 1;
        if stop == next_section
            && let Some(verbatim) = verbatim_section(tail)
        {
            if needs_defusing(verbatim) {
                let mut defused = String::with_capacity(verbatim.len() + 3);
                push_defused(&mut defused, verbatim);
                edit.replace(stop, stop + verbatim.len(), &defused);
            }
            at = stop + verbatim.len();
        } else if stop == next_declaration && is_xml_declaration(tail) {
            // The text is UTF-8 now: the first declaration becomes a plain UTF-8 one, whatever
            // it said or however malformed; a later one is not XML and goes. feed-rs switches
            // decoders on a declared encoding, and quick-xml panics if that comes too late.
            let end = tail.find("?>").map_or(text.len(), |end| stop + end + 2);
            let found = text.get(stop..end).unwrap_or_default();
            if stop > 0 {
                edit.replace(stop, end, "");
            } else if !is_plain_utf8_declaration(found) {
                edit.replace(stop, end, UTF8_DECLARATION);
            }
            at = end;
        }
        if next_section < at {
            next_section = next(&sections, at);
        }
        if next_declaration < at {
            next_declaration = next(&declarations, at);
        }
    }
    edit.finish()
}

/// Repairs the `&` at `pos` (`tail` is the text from there) and returns how many bytes that
/// covers.
fn fix_ampersand_at(edit: &mut Edit<'_>, pos: usize, tail: &str) -> usize {
    let (replacement, used) = fix_ampersand(tail);
    if let Some(replacement) = replacement {
        edit.replace(pos, pos + used, &replacement);
    }
    used
}

const UTF8_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// A copy of a text that is only made at its first change.
struct Edit<'a> {
    text: &'a str,
    out: Option<String>,
    /// `text[..copied]` is in `out`, with its changes.
    copied: usize,
}

impl<'a> Edit<'a> {
    fn new(text: &'a str) -> Edit<'a> {
        Edit {
            text,
            out: None,
            copied: 0,
        }
    }

    /// `text[start..end]` becomes `with`; `start` is at or after the end of the last change.
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        let text = self.text;
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len() + text.len() / 16));
        out.push_str(text.get(self.copied..start).unwrap_or_default());
        out.push_str(with);
        self.copied = end;
    }

    fn finish(self) -> Cow<'a, str> {
        match self.out {
            None => Cow::Borrowed(self.text),
            Some(mut out) => {
                out.push_str(self.text.get(self.copied..).unwrap_or_default());
                Cow::Owned(out)
            }
        }
    }
}

/// Whether a CDATA section or comment holds an XML declaration.
fn needs_defusing(verbatim: &str) -> bool {
    memchr::memmem::find_iter(verbatim.as_bytes(), b"<?")
        .any(|at| is_xml_declaration(verbatim.get(at..).unwrap_or_default()))
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

/// Whether `declaration` is [`UTF8_DECLARATION`] but for the case of `UTF-8` and the kind of
/// quotes (`encoding='utf-8'`, as many feeds write it), so that it stays and the document is
/// not copied for it.
fn is_plain_utf8_declaration(declaration: &str) -> bool {
    let quotes_agree = !(declaration.contains('\'') && declaration.contains('"'));
    let Some(at) = UTF8_DECLARATION.find("UTF-8") else {
        return false;
    };
    let end = at + "UTF-8".len();
    let double_quoted = declaration.replace('\'', "\"");
    quotes_agree
        && double_quoted.len() == UTF8_DECLARATION.len()
        && double_quoted.get(..at) == UTF8_DECLARATION.get(..at)
        && double_quoted.get(end..) == UTF8_DECLARATION.get(end..)
        && double_quoted
            .get(at..end)
            .is_some_and(|name| name.eq_ignore_ascii_case("UTF-8"))
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
            let len = match memchr::memmem::find(body.as_bytes(), close.as_bytes()) {
                Some(end) => open.len() + end + close.len(),
                None => tail.len(),
            };
            return tail.get(..len);
        }
    }
    None
}

/// The length of one of XML's five predefined entity references (`&lt;`...) at the start of
/// `tail`, if it starts with one.
fn predefined_entity_len(tail: &[u8]) -> Option<usize> {
    match tail {
        [b'&', b'l' | b'g', b't', b';', ..] => Some(4),
        [b'&', b'a', b'm', b'p', b';', ..] => Some(5),
        [b'&', b'q', b'u', b'o', b't', b';', ..] | [b'&', b'a', b'p', b'o', b's', b';', ..] => {
            Some(6)
        }
        _ => None,
    }
}

/// What the `&` at the start of `tail` becomes (`None`: it stays as written), and the length of
/// `tail` that this covers.
fn fix_ampersand(tail: &str) -> (Option<String>, usize) {
    // Escaped HTML is mostly these, and they never need repair: the whole reference is skipped.
    if let Some(used) = predefined_entity_len(tail.as_bytes()) {
        return (None, used);
    }
    let after = tail.get(1..).unwrap_or_default();
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .unwrap_or(after.len());
    let name = after.get(..name_len).unwrap_or_default();
    let terminated = after.get(name_len..).is_some_and(|r| r.starts_with(';'));
    if terminated && let Some((value, used)) = entity_at(tail) {
        if name.starts_with('#') && value.chars().all(is_xml_char) {
            return (None, used);
        }
        let mut references = String::new();
        for c in value.chars() {
            if is_xml_char(c) {
                references.push_str(&format!("&#x{:X};", c as u32));
            } else {
                references.push_str("&#xFFFD;");
            }
        }
        return (Some(references), used);
    }
    // A bare `&` or an unknown entity: make it literal text.
    (Some("&amp;".to_owned()), 1)
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
    fn near_misses_of_the_predefined_entities_are_still_repaired() {
        let fixed = repair_xml("<t>&lt &ampx; &quot; &apos; &gt;< b &amp</t>");
        assert_eq!(
            fixed,
            "<t>&amp;lt &amp;ampx; &quot; &apos; &gt;< b &amp;amp</t>"
        );
    }

    #[test]
    fn the_two_noncharacters_are_dropped_and_their_neighbours_kept() {
        // U+FFFD and U+FFEE share the first two bytes of U+FFFE and U+FFFF.
        let fixed = repair_xml("<t>a\u{FFFE}b\u{FFFD}c\u{FFFF}d\u{FFEE}</t>");
        assert_eq!(fixed, "<t>ab\u{FFFD}cd\u{FFEE}</t>");
        let kept = "<t>\u{FFFD}\u{FFEE}</t>";
        assert!(matches!(repair_xml(kept), Cow::Borrowed(text) if text == kept));
    }

    #[test]
    fn a_well_formed_feed_is_not_copied() {
        let feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
                    <item><title>A &amp; B &#233;</title><description>&lt;p&gt;x&lt;/p&gt;\
                    </description><content:encoded><![CDATA[<p>a & b</p>]]></content:encoded>\
                    </item></channel></rss>";
        assert!(matches!(repair_xml(feed), Cow::Borrowed(text) if text == feed));
    }

    #[test]
    fn a_plain_utf8_declaration_in_other_quotes_or_case_is_not_copied() {
        for declaration in [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<?xml version='1.0' encoding='UTF-8'?>",
        ] {
            let feed = format!("{declaration}<rss version=\"2.0\"><channel/></rss>");
            assert!(
                matches!(repair_xml(&feed), Cow::Borrowed(_)),
                "{declaration}"
            );
        }
        // Anything else still becomes the plain declaration.
        for declaration in [
            "<?xml version='1.0\" encoding=\"utf-8\"?>",
            "<?XML version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
        ] {
            let feed = format!("{declaration}<t/>");
            assert_eq!(
                repair_xml(&feed),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t/>"
            );
        }
    }

    #[test]
    fn declarations_inside_cdata_are_defused_and_later_ones_dropped() {
        let fixed =
            repair_xml("<?xml version='1.0'?><t><![CDATA[<?xml x?>]]><?xml version=\"1.0\"?>a</t>");
        assert_eq!(
            fixed,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t><![CDATA[<?\u{200b}xml x?>]]>a</t>"
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
