//! List windows, counts and bulk marking for an `ArticleQuery`.
//!
//! A window is an index range scan in sort order that stops after `offset + limit` rows; the
//! window's ids are selected first and joined to their rows and source names after, so skipped
//! rows are never read. Windows past the middle of a list are read from the other end (reversed),
//! so paging to the end of a million articles stays cheap. Counts come from the per-source
//! counters when the view allows it, else from a `COUNT(*)` over an index.

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::sources::SOURCE_NAME_SQL;
use super::{SqlContext, Store, StoreError, from_micros};
use crate::model::{ArticleId, ArticleQuery, ArticleRow, ArticleView, SortOrder, SourceId};

/// Below this offset a window is always read from the top; above, the count decides.
const REVERSE_MIN_OFFSET: usize = 2_000;

/// A WHERE clause over `articles a` and its parameters.
struct Filter {
    /// The `FROM` of the inner query, with an index hint where the planner needs one.
    table: &'static str,
    clauses: Vec<&'static str>,
    params: Vec<Value>,
}

impl Filter {
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

/// The column a sort orders by before the date: none for the date sort.
fn value_column(sort: SortOrder) -> Option<&'static str> {
    match sort {
        SortOrder::Date => None,
        SortOrder::Views => Some("a.views"),
        SortOrder::Score => Some("a.score"),
    }
}

fn order_by(sort: SortOrder, descending: bool) -> String {
    let d = if descending { "DESC" } else { "ASC" };
    match value_column(sort) {
        None => format!("a.sort_date {d}, a.id {d}"),
        Some(column) => format!("{column} {d}, a.sort_date {d}, a.id {d}"),
    }
}

/// The window of a views or score list (`column`), without its `LIMIT ? OFFSET ?` (the caller
/// adds both). The views and score indexes are partial (a row without a value is not in them:
/// most feeds have neither, and every index costs each insert), so the list is read as two index
/// ranges: the rows with a value in value order, then the rest by date (reversed when reading
/// from the end, where rows without a value come first). Each part stops after `part_limit`
/// (offset + limit) rows, and the window is taken from the first part, then the second. That
/// relies on SQLite running the arms of a `UNION ALL` without `ORDER BY` in order, which SQL does
/// not promise (SQLite has always done it; an `ORDER BY` would sort both parts again);
/// `views_and_score_lists_put_rows_without_a_value_last` in tests/store/windows.rs fails if it
/// changes.
fn valued_window(
    filter: &Filter,
    column: &str,
    descending: bool,
    part_limit: Value,
) -> (String, Vec<Value>) {
    let d = if descending { "DESC" } else { "ASC" };
    let (table, where_) = (filter.table, filter.sql());
    let valued = format!(
        "SELECT a.id FROM {table} WHERE {where_} AND {column} IS NOT NULL
          ORDER BY {column} {d}, a.sort_date {d}, a.id {d} LIMIT ?"
    );
    let unvalued = format!(
        "SELECT a.id FROM {table} WHERE {where_} AND {column} IS NULL
          ORDER BY a.sort_date {d}, a.id {d} LIMIT ?"
    );
    let (first, second) = if descending {
        (valued, unvalued)
    } else {
        (unvalued, valued)
    };
    let sql = format!(
        "SELECT id FROM (SELECT id FROM ({first}) UNION ALL SELECT id FROM ({second}))
          LIMIT ? OFFSET ?"
    );
    let mut params = filter.params.clone();
    params.push(part_limit.clone());
    params.extend(filter.params.iter().cloned());
    params.push(part_limit);
    (sql, params)
}

impl Store {
    fn filter(&self, q: &ArticleQuery) -> Result<Filter, StoreError> {
        let mut f = Filter {
            table: "articles a",
            clauses: Vec::new(),
            params: Vec::new(),
        };
        let mut unread = q.unread_only;
        match &q.view {
            ArticleView::All => {}
            ArticleView::Unread => unread = true,
            ArticleView::Starred => {
                // Without statistics the planner would walk a sort index over every article.
                f.table = "articles a INDEXED BY articles_starred";
                f.clauses.push("a.starred = 1");
            }
            ArticleView::Category(name) => {
                f.clauses.push(
                    "a.source_id IN (SELECT source_id FROM source_categories WHERE category = ?)",
                );
                f.params.push(Value::Text(name.clone()));
            }
            ArticleView::Source(id) => {
                f.clauses.push("a.source_id = ?");
                f.params.push(Value::Integer(id.0));
            }
            ArticleView::Search(text) => {
                self.index_all_pending()?;
                if let Some(clause) = self.search_predicate(text)? {
                    f.clauses.push(clause);
                }
            }
        }
        if unread {
            // Literal `a.read = 0` so the partial unread indexes apply.
            f.clauses.push("a.read = 0");
        }
        if self.has_inactive_articles()? {
            f.clauses
                .push("a.source_id NOT IN (SELECT id FROM sources WHERE active = 0)");
        }
        Ok(f)
    }

    /// One window of the list described by `q`, in its sort order.
    pub fn list_articles(&self, q: &ArticleQuery) -> Result<Vec<ArticleRow>, StoreError> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        if q.offset > REVERSE_MIN_OFFSET {
            let total = self.count_articles(q)?;
            if q.offset >= total {
                return Ok(Vec::new());
            }
            if q.offset > total / 2 {
                let end = q.offset.saturating_add(q.limit).min(total);
                let mut rows = self.window(q, false, end - q.offset, total - end)?;
                rows.reverse();
                return Ok(rows);
            }
        }
        self.window(q, true, q.limit, q.offset)
    }

    fn window(
        &self,
        q: &ArticleQuery,
        descending: bool,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        let (sql, params) = self.window_sql(q, descending, limit, offset)?;
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .ctx("preparing an article window")?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| {
                Ok(ArticleRow {
                    id: ArticleId(r.get(0)?),
                    source_id: SourceId(r.get(1)?),
                    source_name: r.get(2)?,
                    title: r.get(3)?,
                    link: r.get(4)?,
                    published: r.get::<_, Option<i64>>(5)?.map(from_micros),
                    views: r.get(6)?,
                    score: r.get(7)?,
                    comments: r.get(8)?,
                    read: r.get(9)?,
                    starred: r.get(10)?,
                })
            })
            .ctx("reading an article window")?;
        rows.collect::<Result<_, _>>().ctx("reading an article row")
    }

    /// SQLite's plan (`EXPLAIN QUERY PLAN` detail lines) for the first window of `q`, read from
    /// the top as `list_articles` reads it. Tests use it to check that every window is an index
    /// range scan, never a scan of the articles table followed by a sort.
    pub fn window_plan(&self, q: &ArticleQuery) -> Result<Vec<String>, StoreError> {
        let (sql, params) = self.window_sql(q, true, q.limit, q.offset)?;
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .ctx("preparing a query plan")?;
        let rows = stmt
            .query_map(params_from_iter(params), |r| r.get::<_, String>(3))
            .ctx("reading a query plan")?;
        rows.collect::<Result<_, _>>().ctx("reading a query plan")
    }

    fn window_sql(
        &self,
        q: &ArticleQuery,
        descending: bool,
        limit: usize,
        offset: usize,
    ) -> Result<(String, Vec<Value>), StoreError> {
        let filter = self.filter(q)?;
        let order = order_by(q.sort, descending);
        let count = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        let (window, mut params) = match value_column(q.sort) {
            None => (
                format!(
                    "SELECT a.id FROM {table} WHERE {where_} ORDER BY {order} LIMIT ? OFFSET ?",
                    table = filter.table,
                    where_ = filter.sql(),
                ),
                filter.params.clone(),
            ),
            Some(column) => valued_window(
                &filter,
                column,
                descending,
                count(offset.saturating_add(limit)),
            ),
        };
        params.push(count(limit));
        params.push(count(offset));
        let sql = format!(
            "SELECT a.id, a.source_id, {SOURCE_NAME_SQL}, a.title, a.link, a.published,
                    a.views, a.score, a.comments, a.read, a.starred
               FROM ({window}) w
               JOIN articles a ON a.id = w.id
               JOIN sources s ON s.id = a.source_id
              ORDER BY {order}"
        );
        Ok((sql, params))
    }

    /// How many articles the list described by `q` has (offset and limit ignored).
    pub fn count_articles(&self, q: &ArticleQuery) -> Result<usize, StoreError> {
        let unread = q.unread_only || q.view == ArticleView::Unread;
        let counter = if unread {
            "unread_count"
        } else {
            "article_count"
        };
        let (sql, params): (String, Vec<Value>) = match &q.view {
            ArticleView::All | ArticleView::Unread => (
                format!("SELECT COALESCE(SUM({counter}), 0) FROM sources WHERE active = 1"),
                Vec::new(),
            ),
            ArticleView::Starred if !unread => (
                "SELECT COALESCE(SUM(starred_count), 0) FROM sources WHERE active = 1".to_owned(),
                Vec::new(),
            ),
            ArticleView::Category(name) => (
                format!(
                    "SELECT COALESCE(SUM(s.{counter}), 0)
                       FROM source_categories c JOIN sources s ON s.id = c.source_id
                      WHERE c.category = ? AND s.active = 1"
                ),
                vec![Value::Text(name.clone())],
            ),
            ArticleView::Source(id) => (
                format!(
                    "SELECT COALESCE(SUM({counter}), 0) FROM sources WHERE id = ? AND active = 1"
                ),
                vec![Value::Integer(id.0)],
            ),
            ArticleView::Starred | ArticleView::Search(_) => {
                let filter = self.filter(q)?;
                let only_hits = matches!(q.view, ArticleView::Search(_))
                    && filter.clauses.len() == 1
                    && filter.clauses[0].contains("temp.search_hits");
                if only_hits {
                    // No other filter (not even inactive sources): every hit is in the list.
                    (
                        "SELECT COUNT(*) FROM temp.search_hits".to_owned(),
                        Vec::new(),
                    )
                } else {
                    let sql = format!(
                        "SELECT COUNT(*) FROM {} WHERE {}",
                        filter.table,
                        filter.sql()
                    );
                    (sql, filter.params)
                }
            }
        };
        let count: i64 = self
            .conn
            .prepare_cached(&sql)
            .ctx("preparing an article count")?
            .query_row(params_from_iter(params), |r| r.get(0))
            .ctx("counting articles")?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Marks every unread article of the list described by `q` read (offset and limit ignored).
    /// Returns how many changed.
    pub fn mark_all_read(&mut self, q: &ArticleQuery) -> Result<usize, StoreError> {
        let unread_query = ArticleQuery {
            unread_only: true,
            ..q.clone()
        };
        let filter = self.filter(&unread_query)?;
        let sql = format!(
            "UPDATE articles SET read = 1
              WHERE id IN (SELECT a.id FROM {} WHERE {})",
            filter.table,
            filter.sql()
        );
        self.conn
            .execute(&sql, params_from_iter(filter.params))
            .ctx("marking articles read")
    }
}
