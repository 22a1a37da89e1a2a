//! The reader in a terminal stays responsive while a refresh is stuck on hostile sources.

use std::time::Duration;

use crate::server::start_server;
use crate::{Case, SERIAL, cases, config_for, pty};

/// The reader keeps answering keys while a refresh of hostile sources is stuck on them: the help
/// overlay opens and closes, promptly, again and again, while the status line says "Refreshing".
#[test]
fn the_reader_answers_keys_during_a_hostile_refresh() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = start_server();
    let all = cases();
    let chosen: Vec<&Case> = all
        .iter()
        .filter(|c| {
            matches!(
                c.name,
                "drip"
                    | "headers-forever"
                    | "endless"
                    | "gzip-bomb"
                    | "many-items"
                    | "deep-markup"
                    | "good-1"
            )
        })
        .collect();
    let home = tempfile::tempdir().expect("home");
    let config_dir = home.path().join("config/tidings");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    let config = config_for(&server, &chosen, "").replace("timeout = \"3s\"", "timeout = \"8s\"")
        + "[refresh]\non_start = true\n";
    std::fs::write(config_dir.join("config.toml"), config).expect("config");
    let mut term = pty::Terminal::start(home.path(), &[], 120, 40);
    term.wait_for("Refreshing", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let mut slowest = Duration::ZERO;
    let mut rounds = 0;
    // Stay well inside the 8 s the dripping and stalled sources hold the refresh open.
    while started.elapsed() < Duration::from_secs(5) {
        let asked = std::time::Instant::now();
        term.key("?");
        term.wait_for(" Keys ", Duration::from_secs(2));
        slowest = slowest.max(asked.elapsed());
        let asked = std::time::Instant::now();
        term.key("Esc");
        term.wait_until("help to close", Duration::from_secs(2), |s| {
            !s.contains(" Keys ")
        });
        slowest = slowest.max(asked.elapsed());
        std::thread::sleep(Duration::from_millis(100));
        rounds += 1;
    }
    let screen = term.screen();
    assert!(screen.contains("Refreshing"), "still refreshing:\n{screen}");
    println!("{rounds} help open/close rounds during the refresh; slowest answer {slowest:?}");
    assert!(rounds >= 5, "{rounds} rounds");
    assert!(
        slowest < Duration::from_secs(1),
        "slowest key answered in {slowest:?}"
    );
    let done = term.wait_for("Refreshed", Duration::from_secs(30));
    assert!(done.contains("failed"), "{done}");
}
