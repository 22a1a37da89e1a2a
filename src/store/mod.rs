//! SQLite storage: schema and migrations, upserts, list windows, search. One thread owns the connection.
