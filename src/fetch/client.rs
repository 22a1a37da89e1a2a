//! The one HTTP client: limits, timeouts, body cap, redirects, conditional GET, and `file://` reads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;
use url::Url;

use super::FetchError;
use super::budget::{BodyBudget, BodyLease};
use crate::config::FetchConfig;

/// HTTP validators remembered from the last successful fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditional {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A body that was read in full, within the cap.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL after redirects, for resolving relative links.
    pub final_url: Url,
    pub validators: Conditional,
    /// The body's room in a [`BodyBudget`], when it was fetched within one.
    pub lease: Option<BodyLease>,
}

/// What a conditional fetch found.
#[derive(Debug)]
pub enum FetchOutcome {
    /// 304: the server says nothing changed.
    NotModified,
    Fetched(Box<Fetched>),
}

/// Shared by every fetch of a run: one connection pool, a global and a per-host limit.
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Fetcher {
    pub fn new(config: &FetchConfig) -> Result<Fetcher, FetchError> {
        let max_redirects = config.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_string();
                attempt.error(format!("redirect to a {scheme}: URL refused"))
            } else if attempt.previous().iter().any(|seen| seen == attempt.url()) {
                attempt.error("redirect loop")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .redirect(policy)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|err| FetchError::Client(err.to_string()))?;
        Ok(Fetcher {
            client,
            config: config.clone(),
            global: Arc::new(Semaphore::new(config.concurrency.max(1))),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    fn host_limit(&self, url: &Url) -> Arc<Semaphore> {
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let mut hosts = match self.hosts.lock() {
            Ok(hosts) => hosts,
            Err(poisoned) => poisoned.into_inner(),
        };
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host.max(1))))
            .clone()
    }

    /// Fetches `url`, sending the validators so an unchanged source answers 304.
    pub async fn fetch(
        &self,
        url: &Url,
        conditional: &Conditional,
    ) -> Result<FetchOutcome, FetchError> {
        self.fetch_within(url, conditional, None).await
    }

    /// Like [`Fetcher::fetch`], but a body is read only when `budget` has room for it, and keeps
    /// that room (in [`Fetched::lease`]) until dropped. The wait for room does not count against
    /// the total timeout.
    pub async fn fetch_within(
        &self,
        url: &Url,
        conditional: &Conditional,
        budget: Option<&BodyBudget>,
    ) -> Result<FetchOutcome, FetchError> {
        match url.scheme() {
            "file" => self
                .read_file(url)
                .await
                .map(|fetched| FetchOutcome::Fetched(Box::new(fetched))),
            "http" | "https" => {
                let _global = self.global.acquire().await.map_err(closed)?;
                let host = self.host_limit(url);
                let _host = host.acquire().await.map_err(closed)?;
                let total = self.config.timeout;
                let timed_out = |_| FetchError::Timeout {
                    url: url.to_string(),
                    after: total,
                };
                let mut deadline = tokio::time::Instant::now() + total;
                let response = tokio::time::timeout_at(deadline, self.send(url, conditional))
                    .await
                    .map_err(timed_out)??;
                let Some(response) = response else {
                    return Ok(FetchOutcome::NotModified);
                };
                let lease = match budget {
                    Some(budget) => {
                        let waiting = tokio::time::Instant::now();
                        let estimate = response.content_length().unwrap_or(UNKNOWN_LENGTH);
                        let lease = budget
                            .admit(usize::try_from(estimate).unwrap_or(usize::MAX))
                            .await
                            .map_err(closed)?;
                        deadline += waiting.elapsed();
                        Some(lease)
                    }
                    None => None,
                };
                tokio::time::timeout_at(deadline, self.read_body(url, response, lease))
                    .await
                    .map_err(timed_out)?
                    .map(|fetched| FetchOutcome::Fetched(Box::new(fetched)))
            }
            other => Err(FetchError::Scheme {
                url: url.to_string(),
                scheme: other.to_string(),
            }),
        }
    }

    /// A plain GET without validators, for pages and APIs.
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        match self.fetch(url, &Conditional::default()).await? {
            FetchOutcome::Fetched(fetched) => Ok(*fetched),
            FetchOutcome::NotModified => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
                detail: String::new(),
            }),
        }
    }

    /// Sends the request and reads the headers: `None` for 304, an error for any status but 2xx.
    async fn send(
        &self,
        url: &Url,
        conditional: &Conditional,
    ) -> Result<Option<reqwest::Response>, FetchError> {
        let mut headers = HeaderMap::new();
        if let Some(Ok(value)) = conditional.etag.as_deref().map(HeaderValue::from_str) {
            headers.insert(header::IF_NONE_MATCH, value);
        }
        if let Some(Ok(value)) = conditional
            .last_modified
            .as_deref()
            .map(HeaderValue::from_str)
        {
            headers.insert(header::IF_MODIFIED_SINCE, value);
        }
        let response = self
            .client
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|err| FetchError::from_reqwest(url, &err, self.config.timeout))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if status.is_redirection() {
            // reqwest hands back a redirect it cannot follow (a Location of file:, javascript: …)
            // without asking the policy above; say why instead of a bare "HTTP 302".
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| url.join(v).ok());
            if let Some(target) = location {
                let message = if matches!(target.scheme(), "http" | "https") {
                    format!("HTTP {} redirect not followed", status.as_u16())
                } else {
                    format!("redirect to a {}: URL refused", target.scheme())
                };
                return Err(FetchError::Redirect {
                    url: url.to_string(),
                    message,
                });
            }
        }
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(|v| format!(" (retry after {})", v.trim()))
                .unwrap_or_default();
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                detail: format!("{}{}", status.canonical_reason().unwrap_or(""), retry_after),
            });
        }
        Ok(Some(response))
    }

    /// Reads a 2xx response's body, within the cap, counting it against `lease`.
    async fn read_body(
        &self,
        url: &Url,
        mut response: reqwest::Response,
        mut lease: Option<BodyLease>,
    ) -> Result<Fetched, FetchError> {
        let cap = self.config.max_body_bytes;
        if let Some(length) = response.content_length() {
            // Content-Length is of the encoded body; a compressed body can still grow past the cap,
            // which the streaming check below catches.
            if length > cap {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit: cap,
                });
            }
        }
        let header_text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header_text(header::CONTENT_TYPE);
        let validators = Conditional {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let final_url = response.url().clone();
        // A declared length over the cap was refused above; reserving it saves the copies of a
        // growing buffer (it is absent for compressed bodies, which grow as they decode).
        let mut bytes = Vec::with_capacity(
            response
                .content_length()
                .map_or(0, |length| usize::try_from(length.min(cap)).unwrap_or(0)),
        );
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| FetchError::from_reqwest(url, &err, self.config.timeout))?
        {
            if bytes.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit: cap,
                });
            }
            bytes.extend_from_slice(&chunk);
            if let Some(lease) = lease.as_mut() {
                lease.read(chunk.len());
            }
        }
        Ok(Fetched {
            bytes,
            content_type,
            final_url,
            validators,
            lease,
        })
    }

    async fn read_file(&self, url: &Url) -> Result<Fetched, FetchError> {
        let path = url.to_file_path().map_err(|()| FetchError::File {
            path: url.to_string(),
            message: "not a local file path".to_string(),
        })?;
        let file_error = |err: std::io::Error| FetchError::File {
            path: path.display().to_string(),
            message: err.to_string(),
        };
        let file = tokio::fs::File::open(&path).await.map_err(file_error)?;
        let cap = self.config.max_body_bytes;
        let mut bytes = Vec::new();
        file.take(cap + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(file_error)?;
        if bytes.len() as u64 > cap {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit: cap,
            });
        }
        Ok(Fetched {
            bytes,
            content_type: None,
            final_url: url.clone(),
            validators: Conditional::default(),
            lease: None,
        })
    }
}

/// What a body of unknown length (chunked or compressed) is first admitted as; it takes more room
/// as it grows.
const UNKNOWN_LENGTH: u64 = 64 << 10;

fn closed(_: tokio::sync::AcquireError) -> FetchError {
    FetchError::Client("fetcher shut down".to_string())
}
