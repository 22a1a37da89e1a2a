//! Exporting subscriptions as OPML 2.0, categories as folders. Pure: takes source descriptions,
//! returns the document text; never reads the config file or the store itself.

use quick_xml::escape::escape;

use crate::render::sanitize::clean_line;

/// One subscription to export.
#[derive(Debug, Clone, Copy)]
pub struct ExportSource<'a> {
    pub url: &'a str,
    pub name: &'a str,
    pub categories: &'a [String],
}

/// OPML 2.0 with a `<head>` (title, dateCreated), categories as folder outlines in order of first
/// appearance (a source in two categories appears in both), sources without a category at the
/// top level after the folders; each source `<outline type="rss" text=".." title=".." xmlUrl=".."/>`.
/// Everything is XML-escaped; re-importing the output yields the same sources.
pub fn export_opml(sources: &[ExportSource<'_>]) -> String {
    let date = chrono::Utc::now().to_rfc2822();
    let mut out = String::with_capacity(200 + sources.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<opml version=\"2.0\">\n");
    out.push_str("  <head>\n");
    out.push_str("    <title>tidings subscriptions</title>\n");
    out.push_str(&format!("    <dateCreated>{date}</dateCreated>\n"));
    out.push_str("  </head>\n");
    out.push_str("  <body>\n");

    // Category names as they will be read back: one-line, sanitised, non-empty.
    let cleaned: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            s.categories
                .iter()
                .map(|c| clean_line(c))
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    let mut categories: Vec<&str> = Vec::new();
    for category in cleaned.iter().flatten() {
        if !categories.contains(&category.as_str()) {
            categories.push(category);
        }
    }
    for category in &categories {
        let name = escape(*category);
        out.push_str(&format!("    <outline text=\"{name}\" title=\"{name}\">\n"));
        for (source, cats) in sources.iter().zip(&cleaned) {
            if cats.iter().any(|c| c == category) {
                push_source(&mut out, source, "      ");
            }
        }
        out.push_str("    </outline>\n");
    }
    for (source, cats) in sources.iter().zip(&cleaned) {
        if cats.is_empty() {
            push_source(&mut out, source, "    ");
        }
    }
    out.push_str("  </body>\n");
    out.push_str("</opml>\n");
    out
}

fn push_source(out: &mut String, source: &ExportSource<'_>, indent: &str) {
    let name = clean_line(source.name);
    let name = escape(name.as_str());
    let url = clean_line(source.url);
    let url = escape(url.as_str());
    out.push_str(&format!(
        "{indent}<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{url}\"/>\n"
    ));
}
