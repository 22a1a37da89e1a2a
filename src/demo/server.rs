//! The demo site's HTTP routes (axum on 127.0.0.1): feeds, CMS pages, counter endpoints, the
//! Hacker-News-style API and static files. Owns the live counters; renders nothing itself.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use url::Url;

use super::content::{Content, OWNER};
use super::counters::{self, Counters, Fetches};
use super::{feeds, files, hn, site};

/// Shared, read-mostly state of one running demo site.
pub struct SiteState {
    content: Content,
    base: Url,
    /// Article click counters of the CMS site, by news id.
    clicks: Counters,
    /// Attachment download counters, by file id.
    downloads: Counters,
    /// How many times each HN item was fetched, by item id.
    hn_fetches: Counters,
    tech_fetches: Fetches,
    campus_fetches: Fetches,
}

impl SiteState {
    pub fn new(content: Content, base: Url) -> SiteState {
        let articles = content.sections.iter().flat_map(|s| &s.articles);
        let clicks = Counters::new(articles.clone().map(|a| (a.id, a.clicks, a.step)));
        let downloads = Counters::new(articles.filter_map(|a| {
            a.attachment
                .as_ref()
                .map(|f| (f.file_id, 20 + u64::from(f.file_id % 50), 1))
        }));
        let hn_fetches = Counters::new(
            hn::story_ids(&content)
                .chain(content.hn.comments.iter().map(|c| c.id))
                .map(|id| (id, 0, 1)),
        );
        SiteState {
            content,
            base,
            clicks,
            downloads,
            hn_fetches,
            tech_fetches: Fetches::default(),
            campus_fetches: Fetches::default(),
        }
    }
}

impl SiteState {
    /// Ten-minute steps since the content's anchor: the part of every count that grows with time.
    fn ticks(&self) -> u64 {
        self.content.ticks(chrono::Utc::now())
    }
}

type Shared = State<Arc<SiteState>>;
type Params = Query<HashMap<String, String>>;

pub fn router(state: Arc<SiteState>) -> Router {
    const CLICK: &str = "/system/resource/code/news/click";
    Router::new()
        .route("/", get(index))
        .route("/index.htm", get(index))
        .route("/feeds/tech.xml", get(tech_feed))
        .route("/feeds/campus.atom", get(campus_feed))
        .route("/post/{file}", get(post))
        .route(&format!("{CLICK}/dynclicks.jsp"), get(dynclicks))
        .route(&format!("{CLICK}/dynclicksbatch.jsp"), get(dynclicks_batch))
        .route(&format!("{CLICK}/clicktimes.jsp"), get(clicktimes))
        .route("/system/_content/download.jsp", get(download))
        .route("/system/resource/js/{file}", get(script))
        .route("/images/{file}", get(image))
        .route("/hn/v0/{file}", get(hn_list))
        .route("/hn/v0/item/{file}", get(hn_item))
        .fallback(cms_page)
        .with_state(state)
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
        "<h1>404 Not Found</h1>",
    )
        .into_response()
}

/// Serves a page that never changes with an ETag, answering 304 to a matching If-None-Match.
fn cacheable(headers: &HeaderMap, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:016x}\"", hasher.finish());
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn index(headers: HeaderMap) -> Response {
    let page = site::index();
    cacheable(&headers, page.content_type, page.body)
}

async fn tech_feed(State(state): Shared) -> Response {
    let fetch = state.tech_fetches.next() + state.ticks();
    let xml = feeds::rss(&state.content, &state.content.tech, &state.base, fetch);
    (
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

async fn campus_feed(State(state): Shared) -> Response {
    let fetch = state.campus_fetches.next() + state.ticks();
    let xml = feeds::atom(&state.content, &state.content.campus, &state.base, fetch);
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

async fn post(State(state): Shared, Path(file): Path<String>) -> Response {
    let Some(id) = file
        .strip_suffix(".htm")
        .and_then(|s| s.parse::<u32>().ok())
    else {
        return not_found();
    };
    let content = &state.content;
    let found = [&content.tech, &content.campus]
        .into_iter()
        .find_map(|feed| {
            feed.items
                .iter()
                .find(|i| i.id == id)
                .map(|item| (feed, item))
        });
    match found {
        Some((feed, item)) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            feeds::post_page(feed, item, &state.base),
        )
            .into_response(),
        None => not_found(),
    }
}

fn owner_matches(params: &HashMap<String, String>) -> bool {
    params
        .get("owner")
        .and_then(|o| o.trim().parse::<u64>().ok())
        == Some(OWNER)
}

/// `dynclicks.jsp?clickid=ID&owner=OWNER&clicktype=wbnews` → a bare integer padded as the CMS does.
async fn dynclicks(State(state): Shared, Query(params): Params) -> Response {
    let id = params
        .get("clickid")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let count = match id {
        Some(id) if owner_matches(&params) => state.clicks.read(id, state.ticks()).unwrap_or(0),
        _ => 0,
    };
    (
        [(header::CONTENT_TYPE, "text/html;charset=UTF-8")],
        format!("  {count}\r\n"),
    )
        .into_response()
}

/// `dynclicksbatch.jsp?clickids=1,2,3&owner=OWNER&clicktype=wbnews` → "42,7,0" in request order.
async fn dynclicks_batch(State(state): Shared, Query(params): Params) -> Response {
    let ids = counters::parse_ids(params.get("clickids").map_or("", String::as_str));
    let body = if owner_matches(&params) {
        counters::batch(&state.clicks, &ids, state.ticks())
    } else {
        vec!["0"; ids.len()].join(",")
    };
    ([(header::CONTENT_TYPE, "text/html;charset=UTF-8")], body).into_response()
}

/// `clicktimes.jsp?wbnewsid=FILE&owner=OWNER&type=wbnewsfile&randomid=nattach` → JSON.
async fn clicktimes(State(state): Shared, Query(params): Params) -> Response {
    let id = params
        .get("wbnewsid")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let times = match id {
        Some(id) if owner_matches(&params) => state.downloads.read(id, 0).unwrap_or(0),
        _ => 0,
    };
    let body = serde_json::json!({
        "wbshowtimes": times,
        "randomid": params.get("randomid").map_or("nattach", String::as_str),
        "wbnewsid": id.unwrap_or(0),
    });
    (
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

async fn download(State(state): Shared, Query(params): Params) -> Response {
    let id = params
        .get("wbfileid")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let known = state
        .content
        .sections
        .iter()
        .flat_map(|s| &s.articles)
        .filter_map(|a| a.attachment.as_ref())
        .find(|a| Some(a.file_id) == id);
    match known {
        Some(_) => (
            [(header::CONTENT_TYPE, "application/pdf")],
            files::ATTACHMENT,
        )
            .into_response(),
        None => not_found(),
    }
}

async fn script(Path(file): Path<String>) -> Response {
    match files::script(&file) {
        Some(js) => ([(header::CONTENT_TYPE, "application/javascript")], js).into_response(),
        None => not_found(),
    }
}

async fn image(headers: HeaderMap, Path(file): Path<String>) -> Response {
    match files::image(&file) {
        Some(png) => cacheable(&headers, "image/png", png.to_vec()),
        None => not_found(),
    }
}

fn json(value: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value,
    )
        .into_response()
}

async fn hn_list(State(state): Shared, Path(file): Path<String>) -> Response {
    if file == "maxitem.json" {
        return json(hn::max_item(&state.content).to_string());
    }
    match hn::list(&state.content, &file) {
        Some(ids) => json(serde_json::Value::from(ids).to_string()),
        None => not_found(),
    }
}

async fn hn_item(State(state): Shared, Path(file): Path<String>) -> Response {
    let Some(id) = file
        .strip_suffix(".json")
        .and_then(|s| s.parse::<u32>().ok())
    else {
        return not_found();
    };
    let fetch = state.hn_fetches.read(id, state.ticks()).unwrap_or(0);
    // The real API answers `null` for an id it does not know.
    let value = hn::item(&state.content, id, fetch).unwrap_or(serde_json::Value::Null);
    json(value.to_string())
}

/// `/{slug}.htm`, `/{slug}/{n}.htm` and `/info/{tree}/{id}.htm`: the CMS pages.
async fn cms_page(State(state): Shared, headers: HeaderMap, uri: Uri) -> Response {
    let content = &state.content;
    let parts: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    let number = |s: &str| s.strip_suffix(".htm").and_then(|n| n.parse::<u32>().ok());
    let page = match parts.as_slice() {
        [file] => file
            .strip_suffix(".htm")
            .and_then(|slug| content.section(slug))
            .and_then(|section| site::list_page(content, section, site::ListPage::First)),
        ["info", tree, file] => tree
            .parse::<u32>()
            .ok()
            .zip(number(file))
            .and_then(|(tree, id)| content.article(tree, id))
            .map(|(section, article)| site::article_page(content, section, article)),
        [slug, file] => content
            .section(slug)
            .zip(number(file))
            .and_then(|(section, n)| {
                site::list_page(content, section, site::ListPage::Numbered(n as usize))
            }),
        _ => None,
    };
    match page {
        Some(page) => cacheable(&headers, page.content_type, page.body),
        None => not_found(),
    }
}
