//! The embedded demo news site, served from the binary on 127.0.0.1 (being written).
