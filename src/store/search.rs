//! Full-text search support: filling both search indexes (trigram `articles_fts`, words
//! `articles_words`) from the plain text of an article, and the SQL predicate for a search view
//! over the cached hits. Which index answers which text is search_route.rs.

use rusqlite::{OptionalExtension, params};

use super::search_route::{plans, word_index_text};
use super::{SqlContext, Store, StoreError};
use crate::parse::text::collapse_whitespace;

impl Store {
    /// Indexes up to `max` queued articles for search in one transaction; returns how many are
    /// still queued. Refreshes only queue (tokenizing every trigram was most of a cold refresh),
    /// so the reader calls this in small batches when idle, and every search drains the queue
    /// first so results are never stale.
    pub fn index_pending(&self, max: usize) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .unchecked_transaction()
            .ctx("starting a search index batch")?;
        {
            let mut pending = tx
                .prepare_cached(
                    "SELECT p.id, a.title, a.summary, a.content
                       FROM fts_pending p JOIN articles a ON a.id = p.id
                      ORDER BY p.id LIMIT ?1",
                )
                .ctx("preparing the search queue read")?;
            let mut indexed = tx
                .prepare_cached("SELECT title, text FROM articles_fts WHERE rowid = ?1")
                .ctx("preparing the search index read")?;
            let mut remove = tx
                .prepare_cached("DELETE FROM articles_fts WHERE rowid = ?1")
                .ctx("preparing the search delete")?;
            let mut insert = tx
                .prepare_cached("INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)")
                .ctx("preparing the search insert")?;
            let mut remove_words = tx
                .prepare_cached("DELETE FROM articles_words WHERE rowid = ?1")
                .ctx("preparing the word index delete")?;
            let mut insert_words = tx
                .prepare_cached(
                    "INSERT INTO articles_words (rowid, title, text) VALUES (?1, ?2, ?3)",
                )
                .ctx("preparing the word index insert")?;
            let mut done = tx
                .prepare_cached("DELETE FROM fts_pending WHERE id <= ?1")
                .ctx("preparing the search queue delete")?;
            let rows = pending
                .query_map([i64::try_from(max).unwrap_or(i64::MAX)], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })
                .ctx("reading the search queue")?
                .collect::<Result<Vec<_>, _>>()
                .ctx("reading the search queue")?;
            for (id, title, summary, content) in &rows {
                let text = article_text(summary.as_deref(), content.as_deref());
                // Deleting from a trigram table re-tokenizes the old text, so an unchanged row
                // (re-queued by the word index migration) is left alone.
                let old: Option<(String, String)> = indexed
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .ctx("reading an indexed article")?;
                let unchanged = matches!(&old, Some((t, x)) if t == title && *x == text);
                if !unchanged {
                    if old.is_some() {
                        remove.execute([id]).ctx("unindexing an article")?;
                    }
                    insert
                        .execute(params![id, title, text])
                        .ctx("indexing an article")?;
                }
                remove_words
                    .execute([id])
                    .ctx("unindexing an article's words")?;
                insert_words
                    .execute(params![
                        id,
                        word_index_text(title).as_ref(),
                        word_index_text(&text).as_ref()
                    ])
                    .ctx("indexing an article's words")?;
            }
            if let Some((last, ..)) = rows.last() {
                done.execute([last]).ctx("emptying the search queue")?;
            }
        }
        // Queued ids of deleted articles are dropped by the delete trigger.
        let remaining: i64 = tx
            .query_row("SELECT COUNT(*) FROM fts_pending", [], |r| r.get(0))
            .ctx("counting the search queue")?;
        tx.commit().ctx("committing a search index batch")?;
        Ok(usize::try_from(remaining).unwrap_or(0))
    }

    /// Indexes everything queued, for a search that must see every article.
    pub(crate) fn index_all_pending(&self) -> Result<(), StoreError> {
        while self.index_pending(2_000)? > 0 {}
        Ok(())
    }
}

/// The text of an HTML fragment for indexing: tags removed (script/style with their content),
/// common entities decoded, whitespace collapsed. Cheap and approximate by design.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let tag = &rest[lt..];
        let end = tag.find('>').map_or(tag.len(), |i| i + 1);
        let name: String = tag[1..end.min(tag.len())]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        rest = &tag[end..];
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = match find_ascii_ci(rest, &close) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
        }
        out.push(' ');
    }
    push_text(&mut out, rest);
    collapse_whitespace(&out)
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Appends text with entities decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let semi = tail[..tail.len().min(12)].find(';');
        let decoded = semi.and_then(|i| decode_entity(&tail[1..i]).map(|c| (c, i + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

/// The text indexed for an article: summary and content as plain text.
pub(crate) fn article_text(summary: Option<&str>, content: Option<&str>) -> String {
    let summary = summary.map(plain_text).unwrap_or_default();
    let content = content.map(plain_text).unwrap_or_default();
    if content.is_empty() || content.contains(&summary) {
        if content.is_empty() { summary } else { content }
    } else if summary.is_empty() {
        content
    } else {
        format!("{summary} {content}")
    }
}

/// Which search `temp.search_hits` holds, as of which database version, and how many hits.
pub(crate) struct SearchHits {
    text: String,
    version: (u64, i64),
    count: usize,
}

/// Above this many hits a window walks the sort index and probes the hits (stopping after the
/// window) instead of sorting every hit.
const MANY_HITS: usize = 20_000;

impl Store {
    /// The predicate selecting articles that match `text` (`None` when the text is blank, which
    /// matches everything). The matching ids are computed once into `temp.search_hits` and reused
    /// by the count and every window of the same search until the database changes, so paging
    /// through a search with many hits costs one full-text query, not one per page.
    pub(crate) fn search_predicate(&self, text: &str) -> Result<Option<&'static str>, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let version = self.data_version()?;
        let cached = self
            .search_cache
            .borrow()
            .as_ref()
            .filter(|c| c.text == text && c.version == version)
            .map(|c| c.count);
        let count = match cached {
            Some(count) => count,
            None => self.fill_search_hits(text)?,
        };
        // `+a.id` keeps the planner from driving the query from the hits, so it walks the sort
        // index instead; right when hits are many, slow when they are few.
        Ok(Some(if count > MANY_HITS {
            "+a.id IN (SELECT id FROM temp.search_hits)"
        } else {
            "a.id IN (SELECT id FROM temp.search_hits)"
        }))
    }

    /// Runs the search plans in order until one finds something (words, then substrings for
    /// alphabetic text), leaving the hits in `temp.search_hits`.
    fn fill_search_hits(&self, text: &str) -> Result<usize, StoreError> {
        self.conn
            .execute_batch("CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY);")
            .ctx("creating the search hits table")?;
        let mut count = 0;
        for plan in plans(text) {
            let (sql, params) = plan.sql();
            self.conn
                .execute("DELETE FROM temp.search_hits", [])
                .ctx("clearing search hits")?;
            count = self
                .conn
                .prepare_cached(&format!("INSERT INTO temp.search_hits (id) {sql}"))
                .ctx("preparing a search")?
                .execute(rusqlite::params_from_iter(params))
                .ctx("searching")?;
            if count > 0 {
                break;
            }
        }
        *self.search_cache.borrow_mut() = Some(SearchHits {
            text: text.to_owned(),
            version: self.data_version()?,
            count,
        });
        Ok(count)
    }

    /// Changes whenever this connection or another process writes.
    fn data_version(&self) -> Result<(u64, i64), StoreError> {
        let other: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .ctx("reading the data version")?;
        Ok((self.conn.total_changes(), other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_strips_tags_scripts_and_entities() {
        let html = "<p>Rust &amp; <b>SQLite</b></p><script>var x = '<p>';</script>\n<p>数字&#x4E2D;&#22269;</p>";
        assert_eq!(plain_text(html), "Rust & SQLite 数字中国");
    }

    #[test]
    fn plain_text_keeps_unknown_entities_and_stray_ampersands() {
        assert_eq!(plain_text("a & b &foo; c"), "a & b &foo; c");
    }

    #[test]
    fn article_text_avoids_duplicates() {
        assert_eq!(
            article_text(Some("<p>Hi</p>"), Some("<p>Hi there</p>")),
            "Hi there"
        );
        assert_eq!(article_text(Some("A"), Some("B")), "A B");
        assert_eq!(article_text(None, None), "");
    }
}
