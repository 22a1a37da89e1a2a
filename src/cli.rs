//! Command-line definitions and the headless commands.
