//! One Rust type per schema of Okta's spec subset, named after it.
//!
//! Enums are open (unknown values are kept and round-trip); unknown fields never fail decoding,
//! and on the types you read, edit and send back they are kept in `extra`.

pub mod application_connections;
pub mod application_users;
pub mod error;
pub mod hook_keys;
pub mod links;

pub use application_connections::*;
pub use application_users::*;
pub use error::{Error, ErrorCause};
pub use hook_keys::{DetailedHookKeyInstance, Embedded, HookKey, KeyRequest, PublicKey};
pub use links::*;
