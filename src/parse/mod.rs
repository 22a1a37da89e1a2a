//! Bytes → ParsedFeed: feeds (RSS, Atom, JSON Feed), pages, APIs. Pure and synchronous.
