//! Drawing: one file per pane, status line and help; widgets draw from a read-only view of State.
//! Nothing here mutates state, waits on I/O or converts HTML.

mod articles;
mod categories;
mod common;
mod help;
pub mod layout;
mod reader;
mod status;

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;

use crate::app::State;
use crate::config::theme::Theme;

pub use common::{format_date, popularity};

/// What every pane draws from: the state (read-only), the theme, and the time "now" for dates.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    /// Dates are shown in this time's offset; "today" is its date.
    pub now: DateTime<FixedOffset>,
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, now: DateTime<FixedOffset>) {
    let view = View { state, theme, now };
    let areas = layout::panes(frame.area(), state.focus);
    let buf = frame.buffer_mut();
    if let Some(area) = areas.categories {
        categories::render(&view, area, buf);
    }
    if let Some(area) = areas.articles {
        articles::render(&view, area, buf);
    }
    if let Some(area) = areas.reader {
        reader::render(&view, area, buf);
    }
    if let Some(cursor) = status::render(&view, areas.status, buf) {
        frame.set_cursor_position(cursor);
    }
    if state.help.visible {
        let area = frame.area();
        help::render(&view, area, frame.buffer_mut());
    }
}
