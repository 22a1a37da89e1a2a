//! Rendering throughput (issue 6): `tidings::render::render_html` (HTML → styled lines, the reader
//! pane's work per article) at widths 80 and 120 over bodies of 1, 8 and 64 KB (and 8 KB of
//! Chinese), and the sanitiser `tidings::render::clean` over 64 KB of clean text and of hostile
//! text (escape sequences, C1 controls, bidi overrides, zero-width characters). Reports MiB/s.
//!
//! `cargo bench --bench render [-- --warm-up-time 1 --measurement-time 3]`

mod common;

use std::borrow::Cow;
use std::hint::black_box;

use common::{Rng, check, html_body, or_exit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::render::{clean, render_html};
use url::Url;

const WIDTHS: [u16; 2] = [80, 120];

/// Hostile pieces as feeds have carried them: colour and cursor escapes, an OSC 8 hyperlink, an
/// OSC 52 clipboard write, 8-bit CSI, a C1 control, bidi overrides and isolates, zero-width
/// characters, a BOM and a bell.
const HOSTILE: &[&str] = &[
    "\u{1b}[31;1m",
    "\u{1b}[0m",
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}]8;;https://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}]52;c;ZWNobyBwd25lZA==\u{07}",
    "\u{9b}6n",
    "\u{85}",
    "\u{202e}txt.exe\u{202c}",
    "\u{2066}isolated\u{2069}",
    "\u{200b}",
    "\u{feff}",
    "\u{07}",
    "\r",
];

/// Plain text of about `bytes` bytes from an HTML body: what feeds put in titles and summaries.
fn plain_text(rng: &mut Rng, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 1024);
    let mut n = 0;
    while text.len() < bytes {
        let chinese = rng.chance(25);
        let html = html_body(rng, 2048, chinese, n);
        let mut inside = false;
        text.extend(html.chars().filter(|&c| match c {
            '<' => {
                inside = true;
                false
            }
            '>' => {
                inside = false;
                false
            }
            _ => !inside,
        }));
        n += 1;
    }
    text
}

/// `text` with a hostile piece after roughly every 200 bytes.
fn hostile(rng: &mut Rng, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, c) in text.chars().enumerate() {
        out.push(c);
        if i % 200 == 199 {
            out.push_str(HOSTILE[rng.below(HOSTILE.len())]);
        }
    }
    out
}

fn bench_render(c: &mut Criterion) {
    let mut rng = Rng::new(0x4e4d);
    let base = or_exit(Url::parse("https://news.example.org/2025/06/"), "base URL");
    let bodies = [
        ("en_1KB", html_body(&mut rng, 1024, false, 1)),
        ("en_8KB", html_body(&mut rng, 8 * 1024, false, 2)),
        ("en_64KB", html_body(&mut rng, 64 * 1024, false, 3)),
        ("zh_8KB", html_body(&mut rng, 8 * 1024, true, 4)),
    ];
    let mut group = c.benchmark_group("render_html");
    for width in WIDTHS {
        for (name, html) in &bodies {
            let rendered = render_html(html, width, Some(&base));
            check(
                rendered.lines.len() > html.len() / 200
                    && rendered
                        .lines
                        .iter()
                        .all(|l| l.width() <= usize::from(width)),
                &format!("{name} at width {width}: lines, none too wide"),
            );
            group.throughput(Throughput::Bytes(html.len() as u64));
            group.bench_function(format!("w{width}/{name}"), |b| {
                b.iter(|| render_html(black_box(html), width, Some(&base)))
            });
        }
    }
    group.finish();

    let text = plain_text(&mut rng, 64 * 1024);
    let bad = hostile(&mut rng, &text);
    check(
        matches!(clean(&text), Cow::Borrowed(_)),
        "clean text is passed through",
    );
    let cleaned = clean(&bad);
    check(
        !cleaned.contains(['\u{1b}', '\u{9b}', '\u{202e}', '\u{200b}', '\r']),
        "hostile text is cleaned",
    );
    let mut group = c.benchmark_group("clean");
    for (name, input) in [("clean_64KB", &text), ("hostile_64KB", &bad)] {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| b.iter(|| clean(black_box(input))));
    }
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
