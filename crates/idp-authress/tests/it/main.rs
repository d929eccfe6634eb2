//! Integration tests of idp-authress.

mod auth;
mod common;
mod config;
mod models;
mod mutants_auth;
mod mutants_error;
mod operations;
mod requests;
mod spec;
mod streams;
mod wire;
