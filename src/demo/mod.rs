//! The embedded demo news site, served from the binary on 127.0.0.1; owns the demo content and its
//! server, never the reader's state.
//!
//! What it serves (paths relative to [`DemoServer::base_url`]):
//! - `feeds/tech.xml` (RSS 2.0) and `feeds/campus.atom` (Atom), with `media:statistics` views and
//!   `slash:comments` / `thr:total` that grow with each fetch; items link to `post/{id}.htm`;
//! - a VSB-style college site: `xwzx.htm` (College News, pages `xwzx/2.htm`, `xwzx/1.htm`),
//!   `gjjl.htm` (International Meeting, UTF-8 with a BOM), `xydt.htm` (校园动态, GBK named only in a
//!   `<meta>`), articles at `info/{tree}/{id}.htm`, images at `images/*.png`;
//! - the CMS counter endpoints `system/resource/code/news/click/dynclicks.jsp`,
//!   `dynclicksbatch.jsp` and `clicktimes.jsp`, whose counts grow with each read;
//! - a Hacker-News-style API under `hn/v0/` (`topstories.json` … `item/{id}.json`).

mod content;
mod counters;
mod feeds;
mod files;
mod hn;
mod server;
mod site;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::model::SourceKind;

pub use content::OWNER;

/// The port the demo tries first. Article links carry the port, so a stable one keeps the links
/// stored by one run valid in the next; when it is taken (a second instance, parallel tests) the
/// server takes any free port instead.
pub const PREFERRED_PORT: u16 = 47316;

/// The running demo site. Dropping it stops the server.
pub struct DemoServer {
    pub addr: SocketAddr,
    base: url::Url,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds 127.0.0.1 ([`PREFERRED_PORT`] when free, else a random port) and serves the site on
    /// the current tokio runtime until dropped or [`DemoServer::shutdown`].
    pub async fn start() -> std::io::Result<DemoServer> {
        let listener =
            match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, PREFERRED_PORT)).await {
                Ok(listener) => listener,
                Err(_) => tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?,
            };
        let addr = listener.local_addr()?;
        let base = base_url_of(addr)?;
        let content = content::Content::load(chrono::Utc::now())?;
        let app = server::router(Arc::new(server::SiteState::new(content, base.clone())));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            });
            if let Err(err) = serve.await {
                tracing::warn!("demo site stopped: {err}");
            }
        });
        tracing::debug!("demo site serving on http://{addr}/");
        Ok(DemoServer {
            addr,
            base,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base_url(&self) -> url::Url {
        self.base.clone()
    }

    /// Stops accepting connections and waits for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn base_url_of(addr: SocketAddr) -> std::io::Result<url::Url> {
    url::Url::parse(&format!("http://{addr}/")).map_err(std::io::Error::other)
}

/// One of the demo's sources, as the reader subscribes to it.
pub struct DemoSource {
    pub name: &'static str,
    /// Relative to the server's base URL.
    pub path: &'static str,
    pub kind: SourceKind,
    pub category: &'static str,
}

const SOURCES: &[DemoSource] = &[
    DemoSource {
        name: "Demo Tech Wire",
        path: "feeds/tech.xml",
        kind: SourceKind::Feed,
        category: "Tech",
    },
    DemoSource {
        name: "Campus Notices",
        path: "feeds/campus.atom",
        kind: SourceKind::Feed,
        category: "Campus",
    },
    DemoSource {
        name: "College News",
        path: "xwzx.htm",
        kind: SourceKind::Page,
        category: "Campus",
    },
    DemoSource {
        name: "International Meeting",
        path: "gjjl.htm",
        kind: SourceKind::Page,
        category: "Campus",
    },
    DemoSource {
        name: "校园动态",
        path: "xydt.htm",
        kind: SourceKind::Page,
        category: "Campus",
    },
    DemoSource {
        name: "Demo HN",
        path: "hn/v0/topstories.json",
        kind: SourceKind::Hackernews,
        category: "Tech",
    },
];

/// The demo's sources: (name, path relative to the base URL, kind, category). Page sources use the
/// VSB preset; the HN source's path names its story list, its API base is the path's directory.
pub fn demo_sources() -> &'static [DemoSource] {
    SOURCES
}
