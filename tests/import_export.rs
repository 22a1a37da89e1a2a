//! Importing OPML and newsboat urls files, and exporting OPML that imports back the same.

use std::path::{Path, PathBuf};

use tidings::config::export::{ExportSource, export_opml};
use tidings::config::import::{ImportError, ImportReport, ImportedSource, import_sources};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn import_fixture(name: &str) -> ImportReport {
    let (path, text) = fixture(name);
    import_sources(&path, &text).unwrap()
}

fn source(url: &str, name: Option<&str>, categories: &[&str]) -> ImportedSource {
    ImportedSource {
        url: url.to_string(),
        name: name.map(str::to_string),
        categories: categories.iter().map(|c| c.to_string()).collect(),
    }
}

/// Asserts there is exactly one warning for `line` and that it mentions `needle`.
fn assert_warned(report: &ImportReport, file: &str, line: usize, needle: &str) {
    let tag = format!("{file}:{line}: ");
    let hits: Vec<&String> = report
        .warnings
        .iter()
        .filter(|w| w.contains(&tag))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "warnings for line {line}: {:#?}",
        report.warnings
    );
    assert!(hits[0].contains(needle), "{:?} lacks {needle:?}", hits[0]);
}

#[test]
fn opml_1_0_with_nested_folders() {
    let report = import_fixture("subscriptions-1.0.opml");
    assert_eq!(
        report.sources,
        [
            source(
                "https://college.example.edu/news/rss.xml",
                Some("College news"),
                &["Campus"]
            ),
            source(
                "http://intl.example.edu/feed?cat=3&lang=en",
                Some("Intl. Meeting"),
                &["Campus", "International"]
            ),
            source("https://blog.example.org/atom.xml", Some("Loose feed"), &[]),
        ]
    );
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    assert_warned(&report, "subscriptions-1.0.opml", 14, "exec:curl");
    assert!(report.warnings[0].contains("never imported"));
}

#[test]
fn opml_2_0_with_nested_folders_and_quirks() {
    let report = import_fixture("subscriptions-2.0.opml");
    assert_eq!(
        report.sources,
        [
            source(
                "https://blog.rust-lang.example/feed.xml",
                Some("Rust Blog"),
                &["Technology", "News"]
            ),
            source(
                "https://deep.example.net/rss",
                Some("Nested & deep"),
                &["Technology", "Deep", "Deeper"]
            ),
            source("https://nameless.example.com/feed", None, &["News"]),
            source(
                "https://q.example.com/?a=1&b=2",
                Some("Bare ampersand"),
                &["News"]
            ),
            source("file:///var/feeds/local.xml", Some("Local"), &[]),
        ]
    );
    let file = "subscriptions-2.0.opml";
    assert_warned(&report, file, 22, "javascript:alert(1)");
    assert_warned(&report, file, 23, "type \"link\"");
    assert_eq!(report.warnings.len(), 2, "{:#?}", report.warnings);
}

#[test]
fn newsboat_urls_file() {
    let report = import_fixture("urls");
    assert_eq!(
        report.sources,
        [
            source(
                "https://college.example.edu/news/rss.xml",
                None,
                &["Campus", "College news"]
            ),
            source(
                "http://intl.example.edu/feed",
                Some("Intl. Meeting"),
                &["International Meeting"]
            ),
            source(
                "https://blog.example.org/atom.xml",
                Some("Blog"),
                &["tech", "two words"]
            ),
            source("https://hidden.example.com/rss", None, &["tech"]),
            source("file:///home/me/feeds/local.xml", None, &["local"]),
        ]
    );
    assert_warned(&report, "urls", 7, "exec:~/bin/fetch-something.sh");
    assert_warned(&report, "urls", 8, "filter:");
    assert_warned(&report, "urls", 9, "query:Unread Articles");
    assert_warned(&report, "urls", 10, "hidden");
    assert_warned(&report, "urls", 11, "gopher://old.example.com/feed");
    assert_eq!(report.warnings.len(), 5, "{:#?}", report.warnings);
}

#[test]
fn malformed_opml_names_file_and_line() {
    let (path, text) = fixture("malformed.opml");
    let err = import_sources(&path, &text).unwrap_err();
    assert!(matches!(err, ImportError::Malformed { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("malformed.opml:6:"), "{msg}");
    assert!(!msg.contains('\n'));
}

#[test]
fn other_xml_and_truncated_opml_are_errors() {
    let path = Path::new("feeds.xml");
    let err = import_sources(path, "<rss version=\"2.0\"><channel/></rss>").unwrap_err();
    assert!(err.to_string().contains("feeds.xml:1:"), "{err}");
    assert!(err.to_string().contains("<rss>"), "{err}");
    let err =
        import_sources(path, "<opml version=\"2.0\"><body>\n<outline text=\"x\">").unwrap_err();
    assert!(err.to_string().contains("never closed"), "{err}");
    let err = import_sources(path, "<opml><body><outline text=\"x></body></opml>").unwrap_err();
    assert!(matches!(err, ImportError::Malformed { .. }), "{err}");
}

#[test]
fn huge_input_is_refused_and_big_input_is_linear() {
    let path = Path::new("big");
    let huge = "#".repeat(16 * 1024 * 1024 + 1);
    assert!(matches!(
        import_sources(path, &huge),
        Err(ImportError::TooLarge { .. })
    ));

    let mut urls = String::new();
    for i in 0..100_000 {
        urls.push_str(&format!(
            "https://feeds.example.com/{i} tag{} \"t {}\"\n",
            i % 7,
            i % 3
        ));
    }
    let started = std::time::Instant::now();
    let report = import_sources(path, &urls).unwrap();
    assert_eq!(report.sources.len(), 100_000);
    let deep = format!(
        "<opml version=\"2.0\"><body>{}<outline text=\"f\" xmlUrl=\"https://x.example/\"/>{}</body></opml>",
        "<outline text=\"d\">".repeat(100_000),
        "</outline>".repeat(100_000)
    );
    let report = import_sources(path, &deep).unwrap();
    assert_eq!(report.sources[0].categories, ["d"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn hostile_names_are_sanitised() {
    let text = "<opml version=\"2.0\"><body><outline text=\"a&#27;]0;pwn&#7;b&#x202e;c\n d\" \
        xmlUrl=\"https://e.example/\"/></body></opml>";
    let report = import_sources(Path::new("x.opml"), text).unwrap();
    assert_eq!(report.sources[0].name.as_deref(), Some("abc d"));
    let report =
        import_sources(Path::new("urls"), "https://e.example/ \"~\u{1b}[31mred\"").unwrap();
    assert_eq!(report.sources[0].name.as_deref(), Some("red"));
}

#[test]
fn export_then_import_round_trips() {
    let tech = vec!["Tech".to_string()];
    let both = vec!["Tech".to_string(), "Campus & \"News\"".to_string()];
    let none: Vec<String> = Vec::new();
    let sources = [
        ExportSource {
            url: "https://blog.example.org/feed?a=1&b=<2>",
            name: "Blog <b>&</b> \"quotes\" 'n' ünïcødé 中文",
            categories: &both,
        },
        ExportSource {
            url: "https://rust.example/feed.xml",
            name: "Rust",
            categories: &tech,
        },
        ExportSource {
            url: "file:///var/feeds/local.xml",
            name: "",
            categories: &none,
        },
    ];
    let opml = export_opml(&sources);
    assert!(opml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">"));
    assert!(opml.contains("<title>tidings subscriptions</title>"));
    assert!(opml.contains("<dateCreated>"));
    assert!(opml.contains(
        "<outline type=\"rss\" text=\"Rust\" title=\"Rust\" xmlUrl=\"https://rust.example/feed.xml\"/>"
    ));
    // The source in two categories appears in both folders.
    assert_eq!(opml.matches("https://blog.example.org/feed").count(), 2);

    let report = import_sources(Path::new("export.opml"), &opml).unwrap();
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(
        report.sources,
        [
            source(
                "https://blog.example.org/feed?a=1&b=<2>",
                Some("Blog <b>&</b> \"quotes\" 'n' ünïcødé 中文"),
                &["Tech", "Campus & \"News\""]
            ),
            source("https://rust.example/feed.xml", Some("Rust"), &["Tech"]),
            source("file:///var/feeds/local.xml", None, &[]),
        ]
    );
}

#[test]
fn export_of_nothing_is_valid() {
    let opml = export_opml(&[]);
    let report = import_sources(Path::new("empty.opml"), &opml).unwrap();
    assert!(report.sources.is_empty());
}
