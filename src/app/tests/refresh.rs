//! The refresh: its scope, progress and failures, the throttled reloads it triggers, and quitting
//! while it runs.

use super::*;

#[test]
fn refresh_with_partial_failures_updates_status_and_marks_the_source() {
    let mut state = loaded(3);
    assert_eq!(
        act(&mut state, Action::RefreshAll),
        vec![Effect::FetchSources {
            scope: RefreshScope::All
        }]
    );
    assert!(state.status.refreshing());
    // A second refresh while one runs is refused.
    assert_eq!(act(&mut state, Action::Refresh), vec![]);
    assert_eq!(
        state.status.message.as_ref().map(|m| m.text.as_str()),
        Some(text::REFRESH_BUSY)
    );

    update(&mut state, Msg::RefreshStarted { total: 2 }.into());
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(2),
            name: "Tech blog".into(),
            outcome: Err("timed out".into()),
        }
        .into(),
    );
    assert_eq!(effects, vec![]);
    let progress = state.status.refresh.clone().unwrap();
    assert_eq!((progress.total, progress.done, progress.failed), (2, 1, 1));
    assert_eq!(
        text::refresh_progress(&progress),
        "Refreshing 1/2 · 1 failed (Tech blog: timed out)"
    );
    assert!(
        state
            .categories
            .rows
            .iter()
            .any(|r| r.label == "Tech" && r.failed)
    );

    // The other source brings new articles: the list and the counts reload.
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 4, updated: 0 }),
        }
        .into(),
    );
    assert_eq!(
        effects,
        vec![
            Effect::LoadArticles {
                generation: 2,
                query: query(ArticleView::All, 0),
            },
            Effect::LoadSources,
        ]
    );

    let tally = RefreshTally {
        total: 2,
        ok: 1,
        failed: 1,
        new_articles: 4,
    };
    let effects = update(&mut state, Msg::RefreshFinished { tally }.into());
    // Both loads are still running: they are asked again once they answer, not now.
    assert_eq!(effects, vec![]);
    assert!(state.articles.reload_wanted && state.categories.reload_wanted);
    assert!(!state.status.refreshing());
    assert_eq!(
        text::refresh_summary(&state.status.summary.unwrap()),
        "Refreshed 2 sources · 4 new · 1 failed"
    );
    let effects = update(&mut state, sources_loaded().into());
    assert_eq!(effects, vec![Effect::LoadSources]);
}

#[test]
fn a_refreshed_list_keeps_the_selected_article() {
    let mut state = loaded(3);
    state.focus = Pane::Articles;
    act(&mut state, Action::SelectNext);
    act(&mut state, Action::RefreshAll);
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 2, updated: 0 }),
        }
        .into(),
    );
    assert!(effects.contains(&Effect::LoadArticles {
        generation: 2,
        query: query(ArticleView::All, 0),
    }));
    // Two new articles arrive on top; the selected article (1) is now third.
    let mut fresh = rows(100..102);
    fresh.extend(rows(0..3));
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation: 2,
            query: query(ArticleView::All, 0),
            rows: fresh,
            total: 5,
        }
        .into(),
    );
    assert_eq!(state.articles.cursor, 3);
    assert_eq!(state.articles.selected().map(|r| r.id), Some(ArticleId(1)));
}

#[test]
fn a_flood_of_finished_sources_reloads_a_few_times_a_second_not_once_each() {
    let mut state = loaded(3);
    act(&mut state, Action::RefreshAll);
    update(&mut state, Msg::RefreshStarted { total: 1_000 }.into());
    let finished = |n: i64| {
        Msg::SourceRefreshed {
            source: SourceId(1 + n % 2),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 1, updated: 0 }),
        }
        .into()
    };
    // The first change shows at once.
    let first = update(&mut state, finished(0));
    assert!(first.contains(&Effect::LoadSources), "{first:?}");
    assert!(
        first
            .iter()
            .any(|e| matches!(e, Effect::LoadArticles { .. }))
    );
    // The next 499 wait for the tick.
    for n in 1..500 {
        assert_eq!(update(&mut state, finished(n)), vec![]);
    }
    assert_eq!(state.status.refresh.as_ref().map(|p| p.done), Some(500));
    // The tick asks again (the first answers are still out, so the reloads are queued behind
    // them), and a tick with nothing new does nothing.
    assert_eq!(update(&mut state, Msg::RefreshTick.into()), vec![]);
    assert!(state.categories.reload_wanted && state.articles.reload_wanted);
    assert_eq!(update(&mut state, Msg::RefreshTick.into()), vec![]);
    let progress = state.status.refresh.as_ref().unwrap();
    assert!(!progress.stale_articles && !progress.stale_sources);
}

#[test]
fn quit_during_a_refresh_quits_and_ignores_what_follows() {
    let mut state = loaded(3);
    act(&mut state, Action::RefreshAll);
    update(&mut state, Msg::RefreshStarted { total: 40 }.into());
    assert_eq!(press(&mut state, KeyCode::Char('q')), vec![Effect::Quit]);
    assert!(state.quitting);
    let effects = update(
        &mut state,
        Msg::SourceRefreshed {
            source: SourceId(1),
            name: "Campus".into(),
            outcome: Ok(SourceOutcome::Updated { new: 1, updated: 0 }),
        }
        .into(),
    );
    assert_eq!(effects, vec![]);
    assert_eq!(state.status.refresh.as_ref().map(|p| p.done), Some(0));
}

#[test]
fn refresh_of_the_selected_category_names_its_sources() {
    let mut state = loaded(3);
    for _ in 0..4 {
        act(&mut state, Action::SelectNext);
    }
    assert_eq!(
        state.categories.selected_view(),
        ArticleView::Category("Tech".into())
    );
    assert_eq!(
        act(&mut state, Action::Refresh),
        vec![Effect::FetchSources {
            scope: RefreshScope::Sources(vec![SourceId(2)])
        }]
    );
}
