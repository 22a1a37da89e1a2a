//! The theme: semantic roles → styles, defaults, `[theme]` overrides, and NO_COLOR.
//! Widgets ask for a role (`title(focused)`, `article(unread, selected)`), never a raw colour.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

/// A role name or colour string the theme cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme role `{0}` (known: {known})", known = ROLES.join(", "))]
    UnknownRole(String),
    #[error(
        "unknown colour `{colour}` for role `{role}` (try a name like \"light_blue\", \"#ff8800\" or \"208\")"
    )]
    BadColour { role: String, colour: String },
}

/// Role names accepted in `[theme]`.
pub const ROLES: &[&str] = &[
    "text",
    "dim",
    "border",
    "border_focused",
    "title",
    "title_focused",
    "selected",
    "selected_unfocused",
    "unread",
    "marker",
    "starred",
    "count",
    "header",
    "link",
    "error",
    "status",
    "hint_key",
    "prompt",
];

/// Styles for every role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub title_focused: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub unread: Style,
    pub marker: Style,
    pub starred: Style,
    pub count: Style,
    pub header: Style,
    pub link: Style,
    pub error: Style,
    pub status: Style,
    pub hint_key: Style,
    pub prompt: Style,
}

impl Default for Theme {
    fn default() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().fg(Color::Gray),
            title_focused: Style::new().fg(Color::Cyan).add_modifier(bold),
            selected: Style::new().fg(Color::Black).bg(Color::Cyan),
            selected_unfocused: Style::new().bg(Color::DarkGray),
            unread: Style::new().add_modifier(bold),
            marker: Style::new().fg(Color::Cyan),
            starred: Style::new().fg(Color::Yellow),
            count: Style::new().fg(Color::Gray),
            header: Style::new().fg(Color::White).add_modifier(bold),
            link: Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED),
            error: Style::new().fg(Color::Red).add_modifier(bold),
            status: Style::new(),
            hint_key: Style::new().fg(Color::Cyan).add_modifier(bold),
            prompt: Style::new().fg(Color::Yellow).add_modifier(bold),
        }
    }
}

impl Theme {
    /// The defaults patched with `(role, colour)` pairs from `[theme]`.
    pub fn with_overrides(overrides: &[(String, String)]) -> Result<Theme, ThemeError> {
        let mut theme = Theme::default();
        for (role, colour) in overrides {
            let style = parse_style(colour).ok_or_else(|| ThemeError::BadColour {
                role: role.clone(),
                colour: colour.clone(),
            })?;
            *theme
                .role_mut(role.trim())
                .ok_or_else(|| ThemeError::UnknownRole(role.clone()))? = style;
        }
        Ok(theme)
    }

    /// For NO_COLOR: the same roles told apart by modifiers only.
    pub fn no_color() -> Theme {
        let m = |modifier: Modifier| Style::new().add_modifier(modifier);
        Theme {
            text: Style::new(),
            dim: m(Modifier::DIM),
            border: Style::new(),
            border_focused: m(Modifier::BOLD),
            title: Style::new(),
            title_focused: m(Modifier::BOLD | Modifier::UNDERLINED),
            selected: m(Modifier::REVERSED),
            selected_unfocused: m(Modifier::UNDERLINED),
            unread: m(Modifier::BOLD),
            marker: m(Modifier::BOLD),
            starred: m(Modifier::BOLD),
            count: Style::new(),
            header: m(Modifier::BOLD),
            link: m(Modifier::UNDERLINED),
            error: m(Modifier::BOLD),
            status: Style::new(),
            hint_key: m(Modifier::BOLD),
            prompt: m(Modifier::BOLD),
        }
    }

    fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
        Some(match role {
            "text" => &mut self.text,
            "dim" => &mut self.dim,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "title" => &mut self.title,
            "title_focused" => &mut self.title_focused,
            "selected" => &mut self.selected,
            "selected_unfocused" => &mut self.selected_unfocused,
            "unread" => &mut self.unread,
            "marker" => &mut self.marker,
            "starred" => &mut self.starred,
            "count" => &mut self.count,
            "header" => &mut self.header,
            "link" => &mut self.link,
            "error" => &mut self.error,
            "status" => &mut self.status,
            "hint_key" => &mut self.hint_key,
            "prompt" => &mut self.prompt,
            _ => return None,
        })
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            self.title_focused
        } else {
            self.title
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.border_focused
        } else {
            self.border
        }
    }

    /// A selected row: the strong highlight in the focused pane, a quiet one elsewhere.
    pub fn selection(&self, focused: bool) -> Style {
        if focused {
            self.selected
        } else {
            self.selected_unfocused
        }
    }

    /// An article-list row.
    pub fn article(&self, unread: bool, selected: bool, focused: bool) -> Style {
        let base = if unread { self.unread } else { self.text };
        if selected {
            base.patch(self.selection(focused))
        } else {
            base
        }
    }

    /// A categories row.
    pub fn category(&self, has_unread: bool, selected: bool, focused: bool) -> Style {
        self.article(has_unread, selected, focused)
    }
}

/// `"red"`, `"#ff8800"`, `"208"`, optionally with modifiers and a background:
/// `"bold yellow on blue"`.
fn parse_style(text: &str) -> Option<Style> {
    let mut style = Style::new();
    let mut words = text.split_whitespace();
    let mut any = false;
    while let Some(word) = words.next() {
        any = true;
        let modifier = match word.to_ascii_lowercase().as_str() {
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underlined" | "underline" => Some(Modifier::UNDERLINED),
            "reversed" | "reverse" => Some(Modifier::REVERSED),
            "crossed_out" | "strikethrough" => Some(Modifier::CROSSED_OUT),
            _ => None,
        };
        if let Some(modifier) = modifier {
            style = style.add_modifier(modifier);
        } else if word.eq_ignore_ascii_case("on") {
            style = style.bg(parse_colour(words.next()?)?);
        } else {
            style = style.fg(parse_colour(word)?);
        }
    }
    any.then_some(style)
}

fn parse_colour(text: &str) -> Option<Color> {
    let normalised = text.replace('-', "_");
    Color::from_str(&normalised).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_set_roles() {
        let theme = Theme::with_overrides(&[
            ("link".into(), "#ff8800".into()),
            ("selected".into(), "bold black on light_green".into()),
            ("error".into(), "208".into()),
        ])
        .expect("valid theme");
        assert_eq!(theme.link, Style::new().fg(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(
            theme.selected,
            Style::new()
                .fg(Color::Black)
                .bg(Color::LightGreen)
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.error, Style::new().fg(Color::Indexed(208)));
    }

    #[test]
    fn bad_roles_and_colours_are_named() {
        let err = Theme::with_overrides(&[("sparkle".into(), "red".into())]).unwrap_err();
        assert!(err.to_string().contains("sparkle"));
        let err = Theme::with_overrides(&[("link".into(), "blurple".into())]).unwrap_err();
        assert!(err.to_string().contains("blurple"));
    }

    #[test]
    fn no_color_uses_no_colours() {
        let theme = Theme::no_color();
        for style in [
            theme.selected,
            theme.link,
            theme.error,
            theme.article(true, true, true),
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
    }
}
