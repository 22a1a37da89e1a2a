//! HTTP and file fetching: one client, concurrency limits, conditional GET, body cap, charset decoding.
//! It knows nothing of parsing or storage.

mod budget;
pub mod charset;
mod client;

use std::time::Duration;

pub use budget::{BodyBudget, BodyLease};
pub use client::{Conditional, FetchOutcome, Fetched, Fetcher};

/// Why a fetch failed; each names the URL so a one-line message says which source.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out after {}s", after.as_secs())]
    Timeout { url: String, after: Duration },
    #[error("HTTP {status} {detail}")]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("body larger than {} KiB", limit / 1024)]
    TooLarge { url: String, limit: u64 },
    #[error("{message}")]
    Redirect { url: String, message: String },
    #[error("cannot connect: {message}")]
    Connect { url: String, message: String },
    #[error("{message}")]
    Http { url: String, message: String },
    #[error("{scheme}: URLs are not fetched")]
    Scheme { url: String, scheme: String },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    pub(crate) fn from_reqwest(
        url: &url::Url,
        err: &reqwest::Error,
        timeout: Duration,
    ) -> FetchError {
        let url = url.to_string();
        // The innermost cause says the most ("connection refused", "redirect loop").
        let mut message = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            message = cause.to_string();
            source = cause.source();
        }
        if err.is_timeout() {
            FetchError::Timeout {
                url,
                after: timeout,
            }
        } else if err.is_redirect() {
            FetchError::Redirect { url, message }
        } else if err.is_connect() {
            FetchError::Connect { url, message }
        } else {
            FetchError::Http { url, message }
        }
    }
}
