//! # idp-core
//!
//! The contracts and the one request pipeline shared by the idp provider crates
//! (`idp-okta`, `idp-authress`, `idp-kinde`). It knows no provider: each provider crate supplies a
//! [`Provider`] (error body, request id, rate-limit and retry-hint rules), its [`Operation`]s and
//! its [`Credentials`].
//!
//! ```text
//! operation ─► build request ─► authenticate ─► Transport::send ─► classify ─► retry ─► decode
//! ```
//!
//! - [`Transport`]: sends bytes; [`ReqwestTransport`] is the default (pooled, rustls on ring).
//! - [`Credentials`]: [`StaticToken`], or [`CachedToken`] over a [`TokenSource`] (early refresh,
//!   single-flight, one refresh and retry after a 401).
//! - [`Operation`] / [`Paginated`]: calls as data; [`Pager`] streams pages and items lazily.
//! - [`RetryPolicy`]: a pure decision function with server hints ([`retry::server_hint`]).
//! - [`Error`]: one opaque error with an [`ErrorKind`] and accessors.
//!
//! Users normally reach all of this through a provider crate's `Client`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
mod client;
pub mod enums;
pub mod error;
pub mod operation;
pub mod pagination;
pub mod provider;
pub mod ratelimit;
mod request;
pub mod retry;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
mod urls;

pub use auth::{
    AccessToken, AuthContext, AuthStamp, CachedToken, Credentials, ExposeSecret, NoAuth,
    OnUnauthorized, SecretString, StaticToken, TokenSource,
};
pub use client::{
    Call, CallOptions, Client, ClientBuilder, DEFAULT_TIMEOUT, Response, ResponseMeta, decode_json,
};
pub use enums::UnknownValue;
pub use error::{ApiError, Error, ErrorBody, ErrorKind, Result};
pub use operation::{Body, Operation, OperationInfo};
pub use pagination::{ItemStream, NextPage, Page, PageStream, Pager, Paginated};
pub use provider::Provider;
pub use ratelimit::RateLimit;
pub use retry::{Clock, RetryPolicy, Sleeper, SystemClock, TokioSleeper};
pub use transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError};
pub use urls::{BaseUrl, encode_segment, is_loopback};

/// The version of the rustc that built this crate (for `User-Agent`-style headers).
pub const RUSTC_VERSION: &str = env!("IDP_RUSTC_VERSION");

/// Re-exports of the HTTP types that appear in the public API.
pub mod http {
    pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
