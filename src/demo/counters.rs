//! Live counters of the demo site: each read of a count moves it on, and so does time (in ticks
//! the caller passes), so refreshes a few seconds apart see growth. Owns only numbers; never HTTP
//! or markup.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// One growing number: `base + step * (reads so far + ticks)`.
#[derive(Debug)]
struct Counter {
    base: u64,
    step: u64,
    reads: AtomicU64,
}

impl Counter {
    fn new(base: u64, step: u64) -> Counter {
        Counter {
            base,
            step,
            reads: AtomicU64::new(0),
        }
    }

    /// The current value, then one more read.
    fn read(&self, ticks: u64) -> u64 {
        let before = self.reads.fetch_add(1, Ordering::Relaxed);
        self.base + self.step * (before + ticks)
    }
}

/// A fixed set of counters keyed by id; the key set never changes after start, so no lock is needed.
#[derive(Debug, Default)]
pub struct Counters {
    by_id: HashMap<u32, Counter>,
}

impl Counters {
    pub fn new(entries: impl IntoIterator<Item = (u32, u64, u64)>) -> Counters {
        Counters {
            by_id: entries
                .into_iter()
                .map(|(id, base, step)| (id, Counter::new(base, step)))
                .collect(),
        }
    }

    /// Reads one count and moves it on; `None` for an id the site does not know.
    pub fn read(&self, id: u32, ticks: u64) -> Option<u64> {
        self.by_id.get(&id).map(|c| c.read(ticks))
    }
}

/// A whole-document counter: how many times a feed was fetched.
#[derive(Debug, Default)]
pub struct Fetches(AtomicU64);

impl Fetches {
    /// The number of fetches before this one, then one more.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// Parses `clickids=1,2,3` style lists; unparsable entries become `None`, keeping request order.
pub fn parse_ids(list: &str) -> Vec<Option<u32>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect()
}

/// The batch endpoint's answer: counts in request order, 0 for unknown ids.
pub fn batch(counters: &Counters, ids: &[Option<u32>], ticks: u64) -> String {
    ids.iter()
        .map(|id| {
            id.and_then(|id| counters.read(id, ticks))
                .unwrap_or(0)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_grow_with_each_read() {
        let counters = Counters::new([(1, 100, 5), (2, 7, 1)]);
        assert_eq!(counters.read(1, 0), Some(100));
        assert_eq!(counters.read(1, 0), Some(105));
        assert_eq!(counters.read(2, 0), Some(7));
        assert_eq!(counters.read(3, 0), None);
        assert_eq!(counters.read(1, 10), Some(160));
    }

    #[test]
    fn batch_keeps_request_order_and_zeroes_unknown_ids() {
        let counters = Counters::new([(1, 42, 1), (2, 7, 1)]);
        let ids = parse_ids("2, 1,x,9,");
        assert_eq!(batch(&counters, &ids, 0), "7,42,0,0");
        assert_eq!(batch(&counters, &ids, 0), "8,43,0,0");
    }
}
