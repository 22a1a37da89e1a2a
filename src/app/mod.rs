//! The reader's state machine: State, Action (user intent), Msg (facts from workers),
//! `update()` → effects. Pure: no terminal, network, database or clock access here.

mod action;
mod articles;
mod categories;
mod effect;
mod input;
mod msg;
mod reader;
mod receive;
mod search;
mod status;
pub mod text;
mod update;

#[cfg(test)]
mod tests;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

use crate::config::keymap::Keymap;

pub use action::{ACTIONS, Action, UnknownAction};
pub use articles::{ArticlesState, Direction, MARGIN, WINDOW};
pub use categories::{CategoriesState, CategoryRow, RowKind};
pub use effect::{Effect, RefreshScope};
pub use msg::{Msg, ReaderBody, RefreshTally, SourceOutcome};
pub use reader::ReaderState;
pub use search::{HelpState, SearchState};
pub use status::{RefreshProgress, StatusMessage, StatusState};
pub use update::{is_web_link, start, update};

/// The three panes, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pane {
    #[default]
    Categories,
    Articles,
    Reader,
}

impl Pane {
    pub fn next(self) -> Pane {
        match self {
            Pane::Categories => Pane::Articles,
            Pane::Articles => Pane::Reader,
            Pane::Reader => Pane::Categories,
        }
    }

    pub fn prev(self) -> Pane {
        match self {
            Pane::Categories => Pane::Reader,
            Pane::Articles => Pane::Categories,
            Pane::Reader => Pane::Articles,
        }
    }
}

/// Everything `update` takes: terminal events, user intents, and facts from workers.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// A text paste (bracketed paste), typed into the search prompt when it is open.
    Paste(String),
    Action(Action),
    Msg(Box<Msg>),
}

impl From<Action> for Input {
    fn from(action: Action) -> Input {
        Input::Action(action)
    }
}

impl From<Msg> for Input {
    fn from(msg: Msg) -> Input {
        Input::Msg(Box::new(msg))
    }
}

/// The whole UI state: one sub-state per pane, plus the keymap that keys are read with.
#[derive(Debug, Clone)]
pub struct State {
    pub keymap: Keymap,
    /// The terminal's size.
    pub area: Rect,
    pub focus: Pane,
    pub categories: CategoriesState,
    pub articles: ArticlesState,
    pub reader: ReaderState,
    pub status: StatusState,
    pub search: SearchState,
    pub help: HelpState,
    /// Set by `Quit`; every later input is ignored.
    pub quitting: bool,
}

impl State {
    pub fn new(keymap: Keymap, width: u16, height: u16) -> State {
        State {
            keymap,
            area: Rect::new(0, 0, width, height),
            focus: Pane::Categories,
            categories: CategoriesState::new(),
            articles: ArticlesState::default(),
            reader: ReaderState::default(),
            status: StatusState::default(),
            search: SearchState::default(),
            help: HelpState::default(),
            quitting: false,
        }
    }

    /// The title of the article list: the name of the view it shows.
    pub fn list_title(&self) -> String {
        self.categories.view_title(&self.articles.view)
    }

    /// The error of the selected source, when its last refresh failed.
    pub fn selected_source_error(&self) -> Option<(&str, &str)> {
        let view = &self.categories.selected()?.view;
        let crate::model::ArticleView::Source(id) = view else {
            return None;
        };
        let source = self.categories.source(*id)?;
        Some((source.name.as_str(), source.last_error.as_deref()?))
    }
}
