//! Facts reported by workers (store calls, renders, refreshes), in the past tense. No I/O.

use ratatui::text::Line;

use crate::model::{Article, ArticleId, ArticleQuery, ArticleRow, Counts, SourceId, SourceRow};

/// A rendered article body: styled lines at a width and the numbered links (`[1]` is `links[0]`).
/// The runtime converts the renderer's output into this, so `app/` does not depend on `render/`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReaderBody {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<String>,
}

/// What a refresh did to one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOutcome {
    /// The server said nothing changed (304 or same body hash).
    Unchanged,
    /// New and updated articles were stored.
    Updated { new: usize, updated: usize },
}

/// Totals of a whole refresh, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefreshTally {
    pub total: usize,
    pub ok: usize,
    pub failed: usize,
    pub new_articles: usize,
}

/// A fact from a worker. Results of requests carry the generation they were asked with, so
/// `update` can drop what a newer request has superseded.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Sources, totals and per-category counts, for the categories pane.
    SourcesLoaded {
        sources: Vec<SourceRow>,
        counts: Counts,
        categories: Vec<(String, Counts)>,
    },
    /// One window of an article list.
    ArticlesLoaded {
        generation: u64,
        query: ArticleQuery,
        rows: Vec<ArticleRow>,
        total: usize,
    },
    /// A whole article, after `RecordOpen` or `LoadArticle`.
    ArticleLoaded { article: Box<Article> },
    /// An article body rendered at a width.
    BodyRendered {
        generation: u64,
        id: ArticleId,
        width: u16,
        body: ReaderBody,
    },
    /// `MarkAllRead` finished.
    MarkedAllRead { count: usize },
    /// A refresh began.
    RefreshStarted { total: usize },
    /// One source of a refresh finished; `Err` holds a one-line error.
    SourceRefreshed {
        source: SourceId,
        name: String,
        outcome: Result<SourceOutcome, String>,
    },
    /// The refresh finished.
    RefreshFinished { tally: RefreshTally },
    /// Sent a few times a second while a refresh runs: lists changed since the last reload are
    /// reloaded now (see `RefreshProgress::reloaded_since_tick`).
    RefreshTick,
    /// A link was opened or copied, or some effect failed: a line for the status bar.
    Notified { text: String, error: bool },
}
