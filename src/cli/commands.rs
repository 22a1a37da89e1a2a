//! The headless commands: refresh, list, sources, parse, import, export, completions.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use clap::CommandFactory;
use url::Url;

use super::{Cli, CliError, Command, output, sources};
use crate::config::Config;
use crate::config::paths::Paths;
use crate::fetch::Fetcher;
use crate::model::{ArticleQuery, ArticleView, SourceId};
use crate::refresh::{self, RefreshContext, RefreshEvent, SourceOutcome};
use crate::store::{Store, StoreHandle};

/// Runs the command line; the TUI when no subcommand is given.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let paths = cli.paths();
    match cli.command {
        None => crate::runtime::start(&paths, cli.demo).map_err(CliError::failed),
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "tidings", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Parse {
            target,
            json,
            content_type,
            base_url,
            kind,
            preset,
        }) => {
            let config = load_config(&paths)?;
            runtime()?.block_on(parse(
                &config,
                &target,
                json,
                content_type.as_deref(),
                base_url.as_deref(),
                (kind.as_deref(), preset.as_deref()),
            ))
        }
        Some(Command::Import { file }) => import(&paths, &file),
        Some(Command::Export { .. }) => export(&paths),
        Some(Command::Sources { json }) => {
            let config = load_config(&paths)?;
            let store = open_synced(&paths, &config)?;
            output::print_sources(&store, json)
        }
        Some(Command::List {
            json,
            category,
            unread,
            sort,
            limit,
        }) => {
            let config = load_config(&paths)?;
            let store = open_synced(&paths, &config)?;
            let query = ArticleQuery {
                view: category.map_or(ArticleView::All, ArticleView::Category),
                sort: sort.into(),
                unread_only: unread,
                offset: 0,
                limit: limit.unwrap_or(usize::MAX >> 2),
            };
            output::print_articles(&store, &query, json)
        }
        Some(Command::Refresh { source, category }) => {
            let config = load_config(&paths)?;
            runtime()?.block_on(refresh_command(
                &paths,
                &config,
                source.as_deref(),
                category.as_deref(),
            ))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Blocking work is parsing (one per core, see refresh.rs) and name lookups; every extra
        // thread may get a malloc arena of its own, which a refresh's peak memory shows.
        .max_blocking_threads(crate::refresh::parse_slots() + 2)
        .build()
        .map_err(|err| CliError::failed(format!("cannot start the async runtime: {err}")))
}

fn load_config(paths: &Paths) -> Result<Config, CliError> {
    Ok(Config::load_or_default(&paths.config_file)?)
}

fn open_store(paths: &Paths) -> Result<Store, CliError> {
    Store::open(&paths.database()).map_err(|err| match err {
        crate::store::StoreError::NewerSchema { .. } => {
            CliError::usage(format!("{}: {err}", paths.database().display()))
        }
        other => CliError::failed(format!("{}: {other}", paths.database().display())),
    })
}

fn open_synced(paths: &Paths, config: &Config) -> Result<Store, CliError> {
    let mut store = open_store(paths)?;
    sources::sync(&mut store, &sources::configured_sources(config))?;
    Ok(store)
}

async fn refresh_command(
    paths: &Paths,
    config: &Config,
    source: Option<&str>,
    category: Option<&str>,
) -> Result<(), CliError> {
    let all = sources::configured_sources(config);
    let mut store = open_store(paths)?;
    let ids = sources::sync(&mut store, &all)?;
    let mut names: std::collections::HashMap<_, _> = store
        .sources()?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    let shown: Vec<String> = ids
        .iter()
        .map(|id| names.remove(id).unwrap_or_default())
        .collect();
    let chosen = sources::select(&all, &shown, source, category);
    if chosen.is_empty() {
        let what = match (source, category) {
            (Some(s), _) => format!("no source named {s:?}"),
            (None, Some(c)) => format!("no source in category {c:?}"),
            (None, None) => "no sources configured: add [[source]] tables to the config or run `tidings import FILE`".to_string(),
        };
        return Err(CliError::usage(what));
    }
    let chosen_sources: Vec<_> = chosen.iter().map(|i| all[*i].clone()).collect();
    let chosen_ids: Vec<SourceId> = chosen.iter().map(|i| ids[*i]).collect();
    let names = |id: SourceId| {
        ids.iter()
            .position(|x| *x == id)
            .map(|i| shown[i].clone())
            .unwrap_or_default()
    };
    let demo = if sources::needs_demo(&chosen_sources) {
        Some(
            crate::demo::DemoServer::start()
                .await
                .map_err(|err| CliError::failed(format!("cannot start the demo site: {err}")))?,
        )
    } else {
        None
    };
    let demo_base = demo.as_ref().map(|d| d.base_url());
    let targets = sources::targets(&chosen_sources, &chosen_ids, &names, demo_base.as_ref())
        .map_err(CliError::failed)?;
    let fetcher = Fetcher::new(&config.fetch).map_err(|err| CliError::failed(err.to_string()))?;
    let ctx = Arc::new(RefreshContext {
        fetcher,
        store: StoreHandle::spawn(store),
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(refresh::run(Arc::clone(&ctx), targets, tx));
    let mut stdout = std::io::stdout().lock();
    while let Some(event) = rx.recv().await {
        if let RefreshEvent::SourceDone(report) = event {
            let line = match &report.outcome {
                SourceOutcome::Stored(c) => format!(
                    "{}: {} new, {} updated, {} unchanged",
                    report.name, c.new, c.updated, c.unchanged
                ),
                SourceOutcome::Unchanged => format!("{}: unchanged", report.name),
                SourceOutcome::Failed(err) => format!("{}: error: {err}", report.name),
            };
            let _ = writeln!(stdout, "{line}");
        }
    }
    let summary = task
        .await
        .map_err(|err| CliError::failed(format!("refresh crashed: {err}")))?;
    let retention = config.retention;
    let removed = ctx
        .store
        .call(move |store| {
            store.apply_retention(
                &crate::store::RetentionPolicy {
                    max_age_days: retention.max_age_days,
                    keep_per_source: retention.keep_per_source,
                },
                chrono::Utc::now(),
            )
        })
        .await
        .and_then(|r| r)
        .unwrap_or(0);
    let _ = writeln!(
        stdout,
        "{} sources: {} ok, {} failed; {} new articles, {} updated{}",
        summary.total,
        summary.ok,
        summary.failed,
        summary.new_articles,
        summary.updated_articles,
        if removed > 0 {
            format!("; {removed} old read articles removed")
        } else {
            String::new()
        }
    );
    // The demo site serves until the refresh is done.
    let _ = &demo;
    // The log goes into the database, synced, before the process ends.
    let store = ctx.store.clone();
    let _ = tokio::task::spawn_blocking(move || store.close_blocking()).await;
    if summary.total > 0 && summary.ok == 0 {
        return Err(CliError::failed("every source failed"));
    }
    Ok(())
}

async fn parse(
    config: &Config,
    target: &str,
    json: bool,
    content_type: Option<&str>,
    base_url: Option<&str>,
    (kind, preset): (Option<&str>, Option<&str>),
) -> Result<(), CliError> {
    let page_rules = match kind {
        None | Some("feed") => None,
        Some("page") => Some(
            crate::config::rules::load_page_rules(preset.unwrap_or("vsb"))
                .map_err(CliError::usage)?,
        ),
        Some(other) => {
            return Err(CliError::usage(format!(
                "--kind {other}: parse reads feed or page"
            )));
        }
    };
    let base_override = base_url
        .map(|u| Url::parse(u).map_err(|err| CliError::usage(format!("--base-url {u}: {err}"))))
        .transpose()?;
    let (bytes, served_type, base) = if target.starts_with("http://")
        || target.starts_with("https://")
    {
        let url = Url::parse(target).map_err(|err| CliError::usage(format!("{target}: {err}")))?;
        let fetcher =
            Fetcher::new(&config.fetch).map_err(|err| CliError::failed(err.to_string()))?;
        let fetched = fetcher
            .get(&url)
            .await
            .map_err(|err| CliError::failed(format!("{target}: {err}")))?;
        (fetched.bytes, fetched.content_type, Some(fetched.final_url))
    } else {
        let path = Path::new(target.strip_prefix("file://").unwrap_or(target));
        let bytes = read_capped(path, config.fetch.max_body_bytes)?;
        let base = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| Url::from_file_path(p).ok());
        (bytes, None, base)
    };
    let content_type = content_type.map(str::to_string).or(served_type);
    let base = base_override.or(base);
    let parsed = match page_rules {
        Some(rules) => {
            let base = base.ok_or_else(|| CliError::usage("--kind page needs --base-url"))?;
            let html = crate::parse::page::decode(&bytes, content_type.as_deref());
            crate::parse::page::preview(&html, &base, &rules, chrono::Utc::now())
                .map_err(|err| CliError::failed(format!("{target}: {err}")))?
        }
        None => crate::parse::parse_feed(&bytes, content_type.as_deref(), base.as_ref())
            .map_err(|err| CliError::failed(format!("{target}: {err}")))?,
    };
    output::print_parsed(&parsed, json)
}

fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|err| CliError::failed(format!("{}: {err}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| CliError::failed(format!("{}: {err}", path.display())))?;
    if bytes.len() as u64 > cap {
        return Err(CliError::failed(format!(
            "{}: larger than {} KiB",
            path.display(),
            cap / 1024
        )));
    }
    Ok(bytes)
}

fn import(paths: &Paths, file: &Path) -> Result<(), CliError> {
    let bytes = read_capped(file, 16 * 1024 * 1024)?;
    let text = String::from_utf8_lossy(&bytes);
    let report = crate::config::import::import_sources(file, &text)
        .map_err(|err| CliError::usage(err.to_string()))?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    // Validate the current config first, so a broken file is never appended to.
    let config = load_config(paths)?;
    let known: std::collections::HashSet<&str> =
        config.sources.iter().map(|s| s.url.as_str()).collect();
    let mut seen_names: std::collections::HashSet<String> = config
        .sources
        .iter()
        .filter_map(|s| s.name.clone())
        .collect();
    let mut added = String::new();
    let mut count = 0;
    for source in &report.sources {
        if known.contains(source.url.as_str()) {
            continue;
        }
        let name = source
            .name
            .clone()
            .filter(|name| seen_names.insert(name.clone()));
        added.push_str(&output::source_table(
            &source.url,
            name.as_deref(),
            &source.categories,
        ));
        count += 1;
    }
    let path = &paths.config_file;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(CliError::failed(format!("{}: {err}", path.display()))),
    };
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&added);
    // The result must load, or nothing is written.
    Config::from_toml(path, &text)?;
    write_atomically(path, &text)?;
    println!(
        "imported {count} sources into {} ({} skipped)",
        path.display(),
        report.sources.len() - count + report.warnings.len()
    );
    Ok(())
}

fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    let fail = |err: std::io::Error| CliError::failed(format!("{}: {err}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let temp = path.with_extension("toml.tmp");
    std::fs::write(&temp, text).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(fail)
}

fn export(paths: &Paths) -> Result<(), CliError> {
    let config = load_config(paths)?;
    let store = open_synced(paths, &config)?;
    let rows = store.sources()?;
    let exported: Vec<crate::config::export::ExportSource<'_>> = rows
        .iter()
        .map(|row| crate::config::export::ExportSource {
            url: &row.url,
            name: &row.name,
            categories: &row.categories,
        })
        .collect();
    print!("{}", crate::config::export::export_opml(&exported));
    Ok(())
}
