//! Links made absolute. Every item has one or two, and most are already absolute and in the form
//! the URL parser writes them: those are recognised from their bytes and kept as they are.

use url::Url;

/// `href` made absolute against `base`; `None` when it cannot be (relative with no base, or junk).
pub(crate) fn resolve(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    if is_canonical_web_url(href) {
        return Some(href.to_owned());
    }
    match Url::parse(href) {
        Ok(url) => Some(url.to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            base?.join(href).ok().map(|u| u.to_string())
        }
        Err(_) => None,
    }
}

/// Whether `href` is an http(s) URL that the URL parser would write back unchanged: a lowercase
/// scheme and host name (no port, no user, no IP address, no punycode), a path, and only
/// characters that no part of it escapes or rewrites (no `%`, `'`, `\`, dot segments or
/// whitespace). Anything else goes through the parser.
fn is_canonical_web_url(href: &str) -> bool {
    let Some(rest) = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))
    else {
        return false;
    };
    let Some((host, after_host)) = rest.split_once('/') else {
        return false;
    };
    is_plain_host(host) && is_plain_path_and_after(after_host)
}

/// A DNS name in lowercase ASCII whose last label is not a number (that would make it an IPv4
/// address), with no empty labels and no punycode (`xn--`, which the parser validates).
fn is_plain_host(host: &str) -> bool {
    let mut labels = host.split('.');
    let all_plain = labels.clone().all(|label| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    all_plain
        && labels
            .next_back()
            .is_some_and(|last| last.bytes().next().is_some_and(|b| b.is_ascii_lowercase()))
}

/// The path (after its first `/`), query and fragment: characters none of them escapes, and no
/// `.` or `..` segment in the path.
fn is_plain_path_and_after(text: &str) -> bool {
    let plain = text.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'?'
                    | b'#'
            )
    });
    let path = text.split(['?', '#']).next().unwrap_or_default();
    plain
        && !path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(href: &str) -> Option<String> {
        Url::parse(href).ok().map(|u| u.to_string())
    }

    #[test]
    fn canonical_links_are_kept_and_others_parsed() {
        for kept in [
            "https://news.example.org/2024/06/a-story.html",
            "http://example.org/?id=12&page=2#top",
            "https://a-b.example/x//y/",
        ] {
            assert!(is_canonical_web_url(kept), "{kept}");
            assert_eq!(resolve(kept, None).as_deref(), Some(kept));
        }
        for parsed_instead in [
            "https://Example.org/",
            "https://example.org",
            "https://example.org:443/",
            "https://127.0.0.1/",
            "https://example.0x7f/",
            "https://example.org/a/../b",
            "https://example.org/a b",
            "https://example.org/?q='x'",
            "https://xn--nxasmq6b.example/",
            "HTTPS://example.org/",
        ] {
            assert!(!is_canonical_web_url(parsed_instead), "{parsed_instead}");
        }
        assert_eq!(
            resolve("https://Example.org:443/a/../b", None).as_deref(),
            Some("https://example.org/b")
        );
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a", "Z", "0", "9", "-", ".", "..", "/", "//", "?", "#", "&", "=", "%", "%2e", "'",
            " ", "\\", ":", "@", "~", "xn--", "0x", "é", "[", "]", "|", "^", "`", "{", "\"", "<",
            "\t",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn a_kept_link_is_what_the_parser_writes(
            scheme in prop::sample::select(vec!["http://", "https://", "HTTP://", "ftp://"]),
            host in prop::collection::vec(piece(), 1..6),
            path in prop::collection::vec(piece(), 0..12),
        ) {
            let href = format!("{scheme}{}{}", host.concat(), path.concat());
            if is_canonical_web_url(&href) {
                prop_assert_eq!(Some(href.clone()), parsed(&href), "{}", href);
            }
        }
    }
}
