//! The article list's state: a window of rows around the cursor, the total, and window loading.
//!
//! Only `WINDOW` rows are held. The cursor is an absolute index and moves at once; when it nears
//! the edge of the window (or leaves it) a new window centred on it is requested, tagged with a
//! generation so that an older answer arriving late is dropped.

use crate::model::{ArticleId, ArticleQuery, ArticleRow, ArticleView, SortOrder};

use super::categories::keep_visible;
use super::effect::Effect;

/// Rows held in memory.
pub const WINDOW: usize = 200;
/// Ask for the next window when the cursor is this close to the edge of the current one.
pub const MARGIN: usize = 40;

/// Which way a search for the next unread article goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

#[derive(Debug, Clone, Default)]
pub struct ArticlesState {
    pub view: ArticleView,
    pub sort: SortOrder,
    pub unread_only: bool,
    /// Tag of the latest request; answers with another tag are stale.
    pub generation: u64,
    /// Absolute index of `rows[0]`.
    pub offset: usize,
    pub rows: Vec<ArticleRow>,
    pub total: usize,
    pub cursor: usize,
    pub scroll: usize,
    /// The first window of this view has arrived.
    pub loaded: bool,
    /// Offset of the window being loaded.
    pub in_flight: Option<usize>,
    /// Reload once the running request answers (set when data changed under a running load).
    pub reload_wanted: bool,
    /// After a reload, put the cursor back on this article if it is still listed.
    pub keep: Option<ArticleId>,
    /// A next/previous-unread search that continues when the next window arrives.
    pub seeking: Option<Direction>,
}

impl ArticlesState {
    pub fn query(&self, offset: usize) -> ArticleQuery {
        ArticleQuery {
            view: self.view.clone(),
            sort: self.sort,
            unread_only: self.unread_only,
            offset,
            limit: WINDOW,
        }
    }

    /// The query covering the whole list (for mark-all-read).
    pub fn whole_query(&self) -> ArticleQuery {
        ArticleQuery {
            offset: 0,
            limit: 0,
            ..self.query(0)
        }
    }

    pub fn row(&self, index: usize) -> Option<&ArticleRow> {
        index
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i))
    }

    pub fn selected(&self) -> Option<&ArticleRow> {
        self.row(self.cursor)
    }

    pub fn row_mut_by_id(&mut self, id: ArticleId) -> Option<&mut ArticleRow> {
        self.rows.iter_mut().find(|row| row.id == id)
    }

    /// Show another view (or the same one re-sorted / re-filtered) from the top.
    pub fn switch(&mut self, view: ArticleView) -> Effect {
        self.view = view;
        self.rows.clear();
        self.offset = 0;
        self.total = 0;
        self.cursor = 0;
        self.scroll = 0;
        self.loaded = false;
        self.keep = None;
        self.seeking = None;
        self.reload_wanted = false;
        self.request(0)
    }

    /// Reload the current window (data changed), keeping the selected article selected.
    pub fn reload(&mut self) -> Option<Effect> {
        if self.in_flight.is_some() {
            self.reload_wanted = true;
            return None;
        }
        self.keep = self.selected().map(|row| row.id);
        Some(self.request(self.window_start()))
    }

    fn window_start(&self) -> usize {
        self.cursor.saturating_sub(WINDOW / 2)
    }

    fn request(&mut self, offset: usize) -> Effect {
        self.generation += 1;
        self.in_flight = Some(offset);
        Effect::LoadArticles {
            generation: self.generation,
            query: self.query(offset),
        }
    }

    /// Request a window around the cursor if it is near the edge of (or outside) the one held.
    pub fn ensure_window(&mut self) -> Option<Effect> {
        if !self.loaded {
            return None;
        }
        let end = self.offset + self.rows.len();
        let covered = |start: usize, end: usize, total: usize, cursor: usize| {
            let low_ok = start == 0 || cursor >= start + MARGIN;
            let high_ok = end >= total || cursor + MARGIN < end;
            cursor >= start && cursor < end.max(start + 1) && low_ok && high_ok
        };
        if covered(self.offset, end, self.total, self.cursor) {
            return None;
        }
        if let Some(start) = self.in_flight {
            let end = (start + WINDOW).min(self.total);
            if covered(start, end, self.total, self.cursor) {
                return None;
            }
        }
        Some(self.request(self.window_start()))
    }

    /// Take a window from the store. Returns false when it is stale and was dropped.
    pub fn accept(
        &mut self,
        generation: u64,
        query: &ArticleQuery,
        rows: Vec<ArticleRow>,
        total: usize,
    ) -> bool {
        if generation != self.generation || query.view != self.view {
            return false;
        }
        self.in_flight = None;
        self.loaded = true;
        self.offset = query.offset.min(total);
        self.rows = rows;
        self.total = total;
        if let Some(index) = self
            .keep
            .take()
            .and_then(|id| self.rows.iter().position(|row| row.id == id))
        {
            self.cursor = self.offset + index;
        }
        self.cursor = self.cursor.min(total.saturating_sub(1));
        true
    }

    /// Move the cursor to an absolute index, clamped to the list.
    pub fn move_to(&mut self, index: usize, page: usize) {
        self.cursor = index.min(self.total.saturating_sub(1));
        self.keep = None;
        self.scroll_to_cursor(page);
    }

    pub fn move_by(&mut self, delta: isize, page: usize) {
        let target = self.cursor.saturating_add_signed(delta);
        self.move_to(target, page);
    }

    /// Keep the cursor within the `page` rows shown.
    pub fn scroll_to_cursor(&mut self, page: usize) {
        self.scroll = keep_visible(self.cursor, self.scroll, page, self.total);
    }

    /// The next unread row in the window, in a direction, strictly after/before the cursor.
    pub fn find_unread(&self, direction: Direction, from: usize) -> Option<usize> {
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| (self.offset + i, row));
        match direction {
            Direction::Forward => rows
                .filter(|(index, row)| *index >= from && !row.read)
                .map(|(index, _)| index)
                .next(),
            Direction::Backward => rows
                .rev()
                .filter(|(index, row)| *index <= from && !row.read)
                .map(|(index, _)| index)
                .next(),
        }
    }
}
