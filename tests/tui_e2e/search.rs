//! Search: `/` finds articles (Chinese text too), shows them as a virtual view, and Esc returns to
//! the view it started from.

use crate::{Reader, category_count, list_rows, search};

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
