//! The Kinde Management API's data types, one Rust type per schema of the spec, all reachable as
//! `idp_kinde::models::X`.
//!
//! - Requests ([`CreateConnectionRequest`], [`UpdateConnectionRequest`],
//!   [`ReplaceConnectionRequest`]) and their `options` variants are built one way:
//!   `Type::new(required…)` (or `Type::new()` / `Type::default()` when nothing is required) and
//!   by-value setters named after the fields. Fields are `pub` for reading.
//! - Responses ([`Connection`], [`GetConnectionResponse`], [`GetConnectionsResponse`],
//!   [`CreateConnectionResponse`], [`SuccessResponse`]) tolerate unknown fields; whatever has an id
//!   answers `.id()`.
//!
//! Every type is `#[non_exhaustive]`. Types that can carry a secret (OAuth client secrets, SAML
//! signing keys) have a `Debug` that redacts it.

mod enums;
mod options;
mod requests;
mod responses;

pub use enums::*;
pub use options::*;
pub use requests::*;
pub use responses::*;
