//! The reader pane's state: the open article, its rendered body at a width, the scroll position.

use crate::model::{Article, ArticleId, ArticleRow};

use super::effect::Effect;
use super::msg::ReaderBody;

#[derive(Debug, Clone, Default)]
pub struct ReaderState {
    pub id: Option<ArticleId>,
    /// The list row, shown as the header until the whole article arrives.
    pub row: Option<ArticleRow>,
    pub article: Option<Article>,
    /// Tag of the latest render request; older renders are dropped.
    pub generation: u64,
    pub body: Option<ReaderBody>,
    /// The width `body` was rendered at.
    pub body_width: u16,
    /// The width of the latest render request.
    pub requested_width: u16,
    pub scroll: usize,
}

impl ReaderState {
    /// Open an article: record the open and render its body.
    pub fn open(&mut self, row: &ArticleRow, width: u16) -> Vec<Effect> {
        self.id = Some(row.id);
        self.row = Some(row.clone());
        self.article = None;
        self.body = None;
        self.body_width = 0;
        self.scroll = 0;
        vec![Effect::RecordOpen { id: row.id }, self.render(width)]
    }

    fn render(&mut self, width: u16) -> Effect {
        self.generation += 1;
        self.requested_width = width;
        Effect::RenderBody {
            generation: self.generation,
            id: self.id.unwrap_or(ArticleId(0)),
            width,
        }
    }

    /// Re-render at a new width (the old body stays until the new one arrives).
    pub fn resize(&mut self, width: u16) -> Option<Effect> {
        if self.id.is_none() || width == self.requested_width {
            return None;
        }
        Some(self.render(width))
    }

    /// Take a rendered body; false when it is stale.
    pub fn accept(&mut self, generation: u64, id: ArticleId, width: u16, body: ReaderBody) -> bool {
        if generation != self.generation || Some(id) != self.id {
            return false;
        }
        self.body = Some(body);
        self.body_width = width;
        self.clamp_scroll();
        true
    }

    pub fn link(&self) -> Option<&str> {
        self.article
            .as_ref()
            .and_then(|article| article.link.as_deref())
            .or_else(|| self.row.as_ref().and_then(|row| row.link.as_deref()))
    }

    pub fn body_len(&self) -> usize {
        self.body.as_ref().map_or(0, |body| body.lines.len())
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.clamp_scroll();
    }

    fn clamp_scroll(&mut self) {
        self.scroll = self.scroll.min(self.body_len().saturating_sub(1));
    }

    pub fn scroll_to_end(&mut self, page: usize) {
        self.scroll = self.body_len().saturating_sub(page.max(1));
    }
}
