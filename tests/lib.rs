//! Workspace integration tests live in `tests/it`.
