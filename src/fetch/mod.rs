//! HTTP and file fetching: one client, concurrency limits, conditional GET, body cap, charset decoding.

pub mod charset;
