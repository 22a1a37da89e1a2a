//! The real binary in a pseudo-terminal: the reader on the demo (and on sources served by a test
//! server), driven by keys and read from the screen. Every wait is for screen text, never a fixed
//! time, except the short pause after Esc that keeps Esc+key from being read as Alt+key.
//!
//! This file holds what the tests share: the reader in its throwaway home and the helpers that
//! read its panes from the screen.

#[path = "../common/pty.rs"]
mod pty;
#[path = "../common/screen.rs"]
mod screen;

mod keymap;
mod navigation;
mod reading;
mod refresh;
mod restore;
mod search;

use std::time::Duration;

use pty::Terminal;
use screen::{first_pane, reader_text};

/// Long enough for a debug build to start, serve the demo and refresh it on a busy CI machine.
const SLOW: Duration = Duration::from_secs(60);
/// For the screen to answer a key.
const KEY: Duration = Duration::from_secs(15);

/// A reader in a terminal, with its throwaway home.
struct Reader {
    term: Terminal,
    home: tempfile::TempDir,
}

impl Reader {
    fn start(args: &[&str], cols: u16, rows: u16) -> Reader {
        let home = tempfile::tempdir().unwrap();
        let term = Terminal::start(home.path(), args, cols, rows);
        Reader { term, home }
    }

    /// `tidings --demo`, waited on until its first refresh has stored articles.
    fn demo(cols: u16, rows: u16) -> Reader {
        let reader = Reader::start(&["--demo"], cols, rows);
        reader.wait_refreshed();
        reader
    }

    fn wait_refreshed(&self) -> String {
        // The counts beside the categories arrive just after the summary (a load of their own).
        self.term.wait_until("the first refresh", SLOW, |s| {
            status_line(s).contains("Refreshed ")
                && ["All", "Campus", "Tech"]
                    .iter()
                    .all(|name| category_count(s, name).unwrap_or(0) > 0)
        })
    }

    fn wait_for(&self, text: &str) -> String {
        self.term.wait_for(text, KEY)
    }

    fn wait_gone(&self, text: &str) -> String {
        self.term
            .wait_until(&format!("{text:?} to go"), KEY, |s| !s.contains(text))
    }

    /// Waits for the article list titled `title` to have loaded its rows.
    fn wait_list(&self, title: &str) -> String {
        self.term
            .wait_until(&format!("the list {title:?}"), KEY, |s| {
                s.contains(&format!("Articles · {title} ")) && loaded(s)
            })
    }

    fn keys(&mut self, keys: &[&str]) {
        for key in keys {
            self.term.key(key);
        }
    }

    /// Esc alone: the pause keeps the next key from being read as Alt+key.
    fn esc(&mut self) {
        self.term.key("Esc");
        std::thread::sleep(Duration::from_millis(100));
    }

    fn screen(&self) -> String {
        self.term.screen()
    }
}

fn lines(screen: &str) -> Vec<&str> {
    screen.lines().collect()
}

fn status_line(screen: &str) -> String {
    screen
        .lines()
        .last()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

/// The count shown beside a row of the categories pane (`▸ Campus   33` → 33).
fn category_count(screen: &str, name: &str) -> Option<u64> {
    screen.lines().find_map(|line| {
        let cell = first_pane(line)?;
        let cell = cell.trim_start_matches(['▸', '▾', ' ', '!']);
        let rest = cell.strip_prefix(name)?;
        if !rest.starts_with(' ') {
            return None;
        }
        rest.trim().replace(',', "").parse().ok()
    })
}

/// Whether the categories pane has a row for `name` (a category without unread shows no count).
fn category_row(screen: &str, name: &str) -> bool {
    screen.lines().filter_map(first_pane).any(|cell| {
        let cell = cell.trim_start_matches(['▸', '▾', ' ', '!']);
        cell.strip_prefix(name)
            .is_some_and(|rest| rest.trim().chars().all(|c| c.is_ascii_digit() || c == ','))
    })
}

/// The article list's rows (120 columns): the text of the second pane, marker removed.
fn list_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split('│');
            cells.next()?;
            cells.next()?;
            cells.next()?;
            let row = cells.next()?;
            let row = row.trim_start_matches(['●', '★', ' ']).trim_end();
            (!row.is_empty()).then(|| row.to_string())
        })
        .collect()
}

/// The article list shows rows (not "Loading…").
fn loaded(screen: &str) -> bool {
    !screen.contains("Loading…") && !list_rows(screen).is_empty()
}

/// The start of a list row's title, short enough to be whole in the list and the reader.
fn title_start(row: &str) -> String {
    row.chars()
        .take(16)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// The line whose cell at `column` has a background colour: the selected row of the pane there
/// (the selection is shown by colour only, so the raw output is replayed into a screen of our own
/// that keeps the cells' attributes).
fn selected_line(term: &Terminal, cols: u16, rows: u16, column: u16) -> Option<String> {
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(&term.raw());
    let screen = parser.screen();
    (1..rows.saturating_sub(2))
        .find(|row| {
            screen
                .cell(*row, column)
                .is_some_and(|cell| cell.bgcolor() != vt100::Color::Default)
        })
        .and_then(|row| screen.rows(0, cols).nth(usize::from(row)))
}

/// Waits until the selected row of the pane at `column` satisfies `pred`.
fn wait_selected(
    term: &Terminal,
    size: (u16, u16),
    column: u16,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let start = std::time::Instant::now();
    loop {
        let line = selected_line(term, size.0, size.1, column);
        if let Some(line) = line.as_deref().filter(|line| pred(line)) {
            return line.to_string();
        }
        assert!(
            start.elapsed() < KEY,
            "timed out waiting for {what}; selected: {line:?}; screen:\n{}",
            term.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The first inner column of the article list at 120 columns (categories take 24).
const LIST_COLUMN: u16 = 25;

/// `(position, length)` from the reader's top border: `┌ Reader ─── 33/52 ┐`.
fn reader_position(screen: &str) -> Option<(usize, usize)> {
    let top = screen.lines().next()?;
    let after = &top[top.find("Reader")?..];
    let number = after
        .trim_end()
        .trim_end_matches('┐')
        .trim_end()
        .rsplit(' ')
        .next()?;
    let (at, len) = number.split_once('/')?;
    Some((at.parse().ok()?, len.parse().ok()?))
}

/// `/`, the query, Enter; waits for the results list.
fn search(reader: &mut Reader, query: &str) -> String {
    reader.keys(&["/"]);
    reader.term.wait_until("the search prompt", KEY, |s| {
        status_line(s).starts_with("Search:")
    });
    reader.term.send(query.as_bytes());
    reader.wait_for(&format!("Search: {query}"));
    reader.keys(&["Enter"]);
    reader.term.wait_until("search results", KEY, |s| {
        s.contains(&format!("Articles · Search “{query}”")) && loaded(s)
    })
}
