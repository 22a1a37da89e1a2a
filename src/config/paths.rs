//! Where tidings keeps its files: config, data and log, from flags or the XDG directories.

use std::path::{Path, PathBuf};

/// The resolved locations of one run.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    pub log_file: PathBuf,
}

impl Paths {
    /// Flags win; otherwise `$XDG_CONFIG_HOME/tidings/config.toml`, `$XDG_DATA_HOME/tidings`,
    /// `$XDG_STATE_HOME/tidings/tidings.log` (with the usual fallbacks under `$HOME`).
    pub fn resolve(config: Option<&Path>, data_dir: Option<&Path>) -> Paths {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        let xdg = |var: &str, fallback: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .unwrap_or_else(|| home.join(fallback))
        };
        let config_file = config
            .map(Path::to_path_buf)
            .unwrap_or_else(|| xdg("XDG_CONFIG_HOME", ".config").join("tidings/config.toml"));
        let data_dir = data_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| xdg("XDG_DATA_HOME", ".local/share").join("tidings"));
        let log_file = xdg("XDG_STATE_HOME", ".local/state").join("tidings/tidings.log");
        Paths {
            config_file,
            data_dir,
            log_file,
        }
    }

    /// The SQLite database inside the data dir.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("tidings.db")
    }
}
