//! Hostile servers through the real `tidings refresh`: endless, dripping and stalled answers,
//! compression bombs, redirect tricks, lying headers, pathological documents and good sources in
//! the same run. Each hostile source ends with a clear one-line error or its readable content, in
//! time, in bounded memory, and every good source stores every article.
//!
//! This file holds what the tests share: the cases and what each must end with, the config that
//! lists them as sources, and the check of one source's report line and stored articles.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/hostile.rs"]
mod hostile;
#[path = "../common/proc.rs"]
mod proc;
#[path = "../common/pty.rs"]
mod pty;

mod memory;
mod reader;
mod refresh;
mod server;

use std::sync::Mutex;
use std::time::Duration;

use hostile::HostileServer;
use proc::Measured;
use tidings::model::{ArticleQuery, ArticleRow, ArticleView, SortOrder};
use tidings::store::Store;

/// The fetch timeout every test config uses.
const TIMEOUT: Duration = Duration::from_secs(3);
/// A network-bound outcome (error or small feed) must be reported within the timeout plus this.
const REPORT_SLACK: Duration = Duration::from_secs(3);
/// The peak resident memory a whole refresh may reach.
const MAX_PEAK_MIB: f64 = 300.0;
/// Items of the largest hostile feed.
const MANY_ITEMS: usize = 100_000;
/// Items the parser keeps of one document.
const KEPT_ITEMS: usize = 10_000;
/// Nesting depth of the hostile unescaped markup.
const XML_DEPTH: usize = 400_000;
/// Nesting depth of the hostile HTML.
const DEPTH: usize = 100_000;
/// Items of each good feed.
const GOOD_ITEMS: usize = 25;
const GOOD_FEEDS: usize = 5;

/// Heavy tests run one at a time, so their timings and memory are their own.
static SERIAL: Mutex<()> = Mutex::new(());

/// What a source must end with.
#[derive(Clone, Copy)]
enum Expect {
    /// An error line containing all these fragments.
    Fails(&'static [&'static str]),
    /// Exactly this many new articles, stored.
    Stores(usize),
}

struct Case {
    name: &'static str,
    path: &'static str,
    expect: Expect,
    /// Parsing it is CPU-bound and slow in debug builds, so it is exempt from the report deadline.
    heavy: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, path, expect| Case {
        name,
        path,
        expect,
        heavy: false,
    };
    let mut cases = vec![
        case(
            "endless",
            "/endless",
            Expect::Fails(&["error: "]), // the cap or the timeout, whichever comes first
        ),
        case("drip", "/drip", Expect::Fails(&["timed out after 3s"])),
        case(
            "gzip-bomb",
            "/gzip-bomb",
            Expect::Fails(&["body larger than 16384 KiB"]),
        ),
        case(
            "brotli-bomb",
            "/brotli-bomb",
            Expect::Fails(&["body larger than 16384 KiB"]),
        ),
        case(
            "redirect-loop",
            "/loop/a",
            Expect::Fails(&["redirect loop"]),
        ),
        case(
            "redirect-to-file",
            "/to-file",
            Expect::Fails(&["redirect to a file: URL refused"]),
        ),
        case(
            "headers-forever",
            "/headers-forever",
            Expect::Fails(&["timed out after 3s"]),
        ),
        case(
            "ten-gigabytes",
            "/ten-gigabytes",
            Expect::Fails(&["body larger than 16384 KiB"]),
        ),
        case(
            "rate-limited",
            "/rate-limited",
            Expect::Fails(&["HTTP 429", "retry after 120"]),
        ),
        case(
            "html-page",
            "/page.html",
            Expect::Fails(&["web page, not a feed", "/real-feed.xml"]),
        ),
        case(
            "huge-title",
            "/huge-title",
            Expect::Fails(&["body larger than 16384 KiB"]),
        ),
        case("deep-html", "/deep-html", Expect::Stores(2)),
        case("deep-markup", "/deep-markup", Expect::Stores(1)),
        case("bad-utf8", "/bad-utf8", Expect::Stores(3)),
        case("gbk-labelled-utf8", "/gbk-as-utf8", Expect::Stores(2)),
        case("utf8-labelled-latin1", "/utf8-as-latin1", Expect::Stores(2)),
        case("not-http", "/not-http", Expect::Fails(&["error: "])),
        case("hang-up", "/hang-up", Expect::Fails(&["error: "])),
    ];
    cases.push(Case {
        name: "many-items",
        path: "/many-items",
        expect: Expect::Stores(KEPT_ITEMS),
        heavy: true,
    });
    const GOOD: [&str; GOOD_FEEDS] = ["good-1", "good-2", "good-3", "good-4", "good-5"];
    const GOOD_PATHS: [&str; GOOD_FEEDS] = ["/good/1", "/good/2", "/good/3", "/good/4", "/good/5"];
    for (name, path) in GOOD.into_iter().zip(GOOD_PATHS) {
        cases.push(case(name, path, Expect::Stores(GOOD_ITEMS)));
    }
    cases
}

/// A config with every case as a named source and short timeouts. All sources share one host
/// here, so the per-host limit is raised to let them run side by side as different hosts would.
fn config_for(server: &HostileServer, cases: &[&Case], extra_fetch: &str) -> String {
    let mut text = format!(
        "[fetch]\ntimeout = \"3s\"\nconnect_timeout = \"2s\"\nconcurrency = 32\nper_host = 32\n{extra_fetch}\n"
    );
    for case in cases {
        text.push_str(&format!(
            "[[source]]\nname = \"{}\"\nurl = \"{}\"\ncategory = \"{}\"\n\n",
            case.name,
            server.url(case.path),
            if case.name.starts_with("good") {
                "Good"
            } else {
                "Hostile"
            }
        ));
    }
    text
}

/// Checks one source's report line and what the store holds for it.
fn check_case(case: &Case, run: &Measured, store: &Store) -> String {
    let prefix = format!("{}: ", case.name);
    let Some((at, line)) = run.line(&prefix) else {
        panic!("no line for {}:\n{}{}", case.name, run.stdout(), run.stderr);
    };
    assert!(
        line.len() < 300 && !line.contains(['\r', '\x1b']),
        "one short clean line: {line}"
    );
    if !case.heavy {
        assert!(
            *at < TIMEOUT + REPORT_SLACK,
            "{} reported after {at:?}: {line}",
            case.name
        );
    }
    let row = store
        .sources()
        .expect("sources")
        .into_iter()
        .find(|row| row.name == case.name)
        .unwrap_or_else(|| panic!("no stored source {}", case.name));
    match case.expect {
        Expect::Fails(fragments) => {
            assert!(line.contains(": error: "), "{line}");
            for fragment in fragments {
                assert!(line.contains(fragment), "{line} lacks {fragment:?}");
            }
            assert_eq!(row.articles, 0, "{line}");
            assert!(row.last_error.is_some(), "{} keeps its error", case.name);
        }
        Expect::Stores(n) => {
            assert!(line.starts_with(&format!("{prefix}{n} new")), "{line}");
            assert_eq!(row.articles as usize, n, "{}", case.name);
            assert!(row.last_error.is_none(), "{line}");
        }
    }
    line.clone()
}

/// The first ten articles of the source named `source`, newest first.
fn articles_of(store: &Store, source: &str) -> Vec<ArticleRow> {
    let row = store
        .sources()
        .expect("sources")
        .into_iter()
        .find(|row| row.name == source)
        .unwrap_or_else(|| panic!("no source {source:?}"));
    let query = ArticleQuery {
        view: ArticleView::Source(row.id),
        sort: SortOrder::Date,
        unread_only: false,
        offset: 0,
        limit: 10,
    };
    store.list_articles(&query).expect("list")
}

fn titles_of(store: &Store, source: &str) -> Vec<String> {
    articles_of(store, source)
        .into_iter()
        .map(|a| a.title)
        .collect()
}
