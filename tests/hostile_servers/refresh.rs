//! Every hostile case and the good sources in one `tidings refresh`: each source's outcome, the
//! readable content of broken encodings, the deep body rendered, the items kept, time and memory.

use std::time::Duration;

use tidings::store::Store;

use crate::proc::{Sandbox, run_measured};
use crate::server::start_server;
use crate::{
    DEPTH, Expect, KEPT_ITEMS, MAX_PEAK_MIB, REPORT_SLACK, SERIAL, TIMEOUT, articles_of, cases,
    check_case, config_for, titles_of,
};

/// The items kept of the 100,000 are the first ones in document order (a feed's newest).
fn check_first_items_kept(sandbox: &Sandbox) {
    let db = rusqlite::Connection::open(sandbox.database()).expect("open database");
    let count = |title: &str| -> i64 {
        db.query_row(
            "SELECT count(*) FROM articles WHERE title = ?1",
            [title],
            |r| r.get(0),
        )
        .expect("count")
    };
    assert_eq!(count("many 0"), 1);
    assert_eq!(count(&format!("many {}", KEPT_ITEMS - 1)), 1);
    assert_eq!(count(&format!("many {KEPT_ITEMS}")), 0);
}

/// Renders the 100,000-deep body on a thread with a 2 MiB stack, as the reader would.
fn render_deep_body(store: &Store) {
    let deep = articles_of(store, "deep-html")
        .into_iter()
        .find(|a| a.title == "deep")
        .expect("deep article");
    let article = store.article(deep.id).expect("article").expect("exists");
    let html = article
        .content
        .or(article.summary)
        .expect("the deep body is stored");
    assert!(html.matches("<div>").count() >= DEPTH / 2, "kept as sent");
    let rendered = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let body = tidings::render::render_html(&html, 80, None);
            let text = tidings::render::html_to_text(&html);
            (body, text)
        })
        .expect("spawn")
        .join()
        .expect("rendering 100,000 levels of nesting must not overflow a 2 MiB stack");
    let shown: String = rendered
        .0
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
        .collect();
    assert!(shown.contains("deep text"), "{shown:.200}");
    assert!(rendered.1.contains("deep text"));
}

#[test]
fn every_hostile_case_in_one_refresh() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = start_server();
    let all = cases();
    let sandbox = Sandbox::new();
    sandbox.write_config(&config_for(&server, &all.iter().collect::<Vec<_>>(), ""));

    let run = run_measured(sandbox.command(&["refresh"]), Duration::from_secs(300));
    assert!(!run.killed, "refresh did not finish:\n{}", run.stdout());
    println!(
        "all {} sources in one refresh: {:.1} s, peak RSS {:.0} MiB",
        all.len(),
        run.elapsed.as_secs_f64(),
        run.peak_mib()
    );
    print!("{}", run.stdout());
    assert_eq!(run.code, Some(0), "{}{}", run.stdout(), run.stderr);

    let store = Store::open(&sandbox.database()).expect("open store");
    for case in &all {
        check_case(case, &run, &store);
    }
    let summary = run.stdout();
    let failures = all
        .iter()
        .filter(|c| matches!(c.expect, Expect::Fails(_)))
        .count();
    assert!(
        summary.contains(&format!(
            "{} sources: {} ok, {failures} failed",
            all.len(),
            all.len() - failures
        )),
        "{summary}"
    );

    // Readable content of the documents with broken or lying encodings.
    let gbk = titles_of(&store, "gbk-labelled-utf8");
    assert!(gbk.contains(&"学院召开国际交流会议".to_string()), "{gbk:?}");
    let latin = titles_of(&store, "utf8-labelled-latin1");
    assert!(
        latin.contains(&"Über die Brücke: café crème".to_string()),
        "{latin:?}"
    );
    let bad = titles_of(&store, "bad-utf8");
    assert!(bad.contains(&"café \u{fffd} broken".to_string()), "{bad:?}");
    assert!(bad.contains(&"half \u{fffd} char".to_string()), "{bad:?}");
    assert!(bad.contains(&"fine 新闻".to_string()), "{bad:?}");
    render_deep_body(&store);
    check_first_items_kept(&sandbox);

    // Network-bound work ends with the timeout; parsing and storing the 10,000 items kept of
    // the 100,000 takes a moment more, several more in an unoptimised debug build.
    let cpu_allowance = if cfg!(debug_assertions) {
        Duration::from_secs(12)
    } else {
        Duration::from_secs(2)
    };
    assert!(
        run.elapsed < TIMEOUT + REPORT_SLACK + cpu_allowance,
        "took {:?}",
        run.elapsed
    );
    assert!(
        run.peak_mib() < MAX_PEAK_MIB,
        "peak RSS {:.0} MiB",
        run.peak_mib()
    );
}
