//! The store thread: one `std::thread` owns the `Store`; async code and other threads send it
//! closures through a `StoreHandle` and await the reply. Nothing else touches the connection.
//! The reader adds a second connection on a thread of its own for its list queries.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{Store, StoreError};

/// What a store thread is sent: work on its store, or the order to close it.
enum Job {
    Run(Box<dyn FnOnce(&mut Store) + Send>),
    Close(std::sync::mpsc::SyncSender<()>),
}

/// A cloneable handle to the store thread (and the read thread, when there is one). The threads
/// end when the last handle is dropped.
#[derive(Clone)]
pub struct StoreHandle {
    jobs: mpsc::Sender<Job>,
    /// A second connection on a thread of its own, for [`StoreHandle::call_read`].
    reads: Option<mpsc::Sender<Job>>,
}

impl StoreHandle {
    /// Moves `store` onto a dedicated thread.
    pub fn spawn(store: Store) -> StoreHandle {
        StoreHandle {
            jobs: spawn_thread(store, "tidings-store"),
            reads: None,
        }
    }

    /// Like [`StoreHandle::spawn`], with `reader` (see [`Store::open_reader`]) on a second
    /// thread serving [`StoreHandle::call_read`].
    pub fn spawn_with_reader(store: Store, reader: Store) -> StoreHandle {
        StoreHandle {
            jobs: spawn_thread(store, "tidings-store"),
            reads: Some(spawn_thread(reader, "tidings-read")),
        }
    }

    /// Closes the store (the read connection first) once the jobs sent before have run, and
    /// waits: the log is copied into the database and removed, and the data is on disk, before
    /// the process exits. Later calls on any clone of this handle get [`StoreError::Closed`].
    /// Blocks: from async code, call it through `spawn_blocking`.
    pub fn close_blocking(&self) {
        if let Some(reads) = &self.reads {
            close(reads);
        }
        close(&self.jobs);
    }

    /// Runs a read-only `f` on the read connection when there is one, else like
    /// [`StoreHandle::call`]. It sees what was committed when it starts: a read sent after an
    /// awaited write sees that write.
    pub async fn call_read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        call_on(self.reads.as_ref().unwrap_or(&self.jobs), f).await
    }

    /// Runs `f` on the store thread and returns its result.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        call_on(&self.jobs, f).await
    }

    /// Like [`StoreHandle::call`] for synchronous code (headless commands, tests). Must not be
    /// called from inside an async task.
    pub fn call_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, answer) = oneshot::channel();
        send(&self.jobs, f, reply)?;
        answer.blocking_recv().map_err(|_| StoreError::Closed)
    }
}

/// Runs `f` on the thread behind `jobs` and returns its result.
async fn call_on<R: Send + 'static>(
    jobs: &mpsc::Sender<Job>,
    f: impl FnOnce(&mut Store) -> R + Send + 'static,
) -> Result<R, StoreError> {
    let (reply, answer) = oneshot::channel();
    send(jobs, f, reply)?;
    answer.await.map_err(|_| StoreError::Closed)
}

fn send<R: Send + 'static>(
    jobs: &mpsc::Sender<Job>,
    f: impl FnOnce(&mut Store) -> R + Send + 'static,
    reply: oneshot::Sender<R>,
) -> Result<(), StoreError> {
    let job = Job::Run(Box::new(move |store| {
        // The caller may have stopped waiting; that is not an error here.
        let _ = reply.send(f(store));
    }));
    jobs.send(job).map_err(|_| StoreError::Closed)
}

/// Closes the store of the thread behind `jobs` once the jobs before have run, and waits.
fn close(jobs: &mpsc::Sender<Job>) {
    let (done, closed) = std::sync::mpsc::sync_channel(1);
    if jobs.send(Job::Close(done)).is_ok() {
        // An error means the thread is gone, and its store with it.
        let _ = closed.recv();
    }
}

/// A thread that owns `store` and runs the jobs sent to the returned sender, in order.
fn spawn_thread(store: Store, name: &str) -> mpsc::Sender<Job> {
    let (jobs, inbox) = mpsc::channel::<Job>();
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let mut store = Some(store);
            while let Ok(job) = inbox.recv() {
                match job {
                    // After a close the job is dropped, and its caller gets `Closed`.
                    Job::Run(job) => {
                        if let Some(store) = store.as_mut() {
                            job(store);
                        }
                    }
                    Job::Close(done) => {
                        drop(store.take());
                        let _ = done.send(());
                    }
                }
            }
        });
    if let Err(error) = spawned {
        // The receiver was dropped with the closure, so every call reports `Closed`.
        tracing::error!(%error, name, "cannot start a store thread");
    }
    jobs
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::model::ArticleQuery;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_do_not_wait_for_the_writer_and_see_its_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings.db");
        let (store, _) = crate::store::with_one_source(Store::open(&path).unwrap());
        let reader = Store::open_reader(&path).unwrap();
        let handle = StoreHandle::spawn_with_reader(store, reader);

        // A long job on the store thread (as a refresh's write batch) does not hold up a read.
        let (started, began) = oneshot::channel();
        let busy = {
            let handle = handle.clone();
            tokio::spawn(async move {
                handle
                    .call(move |_| {
                        let _ = started.send(());
                        std::thread::sleep(Duration::from_millis(800));
                    })
                    .await
            })
        };
        began.await.unwrap();
        let asked = Instant::now();
        let sources = handle.call_read(|s| s.sources()).await.unwrap().unwrap();
        assert_eq!(sources.len(), 1);
        assert!(asked.elapsed() < Duration::from_millis(400));
        busy.await.unwrap().unwrap();

        // A write awaited before a read is seen by it.
        let id = sources[0].id;
        let draft = crate::model::ArticleDraft {
            id: Some("a".to_owned()),
            title: "A".to_owned(),
            ..Default::default()
        };
        handle
            .call(move |s| s.upsert_articles(id, &[draft], chrono::Utc::now()))
            .await
            .unwrap()
            .unwrap();
        let rows = handle
            .call_read(|s| {
                s.list_articles(&ArticleQuery {
                    limit: 10,
                    ..ArticleQuery::default()
                })
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rows.len(), 1);
    }
}
