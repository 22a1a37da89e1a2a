//! The tidings binary: parse the command line, start logging, run. Nothing else.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc rather than the system allocator: a big refresh allocates bodies and articles on
/// several threads and frees them on the store's, and with glibc's allocator the 5,000-feed
/// refresh took about 6 % more CPU and more memory (BENCHMARKS.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = tidings::cli::Cli::parse();
    let _log_guard = tidings::logging::init(&cli.paths().log_file, &cli.log_level);
    match tidings::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tidings: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}
