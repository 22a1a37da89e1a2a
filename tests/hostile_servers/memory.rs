//! Peak memory: each case in a refresh of its own, and a 50 MB title under a raised body cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tidings::store::Store;

use crate::proc::{Measured, Sandbox, run_measured};
use crate::server::start_server;
use crate::{Case, MAX_PEAK_MIB, SERIAL, cases, check_case, config_for, titles_of};

#[test]
fn peak_memory_of_each_case_alone() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = Arc::new(start_server());
    let all = cases();
    let results: Arc<Mutex<HashMap<&'static str, (String, Measured)>>> = Arc::default();
    // One process per case, a few at a time (the stalled ones mostly wait).
    std::thread::scope(|scope| {
        for chunk in all.chunks(all.len().div_ceil(4)) {
            let server = Arc::clone(&server);
            let results = Arc::clone(&results);
            scope.spawn(move || {
                for case in chunk {
                    let sandbox = Sandbox::new();
                    sandbox.write_config(&config_for(&server, &[case], ""));
                    let run = run_measured(sandbox.command(&["refresh"]), Duration::from_secs(300));
                    let store = Store::open(&sandbox.database()).expect("store");
                    let line = check_case(case, &run, &store);
                    if let Ok(mut results) = results.lock() {
                        results.insert(case.name, (line, run));
                    }
                }
            });
        }
    });
    let results = results.lock().unwrap_or_else(|e| e.into_inner());
    println!("{:<22} {:>9} {:>8}  outcome", "case", "peak MiB", "secs");
    for case in &all {
        let (line, run) = &results[case.name];
        let outcome = line
            .strip_prefix(&format!("{}: ", case.name))
            .unwrap_or(line);
        println!(
            "{:<22} {:>9.1} {:>8.1}  {outcome}",
            case.name,
            run.peak_mib(),
            run.elapsed.as_secs_f64()
        );
        assert!(
            run.peak_mib() < MAX_PEAK_MIB,
            "{}: peak RSS {:.0} MiB",
            case.name,
            run.peak_mib()
        );
    }
}

/// With the body cap raised above the document, a 50 MB title is parsed, cut to a sane length and
/// stored; the other item of the feed is stored too.
#[test]
fn a_fifty_megabyte_title_under_a_raised_cap_is_truncated() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = start_server();
    let all = cases();
    let huge: Vec<&Case> = all.iter().filter(|c| c.name == "huge-title").collect();
    let sandbox = Sandbox::new();
    sandbox.write_config(&config_for(&server, &huge, "max_body = \"64MiB\"\n"));
    let run = run_measured(sandbox.command(&["refresh"]), Duration::from_secs(300));
    println!(
        "50 MB title, max_body = 64MiB: {:.1} s, peak RSS {:.0} MiB\n{}",
        run.elapsed.as_secs_f64(),
        run.peak_mib(),
        run.stdout()
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout(), run.stderr);
    assert!(
        run.stdout().contains("huge-title: 2 new"),
        "{}",
        run.stdout()
    );
    let store = Store::open(&sandbox.database()).expect("store");
    let titles = titles_of(&store, "huge-title");
    assert!(titles.contains(&"a normal title".to_string()), "{titles:?}");
    let long = titles
        .iter()
        .find(|t| t.starts_with("TTTT"))
        .expect("the huge title is stored, cut");
    assert!(
        long.chars().count() <= 1001,
        "{} chars",
        long.chars().count()
    );
    assert!(long.ends_with('…'));
    // The document itself is 50 MB; the parse may hold a few copies of it, never dozens.
    assert!(run.peak_mib() < 600.0, "peak RSS {:.0} MiB", run.peak_mib());
}
