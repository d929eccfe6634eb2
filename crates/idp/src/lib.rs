//! # idp
//!
//! Rust SDKs for the management APIs of Okta, Authress and Kinde, behind one dependency.
//! Each provider is a feature, all on by default, re-exported as a module:
//!
//! | feature | module | crate |
//! | --- | --- | --- |
//! | `okta` | [`okta`] | `idp-okta` |
//! | `authress` | [`authress`] | `idp-authress` |
//! | `kinde` | [`kinde`] | `idp-kinde` |
//!
//! A program that talks to one provider only turns the others off
//! (`idp = { version = "0.1", default-features = false, features = ["kinde"] }`) and compiles
//! nothing of them. The shared types — [`Error`], [`ErrorKind`], [`RetryPolicy`], the transport and
//! credentials contracts — live in [`core`].
//!
//! Every call returns [`Result`]; the error names the operation, the HTTP status, the provider's
//! error code and message and the request id, and never a secret.
//!
//! `examples/tour/main.rs` walks through all three providers against the fake servers of `idp-testkit`:
//! `cargo run -p idp --example tour`.
#![forbid(unsafe_code)]

pub use idp_core as core;
pub use idp_core::{Error, ErrorKind, Result, RetryPolicy};

#[cfg(feature = "authress")]
#[doc(inline)]
pub use idp_authress as authress;
#[cfg(feature = "kinde")]
#[doc(inline)]
pub use idp_kinde as kinde;
#[cfg(feature = "okta")]
#[doc(inline)]
pub use idp_okta as okta;

/// The README's quickstarts, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
