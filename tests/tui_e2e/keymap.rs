//! The keymap: remapped and unbound keys from the config, and the help and status-line hints
//! generated from it.

use crate::{KEY, Reader, SLOW, status_line};

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
