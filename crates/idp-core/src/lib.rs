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
//! - [`RetryPolicy`]: a pure decision function; providers read their own hints into a
//!   [`RetryHint`] from the header primitives in [`retry`] and [`ratelimit`].
//! - [`Bulk`]: many operations with bounded concurrency, per-item outcomes and a resumable
//!   [`BulkReport`].
//! - [`Error`]: one opaque error with an [`ErrorKind`] and accessors.
//!
//! Users normally reach all of this through a provider crate's `Client`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod bulk;
mod client;
pub mod enums;
mod env;
pub mod error;
pub mod governor;
mod nullable;
pub mod operation;
pub mod pagination;
pub mod provider;
pub mod ratelimit;
mod request;
pub mod retry;
pub mod transport;
mod urls;

pub use auth::{
    AccessToken, AuthContext, AuthStamp, CachedToken, Credentials, ExposeSecret, NoAuth,
    OnUnauthorized, SecretString, StaticToken, TokenSource,
};
pub use bulk::{
    Bulk, BulkFailure, BulkOutcome, BulkProgress, BulkReport, BulkStream, ErrorSummary,
};
pub use client::{
    Call, CallOptions, Client, ClientBuilder, DEFAULT_TIMEOUT, Response, ResponseMeta, decode_json,
};
pub use enums::UnknownValue;
pub use env::EnvVars;
pub use error::{ApiError, Error, ErrorBody, ErrorKind, Result};
pub use governor::{InProcessBudget, RateBudget};
pub use nullable::Nullable;
pub use operation::{Body, Operation, OperationInfo, PathParams, Query, render_path};
pub use pagination::{ItemStream, NextPage, Page, PageStream, Pager, Paginated};
pub use provider::Provider;
pub use ratelimit::{RateLimit, Reset};
pub use retry::{Clock, RetryHint, RetryPolicy, Sleeper, SystemClock, TokioSleeper};
pub use transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError};
pub use urls::{BaseUrl, encode_segment, is_loopback};

/// The version of the rustc that built this crate (for `User-Agent`-style headers).
pub const RUSTC_VERSION: &str = env!("IDP_RUSTC_VERSION");

/// What every provider crate re-exports (`pub use idp_core::common::*;`): the types its public
/// signatures name, so that one provider crate alone is enough to write a program against it.
pub mod common {
    pub use crate::auth::{
        AccessToken, AuthContext, AuthStamp, CachedToken, Credentials, ExposeSecret,
        OnUnauthorized, SecretString, StaticToken, TokenSource,
    };
    pub use crate::bulk::{
        Bulk, BulkFailure, BulkOutcome, BulkProgress, BulkReport, BulkStream, ErrorSummary,
    };
    pub use crate::client::{CallOptions, Response, ResponseMeta};
    pub use crate::enums::UnknownValue;
    pub use crate::env::EnvVars;
    pub use crate::error::{ApiError, Error, ErrorKind, Result};
    pub use crate::governor::{InProcessBudget, RateBudget};
    pub use crate::http;
    pub use crate::nullable::Nullable;
    pub use crate::operation::{Body, Operation, OperationInfo, PathParams, Query};
    pub use crate::pagination::{ItemStream, NextPage, Page, PageStream, Pager, Paginated};
    pub use crate::ratelimit::RateLimit;
    pub use crate::retry::{Clock, RetryPolicy, Sleeper, SystemClock, TokioSleeper};
    pub use crate::transport::{
        HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
    };
    pub use crate::urls::BaseUrl;
    /// The attribute that `Transport` and `Credentials` implementations need.
    pub use async_trait::async_trait;
}

/// Re-exports of the HTTP types that appear in the public API.
pub mod http {
    pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
}

#[doc(hidden)]
pub mod __private {
    pub use crate::enums::deserialize_open_enum;
    pub use serde;
}
