//! The TUI loop: owns the terminal, one inbox, runs effects, draws when dirty.
