//! The categories pane's rows: updated in place as sources fail and recover, they stay what a
//! rebuild from the same data gives.

use proptest::prelude::*;

use super::*;
use crate::model::SourceKind;

const NAMES: [&str; 4] = ["AI", "Campus", "News", "World"];

fn source(id: i64, categories: &[usize], error: bool) -> SourceRow {
    SourceRow {
        id: SourceId(id),
        name: format!("Source {id}"),
        url: format!("https://example.org/{id}"),
        kind: SourceKind::Feed,
        categories: categories.iter().map(|&c| NAMES[c].to_owned()).collect(),
        last_refresh: None,
        last_error: error.then(|| "timed out".to_owned()),
        articles: 10,
        unread: id % 4,
    }
}

/// The state the store's answer gives: the category counts it reports (`listed` of them; a
/// category only sources name has none yet), `expanded` open.
fn loaded(sources: Vec<SourceRow>, listed: usize, expanded: &[usize]) -> CategoriesState {
    let categories = NAMES[..listed]
        .iter()
        .map(|name| {
            let unread = sources
                .iter()
                .filter(|s| s.categories.iter().any(|c| c == name))
                .map(|s| s.unread)
                .sum();
            let counts = Counts {
                articles: 0,
                unread,
                starred: 0,
            };
            (name.to_string(), counts)
        })
        .collect();
    let mut state = CategoriesState::new();
    state.expanded = expanded.iter().map(|&c| NAMES[c].to_owned()).collect();
    let totals = Counts::default();
    state.set_data(sources, totals, categories);
    state
}

fn labels(state: &CategoriesState) -> Vec<(String, i64, bool)> {
    state
        .rows
        .iter()
        .map(|row| (row.label.clone(), row.count, row.failed))
        .collect()
}

#[test]
fn categories_only_sources_name_follow_the_listed_ones_with_their_sources_counts() {
    let sources = vec![
        source(1, &[3], false),
        source(2, &[0, 3], true),
        source(3, &[], false),
    ];
    let state = loaded(sources, 1, &[3]);
    assert_eq!(
        labels(&state),
        [
            ("All".to_owned(), 0, false),
            ("Unread".to_owned(), 0, false),
            ("Starred".to_owned(), 0, false),
            ("AI".to_owned(), 2, true),
            ("World".to_owned(), 3, true),
            ("Source 1".to_owned(), 1, false),
            ("Source 2".to_owned(), 2, true),
            ("Source 3".to_owned(), 3, false),
        ]
    );
}

proptest! {
    #[test]
    fn refresh_outcomes_leave_the_rows_a_rebuild_gives(
        memberships in prop::collection::vec(
            (prop::collection::btree_set(0..NAMES.len(), 0..3), any::<bool>()),
            1..12,
        ),
        listed in 0..=NAMES.len(),
        expanded in prop::collection::vec(0..NAMES.len(), 0..3),
        outcomes in prop::collection::vec((0..12i64, prop::option::of("[a-c]")), 0..30),
    ) {
        let sources: Vec<SourceRow> = memberships
            .iter()
            .enumerate()
            .map(|(at, (categories, error))| {
                let categories: Vec<usize> = categories.iter().copied().collect();
                source(at as i64 + 1, &categories, *error)
            })
            .collect();
        let mut state = loaded(sources, listed, &expanded);
        for (id, error) in outcomes {
            state.set_source_error(SourceId(id + 1), error);
            let rebuilt = loaded(state.sources.clone(), listed, &expanded);
            prop_assert_eq!(&state.rows, &rebuilt.rows);
        }
    }
}
