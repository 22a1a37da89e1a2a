//! The tidings binary (being wired).
fn main() {}
