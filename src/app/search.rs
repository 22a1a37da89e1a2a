//! The search prompt and the help overlay's state.

use tui_input::Input as TextInput;

use crate::model::ArticleView;

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    /// The prompt's text, while the prompt is open.
    pub prompt: Option<TextInput>,
    /// The query whose results are shown.
    pub query: Option<String>,
    /// The view to go back to when the results are closed.
    pub return_to: Option<ArticleView>,
}

impl SearchState {
    pub fn prompt_open(&self) -> bool {
        self.prompt.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct HelpState {
    pub visible: bool,
    pub scroll: usize,
}
