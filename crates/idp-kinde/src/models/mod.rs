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
//! - Every request and `options` struct has an `extra` map (and an `.extra(name, value)` setter)
//!   for fields Kinde added after this release; decoding never fails on an unknown field.
//! - `nullable` request fields (`organization_code`) are [`Nullable`]: left out, `null`, or set.
//!
//! Every type is `#[non_exhaustive]`. Types that can carry a secret (OAuth client secrets, SAML
//! signing keys) have a `Debug` that redacts it.

mod enums;
mod options;
mod requests;
mod responses;

/// The three states of a `nullable` request field (left out, `null`, a value); also
/// `idp_kinde::Nullable`.
pub use idp_core::Nullable;

pub use enums::*;
pub use options::*;
pub use requests::*;
pub use responses::*;
