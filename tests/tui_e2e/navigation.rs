//! Moving around: the categories with their counts at start, the keys that move between the
//! categories, the list and the reader, and the narrow terminal that shows one pane at a time.

use crate::{
    KEY, LIST_COLUMN, Reader, SLOW, category_count, first_pane, lines, list_rows, reader_position,
    reader_text, status_line, title_start, wait_selected,
};

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
