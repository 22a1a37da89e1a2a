//! In the reader, background threads yield the processor to the threads that read keys and draw:
//! while a big refresh keeps every core busy, a key is still read and drawn at once.

#[cfg(target_os = "linux")]
use std::sync::OnceLock;

/// How much lower than the reader's own threads the background work runs (nice +10: about a
/// tenth of the processor share when both want it).
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 10;

/// The nice value of the process's foreground threads, once the reader asked for background
/// threads (headless commands do not: there every thread is the work).
#[cfg(target_os = "linux")]
static FOREGROUND: OnceLock<i32> = OnceLock::new();

/// From now on, [`lower_current_thread`] lowers threads below the calling one's priority.
pub fn enable() {
    #[cfg(target_os = "linux")]
    FOREGROUND.get_or_init(|| rustix::process::getpriority_process(None).unwrap_or(0));
}

/// Runs the calling thread below the foreground (only it: on Linux the nice value is per thread;
/// elsewhere it is per process, so nothing is changed). Does nothing before [`enable`]. Setting
/// it again is harmless. A failure leaves the thread as it was, which costs only latency.
pub fn lower_current_thread() {
    #[cfg(target_os = "linux")]
    if let Some(foreground) = FOREGROUND.get() {
        let background = (foreground + BACKGROUND_NICE).min(19);
        if let Err(error) = rustix::process::setpriority_process(None, background) {
            tracing::debug!(%error, "cannot lower a background thread's priority");
        }
    }
}
