//! Rendering article HTML to styled lines, and the sanitiser that keeps network text inert.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use ratatui::style::Modifier;
use ratatui::text::Line;
use tidings::render::{RenderedBody, clean, clean_line, html_to_text, render_html};
use url::Url;

fn texts(body: &RenderedBody) -> Vec<String> {
    body.lines.iter().map(line_text).collect()
}

fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// The style of the span containing `needle`.
fn modifier_of(body: &RenderedBody, needle: &str) -> Modifier {
    body.lines
        .iter()
        .flat_map(|l| l.spans.iter())
        .find(|s| s.content.contains(needle))
        .map(|s| s.style.add_modifier)
        .unwrap_or_else(|| panic!("{needle:?} not rendered: {:#?}", texts(body)))
}

fn assert_fits(body: &RenderedBody, width: usize) {
    for line in &body.lines {
        assert!(
            line.width() <= width,
            "line wider than {width}: {:?}",
            line_text(line)
        );
    }
}

/// The contract's forbidden set, written out independently of the implementation.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

#[test]
fn paragraphs_and_headings() {
    let body = render_html(
        "<h1>Seminar held</h1><p>First paragraph.</p><p>Second <b>bold</b> <em>it</em>.</p>",
        40,
        None,
    );
    assert_eq!(
        texts(&body),
        [
            "Seminar held",
            "",
            "First paragraph.",
            "",
            "Second bold it."
        ]
    );
    assert!(modifier_of(&body, "Seminar").contains(Modifier::BOLD));
    assert!(modifier_of(&body, "bold").contains(Modifier::BOLD));
    assert!(modifier_of(&body, "it").contains(Modifier::ITALIC));
    assert!(modifier_of(&body, "First").is_empty());
}

#[test]
fn lists() {
    let body = render_html(
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>",
        40,
        None,
    );
    assert_eq!(texts(&body), ["* one", "* two", "1. first", "2. second"]);
}

#[test]
fn blockquote_is_barred_and_styled() {
    let body = render_html("<blockquote><p>said so</p></blockquote>", 40, None);
    assert_eq!(texts(&body), ["│ said so"]);
    let m = modifier_of(&body, "said");
    assert!(m.contains(Modifier::DIM) && m.contains(Modifier::ITALIC));
}

#[test]
fn code_and_pre() {
    let body = render_html(
        "<p>call <code>f(x)</code> now</p><pre>fn main() {\n    go();\n}</pre>",
        40,
        None,
    );
    assert_eq!(
        texts(&body),
        ["call f(x) now", "", "fn main() {", "    go();", "}"]
    );
    assert!(modifier_of(&body, "f(x)").contains(Modifier::DIM));
    assert!(modifier_of(&body, "go();").contains(Modifier::DIM));
    assert!(!modifier_of(&body, "call").contains(Modifier::DIM));
}

#[test]
fn table() {
    let body = render_html(
        "<table><tr><th>Name</th><th>Views</th></tr><tr><td>Seminar</td><td>1532</td></tr></table>",
        40,
        None,
    );
    let t = texts(&body);
    assert!(
        t.iter().any(|l| l.contains("Name") && l.contains("Views")),
        "{t:#?}"
    );
    assert!(
        t.iter()
            .any(|l| l.contains("Seminar") && l.contains("1532")),
        "{t:#?}"
    );
    assert!(t.iter().any(|l| l.contains('─')), "{t:#?}");
}

#[test]
fn images_become_placeholders() {
    let body = render_html(
        r#"<p><img src="../../images/a.jpg" alt="Campus gate"> <img src="b.png"></p>"#,
        60,
        None,
    );
    assert_eq!(texts(&body), ["[image: Campus gate] [image]"]);
}

#[test]
fn links_are_numbered_listed_and_resolved() {
    let base = Url::parse("https://example.edu/info/1141/2024.htm").unwrap();
    let body = render_html(
        r#"<p>See <a href="../../news/1.htm">the news</a> and <a href="https://other.org/x">this</a>.</p>"#,
        60,
        Some(&base),
    );
    assert_eq!(
        body.links,
        ["https://example.edu/news/1.htm", "https://other.org/x"]
    );
    assert_eq!(
        texts(&body),
        [
            "See the news[1] and this[2].",
            "",
            "[1] https://example.edu/news/1.htm",
            "[2] https://other.org/x",
        ]
    );
    assert!(modifier_of(&body, "the news").contains(Modifier::UNDERLINED));
    assert!(modifier_of(&body, "https://other.org/x").contains(Modifier::UNDERLINED));
}

#[test]
fn relative_links_without_base_stay_as_written() {
    let body = render_html(r#"<a href="/a b">x</a>"#, 40, None);
    assert_eq!(body.links, ["/a b"]);
}

#[test]
fn width_is_respected() {
    let html = "<h2>A heading that is long enough to wrap several times over</h2>\
        <p>Words words words words words words words words words words words.</p>\
        <ul><li>a list item that also wraps around</li></ul>\
        <blockquote><blockquote><p>nested quote text that wraps</p></blockquote></blockquote>\
        <pre>a_very_long_preformatted_line_without_any_spaces_at_all_in_it</pre>\
        <table><tr><td>cell one text</td><td>cell two text</td><td>three</td></tr></table>\
        <p><a href='https://example.org/a/really/long/url/that/needs/wrapping'>l</a></p>\
        <p>你好世界，这是一个很长的中文句子，需要换行显示。</p>";
    for width in [2u16, 3, 5, 10, 17, 40, 80] {
        let body = render_html(html, width, None);
        assert_fits(&body, usize::from(width));
        assert!(!body.lines.is_empty());
    }
}

#[test]
fn tiny_widths_do_not_panic() {
    let html = "<ol start=99999><li><table><tr><td>x</td><td>你</td></tr></table></li></ol>";
    assert!(render_html(html, 0, None).lines.is_empty());
    let body = render_html(html, 1, None);
    assert!(!body.lines.is_empty());
}

#[test]
fn inputs_that_panic_html2text_still_render() {
    // An unchecked add on the start number (debug builds).
    let body = render_html(
        "<ol start=\"9223372036854775807\"><li>a</li><li>b</li></ol>",
        40,
        None,
    );
    assert_eq!(texts(&body), ["1. a", "2. b"]);
    // An unwrap in html2text's table layout on this colspan/rowspan mix.
    let body = render_html(
        "<table><td colspan=\"2\">a<td rowspan=\"2\">b</table>",
        40,
        None,
    );
    let t = texts(&body);
    assert!(
        t.iter().any(|l| l.contains('─')),
        "fell back to plain text: {t:?}"
    );
}

#[test]
fn cjk_text() {
    let body = render_html("<p>你好世界，这是中文。</p>", 10, None);
    assert_eq!(texts(&body), ["你好世界，", "这是中文。"]);
    assert_fits(&body, 10);
    assert_eq!(html_to_text("<p>中文 <b>粗体</b></p>"), "中文 粗体");
}

#[test]
fn html_to_text_is_plain() {
    let text = html_to_text(
        "<h1>T</h1><p>a <a href='x'>link</a> <img src='p.png' alt='pic'></p><blockquote>q</blockquote>",
    );
    assert_eq!(text, "T\n\na link [image: pic]\n\n> q");
}

#[test]
fn clean_control_characters() {
    let c0: String = (0u8..0x20).map(char::from).collect();
    assert_eq!(clean(&format!("a{c0}b\u{7f}c")), "a\t\nbc");
    let c1: String = ('\u{80}'..='\u{9f}')
        .filter(|c| !matches!(c, '\u{90}' | '\u{98}' | '\u{9b}' | '\u{9d}'..='\u{9f}'))
        .collect();
    assert_eq!(clean(&format!("a{c1}b")), "ab");
    assert_eq!(clean("a\r\nb"), "a\nb");
}

#[test]
fn clean_escape_sequences() {
    let cases = [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1b[?1049hx", "x"),
        ("\x1b]0;evil title\x07after", "after"),
        ("\x1b]2;evil title\x1b\\after", "after"),
        (
            "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
            "click",
        ),
        ("\x1b]52;c;ZXZpbA==\x07copied", "copied"),
        ("\x1bPq#0;2;0;0;0\x1b\\dcs", "dcs"),
        ("\x1b_apc payload\x1b\\apc", "apc"),
        ("\x1b^pm\x1b\\pm", "pm"),
        ("\x1bXsos\x1b\\sos", "sos"),
        ("\x1b7saved\x1b8", "saved"),
        ("\x1b(0box\x1b(B", "box"),
        ("\x1b#8align", "align"),
        ("\u{9b}31mcsi8", "csi8"),
        ("\u{9d}0;title\u{9c}osc8", "osc8"),
        ("\u{90}dcs8\u{9c}x", "x"),
        ("\u{9d}8;;http://e\x07link", "link"),
        ("unterminated\x1b]0;never ends", "unterminated"),
        ("trailing\x1b", "trailing"),
        ("\x1b\x1b[31mx", "x"),
    ];
    for (input, want) in cases {
        assert_eq!(clean(input), want, "input {input:?}");
    }
}

#[test]
fn clean_bidi_and_zero_width() {
    assert_eq!(
        clean("a\u{202e}txt.exe\u{202c}b\u{2066}c\u{2069}\u{200e}\u{200f}\u{061c}d"),
        "atxt.exebcd"
    );
    assert_eq!(
        clean("zero\u{200b}width\u{2060}join\u{feff}"),
        "zerowidthjoin"
    );
    // ZWJ emoji sequences and ZWNJ stay.
    assert_eq!(
        clean("👨\u{200d}👩\u{200d}👧 می\u{200c}خواهم"),
        "👨\u{200d}👩\u{200d}👧 می\u{200c}خواهم"
    );
}

#[test]
fn clean_line_collapses_whitespace() {
    assert_eq!(
        clean_line("  Breaking:\n\tnews \x1b[1m now\u{2028}here  "),
        "Breaking: news now here"
    );
}

#[test]
fn rendered_payloads_are_inert() {
    let html = "<h1>\x1b]0;pwned\x07Title</h1><p>a&#27;[31mb &#x9b;2Jc \u{202e}d\
        <a href=\"http://e/\x1b[5m\">l&#x1b;]8;;x&#7;</a></p><img alt='\x1b[2Jcat'>";
    let body = render_html(html, 40, None);
    for line in &body.lines {
        for c in line_text(line).chars() {
            assert!(!forbidden(c), "{c:?} in {:?}", texts(&body));
        }
    }
    for link in &body.links {
        assert!(!link.chars().any(forbidden));
    }
    assert_eq!(texts(&body)[0], "Title");
    assert!(
        !html_to_text(html)
            .chars()
            .any(|c| forbidden(c) && c != '\n')
    );
}

/// Runs `f` on a thread with an ordinary 2 MiB stack, failing if it takes over a minute.
fn run_with_normal_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || tx.send(f()))
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("rendering took over a minute or died")
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let started = Instant::now();
    let body = run_with_normal_stack(|| {
        let n = 100_000;
        let html = format!(
            "{}deep text{}<ul><li><b>item</b></li></ul>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        render_html(&html, 80, None)
    });
    // The list prefix and the bold item show html2text rendered it (not the plain fallback).
    assert_eq!(texts(&body), ["deep text", "* item"]);
    assert!(modifier_of(&body, "item").contains(Modifier::BOLD));
    let body = run_with_normal_stack(|| {
        let html = "<blockquote><ul><li><table><tr><td>".repeat(20_000) + "x";
        render_html(&html, 80, None)
    });
    assert!(texts(&body).iter().any(|l| l.contains('x')));
    assert_fits(&body, 80);
    let text = run_with_normal_stack(|| html_to_text(&"<span><b>".repeat(50_000)));
    assert_eq!(text, "");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn huge_input_finishes_fast() {
    let para = "<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit.</p>\n";
    let html = para.repeat(10 * 1024 * 1024 / para.len() + 1);
    assert!(html.len() > 10 * 1024 * 1024);
    let started = Instant::now();
    let body = render_html(&html, 80, None);
    let took = started.elapsed();
    assert!(!body.lines.is_empty());
    // Generous for unoptimised test builds on a shared machine; release is far faster.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn clean_removes_every_forbidden_char(s in any::<String>()) {
        let out = clean(&s);
        prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", s, out);
        let line = clean_line(&s);
        prop_assert!(!line.chars().any(|c| forbidden(c) || c == '\n' || c == '\t'));
    }

    #[test]
    fn clean_is_idempotent(s in any::<String>()) {
        let once = clean(&s).into_owned();
        let twice = clean(&once);
        prop_assert_eq!(twice.as_ref(), once.as_str());
    }

    #[test]
    fn clean_keeps_plain_text(s in "[a-zA-Z0-9 .,;:!?你好é\n\t-]*") {
        let same = clean(&s);
        prop_assert_eq!(same.as_ref(), s.as_str());
    }

    #[test]
    fn render_never_panics_and_emits_no_controls(
        html in r#"(<(p|div|b|i|a href="[^"]{0,8}"|img alt="[^"]{0,8}"|ul|li|ol|table|tr|td|pre|blockquote|h1|code)>|</(p|div|b|a|ul|li|ol|table|tr|td|pre|blockquote|h1|code)>|&#[0-9]{1,6};|[^<&]{0,12}|\PC{0,4}|[\x00-\x1f\x7f-\u{9f}])*"#,
        width in 0u16..120,
    ) {
        let body = render_html(&html, width, None);
        for line in &body.lines {
            let text = line_text(line);
            prop_assert!(!text.chars().any(|c| c.is_control() || forbidden(c)), "{:?}", text);
            if width >= 2 {
                prop_assert!(line.width() <= usize::from(width), "{:?} wider than {}", text, width);
            }
        }
        prop_assert!(!html_to_text(&html).chars().any(|c| forbidden(c) && c != '\n'));
    }

    #[test]
    fn render_never_panics_on_arbitrary_text(s in any::<String>(), width in 0u16..100) {
        let body = render_html(&s, width, None);
        prop_assert!(body.lines.iter().all(|l| !line_text(l).chars().any(char::is_control)));
    }
}
