//! An article body element → clean HTML: removed elements skipped, scripts and event handlers
//! dropped, every link and image URL made absolute against the page. Pure.

use scraper::{ElementRef, Node};
use url::Url;

use crate::parse::text::escape_html;
use crate::render::sanitize::clean;

/// Elements never copied into a body.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "iframe", "object", "embed", "form", "input", "button",
    "select", "textarea", "link", "meta", "base",
];

/// Elements without an end tag.
const VOID: &[&str] = &["br", "hr", "img", "wbr", "col", "area", "source", "track"];

/// Attributes holding URLs, resolved to absolute ones.
const URL_ATTRS: &[&str] = &["href", "src", "orisrc", "poster", "data-src"];

/// Attributes worth keeping for the renderer.
const KEPT_ATTRS: &[&str] = &[
    "href", "src", "orisrc", "alt", "title", "colspan", "rowspan", "width", "height", "lang",
    "data-src", "poster",
];

/// Nesting deeper than this is flattened to text (hostile pages must not blow the stack).
const MAX_DEPTH: usize = 200;

/// Serialises the children of `root` as body HTML, leaving out `removed` elements.
pub(super) fn body_html(root: ElementRef<'_>, removed: &[ElementRef<'_>], base: &Url) -> String {
    let mut out = String::new();
    write_children(root, removed, base, 0, &mut out);
    out.trim().to_string()
}

fn write_children(
    parent: ElementRef<'_>,
    removed: &[ElementRef<'_>],
    base: &Url,
    depth: usize,
    out: &mut String,
) {
    for child in parent.children() {
        match child.value() {
            Node::Text(text) => out.push_str(&escape_html(&clean(text))),
            Node::Element(_) => {
                if let Some(element) = ElementRef::wrap(child) {
                    write_element(element, removed, base, depth, out);
                }
            }
            _ => {}
        }
    }
}

fn write_element(
    element: ElementRef<'_>,
    removed: &[ElementRef<'_>],
    base: &Url,
    depth: usize,
    out: &mut String,
) {
    if removed.contains(&element) {
        return;
    }
    let name = element.value().name().to_ascii_lowercase();
    if DROPPED.contains(&name.as_str()) {
        return;
    }
    if depth > MAX_DEPTH {
        let text: String = element.text().collect();
        out.push_str(&escape_html(&clean(&text)));
        return;
    }
    out.push('<');
    out.push_str(&name);
    for (attr, value) in element.value().attrs() {
        let attr = attr.to_ascii_lowercase();
        if !KEPT_ATTRS.contains(&attr.as_str()) {
            continue;
        }
        let value = if URL_ATTRS.contains(&attr.as_str()) {
            match absolute(value, base) {
                Some(url) => url,
                None => continue,
            }
        } else {
            clean(value).into_owned()
        };
        out.push(' ');
        out.push_str(&attr);
        out.push_str("=\"");
        out.push_str(&escape_html(&value));
        out.push('"');
    }
    out.push('>');
    if VOID.contains(&name.as_str()) {
        return;
    }
    write_children(element, removed, base, depth + 1, out);
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}

/// An absolute http(s)/mailto URL for an attribute value; script URLs and junk are dropped.
pub(super) fn absolute(value: &str, base: &Url) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.starts_with('#') {
        return None;
    }
    let url = base.join(value).ok()?;
    matches!(url.scheme(), "http" | "https" | "mailto" | "file").then(|| url.to_string())
}
