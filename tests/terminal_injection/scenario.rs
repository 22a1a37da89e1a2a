//! The scenario one run goes through: the reader refreshes, every article is opened and scrolled,
//! a link is copied, every source's name and error is shown, the help opens and it quits; then the
//! command-line runs. Every byte each of them wrote is kept.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::payloads::{BROKEN, TITLES, config};
use crate::pty::Terminal;
use crate::{
    COLS, KEY, ROWS, SLOW, category_count, category_index, reader_position, reader_text,
    status_line,
};

/// What one run saw.
pub(crate) struct Run {
    pub(crate) raw: Vec<u8>,
    /// Screens at the moments that matter.
    pub(crate) screens: Vec<String>,
    /// The status line with each failing source selected.
    pub(crate) errors: BTreeMap<&'static str, String>,
    /// Every byte of each command-line run (`list`, `sources`, `refresh`, `parse`, `export`):
    /// plain text straight to the terminal, without the reader's drawing in between.
    pub(crate) commands: Vec<(String, Vec<u8>)>,
}

/// The whole scenario on one variant of the server.
pub(crate) fn scenario(port: u16, variant: &str) -> Run {
    let home = tempfile::tempdir().unwrap();
    let config_path = home.path().join("config.toml");
    std::fs::write(&config_path, config(port, variant)).unwrap();
    let data = home.path().join("data-dir");
    let mut term = Terminal::start(
        home.path(),
        &[
            "--config",
            config_path.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        COLS,
        ROWS,
    );
    let mut screens = Vec::new();
    let esc = |term: &mut Terminal| {
        term.key("Esc");
        std::thread::sleep(Duration::from_millis(100));
    };

    let screen = term.wait_until("the refresh summary", SLOW, |s| {
        status_line(s).contains("Refreshed 7 sources") && category_count(s, "All") == Some(9)
    });
    assert!(
        status_line(&screen).contains("4 failed"),
        "{variant}: {screen}"
    );
    screens.push(screen);

    // Into the list of All; open every article, newest first; page through the long one.
    term.key("l");
    term.wait_until("the article list", KEY, |s| s.contains("Articles · All"));
    // The cursor stayed on the row it was on while the refresh added rows above it.
    term.key("g");
    // Newest first: the titles' order.
    for (i, title) in TITLES.iter().enumerate() {
        if i > 0 {
            esc(&mut term);
            term.key("j");
        }
        term.key("Enter");
        term.wait_until(&format!("{title:?} in the reader"), KEY, |s| {
            s.contains("opened once by you") && reader_text(s).starts_with(title)
        });
        // The whole article, not the list row: wait until its body has been rendered.
        let screen = term.wait_until("the body", KEY, |s| reader_position(s).is_some());
        screens.push(screen.clone());
        if *title == "Raw title one" {
            let (_, len) = reader_position(&screen).unwrap();
            assert!(len > ROWS as usize, "{variant}: a long body:\n{screen}");
            for page in 2..=3 {
                let before = reader_position(&term.screen()).unwrap().0;
                term.key(" ");
                let screen = term.wait_until(&format!("page {page}"), KEY, |s| {
                    reader_position(s).is_some_and(|(pos, _)| pos > before)
                });
                screens.push(screen);
            }
            term.key("G");
            let screen = term.wait_until("the end of the body", KEY, |s| {
                reader_position(s).is_some_and(|(pos, len)| pos > 1 && len - pos < ROWS as usize)
            });
            screens.push(screen);
            term.key("g");
            term.wait_until("the top of the body", KEY, |s| {
                reader_position(s).is_some_and(|(pos, _)| pos == 1)
            });
            // Copy its (hostile) link: tidings' own OSC 52.
            term.key("y");
            screens.push(term.wait_for("Link copied", KEY));
        }
    }

    // The categories: the hostile source by its feed title, then every failing source's error.
    esc(&mut term);
    term.key("h");
    term.key("g");
    term.wait_for("Articles · All", KEY);
    let mut errors = BTreeMap::new();
    for category in ["Hostile", "Broken"] {
        term.key("g");
        let screen = term.wait_for("Articles · All", KEY);
        let mut at = category_index(&screen, category);
        for _ in 0..at {
            term.key("j");
        }
        term.wait_for(&format!("Articles · {category}"), KEY);
        term.key("Enter");
        let screen = term.wait_for(&format!("▾ {category}"), KEY);
        term.key("h");
        let members = if category == "Hostile" {
            vec!["Hostile RSS"]
        } else {
            BROKEN.to_vec()
        };
        // Sources are listed under their category in an order of tidings' choosing.
        let mut members: Vec<(usize, &str)> = members
            .into_iter()
            .map(|name| (category_index(&screen, name), name))
            .collect();
        members.sort();
        for (index, name) in members {
            assert!(index > at, "{name} is not below {category}:\n{screen}");
            for _ in at..index {
                term.key("j");
            }
            at = index;
            let screen = term.wait_until(&format!("the source {name}"), KEY, |s| {
                s.contains(&format!("Articles · {name}"))
            });
            if category == "Broken" {
                let screen = term.wait_until(&format!("the error of {name}"), KEY, |s| {
                    status_line(s).starts_with(&format!("! {name}: "))
                });
                errors.insert(name, status_line(&screen));
                screens.push(screen);
            } else {
                screens.push(screen);
            }
        }
    }

    term.key("?");
    screens.push(term.wait_for(" Keys ", KEY));
    esc(&mut term);
    term.wait_until("the help to close", KEY, |s| !s.contains(" Keys "));
    term.key("q");
    assert!(term.wait_exit(SLOW), "{variant}: exit status");
    let raw = wait_restored(&term);

    // The same data through the command line, which prints to the terminal directly.
    let common = [
        "--config",
        config_path.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ];
    let base = format!("http://127.0.0.1:{port}/{variant}");
    let runs: Vec<(Vec<String>, &str)> = vec![
        (vec!["list".into()], "JSON title nine"),
        (vec!["sources".into()], "Broken status"),
        (vec!["refresh".into()], " new articles"),
        (vec!["export".into()], "</opml>"),
        (
            vec!["parse".into(), format!("{base}/rss.xml")],
            "Untitled four",
        ),
        (
            vec!["parse".into(), format!("{base}/atom.xml")],
            "Atom xhtml title seven",
        ),
        (
            vec!["parse".into(), format!("{base}/feed.json")],
            "JSON title nine",
        ),
    ];
    let mut commands = Vec::new();
    for (args, last) in runs {
        let mut all: Vec<&str> = common.to_vec();
        all.extend(args.iter().map(String::as_str));
        let mut term = Terminal::start(home.path(), &all, COLS, ROWS);
        term.wait_exit(SLOW);
        // The bytes, not the screen: hostile output could clear the screen.
        commands.push((args.join(" "), wait_output(&term, last)));
    }
    Run {
        raw,
        screens,
        errors,
        commands,
    }
}

/// Waits until the output holds `text`; returns all of it.
fn wait_output(term: &Terminal, text: &str) -> Vec<u8> {
    let start = std::time::Instant::now();
    loop {
        let raw = term.raw();
        if String::from_utf8_lossy(&raw).contains(text) {
            return raw;
        }
        assert!(
            start.elapsed() < KEY,
            "timed out waiting for {text:?} in the output: {:?}",
            String::from_utf8_lossy(&raw)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the output ends with the cursor shown again (the last thing tidings writes).
fn wait_restored(term: &Terminal) -> Vec<u8> {
    let start = std::time::Instant::now();
    loop {
        let raw = term.raw();
        let text = String::from_utf8_lossy(&raw);
        if text.trim_end_matches(['\r', '\n']).ends_with("\x1b[?25h") || start.elapsed() > KEY {
            return raw;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
