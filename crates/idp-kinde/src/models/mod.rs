//! The Kinde Management API's data types, one Rust type per schema of the spec.
//!
//! Response types are `#[non_exhaustive]` and tolerate unknown fields; request types have
//! constructors and chainable setters. Types that can carry a secret (OAuth client secrets, SAML
//! signing keys) have a `Debug` that redacts it.

pub mod connections;

pub use connections::*;
