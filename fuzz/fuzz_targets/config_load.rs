//! Fuzz target: config text → `Config::from_toml`, and import text → `import_sources`. Never
//! panics; errors name the file; no source or import is anything but an http, https or file URL.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/fuzz/config.toml");
    match tidings::config::Config::from_toml(path, &text) {
        Ok(config) => {
            for source in &config.sources {
                let scheme = url::Url::parse(&source.url).map(|u| u.scheme().to_string());
                assert!(
                    matches!(scheme.as_deref(), Ok("http" | "https" | "file")),
                    "source {:?}",
                    source.url
                );
            }
        }
        Err(err) => assert!(err.to_string().starts_with("/fuzz/config.toml"), "{err}"),
    }
    if let Ok(report) = tidings::config::import::import_sources(Path::new("urls"), &text) {
        for source in &report.sources {
            let scheme = url::Url::parse(&source.url).map(|u| u.scheme().to_string());
            assert!(
                matches!(scheme.as_deref(), Ok("http" | "https" | "file")),
                "import {:?}",
                source.url
            );
        }
    }
});
