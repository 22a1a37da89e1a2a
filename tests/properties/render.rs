//! HTML rendering: hostile fragments and arbitrary text render without a panic, inert, and within
//! the width.

use proptest::prelude::*;

use crate::{config, hostile_text, render_checks};

fn html_fragment() -> impl Strategy<Value = String> {
    let tag = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<i>",
        "<pre>",
        "</pre>",
        "<code>",
        "<blockquote>",
        "</blockquote>",
        "<ul>",
        "<ol>",
        "<li>",
        "</ul>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<h1>",
        "</h1>",
        "<br>",
        "<hr>",
        "<a href=\"https://e.org/x\">",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"/rel\">",
        "</a>",
        "<img src=\"x.png\" alt=\"pic\">",
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        "&amp;",
        "&lt;",
        "&#x1b;[2J",
        "&#27;",
        "&#x202e;",
        "<![CDATA[x]]>",
        "<!-- c -->",
        "<",
        ">",
        "\t",
        "\n",
    ]);
    prop::collection::vec(
        prop_oneof![tag.prop_map(str::to_string), hostile_text(), "[a-z ]{1,12}"],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn render_html_survives_and_stays_inert(html in html_fragment(), width in 0u16..160) {
        render_checks(&html, width);
    }

    #[test]
    fn render_html_survives_arbitrary_text(html in any::<String>(), width in 0u16..120) {
        render_checks(&html, width);
    }
}
