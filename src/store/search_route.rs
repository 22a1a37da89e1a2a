//! Which index answers a search text, as SQL with parameters; and the text the word index is
//! given. Pure: builds queries, runs none (search.rs runs them and owns the hits table).
//!
//! Alphabetic text (Latin, Cyrillic, Greek, digits…) is searched as words in `articles_words`
//! (unicode61): the words as a phrase, the last one a prefix, so `lighthouse observ` finds
//! "Lighthouse Observatory". If that finds nothing, the trigram index answers it as a substring
//! (`bservator` still finds "observatory"). Text in scripts written without spaces between words
//! (Chinese, Japanese, Korean, Thai…) has no useful word boundaries, so it always goes to the
//! trigram index, or to `LIKE` under 3 characters, which trigrams cannot match.

use std::borrow::Cow;

use rusqlite::types::Value;

/// One way to answer a search, tried in order until one finds something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// An FTS5 query for the word index: one quoted phrase, maybe with a trailing `*`.
    Words(String),
    /// An FTS5 query for the trigram index: the whole text as one quoted phrase.
    Substring(String),
    /// A `LIKE` pattern (escaped with `\`) on the trigram index's title and text.
    Like(String),
}

impl Plan {
    /// The `SELECT` of matching article ids for this plan, and its parameters.
    pub(crate) fn sql(&self) -> (&'static str, Vec<Value>) {
        match self {
            Plan::Words(q) => (
                "SELECT rowid FROM articles_words WHERE articles_words MATCH ?",
                vec![Value::Text(q.clone())],
            ),
            Plan::Substring(q) => (
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                vec![Value::Text(q.clone())],
            ),
            Plan::Like(p) => (
                "SELECT rowid FROM articles_fts
                  WHERE title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\'",
                vec![Value::Text(p.clone()), Value::Text(p.clone())],
            ),
        }
    }
}

/// The plans for a non-blank, trimmed search text, in the order to try them.
pub(crate) fn plans(text: &str) -> Vec<Plan> {
    let mut plans = Vec::with_capacity(2);
    if !text.chars().any(unspaced)
        && let Some(words) = word_query(text)
    {
        plans.push(Plan::Words(words));
    }
    plans.push(substring_plan(text));
    plans
}

/// The text's words (runs of letters and digits) as one FTS5 phrase, the last word a prefix
/// when it has 2+ characters (a prefix of one letter matches a large part of the index).
/// Only letters and digits reach the query string, so no input is ever FTS5 syntax: quotes,
/// `*`, `-`, `:`, parentheses, `AND`/`OR`/`NEAR` are separators or plain words in a phrase.
fn word_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last()?;
    let star = if last.chars().nth(1).is_some() {
        "*"
    } else {
        ""
    };
    Some(format!("\"{}\"{star}", words.join(" ")))
}

/// Trigram `MATCH` of the quoted text for 3+ characters, `LIKE` under 3.
fn substring_plan(text: &str) -> Plan {
    if text.chars().nth(2).is_some() {
        Plan::Substring(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Plan::Like(format!("%{escaped}%"))
    }
}

/// Characters of scripts written without spaces between words (Han, kana, Hangul, Bopomofo,
/// Yi, Thai, Lao, Myanmar, Khmer): unicode61 would make a whole sentence of them one token.
fn unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x1780..=0x17FF // Khmer
        | 0x2E80..=0x2FDF // CJK and Kangxi radicals
        | 0x3005..=0x3007 // 々 〆 〇
        | 0x3021..=0x3029 // Hangzhou numerals
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3100..=0x318F // Bopomofo, Hangul compatibility Jamo
        | 0x31A0..=0x31FF // Bopomofo extended, CJK strokes, Katakana extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xA000..=0xA4CF // Yi
        | 0xA960..=0xA97F // Hangul Jamo extended A
        | 0xAC00..=0xD7FF // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFFDC // halfwidth Katakana and Hangul
        | 0x20000..=0x3FFFF // CJK extensions B and later
    )
}

/// The text given to the word index: unspaced scripts blanked out. Searches containing them never
/// reach the word index, and as tokens they would be whole sentences, useless and large.
pub(crate) fn word_index_text(text: &str) -> Cow<'_, str> {
    if text.chars().any(unspaced) {
        Cow::Owned(
            text.chars()
                .map(|c| if unspaced(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Plan {
        Plan::Words(q.to_owned())
    }

    fn substring(q: &str) -> Plan {
        Plan::Substring(q.to_owned())
    }

    #[test]
    fn alphabetic_text_is_a_phrase_with_a_prefix_then_a_substring() {
        assert_eq!(
            plans("lighthouse observ"),
            [
                words("\"lighthouse observ\"*"),
                substring("\"lighthouse observ\"")
            ]
        );
        assert_eq!(
            plans("Ελλάδα"),
            [words("\"Ελλάδα\"*"), substring("\"Ελλάδα\"")]
        );
        assert_eq!(plans("café"), [words("\"café\"*"), substring("\"café\"")]);
        assert_eq!(
            plans("rust 1.95"),
            [words("\"rust 1 95\"*"), substring("\"rust 1.95\"")]
        );
    }

    #[test]
    fn a_one_letter_last_word_is_not_a_prefix() {
        assert_eq!(plans("c")[0], words("\"c\""));
        assert_eq!(plans("vitamin d")[0], words("\"vitamin d\""));
        assert_eq!(plans("ai")[0], words("\"ai\"*"));
    }

    #[test]
    fn short_text_falls_back_to_like() {
        assert_eq!(plans("ai")[1], Plan::Like("%ai%".into()));
        assert_eq!(plans("%_")[..], [Plan::Like("%\\%\\_%".into())]);
    }

    #[test]
    fn fts_syntax_is_only_ever_words() {
        assert_eq!(plans("\"")[..], [Plan::Like("%\"%".into())]);
        assert_eq!(plans("*")[..], [Plan::Like("%*%".into())]);
        assert_eq!(plans("NEAR(")[0], words("\"NEAR\"*"));
        assert_eq!(plans("a OR b")[0], words("\"a OR b\""));
        assert_eq!(plans("-x")[0], words("\"x\""));
        assert_eq!(plans("title:rust")[0], words("\"title rust\"*"));
        assert_eq!(plans("(a AND \"b\")")[0], words("\"a AND b\""));
        assert_eq!(plans("\"quoted\"")[1], substring("\"\"\"quoted\"\"\""));
        assert_eq!(plans("^+*-")[..], [substring("\"^+*-\"")]);
    }

    #[test]
    fn unspaced_scripts_keep_the_trigram_path() {
        assert_eq!(plans("数字化")[..], [substring("\"数字化\"")]);
        assert_eq!(plans("会议")[..], [Plan::Like("%会议%".into())]);
        assert_eq!(plans("Rust 编译器")[..], [substring("\"Rust 编译器\"")]);
        assert_eq!(plans("カタカナ")[..], [substring("\"カタカナ\"")]);
        assert_eq!(plans("한국어")[..], [substring("\"한국어\"")]);
        assert_eq!(plans("ภาษาไทย")[..], [substring("\"ภาษาไทย\"")]);
    }

    #[test]
    fn the_word_index_text_has_no_unspaced_scripts() {
        assert_eq!(word_index_text("Rust编译器 news"), "Rust    news");
        assert!(matches!(
            word_index_text("plain text"),
            Cow::Borrowed("plain text")
        ));
    }
}
