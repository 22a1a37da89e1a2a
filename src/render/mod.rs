//! HTML → styled lines at a width, numbered links, and the one sanitiser for network text. Pure.

pub mod html;
mod nesting;
pub mod sanitize;
mod wrap;

pub use html::{RenderedBody, html_to_text, render_html, roles};
pub use sanitize::{clean, clean_line};
