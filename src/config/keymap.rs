//! Placeholder until the keymap lands: the loader needs these names to compile.

/// The key bindings (placeholder).
#[derive(Debug, Clone, Default)]
pub struct Keymap;

/// A bad binding in `[keys]`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeymapError(pub String);

impl Keymap {
    pub fn with_overrides(_overrides: &[(String, String)]) -> Result<Keymap, KeymapError> {
        Ok(Keymap)
    }
}
