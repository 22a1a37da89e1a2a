//! The categories pane's state: virtual views, categories with their sources, counts, failures.

use std::collections::{BTreeSet, HashMap};

use crate::model::{ArticleView, Counts, SourceId, SourceRow};

use super::text;

#[cfg(test)]
mod tests;

/// What a row of the categories pane is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// All, Unread, Starred, or the search results.
    Virtual,
    Category {
        expanded: bool,
    },
    Source,
}

/// One visible row of the categories pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub view: ArticleView,
    pub label: String,
    pub count: i64,
    /// 0 for top-level rows, 1 for a source beneath its category.
    pub depth: u8,
    pub kind: RowKind,
    /// The source's last refresh failed, or (for a category) one of its sources did.
    pub failed: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CategoriesState {
    /// Private: set through [`CategoriesState::set_data`], which also derives `positions` and
    /// `failing` from them; read through [`CategoriesState::source`].
    sources: Vec<SourceRow>,
    /// Where each source is in `sources`.
    positions: HashMap<SourceId, usize>,
    /// How many sources of each category have a failed refresh (categories with none are absent).
    failing: HashMap<String, usize>,
    pub totals: Counts,
    pub categories: Vec<(String, Counts)>,
    pub expanded: BTreeSet<String>,
    /// The query of the search results row, while a search is shown.
    pub search: Option<String>,
    /// How many articles the search found, once known.
    pub search_total: i64,
    pub rows: Vec<CategoryRow>,
    pub cursor: usize,
    pub scroll: usize,
    pub loaded: bool,
    /// A `LoadSources` is running; another request waits for it (`reload_wanted`).
    pub in_flight: bool,
    pub reload_wanted: bool,
}

impl CategoriesState {
    pub fn new() -> CategoriesState {
        let mut state = CategoriesState::default();
        state.rebuild();
        state
    }

    pub fn selected(&self) -> Option<&CategoryRow> {
        self.rows.get(self.cursor)
    }

    pub fn selected_view(&self) -> ArticleView {
        self.selected()
            .map(|row| row.view.clone())
            .unwrap_or_default()
    }

    pub fn source(&self, id: SourceId) -> Option<&SourceRow> {
        self.positions.get(&id).map(|&at| &self.sources[at])
    }

    /// Replace the data and rebuild rows, keeping the cursor on the same view.
    pub fn set_data(
        &mut self,
        sources: Vec<SourceRow>,
        totals: Counts,
        categories: Vec<(String, Counts)>,
    ) {
        self.sources = sources;
        self.positions = self
            .sources
            .iter()
            .enumerate()
            .map(|(at, source)| (source.id, at))
            .collect();
        self.failing.clear();
        for source in self.sources.iter().filter(|s| s.last_error.is_some()) {
            for category in &source.categories {
                *self.failing.entry(category.clone()).or_default() += 1;
            }
        }
        self.totals = totals;
        self.categories = categories;
        self.loaded = true;
        self.rebuild();
    }

    /// Record a source's refresh outcome; returns whether anything visible changed. Only the
    /// rows of the source and its categories change: a refresh reports every source, so this
    /// must not cost a rebuild of all rows.
    pub fn set_source_error(&mut self, id: SourceId, error: Option<String>) -> bool {
        let Some(source) = self.positions.get(&id).map(|&at| &mut self.sources[at]) else {
            return false;
        };
        if source.last_error == error {
            return false;
        }
        let was_failed = source.last_error.is_some();
        source.last_error = error;
        let failed = source.last_error.is_some();
        if failed == was_failed {
            return true; // the message changed, which the status line shows
        }
        for category in &source.categories {
            let count = self.failing.entry(category.clone()).or_default();
            if failed {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
            }
            if *count == 0 {
                self.failing.remove(category);
            }
        }
        for row in &mut self.rows {
            row.failed = match (&row.kind, &row.view) {
                (RowKind::Source, ArticleView::Source(row_id)) if *row_id == id => failed,
                (RowKind::Category { .. }, ArticleView::Category(name)) => {
                    self.failing.contains_key(name)
                }
                _ => continue,
            };
        }
        true
    }

    /// Recompute the visible rows from the data, keeping the selected view selected.
    pub fn rebuild(&mut self) {
        let selected = self.selected().map(|row| (row.view.clone(), row.depth));
        let mut rows = vec![
            virtual_row(ArticleView::All, "All", self.totals.articles),
            virtual_row(ArticleView::Unread, "Unread", self.totals.unread),
            virtual_row(ArticleView::Starred, "Starred", self.totals.starred),
        ];
        if let Some(query) = &self.search {
            rows.push(virtual_row(
                ArticleView::Search(query.clone()),
                &text::search_title(query),
                self.search_total,
            ));
        }
        // Each category's sources, in one pass. Categories come in the store's order (by name);
        // one only a source names (its count not loaded yet) follows, counted from its sources.
        let mut members: HashMap<&str, Vec<&SourceRow>> = HashMap::new();
        let mut names: Vec<(&str, Option<i64>)> = self
            .categories
            .iter()
            .map(|(name, counts)| (name.as_str(), Some(counts.unread)))
            .collect();
        for (name, _) in &names {
            members.insert(name, Vec::new());
        }
        for source in &self.sources {
            for category in &source.categories {
                members
                    .entry(category.as_str())
                    .or_insert_with(|| {
                        names.push((category.as_str(), None));
                        Vec::new()
                    })
                    .push(source);
            }
        }
        for (name, unread) in names {
            let members = members.remove(name).unwrap_or_default();
            let expanded = self.expanded.contains(name);
            rows.push(CategoryRow {
                view: ArticleView::Category(name.to_owned()),
                label: name.to_owned(),
                count: unread.unwrap_or_else(|| members.iter().map(|s| s.unread).sum()),
                depth: 0,
                kind: RowKind::Category { expanded },
                failed: self.failing.contains_key(name),
            });
            if expanded {
                rows.extend(members.into_iter().map(|source| source_row(source, 1)));
            }
        }
        rows.extend(
            self.sources
                .iter()
                .filter(|source| source.categories.is_empty())
                .map(|source| source_row(source, 0)),
        );
        self.rows = rows;
        self.cursor = match selected {
            Some((view, depth)) => self
                .rows
                .iter()
                .position(|row| row.view == view && row.depth == depth)
                .or_else(|| self.rows.iter().position(|row| row.view == view))
                .unwrap_or(self.cursor.min(self.rows.len().saturating_sub(1))),
            None => 0,
        };
    }

    /// Add `delta` to the unread counts of a source, its categories and the totals.
    pub fn adjust_unread(&mut self, id: SourceId, delta: i64) {
        self.totals.unread = (self.totals.unread + delta).max(0);
        let Some(source) = self.positions.get(&id).map(|&at| &mut self.sources[at]) else {
            self.rebuild();
            return;
        };
        source.unread = (source.unread + delta).max(0);
        let names = source.categories.clone();
        for (name, counts) in &mut self.categories {
            if names.contains(name) {
                counts.unread = (counts.unread + delta).max(0);
            }
        }
        self.rebuild();
    }

    pub fn adjust_starred(&mut self, delta: i64) {
        self.totals.starred = (self.totals.starred + delta).max(0);
        self.rebuild();
    }

    /// Keep the cursor within the `page` rows shown.
    pub fn scroll_to_cursor(&mut self, page: usize) {
        self.scroll = keep_visible(self.cursor, self.scroll, page, self.rows.len());
    }

    /// Move the cursor to the first row showing `view`, if there is one.
    pub fn select_view(&mut self, view: &ArticleView) -> bool {
        match self.rows.iter().position(|row| &row.view == view) {
            Some(index) => {
                self.cursor = index;
                true
            }
            None => false,
        }
    }

    /// Expand or collapse the selected category, or the category of the selected source.
    pub fn toggle_collapse(&mut self) {
        let Some(row) = self.selected() else { return };
        match (&row.kind, &row.view) {
            (RowKind::Category { .. }, ArticleView::Category(name)) => {
                let name = name.clone();
                if !self.expanded.remove(&name) {
                    self.expanded.insert(name);
                }
                self.rebuild();
            }
            (RowKind::Source, _) if row.depth > 0 => {
                // Collapse the parent: the nearest category row above.
                let parent = self.rows[..self.cursor]
                    .iter()
                    .rposition(|row| matches!(row.kind, RowKind::Category { .. }));
                if let Some(parent) = parent {
                    if let ArticleView::Category(name) = &self.rows[parent].view {
                        self.expanded.remove(&name.clone());
                    }
                    self.cursor = parent;
                    self.rebuild();
                }
            }
            _ => {}
        }
    }

    /// Expand the selected category (Enter on a category shows its sources).
    pub fn expand_selected(&mut self) {
        if let Some(CategoryRow {
            kind: RowKind::Category { expanded: false },
            view: ArticleView::Category(name),
            ..
        }) = self.selected()
        {
            self.expanded.insert(name.clone());
            self.rebuild();
        }
    }

    /// The sources the selected row covers: `None` means every source.
    pub fn selected_sources(&self) -> Option<Vec<SourceId>> {
        match self.selected().map(|row| &row.view) {
            Some(ArticleView::Source(id)) => Some(vec![*id]),
            Some(ArticleView::Category(name)) => Some(
                self.sources
                    .iter()
                    .filter(|source| source.categories.contains(name))
                    .map(|source| source.id)
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The title of a view, as the article list shows it.
    pub fn view_title(&self, view: &ArticleView) -> String {
        match view {
            ArticleView::All => "All".to_string(),
            ArticleView::Unread => "Unread".to_string(),
            ArticleView::Starred => "Starred".to_string(),
            ArticleView::Category(name) => name.clone(),
            ArticleView::Source(id) => self
                .source(*id)
                .map(|source| source.name.clone())
                .unwrap_or_else(|| format!("source {}", id.0)),
            ArticleView::Search(query) => text::search_title(query),
        }
    }
}

fn virtual_row(view: ArticleView, label: &str, count: i64) -> CategoryRow {
    CategoryRow {
        view,
        label: label.to_string(),
        count,
        depth: 0,
        kind: RowKind::Virtual,
        failed: false,
    }
}

fn source_row(source: &SourceRow, depth: u8) -> CategoryRow {
    CategoryRow {
        view: ArticleView::Source(source.id),
        label: source.name.clone(),
        count: source.unread,
        depth,
        kind: RowKind::Source,
        failed: source.last_error.is_some(),
    }
}

/// The scroll offset that keeps `cursor` within `page` rows, moving as little as possible.
pub fn keep_visible(cursor: usize, scroll: usize, page: usize, len: usize) -> usize {
    let page = page.max(1);
    let scroll = if cursor < scroll {
        cursor
    } else if cursor >= scroll + page {
        cursor + 1 - page
    } else {
        scroll
    };
    scroll.min(len.saturating_sub(page))
}
