//! The TUI loop: owns the terminal, one inbox, runs effects, draws when dirty.

use crate::config::paths::Paths;

/// Starts the reader (placeholder until the loop lands).
pub fn start(_paths: &Paths, _demo: bool) -> Result<(), String> {
    Err("the reader is not built yet; use the headless commands".to_string())
}
