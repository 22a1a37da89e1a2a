//! The hostile server: the bodies it serves (compression bombs, huge and deeply nested documents,
//! broken and mislabelled encodings, good feeds) and the scripted answer on each case's path.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::hostile::{self, HostileServer, Reply, Step};
use crate::{DEPTH, GOOD_FEEDS, GOOD_ITEMS, MANY_ITEMS, XML_DEPTH, common};

fn head(extra: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n{extra}\r\n").into_bytes()
}

fn rss_items(title: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link><description>d</description>{items}</channel></rss>"
    )
}

/// A gzip bomb: 64 MiB of blanks inside a feed, about 64 KiB on the wire.
fn gzip_bomb() -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(b"<rss version=\"2.0\"><channel><title>bomb</title>");
    let blanks = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        let _ = encoder.write_all(&blanks);
    }
    encoder.finish().expect("gzip")
}

/// A brotli bomb: 64 MiB of blanks inside a feed, a few KiB on the wire.
fn brotli_bomb() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 1, 22);
        let _ = writer.write_all(b"<rss version=\"2.0\"><channel><title>bomb</title>");
        let blanks = vec![b' '; 1024 * 1024];
        for _ in 0..64 {
            let _ = writer.write_all(&blanks);
        }
    }
    out
}

/// Bodies built once and shared by every request.
struct Bodies {
    many_items: Arc<Vec<u8>>,
    huge_title: Arc<Vec<u8>>,
    deep_html: Arc<Vec<u8>>,
    deep_markup: Arc<Vec<u8>>,
    gzip_bomb: Arc<Vec<u8>>,
    brotli_bomb: Arc<Vec<u8>>,
    good: Vec<Arc<Vec<u8>>>,
}

fn huge_title_feed() -> Vec<u8> {
    let mut body = Vec::with_capacity(52 * 1024 * 1024);
    body.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>huge</title>\
          <link>https://example.org/</link><description>d</description><item><title>",
    );
    body.resize(body.len() + 50 * 1024 * 1024, b'T');
    body.extend_from_slice(
        b"</title><link>https://example.org/huge/1</link><guid>huge-1</guid></item>\
          <item><title>a normal title</title><link>https://example.org/huge/2</link></item>\
          </channel></rss>",
    );
    body
}

fn bodies() -> Bodies {
    let gzip = std::thread::spawn(gzip_bomb);
    let brotli = std::thread::spawn(brotli_bomb);
    let mut items = String::with_capacity(MANY_ITEMS * 70);
    for i in 0..MANY_ITEMS {
        items.push_str(&format!(
            "<item><title>many {i}</title><link>http://e.org/m/{i}</link></item>"
        ));
    }
    let many_items = rss_items("many", &items).into_bytes();
    let deep = format!(
        "<item><title>deep</title><link>https://example.org/deep/1</link><description><![CDATA[{}deep text{}]]></description></item>\
         <item><title>shallow</title><link>https://example.org/deep/2</link><description>fine</description></item>",
        "<div>".repeat(DEPTH),
        "</div>".repeat(DEPTH)
    );
    Bodies {
        many_items: Arc::new(many_items),
        huge_title: Arc::new(huge_title_feed()),
        deep_html: Arc::new(rss_items("deep", &deep).into_bytes()),
        deep_markup: Arc::new(deep_markup()),
        gzip_bomb: Arc::new(gzip.join().expect("gzip bomb")),
        brotli_bomb: Arc::new(brotli.join().expect("brotli bomb")),
        good: (1..=GOOD_FEEDS)
            .map(|n| Arc::new(common::rss(&format!("good{n}"), GOOD_ITEMS).into_bytes()))
            .collect(),
    }
}

/// Unescaped markup nested 400,000 deep inside a description: every level has text, so a parser
/// that hands each element's text up to its parent copies it 400,000 times (quadratic).
fn deep_markup() -> Vec<u8> {
    rss_items(
        "deep markup",
        &format!(
            "<item><title>nested</title><link>https://example.org/n/1</link><description>{}{}</description></item>",
            "<a>xxxxx".repeat(XML_DEPTH),
            "</a>".repeat(XML_DEPTH)
        ),
    )
    .into_bytes()
}

/// A UTF-8 document with a few invalid sequences: a stray byte, a cut character, an overlong
/// encoding. The rest must read as the UTF-8 it is.
fn bad_utf8() -> Vec<u8> {
    let mut doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
        <title>Nachrichten · 新闻</title>"
        .as_bytes()
        .to_vec();
    doc.extend_from_slice(
        b"<item><title>caf\xc3\xa9 \xff broken</title><link>https://example.org/u/1</link>",
    );
    doc.extend_from_slice(
        "<description>Grüße aus Zürich, 学院新闻</description></item>".as_bytes(),
    );
    doc.extend_from_slice(
        b"<item><title>half \xe6\x96 char</title><link>https://example.org/u/2</link></item>",
    );
    doc.extend_from_slice(
        "<item><title>fine 新闻</title><link>https://example.org/u/3</link>".as_bytes(),
    );
    doc.extend_from_slice(b"<description>\xc0\xaf overlong</description></item></channel></rss>");
    doc
}

/// GBK bytes behind a header that says UTF-8, and no prolog encoding.
fn gbk_labelled_utf8() -> Vec<u8> {
    let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>新闻中心</title>\
        <item><title>学院召开国际交流会议</title><link>https://example.org/g/1</link></item>\
        <item><title>图书馆开放时间调整通知</title><link>https://example.org/g/2</link></item>\
        </channel></rss>";
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn utf8_labelled_latin1() -> Vec<u8> {
    rss_items(
        "Café",
        "<item><title>Über die Brücke: café crème</title><link>https://example.org/l/1</link></item>\
         <item><title>naïve résumé</title><link>https://example.org/l/2</link></item>",
    )
    .into_bytes()
}

fn html_page() -> Vec<u8> {
    b"<!DOCTYPE html><html><head><title>News</title>\
      <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/real-feed.xml\"></head>\
      <body><h1>News</h1><p>Hello</p></body></html>"
        .to_vec()
}

fn handler(bodies: Bodies) -> impl Fn(&hostile::Request) -> Reply {
    let xml = "application/rss+xml";
    move |req: &hostile::Request| match req.path.as_str() {
        "/endless" => Reply::Script(vec![
            Step::Send(head("Connection: close\r\n")),
            Step::Send(b"<rss version=\"2.0\"><channel><title>endless</title>".to_vec()),
            Step::Forever {
                chunk: b"<item><title>more</title></item>".repeat(2048),
                every: Duration::ZERO,
            },
        ]),
        "/drip" => Reply::Script(vec![
            Step::Send(head("Content-Length: 100000\r\n")),
            Step::Forever {
                chunk: b"<".to_vec(),
                every: Duration::from_secs(1),
            },
        ]),
        "/gzip-bomb" => Reply::Full {
            status: 200,
            headers: vec![
                ("Content-Type".into(), xml.into()),
                ("Content-Encoding".into(), "gzip".into()),
            ],
            body: Arc::clone(&bodies.gzip_bomb),
        },
        "/brotli-bomb" => Reply::Full {
            status: 200,
            headers: vec![
                ("Content-Type".into(), xml.into()),
                ("Content-Encoding".into(), "br".into()),
            ],
            body: Arc::clone(&bodies.brotli_bomb),
        },
        "/loop/a" => Reply::redirect("/loop/b"),
        "/loop/b" => Reply::redirect("/loop/a"),
        "/to-file" => Reply::redirect("file:///etc/passwd"),
        "/headers-forever" => Reply::Script(vec![
            Step::Send(b"HTTP/1.1 200 OK\r\n".to_vec()),
            Step::Forever {
                chunk: b"X-Slow: still coming\r\n".to_vec(),
                every: Duration::from_millis(250),
            },
        ]),
        "/ten-gigabytes" => Reply::Script(vec![
            Step::Send(head("Content-Length: 10737418240\r\n")),
            Step::Send(b"<rss version=\"2.0\"><channel><title>short</title>".to_vec()),
            Step::Sleep(Duration::from_secs(10)),
        ]),
        "/rate-limited" => Reply::with_headers(
            429,
            &[("Retry-After", "120"), ("Content-Type", "text/plain")],
            "slow down",
        ),
        "/page.html" => Reply::ok("text/html; charset=utf-8", html_page()),
        "/many-items" => Reply::shared(xml, Arc::clone(&bodies.many_items)),
        "/huge-title" => Reply::shared(xml, Arc::clone(&bodies.huge_title)),
        "/deep-html" => Reply::shared(xml, Arc::clone(&bodies.deep_html)),
        "/deep-markup" => Reply::shared(xml, Arc::clone(&bodies.deep_markup)),
        "/bad-utf8" => Reply::ok("application/rss+xml; charset=utf-8", bad_utf8()),
        "/gbk-as-utf8" => Reply::ok("text/xml; charset=utf-8", gbk_labelled_utf8()),
        "/utf8-as-latin1" => Reply::ok("text/xml; charset=iso-8859-1", utf8_labelled_latin1()),
        "/not-http" => Reply::Script(vec![Step::Send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]),
        "/hang-up" => Reply::Script(Vec::new()),
        path => match path
            .strip_prefix("/good/")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| bodies.good.get(n.wrapping_sub(1)))
        {
            Some(body) => Reply::shared(xml, Arc::clone(body)),
            None => Reply::status(404),
        },
    }
}

pub(crate) fn start_server() -> HostileServer {
    HostileServer::start(handler(bodies()))
}
