//! Config loading and imports: TOML-like and OPML-like input never panics, and what is accepted
//! holds only web and file URLs and clean text.

use std::path::Path;

use proptest::prelude::*;
use url::Url;

use crate::{assert_safe, config};

fn toml_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[fetch]\n",
        "[keys]\n",
        "[theme]\n",
        "[refresh]\n",
        "[retention]\n",
        "[[source]]\n",
        "[source.rules.list]\n",
        "url = \"https://a.example/\"\n",
        "url = \"exec:/bin/sh\"\n",
        "name = \"A\"\n",
        "kind = \"page\"\n",
        "kind = \"json\"\n",
        "kind = \"hackernews\"\n",
        "preset = \"vsb\"\n",
        "item = \"li[[\"\n",
        "category = [\"a\", \"b\"]\n",
        "timeout = \"3s\"\n",
        "timeout = 3\n",
        "max_body = \"64MiB\"\n",
        "max_body = \"99999999999999GiB\"\n",
        "concurrency = 0\n",
        "j = \"quit\"\n",
        "\"ctrl-x\" = \"explode\"\n",
        "every = \"-1s\"\n",
        "x = \n",
        "[[",
        "]]",
        "\"",
        "=",
        "\n",
        "# comment\n",
        "\u{1b}[2J",
        "\u{feff}",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_string), any::<String>()],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn config_from_toml_never_panics(text in toml_like()) {
        let path = Path::new("/tmp/tidings-prop/config.toml");
        match tidings::config::Config::from_toml(path, &text) {
            Ok(config) => {
                for source in &config.sources {
                    let url = Url::parse(&source.url).expect("validated URL");
                    prop_assert!(matches!(url.scheme(), "http" | "https" | "file"));
                }
            }
            Err(err) => {
                let message = err.to_string();
                prop_assert!(message.starts_with("/tmp/tidings-prop/config.toml"), "{}", message);
            }
        }
    }

    #[test]
    fn import_never_panics_nor_yields_commands(text in prop_oneof![
        any::<String>(),
        prop::collection::vec(prop_oneof![
            prop::sample::select(vec![
                "<?xml version=\"1.0\"?>", "<opml version=\"2.0\">", "</opml>", "<body>", "</body>",
                "<outline text=\"F\">", "</outline>", "<outline xmlUrl=\"https://a.example/\"/>",
                "<outline xmlUrl=\"exec:/bin/sh\"/>", "<outline xmlUrl=\"filter:x:https://b.example/\"/>",
                "https://c.example/feed \"Tag\"\n", "exec:rm -rf ~\n", "\"exec:x y\"\n", "query:a:b\n",
                "filter:/f:https://d.example/\n", "file:///tmp/feed.xml\n", "~name\n", "!hidden\n",
                "# c\n", "\n", "\"", "<", "&", "\u{1b}]52;c;aGk=\u{7}",
            ]).prop_map(str::to_string),
            any::<String>(),
        ], 0..24).prop_map(|parts| parts.concat()),
    ]) {
        if let Ok(report) = tidings::config::import::import_sources(Path::new("in"), &text) {
            for source in &report.sources {
                let url = Url::parse(&source.url).expect("an imported URL parses");
                prop_assert!(matches!(url.scheme(), "http" | "https" | "file"), "{}", url);
                if let Some(name) = &source.name {
                    assert_safe("imported name", name);
                }
                for category in &source.categories {
                    assert_safe("imported category", category);
                }
            }
            for warning in &report.warnings {
                assert_safe("import warning", warning);
                prop_assert!(!warning.contains('\n'));
            }
        }
    }
}
