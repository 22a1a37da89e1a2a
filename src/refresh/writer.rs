//! The refresh's writer: parsed feeds queue here and are written many to a transaction (group
//! commit). Each commit rewrites every index page its articles touched, so the writer gathers a
//! batch before writing it, for as long as more feeds are on their way and the batch is small.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, OwnedSemaphorePermit, mpsc, oneshot};
use tokio::time::Instant;

use crate::model::UpsertCounts;
use crate::store::{FeedUpdate, StoreHandle};

/// Most articles written in one transaction. Each commit rewrites every index page the batch
/// touched, so bigger batches write less (a 5,000-feed refresh: 1.66 GB at 10,000, 2.07 GB at
/// 2,000). The reader's list queries have a connection of their own and do not wait for it.
const BATCH_ARTICLES: usize = 10_000;

/// Longest a batch waits for more feeds once its first feed is queued: how much later than
/// written at once a feed's articles may reach the lists.
const GATHER_FOR: Duration = Duration::from_millis(250);

type Reply = oneshot::Sender<Result<UpsertCounts, String>>;

/// One feed in the queue: its update, its room in the refresh's pipeline budget (given back once
/// written), the answer.
struct Queued {
    update: FeedUpdate,
    room: OwnedSemaphorePermit,
    reply: Reply,
}

/// What the writer looks at while it gathers: the sources of the refresh that may still queue a
/// feed, and those waiting for room in the pipeline budget (which the feeds in a gathering batch
/// hold until written).
struct Expected {
    sources: AtomicUsize,
    waiting_for_room: AtomicUsize,
    /// Woken when no source is left, or when one starts waiting for room.
    changed: Notify,
}

impl Expected {
    /// Whether the batch should be written now rather than wait for more feeds.
    fn write_now(&self) -> bool {
        self.sources.load(Ordering::Acquire) == 0
            || self.waiting_for_room.load(Ordering::Acquire) > 0
    }
}

/// One source's claim to a place in a batch: the writer waits for a feed only while some source
/// holds one. Writing the feed or dropping the ticket gives it up.
pub(super) struct WriteTicket {
    expected: Arc<Expected>,
}

impl Drop for WriteTicket {
    fn drop(&mut self) {
        if self.expected.sources.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.expected.changed.notify_one();
        }
    }
}

/// Held by a source while it waits for room in the pipeline budget: the writer writes what it
/// has gathered instead of waiting for more, since the feeds it holds may be what stands in the
/// way (a feed as heavy as the whole budget waits for every other one to be written).
pub(super) struct WaitingForRoom {
    expected: Arc<Expected>,
}

impl Drop for WaitingForRoom {
    fn drop(&mut self) {
        self.expected
            .waiting_for_room
            .fetch_sub(1, Ordering::AcqRel);
    }
}

/// Queues feeds for the writer task; the task ends when the last clone is dropped.
#[derive(Clone)]
pub(super) struct FeedWriter {
    queue: mpsc::UnboundedSender<Queued>,
    expected: Arc<Expected>,
}

impl FeedWriter {
    /// Starts the writer. It gathers a batch until the feeds in it weigh `gather_weight` (in the
    /// refresh's pipeline budget), no source holds a ticket, a source waits for room in the
    /// budget, or `GATHER_FOR` has passed.
    pub(super) fn spawn(store: StoreHandle, gather_weight: usize) -> FeedWriter {
        let (queue, pending) = mpsc::unbounded_channel();
        let expected = Arc::new(Expected {
            sources: AtomicUsize::new(0),
            waiting_for_room: AtomicUsize::new(0),
            changed: Notify::new(),
        });
        tokio::spawn(write_batches(
            store,
            pending,
            Arc::clone(&expected),
            gather_weight,
        ));
        FeedWriter { queue, expected }
    }

    /// A ticket for one source that may write a feed.
    pub(super) fn ticket(&self) -> WriteTicket {
        self.expected.sources.fetch_add(1, Ordering::AcqRel);
        WriteTicket {
            expected: Arc::clone(&self.expected),
        }
    }

    /// Marks the caller as waiting for room in the pipeline budget until the guard is dropped.
    pub(super) fn waiting_for_room(&self) -> WaitingForRoom {
        self.expected
            .waiting_for_room
            .fetch_add(1, Ordering::AcqRel);
        self.expected.changed.notify_one();
        WaitingForRoom {
            expected: Arc::clone(&self.expected),
        }
    }

    /// Queues one feed's update, holding `room` in the pipeline budget until it is written. The
    /// caller need not wait for the write in the place it fetched from: the writer may gather
    /// for a while, and the next source should fetch meanwhile.
    pub(super) fn queue(
        &self,
        ticket: WriteTicket,
        update: FeedUpdate,
        room: OwnedSemaphorePermit,
    ) -> Result<PendingWrite, String> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Queued {
                update,
                room,
                reply,
            })
            .map_err(|_| STOPPED.to_string())?;
        // Queued first: the writer stops waiting for more only once this feed is in the queue.
        drop(ticket);
        Ok(PendingWrite(answer))
    }
}

const STOPPED: &str = "cannot store: the writer has stopped";

/// A queued feed's write.
pub(super) struct PendingWrite(oneshot::Receiver<Result<UpsertCounts, String>>);

impl PendingWrite {
    /// The feed's counts once written, or a one-line error.
    pub(super) async fn written(self) -> Result<UpsertCounts, String> {
        self.0.await.map_err(|_| STOPPED.to_string())?
    }
}

/// A batch being gathered.
#[derive(Default)]
struct Batch {
    feeds: Vec<Queued>,
    articles: usize,
    weight: usize,
}

impl Batch {
    fn add(&mut self, feed: Queued) {
        self.articles += feed.update.articles.len();
        self.weight += feed.room.num_permits();
        self.feeds.push(feed);
    }

    fn full(&self) -> bool {
        self.articles >= BATCH_ARTICLES
    }

    /// Adds what is queued already, up to a full batch.
    fn take_queued(&mut self, pending: &mut mpsc::UnboundedReceiver<Queued>) {
        while !self.full() {
            match pending.try_recv() {
                Ok(next) => self.add(next),
                Err(_) => break,
            }
        }
    }
}

async fn write_batches(
    store: StoreHandle,
    mut pending: mpsc::UnboundedReceiver<Queued>,
    expected: Arc<Expected>,
    gather_weight: usize,
) {
    while let Some(first) = pending.recv().await {
        let mut batch = Batch::default();
        batch.add(first);
        gather(&mut batch, &mut pending, &expected, gather_weight).await;
        write(&store, batch).await;
    }
}

/// Adds feeds to `batch` while more may come, no source waits for room and the batch is small, up
/// to `GATHER_FOR` after it began.
async fn gather(
    batch: &mut Batch,
    pending: &mut mpsc::UnboundedReceiver<Queued>,
    expected: &Expected,
    gather_weight: usize,
) {
    let deadline = Instant::now() + GATHER_FOR;
    loop {
        batch.take_queued(pending);
        if batch.full() || batch.weight >= gather_weight || expected.write_now() {
            return;
        }
        tokio::select! {
            next = pending.recv() => match next {
                Some(next) => batch.add(next),
                None => return,
            },
            // A stale wake-up only means one more look at the count.
            () = expected.changed.notified() => {}
            () = tokio::time::sleep_until(deadline) => return,
        }
    }
}

async fn write(store: &StoreHandle, batch: Batch) {
    // The feeds' room in the budget is given back once they are written.
    let mut updates = Vec::with_capacity(batch.feeds.len());
    let mut replies = Vec::with_capacity(batch.feeds.len());
    let mut rooms = Vec::with_capacity(batch.feeds.len());
    for feed in batch.feeds {
        updates.push(feed.update);
        replies.push(feed.reply);
        rooms.push(feed.room);
    }
    let written = store
        .call(move |store| store.store_feeds(&updates, Utc::now()))
        .await
        .and_then(|result| result);
    drop(rooms);
    match written {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result.map_err(|err| format!("cannot store: {err}")));
            }
        }
        Err(err) => {
            for reply in replies {
                let _ = reply.send(Err(format!("cannot store: {err}")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceId;
    use crate::store::{Store, one_article_update as feed, with_one_source};

    fn writer(gather_weight: usize) -> (FeedWriter, SourceId) {
        let (store, id) = with_one_source(Store::open_in_memory().unwrap());
        (
            FeedWriter::spawn(StoreHandle::spawn(store), gather_weight),
            id,
        )
    }

    /// Queues `update` with `weight` of room in a budget of its own, and waits for the write.
    async fn write_one(
        writer: &FeedWriter,
        ticket: WriteTicket,
        update: FeedUpdate,
        weight: u32,
    ) -> Result<UpsertCounts, String> {
        let budget = Arc::new(tokio::sync::Semaphore::new(weight as usize));
        let room = budget.acquire_many_owned(weight).await.unwrap();
        writer.queue(ticket, update, room)?.written().await
    }

    // The clock is paused: it moves only to the next timer when every task waits, so the times
    // below are exact.
    #[tokio::test(start_paused = true)]
    async fn a_batch_waits_for_a_source_still_running_and_no_longer() {
        let (writer, id) = writer(usize::MAX);
        let first = writer.ticket();
        let second = writer.ticket();
        let began = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(second); // that source failed, or had nothing new
        });
        let counts = write_one(&writer, first, feed(id, "a"), 1).await.unwrap();
        assert_eq!(counts.new, 1);
        assert_eq!(began.elapsed(), Duration::from_millis(100));

        // The last source of a refresh is written at once.
        let began = Instant::now();
        let last = writer.ticket();
        let counts = write_one(&writer, last, feed(id, "b"), 1).await.unwrap();
        assert_eq!(counts.new, 1);
        assert_eq!(began.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_waits_at_most_the_gather_window_for_a_slow_source() {
        let (writer, id) = writer(usize::MAX);
        let first = writer.ticket();
        let _slow = writer.ticket();
        let began = Instant::now();
        write_one(&writer, first, feed(id, "a"), 1).await.unwrap();
        assert_eq!(began.elapsed(), GATHER_FOR);
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_of_its_full_weight_is_written_at_once() {
        let (writer, id) = writer(10);
        let first = writer.ticket();
        let _others = writer.ticket();
        let began = Instant::now();
        write_one(&writer, first, feed(id, "a"), 10).await.unwrap();
        assert_eq!(began.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn feeds_of_sources_ending_meanwhile_join_the_batch() {
        let (writer, id) = writer(usize::MAX);
        let (first, second) = (writer.ticket(), writer.ticket());
        let other = writer.clone();
        let began = Instant::now();
        let late = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(40)).await;
            write_one(&other, second, feed(id, "b"), 1).await
        });
        write_one(&writer, first, feed(id, "a"), 1).await.unwrap();
        // Written together, when the second feed came.
        assert_eq!(began.elapsed(), Duration::from_millis(40));
        assert_eq!(late.await.unwrap().unwrap().new, 1);
        assert_eq!(began.elapsed(), Duration::from_millis(40));
    }

    #[tokio::test(start_paused = true)]
    async fn a_source_waiting_for_room_has_the_batch_written_at_once() {
        let (writer, id) = writer(usize::MAX);
        let first = writer.ticket();
        let _heavy = writer.ticket();
        let began = Instant::now();
        let other = writer.clone();
        let written = tokio::spawn(async move { write_one(&other, first, feed(id, "a"), 1).await });
        tokio::task::yield_now().await;
        let waiting = writer.waiting_for_room();
        assert_eq!(written.await.unwrap().unwrap().new, 1);
        assert_eq!(began.elapsed(), Duration::ZERO);
        drop(waiting);
    }
}
