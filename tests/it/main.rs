//! Workspace end-to-end tests: every operation of every provider through the real clients against
//! the `idp-testkit` fakes, over loopback HTTP.

mod authress;
mod kinde;

type TestResult = Result<(), Box<dyn std::error::Error>>;
