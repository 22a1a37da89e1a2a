//! Retention: which read articles may be deleted. Starred and unread articles stay forever, and
//! so do the newest `keep_per_source` articles of every source (whatever their state).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{RetentionPolicy, SqlContext, Store, StoreError, to_micros};

impl Store {
    /// Deletes read, unstarred articles older than `max_age_days` (by publish date, else first
    /// seen) that are not among the newest `keep_per_source` of their source. One transaction;
    /// returns how many were deleted.
    pub fn apply_retention(
        &mut self,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let age_cutoff = to_micros(now - Duration::days(i64::from(policy.max_age_days)));
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting retention")?;
        let mut deleted = 0;
        {
            // Only sources with more articles than they keep can lose any.
            let mut sources = tx
                .prepare("SELECT id FROM sources WHERE article_count > ?1")
                .ctx("preparing the retention source list")?;
            let ids = sources
                .query_map([i64::from(policy.keep_per_source)], |r| r.get::<_, i64>(0))
                .ctx("listing sources for retention")?
                .collect::<Result<Vec<_>, _>>()
                .ctx("reading a source id")?;
            let mut boundary = tx
                .prepare_cached(
                    "SELECT sort_date, id FROM articles WHERE source_id = ?1
                      ORDER BY sort_date DESC, id DESC LIMIT 1 OFFSET ?2",
                )
                .ctx("preparing the retention boundary")?;
            let mut delete = tx
                .prepare_cached(
                    "DELETE FROM articles
                      WHERE source_id = ?1 AND read = 1 AND starred = 0 AND sort_date < ?2
                        AND (sort_date, id) < (?3, ?4)",
                )
                .ctx("preparing the retention delete")?;
            for id in ids {
                // The oldest article that is kept by count; everything older may go.
                let last_kept: Option<(i64, i64)> = if policy.keep_per_source == 0 {
                    Some((i64::MAX, i64::MAX))
                } else {
                    boundary
                        .query_row(params![id, i64::from(policy.keep_per_source) - 1], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })
                        .optional()
                        .ctx("finding the retention boundary")?
                };
                if let Some((date, article)) = last_kept {
                    deleted += delete
                        .execute(params![id, age_cutoff, date, article])
                        .ctx("deleting old articles")?;
                }
            }
        }
        tx.commit().ctx("committing retention")?;
        Ok(deleted)
    }
}
