//! The real binary in a pseudo-terminal: the reader on the demo (and on sources served by a test
//! server), driven by keys and read from the screen. Every wait is for screen text, never a fixed
//! time, except the short pause after Esc that keeps Esc+key from being read as Alt+key.

#[path = "common/pty.rs"]
mod pty;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use pty::Terminal;

/// Long enough for a debug build to start, serve the demo and refresh it on a busy CI machine.
const SLOW: Duration = Duration::from_secs(60);
/// For the screen to answer a key.
const KEY: Duration = Duration::from_secs(15);

const LEAVE_ALT_SCREEN: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

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

/// The text of the first pane on a line: between the first two `│`.
fn first_pane(line: &str) -> Option<&str> {
    let rest = line.split_once('│')?.1;
    Some(rest.split_once('│').map_or(rest, |(cell, _)| cell))
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

/// Waits until the raw output ends with the terminal restored.
fn wait_restored(term: &Terminal) -> String {
    let start = std::time::Instant::now();
    loop {
        let raw = String::from_utf8_lossy(&term.raw()).to_string();
        if raw.trim_end_matches(['\r', '\n']).ends_with(SHOW_CURSOR) || start.elapsed() > KEY {
            return raw;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The escapes that put the terminal back: after the last time the TUI set a mode up, the mode
/// is taken down again, and the very last bytes leave the alternate screen and show the cursor.
fn assert_restored(raw: &str) {
    let mut tail = raw.trim_end_matches(['\r', '\n']);
    while let Some(rest) = tail.strip_suffix(SHOW_CURSOR) {
        tail = rest;
    }
    assert!(
        tail.ends_with(LEAVE_ALT_SCREEN) && raw.ends_with(SHOW_CURSOR),
        "output does not end by leaving the alternate screen and showing the cursor: {:?}",
        &tail[tail.len().saturating_sub(200)..]
    );
    for (on, off) in [
        ("\x1b[?1049h", LEAVE_ALT_SCREEN),
        ("\x1b[?1000h", "\x1b[?1000l"),
        ("\x1b[?1002h", "\x1b[?1002l"),
        ("\x1b[?1003h", "\x1b[?1003l"),
        ("\x1b[?1006h", "\x1b[?1006l"),
        ("\x1b[?2004h", "\x1b[?2004l"),
    ] {
        let Some(set) = raw.rfind(on) else {
            continue;
        };
        let reset = raw.rfind(off);
        assert!(
            reset.is_some_and(|reset| reset > set),
            "{on:?} was not undone by {off:?}"
        );
    }
    assert!(
        raw.contains("\x1b[?1049h"),
        "the alternate screen was never entered"
    );
}

/// The line discipline of the terminal a process runs on, read with `stty` once it has exited
/// (the pseudo-terminal lives on while the test holds its master side).
#[cfg(target_os = "linux")]
fn tty_of(pid: u32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/fd/0")).ok()
}

#[cfg(target_os = "linux")]
fn stty(tty: &std::path::Path) -> String {
    let out = std::process::Command::new("stty")
        .arg("-a")
        .arg("-F")
        .arg(tty)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Cooked mode: canonical input, echo and signals are on again (raw mode turns all three off).
#[cfg(target_os = "linux")]
fn assert_cooked(settings: &str) {
    let words: Vec<&str> = settings.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(
            words.contains(&flag),
            "the terminal is still in raw mode ({flag} is off):\n{settings}"
        );
    }
}

#[test]
fn start_shows_categories_with_counts() {
    let reader = Reader::start(&["--demo"], 120, 40);
    // The screen the wait saw: a later one can be caught halfway through a redraw.
    let screen = reader.wait_refreshed();
    assert!(screen.contains("┌ Categories"), "{screen}");
    assert!(screen.contains("Articles · All"), "{screen}");
    for name in ["All", "Unread", "Starred", "Campus", "Tech"] {
        assert!(
            category_count(&screen, name).is_some(),
            "no count beside {name}:\n{screen}"
        );
    }
    let all = category_count(&screen, "All").unwrap();
    let unread = category_count(&screen, "Unread").unwrap();
    let campus = category_count(&screen, "Campus").unwrap();
    let tech = category_count(&screen, "Tech").unwrap();
    assert_eq!(all, unread, "nothing was read yet:\n{screen}");
    assert_eq!(category_count(&screen, "Starred"), Some(0), "{screen}");
    assert!(campus > 0 && tech > 0, "{screen}");
    assert!(campus + tech <= all, "{screen}");
    // The list shows the stored articles, and the status line the summary and the key hints.
    assert!(list_rows(&screen).len() > 10, "{screen}");
    let status = status_line(&screen);
    assert!(
        status.contains("Refreshed ") && status.contains(" new"),
        "{status}"
    );
    assert!(
        status.contains("? help") && status.contains("q quit"),
        "{status}"
    );
}

#[test]
fn move_with_keys_and_open_an_article() {
    let mut reader = Reader::demo(120, 40);
    // j/k move the categories cursor; the list follows the selection.
    reader.keys(&["j"]);
    reader.wait_for("Articles · Unread");
    reader.keys(&["j"]);
    reader.wait_for("Articles · Starred");
    reader.keys(&["k"]);
    reader.wait_for("Articles · Unread");
    reader.keys(&["j", "j"]);
    let screen = reader.wait_list("Campus");
    assert!(screen.contains("▸ Campus"), "collapsed:\n{screen}");
    let rows = list_rows(&screen);
    assert!(rows.len() >= 2, "{screen}");
    let (first, second) = (title_start(&rows[0]), title_start(&rows[1]));

    // `l` moves the focus to the list, on its first article; `j` selects the second; Enter
    // opens it.
    reader.keys(&["l"]);
    wait_selected(
        &reader.term,
        (120, 40),
        LIST_COLUMN,
        "the first article",
        |line| line.contains(&first),
    );
    reader.keys(&["j"]);
    wait_selected(
        &reader.term,
        (120, 40),
        LIST_COLUMN,
        "the second article",
        |line| line.contains(&second),
    );
    reader.keys(&["Enter"]);
    let screen = reader
        .term
        .wait_until("the second article's header", KEY, |s| {
            s.contains("opened once by you")
                && reader_text(s).contains(&second)
                && reader_position(s).is_some()
        });
    let header = reader_text(&screen);
    assert!(header.contains("Campus · "), "category · source:\n{screen}");
    assert!(header.contains("Time 20"), "publish time:\n{screen}");
    assert!(header.contains(" views"), "views:\n{screen}");
    assert!(header.contains("http://127.0.0.1:"), "link:\n{screen}");
    assert!(reader_position(&screen).is_some(), "body length:\n{screen}");
    // Opening marked it read: one unread fewer.
    let unread = category_count(&screen, "Unread").unwrap();
    assert_eq!(
        unread + 1,
        category_count(&screen, "All").unwrap(),
        "{screen}"
    );

    // Esc goes back to the list; `k` and Enter open the first article instead.
    reader.esc();
    reader.keys(&["k", "Enter"]);
    let screen = reader
        .term
        .wait_until("the first article's header", KEY, |s| {
            reader_text(s).contains(&first) && s.contains("opened once by you")
        });
    assert!(!reader_text(&screen).contains(&second), "{screen}");

    // Tab cycles the focus: reader → categories; `j` there moves the categories cursor again.
    reader.keys(&["Tab", "j"]);
    reader.wait_for("Articles · Tech");
}

/// The reader pane's text (120 columns): what follows the second pane on each line.
fn reader_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|line| line.split('│').nth(5))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scroll_the_reader() {
    let mut reader = Reader::demo(120, 40);
    // The demo's longest feed story (a list, a quote, code and a table) is the one with coffee.
    search(&mut reader, "coffee");
    reader.keys(&["Enter"]);
    let screen = reader.term.wait_until("the article's body", KEY, |s| {
        reader_position(s).is_some() && reader_text(s).contains("The Rust project has shipped")
    });
    assert!(reader_text(&screen).contains("Rust 1.95"), "{screen}");
    let (at, len) = reader_position(&screen).unwrap();
    assert_eq!(at, 1, "{screen}");
    assert!(len > 40, "a body longer than the pane:\n{screen}");

    // Space pages down: the first paragraph leaves the pane and later lines come in.
    reader.keys(&[" "]);
    let screen = reader.term.wait_until("a page down", KEY, |s| {
        reader_position(s).unwrap_or((1, 0)).0 > 1
    });
    let (paged, _) = reader_position(&screen).unwrap();
    assert!(paged > 10, "{screen}");
    assert!(
        !reader_text(&screen).contains("The Rust project has shipped"),
        "{screen}"
    );
    // The header stays put above the body.
    assert!(reader_text(&screen).contains("Rust 1.95"), "{screen}");

    // PgDn pages further (or to the end); `g` goes back to the top.
    reader.keys(&["PgDn"]);
    reader.term.wait_until("a second page down", KEY, |s| {
        reader_position(s).is_some_and(|(at, len)| at > paged || at == len)
    });
    reader.keys(&["g"]);
    reader.term.wait_until("the top", KEY, |s| {
        reader_position(s).is_some_and(|(at, _)| at == 1)
            && reader_text(s).contains("The Rust project has shipped")
    });
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

#[test]
fn search_finds_articles_and_esc_returns() {
    let mut reader = Reader::demo(120, 40);
    let screen = search(&mut reader, "Seminar");
    let rows = list_rows(&screen);
    assert!(
        rows.iter().any(|row| row.starts_with("Seminar on Digital")),
        "{screen}"
    );
    // The search is a virtual view in the categories pane too, with its count.
    assert!(
        category_count(&screen, "Search “Seminar”").is_some_and(|n| n >= 1),
        "{screen}"
    );
    assert!(rows.len() < 10, "only matches are listed:\n{screen}");

    // Esc leaves the search and returns to the view it started from.
    reader.esc();
    let screen = reader.wait_list("All");
    assert!(!screen.contains("Search “"), "{screen}");
    assert!(list_rows(&screen).len() > 10, "{screen}");

    // Chinese text is found too (the demo's GBK section).
    let screen = search(&mut reader, "田径运动");
    assert!(
        list_rows(&screen).iter().any(|row| row.contains("田径")),
        "{screen}"
    );
    reader.esc();
    reader.wait_for("Articles · All");
}

#[test]
fn help_is_generated_from_the_keymap() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("remapped.toml");
    std::fs::write(
        &config,
        "[keys]\nx = \"search\"\n\"/\" = \"none\"\nf5 = \"refresh_all\"\n",
    )
    .unwrap();
    let mut reader = Reader::start(&["--demo", "--config", config.to_str().unwrap()], 120, 40);
    let screen = reader.wait_refreshed();
    // The status line's hints come from the keymap: search is on `x` now.
    let status = status_line(&screen);
    assert!(status.contains("x search"), "{status}");
    assert!(!status.contains("/ search"), "{status}");

    reader.keys(&["?"]);
    let screen = reader.wait_for(" Keys ");
    let help_line = |description: &str| {
        screen
            .lines()
            .find(|line| line.contains(description))
            .unwrap_or_else(|| panic!("no {description:?} in help:\n{screen}"))
            .to_string()
    };
    for (description, keys) in [
        ("search all articles", "x"),
        ("refresh all sources", "R F5"),
        ("move down", "j ↓"),
        ("this help", "?"),
        ("quit", "q Ctrl-c"),
    ] {
        let line = help_line(description);
        let before = line.split(description).next().unwrap().trim_end();
        assert!(
            before.ends_with(&format!(" {keys}")) || before.ends_with(&format!("│ {keys}")),
            "help shows {description:?} on {before:?}, expected {keys:?}:\n{screen}"
        );
    }

    // Esc closes the help; the remapped key works, the unbound one does nothing.
    reader.esc();
    reader.wait_gone(" Keys ");
    reader.keys(&["/"]);
    reader.keys(&["x"]);
    let screen = reader.term.wait_until("the search prompt", KEY, |s| {
        status_line(s).starts_with("Search:")
    });
    assert_eq!(status_line(&screen), "Search:", "`/` typed nothing");
    reader.esc();
    reader.term.wait_until("the prompt to close", KEY, |s| {
        !status_line(s).starts_with("Search:")
    });
    reader.keys(&["q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
}

#[test]
fn quit_restores_the_terminal() {
    let mut reader = Reader::demo(120, 40);
    let pid = reader.term.pid().unwrap();
    #[cfg(target_os = "linux")]
    let tty = tty_of(pid);
    reader.keys(&["q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
    let raw = wait_restored(&reader.term);
    assert_restored(&raw);
    #[cfg(target_os = "linux")]
    assert_cooked(&stty(&tty.unwrap()));
    // The throwaway data dir of the demo is gone; nothing was written to the real one.
    let throwaway = std::env::temp_dir().join(format!("tidings-demo-{pid}"));
    assert!(!throwaway.exists(), "{} is left", throwaway.display());
    assert!(!reader.home.path().join("data/tidings/tidings.db").exists());
}

#[test]
fn quit_from_the_reader_pane_and_during_a_refresh() {
    let mut reader = Reader::demo(120, 40);
    reader.keys(&["l", "Enter"]);
    reader.wait_for("opened once by you");
    reader.keys(&["R", "q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
    assert_restored(&wait_restored(&reader.term));
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut reader = Reader::demo(120, 40);
    let pid = reader.term.pid().unwrap();
    #[cfg(target_os = "linux")]
    let tty = tty_of(pid);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(reader.term.wait_exit(SLOW), "exit status after SIGTERM");
    assert_restored(&wait_restored(&reader.term));
    #[cfg(target_os = "linux")]
    assert_cooked(&stty(&tty.unwrap()));
}

#[test]
fn narrow_terminal_shows_one_pane_at_a_time() {
    let mut reader = Reader::demo(80, 24);
    let screen = reader.screen();
    assert!(screen.contains("┌ Categories"), "{screen}");
    assert!(!screen.contains("Articles ·"), "{screen}");
    assert!(!screen.contains("Reader"), "{screen}");
    assert!(
        category_count(&screen, "All").is_some_and(|n| n > 0),
        "{screen}"
    );
    // Every line is one pane wide: one border on each side.
    for line in lines(&screen).iter().take(22).skip(1) {
        assert_eq!(line.matches('│').count(), 2, "{line:?}\n{screen}");
    }

    // Enter on All shows the article list alone.
    reader.keys(&["Enter"]);
    let screen = reader.wait_for("Articles · All");
    assert!(!screen.contains("┌ Categories"), "{screen}");
    let row = wait_selected(&reader.term, (80, 24), 1, "a selected article", |_| true);
    let title = title_start(first_pane(&row).unwrap().trim_start_matches(['●', ' ']));
    // Enter opens the selected article in the reader, alone; Esc goes back up one pane at a time.
    reader.keys(&["Enter"]);
    let screen = reader.term.wait_until("the reader", KEY, |s| {
        s.contains("Reader") && s.contains("opened once by you")
    });
    assert!(!screen.contains("Articles ·"), "{screen}");
    assert!(screen.contains(&title), "{title:?}\n{screen}");
    reader.esc();
    reader.wait_for("Articles · All");
    reader.esc();
    let screen = reader.wait_for("┌ Categories");
    assert!(!screen.contains("Articles ·"), "{screen}");
    reader.keys(&["q"]);
    assert!(reader.term.wait_exit(SLOW), "exit status");
}

#[test]
fn page_source_article_shows_views_that_grow_on_refresh() {
    let mut reader = Reader::demo(120, 40);
    // All, Unread, Starred, Campus: Enter expands Campus and focuses its list; back in the
    // categories pane, Campus's sources are beneath it.
    reader.keys(&["j", "j", "j", "Enter"]);
    let screen = reader.term.wait_until("Campus expanded", KEY, |s| {
        s.contains("Articles · Campus") && s.contains("▾ Campus")
    });
    let sources: Vec<String> = screen
        .lines()
        .filter_map(first_pane)
        .skip_while(|cell| !cell.contains("Campus"))
        .skip(1)
        .take_while(|cell| cell.starts_with("  ") && !cell.trim().is_empty())
        .map(|cell| cell.trim().to_string())
        .collect();
    let Some(below) = sources.iter().position(|s| s.starts_with("College News")) else {
        panic!("no College News source under Campus:\n{screen}");
    };
    reader.keys(&["h"]);
    for _ in 0..=below {
        reader.keys(&["j"]);
    }
    reader.keys(&["Enter"]);
    let screen = reader.wait_list("College News");
    assert!(
        category_count(&screen, "College News").is_some_and(|n| n > 0),
        "{screen}"
    );
    let row = list_rows(&screen).first().cloned().unwrap();
    let title = title_start(&row);
    reader.keys(&["Enter"]);
    let screen = reader
        .term
        .wait_until("the page article's header", KEY, |s| {
            reader_text(s).contains(&title) && s.contains("opened once by you")
        });
    let views = header_views(&screen).unwrap_or_else(|| panic!("no views:\n{screen}"));
    assert!(
        reader_text(&screen).contains("Campus · College News"),
        "{screen}"
    );

    // `r` refreshes the selected source; the site's counter has grown since.
    reader.keys(&["r"]);
    let screen = reader.term.wait_until("the views to grow", SLOW, |s| {
        status_line(s).contains("Refreshed 1 source") && header_views(s).is_some_and(|n| n > views)
    });
    assert!(reader_text(&screen).contains(&title), "{screen}");
}

/// The views number in the reader header: `… · 1,721 views`.
fn header_views(screen: &str) -> Option<u64> {
    let text = reader_text(screen);
    let before = text.split(" views").next()?;
    before.rsplit(' ').next()?.replace(',', "").parse().ok()
}

/// A feed server whose `/slow.xml` answers only when the test lets it.
struct HeldServer {
    port: u16,
    gate: Arc<(Mutex<bool>, Condvar)>,
    slow_requests: Arc<AtomicUsize>,
}

impl HeldServer {
    fn start() -> HeldServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let slow_requests = Arc::new(AtomicUsize::new(0));
        let (gate2, slow2) = (gate.clone(), slow_requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (gate, slow) = (gate2.clone(), slow2.clone());
                std::thread::spawn(move || answer(stream, &gate, &slow));
            }
        });
        HeldServer {
            port,
            gate,
            slow_requests,
        }
    }

    fn release(&self) {
        let (open, wake) = &*self.gate;
        *open.lock().unwrap() = true;
        wake.notify_all();
    }
}

fn answer(stream: TcpStream, gate: &(Mutex<bool>, Condvar), slow: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/").to_string();
    let body = match path.as_str() {
        "/quick.xml" => feed("Quick", 6),
        "/slow.xml" => {
            slow.fetch_add(1, Ordering::SeqCst);
            let (open, wake) = gate;
            let guard = open.lock().unwrap();
            let _released = wake
                .wait_timeout_while(guard, Duration::from_secs(25), |open| !*open)
                .unwrap();
            feed("Slow", 4)
        }
        _ => String::new(),
    };
    let status = if body.is_empty() {
        "404 Not Found"
    } else {
        "200 OK"
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn feed(name: &str, n: usize) -> String {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<item><title>{name} story {i}</title><link>https://example.org/{name}/{i}</link>\
                 <guid>{name}-{i}</guid><pubDate>Mon, 0{d} Jun 2026 10:00:00 GMT</pubDate>\
                 <description>&lt;p&gt;Body of {name} story {i}&lt;/p&gt;</description></item>",
                d = i + 1
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>{name} wire</title><link>https://example.org/{name}</link>\
         <description>test</description>{items}</channel></rss>"
    )
}

#[test]
fn refresh_shows_progress_and_keys_work_while_it_runs() {
    let server = HeldServer::start();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let data = home.path().join("data");
    std::fs::write(
        &config,
        format!(
            "[refresh]\non_start = false\n\n\
             [[source]]\nname = \"Quick wire\"\nurl = \"http://127.0.0.1:{port}/quick.xml\"\n\
             category = \"Fast\"\n\n\
             [[source]]\nname = \"Slow wire\"\nurl = \"http://127.0.0.1:{port}/slow.xml\"\n\
             category = \"Held\"\n",
            port = server.port
        ),
    )
    .unwrap();
    let mut term = Terminal::start(
        home.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        120,
        40,
    );
    let screen = term.wait_until("the empty reader", SLOW, |s| {
        category_row(s, "Fast") && category_row(s, "Held")
    });
    assert_eq!(category_count(&screen, "All"), Some(0), "{screen}");

    term.key("R");
    // The quick source lands while the held one is still out: its articles show at once.
    let screen = term.wait_until("the quick source's articles mid-refresh", SLOW, |s| {
        status_line(s).contains("Refreshing 1/2") && category_count(s, "All") == Some(6)
    });
    assert!(
        list_rows(&screen)
            .iter()
            .any(|r| r.starts_with("Quick story")),
        "{screen}"
    );

    // Keys are handled while the refresh runs: the categories cursor moves and the list follows.
    for (key, title) in [
        ("j", "Articles · Unread"),
        ("j", "Articles · Starred"),
        ("j", "Articles · Fast"),
        ("k", "Articles · Starred"),
        ("g", "Articles · All"),
    ] {
        term.key(key);
        let screen = term.wait_for(title, KEY);
        assert!(status_line(&screen).contains("Refreshing 1/2"), "{screen}");
    }
    // Into the list and the reader, still during the refresh.
    term.key("l");
    term.key("Enter");
    let screen = term.wait_for("opened once by you", KEY);
    assert!(status_line(&screen).contains("Refreshing 1/2"), "{screen}");
    // A second refresh is refused while one runs.
    term.key("R");
    let screen = term.wait_for("A refresh is already running", KEY);
    assert!(server.slow_requests.load(Ordering::SeqCst) >= 1, "{screen}");
    // The message lasts until the next key; then the progress shows again.
    term.key("k");
    term.wait_until("the progress again", KEY, |s| {
        status_line(s).contains("Refreshing 1/2")
    });

    server.release();
    let screen = term.wait_until("the summary", SLOW, |s| {
        status_line(s).contains("Refreshed 2 sources · 10 new")
    });
    assert_eq!(category_count(&screen, "All"), Some(10), "{screen}");
    assert_eq!(category_count(&screen, "Held"), Some(4), "{screen}");
    term.key("q");
    assert!(term.wait_exit(SLOW), "exit status");
}
