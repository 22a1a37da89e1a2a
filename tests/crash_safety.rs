//! Crash safety of the store through the real binary: a large refresh SIGKILLed at random moments
//! (seeded, at least 50 kills) never corrupts the database or loses a read, starred or opened
//! mark, and the next refresh completes; two refreshes and a reader writing marks at once on one
//! data dir leave a sound database with every write in it.

#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/proc.rs"]
mod proc;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hostile::{HostileServer, Reply};
use proc::Sandbox;
use tidings::model::{ArticleId, ArticleQuery, ArticleView, SortOrder};
use tidings::store::Store;

const FEEDS: usize = 200;
const ITEMS: usize = 50;
const KILLS: usize = 50;

/// A tiny deterministic RNG (xorshift64*), so a failing run can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Serves FEEDS feeds of ITEMS items whose view counts change on every request, plus one new
/// item per generation, so every refresh has updates and inserts to write.
fn feed_server() -> HostileServer {
    let generation = Arc::new(AtomicU64::new(0));
    HostileServer::start(move |req| {
        let Some(n) = req
            .path
            .strip_prefix("/feed/")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            return Reply::status(404);
        };
        let generation = generation.fetch_add(1, Ordering::SeqCst) / FEEDS as u64;
        let mut items = String::new();
        for i in 0..ITEMS {
            items.push_str(&format!(
                "<item><title>feed {n} item {i}</title><link>https://example.org/{n}/{i}</link>\
                 <guid>f{n}-{i}</guid><description>&lt;p&gt;Body {n} {i} of generation {generation}&lt;/p&gt;</description>\
                 <media:statistics views=\"{}\"/></item>",
                generation * 7 + i as u64
            ));
        }
        items.push_str(&format!(
            "<item><title>feed {n} news of generation {generation}</title>\
             <link>https://example.org/{n}/g{generation}</link><guid>f{n}-g{generation}</guid></item>"
        ));
        Reply::ok(
            "application/rss+xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" \
                 xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>feed {n}</title>\
                 <link>https://example.org/{n}</link><description>d</description>{items}</channel></rss>"
            ),
        )
    })
}

fn config(server: &HostileServer) -> String {
    let mut text = String::from("[fetch]\ntimeout = \"20s\"\nper_host = 8\n\n");
    for n in 0..FEEDS {
        text.push_str(&format!(
            "[[source]]\nname = \"feed {n:03}\"\nurl = \"{}\"\ncategory = \"C{}\"\n\n",
            server.url(&format!("/feed/{n}")),
            n % 5
        ));
    }
    text
}

/// The marks the user made: per article, (read, starred, times opened).
type Marks = BTreeMap<i64, (bool, bool, i64)>;

fn all_ids(store: &Store) -> Vec<i64> {
    let query = ArticleQuery {
        view: ArticleView::All,
        sort: SortOrder::Date,
        unread_only: false,
        offset: 0,
        limit: usize::MAX >> 2,
    };
    store
        .list_articles(&query)
        .expect("list")
        .into_iter()
        .map(|row| row.id.0)
        .collect()
}

/// Makes `count` random marks through the store, as the reader does, and records them.
fn mark(store: &mut Store, ids: &[i64], rng: &mut Rng, marks: &mut Marks, count: usize) {
    for _ in 0..count {
        let id = ids[rng.below(ids.len() as u64) as usize];
        let entry = marks.entry(id).or_insert((false, false, 0));
        match rng.below(3) {
            0 => {
                entry.0 = !entry.0;
                store.set_read(ArticleId(id), entry.0).expect("set_read");
            }
            1 => {
                entry.1 = !entry.1;
                store
                    .set_starred(ArticleId(id), entry.1)
                    .expect("set_starred");
            }
            _ => {
                let article = store.record_open(ArticleId(id)).expect("record_open");
                entry.2 += 1;
                // Opening marks an article read in the reader's model; follow the store.
                entry.0 = article.read;
            }
        }
    }
}

fn check_marks(store: &Store, marks: &Marks, when: &str) {
    for (&id, &(read, starred, opened)) in marks {
        let article = store
            .article(ArticleId(id))
            .expect("article")
            .unwrap_or_else(|| panic!("{when}: article {id} is gone"));
        assert_eq!(
            (article.read, article.starred, article.opened),
            (read, starred, opened),
            "{when}: marks of article {id}"
        );
    }
}

fn integrity(sandbox: &Sandbox) -> String {
    let db = rusqlite::Connection::open(sandbox.database()).expect("open");
    db.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .expect("integrity_check")
}

fn refresh_ok(sandbox: &Sandbox, when: &str) -> String {
    let (code, out, err) = sandbox.run(&["refresh"]);
    assert_eq!(code, 0, "{when}: {out}{err}");
    assert!(
        out.contains(&format!("{FEEDS} sources: {FEEDS} ok, 0 failed")),
        "{when}: {out}{err}"
    );
    out
}

#[test]
fn random_sigkills_during_a_large_refresh_lose_nothing() {
    let seed = std::env::var("TIDINGS_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe_u64);
    println!("seed {seed} (set TIDINGS_CRASH_SEED to replay)");
    let mut rng = Rng(seed | 1);
    let server = feed_server();
    let sandbox = Sandbox::new();
    sandbox.write_config(&config(&server));

    let start = Instant::now();
    refresh_ok(&sandbox, "first refresh");
    let full = start.elapsed();
    println!("a full refresh of {FEEDS} feeds x {ITEMS} items: {full:?}");

    let mut marks = Marks::new();
    {
        let mut store = Store::open(&sandbox.database()).expect("store");
        let ids = all_ids(&store);
        assert_eq!(ids.len(), FEEDS * (ITEMS + 1));
        mark(&mut store, &ids, &mut rng, &mut marks, 200);
    }

    let mut kills = 0;
    let mut finished = 0;
    // Kills fall in the first two thirds of a refresh: writes start early, and it keeps the test short.
    let deadline = (full.as_millis() as u64 * 2 / 3).max(150);
    while kills < KILLS {
        let mut child = sandbox
            .command(&["refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn refresh");
        // Mostly inside the refresh, sometimes right at start-up.
        let delay = Duration::from_millis(rng.below(deadline));
        std::thread::sleep(delay);
        match child.try_wait().expect("try_wait") {
            Some(_) => finished += 1,
            None => {
                child.kill().expect("SIGKILL");
                kills += 1;
            }
        }
        let _ = child.wait();
        // After each crash: the store opens, the marks are there, and the user marks more.
        let mut store = Store::open(&sandbox.database())
            .unwrap_or_else(|e| panic!("after kill {kills} at {delay:?}: {e}"));
        check_marks(&store, &marks, &format!("after kill {kills} at {delay:?}"));
        let ids = all_ids(&store);
        mark(&mut store, &ids, &mut rng, &mut marks, 3);
        assert!(
            kills + finished < KILLS * 3,
            "the refresh ends before the kills"
        );
    }
    println!(
        "{kills} kills, {finished} refreshes finished first, {} marks, in {:?}",
        marks.len(),
        start.elapsed()
    );

    assert_eq!(integrity(&sandbox), "ok");
    refresh_ok(&sandbox, "the refresh after the kills");
    assert_eq!(integrity(&sandbox), "ok");
    let store = Store::open(&sandbox.database()).expect("store");
    check_marks(&store, &marks, "after the final refresh");
    let sources = store.sources().expect("sources");
    assert_eq!(sources.len(), FEEDS);
    for source in &sources {
        assert!(source.articles as usize > ITEMS, "{source:?}");
        assert!(source.last_error.is_none(), "{source:?}");
    }
    // The stored counters agree with the rows they count.
    let db = rusqlite::Connection::open(sandbox.database()).expect("open");
    let mismatched: i64 = db
        .query_row(
            "SELECT count(*) FROM sources s WHERE s.article_count != \
             (SELECT count(*) FROM articles a WHERE a.source_id = s.id) \
             OR s.unread_count != (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND a.read = 0) \
             OR s.starred_count != (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND a.starred = 1)",
            [],
            |r| r.get(0),
        )
        .expect("counters");
    assert_eq!(mismatched, 0, "per-source counters match the articles");
}

#[test]
fn two_refreshes_and_a_reader_at_once_lose_no_write() {
    let server = feed_server();
    let sandbox = Sandbox::new();
    sandbox.write_config(&config(&server));
    refresh_ok(&sandbox, "first refresh");
    let mut rng = Rng(0x0dd_ba11);
    let mut marks = Marks::new();

    let spawn = || {
        sandbox
            .command(&["refresh"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn refresh")
    };
    let first = spawn();
    let second = spawn();
    // The reader keeps writing marks while both refreshes run.
    let writer_start = Instant::now();
    {
        let mut store = Store::open(&sandbox.database()).expect("store beside two refreshes");
        let ids = all_ids(&store);
        while writer_start.elapsed() < Duration::from_secs(2) {
            mark(&mut store, &ids, &mut rng, &mut marks, 5);
        }
    }
    for (which, child) in [("first", first), ("second", second)] {
        let out = child.wait_with_output().expect("wait");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{which} refresh: {:?}\n{stderr}", out.status.code());
        if out.status.success() {
            assert!(
                stdout.contains(&format!("{FEEDS} sources: {FEEDS} ok, 0 failed")),
                "{which}: every source stored: {stdout}"
            );
        } else {
            // Allowed: a clear one-line refusal, never a half-done refresh.
            assert_eq!(stderr.trim().lines().count(), 1, "{which}: {stderr}");
            assert!(stderr.contains("locked"), "{which}: {stderr}");
        }
    }
    assert_eq!(integrity(&sandbox), "ok");
    let store = Store::open(&sandbox.database()).expect("store");
    check_marks(&store, &marks, "after two concurrent refreshes");
    println!("{} marks written beside two refreshes", marks.len());
    for source in store.sources().expect("sources") {
        assert!(source.articles as usize > ITEMS, "{source:?}");
    }
}
