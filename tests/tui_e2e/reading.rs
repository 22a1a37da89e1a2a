//! The reader pane: scrolling a long article, and a page source's article whose views grow when
//! its source is refreshed.

use crate::{
    KEY, Reader, SLOW, category_count, first_pane, list_rows, reader_position, reader_text, search,
    status_line, title_start,
};

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
