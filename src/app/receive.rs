//! Facts from workers: store replies, rendered bodies and refresh progress, applied to the state.
//! Stale answers (an older generation) are dropped here.

use crate::model::{ArticleQuery, ArticleRow, ArticleView, SourceId};

use super::effect::Effect;
use super::msg::{Msg, SourceOutcome};
use super::update::{categories_page, list_page, request_sources, seek_unread};
use super::{State, text};

/// Whether articles of `source` can appear in `view`.
fn view_includes(state: &State, view: &ArticleView, source: SourceId) -> bool {
    match view {
        ArticleView::Source(id) => *id == source,
        ArticleView::Category(name) => state
            .categories
            .source(source)
            .is_none_or(|row| row.categories.contains(name)),
        _ => true,
    }
}

fn reload_articles(state: &mut State) -> Vec<Effect> {
    let mut effects: Vec<Effect> = state.articles.reload().into_iter().collect();
    effects.extend(request_sources(state));
    effects
}

pub(super) fn receive(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::SourcesLoaded {
            sources,
            counts,
            categories,
        } => {
            state.categories.in_flight = false;
            state.categories.set_data(sources, counts, categories);
            let page = categories_page(state);
            state.categories.scroll_to_cursor(page);
            if std::mem::take(&mut state.categories.reload_wanted) {
                return request_sources(state).into_iter().collect();
            }
            Vec::new()
        }
        Msg::ArticlesLoaded {
            generation,
            query,
            rows,
            total,
        } => articles_loaded(state, generation, &query, rows, total),
        Msg::ArticleLoaded { article } => {
            if let Some(row) = state.articles.row_mut_by_id(article.id) {
                row.read = article.read;
                row.starred = article.starred;
                row.views = article.views;
                row.score = article.score;
                row.comments = article.comments;
            }
            if state.reader.id == Some(article.id) {
                state.reader.article = Some(*article);
            }
            Vec::new()
        }
        Msg::BodyRendered {
            generation,
            id,
            width,
            body,
        } => {
            state.reader.accept(generation, id, width, body);
            Vec::new()
        }
        Msg::MarkedAllRead { count } => {
            state.status.info(text::marked_all_read(count));
            reload_articles(state)
        }
        Msg::RefreshStarted { total } => {
            state.status.refresh.get_or_insert_default().total = total;
            state.status.summary = None;
            Vec::new()
        }
        Msg::SourceRefreshed {
            source,
            name,
            outcome,
        } => source_refreshed(state, source, name, outcome),
        Msg::RefreshTick => {
            if let Some(progress) = state.status.refresh.as_mut() {
                progress.reloaded_since_tick = false;
            }
            reload_stale(state)
        }
        Msg::RefreshFinished { tally } => {
            state.status.refresh = None;
            state.status.summary = Some(tally);
            reload_articles(state)
        }
        Msg::Notified { text, error } => {
            if error {
                state.status.error(text);
            } else {
                state.status.info(text);
            }
            Vec::new()
        }
    }
}

/// Reloads the lists a refresh changed since their last reload, and starts a new tick's wait.
fn reload_stale(state: &mut State) -> Vec<Effect> {
    let Some(progress) = state.status.refresh.as_mut() else {
        return Vec::new();
    };
    let articles = std::mem::take(&mut progress.stale_articles);
    let sources = std::mem::take(&mut progress.stale_sources);
    if !articles && !sources {
        return Vec::new();
    }
    progress.reloaded_since_tick = true;
    let mut effects: Vec<Effect> = Vec::new();
    if articles {
        effects.extend(state.articles.reload());
    }
    if sources {
        effects.extend(request_sources(state));
    }
    effects
}

fn articles_loaded(
    state: &mut State,
    generation: u64,
    query: &ArticleQuery,
    rows: Vec<ArticleRow>,
    total: usize,
) -> Vec<Effect> {
    if !state.articles.accept(generation, query, rows, total) {
        return Vec::new();
    }
    let page = list_page(state);
    state.articles.scroll_to_cursor(page);
    if matches!(state.articles.view, ArticleView::Search(_)) {
        state.categories.search_total = i64::try_from(total).unwrap_or(i64::MAX);
        state.categories.rebuild();
    }
    if std::mem::take(&mut state.articles.reload_wanted) {
        return state.articles.reload().into_iter().collect();
    }
    if let Some(direction) = state.articles.seeking.take() {
        let from = state.articles.cursor;
        return seek_unread(state, direction, from);
    }
    state.articles.ensure_window().into_iter().collect()
}

fn source_refreshed(
    state: &mut State,
    source: SourceId,
    name: String,
    outcome: Result<SourceOutcome, String>,
) -> Vec<Effect> {
    let progress = state.status.refresh.get_or_insert_default();
    progress.done += 1;
    match outcome {
        Err(error) => {
            progress.failed += 1;
            progress.last_failure = Some((name, error.clone()));
            state.categories.set_source_error(source, Some(error));
            Vec::new()
        }
        Ok(outcome) => {
            state.categories.set_source_error(source, None);
            let SourceOutcome::Updated { new, updated } = outcome else {
                return Vec::new();
            };
            progress.new_articles += new;
            if new + updated == 0 {
                return Vec::new();
            }
            let includes = view_includes(state, &state.articles.view.clone(), source);
            let progress = state.status.refresh.get_or_insert_default();
            progress.stale_articles |= includes;
            progress.stale_sources = true;
            let mut effects = if progress.reloaded_since_tick {
                Vec::new()
            } else {
                reload_stale(state)
            };
            let open = state.reader.article.as_ref().or(None);
            if let Some(article) = open.filter(|article| article.source_id == source) {
                effects.push(Effect::LoadArticle { id: article.id });
            }
            effects
        }
    }
}
