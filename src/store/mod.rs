//! SQLite storage: schema and migrations, upserts, list windows, search. One thread owns the connection.
//!
//! Nothing outside this module touches rusqlite. Times are stored as Unix microseconds (UTC);
//! list sorting by date uses `sort_date = COALESCE(published, first_seen)`, kept in a column so it
//! can be indexed. Per-source article/unread/starred counters are kept by triggers, so counts never
//! scan the articles table.

mod articles;
mod batch;
mod checkpoint;
pub mod crawl_state;
mod query;
mod retention;
mod schema;
mod search;
mod search_route;
mod sources;
mod worker;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::model::{ArticleId, SourceId, SourceKind};

pub use batch::FeedUpdate;
pub use search::plain_text;
pub use worker::StoreHandle;

/// Everything that can go wrong in the store, with the SQL context or path it happened at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("database {0} is locked by another process")]
    Locked(PathBuf),
    #[error(
        "database schema version {found} is newer than this tidings supports ({supported}); upgrade tidings"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("database migration to schema version {version} failed: {source}")]
    Migration {
        version: i64,
        source: rusqlite::Error,
    },
    #[error("database error while {context}: {source}")]
    Sql {
        context: &'static str,
        source: rusqlite::Error,
    },
    #[error("no source with id {}", .0.0)]
    NoSuchSource(SourceId),
    #[error("no article with id {}", .0.0)]
    NoSuchArticle(ArticleId),
    #[error("cannot encode {what}: {source}")]
    Encode {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("the store thread has stopped")]
    Closed,
}

/// Adds a short description of what was being done to a rusqlite error.
pub(crate) trait SqlContext<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for rusqlite::Result<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sql { context, source })
    }
}

/// A source as the config describes it; `sync_sources` maps these to rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceSpec {
    pub url: String,
    /// The configured name; `None` shows the feed's own title, else the URL.
    pub name: Option<String>,
    pub kind: SourceKind,
    pub categories: Vec<String>,
}

/// What a conditional GET needs from the previous fetch.
#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
}

/// Which read articles may be deleted. Starred and unread articles are always kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Read articles older than this (by publish date, else first seen) may go.
    pub max_age_days: u32,
    /// The newest this many articles of each source always stay.
    pub keep_per_source: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            max_age_days: 90,
            keep_per_source: 500,
        }
    }
}

/// The page size of a new database: SQLite's largest, 64 KiB. Articles (5 KB of summary and
/// content is typical) fill a page to within half an article, so the bigger the page the less of
/// it is slack, and the log writes fewer, larger frames. A 5,000-feed refresh took 10.1 s of CPU at
/// 4 KiB, 7.3 s at 16 KiB; at 64 KiB 3.8-4.0 s against 4.5-5.0 s at 16 KiB (BENCHMARKS.md).
/// Databases made before keep their page size.
const PAGE_SIZE: i64 = 65_536;

/// Where the checkpoint thread cannot start: SQLite's own checkpoint threshold, in log bytes.
const AUTOCHECKPOINT_BYTES: i64 = 40 << 20;

/// The article database. Not `Sync`: one thread owns it (see [`StoreHandle`]).
pub struct Store {
    conn: Connection,
    /// The search whose hits are in `temp.search_hits` (see search.rs).
    search_cache: std::cell::RefCell<Option<search::SearchHits>>,
    /// Declared after `conn`, so dropped after it (see `checkpoint::Checkpointer`).
    checkpointer: Option<checkpoint::Checkpointer>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// A database written by a newer tidings is refused with [`StoreError::NewerSchema`] and not
    /// written to.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = connect(path, OpenFlags::SQLITE_OPEN_CREATE)?;
        let mut store = Store::setup(conn, true).map_err(|e| locked_at(e, path))?;
        store.checkpointer = checkpoint::start(&mut store.conn, path);
        Ok(store)
    }

    /// A second connection to the database at `path`, which [`Store::open`] has opened (and
    /// migrated) already: for the reader's list and article queries, which then never wait
    /// behind a refresh's write batch (WAL readers do not block on the writer). Its own writes
    /// would wait for the writer; it is meant for reads.
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        let conn = connect(path, OpenFlags::empty())?;
        Store::setup(conn, false).map_err(|e| locked_at(e, path))
    }

    /// A private in-memory database, for tests and `--demo`-like throwaway runs.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Store::setup(conn, false)
    }

    fn setup(conn: Connection, wal: bool) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))
            .ctx("setting the busy timeout")?;
        // Read-only check first: a newer database must not even get its journal mode changed.
        schema::refuse_newer(&conn)?;
        if wal {
            // Only a new database takes this (before its first table and WAL mode).
            conn.pragma_update(None, "page_size", PAGE_SIZE)
                .ctx("setting the page size")?;
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .ctx("switching to WAL mode")?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(mode, "SQLite did not switch to WAL mode");
            }
        }
        // File databases checkpoint on a thread of their own (checkpoint.rs). Where that thread
        // cannot start, SQLite checkpoints inside commits, every 40 MB of log rather than its
        // default 4 MB: a refresh rewrites the same index pages in many commits, and a checkpoint
        // copies (and syncs) a page once however often it was rewritten. The log file is cut
        // back to 64 MB when it starts over. The page cache holds 128 pages (8 MB at 64 KiB, 2 MB
        // in a database made with 16 KiB pages). It was sized when a window of a views or score
        // list read every row it passed from the table, hopping between sources (schema 4: a
        // views list of 100,000 articles read at its end took 212 ms with 32 pages of 64 KiB, 21
        // ms with 128). Since schema 5 those windows read indexes alone; the size was not
        // measured again.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = 128;
             PRAGMA journal_size_limit = 67108864;",
        )
        .ctx("setting connection pragmas")?;
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .ctx("reading the page size")?;
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            checkpoint::pages(AUTOCHECKPOINT_BYTES, page_size),
        )
        .ctx("setting the checkpoint threshold")?;
        conn.set_prepared_statement_cache_capacity(64);

        let mut store = Store {
            conn,
            search_cache: std::cell::RefCell::new(None),
            checkpointer: None,
        };
        schema::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// The SQLite journal mode in use (`wal` for file databases).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .ctx("reading the journal mode")
    }

    /// The schema version this build writes.
    pub fn schema_version() -> i64 {
        schema::CURRENT_VERSION
    }
}

/// A read-write connection to the database at `path`, with `extra` flags.
fn connect(path: &Path, extra: OpenFlags) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI
        | extra;
    Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })
}

/// An update of one article (`guid`, titled "Title {guid}") for `source`, for unit tests.
#[cfg(test)]
pub(crate) fn one_article_update(source: SourceId, guid: &str) -> FeedUpdate {
    FeedUpdate {
        source,
        articles: vec![crate::model::ArticleDraft {
            id: Some(guid.to_owned()),
            title: format!("Title {guid}"),
            ..crate::model::ArticleDraft::default()
        }],
        validators: Validators::default(),
        feed_title: None,
    }
}

/// A store with one source (`https://example.org/feed`), for unit tests.
#[cfg(test)]
pub(crate) fn with_one_source(mut store: Store) -> (Store, crate::model::SourceId) {
    let ids = store
        .sync_sources(&[SourceSpec {
            url: "https://example.org/feed".to_owned(),
            name: None,
            kind: crate::model::SourceKind::Feed,
            categories: Vec::new(),
        }])
        .expect("one source");
    (store, ids[0])
}

/// Busy/locked errors while opening become [`StoreError::Locked`] with the path.
fn locked_at(error: StoreError, path: &Path) -> StoreError {
    let source = match &error {
        StoreError::Sql { source, .. } | StoreError::Migration { source, .. } => source,
        _ => return error,
    };
    match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Locked(path.to_path_buf())
        }
        _ => error,
    }
}

pub(crate) fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn from_micros(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(v).unwrap_or_default()
}

/// 64-bit FNV-1a: stable across builds (unlike std's hasher), used for change detection and keys.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// FNV-1a over 8-byte words (a rotation spreads the high bits back down), then bytes: article
    /// bodies are hashed on every upsert, and byte-at-a-time FNV was 5% of a cold refresh.
    pub(crate) fn bytes(mut self, data: &[u8]) -> Fnv {
        let mut words = data.chunks_exact(8);
        for word in &mut words {
            let mut le = [0u8; 8];
            le.copy_from_slice(word);
            self.0 = (self.0 ^ u64::from_le_bytes(le))
                .wrapping_mul(0x0100_0000_01b3)
                .rotate_left(29);
        }
        for b in words.remainder() {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// A field, length-prefixed so that ("ab","c") and ("a","bc") differ; `None` differs from "".
    pub(crate) fn field(self, value: Option<&str>) -> Fnv {
        match value {
            None => self.bytes(&[0]),
            Some(v) => self
                .bytes(&[1])
                .bytes(&(v.len() as u64).to_le_bytes())
                .bytes(v.as_bytes()),
        }
    }

    pub(crate) fn finish(self) -> i64 {
        i64::from_le_bytes(self.0.to_le_bytes())
    }
}
