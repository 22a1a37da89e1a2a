//! Starting the reader: config, data dir (throwaway for `--demo`), store and sources, the demo
//! site when a source needs it, the fetcher; then the loop. Errors here come before the terminal
//! is taken, so they are returned as text for the command line.

use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use crate::app::RefreshScope;
use crate::cli::sources;
use crate::config::paths::Paths;
use crate::config::{Config, SourceConfig};
use crate::fetch::Fetcher;
use crate::model::{SourceId, SourceRow};
use crate::refresh::{RefreshContext, SourceTarget};
use crate::store::{Store, StoreHandle};

use super::Options;

/// The configured sources with their store ids, and where the demo site runs, for building
/// refresh targets.
pub struct Targets {
    pub sources: Vec<SourceConfig>,
    pub ids: Vec<SourceId>,
    pub demo_base: Option<Url>,
}

impl Targets {
    /// Targets for a scope. `rows` gives the names the store shows (the feed's title when the
    /// user gave none).
    pub fn build(&self, scope: &RefreshScope, rows: &[SourceRow]) -> Vec<SourceTarget> {
        let name = |id: SourceId| {
            rows.iter()
                .find(|row| row.id == id)
                .map(|row| row.name.clone())
                .unwrap_or_default()
        };
        self.sources
            .iter()
            .zip(&self.ids)
            .filter(|(_, id)| match scope {
                RefreshScope::All => true,
                RefreshScope::Sources(ids) => ids.contains(id),
            })
            .filter_map(|(source, id)| {
                match sources::fetch_url(&source.url, self.demo_base.as_ref()) {
                    Ok(url) => Some(SourceTarget {
                        id: *id,
                        name: name(*id),
                        named: source.name.is_some(),
                        url,
                        kind: source.kind,
                    }),
                    Err(error) => {
                        tracing::warn!(source = %source.url, %error, "cannot refresh");
                        None
                    }
                }
            })
            .collect()
    }
}

/// A data dir removed when the demo ends.
struct Throwaway(PathBuf);

impl Drop for Throwaway {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long quitting waits for the store to close.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Run the reader (`tidings` without a subcommand, or `tidings --demo`).
pub fn start(paths: &Paths, demo: bool) -> Result<(), String> {
    let config = Config::load_or_default(&paths.config_file).map_err(|err| err.to_string())?;
    let use_demo = demo || config.is_builtin_default;
    let configured = if use_demo {
        sources::demo_source_configs()
    } else {
        config.sources.clone()
    };
    let throwaway = demo.then(|| {
        Throwaway(std::env::temp_dir().join(format!("tidings-demo-{}", std::process::id())))
    });
    let database = match &throwaway {
        Some(dir) => dir.0.join("tidings.db"),
        None => paths.database(),
    };
    let mut store =
        Store::open(&database).map_err(|err| format!("{}: {err}", database.display()))?;
    let ids = sources::sync(&mut store, &configured).map_err(|err| err.to_string())?;
    // The list queries' own connection; without one they share the store thread.
    let reader = Store::open_reader(&database)
        .inspect_err(|error| tracing::warn!(%error, "no read connection"))
        .ok();
    let fetcher = Fetcher::new(&config.fetch).map_err(|err| err.to_string())?;
    let idle_hint = if demo {
        Some(crate::app::text::demo_hint(None))
    } else if config.is_builtin_default {
        Some(crate::app::text::demo_hint(Some(&paths.config_file)))
    } else if configured.is_empty() {
        Some(crate::app::text::no_sources_hint(&paths.config_file))
    } else {
        None
    };
    let options = Options {
        keymap: config.keymap.clone(),
        theme: config.theme.clone(),
        // The demo's data dir starts empty every time, so it always refreshes on start, even
        // when the user's config file leaves `[refresh] on_start` off.
        refresh_on_start: (demo || config.refresh.on_start) && !configured.is_empty(),
        refresh_every: config.refresh.every,
        idle_hint,
    };
    // Fetching, parsing, the store's writes and checkpoints run below the threads that read
    // keys, draw and load lists (see niceness.rs): the runtime's workers carry the refresh's HTTP
    // (the loop itself runs on this thread, in `block_on`).
    crate::niceness::enable();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(crate::niceness::lower_current_thread)
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    let result = runtime.block_on(async move {
        let _demo_server = if sources::needs_demo(&configured) {
            match crate::demo::DemoServer::start().await {
                Ok(server) => Some(server),
                Err(error) => {
                    tracing::error!(%error, "cannot start the demo site");
                    None
                }
            }
        } else {
            None
        };
        let targets = Targets {
            sources: configured,
            ids,
            demo_base: _demo_server.as_ref().map(|server| server.base_url()),
        };
        let ctx = Arc::new(RefreshContext {
            fetcher,
            store: match reader {
                Some(reader) => StoreHandle::spawn_with_reader(store, reader),
                None => StoreHandle::spawn(store),
            },
        });
        let store = ctx.store.clone();
        // The store thread writes refreshes: background work too. Its reads have their own.
        let _ = store
            .call(|_| crate::niceness::lower_current_thread())
            .await;
        // The demo site serves until the reader ends.
        let result = super::run(ctx, Arc::new(targets), options).await;
        // The log goes into the database, synced, before the process ends; a refresh's batch
        // still being written can make that slow, and the log is safe on disk meanwhile.
        let closing = tokio::task::spawn_blocking(move || store.close_blocking());
        if tokio::time::timeout(CLOSE_WAIT, closing).await.is_err() {
            tracing::warn!("the store did not close in time; its log stays for the next start");
        }
        result
    });
    // Tasks still running (a refresh) end with the runtime; the store thread finishes its job.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    drop(throwaway);
    result.map_err(|err| format!("terminal: {err}"))
}
