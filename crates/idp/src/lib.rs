//! # idp
//!
//! Rust SDKs for the management APIs of Okta, Authress and Kinde. Each provider is a feature
//! (all on by default) re-exported as a module; the shared core types are in [`core`].
#![forbid(unsafe_code)]

pub use idp_core as core;
pub use idp_core::{Error, ErrorKind, Result, RetryPolicy};

#[cfg(feature = "authress")]
pub use idp_authress as authress;
#[cfg(feature = "kinde")]
pub use idp_kinde as kinde;
#[cfg(feature = "okta")]
pub use idp_okta as okta;
