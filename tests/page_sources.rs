//! Page sources: fixture pages in the markup of VSB and WebPlus read by the bundled presets, then
//! crawled from a real server on 127.0.0.1 with counter endpoints.

mod common;
#[path = "page_sources/crawl.rs"]
mod crawl;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use tidings::config::rules::{self, CounterFormat};
use tidings::parse::page::{self, CounterRef};
use url::Url;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

#[test]
fn vsb_list_page_with_bom_rows_dates_and_pager() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/gjjl.htm").unwrap();
    let html = page::decode(&fixture("list_en.htm"), Some("text/html"));
    assert!(!html.starts_with('\u{feff}'));
    let list = page::extract_list(&html, &url, &rules, now()).unwrap();
    let urls: Vec<&str> = list.items.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://college.example/info/1141/2421.htm",
            "http://college.example/info/1141/2410.htm",
            "http://college.example/info/1161/2398.htm",
        ]
    );
    // The title attribute wins over the truncated link text; entities are decoded.
    assert_eq!(
        list.items[0].title,
        "Seminar on digital skills held with partner universities"
    );
    assert_eq!(
        list.items[2].title,
        "Delegation & guests from Malaysia visit the campus"
    );
    // Dates are China time: midnight there is 16:00 UTC the day before.
    assert_eq!(list.items[0].published, Some(utc(2024, 6, 26, 16, 0, 0)));
    assert_eq!(list.items[1].published, Some(utc(2024, 6, 24, 16, 0, 0)));
    // "[06-20]" has no year: the latest 20 June not after tomorrow.
    assert_eq!(list.items[2].published, Some(utc(2024, 6, 19, 16, 0, 0)));
    assert_eq!(
        list.next.as_ref().map(Url::as_str),
        Some("http://college.example/gjjl/1.htm")
    );
}

#[test]
fn vsb_table_rows_with_parent_links_and_cjk_dates_end_the_pager() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/gjjl/1.htm").unwrap();
    let html = page::decode(&fixture("list_en_p2.htm"), None);
    let list = page::extract_list(&html, &url, &rules, now()).unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(
        list.items[0].url.as_str(),
        "http://college.example/info/1141/2301.htm"
    );
    assert_eq!(list.items[0].title, "Summer school opens applications");
    assert_eq!(list.items[0].published, Some(utc(2024, 5, 29, 16, 0, 0)));
    assert_eq!(list.items[1].published, Some(utc(2024, 5, 20, 16, 0, 0)));
    assert_eq!(list.next, None, "a disabled 'next' has no link");
}

#[test]
fn gbk_list_labelled_only_in_the_meta() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/xwzx/tzgg.htm").unwrap();
    let html = page::decode(&fixture("list_zh_gbk_meta.htm"), Some("text/html"));
    let list = page::extract_list(&html, &url, &rules, now()).unwrap();
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items[0].title, "关于举办2024年暑期教师培训的通知");
    assert_eq!(
        list.items[0].url.as_str(),
        "http://college.example/info/1002/3105.htm"
    );
    assert_eq!(list.items[1].published, Some(utc(2024, 6, 6, 16, 0, 0)));
    assert_eq!(list.items[2].published, Some(utc(2024, 5, 31, 16, 0, 0)));
    // The login-walled link is kept as it is listed.
    assert_eq!(
        list.items[2].url.as_str(),
        "http://college.example/xwzx/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1002&wbnewsid=3090"
    );
    assert_eq!(list.next, None);
}

#[test]
fn english_article_time_body_images_attachment_and_counter() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/info/1141/2421.htm").unwrap();
    let html = page::decode(&fixture("article_en.htm"), None);
    let article = page::extract_article(&html, &url, &rules, None, now()).unwrap();
    let d = &article.draft;
    assert_eq!(
        d.id.as_deref(),
        Some("/info/1141/2421.htm"),
        "origin-free id"
    );
    assert_eq!(d.link.as_deref(), Some(url.as_str()));
    assert_eq!(
        d.title,
        "Seminar on digital skills held with partner universities"
    );
    assert_eq!(d.published, Some(utc(2024, 6, 27, 9, 1, 51)));
    assert_eq!(d.views, None, "the count is filled in by JavaScript");
    let body = d.content.as_deref().unwrap();
    assert!(
        body.contains("On 25 June the college hosted a seminar"),
        "{body}"
    );
    assert!(
        body.contains(r#"src="http://college.example/images/seminar-2024.jpg""#),
        "{body}"
    );
    assert!(
        body.contains(r#"orisrc="http://college.example/__local/A/B1/seminar.jpg""#),
        "{body}"
    );
    assert!(
        body.contains(r#"href="http://college.example/info/1161/2398.htm""#),
        "{body}"
    );
    assert!(
        body.contains("https://partner.example.org/programme"),
        "{body}"
    );
    assert!(!body.contains("tracking"), "scripts are dropped: {body}");
    assert!(
        !body.contains("Vote"),
        "#div_vote_id is outside the body: {body}"
    );
    assert!(!body.contains("style="), "{body}");
    assert_eq!(d.enclosures.len(), 1);
    assert_eq!(
        d.enclosures[0].url,
        "http://college.example/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1399944793&wbfileid=8812"
    );
    assert_eq!(
        d.enclosures[0].mime_type.as_deref(),
        Some("application/pdf")
    );
    let Some(CounterRef::Args(args)) = &article.counter else {
        panic!("no counter: {:?}", article.counter)
    };
    assert_eq!(args["type"], "wbnews");
    assert_eq!(args["owner"], "1399944793");
    assert_eq!(args["id"], "2421");
    let counter = rules.counter.as_ref().unwrap();
    let single = page::counter_url(counter, article.counter.as_ref().unwrap(), &url).unwrap();
    assert_eq!(
        single.as_str(),
        "http://college.example/system/resource/code/news/click/dynclicks.jsp?clickid=2421&owner=1399944793&clicktype=wbnews"
    );
}

#[test]
fn chinese_article_in_gbk_labelled_nowhere() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/info/1002/3105.htm").unwrap();
    let html = page::decode(&fixture("article_zh_gbk_unlabelled.htm"), Some("text/html"));
    let article = page::extract_article(&html, &url, &rules, None, now()).unwrap();
    let d = &article.draft;
    assert_eq!(d.title, "关于举办2024年暑期教师培训的通知");
    assert_eq!(d.published, Some(utc(2024, 6, 23, 1, 30, 0)));
    assert_eq!(d.author.as_deref(), Some("教务处"));
    let body = d.content.as_deref().unwrap();
    assert!(body.contains("<strong>7月8日至12日</strong>"), "{body}");
    assert!(
        body.contains(r#"src="http://college.example/images/peixun.jpg""#),
        "{body}"
    );
    let names: Vec<_> = d
        .enclosures
        .iter()
        .map(|e| e.mime_type.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            Some("application/pdf"),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        ]
    );
    assert!(d.enclosures[1].url.ends_with("wbfileid=5502"));
    let Some(CounterRef::Args(args)) = &article.counter else {
        panic!("no counter")
    };
    assert_eq!(
        (args["owner"].as_str(), args["id"].as_str()),
        ("1615111502", "3105")
    );
}

#[test]
fn views_written_in_the_page_and_titles_from_h1() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/info/1002/3099.htm").unwrap();
    let html = page::decode(&fixture("article_zh_views_gbk_meta.htm"), None);
    let article = page::extract_article(&html, &url, &rules, None, now()).unwrap();
    assert_eq!(article.draft.title, "图书馆端午节开放时间安排");
    assert_eq!(article.draft.views, Some(1024));
    assert_eq!(article.draft.published, Some(utc(2024, 6, 7, 8, 20, 0)));
    assert_eq!(article.counter, None);
}

#[test]
fn webplus_list_and_article() {
    let rules = rules::preset("webplus").unwrap();
    let url = Url::parse("https://www.college.example/1567/list.htm").unwrap();
    let html = page::decode(&fixture("webplus_list.htm"), None);
    let list = page::extract_list(&html, &url, &rules, now()).unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(
        list.items[0].url.as_str(),
        "https://www.college.example/2024/0620/c1567a88123/page.htm"
    );
    assert_eq!(list.items[0].title, "学院召开2024年招生工作会议");
    assert_eq!(list.items[1].published, Some(utc(2024, 6, 17, 16, 0, 0)));
    assert_eq!(
        list.next.as_ref().map(Url::as_str),
        Some("https://www.college.example/1567/list2.htm")
    );

    let url = list.items[0].url.clone();
    let html = page::decode(&fixture("webplus_article.htm"), None);
    let article = page::extract_article(&html, &url, &rules, Some(&list.items[0]), now()).unwrap();
    let d = &article.draft;
    assert_eq!(d.title, "学院召开2024年招生工作会议");
    assert_eq!(d.published, Some(utc(2024, 6, 20, 2, 15, 0)));
    assert_eq!(d.author.as_deref(), Some("招生办"));
    assert_eq!(d.views, Some(77));
    assert!(
        d.content
            .as_deref()
            .unwrap()
            .contains("https://www.college.example/_upload/article/images/ab/cd/photo.jpg")
    );
    assert_eq!(
        article.counter,
        Some(CounterRef::Url(
            "https://www.college.example/_visitcountdisplay?siteId=12&type=3&articleId=88123"
                .into()
        ))
    );
}

#[test]
fn counter_responses() {
    assert_eq!(page::parse_count("  42\r\n", &CounterFormat::Int), Some(42));
    assert_eq!(
        page::parse_count("document.write(1532);", &CounterFormat::Int),
        Some(1532)
    );
    assert_eq!(page::parse_count("", &CounterFormat::Int), None);
    let json = CounterFormat::Json("wbshowtimes".into());
    assert_eq!(
        page::parse_count(
            r#"{"wbshowtimes":17,"randomid":"nattach","wbnewsid":8812}"#,
            &json
        ),
        Some(17)
    );
    assert_eq!(page::parse_count("not json", &json), None);
    assert_eq!(
        page::parse_count_list("42,7,0\n"),
        vec![Some(42), Some(7), Some(0)]
    );
    assert_eq!(page::parse_count_list("5,,x"), vec![Some(5), None, None]);
}

#[test]
fn batch_requests_group_by_owner() {
    let rules = rules::preset("vsb").unwrap();
    let counter = rules.counter.as_ref().unwrap();
    let args = |owner: &str, id: &str| {
        CounterRef::Args(
            [("type", "wbnews"), ("owner", owner), ("id", id)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    };
    let a = args("1", "10");
    let b = args("1", "11");
    let c = args("2", "12");
    let url = Url::parse("http://college.example/info/1/10.htm").unwrap();
    let refs = vec![(&a, &url), (&b, &url), (&c, &url)];
    let batches = page::batch_requests(counter, &refs);
    assert_eq!(batches.len(), 2);
    assert_eq!(
        batches[0].0.as_str(),
        "http://college.example/system/resource/code/news/click/dynclicksbatch.jsp?clickids=10,11&owner=1&clicktype=wbnews"
    );
    assert_eq!(batches[0].1, vec![0, 1]);
    assert_eq!(batches[1].1, vec![2]);
}

#[test]
fn broken_rules_name_the_rule() {
    let mut rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/gjjl.htm").unwrap();
    let html = page::decode(&fixture("webplus_list.htm"), None);
    let err = page::extract_list(&html, &url, &rules, now()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("list.item"), "{text}");
    assert!(text.contains("li[id^=line_u]"), "{text}");
    assert!(text.contains("http://college.example/gjjl.htm"), "{text}");

    rules.article.body = vec![rules::Sel {
        text: "div.nowhere".into(),
        selector: scraper::Selector::parse("div.nowhere").unwrap(),
    }];
    let html = page::decode(&fixture("article_en.htm"), None);
    let err = page::extract_article(&html, &url, &rules, None, now()).unwrap_err();
    assert!(
        err.to_string().contains("article.body (div.nowhere)"),
        "{err}"
    );
}

#[test]
fn preview_shows_a_list_or_an_article() {
    let rules = rules::preset("vsb").unwrap();
    let url = Url::parse("http://college.example/gjjl.htm").unwrap();
    let html = page::decode(&fixture("list_en.htm"), None);
    let parsed = page::preview(&html, &url, &rules, now()).unwrap();
    assert_eq!(parsed.articles.len(), 3);
    assert_eq!(parsed.articles[2].published.unwrap().day(), 19);
    let html = page::decode(&fixture("article_en.htm"), None);
    let parsed = page::preview(&html, &url, &rules, now()).unwrap();
    assert_eq!(parsed.articles.len(), 1);
    assert!(parsed.articles[0].content.is_some());
}

fn load(text: &str) -> Result<tidings::config::Config, String> {
    tidings::config::Config::from_toml(std::path::Path::new("/tmp/cfg.toml"), text)
        .map_err(|e| e.to_string())
}

#[test]
fn config_accepts_a_preset_source_and_rejects_bad_rules_with_file_and_line() {
    load(
        "[[source]]\nkind = \"page\"\npreset = \"vsb\"\nurl = \"https://c.example/gjjl.htm\"\ncategory = \"Campus\"\n",
    )
    .unwrap();
    load("[[source]]\nkind = \"page\"\nurl = \"https://c.example/a.htm\"\nmax_pages = 2\ndelay = \"1s\"\ncounter_window_days = 7\nlists = [{ url = \"b.htm\", category = \"B\" }]\n").unwrap();

    let err = load(
        "[[source]]\nkind = \"page\"\npreset = \"vsb\"\nurl = \"https://c.example/a.htm\"\n[source.rules.list]\nitem = \"li[[id\"\n",
    )
    .unwrap_err();
    assert!(err.starts_with("/tmp/cfg.toml:6:"), "{err}");
    assert!(err.contains("list.item") && err.contains("li[[id"), "{err}");

    let err = load(
        "[[source]]\nkind = \"page\"\npreset = \"vsb\"\nurl = \"https://c.example/a.htm\"\n[source.rules.article]\ndate = { regex = \"(unclosed\" }\n",
    )
    .unwrap_err();
    assert!(err.starts_with("/tmp/cfg.toml:6:"), "{err}");
    assert!(err.contains("article.date"), "{err}");

    let err =
        load("[[source]]\nkind = \"page\"\npreset = \"joomla\"\nurl = \"https://c.example/\"\n")
            .unwrap_err();
    assert!(
        err.starts_with("/tmp/cfg.toml:3:") && err.contains("vsb, webplus"),
        "{err}"
    );

    let err = load("[[source]]\nurl = \"https://c.example/feed\"\npreset = \"vsb\"\n").unwrap_err();
    assert!(err.starts_with("/tmp/cfg.toml:3:"), "{err}");
}

#[test]
fn config_rules_file_errors_name_that_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mysite.toml"),
        "[list]\nitem = \"li.news\"\n\n[article]\nbody = \"div..x\"\n",
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    let text =
        "[[source]]\nkind = \"page\"\npreset = \"mysite.toml\"\nurl = \"https://c.example/\"\n";
    let err = tidings::config::Config::from_toml(&config, text)
        .unwrap_err()
        .to_string();
    assert!(err.contains("mysite.toml:5:"), "{err}");
    assert!(
        err.contains("article.body") && err.contains("div..x"),
        "{err}"
    );
}

#[test]
fn config_api_sources() {
    load("[[source]]\nkind = \"hackernews\"\nurl = \"https://news.ycombinator.com/\"\nfeed = \"ask\"\n")
        .unwrap();
    let err = load("[[source]]\nkind = \"hackernews\"\nurl = \"https://news.ycombinator.com/\"\nfeed = \"hot\"\n")
        .unwrap_err();
    assert!(err.starts_with("/tmp/cfg.toml:4:"), "{err}");
    load("[[source]]\nkind = \"json\"\nurl = \"https://api.example/news\"\n[source.pointers]\nitems = \"/data/items\"\ntitle = \"/headline\"\nlink = \"/url\"\n").unwrap();
    let err =
        load("[[source]]\nkind = \"json\"\nurl = \"https://api.example/news\"\n").unwrap_err();
    assert!(err.contains("pointers"), "{err}");
    let err = load("[[source]]\nkind = \"json\"\nurl = \"https://api.example/news\"\n[source.pointers]\ntitle = \"headline\"\n").unwrap_err();
    assert!(
        err.starts_with("/tmp/cfg.toml:4:") && err.contains("JSON pointer"),
        "{err}"
    );
}

#[test]
fn parse_command_shows_what_the_rules_extract() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(args)
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path())
            .output()
            .unwrap()
    };
    let list = format!(
        "{}/tests/fixtures/pages/list_en.htm",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = run(&[
        "parse",
        &list,
        "--kind",
        "page",
        "--preset",
        "vsb",
        "--base-url",
        "http://college.example/gjjl.htm",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["articles"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["articles"][1]["link"],
        "http://college.example/info/1141/2410.htm"
    );
    let article = format!(
        "{}/tests/fixtures/pages/article_en.htm",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = run(&[
        "parse",
        &article,
        "--kind",
        "page",
        "--base-url",
        "http://college.example/info/1141/2421.htm",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["articles"][0]["published"], "2024-06-27T09:01:51Z");
    let content = json["articles"][0]["content"].as_str().unwrap();
    assert!(content.contains("[image: The seminar hall]"), "{content}");
    assert!(!content.contains("tracking"), "{content}");
    assert!(
        json["articles"][0]["enclosures"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://college.example/system/_content/download.jsp")
    );
    let out = run(&["parse", &article, "--kind", "page", "--preset", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vsb, webplus"));
}
