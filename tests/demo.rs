//! The embedded demo site, over real HTTP on 127.0.0.1: every route kind, growing counters, GBK.

use tidings::demo::{DemoServer, OWNER, demo_sources};
use tidings::model::SourceKind;

struct Fetched {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Fetched {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

async fn get(server: &DemoServer, path: &str) -> Fetched {
    let url = server.base_url().join(path).unwrap();
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.bytes().await.unwrap().to_vec();
    Fetched {
        status,
        content_type,
        body,
    }
}

fn json(fetched: &Fetched) -> serde_json::Value {
    assert_eq!(fetched.status, 200);
    assert!(fetched.content_type.starts_with("application/json"));
    serde_json::from_slice(&fetched.body).unwrap()
}

#[tokio::test]
async fn feeds_parse_and_views_grow_per_fetch() {
    let server = DemoServer::start().await.unwrap();
    assert!(server.base_url().as_str().starts_with("http://127.0.0.1:"));
    let url = server.base_url().join("feeds/tech.xml").unwrap();
    let first = get(&server, "feeds/tech.xml").await;
    assert_eq!(first.status, 200);
    assert!(first.content_type.starts_with("application/rss+xml"));
    assert!(first.text().contains("<media:statistics views=\""));
    assert!(first.text().contains("<slash:comments>"));
    let parsed =
        tidings::parse::parse_feed(&first.body, Some(&first.content_type), Some(&url)).unwrap();
    assert!(parsed.articles.len() >= 12);
    let views: Vec<i64> = parsed
        .articles
        .iter()
        .map(|a| a.views.expect("views"))
        .collect();
    assert!(parsed.articles.iter().all(|a| a.comments.is_some()));

    let second = get(&server, "feeds/tech.xml").await;
    let again =
        tidings::parse::parse_feed(&second.body, Some(&second.content_type), Some(&url)).unwrap();
    for (before, article) in views.iter().zip(&again.articles) {
        assert!(article.views.unwrap() > *before, "{}", article.title);
    }

    let atom_url = server.base_url().join("feeds/campus.atom").unwrap();
    let atom = get(&server, "feeds/campus.atom").await;
    assert!(atom.content_type.starts_with("application/atom+xml"));
    assert!(atom.text().contains("media:statistics"));
    let parsed =
        tidings::parse::parse_feed(&atom.body, Some(&atom.content_type), Some(&atom_url)).unwrap();
    assert!(parsed.articles.len() >= 8);
    assert!(parsed.articles.iter().all(|a| a.views.is_some()));

    // Each item links to a page that exists.
    let link = parsed.articles[0].link.clone().unwrap();
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    server.shutdown().await;
}

#[tokio::test]
async fn list_pages_have_rows_pager_and_batch_script() {
    let server = DemoServer::start().await.unwrap();
    let first = get(&server, "xwzx.htm").await;
    assert_eq!(first.status, 200);
    let html = first.text();
    assert!(html.contains("<!--Announced by Visual SiteBuilder 9-->"));
    assert_eq!(html.matches("<li id=\"line_u7_").count(), 4);
    assert!(html.contains("href=\"info/1141/2010.htm\""));
    assert!(html.contains("<span class=\"p_next p_fun\"><a href=\"xwzx/2.htm\">"));
    assert!(html.contains(&format!("],\"wbnews\", {OWNER})")));
    assert!(html.contains("_showDynClickBatch(['dynclicks_u7_2010'"));

    let second = get(&server, "xwzx/2.htm").await.text();
    assert!(second.contains("href=\"../info/1141/"));
    assert!(second.contains("<span class=\"p_next p_fun\"><a href=\"1.htm\">"));
    let last = get(&server, "xwzx/1.htm").await.text();
    assert!(last.contains("p_next_d"));
    assert_eq!(get(&server, "xwzx/3.htm").await.status, 404);

    // Following the pager from page 1 reaches every article of the section exactly once.
    let mut url = server.base_url().join("xwzx.htm").unwrap();
    let mut links = Vec::new();
    for _ in 0..10 {
        let html = reqwest::get(url.clone())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for part in html.split("<li id=\"line_u").skip(1) {
            let href = part
                .split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            links.push(url.join(href).unwrap().path().to_string());
        }
        let Some(next) = html.split("<span class=\"p_next p_fun\"><a href=\"").nth(1) else {
            break;
        };
        url = url.join(next.split('"').next().unwrap()).unwrap();
    }
    assert_eq!(links.len(), 10);
    assert!(links.iter().all(|l| l.starts_with("/info/1141/")));
    links.dedup();
    assert_eq!(links.len(), 10);

    let gjjl = get(&server, "gjjl.htm").await;
    assert!(
        gjjl.body.starts_with(b"\xEF\xBB\xBF"),
        "International Meeting is served with a BOM"
    );
    assert!(String::from_utf8_lossy(&gjjl.body).contains("International Meeting"));
    server.shutdown().await;
}

#[tokio::test]
async fn article_page_has_time_click_script_body_and_images() {
    let server = DemoServer::start().await.unwrap();
    let page = get(&server, "info/1161/2107.htm").await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body).to_string();
    assert!(html.contains("<form name=\"_newscontent_fromname\">"));
    assert!(
        html.contains("<h2>Seminar on Digital Skills in Vocational Education Held on Campus</h2>")
    );
    assert!(html.contains("Time:20"));
    assert!(html.contains(&format!(
        "Click:<script>_showDynClicks(\"wbnews\", {OWNER}, 2107)</script>"
    )));
    assert!(html.contains("<div class=\"v_news_content\">"));
    assert!(html.matches("<p").count() >= 4);
    assert!(html.contains("DownloadAttachUrl"));

    // Relative images resolve against the article URL and exist.
    let url = server.base_url().join("info/1161/2107.htm").unwrap();
    let src = html
        .split("src=\"../../images/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let image = reqwest::get(url.join(&format!("../../images/{src}")).unwrap())
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(image.bytes().await.unwrap().starts_with(b"\x89PNG"));

    // The attachment link answers.
    let href = html
        .split("href=\"/system/_content/download.jsp")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let download = get(
        &server,
        &format!("system/_content/download.jsp{}", href.replace("&amp;", "&")),
    )
    .await;
    assert_eq!(download.status, 200);
    assert!(download.body.starts_with(b"%PDF"));

    assert_eq!(get(&server, "info/1161/9999.htm").await.status, 404);
    assert_eq!(
        get(&server, "info/1141/2107.htm").await.status,
        404,
        "wrong tree"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn gbk_section_decodes_from_gbk_with_meta_charset_only() {
    let server = DemoServer::start().await.unwrap();
    let list = get(&server, "xydt.htm").await;
    assert_eq!(list.status, 200);
    assert!(!list.content_type.to_ascii_lowercase().contains("charset"));
    assert!(
        std::str::from_utf8(&list.body).is_err(),
        "GBK bytes are not UTF-8"
    );
    let (text, _, errors) = encoding_rs::GBK.decode(&list.body);
    assert!(!errors);
    assert!(text.contains("charset=gbk"));
    assert!(text.contains("校园动态"));
    assert!(text.contains("href=\"info/1291/2208.htm\""));
    assert!(text.contains("<span class=\"p_next p_fun\"><a href=\"xydt/1.htm\">下页</a></span>"));

    // The reader's own charset pipeline finds GBK from the meta alone.
    let decoded = tidings::fetch::charset::decode(&list.body, Some(&list.content_type));
    assert_eq!(decoded.encoding, encoding_rs::GBK);
    assert!(decoded.text.contains("校园动态"));

    let article = get(&server, "info/1291/2207.htm").await;
    let (text, _, errors) = encoding_rs::GBK.decode(&article.body);
    assert!(!errors);
    assert!(text.contains("图书馆二楼学习共享空间正式启用"));
    assert!(text.contains("发布时间：20"));
    assert!(text.contains(&format!(
        "点击：<script>_showDynClicks(\"wbnews\", {OWNER}, 2207)</script>"
    )));
    assert!(text.contains("附件【"));
    assert!(text.contains("src=\"../../images/library.png\""));
    server.shutdown().await;
}

fn bare_count(fetched: &Fetched) -> u64 {
    let text = fetched.text();
    assert!(text.starts_with(' ') && text.ends_with("\r\n"), "{text:?}");
    text.trim().parse().unwrap()
}

#[tokio::test]
async fn counters_answer_bare_integers_that_grow() {
    let server = DemoServer::start().await.unwrap();
    let path = format!(
        "system/resource/code/news/click/dynclicks.jsp?clickid=2107&owner={OWNER}&clicktype=wbnews"
    );
    let first = bare_count(&get(&server, &path).await);
    let second = bare_count(&get(&server, &path).await);
    assert!(first > 0);
    assert!(second > first);

    let unknown = format!(
        "system/resource/code/news/click/dynclicks.jsp?clickid=1&owner={OWNER}&clicktype=wbnews"
    );
    assert_eq!(bare_count(&get(&server, &unknown).await), 0);

    let batch = format!(
        "system/resource/code/news/click/dynclicksbatch.jsp?clickids=2101,2107,1,2208&owner={OWNER}&clicktype=wbnews"
    );
    let counts: Vec<u64> = get(&server, &batch)
        .await
        .text()
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    assert_eq!(counts.len(), 4);
    assert!(
        counts[1] > second,
        "the batch and single endpoints share the article's count"
    );
    assert_eq!(counts[2], 0);
    assert!(counts[0] > 0 && counts[3] > 0);
    let again: Vec<u64> = get(&server, &batch)
        .await
        .text()
        .split(',')
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(again[0] > counts[0] && again[3] > counts[3]);

    let attach = format!(
        "system/resource/code/news/click/clicktimes.jsp?wbnewsid=7402&owner={OWNER}&type=wbnewsfile&randomid=nattach"
    );
    let value = json(&get(&server, &attach).await);
    assert!(value["wbshowtimes"].as_u64().unwrap() > 0);
    assert_eq!(value["wbnewsid"], 7402);
    server.shutdown().await;
}

#[tokio::test]
async fn hacker_news_api_shapes_and_growing_scores() {
    let server = DemoServer::start().await.unwrap();
    let top = json(&get(&server, "hn/v0/topstories.json").await);
    let ids: Vec<u64> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(ids.len() >= 15);
    for list in ["newstories", "beststories", "askstories", "showstories"] {
        let value = json(&get(&server, &format!("hn/v0/{list}.json")).await);
        assert!(!value.as_array().unwrap().is_empty(), "{list}");
    }

    let story = json(&get(&server, &format!("hn/v0/item/{}.json", ids[0])).await);
    assert_eq!(story["type"], "story");
    assert_eq!(story["id"], ids[0]);
    for field in ["by", "title", "url"] {
        assert!(story[field].is_string(), "{field}");
    }
    for field in ["time", "score", "descendants"] {
        assert!(story[field].is_u64(), "{field}");
    }
    assert!(story["kids"].is_array());
    let again = json(&get(&server, &format!("hn/v0/item/{}.json", ids[0])).await);
    assert!(again["score"].as_u64() > story["score"].as_u64());

    let ask = json(&get(&server, "hn/v0/askstories.json").await);
    let ask_item = json(&get(&server, &format!("hn/v0/item/{}.json", ask[0])).await);
    assert!(ask_item["title"].as_str().unwrap().starts_with("Ask HN:"));
    assert!(ask_item["text"].is_string());
    assert!(ask_item.get("url").is_none());

    let mut deleted = 0;
    for id in &ids {
        let item = json(&get(&server, &format!("hn/v0/item/{id}.json")).await);
        if item["deleted"] == true {
            deleted += 1;
            assert!(item.get("title").is_none());
        }
    }
    assert_eq!(deleted, 1);
    let new = json(&get(&server, "hn/v0/newstories.json").await);
    let mut dead = 0;
    for id in new.as_array().unwrap() {
        let item = json(&get(&server, &format!("hn/v0/item/{id}.json")).await);
        if item["dead"] == true {
            dead += 1;
        }
    }
    assert_eq!(dead, 1);

    // The reader's own HN parser reads every top story but the deleted one.
    let site = url::Url::parse("https://news.ycombinator.com/").unwrap();
    let mut drafts = 0;
    for id in &ids {
        let fetched = get(&server, &format!("hn/v0/item/{id}.json")).await;
        if let Some(draft) = tidings::parse::api::hn_item(&fetched.body, &site).unwrap() {
            assert!(draft.score.is_some_and(|s| s > 0), "{}", draft.title);
            drafts += 1;
        }
    }
    assert_eq!(drafts, ids.len() - 1);

    let missing = get(&server, "hn/v0/item/1.json").await;
    assert_eq!(json(&missing), serde_json::Value::Null);
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_are_404_and_pages_support_conditional_get() {
    let server = DemoServer::start().await.unwrap();
    for path in [
        "nope.htm",
        "nope/1.htm",
        "feeds/nope.xml",
        "images/nope.png",
        "hn/v0/nope.json",
        "info/1/2/3.htm",
        "a/b/c/d",
    ] {
        assert_eq!(get(&server, path).await.status, 404, "{path}");
    }
    let url = server.base_url().join("xwzx.htm").unwrap();
    let client = reqwest::Client::new();
    let first = client.get(url.clone()).send().await.unwrap();
    let etag = first.headers()["etag"].clone();
    let second = client
        .get(url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 304);
    let home = get(&server, "").await;
    assert_eq!(home.status, 200);
    assert!(home.text().contains("xwzx.htm"));
    server.shutdown().await;
}

#[tokio::test]
async fn demo_sources_resolve_against_the_server() {
    let server = DemoServer::start().await.unwrap();
    let sources = demo_sources();
    for kind in [SourceKind::Feed, SourceKind::Page, SourceKind::Hackernews] {
        assert!(sources.iter().any(|s| s.kind == kind));
    }
    for source in sources {
        let fetched = get(&server, source.path).await;
        assert_eq!(fetched.status, 200, "{}", source.name);
        assert!(!source.category.is_empty());
    }
    // A second server runs beside the first (the preferred port is taken, so it takes another).
    let other = DemoServer::start().await.unwrap();
    assert_ne!(other.addr, server.addr);
    // Shutdown returns promptly even with a kept-alive connection open.
    let client = reqwest::Client::new();
    let home = client.get(server.base_url()).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), server.shutdown()).await;
    assert!(stopped.is_ok(), "shutdown hung");
    other.shutdown().await;
}

/// The demo's CMS sections read with the bundled `vsb` preset, as the reader reads them.
#[tokio::test]
async fn vsb_preset_reads_every_demo_section() {
    use tidings::parse::page;
    let server = DemoServer::start().await.unwrap();
    let rules = tidings::config::rules::preset("vsb").unwrap();
    let counter_rules = rules.counter.clone().unwrap();
    let now = chrono::Utc::now();
    for (source, expected) in [("xwzx.htm", 10), ("gjjl.htm", 7), ("xydt.htm", 8)] {
        let mut url = server.base_url().join(source).unwrap();
        let mut items = Vec::new();
        for _ in 0..10 {
            let fetched = get(&server, url.as_str()).await;
            let html = page::decode(&fetched.body, Some(&fetched.content_type));
            let list = page::extract_list(&html, &url, &rules, now).unwrap();
            items.extend(list.items);
            match list.next {
                Some(next) => url = next,
                None => break,
            }
        }
        assert_eq!(items.len(), expected, "{source}");
        let mut refs = Vec::new();
        for item in &items {
            assert!(!item.title.contains('…'), "{}", item.title);
            assert!(item.published.is_some_and(|d| d < now), "{}", item.title);
            let fetched = get(&server, item.url.as_str()).await;
            let html = page::decode(&fetched.body, Some(&fetched.content_type));
            let article = page::extract_article(&html, &item.url, &rules, Some(item), now).unwrap();
            assert_eq!(article.draft.title, item.title);
            assert!(article.draft.published.is_some());
            assert_eq!(
                article.draft.views, None,
                "the count is filled in by script"
            );
            let body = article.draft.content.clone().unwrap();
            assert!(
                !body.contains("../../images/"),
                "images resolve to absolute URLs"
            );
            let counter = article.counter.clone().expect("a counter reference");
            let count_url = page::counter_url(&counter_rules, &counter, &item.url).unwrap();
            let text = get(&server, count_url.as_str()).await.text();
            assert!(page::parse_count(&text, &counter_rules.format).unwrap() > 0);
            refs.push((counter, item.url.clone()));
        }
        let pairs: Vec<_> = refs.iter().map(|(c, u)| (c, u)).collect();
        let batches = page::batch_requests(&counter_rules, &pairs);
        assert!(!batches.is_empty());
        for (batch_url, members) in batches {
            let counts = page::parse_count_list(&get(&server, batch_url.as_str()).await.text());
            assert_eq!(counts.len(), members.len());
            assert!(counts.iter().all(|c| c.is_some_and(|n| n > 0)));
        }
    }
    server.shutdown().await;
}
