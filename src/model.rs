//! Plain data shared by every layer: sources, articles, drafts from parsers, counts. No I/O here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Row id of a source in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceId(pub i64);

/// Row id of an article in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleId(pub i64);

/// What kind of source a URL is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS, Atom or JSON Feed, detected from the document.
    #[default]
    Feed,
    /// A news site without a feed, read with selector rules.
    Page,
    /// The Hacker News API.
    Hackernews,
    /// Any JSON news API mapped with JSON pointers.
    Json,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
            SourceKind::Hackernews => "hackernews",
            SourceKind::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<SourceKind> {
        match text {
            "feed" => Some(SourceKind::Feed),
            "page" => Some(SourceKind::Page),
            "hackernews" => Some(SourceKind::Hackernews),
            "json" => Some(SourceKind::Json),
            _ => None,
        }
    }
}

/// An attached file of an article (podcast audio, a PDF).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Enclosure {
    pub url: String,
    #[serde(rename = "type")]
    pub mime_type: Option<String>,
    pub length: Option<u64>,
}

/// One article as a parser read it, before it has an id. Text fields are sanitised plain text;
/// `summary` and `content` are sanitised HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ArticleDraft {
    /// The source's own id for the item (guid, Atom id, JSON Feed id).
    pub id: Option<String>,
    pub title: String,
    pub link: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub author: Option<String>,
    pub categories: Vec<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
    pub enclosures: Vec<Enclosure>,
    pub views: Option<i64>,
    pub comments: Option<i64>,
    pub score: Option<i64>,
}

impl ArticleDraft {
    /// The key that makes an article unique within its source: guid, else link, else title+date.
    pub fn dedup_key(&self) -> String {
        if let Some(id) = self.id.as_deref().filter(|id| !id.trim().is_empty()) {
            return format!("id:{}", id.trim());
        }
        if let Some(link) = self.link.as_deref().filter(|link| !link.trim().is_empty()) {
            return format!("link:{}", link.trim());
        }
        let date = self
            .published
            .or(self.updated)
            .map(|d| d.to_rfc3339())
            .unwrap_or_default();
        format!("title:{}|{}", self.title.trim(), date)
    }
}

/// A whole document as a parser read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub articles: Vec<ArticleDraft>,
}

/// How the article list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Newest first.
    #[default]
    Date,
    /// Most viewed first.
    Views,
    /// Highest score first.
    Score,
}

impl SortOrder {
    pub fn next(self) -> SortOrder {
        match self {
            SortOrder::Date => SortOrder::Views,
            SortOrder::Views => SortOrder::Score,
            SortOrder::Score => SortOrder::Date,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Date => "date",
            SortOrder::Views => "views",
            SortOrder::Score => "score",
        }
    }
}

/// Which articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ArticleView {
    #[default]
    All,
    Unread,
    Starred,
    Category(String),
    Source(SourceId),
    Search(String),
}

/// A request for one window of an article list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ArticleQuery {
    pub view: ArticleView,
    pub sort: SortOrder,
    pub unread_only: bool,
    pub offset: usize,
    pub limit: usize,
}

/// One line of the article list: just what the list shows, no bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub id: ArticleId,
    pub source_id: SourceId,
    pub source_name: String,
    pub title: String,
    pub link: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub views: Option<i64>,
    pub score: Option<i64>,
    pub comments: Option<i64>,
    pub read: bool,
    pub starred: bool,
}

/// A whole stored article, for the reader pane and `list --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    pub source_id: SourceId,
    pub source_name: String,
    /// The source's categories (from the config), not the feed's own item categories.
    pub source_categories: Vec<String>,
    pub guid: Option<String>,
    pub title: String,
    pub link: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub first_seen: DateTime<Utc>,
    pub categories: Vec<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
    pub enclosures: Vec<Enclosure>,
    pub views: Option<i64>,
    pub score: Option<i64>,
    pub comments: Option<i64>,
    /// Views when the user last opened the article, to show the change since.
    pub views_at_open: Option<i64>,
    pub read: bool,
    pub starred: bool,
    pub opened: i64,
}

/// A source with its refresh state and counts, for the categories pane and `sources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub id: SourceId,
    /// The configured name, else the feed's own title, else the URL.
    pub name: String,
    pub url: String,
    pub kind: SourceKind,
    pub categories: Vec<String>,
    pub last_refresh: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub articles: i64,
    pub unread: i64,
}

/// Totals for the virtual views and the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub articles: i64,
    pub unread: i64,
    pub starred: i64,
}

/// What an upsert of one source's drafts did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpsertCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}
