//! Bounds the element nesting of hostile HTML before it reaches html2text, whose size estimate
//! recurses once per level. A light tag scanner, not a parser: it only drops start tags (and the
//! matching number of end tags) beyond a depth, so ordinary documents pass through untouched.

use std::borrow::Cow;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag is optional: the parser closes them implicitly, so they cannot nest
/// without a counted element in between; counting them would overestimate depth.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc",
    "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Returns `html` with start tags nested deeper than `max_depth` removed (their text is kept).
pub fn limit_nesting(html: &str, max_depth: usize) -> Cow<'_, str> {
    // Depth can only exceed the limit if there are more tags than the limit.
    if html.bytes().filter(|&b| b == b'<').count() <= max_depth {
        return Cow::Borrowed(html);
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<String> = Vec::new();
    let mut excess: usize = 0;
    let mut changed = false;
    let mut copied = 0; // bytes of `html` already copied to `out`
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = find_from(html, start + 4, "-->").map_or(html.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = find_byte(bytes, start, b'>').map_or(html.len(), |e| e + 1);
            continue;
        }
        let is_end = rest.starts_with("</");
        let name_start = start + if is_end { 2 } else { 1 };
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b':')
            .map_or(bytes.len(), |p| name_start + p);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            // A literal '<'.
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_end].to_ascii_lowercase();
        let Some(tag_end) = tag_end(bytes, name_end) else {
            break;
        };
        let self_closing = tag_end >= 2 && bytes[tag_end - 1] == b'/';
        let next = tag_end + 1;
        if is_end {
            if excess > 0 && !is_uncounted(&name) {
                excess -= 1;
                out.push_str(&html[copied..start]);
                copied = next;
                changed = true;
            } else if let Some(pos) = open.iter().rposition(|n| *n == name) {
                open.truncate(pos);
            }
            i = next;
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) && !self_closing {
            let close = format!("</{name}");
            i = find_ci(html, next, &close).unwrap_or(html.len());
            continue;
        }
        if self_closing || is_uncounted(&name) {
            i = next;
            continue;
        }
        if open.len() < max_depth {
            open.push(name);
        } else {
            excess += 1;
            out.push_str(&html[copied..start]);
            copied = next;
            changed = true;
        }
        i = next;
    }
    if !changed {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

fn is_uncounted(name: &str) -> bool {
    VOID.contains(&name) || OPTIONAL_END.contains(&name)
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

fn find_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    bytes[from..].iter().position(|&x| x == b).map(|p| from + p)
}

fn find_from(html: &str, from: usize, pat: &str) -> Option<usize> {
    html.get(from..)?.find(pat).map(|p| from + p)
}

/// Case-insensitive search for an ASCII pattern.
fn find_ci(html: &str, from: usize, pat: &str) -> Option<usize> {
    let hay = html.as_bytes().get(from..)?;
    let pat = pat.as_bytes();
    hay.windows(pat.len())
        .position(|w| w.eq_ignore_ascii_case(pat))
        .map(|p| from + p)
}

/// The index of the '>' closing a tag whose name ends at `from`, skipping quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(k),
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_documents_are_untouched() {
        let html = "<div><p>a<p>b<ul><li>x<li>y</ul><img src=x><br/></div>";
        assert!(matches!(limit_nesting(html, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut() {
        let html = format!("{}x{}", "<div>".repeat(10), "</div>".repeat(10));
        let out = limit_nesting(&html, 4);
        assert_eq!(out, format!("{}x{}", "<div>".repeat(4), "</div>".repeat(4)));
    }

    #[test]
    fn comments_scripts_and_quotes_are_skipped() {
        let html = "<div title='<b>'><!-- <div><div> --><script><div><div></script>x</div>";
        assert!(matches!(limit_nesting(html, 1), Cow::Borrowed(_)));
    }
}
