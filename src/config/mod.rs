//! Configuration: load and validate (errors name file and line), built-in defaults, paths.
//! It reads files and the environment only; it never touches the network or the store.

pub mod export;
pub mod import;
pub mod keymap;
pub mod paths;
mod raw;
pub mod rules;
pub mod theme;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::SourceKind;

pub use raw::parse_duration;

/// Where a configuration problem is: the file and, when known, the line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {message}")]
    At {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
}

/// One source as the user configured it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceConfig {
    /// The configured name; `None` shows the feed's own title.
    pub name: Option<String>,
    pub url: String,
    pub kind: SourceKind,
    pub categories: Vec<String>,
    /// The line of its `[[source]]` table, for later error messages.
    pub line: usize,
    /// Validated rules of a page, hackernews or json source; `None` for feeds.
    pub rules: Option<std::sync::Arc<rules::SourceRules>>,
}

impl SourceConfig {
    /// The name to show and to match `--source` against before the feed's title is known.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.url)
    }
}

/// Network limits of every fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    pub concurrency: usize,
    pub per_host: usize,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_body_bytes: u64,
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            concurrency: 32,
            per_host: 4,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 16 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!("tidings/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// How long read articles are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionConfig {
    pub max_age_days: u32,
    pub keep_per_source: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            max_age_days: 90,
            keep_per_source: 500,
        }
    }
}

/// When the reader refreshes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefreshConfig {
    /// Refresh everything this often while the reader is open.
    pub every: Option<Duration>,
    /// Refresh everything when the reader starts.
    pub on_start: bool,
}

/// The whole configuration, after validation.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from; `None` for the built-in default.
    pub path: Option<PathBuf>,
    pub sources: Vec<SourceConfig>,
    pub fetch: FetchConfig,
    pub refresh: RefreshConfig,
    pub retention: RetentionConfig,
    pub keymap: keymap::Keymap,
    pub theme: theme::Theme,
    /// True when no config file exists: the reader runs on the bundled demo.
    pub is_builtin_default: bool,
}

impl Config {
    /// The configuration used when no file exists: no sources of the user's own, the demo instead.
    pub fn builtin_default() -> Config {
        Config {
            path: None,
            sources: Vec::new(),
            fetch: FetchConfig::default(),
            refresh: RefreshConfig {
                every: None,
                on_start: true,
            },
            retention: RetentionConfig::default(),
            keymap: keymap::Keymap::default(),
            theme: theme::Theme::default(),
            is_builtin_default: true,
        }
    }

    /// Reads `path`; a missing file gives the built-in default, any other problem an error.
    pub fn load_or_default(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::from_toml(path, &text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut config = Config::builtin_default();
                config.path = Some(path.to_path_buf());
                Ok(config)
            }
            Err(err) => Err(ConfigError::File {
                path: path.to_path_buf(),
                message: format!("cannot read: {err}"),
            }),
        }
    }

    /// Parses and validates a config text; errors carry `path` and the line.
    pub fn from_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
        raw::parse(path, text)
    }
}
