//! The scanner reads text and CDATA sections itself (`Scanner::read_text_run`); what it keeps
//! must be what quick-xml's events give for the same document.

use super::*;
use crate::parse::text::trimmed;
use proptest::prelude::*;

/// The text of `doc` as quick-xml's events give it, references resolved as the scanner
/// resolves them.
fn text_by_events(doc: &str) -> String {
    let mut reader = Reader::from_str(doc);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut text = String::new();
    let mut errors = 0;
    loop {
        let before = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Text(t)) => text.push_str(&t),
            Ok(Event::CData(c)) => text.push_str(&c),
            Ok(Event::GeneralRef(r)) => push_reference(&mut text, &r),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => {
                errors += 1;
                if errors > 64 || reader.buffer_position() <= before {
                    break;
                }
            }
        }
    }
    text
}

/// The body of an item's `content:encoded` as the scanner keeps it.
fn scanned_body(body: &str) -> (String, String) {
    let doc = format!(
        "<rss><channel><item><content:encoded>{body}</content:encoded></item></channel></rss>"
    );
    let feed = scan(&doc, None);
    let kept = feed
        .items
        .first()
        .and_then(|item| item.content.clone())
        .unwrap_or_default();
    (kept, trimmed(text_by_events(&doc)))
}

#[test]
fn references_cdata_and_markup_read_as_quick_xml_reads_them() {
    let cases = [
        (
            "&lt;p&gt;Caf&eacute; &amp; more&#x2026;&lt;/p&gt;",
            "<p>Café & more…</p>",
        ),
        ("a & b &c;d && e;", "a & b &c;d && e;"),
        ("x<![CDATA[<b>&amp;</b>]]>y", "x<b>&amp;</b>y"),
        ("one<b>two &#65;</b>three", "onetwo Athree"),
        ("&#0; &#xD800; &#; &nbsp;x", "&#0; &#xD800; &#; \u{a0}x"),
    ];
    for (body, expected) in cases {
        let (kept, by_events) = scanned_body(body);
        assert_eq!(kept, expected, "{body}");
        assert_eq!(kept, by_events, "{body}");
    }
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        " ",
        "\n",
        "中",
        "é",
        ";",
        "&",
        "#",
        ">",
        "]]>",
        "&lt;",
        "&gt;",
        "&amp;",
        "&#x41;",
        "&#65;",
        "&#0;",
        "&#xD800;",
        "&#;",
        "&nbsp;",
        "&eacute;",
        "&bogus;",
        "&&;",
        "& ;",
        "&#x4e2d;",
        "<![CDATA[",
        "<![CDATA[x &amp; <y>]]>",
        "<b>",
        "</b>",
        "<br/>",
        "</i>",
        "<!-- c -->",
        "<?pi x?>",
        "< ",
        "<",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_runs_match_quick_xml_events(tokens in prop::collection::vec(token(), 0..40)) {
        let body = tokens.concat();
        let (kept, by_events) = scanned_body(&body);
        prop_assert_eq!(kept, by_events, "body: {:?}", body);
    }
}
