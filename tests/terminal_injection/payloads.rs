//! The hostile payloads, how they are written into the feed documents (raw, as character
//! references, as escaped HTML, as JSON), and the test server and config that serve them.

use std::path::Path;

use crate::common::{Reply, Request};

/// Text that looks like an escape sequence but has no ESC: shown as it is.
pub(crate) const LOOKALIKE: &str = "{[31m]0;inert^[[2J}";

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
pub(crate) const OSC8_TEXT: &str = "click";

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
pub(crate) fn answer(request: &Request) -> Reply {
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
pub(crate) const TITLES: &[&str] = &[
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
pub(crate) const BROKEN: &[&str] = &[
    "Broken page",
    "Broken status",
    "Broken redirect",
    "Broken header",
];

pub(crate) fn config(port: u16, variant: &str) -> String {
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
