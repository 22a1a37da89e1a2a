//! Group commit for a refresh: many sources' new content written in one transaction. When one
//! source fails, the batch is written again with a savepoint per source, so that the failure rolls
//! back only that source.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use super::articles::{Prepared, prepare, upsert_in};
use super::sources::record_fetched_in;
use super::{SqlContext, Store, StoreError, Validators, to_micros};
use crate::model::{ArticleDraft, SourceId, UpsertCounts};

/// One source's fetched and parsed content, ready to be stored.
#[derive(Debug, Clone)]
pub struct FeedUpdate {
    pub source: SourceId,
    pub articles: Vec<ArticleDraft>,
    pub validators: Validators,
    /// The feed's own title, kept for sources the user did not name.
    pub feed_title: Option<String>,
}

impl Store {
    /// Stores each update (its articles as [`Store::upsert_articles`] does, then its validators)
    /// in one transaction. The outer error is for the transaction itself; each update has its
    /// own result, and a failed update leaves that source exactly as it was.
    pub fn store_feeds(
        &mut self,
        updates: &[FeedUpdate],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<UpsertCounts, StoreError>>, StoreError> {
        self.size_cache_for_writes()?;
        let now = to_micros(now);
        let prepared: Vec<_> = updates.iter().map(|u| prepare(&u.articles)).collect();
        if let Some(results) = self.store_all_or_nothing(updates, &prepared, now)? {
            return Ok(results);
        }
        self.store_each_in_savepoint(updates, prepared, now)
    }

    /// The usual case: every update written straight into one transaction. A savepoint copies
    /// each page it changes before changing it (without them the cold 100-feed refresh took
    /// 0.41 s of CPU instead of 0.45), so the savepoints are only used when some update fails.
    /// `None` (and nothing written) then.
    fn store_all_or_nothing(
        &mut self,
        updates: &[FeedUpdate],
        prepared: &[Result<Vec<Prepared<'_>>, StoreError>],
        now: i64,
    ) -> Result<Option<Vec<Result<UpsertCounts, StoreError>>>, StoreError> {
        if prepared.iter().any(Result::is_err) {
            return Ok(None);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a refresh batch")?;
        let mut results = Vec::with_capacity(updates.len());
        for (update, prepared) in updates.iter().zip(prepared.iter().flatten()) {
            match store_one(&tx, update, prepared, now) {
                Ok(counts) => results.push(Ok(counts)),
                // Dropping the transaction rolls it back.
                Err(_) => return Ok(None),
            }
        }
        tx.commit().ctx("committing a refresh batch")?;
        Ok(Some(results))
    }

    /// Each update in a savepoint of its own, so that a failed one rolls back alone.
    fn store_each_in_savepoint(
        &mut self,
        updates: &[FeedUpdate],
        prepared: Vec<Result<Vec<Prepared<'_>>, StoreError>>,
        now: i64,
    ) -> Result<Vec<Result<UpsertCounts, StoreError>>, StoreError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a refresh batch")?;
        let mut results = Vec::with_capacity(updates.len());
        for (update, prepared) in updates.iter().zip(prepared) {
            let prepared = match prepared {
                Ok(prepared) => prepared,
                Err(error) => {
                    results.push(Err(error));
                    continue;
                }
            };
            let savepoint = tx.savepoint().ctx("starting a source's savepoint")?;
            match store_one(&savepoint, update, &prepared, now) {
                Ok(counts) => {
                    savepoint.commit().ctx("releasing a source's savepoint")?;
                    results.push(Ok(counts));
                }
                // Dropping the savepoint rolls this source back.
                Err(error) => results.push(Err(error)),
            }
        }
        tx.commit().ctx("committing a refresh batch")?;
        Ok(results)
    }
}

/// One update's articles, then its validators (and the feed's title).
fn store_one(
    conn: &Connection,
    update: &FeedUpdate,
    prepared: &[Prepared<'_>],
    now: i64,
) -> Result<UpsertCounts, StoreError> {
    let counts = upsert_in(conn, update.source, prepared, now)?;
    record_fetched_in(
        conn,
        update.source,
        &update.validators,
        update.feed_title.as_deref(),
        now,
    )?;
    Ok(counts)
}

/// The page cache for batch writes, in KiB: a thirty-second of the database, within these bounds.
/// Every batch touches index pages all over a big store; with too small a cache they are read
/// back and written out again within one transaction.
const WRITE_CACHE_MIN_KIB: i64 = 2_000;
const WRITE_CACHE_MAX_KIB: i64 = 64_000;

impl Store {
    fn size_cache_for_writes(&self) -> Result<(), StoreError> {
        let bytes: i64 = self
            .conn
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                [],
                |r| r.get(0),
            )
            .ctx("reading the database size")?;
        let kib = (bytes / 1024 / 32).clamp(WRITE_CACHE_MIN_KIB, WRITE_CACHE_MAX_KIB);
        self.conn
            .pragma_update(None, "cache_size", -kib)
            .ctx("sizing the page cache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{one_article_update, with_one_source};

    fn update(source: SourceId, guid: &str, etag: &str) -> FeedUpdate {
        FeedUpdate {
            validators: Validators {
                etag: Some(etag.to_owned()),
                ..Validators::default()
            },
            feed_title: Some("Feed".to_owned()),
            ..one_article_update(source, guid)
        }
    }

    #[test]
    fn a_batch_without_failures_counts_its_articles() {
        let (mut store, id) = with_one_source(Store::open_in_memory().unwrap());
        let batch = [update(id, "a", "\"1\""), update(id, "b", "\"2\"")];
        let results = store.store_feeds(&batch, Utc::now()).unwrap();
        assert!(results.iter().all(|r| r.as_ref().unwrap().new == 1));
        // The same batch again changes nothing and counts nothing twice.
        let again = store.store_feeds(&batch, Utc::now()).unwrap();
        assert!(again.iter().all(|r| r.as_ref().unwrap().unchanged == 1));
        let counts = store.counts().unwrap();
        assert_eq!((counts.articles, counts.unread), (2, 2));
    }

    #[test]
    fn a_failed_source_rolls_back_alone() {
        let (mut store, id) = with_one_source(Store::open_in_memory().unwrap());
        let ids = [id];
        let missing = SourceId(id.0 + 100);
        let results = store
            .store_feeds(
                &[
                    update(ids[0], "a", "\"1\""),
                    update(missing, "b", "\"2\""),
                    update(ids[0], "c", "\"3\""),
                ],
                Utc::now(),
            )
            .unwrap();
        assert_eq!(results[0].as_ref().unwrap().new, 1);
        assert!(matches!(results[1], Err(StoreError::NoSuchSource(id)) if id == missing));
        assert_eq!(results[2].as_ref().unwrap().new, 1);
        // The source's counters (kept by the upsert, not a trigger) count what was kept.
        let counts = store.counts().unwrap();
        assert_eq!((counts.articles, counts.unread, counts.starred), (2, 2, 0));
        // The validators of the last successful update of the source are the ones kept.
        assert_eq!(
            store.validators(ids[0]).unwrap().etag.as_deref(),
            Some("\"3\"")
        );
    }
}
