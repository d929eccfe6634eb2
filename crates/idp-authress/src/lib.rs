//! # idp-authress
//!
//! A client for the [Authress](https://authress.io) SSO connections API (`ConnectionsApi`), built
//! on `idp-core`: retries, timeouts, lazy pagination and one error type. This crate alone is
//! enough to write a program against Authress: it re-exports every type its signatures name
//! ([`Transport`], [`Credentials`], [`RetryPolicy`], [`Nullable`], [`Error`], …).
//!
//! - **Auth**: a service client access key is turned into a short-lived EdDSA JWT signed
//!   locally ([`ClientBuilder::access_key`]); a user's token can be passed through
//!   ([`ClientBuilder::user_token`]); sending the raw key as the bearer is an explicit opt-in
//!   ([`ClientBuilder::raw_access_key_as_bearer`]); any [`Credentials`] can be plugged in
//!   ([`ClientBuilder::credentials`]).
//! - **Operations are values** ([`ops`]): `GetConnection::new(id)`, `GetConnections::new().limit(50)`,
//!   … can be built, kept, inspected with no network and run with [`Client::execute`] /
//!   [`Client::items`]; `client.connections()` is sugar over the same values.
//! - **Models** are built with `new`/`default` and setters named after their fields; they keep
//!   unknown fields and enum values, and tell an absent field from an explicit `null`
//!   ([`Nullable`]), so a GET → edit → PUT round trip loses nothing. The one field GET never
//!   returns, an OAuth connection's `clientSecret`, must be sent again on update: an update
//!   without it is refused before sending ([`ops::UpdateConnection`] says how to opt out).
//! - Errors show what the server said: Authress's `title`, the AWS front end's `message`, or a
//!   short excerpt of a plain-text body.
//! - Every call sends `Accept: application/links+json`; ids are encoded as single path segments
//!   (`google|a/b c+d@e:f` works).
//!
//! ```no_run
//! use idp_authress::models::{Connection, ConnectionData, ConnectionType, Nullable};
//! use idp_authress::ops::{CreateConnection, GetConnections};
//! use idp_authress::Client;
//!
//! # async fn run() -> idp_authress::Result<()> {
//! // AUTHRESS_KEY (and optionally AUTHRESS_API_URL) from the environment:
//! let authress = Client::from_env()?;
//! // Or explicitly:
//! let authress = Client::builder()
//!     .base_url("login.example.com")
//!     .access_key("sc_abc.kid1.acc-123.MC4CAQAwBQYDK2VwBCIEI...")
//!     .build()?;
//!
//! // Create: an operation built as a value, run with `execute`.
//! let connection = Connection::new(ConnectionType::Oauth2)
//!     .authentication_url("https://accounts.google.com/o/oauth2/v2/auth")
//!     .token_url("https://oauth2.googleapis.com/token")
//!     .client_id("my-client")
//!     .client_secret("my-secret")
//!     .data(ConnectionData::default().name("Google"));
//! let created = authress.execute(CreateConnection::new(connection)).await?;
//! let id = created.id().unwrap_or_default().to_owned();
//!
//! // Read, edit, replace (unknown fields are kept; Nullable::Null sends `null`). GET never
//! // returns the client secret and PUT replaces everything, so send the secret again.
//! let connection = authress.connections().get(&id).send().await?;
//! authress
//!     .connections()
//!     .update(&id, connection.issuer_url(Nullable::Null).client_secret("my-secret"))
//!     .send()
//!     .await?;
//!
//! // List lazily, page by page behind the scenes.
//! let mut all = authress.items(GetConnections::new().limit(50));
//! while let Some(connection) = all.try_next().await? {
//!     println!("{:?}", connection.id());
//! }
//!
//! // A user's provider token from their latest login.
//! let credentials = authress.connections().get_credentials(&id, "google|12345").send().await?;
//! # let _ = credentials;
//!
//! // Delete.
//! authress.connections().delete(&id).send().await?;
//! # Ok(()) }
//! ```
//!
//! Your own transport, credentials and retry policy, with nothing but this crate (the transport
//! here answers from memory, so the example runs without a network):
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use idp_authress::ops::GetConnection;
//! use idp_authress::{
//!     Client, HttpRequest, HttpResponse, RetryPolicy, SecretString, StaticToken, Transport,
//!     TransportError,
//! };
//!
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[idp_authress::async_trait]
//! impl Transport for Canned {
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         assert_eq!(request.uri().path(), "/v1/connections/google");
//!         let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok());
//!         assert_eq!(auth, Some("Bearer my-token"));
//!         Ok(HttpResponse::new(r#"{"type":"OAUTH2","connectionId":"google"}"#.into()))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> idp_authress::Result<()> {
//! let authress = Client::builder()
//!     .base_url("https://acc-123.api.authress.io")
//!     .transport(Arc::new(Canned))
//!     .credentials(Arc::new(StaticToken::bearer(&SecretString::from("my-token"))?))
//!     .retry_policy(RetryPolicy::new().max_retries(5).base_delay(Duration::from_millis(20)))
//!     .build()?;
//! let connection = authress.execute(GetConnection::new("google")).await?;
//! assert_eq!(connection.id(), Some("google"));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod auth;
mod client;
pub mod config;
mod error;
pub mod models;
pub mod ops;
mod pagination;

pub use client::{Authress, Client, ClientBuilder, Request};
pub use idp_core::common::*;
pub use ops::OPERATIONS;
