//! Charset decoding: it never fails, unlabelled UTF-8 reads back unchanged, and correctly
//! labelled legacy text reads back unchanged.

use proptest::prelude::*;

use crate::{config, content_type};

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn charset_decode_never_fails(bytes in prop::collection::vec(any::<u8>(), 0..1024), ct in content_type()) {
        let decoded = tidings::fetch::charset::decode(&bytes, ct.as_deref());
        // A String is valid UTF-8 by construction; the text is never longer than the worst case.
        prop_assert!(decoded.text.len() <= bytes.len() * 3 + 3);
    }

    /// Valid UTF-8 without a BOM or a label reads back unchanged.
    #[test]
    fn unlabelled_utf8_reads_back(text in "\\PC{0,200}") {
        prop_assume!(!text.starts_with('\u{feff}'));
        let decoded = tidings::fetch::charset::decode(text.as_bytes(), None);
        prop_assert_eq!(decoded.text.as_ref(), text.as_str());
    }

    /// Text in a legacy encoding, labelled correctly in the header, reads back unchanged.
    #[test]
    fn labelled_legacy_text_reads_back(text in "[a-z \u{4e00}-\u{4fff}]{1,60}", which in 0usize..3) {
        let (encoding, label) = [
            (encoding_rs::GBK, "gbk"),
            (encoding_rs::BIG5, "big5"),
            (encoding_rs::GB18030, "gb18030"),
        ][which];
        let (bytes, _, unmappable) = encoding.encode(&text);
        prop_assume!(!unmappable);
        // The pipeline reads bytes that are valid UTF-8 as UTF-8 whatever a legacy label says
        // (a mislabelled UTF-8 server is common); a short legacy text can be valid UTF-8 by chance.
        prop_assume!(std::str::from_utf8(&bytes).is_err());
        let decoded = tidings::fetch::charset::decode(&bytes, Some(&format!("text/xml; charset={label}")));
        prop_assert_eq!(decoded.text.as_ref(), text.as_str());
    }
}
