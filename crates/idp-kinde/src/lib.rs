//! # idp-kinde
//!
//! A Rust SDK for the [Kinde](https://kinde.com) Management API: connections (social OAuth,
//! Microsoft Entra ID and SAML identity providers), authenticated with machine-to-machine tokens.
//!
//! - Six operations as public values in [`ops`] ([`ops::CreateConnection`], `DeleteConnection`,
//!   `GetConnection`, `GetConnections`, `ReplaceConnection`, `UpdateConnection`), run with
//!   [`Client::execute`] / [`Client::items`], and as the methods of [`ops::Connections`] named
//!   after Kinde's Python SDK (`create`, `delete`, `get`, `list` for `get_connections`, `replace`,
//!   `update`); [`OPERATIONS`] lists them with the spec's operation ids.
//! - M2M tokens (client-credentials grant) cached, refreshed 60 s early, fetched once however many
//!   calls wait, refreshed once after a 401; or a bearer token you supply.
//! - Cursor pagination (`starting_after` / `ending_before`) as lazy streams.
//! - Retries of 429s honouring `Retry-After`, else `RateLimit-Reset`; Kinde's error shapes (array
//!   or single object, or no body) mapped to one [`Error`].
//!
//! ## Setup
//!
//! ```no_run
//! # fn run() -> idp_kinde::Result<()> {
//! // From KINDE_DOMAIN, KINDE_MANAGEMENT_CLIENT_ID, KINDE_MANAGEMENT_CLIENT_SECRET (+ KINDE_AUDIENCE):
//! let kinde = idp_kinde::Client::from_env()?;
//! // Or explicitly:
//! let kinde = idp_kinde::Client::builder()
//!     .domain("acme.kinde.com")
//!     .client_credentials("m2m-client-id", "m2m-client-secret")
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! ## Connections
//!
//! Every call is an operation value ([`ops`]): build it, keep it, inspect it, run it with
//! [`Client::execute`] — or through the `kinde.connections()` handle, which builds the same values.
//!
//! ```no_run
//! # async fn run(kinde: idp_kinde::Client) -> idp_kinde::Result<()> {
//! use idp_kinde::models::{
//!     CreateConnectionRequest, CreateConnectionRequestOptionsSaml, NameIdFormat, Strategy,
//!     UpdateConnectionRequest,
//! };
//! use idp_kinde::ops::{CreateConnection, GetConnections};
//!
//! // Create a SAML connection: the options variant is the caller's choice.
//! let op = CreateConnection::new(
//!     CreateConnectionRequest::new("okta-sso", "Okta SSO", Strategy::SamlOkta).options(
//!         CreateConnectionRequestOptionsSaml::new()
//!             .saml_entity_id("https://kinde.com")
//!             .saml_idp_metadata_url("https://acme.okta.com/app/xyz/sso/saml/metadata")
//!             .name_id_format(NameIdFormat::EmailAddress),
//!     ),
//! );
//! let created = kinde.execute(op).await?;
//! let id = created.id().unwrap_or_default().to_owned();
//!
//! // Read it (the connection itself), rename it, list every connection lazily, delete it.
//! let connection = kinde.connections().get(&id).send().await?;
//! println!("{:?} {:?}", connection.display_name, connection.strategy);
//! kinde
//!     .connections()
//!     .update(&id, UpdateConnectionRequest::new().display_name("Okta"))
//!     .send()
//!     .await?;
//! let mut all = kinde.items(GetConnections::new().page_size(50));
//! while let Some(connection) = all.try_next().await? {
//!     println!("{:?} {:?}", connection.id(), connection.strategy);
//! }
//! kinde.connections().delete(&id).send().await?;
//! # Ok(()) }
//! ```
//!
//! ## Your own transport, credentials and retries
//!
//! Everything a client is built from is named by this crate alone. Here a transport answers
//! from memory, credentials are a fixed bearer token, and retries are off:
//!
//! ```
//! use std::sync::Arc;
//! use idp_kinde::ops::GetConnection;
//! use idp_kinde::{
//!     Client, HttpRequest, HttpResponse, RetryPolicy, SecretString, StaticToken, Transport,
//!     TransportError,
//! };
//!
//! /// Answers every request with one connection, after checking what the SDK sent.
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[idp_kinde::async_trait]
//! impl Transport for Canned {
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         assert_eq!(request.uri().path(), "/api/v1/connections/conn_1");
//!         assert_eq!(request.headers()["authorization"], "Bearer my-token");
//!         Ok(HttpResponse::new(
//!             r#"{"code":"OK","connection":{"id":"conn_1","strategy":"oauth2:github"}}"#.into(),
//!         ))
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let kinde = Client::builder()
//!     .domain("acme.kinde.com")
//!     .transport(Arc::new(Canned))
//!     .credentials(Arc::new(StaticToken::bearer(&SecretString::from("my-token"))?))
//!     .retry_policy(RetryPolicy::new().max_retries(1))
//!     .build()?;
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let connection = runtime.block_on(kinde.execute(GetConnection::new("conn_1")))?;
//! assert_eq!(connection.id(), Some("conn_1"));
//! # Ok(()) }
//! ```
//!
//! ## Errors
//!
//! ```no_run
//! # async fn run(kinde: idp_kinde::Client) {
//! match kinde.connections().get("conn_missing").send().await {
//!     Ok(c) => println!("{c:?}"),
//!     Err(e) if e.is_not_found() => println!("gone"),
//!     Err(e) => eprintln!("{e}"), // names the operation, status, Kinde's code and message
//! }
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod auth;
mod client;
pub mod config;
mod error;
pub mod models;
pub mod ops;
mod pagination;

pub use client::{Client, ClientBuilder, Kinde, Request};
pub use idp_core::common::*;
pub use ops::OPERATIONS;
