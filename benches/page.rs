//! Page extraction throughput (issue 6): what a `page` source does with each fetched page,
//! `tidings::parse::page::decode` then `extract_list` or `extract_article` with the bundled `vsb`
//! and `webplus` presets. The pages are written here: VSB pages from the demo site's templates
//! (English in UTF-8 with a BOM, Chinese in GBK named only in a `<meta>`), WebPlus pages in that
//! CMS's markup; 20 rows per list page, article bodies of 1–8 KB. Reports articles/s and MiB/s.
//!
//! `cargo bench --bench page [-- --warm-up-time 1 --measurement-time 3]`

mod common;

use std::fmt::Write as _;
use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Rng, check, escape, html_body, or_exit, title};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::config::rules::{self, PageRules};
use tidings::parse::page;
use url::Url;

const LIST_EN: &str = include_str!("../assets/demo/site/list.html");
const LIST_ZH: &str = include_str!("../assets/demo/site/list_zh.html");
const ARTICLE_EN: &str = include_str!("../assets/demo/site/article.html");
const ARTICLE_ZH: &str = include_str!("../assets/demo/site/article_zh.html");

/// Rows per list page, and article pages per iteration of the article benches.
const ROWS: usize = 20;
const SITE: &str = "https://college.example";
const OWNER: u64 = 1_730_264_815;
const TREE: u32 = 1141;

/// The markup and encoding of one kind of site.
#[derive(Clone, Copy, PartialEq)]
enum Site {
    VsbEnglish,
    VsbChinese,
    WebPlus,
}

impl Site {
    fn name(self) -> &'static str {
        match self {
            Site::VsbEnglish => "vsb_en_utf8",
            Site::VsbChinese => "vsb_zh_gbk",
            Site::WebPlus => "webplus_zh_utf8",
        }
    }

    fn preset(self) -> &'static str {
        match self {
            Site::WebPlus => "webplus",
            Site::VsbEnglish | Site::VsbChinese => "vsb",
        }
    }

    fn chinese(self) -> bool {
        self != Site::VsbEnglish
    }

    /// The Content-Type the site sends: the GBK site names its charset only in the page.
    fn content_type(self) -> &'static str {
        match self {
            Site::VsbChinese => "text/html",
            Site::VsbEnglish | Site::WebPlus => "text/html; charset=UTF-8",
        }
    }

    fn article_url(self, id: u32, at: DateTime<Utc>) -> String {
        match self {
            Site::WebPlus => format!("{SITE}/{}/c1567a{id}/page.htm", at.format("%Y/%m%d")),
            Site::VsbEnglish | Site::VsbChinese => format!("{SITE}/info/{TREE}/{id}.htm"),
        }
    }

    /// The page as the site serves it: GBK, UTF-8 with a BOM, or plain UTF-8.
    fn encode(self, html: &str) -> Vec<u8> {
        match self {
            Site::VsbChinese => encoding_rs::GBK.encode(html).0.into_owned(),
            Site::VsbEnglish => [b"\xEF\xBB\xBF".as_slice(), html.as_bytes()].concat(),
            Site::WebPlus => html.as_bytes().to_vec(),
        }
    }
}

/// One listed article and its page.
struct Article {
    id: u32,
    title: String,
    at: DateTime<Utc>,
    body: String,
    attachment: bool,
}

fn articles(site: Site, rng: &mut Rng) -> Vec<Article> {
    let end = Utc.with_ymd_and_hms(2025, 6, 30, 2, 0, 0).single();
    let end = or_exit(end.ok_or("no such date"), "end date");
    (0..ROWS)
        .map(|i| {
            let size = rng.log_size(1024, 8192);
            Article {
                id: 2400 + i as u32,
                title: title(rng, site.chinese()),
                at: end - Duration::hours((i * 31) as i64),
                body: html_body(rng, size, site.chinese(), i),
                attachment: rng.chance(20),
            }
        })
        .collect()
}

/// Replaces each `{{key}}` of a template.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

fn list_page(site: Site, articles: &[Article]) -> String {
    let mut rows = String::new();
    for (i, a) in articles.iter().enumerate() {
        let date = a.at.format("%Y-%m-%d");
        let full = escape(&a.title);
        let shown: String = a
            .title
            .chars()
            .take(if site.chinese() { 18 } else { 48 })
            .collect();
        let shown = escape(&shown);
        let _ = match site {
            Site::WebPlus => writeln!(
                rows,
                "  <li class=\"news n{n} clearfix\"><span class=\"news_title\"><a href=\"{url}\" \
                 target=\"_blank\" title=\"{full}\">{shown}</a></span><span class=\"news_meta\">{date}</span></li>",
                n = i + 1,
                url = site.article_url(a.id, a.at).trim_start_matches(SITE),
            ),
            Site::VsbEnglish | Site::VsbChinese => writeln!(
                rows,
                "        <li id=\"line_u8_{i}\"><span> {date}</span>\n          \
                 <a href=\"info/{TREE}/{id}.htm\" title=\"{full}\"><em>{shown}</em></a>\n          \
                 <span id=\"dynclicks_u8_{id}\" name=\"dynclicks_u8_{id}\"></span></li>",
                id = a.id,
            ),
        };
    }
    if site == Site::WebPlus {
        return webplus_list(&rows);
    }
    let spans: Vec<String> = articles
        .iter()
        .map(|a| format!("'dynclicks_u8_{}'", a.id))
        .collect();
    let ids: Vec<String> = articles.iter().map(|a| a.id.to_string()).collect();
    let batch = format!(
        "_showDynClickBatch([{}],[{}],\"wbnews\", {OWNER})",
        spans.join(","),
        ids.join(",")
    );
    let pager = "<span class=\"p_pages\"><span class=\"p_t\">200 items</span> <span class=\"p_t\">1/10</span> \
                 <span class=\"p_no_d\">1</span> <span class=\"p_no\"><a href=\"xwzx/9.htm\">2</a></span> \
                 <span class=\"p_next p_fun\"><a href=\"xwzx/9.htm\">Next</a></span> \
                 <span class=\"p_last p_fun\"><a href=\"xwzx/1.htm\">Last</a></span></span>";
    let template = if site.chinese() { LIST_ZH } else { LIST_EN };
    fill(
        template,
        &[
            ("section", "College News"),
            ("slug", "xwzx"),
            ("root", ""),
            ("tree", &TREE.to_string()),
            ("owner", &OWNER.to_string()),
            ("rows", &rows),
            ("batch", &batch),
            ("pager", pager),
        ],
    )
}

/// A WebPlus column page: navigation, the list and the pager.
fn webplus_list(rows: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>学院新闻</title>\n\
         <link type=\"text/css\" href=\"/_css/_system/system.css\" rel=\"stylesheet\"/>\n\
         <script type=\"text/javascript\" src=\"/_js/_portletPlugs/sudyNavi/jquery.sudyNav.js\"></script>\n\
         </head><body>\n<div class=\"header\"><ul class=\"wp_nav\">{nav}</ul></div>\n\
         <div id=\"wp_news_w6\">\n<ul class=\"news_list list2\">\n{rows}</ul>\n</div>\n\
         <div id=\"wp_paging_w6\"><ul class=\"wp_paging clearfix\"><li class=\"page_nav\">\
         <a class=\"prev\" href=\"javascript:void(0);\">上一页</a><a class=\"next\" href=\"/1567/list2.htm\">下一页</a>\
         </li></ul></div>\n<div class=\"footer\">版权所有 © 示例学院</div>\n</body></html>\n",
        nav = (1..=10)
            .map(|n| format!(
                "<li class=\"nav-item i{n}\"><a href=\"/{n}/list.htm\">栏目{n}</a></li>"
            ))
            .collect::<String>(),
    )
}

fn article_page(site: Site, a: &Article) -> String {
    let datetime = a.at.format("%Y-%m-%d %H:%M:%S").to_string();
    if site == Site::WebPlus {
        return format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\n\
             <meta name=\"ArticleTitle\" content=\"{t}\">\n<meta name=\"PubDate\" content=\"{datetime}\">\n\
             </head><body>\n<div class=\"article\">\n<h1 class=\"arti_title\">{t}</h1>\n\
             <p class=\"arti_metas\"><span class=\"arti_publisher\">发布者：宣传部</span>\
             <span class=\"arti_update\">发布时间：{date}</span><span class=\"arti_views\">浏览次数：\
             <span class=\"WP_VisitCount\" url=\"/_visitcountdisplay?siteId=12&amp;type=3&amp;articleId={id}\">{views}</span></span></p>\n\
             <div class=\"entry\"><div class=\"read\"><div class='wp_articlecontent'>{body}</div></div></div>\n\
             {attachment}</div>\n</body></html>\n",
            t = escape(&a.title),
            date = a.at.format("%Y-%m-%d"),
            id = a.id,
            views = a.id % 977,
            body = a.body,
            attachment = if a.attachment {
                format!(
                    "<p><a href=\"/_upload/article/files/ab/cd/{}.pdf\" sudyfile-attr=\"{{}}\">附件.pdf</a></p>",
                    a.id
                )
            } else {
                String::new()
            },
        );
    }
    let attachments = if a.attachment {
        format!(
            "<ul style=\"list-style-type:none;\"><li>Attachment: <a href=\"/system/_content/download.jsp?\
             urltype=news.DownloadAttachUrl&amp;owner={OWNER}&amp;wbfileid={}\" target=\"_blank\">report.pdf</a></li></ul>",
            a.id * 7
        )
    } else {
        String::new()
    };
    let template = if site.chinese() {
        ARTICLE_ZH
    } else {
        ARTICLE_EN
    };
    fill(
        template,
        &[
            ("title", &escape(&a.title)),
            ("section", "College News"),
            ("slug", "xwzx"),
            ("tree", &TREE.to_string()),
            ("id", &a.id.to_string()),
            ("owner", &OWNER.to_string()),
            ("datetime", &datetime),
            ("datetime_short", &a.at.format("%Y-%m-%d %H:%M").to_string()),
            ("body", &a.body),
            ("attachments", &attachments),
        ],
    )
}

/// A site's list page and its article pages, encoded, with their URLs and rules.
struct Pages {
    site: Site,
    rules: PageRules,
    list_url: Url,
    list: Vec<u8>,
    articles: Vec<(Url, Vec<u8>)>,
}

fn pages(site: Site, rng: &mut Rng) -> Pages {
    let articles = articles(site, rng);
    let list_url = match site {
        Site::WebPlus => format!("{SITE}/1567/list.htm"),
        Site::VsbEnglish | Site::VsbChinese => format!("{SITE}/xwzx.htm"),
    };
    Pages {
        site,
        rules: or_exit(
            rules::preset(site.preset()).map_err(|e| e.message),
            site.preset(),
        ),
        list_url: or_exit(Url::parse(&list_url), "list URL"),
        list: site.encode(&list_page(site, &articles)),
        articles: articles
            .iter()
            .map(|a| {
                let url = or_exit(Url::parse(&site.article_url(a.id, a.at)), "article URL");
                (url, site.encode(&article_page(site, a)))
            })
            .collect(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn read_list(p: &Pages) -> Result<page::ListPage, page::PageError> {
    let html = page::decode(&p.list, Some(p.site.content_type()));
    page::extract_list(&html, &p.list_url, &p.rules, now())
}

fn read_articles(p: &Pages) -> Result<Vec<page::ArticlePage>, page::PageError> {
    p.articles
        .iter()
        .map(|(url, bytes)| {
            let html = page::decode(bytes, Some(p.site.content_type()));
            page::extract_article(&html, url, &p.rules, None, now())
        })
        .collect()
}

/// Checks that the rules read what the pages hold, so the bench times the real path.
fn check_pages(p: &Pages) {
    let name = p.site.name();
    let list = or_exit(read_list(p), name);
    check(
        list.items.len() == ROWS
            && list.items.iter().all(|i| i.published.is_some())
            && list.next.is_some(),
        &format!("{name} list: {ROWS} dated rows and a next page"),
    );
    let articles = or_exit(read_articles(p), name);
    check(
        articles.iter().all(|a| {
            a.draft.published.is_some()
                && a.draft.content.as_ref().is_some_and(|c| c.len() > 500)
                && !a.draft.title.is_empty()
        }),
        &format!("{name} articles: a title, a date and a body each"),
    );
    check(
        articles.iter().all(|a| a.counter.is_some()),
        &format!("{name} articles: a counter reference each"),
    );
}

fn bench_pages(c: &mut Criterion) {
    let mut rng = Rng::new(0x9a9e);
    let sites = [Site::VsbEnglish, Site::VsbChinese, Site::WebPlus].map(|s| pages(s, &mut rng));
    for p in &sites {
        check_pages(p);
    }
    let mut group = c.benchmark_group("page_list");
    for p in &sites {
        group.throughput(Throughput::ElementsAndBytes {
            elements: ROWS as u64,
            bytes: p.list.len() as u64,
        });
        group.bench_function(p.site.name(), |b| b.iter(|| read_list(black_box(p))));
    }
    group.finish();
    let mut group = c.benchmark_group("page_article");
    for p in &sites {
        let bytes: usize = p.articles.iter().map(|(_, page)| page.len()).sum();
        group.throughput(Throughput::ElementsAndBytes {
            elements: p.articles.len() as u64,
            bytes: bytes as u64,
        });
        group.bench_function(p.site.name(), |b| b.iter(|| read_articles(black_box(p))));
    }
    group.finish();
}

criterion_group!(benches, bench_pages);
criterion_main!(benches);
