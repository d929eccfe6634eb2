//! Workspace end-to-end tests: every operation of every provider through the real clients against
//! the `idp-testkit` fakes, over loopback HTTP.

mod authress;
mod common;
mod footprint;
mod fuzz;
mod governor;
mod hostile;
mod hygiene;
mod kinde;
mod okta;
mod reliability;

type TestResult = Result<(), Box<dyn std::error::Error>>;
