//! The tidings binary: parse the command line, start logging, run. Nothing else.

use std::process::ExitCode;

use clap::Parser;

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
