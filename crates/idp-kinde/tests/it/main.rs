//! Integration tests of idp-kinde.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod common;
mod conditions;
mod errors;
mod fake_e2e;
mod mutants_auth;
mod mutants_error;
mod operations;
mod pagination;
mod real_api;
mod request_shape;
mod retry;
mod spec;
mod streams;
