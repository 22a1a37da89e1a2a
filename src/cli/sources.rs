//! The sources a command works on: the config's, or the demo's when there is no config file.

use url::Url;

use crate::config::{Config, SourceConfig};
use crate::model::SourceId;
use crate::refresh::SourceTarget;
use crate::store::{SourceSpec, Store, StoreError};

/// The stored URL prefix of demo sources: their server's port changes from run to run.
pub const DEMO_URL_PREFIX: &str = "tidings-demo:/";

/// The demo's sources as config entries, keyed by a URL that does not depend on the port.
pub fn demo_source_configs() -> Vec<SourceConfig> {
    crate::demo::demo_sources()
        .iter()
        .map(|demo| SourceConfig {
            name: Some(demo.name.to_string()),
            url: format!("{DEMO_URL_PREFIX}{}", demo.path.trim_start_matches('/')),
            kind: demo.kind,
            categories: vec![demo.category.to_string()],
            line: 0,
            rules: None,
        })
        .collect()
}

/// The sources of this run: the config's, else the demo's when the config is the built-in default.
pub fn configured_sources(config: &Config) -> Vec<SourceConfig> {
    if config.is_builtin_default {
        demo_source_configs()
    } else {
        config.sources.clone()
    }
}

/// Writes the sources into the store and returns their ids, in order.
pub fn sync(store: &mut Store, sources: &[SourceConfig]) -> Result<Vec<SourceId>, StoreError> {
    let specs: Vec<SourceSpec> = sources
        .iter()
        .map(|source| SourceSpec {
            url: source.url.clone(),
            name: source.name.clone(),
            kind: source.kind,
            categories: source.categories.clone(),
        })
        .collect();
    let ids = store.sync_sources(&specs)?;
    // Rules of page/API sources live next to the source, so every refresh path finds them.
    let rules: Vec<_> = sources
        .iter()
        .zip(&ids)
        .map(|(source, id)| (*id, source.rules.as_ref().and_then(|r| r.to_json().ok())))
        .collect();
    store.set_all_source_rules(&rules)?;
    Ok(ids)
}

/// The URL to fetch for a stored source URL; demo URLs go to the running demo server.
pub fn fetch_url(stored: &str, demo_base: Option<&Url>) -> Result<Url, String> {
    if let Some(path) = stored.strip_prefix(DEMO_URL_PREFIX) {
        let base = demo_base.ok_or_else(|| "the demo site is not running".to_string())?;
        return base.join(path).map_err(|err| format!("{stored}: {err}"));
    }
    Url::parse(stored).map_err(|err| format!("{stored}: {err}"))
}

/// Builds refresh targets for the chosen sources.
pub fn targets(
    sources: &[SourceConfig],
    ids: &[SourceId],
    names: &dyn Fn(SourceId) -> String,
    demo_base: Option<&Url>,
) -> Result<Vec<SourceTarget>, String> {
    sources
        .iter()
        .zip(ids)
        .map(|(source, id)| {
            Ok(SourceTarget {
                id: *id,
                name: names(*id),
                named: source.name.is_some(),
                url: fetch_url(&source.url, demo_base)?,
                kind: source.kind,
            })
        })
        .collect()
}

/// True when any source needs the demo server.
pub fn needs_demo(sources: &[SourceConfig]) -> bool {
    sources
        .iter()
        .any(|source| source.url.starts_with(DEMO_URL_PREFIX))
}

/// Keeps the sources matching `--source` (configured name, shown name or URL) and `--category`.
pub fn select(
    sources: &[SourceConfig],
    shown_names: &[String],
    source: Option<&str>,
    category: Option<&str>,
) -> Vec<usize> {
    sources
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            source.is_none_or(|wanted| {
                s.name.as_deref() == Some(wanted)
                    || s.url == wanted
                    || shown_names.get(*i).map(String::as_str) == Some(wanted)
            })
        })
        .filter(|(_, s)| category.is_none_or(|wanted| s.categories.iter().any(|c| c == wanted)))
        .map(|(i, _)| i)
        .collect()
}
