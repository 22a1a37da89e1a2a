//! Bad local input through the real binary: broken configs, bad keys and selectors, duplicate
//! names, malformed or hostile import files, a database from a newer tidings. Each gets a one-line
//! error naming the file (and line), exit code 2, and nothing is written. Also "never a shell":
//! no import path creates a command-running source, and only http(s) links are opened.

#[path = "common/proc.rs"]
mod proc;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proc::Sandbox;

/// Every file under `root` (except the log's state dir) with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path == root.join("state") {
                continue;
            }
            if path.is_dir() {
                files.insert(path.clone(), b"<dir>".to_vec());
                dirs.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// Runs `args`; asserts exit 2, one stderr line starting with `prefix` and containing `needle`,
/// and that no file under the sandbox changed.
fn refused(sandbox: &Sandbox, args: &[&str], prefix: &str, needle: &str) -> String {
    let before = snapshot(&sandbox.root);
    let (code, out, err) = sandbox.run(args);
    let after = snapshot(&sandbox.root);
    let message = err.trim_end();
    assert_eq!(code, 2, "{args:?}: exit {code}\n{out}{err}");
    assert!(
        !message.contains('\n') && !message.contains('\x1b'),
        "{args:?}: one clean line:\n{err}"
    );
    assert!(
        message.starts_with(&format!("tidings: {prefix}")),
        "{args:?}: names {prefix}: {message}"
    );
    assert!(
        message.contains(needle),
        "{args:?}: {message} lacks {needle:?}"
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{args:?}: files created or removed"
    );
    for (path, bytes) in &before {
        assert!(after.get(path) == Some(bytes), "{args:?}: {path:?} changed");
    }
    assert!(out.trim().is_empty(), "{args:?}: nothing on stdout: {out}");
    message.to_string()
}

/// A broken config is refused by every command that reads it, naming file and line.
fn refused_config(text: &str, line: usize, needle: &str) {
    let sandbox = Sandbox::new();
    sandbox.write_config(text);
    let prefix = format!("{}:{line}: ", sandbox.config().display());
    for args in [&["refresh"][..], &["list"], &["sources"], &["export"]] {
        refused(&sandbox, args, &prefix, needle);
    }
    assert!(!sandbox.data().exists(), "no data dir is created");
    // An import into a broken config does not touch it either.
    let urls = sandbox.root.join("urls");
    std::fs::write(&urls, "https://new.example/feed.xml\n").expect("write urls");
    refused(
        &sandbox,
        &["import", urls.to_str().expect("utf-8 path")],
        &prefix,
        needle,
    );
}

#[test]
fn config_syntax_error() {
    refused_config(
        "[fetch]\ntimeout = \"3s\"\n[[source]\nurl = \"https://a.example/\"\n",
        3,
        "expected `]`",
    );
}

#[test]
fn config_unknown_key() {
    refused_config("[fetch]\ntimeot = \"3s\"\n", 2, "unknown field `timeot`");
    refused_config(
        "[[source]]\nurl = \"https://a.example/\"\ncolour = \"red\"\n",
        3,
        "unknown field `colour`",
    );
}

#[test]
fn config_bad_values() {
    refused_config("[fetch]\ntimeout = \"soon\"\n", 2, "not a duration");
    refused_config("[fetch]\nmax_body = \"lots\"\n", 2, "not a size");
    refused_config(
        "[[source]]\nurl = \"https://a.example/\"\nkind = \"gopher\"\n",
        3,
        "gopher",
    );
}

#[test]
fn config_bad_key_bindings() {
    refused_config("[keys]\nj = \"explode\"\n", 2, "unknown action `explode`");
    // An unknown key name is reported at its line (2), or at the `[keys]` line above it (1).
    let sandbox = Sandbox::new();
    sandbox.write_config("[keys]\n\"ctrl-q-z\" = \"quit\"\n");
    let prefix = format!("{}:", sandbox.config().display());
    let message = refused(&sandbox, &["refresh"], &prefix, "unknown key `ctrl-q-z`");
    let line = message
        .strip_prefix(&format!("tidings: {prefix}"))
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(matches!(line, Some(1 | 2)), "{message}");
    assert!(!sandbox.data().exists());
}

#[test]
fn config_duplicate_sources() {
    refused_config(
        "[[source]]\nname = \"A\"\nurl = \"https://a.example/\"\n\n[[source]]\nname = \"A\"\nurl = \"https://b.example/\"\n",
        6,
        "\"A\" is used twice",
    );
    refused_config(
        "[[source]]\nurl = \"https://a.example/\"\n[[source]]\nurl = \"https://a.example/\"\n",
        4,
        "listed twice",
    );
}

#[test]
fn config_command_source_is_refused() {
    refused_config(
        "[[source]]\nurl = \"exec:/bin/sh -c 'touch /tmp/pwned'\"\n",
        2,
        "only http, https and file URLs",
    );
    refused_config(
        "[[source]]\nurl = \"filter:/bin/sed:https://a.example/\"\n",
        2,
        "only http, https and file URLs",
    );
}

#[test]
fn config_bad_selector() {
    refused_config(
        "[[source]]\nkind = \"page\"\npreset = \"vsb\"\nurl = \"https://c.example/a.htm\"\n[source.rules.list]\nitem = \"li[[id\"\n",
        6,
        "bad selector",
    );
}

#[test]
fn config_that_is_not_utf8_or_not_a_file() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.config(), b"x = \"\xff\xfe\"\n").expect("write");
    let prefix = format!("{}: ", sandbox.config().display());
    refused(&sandbox, &["refresh"], &prefix, "cannot read");
    assert!(!sandbox.data().exists());
    let sandbox = Sandbox::new();
    std::fs::create_dir(sandbox.config()).expect("mkdir");
    let prefix = format!("{}: ", sandbox.config().display());
    refused(&sandbox, &["list"], &prefix, "cannot read");
    assert!(!sandbox.data().exists());
}

/// A good config and a urls file next to it.
fn import_sandbox(import: &str, body: &[u8]) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    sandbox.write_config("[[source]]\nname = \"Kept\"\nurl = \"https://kept.example/feed\"\n");
    let file = sandbox.root.join(import);
    std::fs::write(&file, body).expect("write import file");
    (sandbox, file)
}

#[test]
fn malformed_opml_is_refused() {
    let cases: [(&str, &[u8], usize, &str); 3] = [
        (
            "unclosed.opml",
            b"<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\n<outline text=\"a\" xmlUrl=\"https://a.example/\">\n</body></opml>\n",
            4,
            "malformed OPML",
        ),
        (
            "feed.opml",
            b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>\n",
            2,
            "not <opml>",
        ),
        (
            "garbage.opml",
            b"<opml><body><outline xmlUrl=\"https://a.example/\" <<<>>> </body>",
            1,
            "malformed OPML",
        ),
    ];
    for (name, body, line, needle) in cases {
        let (sandbox, file) = import_sandbox(name, body);
        let path = file.to_str().expect("utf-8 path");
        refused(
            &sandbox,
            &["import", path],
            &format!("{path}:{line}: "),
            needle,
        );
        assert!(!sandbox.data().exists());
    }
}

#[test]
fn import_file_over_the_limit_is_refused_quickly() {
    let (sandbox, file) = import_sandbox("huge.opml", &vec![b'a'; 17 * 1024 * 1024]);
    let before = snapshot(&sandbox.root);
    let start = Instant::now();
    let (code, out, err) = sandbox.run(&["import", file.to_str().expect("utf-8 path")]);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        err.trim().lines().count() == 1 && err.contains("larger than"),
        "{err}"
    );
    assert!(err.contains(file.to_str().expect("utf-8 path")), "{err}");
    assert_eq!(before, snapshot(&sandbox.root), "nothing written");
}

/// 200,000 lines is a plausible hostile or accidental import: it must finish fast, with the
/// sources or a clear error (config line numbers are a binary search over newline offsets, so this
/// stays linear).
#[test]
fn a_huge_urls_file_imports_fast_or_is_refused() {
    let mut body = String::new();
    for i in 0..200_000 {
        body.push_str(&format!(
            "https://feeds{}.example.org/feed/{i}.xml tag{} \"Cat {}\"\n",
            i % 500,
            i % 7,
            i % 13
        ));
    }
    let (sandbox, file) = import_sandbox("urls", body.as_bytes());
    let start = Instant::now();
    let (code, out, err) = sandbox.run(&["import", file.to_str().expect("utf-8 path")]);
    let took = start.elapsed();
    println!("200,000-line import: exit {code} in {took:?}: {out}{err}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    if code == 0 {
        let config = std::fs::read_to_string(sandbox.config()).expect("config");
        assert_eq!(config.matches("[[source]]").count(), 200_001);
    } else {
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn a_database_from_a_newer_tidings_is_refused_untouched() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[[source]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n");
    {
        let store = tidings::store::Store::open(&sandbox.database()).expect("create store");
        drop(store);
        let db = rusqlite::Connection::open(sandbox.database()).expect("open");
        let newer = tidings::store::Store::schema_version() + 1;
        db.execute_batch(&format!(
            "PRAGMA user_version = {newer}; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;"
        ))
        .expect("bump version");
    }
    let prefix = format!("{}: ", sandbox.database().display());
    for args in [&["refresh"][..], &["list"], &["sources"], &["export"]] {
        let message = refused(&sandbox, args, &prefix, "newer than this tidings supports");
        assert!(message.contains("upgrade"), "{message}");
    }
}

#[test]
fn a_database_that_is_not_sqlite_is_a_clear_error() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[[source]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n");
    std::fs::create_dir_all(sandbox.data()).expect("mkdir");
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(sandbox.database(), &garbage).expect("write");
    let (code, out, err) = sandbox.run(&["refresh"]);
    assert_ne!(code, 0, "{out}{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&sandbox.database().display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read(sandbox.database()).expect("read"), garbage);
}

// ---- never a shell ----

/// Entries that would run a command, or are not http(s)/file URLs, in a newsboat urls file.
const HOSTILE_URLS: &str = "https://good.example/feed.xml tech\n\
exec:/bin/sh -c 'touch /tmp/tidings-pwned'\n\
\"exec:~/bin/script arg\" news\n\
filter:~/bin/filter.sh:https://example.org/feed\n\
\"filter:/usr/bin/sed s/a/b/:https://example.org/x\"\n\
query:Unread:unread = \"yes\"\n\
EXEC:/bin/evil\n\
 exec:/leading/space\n\
|/bin/cmd\n\
`touch /tmp/tidings-pwned`\n\
$(touch /tmp/tidings-pwned)\n\
javascript:alert(1)\n\
data:text/html,<script>alert(1)</script>\n\
ftp://example.org/feed\n\
/bin/sh\n\
~/feed.xml\n\
mailto:a@example.org\n\
https://good2.example/rss \"Tech news\"\n";

const HOSTILE_OPML: &str = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="Good" xmlUrl="https://good3.example/rss"/>
<outline text="Evil" xmlUrl="exec:/bin/sh -c evil"/>
<outline text="Evil2" type="rss" xmlUrl="filter:/bin/f:https://example.org/f"/>
<outline text="Evil3" xmlUrl="  exec:rm -rf ~"/>
<outline text="Query" xmlUrl="query:Unread:unread = &quot;yes&quot;"/>
<outline text="Pipe" xmlUrl="|sh"/>
<outline text="Script" xmlUrl="javascript:alert(1)"/>
<outline text="Folder"><outline text="inner" xmlUrl="EXEC:/x"/></outline>
</body></opml>
"#;

#[test]
fn imports_never_create_a_command_source() {
    for (name, body, kept, skipped) in [
        (
            "urls",
            HOSTILE_URLS,
            &["https://good.example/feed.xml", "https://good2.example/rss"][..],
            16,
        ),
        (
            "feeds.opml",
            HOSTILE_OPML,
            &["https://good3.example/rss"][..],
            7,
        ),
    ] {
        let (sandbox, file) = import_sandbox(name, body.as_bytes());
        let path = file.to_str().expect("utf-8 path");
        let (code, out, err) = sandbox.run(&["import", path]);
        assert_eq!(code, 0, "{out}{err}");
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("skipped")).collect();
        assert_eq!(warnings.len(), skipped, "{err}");
        for warning in &warnings {
            assert!(
                warning.starts_with(&format!("warning: {path}:")),
                "names file and line: {warning}"
            );
        }
        let config = std::fs::read_to_string(sandbox.config()).expect("config");
        let loaded = tidings::config::Config::from_toml(&sandbox.config(), &config)
            .expect("the config still loads");
        let urls: Vec<&str> = loaded.sources.iter().map(|s| s.url.as_str()).collect();
        let mut expected = vec!["https://kept.example/feed"];
        expected.extend_from_slice(kept);
        assert_eq!(urls, expected, "{config}");
        for word in [
            "exec",
            "EXEC",
            "filter",
            "query",
            "javascript",
            "sh",
            "touch",
            "|",
            "`",
            "$(",
        ] {
            let lower = config.to_ascii_lowercase();
            assert!(
                !lower.contains(&format!("\"{word}")) && !config.contains("tidings-pwned"),
                "{word} in config:\n{config}"
            );
        }
        assert!(!Path::new("/tmp/tidings-pwned").exists());
    }
}

/// The library's import never returns a command source, whatever the entry looks like.
#[test]
fn import_sources_only_yields_http_https_and_file() {
    let path = Path::new("urls");
    for text in [HOSTILE_URLS, HOSTILE_OPML] {
        let report = tidings::config::import::import_sources(path, text).expect("import");
        assert!(!report.sources.is_empty());
        for source in &report.sources {
            let url = url::Url::parse(&source.url).expect("a URL");
            assert!(matches!(url.scheme(), "http" | "https" | "file"), "{url}");
        }
    }
}

/// What the reader hands to a browser: http and https only, by argv.
#[test]
fn only_http_and_https_links_are_opened() {
    use tidings::app::is_web_link;
    for link in [
        "http://example.org/",
        "https://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG/",
        "https://例子.测试/路径",
    ] {
        assert!(is_web_link(link), "{link}");
    }
    for link in [
        "",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/",
        "mailto:a@example.org",
        "exec:/bin/sh",
        "filter:/bin/x:https://example.org/",
        "/bin/sh",
        "-e http://example.org/",
        "--new-window=https://example.org/",
        "$(touch /tmp/x)",
        "`id`",
        "ssh://host/",
        "vscode://open?file=/etc/passwd",
        "http:/example.org",
        "https:example.org",
        "\u{1b}]52;c;aGk=\u{7}https://example.org/",
    ] {
        assert!(!is_web_link(link), "{link:?} must not open");
    }
}
