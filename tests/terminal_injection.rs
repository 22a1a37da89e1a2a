//! No terminal injection, through the real binary: a test server hands tidings an RSS feed, an
//! Atom feed and a JSON Feed whose every field carries terminal escape sequences (CSI, OSC title,
//! OSC 8, OSC 52, DCS, APC, 8-bit C1), C0 controls, bidi overrides and zero-width characters, as
//! raw characters, XML character references and HTML entities; and four sources whose errors
//! quote the server (a web page linking to a hostile feed URL, a 503 with a hostile Retry-After
//! and body, a redirect to a hostile `javascript:` URL, a header carrying raw ESC).
//!
//! The reader runs in a pseudo-terminal: it refreshes, every article is opened and scrolled, a
//! hostile link is copied, the hostile source and every failing source are selected so their
//! names and errors show, the help opens, and it quits. Then `list`, `sources`, `refresh`,
//! `export` and `parse` print the same data to the terminal directly (no ratatui buffer between,
//! which by itself drops control characters). Every byte each run wrote is then tokenized:
//! each escape sequence must be one tidings' own drawing uses (cursor moves, SGR, erase, the
//! private modes it sets and resets), the one OSC is the OSC 52 of the copy with a clean payload,
//! and no C1 control, BEL, BS, VT, FF, DEL, bidi control or zero-width character is there. The
//! same scenario on harmless feeds (the control run) shows which bare controls tidings itself
//! writes. The output is replayed into a vt100 terminal that reports title changes, clipboard
//! writes, bells and every sequence it does not know; the screen shows the payloads' text inert.

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use common::{Reply, Request};
use pty::Terminal;

/// Long enough for a debug build to start and refresh on a busy machine.
const SLOW: Duration = Duration::from_secs(60);
/// For the screen to answer a key.
const KEY: Duration = Duration::from_secs(15);
const COLS: u16 = 120;
const ROWS: u16 = 40;

/// Text that looks like an escape sequence but has no ESC: shown as it is.
const LOOKALIKE: &str = "{[31m]0;inert^[[2J}";

/// The hostile payloads, each a way to drive a terminal from text.
const PAYLOADS: &[(&str, &str)] = &[
    ("text lookalike", LOOKALIKE),
    ("CSI erase display", "\x1b[2J"),
    ("CSI SGR red", "\x1b[31m"),
    ("CSI cursor home", "\x1b[H"),
    ("CSI cursor position", "\x1b[5;10H"),
    ("CSI device status report (answers into stdin)", "\x1b[6n"),
    ("CSI report window title", "\x1b[21t"),
    ("CSI private mode reset (alt screen off)", "\x1b[?1049l"),
    ("OSC 0 title, BEL", "\x1b]0;pwned\x07"),
    ("OSC 2 title, ST", "\x1b]2;pwned2\x1b\\"),
    (
        "OSC 8 hyperlink",
        "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    ),
    ("OSC 52 clipboard write", "\x1b]52;c;ZXZpbA==\x07"),
    ("DCS request status string", "\x1bP$qm\x1b\\"),
    ("APC", "\x1b_apc payload\x1b\\"),
    ("ESC c full reset", "\x1bc"),
    ("ESC ( charset", "\x1b(0"),
    ("8-bit CSI U+009B", "\u{9b}31m"),
    ("8-bit OSC U+009D", "\u{9d}0;c1pwned\u{9c}"),
    ("8-bit DCS U+0090", "\u{90}c1dcs\u{9c}"),
    ("NEL U+0085", "\u{85}"),
    ("BEL", "\x07"),
    ("BS", "\x08"),
    ("CR", "\r"),
    ("VT", "\x0b"),
    ("FF", "\x0c"),
    ("DEL", "\x7f"),
    ("RLO", "\u{202e}"),
    ("LRE and PDF", "\u{202a}\u{202c}"),
    ("LRI RLI FSI PDI", "\u{2066}\u{2067}\u{2068}\u{2069}"),
    ("LRM RLM ALM", "\u{200e}\u{200f}\u{61c}"),
    ("zero width space", "\u{200b}"),
    ("word joiner", "\u{2060}"),
    ("BOM / ZWNBSP", "\u{feff}"),
];

/// The visible text the OSC 8 payload carries: ordinary text once the link is gone.
const OSC8_TEXT: &str = "click";

/// How a payload is written into a document.
#[derive(Clone, Copy)]
enum Encoding {
    /// The characters themselves (raw ESC bytes in XML, which XML 1.0 forbids).
    Raw,
    /// Every control as an XML/HTML numeric character reference: `&#27;[31m`.
    Ref,
    /// Those references escaped again, for HTML escaped in XML text: `&amp;#27;[31m`.
    Ent,
    /// JSON string content: `\u001b[31m`.
    Json,
}

/// Whether a character is written as a reference rather than as itself.
fn needs_ref(c: char) -> bool {
    !(c.is_ascii_graphic() || c == ' ')
}

fn encode(text: &str, encoding: Encoding) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        match encoding {
            Encoding::Raw => out.push(c),
            // Decimal and hex references, alternately.
            Encoding::Ref | Encoding::Ent if needs_ref(c) => {
                let amp = if matches!(encoding, Encoding::Ent) {
                    "&amp;"
                } else {
                    "&"
                };
                if i % 2 == 0 {
                    out.push_str(&format!("{amp}#{};", u32::from(c)));
                } else {
                    out.push_str(&format!("{amp}#x{:x};", u32::from(c)));
                }
            }
            Encoding::Ref | Encoding::Ent => out.push(c),
            Encoding::Json => match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                // JSON requires C0 escaped; the rest goes raw except DEL and C1, both ways.
                c if u32::from(c) < 0x20 || c == '\x7f' || (i % 2 == 0 && needs_ref(c)) => {
                    out.push_str(&format!("\\u{:04x}", u32::from(c)))
                }
                c => out.push(c),
            },
        }
    }
    out
}

/// Every payload in a row, between words so that what is left of them reads as text.
fn all_payloads() -> String {
    PAYLOADS
        .iter()
        .map(|(_, p)| *p)
        .collect::<Vec<_>>()
        .join("")
}

/// A fixture template with its placeholders filled: the payloads, or nothing for the control run.
fn fill(name: &str, hostile: bool) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/injection")
        .join(name);
    let template = std::fs::read_to_string(&path).unwrap();
    let payload = if hostile {
        all_payloads()
    } else {
        String::new()
    };
    let paras: String = (1..=30)
        .map(|i| {
            format!(
                "&lt;p&gt;Paragraph {i} @RAW@ of the long body @ENT@, with enough words to \
                 wrap in the reader pane.&lt;/p&gt;"
            )
        })
        .collect();
    template
        .replace("@PARAS@", &paras)
        .replace("@RAW@", &encode(&payload, Encoding::Raw))
        .replace("@REF@", &encode(&payload, Encoding::Ref))
        .replace("@ENT@", &encode(&payload, Encoding::Ent))
        .replace("@JSON@", &encode(&payload, Encoding::Json))
}

/// The test server: `/h/…` hostile, `/c/…` the same documents without payloads.
fn answer(request: &Request) -> Reply {
    let Some((variant, name)) = request.path[1..].split_once('/') else {
        return Reply::status(404);
    };
    let hostile = variant == "h";
    let payload = if hostile {
        all_payloads()
    } else {
        String::new()
    };
    match name {
        "rss.xml" => Reply::ok("application/rss+xml", fill("rss.xml", hostile)),
        "atom.xml" => Reply::ok("application/atom+xml", fill("atom.xml", hostile)),
        "feed.json" => Reply::ok("application/feed+json", fill("feed.json", hostile)),
        // A web page where a feed was expected: the error quotes the feed URL it links to.
        "page.html" => Reply::ok(
            "text/html; charset=utf-8",
            format!(
                "<!DOCTYPE html><html><head><title>Page {raw}</title>\
                 <link rel=\"alternate\" type=\"application/rss+xml\" \
                 href=\"https://evil.example/feed{refs}.xml?q={raw}\"></head>\
                 <body><p>Not a feed {raw}</p></body></html>",
                raw = encode(&payload, Encoding::Raw),
                refs = encode(&payload, Encoding::Ref),
            ),
        ),
        // An error status with a body and headers carrying payloads (header values cannot hold
        // raw controls; the lookalike and raw UTF-8 C1 / bidi bytes they can).
        "status" => {
            let non_ascii: String = payload.chars().filter(|c| !c.is_ascii()).collect();
            let retry = if hostile {
                format!("7 {LOOKALIKE}")
            } else {
                "7".to_string()
            };
            Reply::Full {
                status: 503,
                headers: vec![
                    ("Content-Type".into(), "text/plain".into()),
                    ("Retry-After".into(), retry),
                    ("X-Payload".into(), format!("x{non_ascii}")),
                ],
                body: format!("Service unavailable {payload}").into_bytes(),
            }
        }
        // A redirect to a non-http URL carrying payloads (percent-encoded and raw non-ASCII).
        "redirect" => {
            let location = if hostile {
                format!(
                    "javascript:alert(1)//%1b%5d0;pwned%07%1b%5b2J%c2%9b31m%e2%80%ae{LOOKALIKE}"
                )
            } else {
                "javascript:alert(1)".to_string()
            };
            Reply::Full {
                status: 302,
                headers: vec![("Location".into(), location)],
                body: payload.into_bytes(),
            }
        }
        // Raw ESC in a status reason and header values: whatever the client makes of it.
        "header" => {
            let body = format!("broken {payload}");
            let evil = if hostile {
                "\x1b]0;pwned\x07\x1b[2J"
            } else {
                ""
            };
            Reply::Raw(
                format!(
                    "HTTP/1.1 500 Oops{evil}\r\nContent-Type: text/plain\r\n\
                     Retry-After: 5{evil}\r\nX-Evil: a{evil}\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            )
        }
        _ => Reply::status(404),
    }
}

/// The article titles' starts, one per article of the three good sources (9 in all).
const TITLES: &[&str] = &[
    "Raw title one",
    "Ref title two",
    "Ent title three",
    "Untitled four",
    "Atom text five",
    "Atom html six",
    "Atom xhtml title seven",
    "JSON title eight",
    "JSON title nine",
];

/// The failing sources, in config order (their category lists them so).
const BROKEN: &[&str] = &[
    "Broken page",
    "Broken status",
    "Broken redirect",
    "Broken header",
];

fn config(port: u16, variant: &str) -> String {
    let base = format!("http://127.0.0.1:{port}/{variant}");
    let mut text = format!(
        "[refresh]\non_start = true\n\n[fetch]\ntimeout = \"10s\"\n\n\
         # No name: the source is named by the feed's (hostile) title.\n\
         [[source]]\nurl = \"{base}/rss.xml\"\ncategory = \"Hostile\"\n\n\
         [[source]]\nname = \"Atom wire\"\nurl = \"{base}/atom.xml\"\ncategory = \"Hostile\"\n\n\
         [[source]]\nname = \"JSON wire\"\nurl = \"{base}/feed.json\"\ncategory = \"Hostile\"\n\n"
    );
    for (name, path) in BROKEN
        .iter()
        .zip(["page.html", "status", "redirect", "header"])
    {
        text.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{base}/{path}\"\ncategory = \"Broken\"\n\n"
        ));
    }
    text
}

fn status_line(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().trim().to_string()
}

/// The text of the first pane on a line: between the first two `│`.
fn first_pane(line: &str) -> Option<&str> {
    let rest = line.split_once('│')?.1;
    Some(rest.split_once('│').map_or(rest, |(cell, _)| cell))
}

/// The categories pane's rows, markers and counts kept.
fn category_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(1)
        .filter_map(first_pane)
        .map(|cell| cell.trim_end().to_string())
        .take_while(|cell| !cell.trim().is_empty())
        .collect()
}

/// The position of the categories row whose name (after markers) starts with `name`.
fn category_index(screen: &str, name: &str) -> usize {
    category_rows(screen)
        .iter()
        .position(|row| {
            row.trim_start_matches(['▸', '▾', ' ', '!'])
                .starts_with(name)
        })
        .unwrap_or_else(|| panic!("no category row {name:?}:\n{screen}"))
}

/// The count beside a categories row (`▸ Hostile   9` → 9).
fn category_count(screen: &str, name: &str) -> Option<u64> {
    let rows = category_rows(screen);
    let row = rows.iter().find(|row| {
        row.trim_start_matches(['▸', '▾', ' ', '!'])
            .starts_with(name)
    })?;
    row.rsplit(' ').next()?.replace(',', "").parse().ok()
}

/// The reader pane's text (120 columns): what follows the second pane on each line.
fn reader_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|line| line.split('│').nth(5))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(position, length)` from the reader's top border: `┌ Reader ─── 3/52 ┐`.
fn reader_position(screen: &str) -> Option<(usize, usize)> {
    let top = screen.lines().next()?;
    let after = top.split(" Reader ").nth(1)?;
    let numbers = after.trim_matches(|c: char| !c.is_ascii_digit());
    let (at, len) = numbers.split_once('/')?;
    let len: String = len.chars().take_while(char::is_ascii_digit).collect();
    Some((at.parse().ok()?, len.parse().ok()?))
}

/// What one run saw.
struct Run {
    raw: Vec<u8>,
    /// Screens at the moments that matter.
    screens: Vec<String>,
    /// The status line with each failing source selected.
    errors: BTreeMap<&'static str, String>,
    /// Every byte of each command-line run (`list`, `sources`, `refresh`, `parse`, `export`):
    /// plain text straight to the terminal, without the reader's drawing in between.
    commands: Vec<(String, Vec<u8>)>,
}

/// The whole scenario on one variant of the server.
fn scenario(port: u16, variant: &str) -> Run {
    let home = tempfile::tempdir().unwrap();
    let config_path = home.path().join("config.toml");
    std::fs::write(&config_path, config(port, variant)).unwrap();
    let data = home.path().join("data-dir");
    let mut term = Terminal::start(
        home.path(),
        &[
            "--config",
            config_path.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        COLS,
        ROWS,
    );
    let mut screens = Vec::new();
    let esc = |term: &mut Terminal| {
        term.key("Esc");
        std::thread::sleep(Duration::from_millis(100));
    };

    let screen = term.wait_until("the refresh summary", SLOW, |s| {
        status_line(s).contains("Refreshed 7 sources") && category_count(s, "All") == Some(9)
    });
    assert!(
        status_line(&screen).contains("4 failed"),
        "{variant}: {screen}"
    );
    screens.push(screen);

    // Into the list of All; open every article, newest first; page through the long one.
    term.key("l");
    term.wait_until("the article list", KEY, |s| s.contains("Articles · All"));
    // The cursor stayed on the row it was on while the refresh added rows above it.
    term.key("g");
    // Newest first: the titles' order.
    for (i, title) in TITLES.iter().enumerate() {
        if i > 0 {
            esc(&mut term);
            term.key("j");
        }
        term.key("Enter");
        term.wait_until(&format!("{title:?} in the reader"), KEY, |s| {
            s.contains("opened once by you") && reader_text(s).starts_with(title)
        });
        // The whole article, not the list row: wait until its body has been rendered.
        let screen = term.wait_until("the body", KEY, |s| reader_position(s).is_some());
        screens.push(screen.clone());
        if *title == "Raw title one" {
            let (_, len) = reader_position(&screen).unwrap();
            assert!(len > ROWS as usize, "{variant}: a long body:\n{screen}");
            for page in 2..=3 {
                let before = reader_position(&term.screen()).unwrap().0;
                term.key(" ");
                let screen = term.wait_until(&format!("page {page}"), KEY, |s| {
                    reader_position(s).is_some_and(|(pos, _)| pos > before)
                });
                screens.push(screen);
            }
            term.key("G");
            let screen = term.wait_until("the end of the body", KEY, |s| {
                reader_position(s).is_some_and(|(pos, len)| pos > 1 && len - pos < ROWS as usize)
            });
            screens.push(screen);
            term.key("g");
            term.wait_until("the top of the body", KEY, |s| {
                reader_position(s).is_some_and(|(pos, _)| pos == 1)
            });
            // Copy its (hostile) link: tidings' own OSC 52.
            term.key("y");
            screens.push(term.wait_for("Link copied", KEY));
        }
    }

    // The categories: the hostile source by its feed title, then every failing source's error.
    esc(&mut term);
    term.key("h");
    term.key("g");
    term.wait_for("Articles · All", KEY);
    let mut errors = BTreeMap::new();
    for category in ["Hostile", "Broken"] {
        term.key("g");
        let screen = term.wait_for("Articles · All", KEY);
        let mut at = category_index(&screen, category);
        for _ in 0..at {
            term.key("j");
        }
        term.wait_for(&format!("Articles · {category}"), KEY);
        term.key("Enter");
        let screen = term.wait_for(&format!("▾ {category}"), KEY);
        term.key("h");
        let members = if category == "Hostile" {
            vec!["Hostile RSS"]
        } else {
            BROKEN.to_vec()
        };
        // Sources are listed under their category in an order of tidings' choosing.
        let mut members: Vec<(usize, &str)> = members
            .into_iter()
            .map(|name| (category_index(&screen, name), name))
            .collect();
        members.sort();
        for (index, name) in members {
            assert!(index > at, "{name} is not below {category}:\n{screen}");
            for _ in at..index {
                term.key("j");
            }
            at = index;
            let screen = term.wait_until(&format!("the source {name}"), KEY, |s| {
                s.contains(&format!("Articles · {name}"))
            });
            if category == "Broken" {
                let screen = term.wait_until(&format!("the error of {name}"), KEY, |s| {
                    status_line(s).starts_with(&format!("! {name}: "))
                });
                errors.insert(name, status_line(&screen));
                screens.push(screen);
            } else {
                screens.push(screen);
            }
        }
    }

    term.key("?");
    screens.push(term.wait_for(" Keys ", KEY));
    esc(&mut term);
    term.wait_until("the help to close", KEY, |s| !s.contains(" Keys "));
    term.key("q");
    assert!(term.wait_exit(SLOW), "{variant}: exit status");
    let raw = wait_restored(&term);

    // The same data through the command line, which prints to the terminal directly.
    let common = [
        "--config",
        config_path.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ];
    let base = format!("http://127.0.0.1:{port}/{variant}");
    let runs: Vec<(Vec<String>, &str)> = vec![
        (vec!["list".into()], "JSON title nine"),
        (vec!["sources".into()], "Broken status"),
        (vec!["refresh".into()], " new articles"),
        (vec!["export".into()], "</opml>"),
        (
            vec!["parse".into(), format!("{base}/rss.xml")],
            "Untitled four",
        ),
        (
            vec!["parse".into(), format!("{base}/atom.xml")],
            "Atom xhtml title seven",
        ),
        (
            vec!["parse".into(), format!("{base}/feed.json")],
            "JSON title nine",
        ),
    ];
    let mut commands = Vec::new();
    for (args, last) in runs {
        let mut all: Vec<&str> = common.to_vec();
        all.extend(args.iter().map(String::as_str));
        let mut term = Terminal::start(home.path(), &all, COLS, ROWS);
        term.wait_exit(SLOW);
        // The bytes, not the screen: hostile output could clear the screen.
        commands.push((args.join(" "), wait_output(&term, last)));
    }
    Run {
        raw,
        screens,
        errors,
        commands,
    }
}

/// Waits until the output holds `text`; returns all of it.
fn wait_output(term: &Terminal, text: &str) -> Vec<u8> {
    let start = std::time::Instant::now();
    loop {
        let raw = term.raw();
        if String::from_utf8_lossy(&raw).contains(text) {
            return raw;
        }
        assert!(
            start.elapsed() < KEY,
            "timed out waiting for {text:?} in the output: {:?}",
            String::from_utf8_lossy(&raw)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the output ends with the cursor shown again (the last thing tidings writes).
fn wait_restored(term: &Terminal) -> Vec<u8> {
    let start = std::time::Instant::now();
    loop {
        let raw = term.raw();
        let text = String::from_utf8_lossy(&raw);
        if text.trim_end_matches(['\r', '\n']).ends_with("\x1b[?25h") || start.elapsed() > KEY {
            return raw;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One unit of the program's output that is not plain text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    /// `ESC [` private-marker parameters intermediates final.
    Csi {
        private: String,
        params: String,
        intermediates: String,
        end: char,
    },
    /// `ESC ]` … BEL or ST.
    Osc(String),
    /// `ESC P`, `ESC X`, `ESC ^`, `ESC _` strings (DCS, SOS, PM, APC).
    Str(char, String),
    /// Any other escape: `ESC` intermediates final.
    Esc(String),
    /// A C0 control other than ESC, or DEL.
    Control(char),
    /// CR LF: a new line as the terminal's line discipline writes it.
    Newline,
    /// A C1 control (U+0080–U+009F) encoded in UTF-8.
    C1(char),
    /// A bidi control or an invisible character.
    Invisible(char),
}

/// Bidi embeddings, overrides, isolates and marks, and zero-width characters that hide text.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Every token of the output, in order.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    let mut private = String::new();
                    let mut params = String::new();
                    let mut intermediates = String::new();
                    while let Some(&c) = chars.peek() {
                        match c {
                            '<'..='?' if params.is_empty() && intermediates.is_empty() => {
                                private.push(c)
                            }
                            '0'..=';' if intermediates.is_empty() => params.push(c),
                            ' '..='/' => intermediates.push(c),
                            _ => break,
                        }
                        chars.next();
                    }
                    let end = chars.next().unwrap_or('\0');
                    tokens.push(Token::Csi {
                        private,
                        params,
                        intermediates,
                        end,
                    });
                }
                Some(kind @ (']' | 'P' | 'X' | '^' | '_')) => {
                    let mut body = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\x07' if kind == ']' => break,
                            '\x1b' if chars.peek() == Some(&'\\') => {
                                chars.next();
                                break;
                            }
                            c => body.push(c),
                        }
                    }
                    tokens.push(if kind == ']' {
                        Token::Osc(body)
                    } else {
                        Token::Str(kind, body)
                    });
                }
                Some(c) => {
                    let mut sequence = String::from(c);
                    if (' '..='/').contains(&c) {
                        while let Some(&c) = chars.peek() {
                            chars.next();
                            sequence.push(c);
                            if !(' '..='/').contains(&c) {
                                break;
                            }
                        }
                    }
                    tokens.push(Token::Esc(sequence));
                }
                None => tokens.push(Token::Esc(String::new())),
            },
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                tokens.push(Token::Newline);
            }
            '\0'..='\x1f' | '\x7f' => tokens.push(Token::Control(c)),
            '\u{80}'..='\u{9f}' => tokens.push(Token::C1(c)),
            c if invisible(c) => tokens.push(Token::Invisible(c)),
            _ => {}
        }
    }
    tokens
}

/// The private modes tidings sets and resets: cursor keys, alternate screen, cursor, mouse
/// reporting, bracketed paste.
const PRIVATE_MODES: &[&str] = &[
    "1", "25", "47", "1047", "1049", "1000", "1002", "1003", "1005", "1006", "1015", "2004",
];

/// Whether a token is one of tidings' own drawing.
fn own_drawing(token: &Token) -> bool {
    match token {
        Token::Csi {
            private,
            params,
            intermediates,
            end,
        } => {
            if !intermediates.is_empty() {
                return false;
            }
            match private.as_str() {
                "" => {
                    params.chars().all(|c| c.is_ascii_digit() || c == ';' || c == ':')
                        // Cursor position and moves, SGR, erase in display / line.
                        && matches!(end, 'H' | 'f' | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G'
                            | 'd' | 'm' | 'J' | 'K')
                }
                "?" => {
                    matches!(end, 'h' | 'l')
                        && params.split(';').all(|mode| PRIVATE_MODES.contains(&mode))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// A copy tidings itself made: OSC 52 to the clipboard with base64 of one clean line.
fn own_copy(token: &Token) -> Option<String> {
    let Token::Osc(body) = token else {
        return None;
    };
    let data = body.strip_prefix("52;c;")?;
    let decoded = base64_decode(data)?;
    let text = String::from_utf8(decoded).ok()?;
    let clean = !text
        .chars()
        .any(|c| c.is_control() || invisible(c) || c == '\u{85}');
    clean.then_some(text)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut bits = 0u32;
    let mut count = 0;
    for b in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|a| *a == b)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// What a vt100 terminal reports from the output, beyond drawing.
#[derive(Default)]
struct Reports(Vec<String>);

impl vt100::Callbacks for Reports {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("audible bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.0.push(format!("resize to {request:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.0
            .push(format!("icon name {:?}", String::from_utf8_lossy(name)));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.0
            .push(format!("window title {:?}", String::from_utf8_lossy(title)));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.0.push(format!(
            "copy to {:?}: {:?}",
            String::from_utf8_lossy(ty),
            String::from_utf8_lossy(data)
        ));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8]) {
        self.0
            .push(format!("paste from {:?}", String::from_utf8_lossy(ty)));
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        // U+FFFD is an ordinary glyph (the repair puts it where a document referred to a
        // character XML forbids); vt100 reports it with the C1 controls.
        if c != '\u{fffd}' {
            self.0.push(format!("char {c:?}"));
        }
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.0.push(format!("control {b:#04x}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        self.0
            .push(format!("escape {i1:?} {i2:?} {:?}", char::from(b)));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        self.0.push(format!("csi {i1:?} {i2:?} {params:?} {c:?}"));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let params: Vec<_> = params.iter().map(|p| String::from_utf8_lossy(p)).collect();
        self.0.push(format!("osc {params:?}"));
    }
}

/// The terminal events the output causes, besides copies (checked on their own).
fn reports(raw: &[u8]) -> BTreeSet<String> {
    let mut parser = vt100::Parser::new_with_callbacks(ROWS, COLS, 0, Reports::default());
    parser.process(raw);
    parser
        .callbacks()
        .0
        .iter()
        .filter(|r| !r.starts_with("copy to \"c\""))
        .cloned()
        .collect()
}

/// The bare controls a control run's output has that tidings' own output may use: new lines
/// (CR LF from the line discipline of the command line's output), and CR or LF alone if they occur.
fn own_controls(raw: &[u8]) -> BTreeSet<Token> {
    let text = std::str::from_utf8(raw).expect("UTF-8 output");
    tokenize(text)
        .into_iter()
        .filter(|t| matches!(t, Token::Newline | Token::Control('\r' | '\n')))
        .collect()
}

/// Every way one output can carry a control that is not tidings' own drawing; `copies` is the
/// number of OSC 52 copies the keys asked for.
fn violations(raw: &[u8], allowed: &BTreeSet<Token>, copies: usize) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(text) = std::str::from_utf8(raw) else {
        // Raw bytes 0x80–0x9F are C1 controls to a terminal not in UTF-8 mode.
        return vec!["the output is not UTF-8".into()];
    };
    let mut copied = 0;
    for token in tokenize(text) {
        let ok = match &token {
            Token::Control(_) | Token::Newline => allowed.contains(&token),
            Token::Osc(_) if own_copy(&token).is_some() => {
                copied += 1;
                true
            }
            token => own_drawing(token),
        };
        if !ok && found.len() < 50 {
            found.push(format!("{token:?}"));
        }
    }
    if copied != copies {
        found.push(format!("{copied} OSC 52 copies, expected {copies}"));
    }
    found
}

#[test]
fn hostile_text_never_reaches_the_terminal_as_control() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(common::serve(answer));
    let port = server.addr.port();

    // The control run: the same sources, keys and commands on harmless documents. What it writes
    // is tidings' own drawing; the test's grammar must allow all of it.
    let control = scenario(port, "c");
    let own_reader = own_controls(&control.raw);
    let control_violations = violations(&control.raw, &own_reader, 1);
    assert!(
        control_violations.is_empty(),
        "tidings' own drawing is not what this test allows: {control_violations:#?}"
    );
    for (command, raw) in &control.commands {
        let found = violations(raw, &own_controls(raw), 0);
        assert!(found.is_empty(), "control `{command}`: {found:#?}");
    }

    let hostile = scenario(port, "h");
    let found = violations(&hostile.raw, &own_reader, 1);
    assert!(
        found.is_empty(),
        "control sequences from the feeds reached the terminal: {found:#?}"
    );
    assert_eq!(hostile.commands.len(), control.commands.len());
    for ((command, raw), (_, control_raw)) in hostile.commands.iter().zip(&control.commands) {
        let found = violations(raw, &own_controls(control_raw), 0);
        assert!(
            found.is_empty(),
            "`tidings {command}` wrote controls from the feeds: {found:#?}\n{}",
            String::from_utf8_lossy(raw)
        );
        let new: Vec<_> = reports(raw)
            .difference(&reports(control_raw))
            .cloned()
            .collect();
        assert!(
            new.is_empty(),
            "`tidings {command}`: the terminal saw {new:?}"
        );
    }
    let control_reports = reports(&control.raw);
    let text = String::from_utf8(hostile.raw.clone()).unwrap();
    assert!(!text.contains("\x1b]0;"), "an OSC title change");
    assert!(!text.contains("\x1b]8;"), "an OSC 8 link");
    assert!(!text.contains("\x1bP"), "a DCS string");

    // A terminal replaying the output: no title, no clipboard write but the copy, no bell, and
    // nothing it does not know that the control run did not have too.
    let hostile_reports = reports(&hostile.raw);
    let new: Vec<_> = hostile_reports.difference(&control_reports).collect();
    assert!(new.is_empty(), "the terminal saw: {new:?}");
    assert!(
        !hostile_reports
            .iter()
            .any(|r| r.starts_with("window title") || r.starts_with("icon name")),
        "{hostile_reports:?}"
    );

    // The copied link is the article's, cleaned.
    let copies: Vec<String> = tokenize(&text).iter().filter_map(own_copy).collect();
    assert!(
        copies
            .iter()
            .all(|c| c.starts_with("https://example.org/one/")),
        "{copies:?}"
    );

    // The screens show the payloads as inert text: the lookalike literally, the OSC 8 link's
    // words, and the text around every payload.
    let all = hostile.screens.join("\n");
    for expected in [
        LOOKALIKE,
        OSC8_TEXT,
        "Hostile RSS",
        "channel",
        "Raw title one",
    ] {
        assert!(all.contains(expected), "{expected:?} not shown:\n{all}");
    }
    // Where only a payload's ESC went (an HTML character reference the renderer decoded), what
    // followed it is plain text on the screen.
    for inert in ["[31m", "]0;pwned", "]52;c;ZXZpbA=="] {
        assert!(all.contains(inert), "{inert:?} not shown:\n{all}");
    }
    // The reader shows the title with the lookalike text kept in place and every sequence gone
    // whole, not just its ESC: no parameters or OSC strings left over as garbage.
    let raw_reader = hostile
        .screens
        .iter()
        .find(|s| reader_text(s).starts_with("Raw title one"))
        .unwrap();
    let reader = reader_text(raw_reader);
    let title: Vec<&str> = reader.lines().take(2).collect();
    assert_eq!(
        title.join(" "),
        format!("Raw title one {LOOKALIKE}{OSC8_TEXT} ends"),
        "{raw_reader}"
    );
    let listed = String::from_utf8_lossy(&hostile.commands[0].1).to_string();
    assert!(
        listed.contains(&format!("Raw title one {LOOKALIKE}{OSC8_TEXT} ends")),
        "{listed}"
    );
    // Each failing source's error is one clean line; the 503's quotes the hostile header inert.
    assert_eq!(hostile.errors.len(), BROKEN.len());
    let status = &hostile.errors["Broken status"];
    assert!(
        status.contains("503") && status.contains(LOOKALIKE),
        "{status}"
    );
    let page = &hostile.errors["Broken page"];
    assert!(page.contains("https://evil.example/feed"), "{page}");
    drop(runtime);
}
