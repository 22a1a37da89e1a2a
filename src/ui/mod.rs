//! Drawing: one file per pane, status line and help; widgets draw from a read-only view of State.

pub mod layout;
