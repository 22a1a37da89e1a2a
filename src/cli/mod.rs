//! Command-line definitions and the headless commands; the TUI is started from here too.

mod commands;
mod output;
pub(crate) mod sources;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::paths::Paths;
use crate::model::SortOrder;

pub use commands::run;

/// A terminal news reader: feeds, news APIs and news sites without feeds.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/tidings/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (default: $XDG_DATA_HOME/tidings).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log level for the log file: error, warn, info, debug or trace.
    #[arg(long, global = true, value_name = "LEVEL", default_value = "info")]
    pub log_level: String,
    /// Open the reader on the bundled demo site, with a throwaway data dir.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    pub fn paths(&self) -> Paths {
        Paths::resolve(self.config.as_deref(), self.data_dir.as_deref())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Refresh sources without the reader: one line per source, then a summary.
    Refresh {
        /// Only the source with this name.
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// Only the sources in this category.
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
    },
    /// List stored articles.
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "C")]
        category: Option<String>,
        #[arg(long)]
        unread: bool,
        #[arg(long, value_enum, default_value = "date")]
        sort: SortArg,
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Each source: kind, category, last refresh, articles, error.
    Sources {
        #[arg(long)]
        json: bool,
    },
    /// Parse a feed file or URL and print what tidings reads from it.
    Parse {
        /// A path or an http(s) URL.
        target: String,
        #[arg(long)]
        json: bool,
        /// Treat the input as served with this Content-Type, e.g. 'text/xml; charset=gbk'.
        #[arg(long, value_name = "TYPE")]
        content_type: Option<String>,
        /// Resolve relative links against this URL.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Read the input as this kind of source: feed (default) or page (a list or article page).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Rules for --kind page: a bundled preset (vsb, webplus) or a rules file. Default: vsb.
        #[arg(long, value_name = "PRESET_OR_FILE")]
        preset: Option<String>,
    },
    /// Add the sources of an OPML file or a newsboat urls file to the config.
    Import { file: PathBuf },
    /// Print the sources as OPML 2.0.
    Export {
        #[arg(long, value_enum, default_value = "opml")]
        format: ExportFormat,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    Date,
    Views,
    Score,
}

impl From<SortArg> for SortOrder {
    fn from(sort: SortArg) -> SortOrder {
        match sort {
            SortArg::Date => SortOrder::Date,
            SortArg::Views => SortOrder::Views,
            SortArg::Score => SortOrder::Score,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Opml,
}

/// A failed command: the message for stderr and the exit code (1 the work failed, 2 bad usage or config).
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<crate::config::ConfigError> for CliError {
    fn from(err: crate::config::ConfigError) -> CliError {
        CliError::usage(err.to_string())
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(err: crate::store::StoreError) -> CliError {
        CliError::failed(format!("store: {err}"))
    }
}
