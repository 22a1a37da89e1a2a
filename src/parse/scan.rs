//! Our own tolerant pass over (repaired) feed XML with quick-xml: one `RawItem` per item/entry in
//! document order, with what feed-rs drops (extensions, raw dates, xml:base, Dublin Core) and
//! everything needed to stand in for feed-rs when it rejects a document. Never fails: whatever
//! cannot be read is skipped. Pure; it does not decide precedence (see `feed.rs`).

use crate::model::Enclosure;
use crate::parse::links::resolve;
use chrono::{DateTime, Utc};
use fields::{feed_field, item_field};
use quick_xml::escape::{resolve_html5_entity, resolve_xml_entity};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::borrow::Cow;
use url::Url;

/// Feed-level fields, plain text except `link` (absolute).
#[derive(Debug, Default)]
pub(crate) struct RawFeed {
    pub title: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub items: Vec<RawItem>,
    /// The root element's local name (`rss`, `rdf`, `feed`, `html`...), lowercase.
    pub root: Option<String>,
    /// Set when the document has more than [`MAX_ITEMS`] items: the byte offset just after the
    /// last item kept, and the end tags that close what was open there. Scanning stopped there.
    pub truncated: Option<(usize, String)>,
}

/// One item or entry. Text fields are plain text, `summary`/`content` HTML, links absolute.
#[derive(Debug, Default)]
pub(crate) struct RawItem {
    pub base: Option<Url>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub author: Option<String>,
    pub categories: Vec<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
    /// The item had content we could not read (base64 of a binary type, unknown type): any body
    /// another parser reports for it must not be shown as HTML either.
    pub content_unreadable: bool,
    pub enclosures: Vec<Enclosure>,
    pub views: Option<i64>,
    pub comments: Option<i64>,
    /// Stand-ins used only when the core field is missing.
    pub alt_title: Option<String>,
    pub alt_summary: Option<String>,
    pub alt_author: Option<String>,
}

/// How deep element text is gathered per element; deeper text is kept by the ancestor at this
/// depth. Real feeds nest a few levels (HTML in a description a few more).
const MAX_TEXT_DEPTH: usize = 64;
/// Elements deeper than this are read as text only.
const MAX_DEPTH: usize = 1024;
/// Items read from one document; the rest are dropped. Real feeds carry tens to a few thousand;
/// a hostile one can pack half a million tiny items into the body cap, and every item costs
/// about a kilobyte of structs in each parser.
pub(crate) const MAX_ITEMS: usize = 10_000;

struct Frame {
    name: String,
    /// The qualified name as written, to close it when the document is cut; `None` when it is
    /// `name` (written in lowercase).
    tag: Option<String>,
    attrs: Vec<(String, String)>,
    text: String,
    /// Byte offset just after the start tag, for inline XHTML content.
    inner_start: usize,
    pushed_base: bool,
}

impl Frame {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The local part of a core element name (no prefix, or the Atom/RSS/RDF prefixes feeds use).
fn core(name: &str) -> Option<&str> {
    match name.split_once(':') {
        None => Some(name),
        Some(("atom" | "atom10" | "rss" | "rdf" | "a", local)) => Some(local),
        Some(_) => None,
    }
}

/// A name in lowercase, copied only when it was not written so.
fn lowercase(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Scan a document. `base` is the document URL, the outermost xml:base.
pub(crate) fn scan(text: &str, base: Option<&Url>) -> RawFeed {
    let mut scanner = Scanner {
        source: text,
        feed: RawFeed::default(),
        stack: Vec::new(),
        bases: base.cloned().into_iter().collect(),
        item: None,
        item_depth: 0,
        skipped: 0,
    };
    scanner.run();
    scanner.feed
}

struct Scanner<'a> {
    source: &'a str,
    feed: RawFeed,
    stack: Vec<Frame>,
    bases: Vec<Url>,
    item: Option<RawItem>,
    item_depth: usize,
    /// Start tags beyond MAX_DEPTH still open.
    skipped: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let mut reader = Reader::from_str(self.source);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        let mut errors = 0;
        loop {
            let before = self.position(&reader);
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(_) => {
                    errors += 1;
                    if errors > 64 || self.position(&reader) <= before {
                        break;
                    }
                    continue;
                }
            };
            let after = self.position(&reader);
            // After markup, quick-xml would read the text that follows next; it is read here.
            let markup = !matches!(event, Event::Text(_) | Event::GeneralRef(_) | Event::Eof);
            match event {
                // Elements deeper than MAX_DEPTH are not tracked (their text still counts), so
                // a hostile two-million-deep chain costs no memory per level.
                Event::Start(_) if self.stack.len() >= MAX_DEPTH => self.skipped += 1,
                Event::Empty(_) if self.stack.len() >= MAX_DEPTH => {}
                Event::End(_) if self.skipped > 0 => self.skipped -= 1,
                Event::Start(start) => self.open(&start, after, false),
                Event::Empty(start) => self.open(&start, after, true),
                Event::End(end) => {
                    let name = lowercase(end.name().0);
                    self.close_named(&name, before);
                }
                Event::Text(text) => self.push_text(&text),
                Event::CData(cdata) => self.push_text(&cdata),
                Event::GeneralRef(reference) => {
                    if let Some(text) = self.text_sink() {
                        push_reference(text, &reference);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            if self.feed.items.len() >= MAX_ITEMS {
                let closers = self
                    .stack
                    .iter()
                    .rev()
                    .map(|f| format!("</{}>", f.tag.as_deref().unwrap_or(&f.name)))
                    .collect();
                self.feed.truncated = Some((after, closers));
                break;
            }
            if markup {
                self.read_text_run(&mut reader);
            }
        }
        // Close whatever the document left open, so a truncated feed keeps its last item.
        while let Some(frame) = self.stack.pop() {
            self.close(frame, self.source.len());
        }
    }

    /// How much of the source the reader has consumed: its position in `source`, also after
    /// [`Scanner::read_text_run`] moved it on.
    fn position(&self, reader: &Reader<&[u8]>) -> usize {
        self.source.len() - reader.get_ref().len()
    }

    /// The text from the reader's position up to the next markup other than a CDATA section,
    /// taken here rather than from quick-xml: escaped HTML is mostly references (`&lt;p&gt;`),
    /// one event each, and every event is checked for UTF-8 again. Called only where quick-xml
    /// would read text next (after markup), so its state is unchanged when it goes on from the
    /// `<`. Text is split as quick-xml splits it (see [`push_escaped`]); a CDATA section ends at
    /// the first `]]>`, and an unterminated one is left to quick-xml.
    fn read_text_run(&mut self, reader: &mut Reader<&[u8]>) {
        const CDATA_OPEN: &str = "<![CDATA[";
        let mut rest: &[u8] = reader.get_ref();
        loop {
            let start = self.source.len() - rest.len();
            let end = memchr::memchr(b'<', rest).unwrap_or(rest.len());
            let run = self.source.get(start..start + end).unwrap_or_default();
            if !run.is_empty()
                && let Some(text) = self.text_sink()
            {
                push_escaped(text, run);
            }
            rest = rest.get(end..).unwrap_or_default();
            let Some(body) = rest.strip_prefix(CDATA_OPEN.as_bytes()) else {
                break;
            };
            let Some(close) = memchr::memmem::find(body, b"]]>") else {
                break;
            };
            let body_start = self.source.len() - body.len();
            let cdata = self.source.get(body_start..body_start + close);
            if let (Some(cdata), Some(text)) = (cdata, self.text_sink()) {
                text.push_str(cdata);
            }
            rest = body.get(close + 3..).unwrap_or_default();
        }
        *reader.get_mut() = rest;
    }

    /// Where text read now goes: the open element's text, or the ancestor's at
    /// [`MAX_TEXT_DEPTH`]; `None` outside the root.
    fn text_sink(&mut self) -> Option<&mut String> {
        // Text below MAX_TEXT_DEPTH goes to the ancestor at that depth: the same text, in order,
        // but a 100,000-deep chain no longer copies it upwards once per level (quadratic time).
        let at = self.stack.len().min(MAX_TEXT_DEPTH);
        at.checked_sub(1)
            .and_then(|i| self.stack.get_mut(i))
            .map(|frame| &mut frame.text)
    }

    fn push_text(&mut self, text: &str) {
        if let Some(sink) = self.text_sink() {
            sink.push_str(text);
        }
    }

    fn open(&mut self, start: &BytesStart<'_>, after: usize, empty: bool) {
        let written = start.name().0;
        let name = lowercase(written).into_owned();
        let attrs: Vec<(String, String)> = start
            .attributes()
            .with_checks(false)
            .filter_map(Result::ok)
            .map(|a| {
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|_| a.value.to_string());
                (lowercase(a.key.0).into_owned(), value)
            })
            .collect();
        if self.stack.is_empty() && self.feed.root.is_none() {
            self.feed.root = Some(local(&name).to_string());
            self.feed.language = attrs
                .iter()
                .find(|(k, _)| k == "xml:lang")
                .map(|(_, v)| v.clone());
        }
        let mut pushed_base = false;
        if let Some((_, href)) = attrs.iter().find(|(k, _)| k == "xml:base")
            && let Some(url) = resolve(href, self.bases.last())
            && let Ok(url) = Url::parse(&url)
        {
            self.bases.push(url);
            pushed_base = true;
        }
        let local_name = core(&name).unwrap_or("");
        if self.item.is_none() && (local_name == "item" || local_name == "entry") {
            self.item = Some(RawItem {
                base: self.bases.last().cloned(),
                ..RawItem::default()
            });
            self.item_depth = self.stack.len();
        }
        let tag = (written != name).then(|| written.to_owned());
        let frame = Frame {
            name,
            tag,
            attrs,
            text: String::new(),
            inner_start: after,
            pushed_base,
        };
        if empty {
            self.close(frame, after);
        } else {
            self.stack.push(frame);
        }
    }

    fn close_named(&mut self, name: &str, before: usize) {
        // Unclosed elements (HTML `<br>` in an unescaped description) are closed with their parent.
        let Some(position) = self.stack.iter().rposition(|f| f.name == name) else {
            return;
        };
        while self.stack.len() > position {
            if let Some(frame) = self.stack.pop() {
                self.close(frame, before);
            }
        }
    }

    /// Whether the text of an element closing at `depth` is wanted by its parent: a field's
    /// text includes its children's (markup inside a description), but an item, a channel and
    /// the root never read theirs. Copying every field up to them copied the whole document
    /// once per level.
    fn parent_reads_text(&self, depth: usize) -> bool {
        let Some(parent_index) = depth.checked_sub(1) else {
            return false;
        };
        if parent_index == 0 {
            return false;
        }
        if self.item.is_some() && parent_index >= self.item_depth {
            return parent_index > self.item_depth;
        }
        self.stack
            .get(parent_index)
            .is_none_or(|p| !matches!(core(&p.name), Some("channel" | "feed")))
    }

    fn close(&mut self, mut frame: Frame, inner_end: usize) {
        let depth = self.stack.len();
        if self.parent_reads_text(depth)
            && let Some(parent) = self.stack.last_mut()
        {
            parent.text.push_str(&frame.text);
        }
        // Borrowed field by field: the parent's name and the base are read while the item or
        // the feed is written, for every element closed.
        let Scanner {
            source,
            feed,
            stack,
            bases,
            item,
            item_depth,
            ..
        } = self;
        let parent = stack.last().map_or("", |p| p.name.as_str());
        let base = bases.last();
        if item.is_some() && depth == *item_depth {
            if let Some(item) = item.take() {
                feed.items.push(item);
            }
        } else if let Some(item) = item.as_mut().filter(|_| depth > *item_depth) {
            let direct = depth == *item_depth + 1;
            let inner = source
                .get(frame.inner_start..inner_end.max(frame.inner_start))
                .unwrap_or("");
            item_field(item, &mut frame, parent, direct, inner, base);
        } else if matches!(core(parent).unwrap_or(""), "channel" | "feed") {
            feed_field(feed, &frame, base);
        }
        if frame.pushed_base {
            self.bases.pop();
        }
    }
}

/// Text with references (no markup) appended to `text`, split as quick-xml splits it: a
/// reference runs from `&` to the first `;`, unless another `&` comes first, and then the `&` is
/// text.
fn push_escaped(text: &mut String, run: &str) {
    text.reserve(run.len());
    let mut unread = run;
    while let Some(amp) = memchr::memchr(b'&', unread.as_bytes()) {
        let (plain, tail) = unread.split_at(amp);
        text.push_str(plain);
        let after_amp = tail.get(1..).unwrap_or_default();
        match memchr::memchr2(b';', b'&', after_amp.as_bytes()) {
            Some(stop) if after_amp.as_bytes().get(stop) == Some(&b';') => {
                push_reference(text, after_amp.get(..stop).unwrap_or_default());
                unread = after_amp.get(stop + 1..).unwrap_or_default();
            }
            Some(stop) => {
                text.push_str(tail.get(..stop + 1).unwrap_or_default());
                unread = after_amp.get(stop..).unwrap_or_default();
            }
            None => {
                text.push_str(tail);
                unread = "";
            }
        }
    }
    text.push_str(unread);
}

/// The text of the reference `&name;`: a character reference, one of XML's five entities or an
/// HTML5 named one; anything else as written.
fn push_reference(text: &mut String, name: &str) {
    match BytesRef::new(name).resolve_char_ref() {
        Ok(Some(c)) => text.push(c),
        _ => match resolve_xml_entity(name).or_else(|| resolve_html5_entity(name)) {
            Some(resolved) => text.push_str(resolved),
            None => {
                text.push('&');
                text.push_str(name);
                text.push(';');
            }
        },
    }
}

mod fields;
#[cfg(test)]
mod tests;
