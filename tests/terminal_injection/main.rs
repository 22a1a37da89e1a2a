//! No terminal injection, through the real binary: a test server hands tidings an RSS feed, an
//! Atom feed and a JSON Feed whose every field carries terminal escape sequences (CSI, OSC title,
//! OSC 8, OSC 52, DCS, APC, 8-bit C1), C0 controls, bidi overrides and zero-width characters, as
//! raw characters, XML character references and HTML entities; and four sources whose errors
//! quote the server (a web page linking to a hostile feed URL, a 503 with a hostile Retry-After
//! and body, a redirect to a hostile `javascript:` URL, a header carrying raw ESC).
//!
//! The reader runs in a pseudo-terminal: it refreshes, every article is opened and scrolled, a
//! hostile link is copied, the hostile source and every failing source are selected so their
//! names and errors show, the help opens, and it quits. Then `list`, `sources`, `refresh`,
//! `export` and `parse` print the same data to the terminal directly (no ratatui buffer between,
//! which by itself drops control characters). Every byte each run wrote is then tokenized:
//! each escape sequence must be one tidings' own drawing uses (cursor moves, SGR, erase, the
//! private modes it sets and resets), the one OSC is the OSC 52 of the copy with a clean payload,
//! and no C1 control, BEL, BS, VT, FF, DEL, bidi control or zero-width character is there. The
//! same scenario on harmless feeds (the control run) shows which bare controls tidings itself
//! writes. The output is replayed into a vt100 terminal that reports title changes, clipboard
//! writes, bells and every sequence it does not know; the screen shows the payloads' text inert.
//!
//! This file holds what the parts share: the timeouts, the terminal's size and the readers of
//! the screen's panes. `payloads` makes the documents and serves them, `scenario` drives one run,
//! `output` reads what a run wrote, and `no_injection` is the test.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pty.rs"]
mod pty;
#[path = "../common/screen.rs"]
mod screen;

mod no_injection;
mod output;
mod payloads;
mod scenario;

use std::time::Duration;

use screen::{first_pane, reader_text};

/// Long enough for a debug build to start and refresh on a busy machine.
const SLOW: Duration = Duration::from_secs(60);
/// For the screen to answer a key.
const KEY: Duration = Duration::from_secs(15);
const COLS: u16 = 120;
const ROWS: u16 = 40;

fn status_line(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().trim().to_string()
}

/// The categories pane's rows, markers and counts kept.
fn category_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .filter_map(first_pane)
        .map(|cell| cell.trim_end().to_string())
        .take_while(|cell| !cell.trim().is_empty())
        .collect()
}

/// The position of the categories row whose name (after markers) starts with `name`.
fn category_index(screen: &str, name: &str) -> usize {
    category_rows(screen)
        .iter()
        .position(|row| {
            row.trim_start_matches(['▸', '▾', ' ', '!'])
                .starts_with(name)
        })
        .unwrap_or_else(|| panic!("no category row {name:?}:\n{screen}"))
}

/// The count beside a categories row (`▸ Hostile   9` → 9).
fn category_count(screen: &str, name: &str) -> Option<u64> {
    let rows = category_rows(screen);
    let row = rows.iter().find(|row| {
        row.trim_start_matches(['▸', '▾', ' ', '!'])
            .starts_with(name)
    })?;
    row.rsplit(' ').next()?.replace(',', "").parse().ok()
}

/// `(position, length)` from the reader's top border: `┌ Reader ─── 3/52 ┐`.
fn reader_position(screen: &str) -> Option<(usize, usize)> {
    let top = screen.lines().next()?;
    let after = top.split(" Reader ").nth(1)?;
    let numbers = after.trim_matches(|c: char| !c.is_ascii_digit());
    let (at, len) = numbers.split_once('/')?;
    let len: String = len.chars().take_while(char::is_ascii_digit).collect();
    Some((at.parse().ok()?, len.parse().ok()?))
}
