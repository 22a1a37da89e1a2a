//! The status line's state: refresh progress, the last summary, a transient message.

use super::msg::RefreshTally;

/// A refresh in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshProgress {
    /// 0 until the refresh reports how many sources it covers.
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub new_articles: usize,
    /// The latest failure: source name and its one-line error.
    pub last_failure: Option<(String, String)>,
    /// Lists were reloaded since the last `RefreshTick`: further changes wait for the next tick,
    /// so thousands of finished sources cost a few reloads a second, not one each.
    pub reloaded_since_tick: bool,
    /// The article list shows a source that changed since it was last reloaded.
    pub stale_articles: bool,
    /// Counts changed since the sources were last reloaded.
    pub stale_sources: bool,
}

/// A message shown until the next key press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, Default)]
pub struct StatusState {
    pub refresh: Option<RefreshProgress>,
    pub summary: Option<RefreshTally>,
    pub message: Option<StatusMessage>,
    /// Shown when nothing else is, e.g. how to add sources when running on the demo.
    pub idle_hint: Option<String>,
}

impl StatusState {
    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(StatusMessage {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(StatusMessage {
            text: text.into(),
            error: true,
        });
    }

    pub fn refreshing(&self) -> bool {
        self.refresh.is_some()
    }
}
