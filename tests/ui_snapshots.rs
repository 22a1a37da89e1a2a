//! Snapshots of the whole screen (TestBackend + insta) at 80x24 and 120x40, driven through
//! `update` with a fixture database: three panes, empty database, failed source, help, search
//! results, refresh progress, the narrow layout.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use tidings::app::{
    Action, Effect, Input, Msg, ReaderBody, RefreshTally, SourceOutcome, State, start, update,
};
use tidings::config::keymap::Keymap;
use tidings::config::theme::Theme;
use tidings::model::{Article, ArticleId, ArticleRow, Counts, SourceId, SourceKind, SourceRow};

fn now() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| tz.with_ymd_and_hms(2024, 6, 28, 10, 0, 0).single())
        .expect("valid time")
}

fn utc(month: u32, day: u32, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2024, month, day, hour, minute, 0)
        .single()
}

fn source(id: i64, name: &str, kind: SourceKind, category: &str, unread: i64) -> SourceRow {
    SourceRow {
        id: SourceId(id),
        name: name.into(),
        url: format!("https://example.edu/{id}"),
        kind,
        categories: vec![category.into()],
        last_refresh: utc(6, 28, 1, 0),
        last_error: None,
        articles: unread * 3,
        unread,
    }
}

fn sources() -> Msg {
    let mut failing = source(5, "example.org", SourceKind::Feed, "Tech", 0);
    failing.last_error = Some("timed out after 20 s".into());
    let counts = |articles, unread, starred| Counts {
        articles,
        unread,
        starred,
    };
    Msg::SourcesLoaded {
        sources: vec![
            source(1, "College news", SourceKind::Page, "Campus", 12),
            source(2, "Intl. Meeting", SourceKind::Page, "Campus", 3),
            source(3, "Tech Weekly", SourceKind::Feed, "Tech", 40),
            source(4, "HN Top", SourceKind::Hackernews, "Tech", 6),
            failing,
        ],
        counts: counts(1_204, 87, 3),
        categories: vec![
            ("Campus".into(), counts(410, 41, 1)),
            ("Tech".into(), counts(794, 46, 2)),
        ],
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: i64,
    source: (i64, &str),
    title: &str,
    published: Option<DateTime<Utc>>,
    views: Option<i64>,
    score: Option<(i64, i64)>,
    read: bool,
    starred: bool,
) -> ArticleRow {
    ArticleRow {
        id: ArticleId(id),
        source_id: SourceId(source.0),
        source_name: source.1.into(),
        title: title.into(),
        link: Some(format!("https://example.edu/info/1141/{id}.htm")),
        published,
        views,
        score: score.map(|s| s.0),
        comments: score.map(|s| s.1),
        read,
        starred,
    }
}

fn rows() -> Vec<ArticleRow> {
    let campus = (2, "Intl. Meeting");
    let college = (1, "College news");
    let hn = (4, "HN Top");
    vec![
        row(
            1,
            campus,
            "Seminar on digital skills held",
            utc(6, 28, 1, 30),
            Some(1_532),
            None,
            false,
            false,
        ),
        row(
            2,
            college,
            "Alliance for vocational education founded",
            utc(6, 25, 9, 0),
            Some(811),
            None,
            true,
            false,
        ),
        row(
            3,
            hn,
            "Rust 1.95 released",
            utc(6, 24, 16, 0),
            None,
            Some((412, 138)),
            false,
            true,
        ),
        row(
            4,
            campus,
            "国际交流周活动顺利举办",
            utc(6, 20, 2, 0),
            Some(12_345),
            None,
            false,
            false,
        ),
        row(
            5,
            college,
            "Library opening hours during the summer break",
            utc(6, 18, 8, 0),
            Some(96),
            None,
            true,
            false,
        ),
        row(
            6,
            hn,
            "Show HN: A terminal news reader",
            utc(6, 17, 12, 0),
            None,
            Some((87, 41)),
            true,
            false,
        ),
    ]
}

fn article() -> Article {
    Article {
        id: ArticleId(1),
        source_id: SourceId(2),
        source_name: "Intl. Meeting".into(),
        source_categories: vec!["Campus".into()],
        guid: None,
        title: "Seminar on digital skills held".into(),
        link: Some("https://example.edu/info/1141/1.htm".into()),
        author: None,
        published: utc(6, 27, 9, 1),
        updated: None,
        first_seen: Utc.with_ymd_and_hms(2024, 6, 27, 10, 0, 0).unwrap(),
        categories: Vec::new(),
        summary: None,
        content: None,
        enclosures: Vec::new(),
        views: Some(1_532),
        score: None,
        comments: None,
        views_at_open: Some(1_412),
        read: true,
        starred: false,
        opened: 2,
    }
}

fn body() -> ReaderBody {
    let link = Style::new().add_modifier(Modifier::UNDERLINED);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    ReaderBody {
        lines: vec![
            Line::from(vec![
                Span::raw("On 25 June the seminar on digital skills "),
                Span::styled("[1]", link),
            ]),
            Line::raw("brought together teachers from six partner"),
            Line::raw("colleges."),
            Line::raw(""),
            Line::styled("Programme", bold),
            Line::raw("• Opening address"),
            Line::raw("• Workshops on data literacy"),
            Line::raw(""),
            Line::raw("[image: group photo]"),
            Line::raw(""),
            Line::styled("[1] https://example.edu/seminar", link),
        ],
        links: vec!["https://example.edu/seminar".into()],
    }
}

/// A reader on the fixture database, at a size.
fn fixture(width: u16, height: u16) -> State {
    let mut state = State::new(Keymap::default(), width, height);
    let effects = start(&mut state);
    let Some(Effect::LoadArticles { generation, query }) = effects.last().cloned() else {
        panic!("start loads articles: {effects:?}");
    };
    update(&mut state, sources().into());
    let rows = rows();
    let total = rows.len();
    update(
        &mut state,
        Msg::ArticlesLoaded {
            generation,
            query,
            rows,
            total,
        }
        .into(),
    );
    state
}

fn load_current_view(state: &mut State, effects: Vec<Effect>, rows: Vec<ArticleRow>) {
    for effect in effects {
        if let Effect::LoadArticles { generation, query } = effect {
            let total = rows.len();
            update(
                state,
                Msg::ArticlesLoaded {
                    generation,
                    query,
                    rows: rows.clone(),
                    total,
                }
                .into(),
            );
        }
    }
}

/// Open the first article and let the store and the renderer answer.
fn open_first(state: &mut State) {
    update(state, Action::FocusNext.into());
    let effects = update(state, Action::Open.into());
    for effect in effects {
        if let Effect::RenderBody {
            generation,
            id,
            width,
        } = effect
        {
            update(
                state,
                Msg::BodyRendered {
                    generation,
                    id,
                    width,
                    body: body(),
                }
                .into(),
            );
        }
    }
    update(
        state,
        Msg::ArticleLoaded {
            article: Box::new(article()),
        }
        .into(),
    );
}

fn screen(state: &State) -> String {
    let area = state.area;
    let mut terminal =
        Terminal::new(TestBackend::new(area.width, area.height)).expect("test terminal");
    terminal
        .draw(|frame| tidings::ui::draw(frame, state, &Theme::default(), now()))
        .expect("draw");
    terminal.backend().to_string()
}

fn act(state: &mut State, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|action| update(state, (*action).into()))
        .collect()
}

#[test]
fn three_panes_120x40() {
    let mut state = fixture(120, 40);
    // Expand Campus, then come back to the list and open the first article.
    act(
        &mut state,
        &[Action::SelectNext, Action::SelectNext, Action::SelectNext],
    );
    let effects = act(&mut state, &[Action::Open]);
    load_current_view(&mut state, effects, rows());
    state.focus = tidings::app::Pane::Categories;
    let effects = act(&mut state, &[Action::SelectNext, Action::SelectNext]);
    let meeting: Vec<ArticleRow> = rows().into_iter().filter(|r| r.source_id.0 == 2).collect();
    load_current_view(&mut state, effects, meeting);
    state.focus = tidings::app::Pane::Categories;
    open_first(&mut state);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn narrow_categories_80x24() {
    let state = fixture(80, 24);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn narrow_articles_80x24() {
    let mut state = fixture(80, 24);
    act(&mut state, &[Action::Open, Action::SelectNext]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn narrow_reader_80x24() {
    let mut state = fixture(80, 24);
    open_first(&mut state);
    insta::assert_snapshot!(screen(&state));
}

fn empty(width: u16, height: u16) -> State {
    let mut state = State::new(Keymap::default(), width, height);
    state.status.idle_hint =
        Some("No sources yet: add [[source]] entries to ~/.config/tidings/config.toml".into());
    let effects = start(&mut state);
    update(
        &mut state,
        Msg::SourcesLoaded {
            sources: Vec::new(),
            counts: Counts::default(),
            categories: Vec::new(),
        }
        .into(),
    );
    load_current_view(&mut state, effects, Vec::new());
    state
}

#[test]
fn empty_database_120x40() {
    insta::assert_snapshot!(screen(&empty(120, 40)));
}

#[test]
fn empty_database_80x24() {
    let mut state = empty(80, 24);
    act(&mut state, &[Action::FocusNext]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn failed_source_120x40() {
    let mut state = fixture(120, 40);
    // Tech is the fifth row; expand it and select its failing source.
    let effects = act(
        &mut state,
        &[Action::Bottom, Action::ToggleCollapse, Action::Bottom],
    );
    load_current_view(&mut state, effects, Vec::new());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn help_120x40() {
    let mut state = fixture(120, 40);
    act(&mut state, &[Action::Help]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn help_80x24() {
    let mut state = fixture(80, 24);
    act(&mut state, &[Action::Help]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn search_prompt_80x24() {
    let mut state = fixture(80, 24);
    act(&mut state, &[Action::Search]);
    update(&mut state, Input::Paste("国际".into()));
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn search_results_120x40() {
    let mut state = fixture(120, 40);
    act(&mut state, &[Action::Search]);
    update(&mut state, Input::Paste("国际".into()));
    let effects = update(
        &mut state,
        Input::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let found: Vec<ArticleRow> = rows().into_iter().filter(|r| r.id.0 == 4).collect();
    load_current_view(&mut state, effects, found);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn refresh_progress_120x40() {
    let mut state = fixture(120, 40);
    act(&mut state, &[Action::RefreshAll]);
    update(&mut state, Msg::RefreshStarted { total: 40 }.into());
    for id in 1..=12 {
        let outcome = if id == 5 {
            Err("timed out".to_string())
        } else {
            Ok(SourceOutcome::Unchanged)
        };
        update(
            &mut state,
            Msg::SourceRefreshed {
                source: SourceId(id),
                name: if id == 5 {
                    "example.org".into()
                } else {
                    format!("source {id}")
                },
                outcome,
            }
            .into(),
        );
    }
    // The cursor keeps moving while the refresh runs.
    act(&mut state, &[Action::FocusNext, Action::SelectNext]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn refresh_summary_80x24() {
    let mut state = fixture(80, 24);
    act(&mut state, &[Action::RefreshAll]);
    update(
        &mut state,
        Msg::RefreshFinished {
            tally: RefreshTally {
                total: 40,
                ok: 39,
                failed: 1,
                new_articles: 1_204,
            },
        }
        .into(),
    );
    insta::assert_snapshot!(screen(&state));
}
