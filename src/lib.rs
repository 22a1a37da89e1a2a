//! tidings: a terminal news reader. The library holds everything; `main.rs` only starts it.
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod demo;
pub mod fetch;
pub mod logging;
pub mod model;
pub mod niceness;
pub mod parse;
pub mod refresh;
pub mod render;
pub mod runtime;
pub mod store;
pub mod ui;
