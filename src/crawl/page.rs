//! Crawling a `page` source (filled in by increment 3).

use super::Refreshed;
use crate::config::rules::PageRules;
use crate::refresh::{RefreshContext, SourceTarget};

pub(crate) async fn refresh(
    _ctx: &RefreshContext,
    _target: &SourceTarget,
    _rules: &PageRules,
) -> Result<Refreshed, String> {
    Err("page sources are not crawled yet".to_string())
}
