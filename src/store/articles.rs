//! Articles: the refresh upsert, one whole article, and the per-article user state (read,
//! starred, opened). Upserts never delete and never reset user state.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::sources::SOURCE_NAME_SQL;
use super::{Fnv, SqlContext, Store, StoreError, from_micros, to_micros};
use crate::model::{Article, ArticleDraft, ArticleId, Enclosure, SourceId, UpsertCounts};

/// The stored form of one draft, computed before touching the database.
pub(super) struct Prepared<'a> {
    draft: &'a ArticleDraft,
    key: String,
    key_hash: i64,
    categories: Option<String>,
    enclosures: Option<String>,
    meta_hash: i64,
    text_hash: i64,
}

impl<'a> Prepared<'a> {
    fn new(draft: &'a ArticleDraft) -> Result<Prepared<'a>, StoreError> {
        let key = draft.dedup_key();
        let key_hash = Fnv::new().bytes(key.as_bytes()).finish();
        let categories = json_list(&draft.categories, "article categories")?;
        let enclosures = json_list(&draft.enclosures, "enclosures")?;
        let text_hash = Fnv::new()
            .field(Some(&draft.title))
            .field(draft.summary.as_deref())
            .field(draft.content.as_deref())
            .finish();
        // Views, score and comments are compared on their own (a missing value keeps the old).
        let published = draft.published.map(|d| to_micros(d).to_string());
        let updated = draft.updated.map(|d| to_micros(d).to_string());
        let meta_hash = Fnv::new()
            .bytes(&text_hash.to_le_bytes())
            .field(draft.id.as_deref())
            .field(draft.link.as_deref())
            .field(draft.author.as_deref())
            .field(published.as_deref())
            .field(updated.as_deref())
            .field(categories.as_deref())
            .field(enclosures.as_deref())
            .finish();
        Ok(Prepared {
            draft,
            key,
            key_hash,
            categories,
            enclosures,
            meta_hash,
            text_hash,
        })
    }
}

fn json_list<T: serde::Serialize>(
    items: &[T],
    what: &'static str,
) -> Result<Option<String>, StoreError> {
    if items.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(items)
        .map(Some)
        .map_err(|source| StoreError::Encode { what, source })
}

fn json_parse<T: serde::de::DeserializeOwned>(text: Option<String>) -> Vec<T> {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// What is stored of an existing row to decide whether a draft changes it.
struct Existing {
    id: i64,
    meta_hash: i64,
    text_hash: i64,
    views: Option<i64>,
    score: Option<i64>,
    comments: Option<i64>,
}

fn changed(new: Option<i64>, old: Option<i64>) -> bool {
    new.is_some() && new != old
}

impl Store {
    /// Inserts new articles and updates changed ones of a source, in one transaction. Articles
    /// are unique per source by `dedup_key()`; read/starred/opened are never reset, nothing is
    /// deleted, and a missing views/score/comments value keeps the stored one.
    pub fn upsert_articles(
        &mut self,
        id: SourceId,
        drafts: &[ArticleDraft],
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts, StoreError> {
        let prepared = prepare(drafts)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting an upsert")?;
        let counts = upsert_in(&tx, id, &prepared, to_micros(now))?;
        tx.commit().ctx("committing an upsert")?;
        Ok(counts)
    }

    /// One whole article, or `None` when there is no such id.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>, StoreError> {
        let sql = format!(
            "SELECT a.id, a.source_id, {SOURCE_NAME_SQL}, a.guid, a.title, a.link, a.author,
                    a.published, a.updated, a.first_seen, a.categories, a.summary, a.content,
                    a.enclosures, a.views, a.score, a.comments, a.views_at_open, a.read,
                    a.starred, a.opened
               FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?1"
        );
        let article = self
            .conn
            .prepare_cached(&sql)
            .ctx("preparing the article query")?
            .query_row([id.0], article_row)
            .optional()
            .ctx("reading an article")?;
        match article {
            Some(mut a) => {
                a.source_categories = self.source_categories(a.source_id)?;
                Ok(Some(a))
            }
            None => Ok(None),
        }
    }

    pub fn set_read(&mut self, id: ArticleId, read: bool) -> Result<(), StoreError> {
        self.set_flag("UPDATE articles SET read = ?2 WHERE id = ?1", id, read)
    }

    pub fn set_starred(&mut self, id: ArticleId, starred: bool) -> Result<(), StoreError> {
        self.set_flag(
            "UPDATE articles SET starred = ?2 WHERE id = ?1",
            id,
            starred,
        )
    }

    fn set_flag(&mut self, sql: &str, id: ArticleId, value: bool) -> Result<(), StoreError> {
        let changed = self
            .conn
            .prepare_cached(sql)
            .ctx("preparing a flag update")?
            .execute(params![id.0, value])
            .ctx("updating an article flag")?;
        if changed == 0 {
            return Err(StoreError::NoSuchArticle(id));
        }
        Ok(())
    }

    /// The user opened the article: mark it read and count the open. `views_at_open` becomes the
    /// views seen at the *previous* open (`None` on the first), so the reader can show "+N since
    /// you last opened it" as `views - views_at_open`; it stays so until the next open.
    pub fn record_open(&mut self, id: ArticleId) -> Result<Article, StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE articles SET read = 1, opened = opened + 1,
                     views_at_open = views_last_open, views_last_open = views
                 WHERE id = ?1",
            )
            .ctx("preparing the open record")?
            .execute([id.0])
            .ctx("recording an open")?;
        if changed == 0 {
            return Err(StoreError::NoSuchArticle(id));
        }
        self.article(id)?.ok_or(StoreError::NoSuchArticle(id))
    }
}

fn existing_row(r: &Row<'_>) -> rusqlite::Result<Existing> {
    Ok(Existing {
        id: r.get(0)?,
        meta_hash: r.get(2)?,
        text_hash: r.get(3)?,
        views: r.get(4)?,
        score: r.get(5)?,
        comments: r.get(6)?,
    })
}

fn article_row(r: &Row<'_>) -> rusqlite::Result<Article> {
    let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_micros))
    };
    Ok(Article {
        id: ArticleId(r.get(0)?),
        source_id: SourceId(r.get(1)?),
        source_name: r.get(2)?,
        source_categories: Vec::new(),
        guid: r.get(3)?,
        title: r.get(4)?,
        link: r.get(5)?,
        author: r.get(6)?,
        published: time(7)?,
        updated: time(8)?,
        first_seen: from_micros(r.get(9)?),
        categories: json_parse(r.get(10)?),
        summary: r.get(11)?,
        content: r.get(12)?,
        enclosures: json_parse::<Enclosure>(r.get(13)?),
        views: r.get(14)?,
        score: r.get(15)?,
        comments: r.get(16)?,
        views_at_open: r.get(17)?,
        read: r.get(18)?,
        starred: r.get(19)?,
        opened: r.get(20)?,
    })
}

/// The stored forms of `drafts`, computed before the database is touched.
pub(super) fn prepare(drafts: &[ArticleDraft]) -> Result<Vec<Prepared<'_>>, StoreError> {
    drafts.iter().map(Prepared::new).collect()
}

/// The upsert of one source's prepared drafts inside the caller's transaction (`now` in
/// microseconds).
pub(super) fn upsert_in(
    tx: &Connection,
    id: SourceId,
    prepared: &[Prepared<'_>],
    now: i64,
) -> Result<UpsertCounts, StoreError> {
    let exists: bool = tx
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM sources WHERE id = ?1)",
            [id.0],
            |r| r.get(0),
        )
        .ctx("checking the source")?;
    if !exists {
        return Err(StoreError::NoSuchSource(id));
    }
    let mut counts = UpsertCounts::default();
    {
        let mut find = tx
            .prepare_cached(
                "SELECT id, dedup_key, meta_hash, text_hash, views, score, comments
                       FROM articles WHERE source_id = ?1 AND key_hash = ?2",
            )
            .ctx("preparing the article lookup")?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO articles (source_id, key_hash, dedup_key, guid, title, link, author,
                         published, updated, first_seen, sort_date, categories, summary, content,
                         enclosures, views, score, comments, meta_hash, text_hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(?8, ?10), ?11, ?12,
                         ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )
            .ctx("preparing the article insert")?;
        let mut update = tx
            .prepare_cached(
                "UPDATE articles SET guid = ?2, title = ?3, link = ?4, author = ?5,
                         published = ?6, updated = ?7, sort_date = COALESCE(?6, first_seen),
                         categories = ?8, summary = ?9, content = ?10, enclosures = ?11,
                         views = COALESCE(?12, views), score = COALESCE(?13, score),
                         comments = COALESCE(?14, comments), meta_hash = ?15, text_hash = ?16
                     WHERE id = ?1",
            )
            .ctx("preparing the article update")?;
        let mut queue_index = tx
            .prepare_cached("INSERT OR IGNORE INTO fts_pending (id) VALUES (?1)")
            .ctx("preparing the search queue")?;

        for p in prepared {
            let d = p.draft;
            let existing = {
                let mut rows = find
                    .query(params![id.0, p.key_hash])
                    .ctx("looking up an article")?;
                let mut hit = None;
                while let Some(r) = rows.next().ctx("reading an article lookup")? {
                    let key: String = r.get(1).ctx("reading a dedup key")?;
                    if key == p.key {
                        hit = Some(existing_row(r).ctx("reading an existing article")?);
                        break;
                    }
                }
                hit
            };
            let published = d.published.map(to_micros);
            let updated = d.updated.map(to_micros);
            match existing {
                None => {
                    insert
                        .execute(params![
                            id.0,
                            p.key_hash,
                            p.key,
                            d.id,
                            d.title,
                            d.link,
                            d.author,
                            published,
                            updated,
                            now,
                            p.categories,
                            d.summary,
                            d.content,
                            p.enclosures,
                            d.views,
                            d.score,
                            d.comments,
                            p.meta_hash,
                            p.text_hash
                        ])
                        .ctx("inserting an article")?;
                    queue_index
                        .execute([tx.last_insert_rowid()])
                        .ctx("queueing an article for search")?;
                    counts.new += 1;
                }
                Some(old) => {
                    let is_changed = old.meta_hash != p.meta_hash
                        || changed(d.views, old.views)
                        || changed(d.score, old.score)
                        || changed(d.comments, old.comments);
                    if !is_changed {
                        counts.unchanged += 1;
                        continue;
                    }
                    update
                        .execute(params![
                            old.id,
                            d.id,
                            d.title,
                            d.link,
                            d.author,
                            published,
                            updated,
                            p.categories,
                            d.summary,
                            d.content,
                            p.enclosures,
                            d.views,
                            d.score,
                            d.comments,
                            p.meta_hash,
                            p.text_hash
                        ])
                        .ctx("updating an article")?;
                    if old.text_hash != p.text_hash || old.meta_hash != p.meta_hash {
                        queue_index
                            .execute([old.id])
                            .ctx("queueing an article for search")?;
                    }
                    counts.updated += 1;
                }
            }
        }
    }
    if counts.new > 0 {
        // New articles are unread and not starred (the column defaults).
        tx.prepare_cached(
            "UPDATE sources SET article_count = article_count + ?2,
                                unread_count = unread_count + ?2
              WHERE id = ?1",
        )
        .ctx("preparing the article count")?
        .execute(params![id.0, counts.new as i64])
        .ctx("counting new articles")?;
    }
    Ok(counts)
}
