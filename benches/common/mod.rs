//! Deterministic text for the criterion benches: titles, sentences and HTML article bodies in
//! English and Chinese, and a way to stop a bench whose setup failed. Touches no library state.
// Each bench uses a part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;

/// xorshift64: deterministic and fast; quality is beside the point here.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A size between `min` and `max`, log-uniform (as many small bodies as large ones per decade).
    pub fn log_size(&mut self, min: usize, max: usize) -> usize {
        let u = self.below(10_000) as f64 / 10_000.0;
        (min as f64 * (max as f64 / min as f64).powf(u)) as usize
    }
}

#[rustfmt::skip]
const ENGLISH: &[&str] = &[
    "the", "of", "and", "to", "in", "for", "on", "with", "at", "from", "by", "new", "report",
    "students", "college", "seminar", "digital", "skills", "network", "meeting", "research",
    "campus", "library", "compiler", "market", "energy", "climate", "release", "policy",
    "government", "university", "international", "conference", "science", "technology",
    "economy", "council", "health", "water", "teachers", "program", "project", "community",
    "festival", "museum", "delegation", "cooperation", "agreement", "workshop", "lecture",
    "innovation", "software", "security", "browser", "kernel", "database", "server", "storage",
    "battery", "railway", "harbour", "election", "budget", "hospital", "orchestra", "archive",
    "satellite", "telescope", "river", "harvest", "weather", "volunteers", "startup", "robotics",
];

#[rustfmt::skip]
const CHINESE: &[&str] = &[
    "学院", "新闻", "国际", "会议", "研讨会", "技能", "数字化", "学生", "教师", "交流", "合作",
    "举行", "召开", "开展", "活动", "培训", "讲座", "论坛", "比赛", "获奖", "创新", "发展",
    "建设", "质量", "教学", "科研", "项目", "企业", "校园", "文化", "志愿者", "社会", "服务",
    "实践", "代表团", "访问", "签约", "仪式", "毕业", "就业", "技术", "工程", "智能", "制造",
    "数据", "网络", "安全", "人工智能", "乡村振兴", "产教融合", "高质量发展",
];

/// One sentence of `words` words: capitalised Latin ending in ". ", or Chinese ending in "。".
pub fn sentence(rng: &mut Rng, out: &mut String, words: usize, chinese: bool) {
    for i in 0..words {
        if chinese {
            out.push_str(CHINESE[rng.below(CHINESE.len())]);
            if i + 1 < words && rng.chance(15) {
                out.push('，');
            }
            continue;
        }
        if i > 0 {
            out.push(' ');
        }
        let word = ENGLISH[rng.below(ENGLISH.len())];
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(word);
        }
    }
    out.push_str(if chinese { "。" } else { ". " });
}

/// A headline of 5–12 words (Chinese: 5–12 words of two to five characters), no final stop.
pub fn title(rng: &mut Rng, chinese: bool) -> String {
    let mut t = String::new();
    let words = 5 + rng.below(8);
    sentence(rng, &mut t, words, chinese);
    t.trim_end_matches([' ', '.', '。']).to_owned()
}

/// An article body of at least `bytes` bytes of HTML as feeds and CMS editors write it:
/// paragraphs with inline links and emphasis, and now and then a heading, a list, a quote, an
/// image, a code block or a small table. `n` makes the links of different articles differ.
pub fn html_body(rng: &mut Rng, bytes: usize, chinese: bool, n: usize) -> String {
    let mut html = String::with_capacity(bytes + 512);
    while html.len() < bytes {
        match rng.below(16) {
            0 => {
                html.push_str("<h2>");
                let words = 3 + rng.below(5);
                sentence(rng, &mut html, words, chinese);
                html.push_str("</h2>\n");
            }
            1 => {
                html.push_str("<ul>\n");
                for _ in 0..2 + rng.below(4) {
                    html.push_str("<li>");
                    let words = 4 + rng.below(6);
                    sentence(rng, &mut html, words, chinese);
                    html.push_str("</li>\n");
                }
                html.push_str("</ul>\n");
            }
            2 => {
                html.push_str("<blockquote><p>");
                let words = 10 + rng.below(10);
                sentence(rng, &mut html, words, chinese);
                html.push_str("</p></blockquote>\n");
            }
            3 => {
                let _ = writeln!(
                    html,
                    "<p><img src=\"/images/{n}-{}.jpg\" alt=\"Photo {n}\" width=\"600\"></p>",
                    rng.below(100)
                );
            }
            4 if !chinese => {
                html.push_str("<pre><code>fn main() {\n    let total = items.iter().map(|i| i.len()).sum::&lt;usize&gt;();\n    println!(\"{total}\");\n}</code></pre>\n");
            }
            5 => {
                html.push_str("<table><tr><th>Item</th><th>Count</th></tr>");
                for row in 0..2 + rng.below(3) {
                    let _ = write!(
                        html,
                        "<tr><td>Row {row}</td><td>{}</td></tr>",
                        rng.below(999)
                    );
                }
                html.push_str("</table>\n");
            }
            _ => {
                html.push_str("<p>");
                for s in 0..2 + rng.below(4) {
                    let words = 8 + rng.below(14);
                    sentence(rng, &mut html, words, chinese);
                    if s == 0 && rng.chance(40) {
                        let _ = write!(
                            html,
                            "<a href=\"https://news.example.org/{n}/{}\">read <em>more</em></a> &amp; <strong>see details</strong>. ",
                            rng.below(1000)
                        );
                    }
                }
                html.push_str("</p>\n");
            }
        }
    }
    html
}

/// `&`, `<`, `>` and `"` as entities, for text inside XML or HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The value, or the error on stderr and exit status 1: a bench whose input is broken must stop
/// rather than time an error path.
pub fn or_exit<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => {
            eprintln!("{what}: {err}");
            std::process::exit(1)
        }
    }
}

/// Stops the bench when a check of its input fails (see [`or_exit`]).
pub fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("bench input check failed: {what}");
        std::process::exit(1);
    }
}
