//! A refresh: fetch each source, parse, store, and report per-source outcomes as they finish.
