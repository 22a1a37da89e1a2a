//! WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
//! that crosses its threshold, so the writer (a refresh, or the reader's store thread) would stop
//! for the copy and its fsync; here a commit only wakes this thread, which copies the log into the
//! database through its own connection (`PASSIVE`: it never blocks the writer or readers). Past
//! a bound the writer checkpoints itself, so the log cannot grow without limit.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, OpenFlags};

/// Log bytes after which a commit wakes the checkpointer (SQLite's own default threshold is
/// 1,000 pages, 4 MB at its default page size).
const WAKE_AT_BYTES: i64 = 4 << 20;

/// Log bytes after which the writer checkpoints itself, waiting for the thread if it must. Under
/// a long run of commits the thread may never catch up with the last one, and the log only starts
/// over once a checkpoint has copied all of it: without this the log grows until the disk is
/// full. A refresh of a hundred feeds writes about 60 MB and never gets here.
const WRITER_CHECKPOINT_AT_BYTES: i64 = 200 << 20;

/// `bytes` of log in pages of `page_size`, as the WAL hook counts.
pub(super) fn pages(bytes: i64, page_size: i64) -> i32 {
    i32::try_from(bytes / page_size.max(512)).unwrap_or(i32::MAX)
}

/// The checkpoint thread. Dropping it stops and waits for the thread: drop it after the writer,
/// so that the thread's connection closes last and copies what is left of the log into the
/// database (and removes the log) before the process can exit.
pub(super) struct Checkpointer {
    wake: mpsc::SyncSender<()>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // A full channel already holds a wake-up, after which the thread sees `stop`.
        let _ = self.wake.try_send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Installs the wake-up on `writer` and starts the checkpoint thread for the database at `path`.
/// On any failure the writer keeps SQLite's automatic checkpoints (and `None` is returned).
pub(super) fn start(writer: &mut Connection, path: &Path) -> Option<Checkpointer> {
    let page_size: i64 = writer
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap_or(4096);
    start_with(
        writer,
        path,
        pages(WAKE_AT_BYTES, page_size),
        pages(WRITER_CHECKPOINT_AT_BYTES, page_size),
    )
}

fn start_with(
    writer: &mut Connection,
    path: &Path,
    wake_at: i32,
    writer_at: i32,
) -> Option<Checkpointer> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let checkpointer = match Connection::open_with_flags(path, flags) {
        Ok(conn) => conn,
        Err(error) => {
            tracing::warn!(%error, "no checkpoint thread; checkpoints stay in the writer");
            return None;
        }
    };
    if let Err(error) = checkpointer.busy_timeout(Duration::from_secs(5)) {
        tracing::warn!(%error, "no checkpoint thread; checkpoints stay in the writer");
        return None;
    }
    let (wake, woken) = mpsc::sync_channel::<()>(1);
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let spawned = std::thread::Builder::new()
        .name("tidings-checkpoint".to_owned())
        .spawn(move || {
            crate::niceness::lower_current_thread();
            run(&checkpointer, &woken, &stopped)
        });
    let thread = match spawned {
        Ok(thread) => thread,
        Err(error) => {
            tracing::warn!(%error, "no checkpoint thread; checkpoints stay in the writer");
            return None;
        }
    };
    // Replaces the automatic checkpoint (which is itself a WAL hook). A full channel means a
    // checkpoint is already due; if the thread is gone, the writer's own checkpoint past
    // `writer_at` still bounds the log.
    let hook_wake = wake.clone();
    let hooked = writer.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
        if pages >= writer_at {
            restart(wal);
        } else if pages >= wake_at {
            let _ = hook_wake.try_send(());
        }
        Ok(())
    }));
    if let Err(error) = hooked {
        tracing::warn!(%error, "no checkpoint thread; checkpoints stay in the writer");
    }
    Some(Checkpointer {
        wake,
        stop,
        thread: Some(thread),
    })
}

/// How long a commit past the bound waits for the log to be copied in full and started over.
const WRITER_WAIT: Duration = Duration::from_secs(5);

/// The writer's own checkpoint past the bound. RESTART waits (through the busy timeout) for
/// readers, so that the next commit starts the log over; but SQLite does not wait for the
/// checkpoint lock, which the thread holds while it copies, so a busy or incomplete checkpoint is
/// tried again until it is complete or `WRITER_WAIT` has passed.
fn restart(wal: &mut rusqlite::hooks::Wal) {
    let deadline = Instant::now() + WRITER_WAIT;
    loop {
        match wal.checkpoint_v2(CheckpointMode::RESTART) {
            Ok((log, copied)) if copied >= log => return,
            Ok(_) => {}
            Err(error) if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {}
            Err(error) => {
                tracing::warn!(%error, "WAL checkpoint by the writer failed");
                return;
            }
        }
        if Instant::now() >= deadline {
            tracing::warn!("the WAL is past its bound: the checkpoint stayed busy");
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn run(conn: &Connection, woken: &mpsc::Receiver<()>, stop: &AtomicBool) {
    while woken.recv().is_ok() && !stop.load(Ordering::Relaxed) {
        if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::store::Store;

    #[test]
    fn commits_past_the_threshold_are_copied_into_the_database_by_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings.db");
        let store = Store::open(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        store
            .conn
            .execute_batch("CREATE TABLE filler (b BLOB);")
            .unwrap();
        // 4.8 MB over three commits, past the 4 MB wake-up; the writer never checkpoints itself.
        for _ in 0..3 {
            store
                .conn
                .execute_batch(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
                     INSERT INTO filler SELECT zeroblob(4000) FROM n;",
                )
                .unwrap();
        }
        let began = Instant::now();
        while std::fs::metadata(&path).unwrap().len() < before + 4_000_000 {
            assert!(
                began.elapsed().as_secs() < 10,
                "the log was not checkpointed into the database file"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn the_log_stays_bounded_under_a_long_run_of_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings.db");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch("PRAGMA synchronous = NORMAL; CREATE TABLE filler (b BLOB);")
            .unwrap();
        // The same mechanism with a writer threshold of 5,000 pages instead of 50,000.
        let writer_at = 5_000;
        let checkpointer = super::start_with(&mut conn, &path, 1_000, writer_at);
        assert!(checkpointer.is_some());
        let wal = dir.path().join("tidings.db-wal");
        let mut largest = 0;
        // 40 commits of 800 pages back to back: 32,000 pages, nearly three times the bound below.
        for _ in 0..40 {
            conn.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 800)
                 INSERT INTO filler SELECT zeroblob(4000) FROM n;",
            )
            .unwrap();
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        }
        // A few commits may pass while the thread holds the checkpoint lock.
        let bound = (writer_at as u64 + 8 * 800) * 4_120;
        assert!(
            largest <= bound,
            "the log reached {largest} bytes (bound {bound})"
        );
        drop(conn);
        drop(checkpointer);
        assert!(
            !wal.exists(),
            "the last connection to close removes the log"
        );
    }
}
