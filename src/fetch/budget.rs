//! A byte budget for response bodies held in memory: a body is read off the socket only when
//! there is room for it, so many fast responses do not pile up unparsed.

use std::sync::Arc;

use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

/// Bytes of bodies that may be in memory at once: read, or waiting to be parsed. A body bigger
/// than the whole budget is admitted alone.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
    limit: usize,
}

/// Room for one body, given back when dropped.
#[derive(Debug)]
pub struct BodyLease {
    admitted: OwnedSemaphorePermit,
    /// Bytes taken beyond the admitted estimate, as the body grew.
    grown: usize,
    read: usize,
    budget: BodyBudget,
}

impl BodyBudget {
    pub fn new(limit: usize) -> BodyBudget {
        let limit = limit.clamp(1, u32::MAX as usize);
        BodyBudget {
            bytes: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// Waits until `estimate` bytes fit (or the budget is empty, for a body bigger than all of it).
    pub async fn admit(&self, estimate: usize) -> Result<BodyLease, AcquireError> {
        let weight = estimate.clamp(1, self.limit);
        let permits = u32::try_from(weight).unwrap_or(u32::MAX);
        let admitted = Arc::clone(&self.bytes).acquire_many_owned(permits).await?;
        Ok(BodyLease {
            admitted,
            grown: 0,
            read: 0,
            budget: self.clone(),
        })
    }

    /// Bytes not taken by any lease.
    pub fn available(&self) -> usize {
        self.bytes.available_permits()
    }
}

impl BodyLease {
    /// Counts `bytes` more read. Past the estimate, takes what room there is without waiting:
    /// a reader that waited here, holding its room, could wait on the others forever.
    pub fn read(&mut self, bytes: usize) {
        self.read = self.read.saturating_add(bytes);
        let charged = self.admitted.num_permits() + self.grown;
        if self.read > charged {
            self.grown += self.budget.bytes.forget_permits(self.read - charged);
        }
    }
}

impl Drop for BodyLease {
    fn drop(&mut self) {
        self.budget.bytes.add_permits(self.grown);
    }
}
