//! Kinde management API SDK: connections, with machine-to-machine tokens.
