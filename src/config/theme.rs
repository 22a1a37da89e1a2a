//! Placeholder until the theme lands: the loader needs these names to compile.

/// Colours by role (placeholder).
#[derive(Debug, Clone, Default)]
pub struct Theme;

/// A bad entry in `[theme]`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ThemeError(pub String);

impl Theme {
    pub fn with_overrides(_overrides: &[(String, String)]) -> Result<Theme, ThemeError> {
        Ok(Theme)
    }
}
