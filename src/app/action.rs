//! User intents: the `Action` enum that keys map to, with config names and help descriptions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Something the user asked for. Keys map to actions through the keymap; `update` handles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SelectNext,
    SelectPrev,
    FocusNext,
    FocusPrev,
    Open,
    PageDown,
    PageUp,
    Top,
    Bottom,
    NextUnread,
    PrevUnread,
    ToggleRead,
    MarkAllRead,
    ToggleStar,
    OpenInBrowser,
    /// Open link N (1-based) of the article in the reader.
    OpenLink(u8),
    CopyLink,
    Refresh,
    RefreshAll,
    Search,
    ToggleUnreadOnly,
    CycleSort,
    ToggleCollapse,
    Help,
    Back,
    ScrollUp,
    ScrollDown,
    Suspend,
    Quit,
}

/// Every action without a payload, in the order help lists them. `OpenLink` is listed once.
pub const ACTIONS: &[Action] = &[
    Action::SelectNext,
    Action::SelectPrev,
    Action::FocusNext,
    Action::FocusPrev,
    Action::Open,
    Action::Back,
    Action::PageDown,
    Action::PageUp,
    Action::ScrollDown,
    Action::ScrollUp,
    Action::Top,
    Action::Bottom,
    Action::NextUnread,
    Action::PrevUnread,
    Action::ToggleRead,
    Action::MarkAllRead,
    Action::ToggleStar,
    Action::OpenInBrowser,
    Action::OpenLink(1),
    Action::CopyLink,
    Action::Refresh,
    Action::RefreshAll,
    Action::Search,
    Action::ToggleUnreadOnly,
    Action::CycleSort,
    Action::ToggleCollapse,
    Action::Help,
    Action::Suspend,
    Action::Quit,
];

impl Action {
    /// The snake_case name used in the `[keys]` table of the config.
    pub fn name(self) -> String {
        let name = match self {
            Action::SelectNext => "select_next",
            Action::SelectPrev => "select_prev",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::Open => "open",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::NextUnread => "next_unread",
            Action::PrevUnread => "prev_unread",
            Action::ToggleRead => "toggle_read",
            Action::MarkAllRead => "mark_all_read",
            Action::ToggleStar => "toggle_star",
            Action::OpenInBrowser => "open_in_browser",
            Action::OpenLink(n) => return format!("open_link_{n}"),
            Action::CopyLink => "copy_link",
            Action::Refresh => "refresh",
            Action::RefreshAll => "refresh_all",
            Action::Search => "search",
            Action::ToggleUnreadOnly => "toggle_unread_only",
            Action::CycleSort => "cycle_sort",
            Action::ToggleCollapse => "toggle_collapse",
            Action::Help => "help",
            Action::Back => "back",
            Action::ScrollUp => "scroll_up",
            Action::ScrollDown => "scroll_down",
            Action::Suspend => "suspend",
            Action::Quit => "quit",
        };
        name.to_string()
    }

    /// What the action does, for help. Wording lives here so help and hints agree.
    pub fn description(self) -> &'static str {
        match self {
            Action::SelectNext => "move down",
            Action::SelectPrev => "move up",
            Action::FocusNext => "next pane",
            Action::FocusPrev => "previous pane",
            Action::Open => "open",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "go to top",
            Action::Bottom => "go to bottom",
            Action::NextUnread => "next unread",
            Action::PrevUnread => "previous unread",
            Action::ToggleRead => "toggle read",
            Action::MarkAllRead => "mark all shown read",
            Action::ToggleStar => "toggle star",
            Action::OpenInBrowser => "open in browser",
            Action::OpenLink(_) => "open link N in browser",
            Action::CopyLink => "copy link (OSC 52)",
            Action::Refresh => "refresh selected source or category",
            Action::RefreshAll => "refresh all sources",
            Action::Search => "search all articles",
            Action::ToggleUnreadOnly => "show unread only",
            Action::CycleSort => "sort by date, views, score",
            Action::ToggleCollapse => "collapse or expand category",
            Action::Help => "this help",
            Action::Back => "back / close",
            Action::ScrollUp => "scroll up",
            Action::ScrollDown => "scroll down",
            Action::Suspend => "suspend to shell",
            Action::Quit => "quit",
        }
    }

    /// A one-word label for the status-line hints.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Help => "help",
            Action::Refresh => "refresh",
            Action::RefreshAll => "all",
            Action::Search => "search",
            Action::Quit => "quit",
            Action::Open => "open",
            Action::Back => "back",
            Action::OpenInBrowser => "browser",
            Action::ToggleStar => "star",
            Action::ToggleRead => "read",
            _ => self.description(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An action name that the config used but no action has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}`")]
pub struct UnknownAction(pub String);

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(text: &str) -> Result<Action, UnknownAction> {
        let text = text.trim();
        if let Some(n) = text.strip_prefix("open_link_") {
            return match n.parse::<u8>() {
                Ok(n @ 1..=9) => Ok(Action::OpenLink(n)),
                _ => Err(UnknownAction(text.to_string())),
            };
        }
        ACTIONS
            .iter()
            .copied()
            .filter(|action| !matches!(action, Action::OpenLink(_)))
            .find(|action| action.name() == text)
            .ok_or_else(|| UnknownAction(text.to_string()))
    }
}
