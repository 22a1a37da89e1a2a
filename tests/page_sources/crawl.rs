//! Crawling page sources from a CMS-like server on 127.0.0.1: pagination, fetching only what is
//! new or changed, batched and single counters, broken rules and pages failing mid-crawl.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tidings::config::{Config, FetchConfig};
use tidings::fetch::Fetcher;
use tidings::model::{Article, ArticleQuery, ArticleView, SourceId, SourceKind};
use tidings::refresh::{RefreshContext, RefreshEvent, SourceOutcome, SourceTarget};
use tidings::store::{SourceSpec, Store, StoreHandle};
use url::Url;

use super::common::{Reply, TestServer, serve};
use super::fixture;

/// The site's mutable state: click counts by news id, and switches for the failure cases.
#[derive(Default)]
struct Site {
    clicks: Mutex<HashMap<String, i64>>,
    retitled: AtomicBool,
    page_two_fails: AtomicBool,
}

fn html(bytes: Vec<u8>) -> Reply {
    Reply::ok("text/html", bytes)
}

fn query(path: &str, name: &str) -> Option<String> {
    let url = Url::parse(&format!("http://x{path}")).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn route(site: &Site, path: &str) -> Reply {
    let plain = path.split('?').next().unwrap_or(path);
    match plain {
        "/gjjl.htm" => {
            let mut page = fixture("list_en.htm");
            if site.retitled.load(Ordering::SeqCst) {
                let text = String::from_utf8(page).unwrap().replace(
                    "Alliance of vocational colleges founded",
                    "Alliance of vocational colleges founded in Binzhou",
                );
                page = text.into_bytes();
            }
            html(page)
        }
        "/gjjl/1.htm" if site.page_two_fails.load(Ordering::SeqCst) => Reply::status(500),
        "/gjjl/1.htm" => html(fixture("list_en_p2.htm")),
        "/info/1141/2421.htm" => html(fixture("article_en.htm")),
        "/info/1141/2404.htm" => Reply::status(404),
        "/gone.htm" => html(
            br#"<ul><li id="line_u1_0"><a href="info/1141/2404.htm">Gone</a><span>2024-06-26</span></li>
            <li id="line_u1_1"><a href="info/1141/2421.htm">Seminar</a><span>2024-06-27</span></li></ul>"#
                .to_vec(),
        ),
        "/xwzx/tzgg.htm" => html(fixture("list_zh_gbk_meta.htm")),
        "/info/1002/3105.htm" => html(fixture("article_zh_gbk_unlabelled.htm")),
        "/info/1002/3099.htm" => html(fixture("article_zh_views_gbk_meta.htm")),
        "/xwzx/content.jsp" => html("<html><body><form>请登录</form></body></html>".into()),
        "/system/resource/code/news/click/dynclicks.jsp" => {
            assert_eq!(query(path, "owner").as_deref().map(|o| o.len()), Some(10));
            let id = query(path, "clickid").unwrap_or_default();
            let count = site.clicks.lock().unwrap().get(&id).copied().unwrap_or(0);
            Reply::ok("text/html", format!("  {count}\r\n"))
        }
        "/system/resource/code/news/click/dynclicksbatch.jsp" => {
            let ids = query(path, "clickids").unwrap_or_default();
            let clicks = site.clicks.lock().unwrap();
            let counts: Vec<String> = ids
                .split(',')
                .map(|id| clicks.get(id).copied().unwrap_or(0).to_string())
                .collect();
            Reply::ok("text/html", counts.join(","))
        }
        _ => {
            // Any other VSB article: /info/{tree}/{id}.htm from the template.
            let id = plain
                .strip_prefix("/info/")
                .and_then(|rest| rest.rsplit('/').next())
                .and_then(|file| file.strip_suffix(".htm"));
            match id {
                Some(id) => {
                    let page = String::from_utf8(fixture("article_en_template.htm"))
                        .unwrap()
                        .replace("{ID}", id)
                        .replace("{TITLE}", &format!("Story {id}"))
                        .replace("{DATE}", "2024-05-20 08:00:00");
                    html(page.into_bytes())
                }
                None => Reply::status(404),
            }
        }
    }
}

async fn site() -> (TestServer, Arc<Site>) {
    let site = Arc::new(Site::default());
    site.clicks.lock().unwrap().extend(
        [
            ("2421", 120),
            ("2410", 35),
            ("2398", 7),
            ("2301", 0),
            ("2295", 64),
            ("3105", 9),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    let state = site.clone();
    let server = serve(move |request| route(&state, &request.path)).await;
    (server, site)
}

struct Setup {
    ctx: Arc<RefreshContext>,
    target: SourceTarget,
}

/// A store and one page source configured like a user would, rules stored as `sync` does.
async fn setup(extra: &str, url: &str) -> Setup {
    let text = format!(
        "[[source]]\nname = \"College\"\nkind = \"page\"\npreset = \"vsb\"\nurl = \"{url}\"\ncategory = \"Campus\"\ncounter_window_days = 100000\n{extra}"
    );
    let config = Config::from_toml(std::path::Path::new("/tmp/c.toml"), &text).unwrap();
    let source = config.sources[0].clone();
    assert_eq!(source.kind, SourceKind::Page);
    let rules = source.rules.clone().unwrap().to_json().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let ids = store
        .sync_sources(&[SourceSpec {
            url: url.to_string(),
            name: Some("College".into()),
            kind: SourceKind::Page,
            categories: vec!["Campus".into()],
        }])
        .unwrap();
    store.set_source_rules(ids[0], Some(&rules)).unwrap();
    let fetch = FetchConfig {
        timeout: Duration::from_secs(5),
        ..FetchConfig::default()
    };
    let ctx = Arc::new(RefreshContext {
        fetcher: Fetcher::new(&fetch).unwrap(),
        store: StoreHandle::spawn(store),
    });
    let target = SourceTarget {
        id: ids[0],
        name: "College".into(),
        named: true,
        url: Url::parse(url).unwrap(),
        kind: SourceKind::Page,
    };
    Setup { ctx, target }
}

/// One refresh through the real orchestration; the source's outcome.
async fn refresh(setup: &Setup) -> SourceOutcome {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tidings::refresh::run(setup.ctx.clone(), vec![setup.target.clone()], tx).await;
    let mut outcome = None;
    while let Ok(event) = rx.try_recv() {
        if let RefreshEvent::SourceDone(report) = event {
            outcome = Some(report.outcome);
        }
    }
    outcome.unwrap()
}

async fn stored(ctx: &RefreshContext, source: SourceId) -> Vec<Article> {
    ctx.store
        .call(move |s| {
            let rows = s
                .list_articles(&ArticleQuery {
                    view: ArticleView::Source(source),
                    limit: 100,
                    ..ArticleQuery::default()
                })
                .unwrap();
            rows.iter()
                .map(|r| s.article(r.id).unwrap().unwrap())
                .collect::<Vec<_>>()
        })
        .await
        .unwrap()
}

fn find<'a>(all: &'a [Article], path: &str) -> &'a Article {
    all.iter()
        .find(|a| a.link.as_deref().is_some_and(|l| l.ends_with(path)))
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:#?}",
                all.iter().map(|a| &a.link).collect::<Vec<_>>()
            )
        })
}

fn article_hits(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/info/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_twice_fetches_only_what_changed_and_updates_counts() {
    let (server, site) = site().await;
    let setup = setup("delay = \"0\"\n", &server.url("/gjjl.htm")).await;

    let outcome = refresh(&setup).await;
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 5),
        "{outcome:?}"
    );
    assert_eq!(server.hits("/gjjl.htm"), 1);
    assert_eq!(
        server.hits("/gjjl/1.htm"),
        1,
        "page 2 followed through the pager"
    );
    assert_eq!(article_hits(&server), 5);
    let batch_hits = |s: &TestServer| {
        s.requests()
            .iter()
            .filter(|r| r.path.contains("dynclicksbatch.jsp"))
            .count()
    };
    assert_eq!(
        batch_hits(&server),
        1,
        "one batch for the five new articles"
    );

    let all = stored(&setup.ctx, setup.target.id).await;
    let seminar = find(&all, "/info/1141/2421.htm");
    assert_eq!(
        seminar.title,
        "Seminar on digital skills held with partner universities"
    );
    assert_eq!(seminar.guid.as_deref(), Some("/info/1141/2421.htm"));
    assert_eq!(
        seminar.link.as_deref(),
        Some(server.url("/info/1141/2421.htm").as_str())
    );
    assert_eq!(
        seminar.published.unwrap().to_rfc3339(),
        "2024-06-27T09:01:51+00:00"
    );
    assert_eq!(seminar.views, Some(120));
    let body = seminar.content.as_deref().unwrap();
    assert!(
        body.contains(&server.url("/images/seminar-2024.jpg")),
        "{body}"
    );
    assert_eq!(seminar.enclosures.len(), 1);
    assert!(
        seminar.enclosures[0]
            .url
            .starts_with(&server.url("/system/_content/download.jsp"))
    );
    let old = find(&all, "/info/1141/2295.htm");
    assert_eq!(old.title, "Story 2295");
    assert_eq!(old.views, Some(64));
    assert!(
        old.content
            .as_deref()
            .unwrap()
            .contains(&server.url("/images/photo-2295.png"))
    );
    assert_eq!(find(&all, "/info/1161/2398.htm").views, Some(7));

    // The reader opens the seminar; the site counts more clicks; a second refresh.
    let id = seminar.id;
    setup
        .ctx
        .store
        .call(move |s| s.record_open(id).map(|_| ()))
        .await
        .unwrap()
        .unwrap();
    site.clicks.lock().unwrap().insert("2421".into(), 240);
    let outcome = refresh(&setup).await;
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 0 && c.updated == 1),
        "{outcome:?}"
    );
    assert_eq!(server.hits("/gjjl.htm"), 2);
    assert_eq!(
        server.hits("/gjjl/1.htm"),
        1,
        "page 1 ends in a known item: no page 2"
    );
    assert_eq!(article_hits(&server), 5, "no article page fetched again");
    assert_eq!(batch_hits(&server), 2, "counts refreshed in one batch");
    let all = stored(&setup.ctx, setup.target.id).await;
    let seminar = find(&all, "/info/1141/2421.htm");
    assert_eq!(seminar.views, Some(240));
    assert!(seminar.read, "a counter refresh keeps the read flag");
    assert_eq!(seminar.opened, 1);
    assert!(
        seminar.content.is_some(),
        "a counter refresh keeps the body"
    );
    let reopened = setup
        .ctx
        .store
        .call(move |s| s.record_open(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        reopened.views_at_open,
        Some(120),
        "+120 since the last open"
    );
    assert_eq!(reopened.views, Some(240));

    // A list entry that changed is read again, and only that one.
    site.retitled.store(true, Ordering::SeqCst);
    refresh(&setup).await;
    assert_eq!(article_hits(&server), 6);
    assert_eq!(server.hits("/info/1141/2410.htm"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_pages_login_walls_text_counts_and_single_counters() {
    let (server, _site) = site().await;
    // No batch endpoint: one dynclicks.jsp request per article with a counter.
    let extra = "delay = \"0\"\n[source.rules.counter]\nbatch_url = \"\"\n";
    let setup = setup(extra, &server.url("/xwzx/tzgg.htm")).await;
    let outcome = refresh(&setup).await;
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 3),
        "{outcome:?}"
    );
    let all = stored(&setup.ctx, setup.target.id).await;
    let notice = find(&all, "/info/1002/3105.htm");
    assert_eq!(notice.title, "关于举办2024年暑期教师培训的通知");
    assert_eq!(notice.author.as_deref(), Some("教务处"));
    assert_eq!(notice.views, Some(9));
    assert_eq!(notice.enclosures.len(), 2);
    let library = find(&all, "/info/1002/3099.htm");
    assert_eq!(library.views, Some(1024), "written in the page");
    let walled = all
        .iter()
        .find(|a| a.link.as_deref().is_some_and(|l| l.contains("content.jsp")))
        .unwrap();
    assert_eq!(walled.title, "校内资料（需登录）");
    assert_eq!(walled.content, None, "kept from the list entry");
    let singles: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("dynclicks.jsp"))
        .map(|r| r.path)
        .collect();
    assert_eq!(singles.len(), 1, "{singles:?}");
    assert!(singles[0].contains("clickid=3105&owner=1615111502&clicktype=wbnews"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_rule_is_a_clear_error_and_keeps_what_was_stored() {
    let (server, _site) = site().await;
    let good = setup("delay = \"0\"\nmax_pages = 1\n", &server.url("/gjjl.htm")).await;
    refresh(&good).await;
    assert_eq!(stored(&good.ctx, good.target.id).await.len(), 3);

    // Same store, now with a list rule that matches nothing.
    let broken = "delay = \"0\"\n[source.rules.list]\nitem = \"li.news-row\"\n";
    let config = Config::from_toml(
        std::path::Path::new("/tmp/c.toml"),
        &format!(
            "[[source]]\nkind = \"page\"\npreset = \"vsb\"\nurl = \"{}\"\n{broken}",
            server.url("/gjjl.htm")
        ),
    )
    .unwrap();
    let rules = config.sources[0].rules.clone().unwrap().to_json().unwrap();
    let id = good.target.id;
    good.ctx
        .store
        .call(move |s| s.set_source_rules(id, Some(&rules)))
        .await
        .unwrap()
        .unwrap();
    let outcome = refresh(&good).await;
    let SourceOutcome::Failed(message) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        message.contains("list.item") && message.contains("li.news-row"),
        "{message}"
    );
    assert_eq!(stored(&good.ctx, good.target.id).await.len(), 3);
    let rows = good.ctx.store.call(|s| s.sources()).await.unwrap().unwrap();
    assert!(rows[0].last_error.as_deref().unwrap().contains("list.item"));

    // A body rule that matches nothing on every article page names that rule.
    let (server, _site) = site().await;
    let bad_body =
        "delay = \"0\"\nmax_pages = 1\n[source.rules.article]\nbody = \"div.story-text\"\n";
    let setup = setup(bad_body, &server.url("/gjjl.htm")).await;
    let SourceOutcome::Failed(message) = refresh(&setup).await else {
        panic!("a body rule that never matches must fail")
    };
    assert!(
        message.contains("article.body (div.story-text)"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_failing_mid_crawl_keeps_what_was_read() {
    let (server, site) = site().await;
    site.page_two_fails.store(true, Ordering::SeqCst);
    let setup = setup("delay = \"0\"\n", &server.url("/gjjl.htm")).await;
    let SourceOutcome::Failed(message) = refresh(&setup).await else {
        panic!("page 2 failed")
    };
    assert!(
        message.contains("/gjjl/1.htm") && message.contains("500"),
        "{message}"
    );
    assert!(message.contains("3 new articles stored"), "{message}");
    let all = stored(&setup.ctx, setup.target.id).await;
    assert_eq!(all.len(), 3);
    assert_eq!(find(&all, "/info/1141/2421.htm").views, Some(120));

    // The site recovers: the next refresh reads page 2 and only its articles.
    site.page_two_fails.store(false, Ordering::SeqCst);
    let before = article_hits(&server);
    let outcome = refresh(&setup).await;
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 2),
        "{outcome:?}"
    );
    assert_eq!(article_hits(&server) - before, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_article_page_is_named_and_the_rest_is_stored() {
    let (server, _site) = site().await;
    let setup = setup("delay = \"0\"\n", &server.url("/gone.htm")).await;
    let SourceOutcome::Failed(message) = refresh(&setup).await else {
        panic!("a 404 article must be reported")
    };
    assert!(
        message.contains("/info/1141/2404.htm") && message.contains("404"),
        "{message}"
    );
    let all = stored(&setup.ctx, setup.target.id).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].categories, Vec::<String>::new());
    assert_eq!(find(&all, "/info/1141/2421.htm").views, Some(120));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_site_on_another_port_is_not_read_again() {
    let (first, _site) = site().await;
    let setup = setup("delay = \"0\"\nmax_pages = 1\n", &first.url("/gjjl.htm")).await;
    refresh(&setup).await;
    // The demo server restarts on another port: same articles, counts from the new server.
    let (second, site) = site().await;
    site.clicks.lock().unwrap().insert("2421".into(), 500);
    let mut moved = Setup {
        ctx: setup.ctx.clone(),
        target: setup.target.clone(),
    };
    moved.target.url = Url::parse(&second.url("/gjjl.htm")).unwrap();
    let outcome = refresh(&moved).await;
    assert!(
        matches!(outcome, SourceOutcome::Stored(c) if c.new == 0),
        "{outcome:?}"
    );
    assert_eq!(article_hits(&second), 0);
    let all = stored(&moved.ctx, moved.target.id).await;
    assert_eq!(all.len(), 3);
    assert_eq!(find(&all, "/info/1141/2421.htm").views, Some(500));
}
