//! The schema as a list of migrations, applied by `PRAGMA user_version` in one transaction.
//!
//! Index design (issue 6, 1M articles): every list window is an index range scan in sort order.
//! `sort_date` is `COALESCE(published, first_seen)`; views/score sorts tie-break by date, then id
//! (the rowid at the end of every index). Partial indexes cover the unread and starred views, and
//! (migration 4) the views and score indexes hold only rows with a value; (migration 5) the date
//! indexes hold views and score, so those lists read their rows without a value from them alone.

use rusqlite::{Connection, TransactionBehavior};

use super::{SqlContext, StoreError};

const MIGRATIONS: &[&str] = &[
    // 1: sources, categories, articles, counters, full-text search.
    r#"
    CREATE TABLE sources (
        id            INTEGER PRIMARY KEY,
        url           TEXT NOT NULL UNIQUE,
        name          TEXT,
        feed_title    TEXT,
        kind          TEXT NOT NULL,
        position      INTEGER NOT NULL DEFAULT 0,
        active        INTEGER NOT NULL DEFAULT 1,
        etag          TEXT,
        last_modified TEXT,
        body_hash     TEXT,
        last_refresh  INTEGER,
        last_error    TEXT,
        last_error_at INTEGER,
        article_count INTEGER NOT NULL DEFAULT 0,
        unread_count  INTEGER NOT NULL DEFAULT 0,
        starred_count INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE source_categories (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        category  TEXT NOT NULL,
        position  INTEGER NOT NULL,
        PRIMARY KEY (source_id, category)
    ) WITHOUT ROWID;
    CREATE INDEX source_categories_by_name ON source_categories(category, source_id);

    CREATE TABLE articles (
        id            INTEGER PRIMARY KEY,
        source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key_hash      INTEGER NOT NULL,
        dedup_key     TEXT NOT NULL,
        guid          TEXT,
        title         TEXT NOT NULL,
        link          TEXT,
        author        TEXT,
        published     INTEGER,
        updated       INTEGER,
        first_seen    INTEGER NOT NULL,
        sort_date     INTEGER NOT NULL,
        categories    TEXT,
        summary       TEXT,
        content       TEXT,
        enclosures    TEXT,
        views         INTEGER,
        score         INTEGER,
        comments      INTEGER,
        meta_hash     INTEGER NOT NULL,
        text_hash     INTEGER NOT NULL,
        read          INTEGER NOT NULL DEFAULT 0,
        starred       INTEGER NOT NULL DEFAULT 0,
        opened        INTEGER NOT NULL DEFAULT 0,
        views_at_open INTEGER,
        views_last_open INTEGER
    );

    CREATE INDEX articles_key ON articles(source_id, key_hash);
    CREATE INDEX articles_date ON articles(sort_date);
    CREATE INDEX articles_views ON articles(views, sort_date);
    CREATE INDEX articles_score ON articles(score, sort_date);
    CREATE INDEX articles_unread_date ON articles(sort_date) WHERE read = 0;
    CREATE INDEX articles_unread_views ON articles(views, sort_date) WHERE read = 0;
    CREATE INDEX articles_unread_score ON articles(score, sort_date) WHERE read = 0;
    CREATE INDEX articles_starred ON articles(sort_date) WHERE starred = 1;
    CREATE INDEX articles_source_date ON articles(source_id, sort_date);
    CREATE INDEX articles_source_views ON articles(source_id, views, sort_date);
    CREATE INDEX articles_source_score ON articles(source_id, score, sort_date);
    CREATE INDEX articles_source_unread ON articles(source_id, sort_date) WHERE read = 0;

    CREATE TRIGGER articles_counts_insert AFTER INSERT ON articles BEGIN
        UPDATE sources SET article_count = article_count + 1,
                           unread_count = unread_count + (NEW.read = 0),
                           starred_count = starred_count + (NEW.starred <> 0)
         WHERE id = NEW.source_id;
    END;
    CREATE TRIGGER articles_counts_delete AFTER DELETE ON articles BEGIN
        UPDATE sources SET article_count = article_count - 1,
                           unread_count = unread_count - (OLD.read = 0),
                           starred_count = starred_count - (OLD.starred <> 0)
         WHERE id = OLD.source_id;
        DELETE FROM articles_fts WHERE rowid = OLD.id;
        DELETE FROM fts_pending WHERE id = OLD.id;
    END;
    CREATE TRIGGER articles_counts_update AFTER UPDATE OF read, starred ON articles
    WHEN OLD.read <> NEW.read OR OLD.starred <> NEW.starred BEGIN
        UPDATE sources SET unread_count = unread_count - (OLD.read = 0) + (NEW.read = 0),
                           starred_count = starred_count - (OLD.starred <> 0) + (NEW.starred <> 0)
         WHERE id = NEW.source_id;
    END;

    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, tokenize = 'trigram');

    -- Articles whose search text changed and is not indexed yet: a refresh only queues them,
    -- the index catches up in the background and before every search (see search.rs).
    CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
    "#,
    // 2: a word index for alphabetic text (issue 6: a trigram MATCH of a Latin word decodes a
    // huge doclist per trigram). Contentless: the text is in `articles_fts` already; SQLite
    // 3.43+ (`contentless_delete`) lets retention delete rows by rowid alone.
    r#"
    CREATE VIRTUAL TABLE articles_words USING fts5(
        title, text,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );

    DROP TRIGGER articles_counts_delete;
    CREATE TRIGGER articles_counts_delete AFTER DELETE ON articles BEGIN
        UPDATE sources SET article_count = article_count - 1,
                           unread_count = unread_count - (OLD.read = 0),
                           starred_count = starred_count - (OLD.starred <> 0)
         WHERE id = OLD.source_id;
        DELETE FROM articles_fts WHERE rowid = OLD.id;
        DELETE FROM articles_words WHERE rowid = OLD.id;
        DELETE FROM fts_pending WHERE id = OLD.id;
    END;

    -- Queue what is indexed already, for the background indexing (as after a refresh) rather
    -- than indexing here: opening a big database stays fast. Every article is either in
    -- articles_fts or queued, so the articles' smallest index gives the same ids as a scan of
    -- the trigram table's rows, which hold all the text. Unchanged trigram rows are skipped
    -- when indexing (search.rs), so this costs about the word index alone.
    INSERT OR IGNORE INTO fts_pending SELECT id FROM articles;
    "#,
    // 3: the upsert counts its new articles itself (articles.rs), one UPDATE per source. An
    // insert trigger made every article insert a multi-statement write, which copies each page
    // it touches into a statement journal first (without it, the cold 100-feed refresh took 0.43 s
    // of CPU instead of 0.50).
    r#"
    DROP TRIGGER articles_counts_insert;
    "#,
    // 4: the views and score indexes hold only rows with a value. Most feeds have neither, and
    // every index costs each insert (a 5,000-feed headless refresh took 4.31 s instead of 5.06 s
    // without these rows); the views and score lists read rows with a value from these, then the
    // rest by date (query.rs).
    r#"
    DROP INDEX articles_views;
    DROP INDEX articles_score;
    DROP INDEX articles_unread_views;
    DROP INDEX articles_unread_score;
    DROP INDEX articles_source_views;
    DROP INDEX articles_source_score;
    CREATE INDEX articles_views ON articles(views, sort_date) WHERE views IS NOT NULL;
    CREATE INDEX articles_score ON articles(score, sort_date) WHERE score IS NOT NULL;
    CREATE INDEX articles_unread_views ON articles(views, sort_date)
        WHERE read = 0 AND views IS NOT NULL;
    CREATE INDEX articles_unread_score ON articles(score, sort_date)
        WHERE read = 0 AND score IS NOT NULL;
    CREATE INDEX articles_source_views ON articles(source_id, views, sort_date)
        WHERE views IS NOT NULL;
    CREATE INDEX articles_source_score ON articles(source_id, score, sort_date)
        WHERE score IS NOT NULL;
    "#,
    // 5: every index a list window walks holds what its filter checks, so no row is read from
    // the table until it is in the window. The date indexes hold views and score (a views or
    // score list reads its rows without a value through them), and a source's views and score
    // indexes hold `read` (its unread-only list). The id, their order's tie-break, comes before
    // them. Before, a window 199,800 rows deep among the rows without a value of 1,000,000
    // articles read each of them from the table: 3.9 s; with these, 20 ms. Building one of them
    // over 1,000,000 articles in the page cache takes about a second.
    r#"
    DROP INDEX articles_date;
    DROP INDEX articles_unread_date;
    DROP INDEX articles_source_date;
    DROP INDEX articles_source_unread;
    DROP INDEX articles_source_views;
    DROP INDEX articles_source_score;
    CREATE INDEX articles_date ON articles(sort_date, id, views, score);
    CREATE INDEX articles_unread_date ON articles(sort_date, id, views, score) WHERE read = 0;
    CREATE INDEX articles_source_date ON articles(source_id, sort_date, id, views, score);
    CREATE INDEX articles_source_unread ON articles(source_id, sort_date, id, views, score)
        WHERE read = 0;
    CREATE INDEX articles_source_views ON articles(source_id, views, sort_date, id, read)
        WHERE views IS NOT NULL;
    CREATE INDEX articles_source_score ON articles(source_id, score, sort_date, id, read)
        WHERE score IS NOT NULL;
    "#,
];

/// The schema version this build writes and understands.
pub(crate) const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .ctx("reading the schema version")
}

/// Fails, without writing anything, when the database comes from a newer tidings.
pub(crate) fn refuse_newer(conn: &Connection) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > CURRENT_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: CURRENT_VERSION,
        });
    }
    Ok(())
}

/// Applies the missing migrations in one immediate transaction (so two processes cannot race).
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    if user_version(conn)? == CURRENT_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting the migration")?;
    // Re-read inside the lock: another process may have migrated meanwhile.
    let found = user_version(&tx)?;
    if found > CURRENT_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: CURRENT_VERSION,
        });
    }
    let began = std::time::Instant::now();
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = index as i64 + 1;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.pragma_update(None, "user_version", version)
            .map_err(|source| StoreError::Migration { version, source })?;
    }
    tx.commit().ctx("committing the migration")?;
    if found > 0 {
        // An upgrade rebuilds indexes: seconds for a database of a million articles.
        let elapsed_ms = began.elapsed().as_millis();
        tracing::info!(
            from = found,
            to = CURRENT_VERSION,
            elapsed_ms,
            "database upgraded"
        );
    }
    Ok(())
}

impl super::Store {
    /// The SQL of migration `version` (from 1), so a test can build a database as an older
    /// tidings left it. Not an API.
    #[doc(hidden)]
    pub fn migration_sql(version: usize) -> Option<&'static str> {
        MIGRATIONS.get(version.checked_sub(1)?).copied()
    }
}
