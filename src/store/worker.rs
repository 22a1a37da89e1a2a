//! The store thread: one `std::thread` owns the `Store`; async code and other threads send it
//! closures through a `StoreHandle` and await the reply. Nothing else touches the connection.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{Store, StoreError};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A cloneable handle to the store thread. The thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct StoreHandle {
    jobs: mpsc::Sender<Job>,
}

impl StoreHandle {
    /// Moves `store` onto a dedicated thread.
    pub fn spawn(store: Store) -> StoreHandle {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("tidings-store".to_owned())
            .spawn(move || {
                let mut store = store;
                while let Ok(job) = inbox.recv() {
                    job(&mut store);
                }
            });
        if let Err(error) = spawned {
            // The receiver was dropped with the closure, so every call reports `Closed`.
            tracing::error!(%error, "cannot start the store thread");
        }
        StoreHandle { jobs }
    }

    /// Runs `f` on the store thread and returns its result.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(f, reply)?;
        answer.await.map_err(|_| StoreError::Closed)
    }

    /// Like [`StoreHandle::call`] for synchronous code (headless commands, tests). Must not be
    /// called from inside an async task.
    pub fn call_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(f, reply)?;
        answer.blocking_recv().map_err(|_| StoreError::Closed)
    }

    fn send<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
        reply: oneshot::Sender<R>,
    ) -> Result<(), StoreError> {
        let job: Job = Box::new(move |store| {
            // The caller may have stopped waiting; that is not an error here.
            let _ = reply.send(f(store));
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)
    }
}
