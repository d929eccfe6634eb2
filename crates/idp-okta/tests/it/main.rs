//! Integration tests of idp-okta.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod auth;
mod bulk;
mod common;
mod conditions;
mod config_files;
mod models;
mod mutants_auth;
mod mutants_error;
mod operations;
mod real_org;
mod shape;
mod spec;
mod streams;
mod wire;
