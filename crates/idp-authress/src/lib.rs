//! # idp-authress
//!
//! A client for the [Authress](https://authress.io) SSO connections API (`ConnectionsApi`), built
//! on `idp-core`: retries, timeouts, lazy pagination and one error type.
//!
//! - **Auth**: a service client access key is turned into a short-lived EdDSA JWT signed
//!   locally ([`ClientBuilder::access_key`]); a user's token can be passed through
//!   ([`ClientBuilder::user_token`]); sending the raw key as the bearer is an explicit opt-in
//!   ([`ClientBuilder::raw_access_key_as_bearer`]).
//! - **Models** keep unknown fields and enum values, and tell an absent field from an explicit
//!   `null` ([`models::Nullable`]), so a GET → edit → PUT round trip loses nothing.
//! - Every call sends `Accept: application/links+json`; ids are encoded as single path segments
//!   (`google|a/b c+d@e:f` works).
//!
//! ```no_run
//! use idp_authress::Client;
//! use idp_authress::models::{Connection, ConnectionType, Nullable};
//!
//! # async fn run() -> idp_authress::Result<()> {
//! // AUTHRESS_KEY (and optionally AUTHRESS_API_URL) from the environment:
//! let client = Client::from_env()?;
//! // Or explicitly:
//! let client = Client::builder()
//!     .base_url("login.example.com")
//!     .access_key("sc_abc.kid1.acc-123.MC4CAQAwBQYDK2VwBCIEI...")
//!     .build()?;
//!
//! // Create.
//! let mut connection = Connection::new(ConnectionType::Oauth2);
//! connection.authentication_url = Some("https://accounts.google.com/o/oauth2/v2/auth".into());
//! connection.token_url = "https://oauth2.googleapis.com/token".into();
//! connection.client_id = "my-client".into();
//! connection.client_secret = "my-secret".into();
//! let created = client.connections().create(connection).send().await?;
//! let id = created.connection_id.value().cloned().unwrap_or_default();
//!
//! // Read, edit, replace (unknown fields are kept; Nullable::Null sends `null`).
//! let mut connection = client.connections().get(&id).send().await?;
//! connection.issuer_url = Nullable::Null;
//! client.connections().update(&id, connection).send().await?;
//!
//! // List lazily, page by page behind the scenes.
//! let mut all = client.connections().list().items();
//! while let Some(connection) = all.try_next().await? {
//!     println!("{:?}", connection.connection_id);
//! }
//!
//! // A user's provider token from their latest login.
//! let credentials = client.connections().get_credentials(&id, "google|12345").send().await?;
//! # let _ = credentials;
//!
//! // Delete.
//! client.connections().delete(&id).send().await?;
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
pub use idp_core::{Error, ErrorKind, ItemStream, Page, PageStream, Pager, Result, RetryPolicy};
pub use ops::OPERATIONS;
