//! Logging with tracing to the log file only, never the screen.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts writing logs to `file` at `level`; keep the guard alive until exit so lines are flushed.
/// When the file cannot be opened, logging is off: the reader must still work.
pub fn init(file: &Path, level: &str) -> Option<WorkerGuard> {
    let dir = file.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, file.file_name()?);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_new(format!("tidings={level}"))
        .unwrap_or_else(|_| EnvFilter::new("tidings=info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
