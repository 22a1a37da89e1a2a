//! Reading what a run wrote: the output tokenized into escape sequences and controls, which of
//! them are tidings' own drawing and copies, and what a vt100 terminal replaying it reports.

use std::collections::BTreeSet;

use crate::{COLS, ROWS};

/// One unit of the program's output that is not plain text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Token {
    /// `ESC [` private-marker parameters intermediates final.
    Csi {
        private: String,
        params: String,
        intermediates: String,
        end: char,
    },
    /// `ESC ]` … BEL or ST.
    Osc(String),
    /// `ESC P`, `ESC X`, `ESC ^`, `ESC _` strings (DCS, SOS, PM, APC).
    Str(char, String),
    /// Any other escape: `ESC` intermediates final.
    Esc(String),
    /// A C0 control other than ESC, or DEL.
    Control(char),
    /// CR LF: a new line as the terminal's line discipline writes it.
    Newline,
    /// A C1 control (U+0080–U+009F) encoded in UTF-8.
    C1(char),
    /// A bidi control or an invisible character.
    Invisible(char),
}

/// Bidi embeddings, overrides, isolates and marks, and zero-width characters that hide text.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{61c}' | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Every token of the output, in order.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    let mut private = String::new();
                    let mut params = String::new();
                    let mut intermediates = String::new();
                    while let Some(&c) = chars.peek() {
                        match c {
                            '<'..='?' if params.is_empty() && intermediates.is_empty() => {
                                private.push(c)
                            }
                            '0'..=';' if intermediates.is_empty() => params.push(c),
                            ' '..='/' => intermediates.push(c),
                            _ => break,
                        }
                        chars.next();
                    }
                    let end = chars.next().unwrap_or('\0');
                    tokens.push(Token::Csi {
                        private,
                        params,
                        intermediates,
                        end,
                    });
                }
                Some(kind @ (']' | 'P' | 'X' | '^' | '_')) => {
                    let mut body = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\x07' if kind == ']' => break,
                            '\x1b' if chars.peek() == Some(&'\\') => {
                                chars.next();
                                break;
                            }
                            c => body.push(c),
                        }
                    }
                    tokens.push(if kind == ']' {
                        Token::Osc(body)
                    } else {
                        Token::Str(kind, body)
                    });
                }
                Some(c) => {
                    let mut sequence = String::from(c);
                    if (' '..='/').contains(&c) {
                        while let Some(&c) = chars.peek() {
                            chars.next();
                            sequence.push(c);
                            if !(' '..='/').contains(&c) {
                                break;
                            }
                        }
                    }
                    tokens.push(Token::Esc(sequence));
                }
                None => tokens.push(Token::Esc(String::new())),
            },
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                tokens.push(Token::Newline);
            }
            '\0'..='\x1f' | '\x7f' => tokens.push(Token::Control(c)),
            '\u{80}'..='\u{9f}' => tokens.push(Token::C1(c)),
            c if invisible(c) => tokens.push(Token::Invisible(c)),
            _ => {}
        }
    }
    tokens
}

/// The private modes tidings sets and resets: cursor keys, alternate screen, cursor, mouse
/// reporting, bracketed paste.
const PRIVATE_MODES: &[&str] = &[
    "1", "25", "47", "1047", "1049", "1000", "1002", "1003", "1005", "1006", "1015", "2004",
];

/// Whether a token is one of tidings' own drawing.
fn own_drawing(token: &Token) -> bool {
    match token {
        Token::Csi {
            private,
            params,
            intermediates,
            end,
        } => {
            if !intermediates.is_empty() {
                return false;
            }
            match private.as_str() {
                "" => {
                    params.chars().all(|c| c.is_ascii_digit() || c == ';' || c == ':')
                        // Cursor position and moves, SGR, erase in display / line.
                        && matches!(end, 'H' | 'f' | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G'
                            | 'd' | 'm' | 'J' | 'K')
                }
                "?" => {
                    matches!(end, 'h' | 'l')
                        && params.split(';').all(|mode| PRIVATE_MODES.contains(&mode))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// A copy tidings itself made: OSC 52 to the clipboard with base64 of one clean line.
pub(crate) fn own_copy(token: &Token) -> Option<String> {
    let Token::Osc(body) = token else {
        return None;
    };
    let data = body.strip_prefix("52;c;")?;
    let decoded = base64_decode(data)?;
    let text = String::from_utf8(decoded).ok()?;
    let clean = !text
        .chars()
        .any(|c| c.is_control() || invisible(c) || c == '\u{85}');
    clean.then_some(text)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut bits = 0u32;
    let mut count = 0;
    for b in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|a| *a == b)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// What a vt100 terminal reports from the output, beyond drawing.
#[derive(Default)]
struct Reports(Vec<String>);

impl vt100::Callbacks for Reports {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("audible bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.0.push(format!("resize to {request:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.0
            .push(format!("icon name {:?}", String::from_utf8_lossy(name)));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.0
            .push(format!("window title {:?}", String::from_utf8_lossy(title)));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.0.push(format!(
            "copy to {:?}: {:?}",
            String::from_utf8_lossy(ty),
            String::from_utf8_lossy(data)
        ));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8]) {
        self.0
            .push(format!("paste from {:?}", String::from_utf8_lossy(ty)));
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        // U+FFFD is an ordinary glyph (the repair puts it where a document referred to a
        // character XML forbids); vt100 reports it with the C1 controls.
        if c != '\u{fffd}' {
            self.0.push(format!("char {c:?}"));
        }
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.0.push(format!("control {b:#04x}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        self.0
            .push(format!("escape {i1:?} {i2:?} {:?}", char::from(b)));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        self.0.push(format!("csi {i1:?} {i2:?} {params:?} {c:?}"));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let params: Vec<_> = params.iter().map(|p| String::from_utf8_lossy(p)).collect();
        self.0.push(format!("osc {params:?}"));
    }
}

/// The terminal events the output causes, besides copies (checked on their own).
pub(crate) fn reports(raw: &[u8]) -> BTreeSet<String> {
    let mut parser = vt100::Parser::new_with_callbacks(ROWS, COLS, 0, Reports::default());
    parser.process(raw);
    parser
        .callbacks()
        .0
        .iter()
        .filter(|r| !r.starts_with("copy to \"c\""))
        .cloned()
        .collect()
}

/// The bare controls a control run's output has that tidings' own output may use: new lines
/// (CR LF from the line discipline of the command line's output), and CR or LF alone if they occur.
pub(crate) fn own_controls(raw: &[u8]) -> BTreeSet<Token> {
    let text = std::str::from_utf8(raw).expect("UTF-8 output");
    tokenize(text)
        .into_iter()
        .filter(|t| matches!(t, Token::Newline | Token::Control('\r' | '\n')))
        .collect()
}

/// Every way one output can carry a control that is not tidings' own drawing; `copies` is the
/// number of OSC 52 copies the keys asked for.
pub(crate) fn violations(raw: &[u8], allowed: &BTreeSet<Token>, copies: usize) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(text) = std::str::from_utf8(raw) else {
        // Raw bytes 0x80–0x9F are C1 controls to a terminal not in UTF-8 mode.
        return vec!["the output is not UTF-8".into()];
    };
    let mut copied = 0;
    for token in tokenize(text) {
        let ok = match &token {
            Token::Control(_) | Token::Newline => allowed.contains(&token),
            Token::Osc(_) if own_copy(&token).is_some() => {
                copied += 1;
                true
            }
            token => own_drawing(token),
        };
        if !ok && found.len() < 50 {
            found.push(format!("{token:?}"));
        }
    }
    if copied != copies {
        found.push(format!("{copied} OSC 52 copies, expected {copies}"));
    }
    found
}
