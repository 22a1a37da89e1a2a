//! Crawl state of `page` sources: which article URLs a source has stored, what their list entry
//! looked like when the article page was read, how to ask for their counts; and count-only
//! updates that never touch the text or the user's read/starred/opened state.
//!
//! The state lives in `crawl_entries`, one row per article (deleted with it), created on first
//! use so sources that are never crawled cost nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Fnv, SqlContext, Store, StoreError, to_micros};
use crate::model::SourceId;

/// What the crawler remembers of one stored article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlEntry {
    /// The article's dedup key (`ArticleDraft::dedup_key()`).
    pub key: String,
    /// The list entry as last read (see `parse::page::ListItem::fingerprint`).
    pub fingerprint: Option<String>,
    /// How to ask for its count (JSON of `parse::page::CounterRef`).
    pub counter: Option<String>,
}

/// A stored article whose count can be refreshed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterTarget {
    pub key: String,
    pub link: Option<String>,
    pub counter: String,
}

const CREATE: &str = "CREATE TABLE IF NOT EXISTS crawl_entries (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        fingerprint TEXT,
        counter     TEXT
    )";

impl Store {
    fn ensure_crawl_table(&self) -> Result<(), StoreError> {
        self.conn
            .execute(CREATE, [])
            .map(|_| ())
            .ctx("creating the crawl state table")
    }

    fn article_by_key(&self, source: SourceId, key: &str) -> Result<Option<i64>, StoreError> {
        let hash = Fnv::new().bytes(key.as_bytes()).finish();
        self.conn
            .prepare_cached(
                "SELECT id FROM articles WHERE source_id = ?1 AND key_hash = ?2 AND dedup_key = ?3",
            )
            .ctx("preparing the key lookup")?
            .query_row(params![source.0, hash, key], |r| r.get(0))
            .optional()
            .ctx("looking up an article by key")
    }

    /// The stored articles among `keys`, with what the crawler remembers of them.
    pub fn crawl_known(
        &mut self,
        source: SourceId,
        keys: &[String],
    ) -> Result<HashMap<String, CrawlEntry>, StoreError> {
        self.ensure_crawl_table()?;
        let mut known = HashMap::new();
        for key in keys {
            let Some(id) = self.article_by_key(source, key)? else {
                continue;
            };
            let entry: Option<(Option<String>, Option<String>)> = self
                .conn
                .prepare_cached(
                    "SELECT fingerprint, counter FROM crawl_entries WHERE article_id = ?1",
                )
                .ctx("preparing the crawl entry query")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .ctx("reading a crawl entry")?;
            let (fingerprint, counter) = entry.unwrap_or_default();
            known.insert(
                key.clone(),
                CrawlEntry {
                    key: key.clone(),
                    fingerprint,
                    counter,
                },
            );
        }
        Ok(known)
    }

    /// Remembers list fingerprints and counter references of stored articles; a `None` counter
    /// keeps the one already known. Unknown keys are skipped.
    pub fn record_crawl_entries(
        &mut self,
        source: SourceId,
        entries: &[CrawlEntry],
    ) -> Result<(), StoreError> {
        self.ensure_crawl_table()?;
        let ids = entries
            .iter()
            .map(|e| self.article_by_key(source, &e.key))
            .collect::<Result<Vec<_>, _>>()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting the crawl entry update")?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO crawl_entries (article_id, fingerprint, counter) VALUES (?1, ?2, ?3)
                     ON CONFLICT(article_id) DO UPDATE SET
                         fingerprint = COALESCE(excluded.fingerprint, fingerprint),
                         counter = COALESCE(excluded.counter, counter)",
                )
                .ctx("preparing the crawl entry upsert")?;
            for (entry, id) in entries.iter().zip(ids) {
                if let Some(id) = id {
                    upsert
                        .execute(params![id, entry.fingerprint, entry.counter])
                        .ctx("recording a crawl entry")?;
                }
            }
        }
        tx.commit().ctx("committing crawl entries")
    }

    /// Stored articles of `source` dated (or first seen) since `since` that have a counter.
    pub fn crawl_counters(
        &mut self,
        source: SourceId,
        since: DateTime<Utc>,
    ) -> Result<Vec<CounterTarget>, StoreError> {
        self.ensure_crawl_table()?;
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT a.dedup_key, a.link, c.counter
                   FROM articles a JOIN crawl_entries c ON c.article_id = a.id
                  WHERE a.source_id = ?1 AND a.sort_date >= ?2 AND c.counter IS NOT NULL
                  ORDER BY a.sort_date DESC",
            )
            .ctx("preparing the counter query")?;
        let rows = statement
            .query_map(params![source.0, to_micros(since)], |r| {
                Ok(CounterTarget {
                    key: r.get(0)?,
                    link: r.get(1)?,
                    counter: r.get(2)?,
                })
            })
            .ctx("listing counters")?;
        rows.collect::<Result<Vec<_>, _>>()
            .ctx("reading a counter row")
    }

    /// Sets `views` of stored articles by key; returns how many changed. Text, dates and the
    /// user's state are untouched, so "+N since you last opened it" keeps working.
    pub fn update_views(
        &mut self,
        source: SourceId,
        views: &[(String, i64)],
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting the views update")?;
        let mut changed = 0;
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE articles SET views = ?4
                      WHERE source_id = ?1 AND key_hash = ?2 AND dedup_key = ?3
                        AND views IS NOT ?4",
                )
                .ctx("preparing the views update")?;
            for (key, count) in views {
                let hash = Fnv::new().bytes(key.as_bytes()).finish();
                changed += update
                    .execute(params![source.0, hash, key, count])
                    .ctx("updating views")?;
            }
        }
        tx.commit().ctx("committing the views update")?;
        Ok(changed)
    }
}

const CREATE_RULES: &str = "CREATE TABLE IF NOT EXISTS crawl_sources (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        rules     TEXT NOT NULL
    )";

impl Store {
    /// Keeps (or with `None` forgets) the rules of a page/API source, as `SourceRules::to_json`.
    /// Stores the rules of many sources in one transaction (a config sync of thousands of
    /// sources committed once per source before).
    pub fn set_all_source_rules(
        &mut self,
        rules: &[(SourceId, Option<String>)],
    ) -> Result<(), StoreError> {
        self.conn
            .execute(CREATE_RULES, [])
            .ctx("creating the source rules table")?;
        let stored: HashMap<i64, String> = {
            let mut query = self
                .conn
                .prepare_cached("SELECT source_id, rules FROM crawl_sources")
                .ctx("preparing the rules query")?;
            let rows = query
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .ctx("reading source rules")?;
            rows.collect::<Result<_, _>>().ctx("reading source rules")?
        };
        let changed: Vec<_> = rules
            .iter()
            .filter(|(source, rules)| stored.get(&source.0) != rules.as_ref())
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .unchecked_transaction()
            .ctx("starting the source rules update")?;
        for (source, rules) in changed {
            self.set_source_rules(*source, rules.as_deref())?;
        }
        tx.commit().ctx("committing the source rules")
    }

    pub fn set_source_rules(
        &self,
        source: SourceId,
        rules: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(CREATE_RULES, [])
            .ctx("creating the source rules table")?;
        match rules {
            Some(rules) => self
                .conn
                .prepare_cached(
                    "INSERT INTO crawl_sources (source_id, rules) VALUES (?1, ?2)
                     ON CONFLICT(source_id) DO UPDATE SET rules = excluded.rules",
                )
                .ctx("preparing the rules upsert")?
                .execute(params![source.0, rules])
                .ctx("storing source rules")?,
            None => self
                .conn
                .prepare_cached("DELETE FROM crawl_sources WHERE source_id = ?1")
                .ctx("preparing the rules delete")?
                .execute([source.0])
                .ctx("forgetting source rules")?,
        };
        Ok(())
    }

    /// The rules stored for a source, if any.
    pub fn source_rules(&mut self, source: SourceId) -> Result<Option<String>, StoreError> {
        self.conn
            .execute(CREATE_RULES, [])
            .ctx("creating the source rules table")?;
        self.conn
            .prepare_cached("SELECT rules FROM crawl_sources WHERE source_id = ?1")
            .ctx("preparing the rules query")?
            .query_row([source.0], |r| r.get(0))
            .optional()
            .ctx("reading source rules")
    }
}

impl Store {
    /// True when the source's last refresh ended in an error (a crawl may have stopped early).
    pub fn last_refresh_failed(&self, source: SourceId) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT last_error IS NOT NULL FROM sources WHERE id = ?1")
            .ctx("preparing the last error query")?
            .query_row([source.0], |r| r.get(0))
            .optional()
            .ctx("reading the last error")
            .map(|failed| failed.unwrap_or(false))
    }
}
