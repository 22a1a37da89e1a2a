//! Politeness for small servers: at most two requests at once per host (and port) across every
//! page source of the process, and a pause after each request before its slot is free again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;
use url::Url;

use super::get;
use crate::fetch::Fetched;
use crate::refresh::RefreshContext;

/// Requests in flight per host.
pub const PER_HOST: usize = 2;
/// The pause after each request when the source sets none.
pub const DEFAULT_DELAY: Duration = Duration::from_millis(300);

fn hosts() -> &'static Mutex<HashMap<String, Arc<Semaphore>>> {
    static HOSTS: OnceLock<Mutex<HashMap<String, Arc<Semaphore>>>> = OnceLock::new();
    HOSTS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn slot(url: &Url) -> Arc<Semaphore> {
    let key = format!(
        "{}:{}",
        url.host_str().unwrap_or("").to_ascii_lowercase(),
        url.port_or_known_default().unwrap_or(0)
    );
    let mut map = match hosts().lock() {
        Ok(map) => map,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.entry(key)
        .or_insert_with(|| Arc::new(Semaphore::new(PER_HOST)))
        .clone()
}

/// The pause for `url`: the configured one, else the default except on loopback (the demo and
/// tests need no manners from themselves).
pub fn delay_for(url: &Url, configured: Option<Duration>) -> Duration {
    if let Some(delay) = configured {
        return delay;
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => true,
    };
    if loopback {
        Duration::ZERO
    } else {
        DEFAULT_DELAY
    }
}

/// Fetches `url` within the host's slots, then holds the slot for `delay`.
pub async fn fetch(ctx: &RefreshContext, url: &Url, delay: Duration) -> Result<Fetched, String> {
    let slot = slot(url);
    let _permit = slot
        .acquire_owned()
        .await
        .map_err(|_| "the crawler is shutting down".to_string())?;
    let result = get(ctx, url).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    result
}
