//! Effects: what `update` asks the runtime to do, as data. The runtime runs them and reports back
//! with `Msg`s.

use crate::model::{ArticleId, ArticleQuery, SourceId};

/// Which sources a refresh covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshScope {
    All,
    Sources(Vec<SourceId>),
}

/// An instruction to the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Load sources, totals and category counts → `Msg::SourcesLoaded`.
    LoadSources,
    /// Load one window of the article list → `Msg::ArticlesLoaded` with the same generation.
    LoadArticles {
        generation: u64,
        query: ArticleQuery,
    },
    /// Load one whole article without recording an open → `Msg::ArticleLoaded`.
    LoadArticle {
        id: ArticleId,
    },
    /// Render the article's body at a width, off the input path → `Msg::BodyRendered`.
    RenderBody {
        generation: u64,
        id: ArticleId,
        width: u16,
    },
    /// Mark read, add one to the opened count → `Msg::ArticleLoaded`.
    RecordOpen {
        id: ArticleId,
    },
    SetRead {
        id: ArticleId,
        read: bool,
    },
    SetStarred {
        id: ArticleId,
        starred: bool,
    },
    /// Mark every article of the query read → `Msg::MarkedAllRead`.
    MarkAllRead {
        query: ArticleQuery,
    },
    /// Refresh sources in the background → `RefreshStarted`, `SourceRefreshed`…, `RefreshFinished`.
    FetchSources {
        scope: RefreshScope,
    },
    /// Open an http(s) URL in the browser, by argv.
    OpenUrl(String),
    /// Copy text to the clipboard with OSC 52.
    CopyToClipboard(String),
    /// Stop the process with SIGTSTP after restoring the terminal; resume redraws.
    Suspend,
    Quit,
}
