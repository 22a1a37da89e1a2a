//! HTML → styled lines at a width, numbered links, and the one sanitiser for network text. Pure.

pub mod sanitize;

pub use sanitize::{clean, clean_line};
