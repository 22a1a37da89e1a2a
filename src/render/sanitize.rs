//! The one sanitiser for text from the network: strips control characters, terminal escape
//! sequences, bidi overrides and invisible tricks before anything is stored or drawn. Pure; knows
//! nothing about HTML, the store or the terminal.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const CAN: char = '\u{18}';
const SUB: char = '\u{1a}';
/// 8-bit String Terminator.
const ST8: char = '\u{9c}';

/// True for every character [`clean`] never lets through.
///
/// C0 controls other than `\n` and `\t`, DEL, C1 controls, bidirectional embeddings, overrides,
/// isolates and marks, and invisible characters that only serve to hide or split text.
pub fn is_forbidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidi: ALM, LRM/RLM, LRE..RLO, LRI..PDI.
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        // Zero width space, word joiner, invisible operators, deprecated format controls, BOM.
        '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{206a}'..='\u{206f}' | '\u{feff}' => true,
        // Interlinear annotation controls: they hide text in some renderers.
        '\u{fff9}'..='\u{fffb}' => true,
        _ => false,
    }
}

/// Characters that [`clean`] rewrites rather than drops.
fn is_rewritten(c: char) -> bool {
    // LINE SEPARATOR and PARAGRAPH SEPARATOR become plain newlines.
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Removes C0 controls except '\n' and '\t', DEL, C1 controls (U+0080–U+009F), whole ANSI escape
/// sequences (ESC [ … final byte CSI, ESC ] … BEL/ST OSC incl. OSC 8/52, ESC P/X/^/_ … ST, two-byte
/// ESC x, and the 8-bit forms CSI U+009B, OSC U+009D etc. with their payloads), bidirectional
/// overrides/isolates (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) and zero-width tricks
/// that aren't needed for text (U+200B, U+2060, U+FEFF; U+200D ZWJ is kept for emoji).
/// U+2028/U+2029 become '\n'. Borrows when nothing changes.
pub fn clean(text: &str) -> Cow<'_, str> {
    let Some(first) = first_suspect(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = Cursor(text);
    let mut next = Some(first);
    // Clean runs are copied whole; only the characters around a suspect are looked at one by one.
    while let Some(at) = next {
        out.push_str(&chars.0[..at]);
        chars.0 = &chars.0[at..];
        if let Some(c) = chars.next() {
            match c {
                ESC => skip_escape(&mut chars),
                // 8-bit CSI.
                '\u{9b}' => skip_csi(&mut chars),
                // 8-bit DCS, SOS, OSC, PM, APC: a string up to a terminator.
                '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
                c if is_rewritten(c) => out.push('\n'),
                c if is_forbidden(c) => {}
                c => out.push(c),
            }
        }
        next = first_suspect(chars.0);
    }
    out.push_str(chars.0);
    Cow::Owned(out)
}

/// The byte offset of the first character [`clean`] must drop or rewrite, if any.
///
/// Feeds are megabytes of clean text, so this scans bytes rather than decoding characters: every
/// forbidden or rewritten character is a C0/DEL byte or starts with one of the lead bytes
/// 0xC2 (C1 controls), 0xD8 (U+061C), 0xE2 (U+200x, U+202x, U+206x) or 0xEF (U+FEFF, U+FFF9–B).
fn first_suspect(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = next_suspect_byte(bytes, from) {
        // `at` is a character boundary: the bytes searched for are never continuation bytes.
        if let Some(c) = text[at..].chars().next() {
            if is_forbidden(c) || is_rewritten(c) {
                return Some(at);
            }
            from = at + c.len_utf8();
        } else {
            return None;
        }
    }
    None
}

/// The offset of the first byte at or after `from` that [`SUSPECT`] flags. Eight bytes are tested
/// at once (SWAR): a word is looked at byte by byte only when it may hold such a byte, which in
/// ASCII text means a newline or tab.
fn next_suspect_byte(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Exact for "some byte is below n" (n <= 0x80) and "some byte is zero"; false hits are only
    // possible in bytes after a true one, and the byte loop settles them.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS != 0;
    let holds = |word: u64, b: u8| below(word ^ (ONES * u64::from(b)), 1);
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let maybe = below(word, 0x20)
            || holds(word, 0x7f)
            || (word & HIGHS != 0
                && (holds(word, 0xc2)
                    || holds(word, 0xd8)
                    || holds(word, 0xe2)
                    || holds(word, 0xef)));
        if maybe && let Some(offset) = chunk.iter().position(|&b| SUSPECT[usize::from(b)]) {
            return Some(at + offset);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| SUSPECT[usize::from(b)])
        .map(|offset| at + offset)
}

/// Bytes that may start a character [`clean`] drops or rewrites.
static SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\n' as usize && b != b'\t' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table[0xef] = true;
    table
};

/// Same as [`clean`], but also turns '\n', '\t' and every other whitespace run into one space and
/// trims the ends: for one-line fields (titles, names, errors).
pub fn clean_line(text: &str) -> String {
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len());
    for word in cleaned.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The unread rest of a text, read a character at a time around escape sequences.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.0.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    fn next_if(&mut self, accept: impl Fn(char) -> bool) -> Option<char> {
        match self.peek() {
            Some(c) if accept(c) => self.next(),
            _ => None,
        }
    }
}

type Chars<'a> = Cursor<'a>;

/// After an ESC: drop the whole sequence it starts.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // nF sequences: intermediates (0x20–0x2F) then one final byte (0x30–0x7E).
        Some(' '..='/') => {
            while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
            chars.next_if(|c| matches!(c, '0'..='~'));
        }
        // Two-byte escapes (Fp, Fe, Fs): ESC 7, ESC c, ESC \ …
        Some('0'..='~') => {
            chars.next();
        }
        // A lone ESC (end of text, control, non-ASCII): drop just the ESC.
        _ => {}
    }
}

/// After a CSI introducer: parameters (0x30–0x3F), intermediates (0x20–0x2F), one final byte
/// (0x40–0x7E). Anything else ends the sequence early and is processed as text.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| matches!(c, '0'..='?')).is_some() {}
    while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
    chars.next_if(|c| matches!(c, '@'..='~'));
}

/// After an OSC/DCS/SOS/PM/APC introducer: everything up to BEL, ST (ESC \ or U+009C), CAN or
/// SUB. Another ESC ends the string too (as in a terminal), and starts a new sequence.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.peek() {
        match c {
            BEL | ST8 | CAN | SUB => {
                chars.next();
                return;
            }
            ESC => {
                chars.next();
                // ESC \ is the terminator; any other ESC starts a sequence of its own.
                skip_escape(chars);
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_scan_finds_what_the_byte_table_finds() {
        // Every byte value at every position of a buffer longer than two words, over a
        // background of ASCII letters, newlines and high bytes that are never suspect.
        for background in [b'a', b'\n', 0xe4, 0x80] {
            for b in 0..=255u8 {
                for pos in 0..21 {
                    let mut bytes = vec![background; 21];
                    bytes[pos] = b;
                    for from in [0, 3, 8, 20] {
                        let naive = bytes[from..]
                            .iter()
                            .position(|&x| SUSPECT[usize::from(x)])
                            .map(|o| from + o);
                        assert_eq!(next_suspect_byte(&bytes, from), naive, "{b:#x} at {pos}");
                    }
                }
            }
        }
    }

    #[test]
    fn borrows_clean_text() {
        assert!(matches!(clean("héllo\n\tworld 你好 👨‍👩‍👧"), Cow::Borrowed(_)));
    }

    #[test]
    fn strips_sequences() {
        assert_eq!(clean("a\x1b[1;31mred\x1b[0m b"), "ared b");
        assert_eq!(clean("x\x1b]0;title\x07y"), "xy");
        assert_eq!(
            clean("x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\y"),
            "xlinky"
        );
        assert_eq!(clean("x\u{9b}2Jy"), "xy");
        assert_eq!(clean("x\x1b(By"), "xy");
        assert_eq!(clean("x\x1b"), "x");
        assert_eq!(clean("a\u{202e}b\u{200b}c\u{200d}d"), "abc\u{200d}d");
        assert_eq!(clean("a\r\nb"), "a\nb");
    }

    #[test]
    fn line() {
        assert_eq!(clean_line("  a\n\tb \u{2028} c\x1b[2J "), "a b c");
    }
}
