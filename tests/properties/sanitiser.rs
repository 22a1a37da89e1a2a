//! The sanitiser: its output is inert and idempotent, one-line output holds no line breaks, and
//! plain text passes through unchanged.

use proptest::prelude::*;
use tidings::render::sanitize::{clean, clean_line};

use crate::{assert_safe, config, hostile_text};

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn sanitiser_output_is_inert(text in hostile_text()) {
        let cleaned = clean(&text);
        assert_safe("clean", &cleaned);
        prop_assert!(!cleaned.contains('\x1b'));
        let again = clean(&cleaned).into_owned();
        prop_assert_eq!(again.as_str(), cleaned.as_ref(), "idempotent");
        let line = clean_line(&text);
        assert_safe("clean_line", &line);
        prop_assert!(!line.contains(['\n', '\t']));
        prop_assert_eq!(line.trim(), line.as_str());
    }

    #[test]
    fn sanitiser_keeps_plain_text(text in "[a-zA-Z0-9 .,;:!?'\"()\\-\n\t\u{a0}-\u{5ff}\u{4e00}-\u{9fff}]{0,64}") {
        let cleaned = clean(&text).into_owned();
        prop_assert_eq!(cleaned, text);
    }
}
