//! Fuzz target: document bytes → `charset::decode` (BOM, header, prolog/meta, detection) with a
//! Content-Type chosen by the first byte. Never panics; valid unlabelled UTF-8 reads back as is.
#![no_main]

use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/xml; charset=utf-8"),
    Some("text/html; charset=gbk"),
    Some("text/html; charset=\"big5\""),
    Some("text/plain; charset=utf-16"),
    Some("text/xml; charset=x-user-defined"),
    Some("text/xml; charset=replacement"),
    Some("text/xml; charset=iso-2022-jp"),
    Some("text/xml;charset="),
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(first) % CONTENT_TYPES.len()];
    let decoded = tidings::fetch::charset::decode(bytes, content_type);
    if content_type.is_none()
        && let Ok(text) = std::str::from_utf8(bytes)
        && !text.starts_with('\u{feff}')
        && !text.contains("encoding")
        && !text.contains("charset")
    {
        assert_eq!(decoded.text, text);
    }
    let _ = tidings::parse::page::decode(bytes, content_type);
});
