//! User-facing wording of the reader, kept together so it stays consistent and reviewable.

use crate::model::SortOrder;

use super::msg::RefreshTally;
use super::status::RefreshProgress;

/// `1532` → `1,532`; negative numbers keep their sign.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `Refreshing 12/40 · 1 failed (example.org: timed out)`.
pub fn refresh_progress(p: &RefreshProgress) -> String {
    let mut text = if p.total == 0 {
        "Refreshing…".to_string()
    } else {
        format!(
            "Refreshing {}/{}",
            thousands(p.done as i64),
            thousands(p.total as i64)
        )
    };
    if p.failed > 0 {
        text.push_str(&format!(" · {} failed", thousands(p.failed as i64)));
        if let Some((name, error)) = &p.last_failure {
            text.push_str(&format!(" ({name}: {error})"));
        }
    }
    text
}

/// `Refreshed 40 sources · 12 new · 1 failed`.
pub fn refresh_summary(t: &RefreshTally) -> String {
    let noun = if t.total == 1 { "source" } else { "sources" };
    let mut text = format!(
        "Refreshed {} {noun} · {} new",
        thousands(t.total as i64),
        thousands(t.new_articles as i64)
    );
    if t.failed > 0 {
        text.push_str(&format!(" · {} failed", thousands(t.failed as i64)));
    }
    text
}

pub fn sort_changed(sort: SortOrder) -> String {
    format!("Sorted by {}", sort.as_str())
}

pub fn unread_only(on: bool) -> &'static str {
    if on {
        "Showing unread articles only"
    } else {
        "Showing all articles"
    }
}

pub fn marked_all_read(count: usize) -> String {
    let noun = if count == 1 { "article" } else { "articles" };
    format!("Marked {} {noun} read", thousands(count as i64))
}

pub fn source_failed(name: &str, error: &str) -> String {
    format!("{name}: {error}")
}

pub const REFRESH_BUSY: &str = "A refresh is already running";
pub const NO_LINK: &str = "This article has no link";
pub const NOT_WEB_LINK: &str = "Only http and https links are opened";
pub const NO_ARTICLE: &str = "No article selected";
pub const NO_MORE_UNREAD: &str = "No more unread articles";
pub const COPIED: &str = "Link copied to the clipboard";
pub const SEARCH_PROMPT: &str = "Search: ";
pub const EMPTY_LIST: &str = "No articles here yet.";
pub const EMPTY_READER: &str = "Select an article and press";
pub const LOADING: &str = "Loading…";
pub const RENDERING: &str = "Rendering…";
pub const NO_SOURCES: &str = "No sources yet.";
/// The idle status line on the demo: how to add real sources (`config` is `None` for `--demo`).
pub fn demo_hint(config: Option<&std::path::Path>) -> String {
    match config {
        Some(path) => format!(
            "Showing the demo · add your sources in {} or run `tidings import FILE`",
            path.display()
        ),
        None => "Demo mode: nothing is kept when you quit".to_string(),
    }
}

pub fn no_sources_hint(config: &std::path::Path) -> String {
    format!(
        "No sources yet · add [[source]] tables to {} or run `tidings import FILE`",
        config.display()
    )
}

pub const NO_TEXT: &str = "This article has no text here; open it in the browser.";

pub fn no_link_number(n: u8) -> String {
    format!("This article has no link [{n}]")
}

/// The views part of the reader header: `1,532 views (+120 since you last opened it)`.
pub fn views_line(views: i64, at_open: Option<i64>) -> String {
    let noun = if views == 1 { "view" } else { "views" };
    let mut text = format!("{} {noun}", thousands(views));
    if let Some(before) = at_open {
        let delta = views - before;
        if delta > 0 {
            text.push_str(&format!(
                " (+{} since you last opened it)",
                thousands(delta)
            ));
        }
    }
    text
}

pub fn opened_line(opened: i64) -> String {
    if opened == 1 {
        "opened once by you".to_string()
    } else {
        format!("opened {}× by you", thousands(opened))
    }
}

pub fn search_title(query: &str) -> String {
    format!("Search “{query}”")
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_532), "1,532");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-12_000), "-12,000");
    }
}
