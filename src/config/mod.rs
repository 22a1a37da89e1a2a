//! Configuration: load and validate (errors name file and line), embedded defaults.
