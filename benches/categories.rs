//! The categories pane's work on the UI thread (issue 6): `CategoriesState::set_data` with 5,000
//! sources in 50 categories, as the scale corpus has them, the step a refresh repeats about four
//! times a second while sources change; and the updates of one source that rebuild the rows (a
//! refresh outcome, an article read). Reports sources a second. The rows arrive from the store
//! thread: making them is not timed, dropping the ones they replace is.
//!
//! `cargo bench --bench categories [-- --warm-up-time 1 --measurement-time 3]`

use std::hint::black_box;

use criterion::{BatchSize, Bencher, Criterion, Throughput, criterion_group, criterion_main};
use tidings::app::CategoriesState;
use tidings::model::{Counts, SourceId, SourceKind, SourceRow};

const SOURCES: usize = 5_000;
const CATEGORIES: usize = 50;

/// 5,000 sources, each in one of 50 categories and every tenth in a second one, as the store
/// lists them, with the categories' totals ordered by name.
fn data() -> Data {
    let names: Vec<String> = (0..CATEGORIES)
        .map(|c| format!("Category {c:02}"))
        .collect();
    let mut totals = vec![Counts::default(); CATEGORIES];
    let sources: Vec<SourceRow> = (0..SOURCES)
        .map(|s| {
            let mut categories = vec![s % CATEGORIES];
            if s % 10 == 0 {
                categories.push((s / 10 + 7) % CATEGORIES);
            }
            categories.dedup();
            let unread = (s % 37) as i64;
            for &c in &categories {
                totals[c].articles += 200;
                totals[c].unread += unread;
            }
            SourceRow {
                id: SourceId(s as i64 + 1),
                name: format!("Source {s:04} of the scale corpus"),
                url: format!("https://source-{s}.scale.example/feed.xml"),
                kind: SourceKind::default(),
                categories: categories.iter().map(|&c| names[c].clone()).collect(),
                last_refresh: None,
                last_error: (s % 500 == 0).then(|| "connection refused".to_owned()),
                articles: 200,
                unread,
            }
        })
        .collect();
    let counts = Counts {
        articles: 200 * SOURCES as i64,
        unread: sources.iter().map(|s| s.unread).sum(),
        starred: 0,
    };
    let categories = names.into_iter().zip(totals).collect();
    (sources, counts, categories)
}

type Data = (Vec<SourceRow>, Counts, Vec<(String, Counts)>);

/// The store's answer given to `state`: the rows arrive made (not timed), the old ones are dropped.
fn time_set_data(b: &mut Bencher<'_>, state: &mut CategoriesState, data: &Data) {
    let (sources, counts, categories) = data;
    b.iter_batched(
        || (sources.clone(), categories.clone()),
        |(sources, categories)| {
            state.set_data(sources, *counts, categories);
            black_box(state.rows.len())
        },
        BatchSize::LargeInput,
    )
}

fn bench_categories(c: &mut Criterion) {
    let data = data();
    let (sources, _, categories) = &data;
    let mut group = c.benchmark_group("categories");
    group.throughput(Throughput::Elements(SOURCES as u64));

    let mut state = CategoriesState::new();
    group.bench_function("set_data, collapsed", |b| {
        time_set_data(b, &mut state, &data)
    });
    if state.rows.len() != 3 + CATEGORIES {
        eprintln!(
            "expected {} rows, found {}",
            3 + CATEGORIES,
            state.rows.len()
        );
        std::process::exit(1);
    }

    // The cursor on the first category, expanded: its sources are listed beneath it.
    state.cursor = 3;
    state.expand_selected();
    group.bench_function("set_data, one category expanded", |b| {
        time_set_data(b, &mut state, &data)
    });
    let members = sources
        .iter()
        .filter(|s| s.categories.contains(&categories[0].0))
        .count();
    if state.rows.len() != 3 + CATEGORIES + members {
        eprintln!("expected the expanded category's {members} sources beneath it");
        std::process::exit(1);
    }

    let last = SourceId(SOURCES as i64);
    let mut failing = false;
    group.bench_function("a source's refresh fails, then succeeds", |b| {
        b.iter(|| {
            failing = !failing;
            let error = failing.then(|| "timed out".to_owned());
            black_box(state.set_source_error(last, error))
        })
    });
    group.bench_function("an article of a source read", |b| {
        b.iter(|| {
            state.adjust_unread(last, -1);
            state.adjust_unread(last, 1);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_categories);
criterion_main!(benches);
