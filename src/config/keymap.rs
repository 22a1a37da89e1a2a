//! The keymap as data: default bindings, user overrides from `[keys]`, key parsing and display.
//! It maps keys to `app::Action`s and never runs anything itself.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::Action;

/// A key with its modifiers, normalised so that `J` and `shift-j` compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // The case of a character already says whether shift was held.
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyChord { code, modifiers }
    }

    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }
}

/// A key string the keymap cannot read, or an action name it does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown key `{0}` (try e.g. \"j\", \"ctrl-d\", \"space\", \"f5\", \"shift-tab\")")]
    UnknownKey(String),
    #[error("unknown action `{action}` for key `{key}`")]
    UnknownAction { key: String, action: String },
}

impl FromStr for KeyChord {
    type Err = KeymapError;

    fn from_str(text: &str) -> Result<KeyChord, KeymapError> {
        let unknown = || KeymapError::UnknownKey(text.to_string());
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(unknown());
        }
        // Peel prefixes like `ctrl-`, `C-`, `alt-`, `shift-`; a lone `-` is the minus key.
        while rest.chars().count() > 1 {
            let Some((prefix, tail)) = rest.split_once('-') else {
                break;
            };
            if tail.is_empty() {
                break;
            }
            modifiers |= match prefix.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => KeyModifiers::CONTROL,
                "alt" | "meta" | "m" | "a" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(unknown()),
            };
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" | "return" | "ret" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" | "bs" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
                "minus" => KeyCode::Char('-'),
                name => match name.strip_prefix('f').map(str::parse::<u8>) {
                    Some(Ok(n @ 1..=24)) => KeyCode::F(n),
                    _ => return Err(unknown()),
                },
            },
        };
        if let KeyCode::Char(c) = code
            && modifiers.contains(KeyModifiers::SHIFT)
            && c.is_ascii_alphabetic()
        {
            return Ok(KeyChord::new(
                KeyCode::Char(c.to_ascii_uppercase()),
                modifiers,
            ));
        }
        Ok(KeyChord::new(code, modifiers))
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("S-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("Bksp"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One key bound to one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub key: KeyChord,
    pub action: Action,
}

/// Keys → actions. Built from the defaults, then patched with the user's `[keys]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// The default bindings (DESIGN.md section 1), in the order help lists them.
const DEFAULTS: &[(&str, Action)] = &[
    ("j", Action::SelectNext),
    ("down", Action::SelectNext),
    ("k", Action::SelectPrev),
    ("up", Action::SelectPrev),
    ("l", Action::FocusNext),
    ("right", Action::FocusNext),
    ("tab", Action::FocusNext),
    ("h", Action::FocusPrev),
    ("left", Action::FocusPrev),
    ("shift-tab", Action::FocusPrev),
    ("enter", Action::Open),
    ("space", Action::PageDown),
    ("pagedown", Action::PageDown),
    ("ctrl-d", Action::PageDown),
    ("pageup", Action::PageUp),
    ("ctrl-u", Action::PageUp),
    ("ctrl-e", Action::ScrollDown),
    ("ctrl-y", Action::ScrollUp),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("n", Action::NextUnread),
    ("N", Action::PrevUnread),
    ("m", Action::ToggleRead),
    ("A", Action::MarkAllRead),
    ("s", Action::ToggleStar),
    ("o", Action::OpenInBrowser),
    ("1", Action::OpenLink(1)),
    ("2", Action::OpenLink(2)),
    ("3", Action::OpenLink(3)),
    ("4", Action::OpenLink(4)),
    ("5", Action::OpenLink(5)),
    ("6", Action::OpenLink(6)),
    ("7", Action::OpenLink(7)),
    ("8", Action::OpenLink(8)),
    ("9", Action::OpenLink(9)),
    ("y", Action::CopyLink),
    ("r", Action::Refresh),
    ("R", Action::RefreshAll),
    ("/", Action::Search),
    ("u", Action::ToggleUnreadOnly),
    ("S", Action::CycleSort),
    ("c", Action::ToggleCollapse),
    ("?", Action::Help),
    ("esc", Action::Back),
    ("ctrl-z", Action::Suspend),
    ("q", Action::Quit),
    ("ctrl-c", Action::Quit),
];

impl Default for Keymap {
    fn default() -> Keymap {
        let bindings = DEFAULTS
            .iter()
            .filter_map(|(key, action)| {
                key.parse::<KeyChord>().ok().map(|key| Binding {
                    key,
                    action: *action,
                })
            })
            .collect();
        Keymap { bindings }
    }
}

/// Action names that remove a key's binding.
const UNBIND: &[&str] = &["none", "unbound", "nop", "noop"];

impl Keymap {
    /// The defaults patched with `(key, action name)` pairs; a later pair for the same key wins.
    /// The action `none` removes the key's default binding.
    pub fn with_overrides(overrides: &[(String, String)]) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::default();
        for (key_text, action_text) in overrides {
            let key: KeyChord = key_text.parse()?;
            let action_name = action_text.trim();
            keymap.bindings.retain(|binding| binding.key != key);
            if UNBIND.contains(&action_name) {
                continue;
            }
            let action = action_name
                .parse::<Action>()
                .map_err(|_| KeymapError::UnknownAction {
                    key: key_text.clone(),
                    action: action_name.to_string(),
                })?;
            keymap.bindings.push(Binding { key, action });
        }
        Ok(keymap)
    }

    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        let chord = KeyChord::from_event(event);
        self.bindings
            .iter()
            .find(|binding| binding.key == chord)
            .map(|binding| binding.action)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// Keys bound to an action, in binding order.
    pub fn keys_for(&self, action: Action) -> impl Iterator<Item = KeyChord> + '_ {
        self.bindings
            .iter()
            .filter(move |binding| binding.action == action)
            .map(|binding| binding.key)
    }

    /// The first key bound to an action, as help and hints show it.
    pub fn key_label(&self, action: Action) -> Option<String> {
        self.keys_for(action).next().map(|key| key.to_string())
    }

    /// Help entries: each action once with all its keys; `open_link_N` bindings grouped.
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        let mut entries = Vec::new();
        for action in crate::app::ACTIONS {
            let keys: Vec<String> = if let Action::OpenLink(_) = action {
                let links: Vec<String> = self
                    .bindings
                    .iter()
                    .filter(|binding| matches!(binding.action, Action::OpenLink(_)))
                    .map(|binding| binding.key.to_string())
                    .collect();
                match (links.first(), links.last()) {
                    (Some(first), Some(last)) if links.len() > 2 => vec![format!("{first}–{last}")],
                    _ => links,
                }
            } else {
                self.keys_for(*action).map(|key| key.to_string()).collect()
            };
            if !keys.is_empty() {
                entries.push((keys.join(" "), action.description()));
            }
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_cover_the_design_list() {
        let keymap = Keymap::default();
        let cases = [
            (
                key(KeyCode::Char('j'), KeyModifiers::NONE),
                Action::SelectNext,
            ),
            (key(KeyCode::Down, KeyModifiers::NONE), Action::SelectNext),
            (
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                Action::FocusPrev,
            ),
            (
                key(KeyCode::Char('d'), KeyModifiers::CONTROL),
                Action::PageDown,
            ),
            (
                key(KeyCode::Char(' '), KeyModifiers::NONE),
                Action::PageDown,
            ),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Bottom),
            (key(KeyCode::Char('G'), KeyModifiers::NONE), Action::Bottom),
            (
                key(KeyCode::Char('3'), KeyModifiers::NONE),
                Action::OpenLink(3),
            ),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help),
            (key(KeyCode::Esc, KeyModifiers::NONE), Action::Back),
        ];
        for (event, action) in cases {
            assert_eq!(keymap.action_for(&event), Some(action), "{event:?}");
        }
    }

    #[test]
    fn overrides_patch_the_defaults() {
        let overrides = vec![
            ("J".to_string(), "page_down".to_string()),
            ("f5".to_string(), "refresh_all".to_string()),
            ("q".to_string(), "none".to_string()),
            ("ctrl-o".to_string(), "open_link_1".to_string()),
        ];
        let keymap = Keymap::with_overrides(&overrides).expect("valid overrides");
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('J'), KeyModifiers::SHIFT)),
            Some(Action::PageDown)
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::F(5), KeyModifiers::NONE)),
            Some(Action::RefreshAll)
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('o'), KeyModifiers::CONTROL)),
            Some(Action::OpenLink(1))
        );
        // Other defaults stay.
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::SelectNext)
        );
    }

    #[test]
    fn errors_name_the_culprit() {
        let err = Keymap::with_overrides(&[("x".into(), "fly_away".into())]).unwrap_err();
        assert!(err.to_string().contains("fly_away"), "{err}");
        let err = Keymap::with_overrides(&[("hyper-x".into(), "quit".into())]).unwrap_err();
        assert!(err.to_string().contains("hyper-x"), "{err}");
    }

    #[test]
    fn key_strings_round_trip_for_display() {
        let shown: Vec<String> = ["ctrl-d", "space", "shift-tab", "f5", "G", "-", "ctrl--"]
            .iter()
            .map(|text| text.parse::<KeyChord>().expect(text).to_string())
            .collect();
        assert_eq!(
            shown,
            ["Ctrl-d", "Space", "S-Tab", "F5", "G", "-", "Ctrl--"]
        );
    }

    #[test]
    fn help_groups_link_keys() {
        let entries = Keymap::default().help_entries();
        assert!(entries.iter().any(|(keys, _)| keys == "1–9"));
        assert!(
            entries
                .iter()
                .any(|(keys, desc)| keys == "j ↓" && *desc == "move down")
        );
    }
}
