//! The reader's state machine: State, Action (user intent), Msg (facts from workers), update() → effects. No I/O.
