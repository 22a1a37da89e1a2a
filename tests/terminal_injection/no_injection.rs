//! The test: hostile feeds, pages and server answers never reach the terminal as control, in the
//! reader or on the command line, checked against a control run on harmless documents.

use crate::common;
use crate::output::{own_controls, own_copy, reports, tokenize, violations};
use crate::payloads::{BROKEN, LOOKALIKE, OSC8_TEXT, answer};
use crate::reader_text;
use crate::scenario::scenario;

#[test]
fn hostile_text_never_reaches_the_terminal_as_control() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(common::serve(answer));
    let port = server.addr.port();

    // The control run: the same sources, keys and commands on harmless documents. What it writes
    // is tidings' own drawing; the test's grammar must allow all of it.
    let control = scenario(port, "c");
    let own_reader = own_controls(&control.raw);
    let control_violations = violations(&control.raw, &own_reader, 1);
    assert!(
        control_violations.is_empty(),
        "tidings' own drawing is not what this test allows: {control_violations:#?}"
    );
    for (command, raw) in &control.commands {
        let found = violations(raw, &own_controls(raw), 0);
        assert!(found.is_empty(), "control `{command}`: {found:#?}");
    }

    let hostile = scenario(port, "h");
    let found = violations(&hostile.raw, &own_reader, 1);
    assert!(
        found.is_empty(),
        "control sequences from the feeds reached the terminal: {found:#?}"
    );
    assert_eq!(hostile.commands.len(), control.commands.len());
    for ((command, raw), (_, control_raw)) in hostile.commands.iter().zip(&control.commands) {
        let found = violations(raw, &own_controls(control_raw), 0);
        assert!(
            found.is_empty(),
            "`tidings {command}` wrote controls from the feeds: {found:#?}\n{}",
            String::from_utf8_lossy(raw)
        );
        let new: Vec<_> = reports(raw)
            .difference(&reports(control_raw))
            .cloned()
            .collect();
        assert!(
            new.is_empty(),
            "`tidings {command}`: the terminal saw {new:?}"
        );
    }
    let control_reports = reports(&control.raw);
    let text = String::from_utf8(hostile.raw.clone()).unwrap();
    assert!(!text.contains("\x1b]0;"), "an OSC title change");
    assert!(!text.contains("\x1b]8;"), "an OSC 8 link");
    assert!(!text.contains("\x1bP"), "a DCS string");

    // A terminal replaying the output: no title, no clipboard write but the copy, no bell, and
    // nothing it does not know that the control run did not have too.
    let hostile_reports = reports(&hostile.raw);
    let new: Vec<_> = hostile_reports.difference(&control_reports).collect();
    assert!(new.is_empty(), "the terminal saw: {new:?}");
    assert!(
        !hostile_reports
            .iter()
            .any(|r| r.starts_with("window title") || r.starts_with("icon name")),
        "{hostile_reports:?}"
    );

    // The copied link is the article's, cleaned.
    let copies: Vec<String> = tokenize(&text).iter().filter_map(own_copy).collect();
    assert!(
        copies
            .iter()
            .all(|c| c.starts_with("https://example.org/one/")),
        "{copies:?}"
    );

    // The screens show the payloads as inert text: the lookalike literally, the OSC 8 link's
    // words, and the text around every payload.
    let all = hostile.screens.join("\n");
    for expected in [
        LOOKALIKE,
        OSC8_TEXT,
        "Hostile RSS",
        "channel",
        "Raw title one",
    ] {
        assert!(all.contains(expected), "{expected:?} not shown:\n{all}");
    }
    // Where only a payload's ESC went (an HTML character reference the renderer decoded), what
    // followed it is plain text on the screen.
    for inert in ["[31m", "]0;pwned", "]52;c;ZXZpbA=="] {
        assert!(all.contains(inert), "{inert:?} not shown:\n{all}");
    }
    // The reader shows the title with the lookalike text kept in place and every sequence gone
    // whole, not just its ESC: no parameters or OSC strings left over as garbage.
    let raw_reader = hostile
        .screens
        .iter()
        .find(|s| reader_text(s).starts_with("Raw title one"))
        .unwrap();
    let reader = reader_text(raw_reader);
    let title: Vec<&str> = reader.lines().take(2).collect();
    assert_eq!(
        title.join(" "),
        format!("Raw title one {LOOKALIKE}{OSC8_TEXT} ends"),
        "{raw_reader}"
    );
    let listed = String::from_utf8_lossy(&hostile.commands[0].1).to_string();
    assert!(
        listed.contains(&format!("Raw title one {LOOKALIKE}{OSC8_TEXT} ends")),
        "{listed}"
    );
    // Each failing source's error is one clean line; the 503's quotes the hostile header inert.
    assert_eq!(hostile.errors.len(), BROKEN.len());
    let status = &hostile.errors["Broken status"];
    assert!(
        status.contains("503") && status.contains(LOOKALIKE),
        "{status}"
    );
    let page = &hostile.errors["Broken page"];
    assert!(page.contains("https://evil.example/feed"), "{page}");
    drop(runtime);
}
