//! The embedded demo news site, served from the binary on 127.0.0.1.
//! (Placeholder names so the CLI compiles; the demo module replaces this file.)

use crate::model::SourceKind;

/// The running demo site (placeholder).
pub struct DemoServer {
    pub addr: std::net::SocketAddr,
}

impl DemoServer {
    pub async fn start() -> std::io::Result<DemoServer> {
        Err(std::io::Error::other("the demo site is not built yet"))
    }

    pub fn base_url(&self) -> url::Url {
        let text = format!("http://{}/", self.addr);
        url::Url::parse(&text).unwrap_or_else(|_| {
            url::Url::from_directory_path("/").unwrap_or_else(|()| unreachable!())
        })
    }
}

/// One demo source.
pub struct DemoSource {
    pub name: &'static str,
    pub path: &'static str,
    pub kind: SourceKind,
    pub category: &'static str,
}

pub fn demo_sources() -> &'static [DemoSource] {
    &[]
}
