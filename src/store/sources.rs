//! Sources: syncing from the config, HTTP validators, refresh outcomes, and counts from the
//! per-source counters (never a scan of the articles table).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{SourceSpec, SqlContext, Store, StoreError, Validators, from_micros, to_micros};
use crate::model::{Counts, SourceId, SourceKind, SourceRow};

/// The name shown for a source: configured name, else the feed's title, else the URL.
pub(crate) const SOURCE_NAME_SQL: &str =
    "COALESCE(NULLIF(s.name, ''), NULLIF(s.feed_title, ''), s.url)";

impl Store {
    /// Sources from the config, by URL. Creates missing ones and updates the others; sources not
    /// in the list are kept (with their articles) but marked inactive, which hides them from
    /// lists and counts. Returns ids in input order.
    pub fn sync_sources(&mut self, specs: &[SourceSpec]) -> Result<Vec<SourceId>, StoreError> {
        // Every command syncs; when the config did not change, it reads and writes nothing (a
        // write would rewrite every source's row and make the command sync the disk on exit).
        if let Some(ids) = self.stored_as_given(specs)? {
            return Ok(ids);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting the source sync")?;
        tx.execute("UPDATE sources SET active = 0 WHERE active <> 0", [])
            .ctx("deactivating sources")?;
        let mut ids = Vec::with_capacity(specs.len());
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO sources (url, name, kind, position, active) VALUES (?1, ?2, ?3, ?4, 1)
                     ON CONFLICT(url) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                         position = excluded.position, active = 1
                     RETURNING id",
                )
                .ctx("preparing the source upsert")?;
            let mut clear = tx
                .prepare_cached("DELETE FROM source_categories WHERE source_id = ?1")
                .ctx("preparing the category reset")?;
            let mut add = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO source_categories (source_id, category, position)
                     VALUES (?1, ?2, ?3)",
                )
                .ctx("preparing the category insert")?;
            for (position, spec) in specs.iter().enumerate() {
                let id: i64 = upsert
                    .query_row(
                        params![
                            spec.url,
                            stored_name(spec),
                            spec.kind.as_str(),
                            position as i64
                        ],
                        |r| r.get(0),
                    )
                    .ctx("upserting a source")?;
                clear.execute([id]).ctx("resetting source categories")?;
                for (index, category) in stored_categories(spec).into_iter().enumerate() {
                    add.execute(params![id, category, index as i64])
                        .ctx("adding a source category")?;
                }
                ids.push(SourceId(id));
            }
        }
        tx.commit().ctx("committing the source sync")?;
        Ok(ids)
    }

    /// The ids of `specs` when the store holds exactly them: each active, at its position, with
    /// its name, kind and categories, and no other source active.
    fn stored_as_given(&self, specs: &[SourceSpec]) -> Result<Option<Vec<SourceId>>, StoreError> {
        struct Stored {
            id: i64,
            name: Option<String>,
            kind: String,
            position: i64,
            active: bool,
            categories: Vec<String>,
        }
        let mut query = self
            .conn
            .prepare_cached(
                "SELECT s.url, s.id, s.name, s.kind, s.position, s.active,
                        (SELECT group_concat(c.category, char(31) ORDER BY c.position)
                           FROM source_categories c WHERE c.source_id = s.id)
                   FROM sources s",
            )
            .ctx("preparing the source comparison")?;
        let rows = query
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Stored {
                        id: r.get(1)?,
                        name: r.get(2)?,
                        kind: r.get(3)?,
                        position: r.get(4)?,
                        active: r.get(5)?,
                        categories: split_categories(r.get(6)?),
                    },
                ))
            })
            .ctx("reading sources")?;
        let stored: HashMap<String, Stored> =
            rows.collect::<Result<_, _>>().ctx("reading sources")?;
        if stored.values().filter(|row| row.active).count() != specs.len() {
            return Ok(None);
        }
        let mut ids = Vec::with_capacity(specs.len());
        for (position, spec) in specs.iter().enumerate() {
            let Some(row) = stored.get(&spec.url) else {
                return Ok(None);
            };
            let same = row.active
                && row.position == position as i64
                && row.name.as_deref() == stored_name(spec)
                && row.kind == spec.kind.as_str()
                && row.categories == stored_categories(spec);
            if !same {
                return Ok(None);
            }
            ids.push(SourceId(row.id));
        }
        Ok(Some(ids))
    }

    /// The validators stored by the last successful fetch.
    pub fn validators(&self, id: SourceId) -> Result<Validators, StoreError> {
        self.conn
            .prepare_cached("SELECT etag, last_modified, body_hash FROM sources WHERE id = ?1")
            .ctx("preparing the validators query")?
            .query_row([id.0], |r| {
                Ok(Validators {
                    etag: r.get(0)?,
                    last_modified: r.get(1)?,
                    body_hash: r.get(2)?,
                })
            })
            .optional()
            .ctx("reading validators")?
            .ok_or(StoreError::NoSuchSource(id))
    }

    /// Every source's validators at once, for the start of a refresh (one query instead of one
    /// per source queued behind the refresh's own writes).
    pub fn all_validators(&self) -> Result<HashMap<SourceId, Validators>, StoreError> {
        let mut query = self
            .conn
            .prepare_cached("SELECT id, etag, last_modified, body_hash FROM sources")
            .ctx("preparing the validators query")?;
        let rows = query
            .query_map([], |r| {
                Ok((
                    SourceId(r.get(0)?),
                    Validators {
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        body_hash: r.get(3)?,
                    },
                ))
            })
            .ctx("reading validators")?;
        rows.collect::<Result<_, _>>().ctx("reading validators")
    }

    /// A fetch that returned a new body: store its validators and title, clear the error.
    pub fn record_fetched(
        &mut self,
        id: SourceId,
        validators: &Validators,
        feed_title: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        record_fetched_in(&self.conn, id, validators, feed_title, to_micros(at))
    }

    /// A fetch that found nothing new (304, or the same body hash): clear the error.
    pub fn record_unchanged(&mut self, id: SourceId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE sources SET last_refresh = ?2, last_error = NULL, last_error_at = NULL
                 WHERE id = ?1",
            )
            .ctx("preparing the unchanged record")?
            .execute(params![id.0, to_micros(at)])
            .ctx("recording an unchanged fetch")?;
        found(changed, id)
    }

    /// A failed fetch: remember the message; articles, validators and `last_refresh` (the last
    /// success) stay as they were.
    pub fn record_error(
        &mut self,
        id: SourceId,
        message: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let changed = self
            .conn
            .prepare_cached("UPDATE sources SET last_error = ?2, last_error_at = ?3 WHERE id = ?1")
            .ctx("preparing the error record")?
            .execute(params![id.0, message, to_micros(at)])
            .ctx("recording a fetch error")?;
        found(changed, id)
    }

    /// Active sources in config order, with their counts.
    pub fn sources(&self) -> Result<Vec<SourceRow>, StoreError> {
        let sql = format!(
            "SELECT s.id, {SOURCE_NAME_SQL}, s.url, s.kind, s.last_refresh, s.last_error,
                    s.article_count, s.unread_count,
                    (SELECT group_concat(c.category, char(31) ORDER BY c.position)
                       FROM source_categories c WHERE c.source_id = s.id)
               FROM sources s WHERE s.active = 1 ORDER BY s.position, s.id"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .ctx("preparing the sources query")?;
        let rows = stmt
            .query_map([], |r| {
                let kind: String = r.get(3)?;
                let categories: Option<String> = r.get(8)?;
                Ok(SourceRow {
                    id: SourceId(r.get(0)?),
                    name: r.get(1)?,
                    url: r.get(2)?,
                    kind: SourceKind::parse(&kind).unwrap_or_default(),
                    categories: split_categories(categories),
                    last_refresh: r.get::<_, Option<i64>>(4)?.map(from_micros),
                    last_error: r.get(5)?,
                    articles: r.get(6)?,
                    unread: r.get(7)?,
                })
            })
            .ctx("listing sources")?;
        rows.collect::<Result<_, _>>().ctx("reading a source row")
    }

    /// Totals over active sources.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT COALESCE(SUM(article_count), 0), COALESCE(SUM(unread_count), 0),
                        COALESCE(SUM(starred_count), 0)
                   FROM sources WHERE active = 1",
            )
            .ctx("preparing the counts query")?
            .query_row([], counts_row)
            .ctx("counting articles")
    }

    /// Totals per category (over active sources), ordered by category name.
    pub fn category_counts(&self) -> Result<Vec<(String, Counts)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.category, COALESCE(SUM(s.article_count), 0),
                        COALESCE(SUM(s.unread_count), 0), COALESCE(SUM(s.starred_count), 0)
                   FROM source_categories c JOIN sources s ON s.id = c.source_id
                  WHERE s.active = 1
                  GROUP BY c.category ORDER BY c.category",
            )
            .ctx("preparing the category counts query")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Counts {
                        articles: r.get(1)?,
                        unread: r.get(2)?,
                        starred: r.get(3)?,
                    },
                ))
            })
            .ctx("counting categories")?;
        rows.collect::<Result<_, _>>()
            .ctx("reading a category count")
    }

    /// The source's categories in config order.
    pub(crate) fn source_categories(&self, id: SourceId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT category FROM source_categories WHERE source_id = ?1 ORDER BY position",
            )
            .ctx("preparing the source categories query")?;
        let rows = stmt
            .query_map([id.0], |r| r.get(0))
            .ctx("reading source categories")?;
        rows.collect::<Result<_, _>>().ctx("reading a category")
    }

    /// True when some inactive source still has articles, so lists must filter them out.
    pub(crate) fn has_inactive_articles(&self) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM sources WHERE active = 0 AND article_count > 0)",
            )
            .ctx("preparing the inactive check")?
            .query_row([], |r| r.get(0))
            .ctx("checking for inactive sources")
    }
}

/// [`Store::record_fetched`] inside the caller's transaction (`at` in microseconds).
pub(super) fn record_fetched_in(
    conn: &Connection,
    id: SourceId,
    validators: &Validators,
    feed_title: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE sources SET etag = ?2, last_modified = ?3, body_hash = ?4,
                 feed_title = COALESCE(?5, feed_title), last_refresh = ?6,
                 last_error = NULL, last_error_at = NULL
             WHERE id = ?1",
        )
        .ctx("preparing the fetch record")?
        .execute(params![
            id.0,
            validators.etag,
            validators.last_modified,
            validators.body_hash,
            feed_title.map(str::trim).filter(|t| !t.is_empty()),
            at
        ])
        .ctx("recording a fetch")?;
    found(changed, id)
}

fn found(changed: usize, id: SourceId) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NoSuchSource(id))
    } else {
        Ok(())
    }
}

pub(crate) fn counts_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Counts> {
    Ok(Counts {
        articles: r.get(0)?,
        unread: r.get(1)?,
        starred: r.get(2)?,
    })
}

/// A source's name as stored: trimmed, and none when blank.
fn stored_name(spec: &SourceSpec) -> Option<&str> {
    spec.name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// A source's categories as stored, in order: trimmed, blanks and repeats left out.
fn stored_categories(spec: &SourceSpec) -> Vec<&str> {
    let mut categories: Vec<&str> = Vec::with_capacity(spec.categories.len());
    for category in spec.categories.iter().map(|c| c.trim()) {
        if !category.is_empty() && !categories.contains(&category) {
            categories.push(category);
        }
    }
    categories
}

fn split_categories(joined: Option<String>) -> Vec<String> {
    joined
        .map(|j| j.split('\u{1f}').map(str::to_owned).collect())
        .unwrap_or_default()
}
