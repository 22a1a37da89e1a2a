//! The tidings binary: parse the command line and run.
fn main() {}
