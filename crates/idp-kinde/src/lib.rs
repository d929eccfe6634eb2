//! # idp-kinde
//!
//! A Rust SDK for the [Kinde](https://kinde.com) Management API: connections (social OAuth,
//! Microsoft Entra ID and SAML identity providers), authenticated with machine-to-machine tokens.
//!
//! - Six operations, named after Kinde's Python SDK: [`ops::Connections::create`], `delete`, `get`,
//!   `list` (`get_connections`), `replace` and `update`; [`OPERATIONS`] lists them with the spec's
//!   operation ids.
//! - M2M tokens (client-credentials grant) cached, refreshed 60 s early, fetched once however many
//!   calls wait, refreshed once after a 401; or a bearer token you supply.
//! - Cursor pagination (`starting_after` / `ending_before`) as lazy streams.
//! - Retries of 429s honouring `RateLimit-Reset`; Kinde's error shapes (array or single object,
//!   or no body) mapped to one [`Error`].
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
//! ```no_run
//! # async fn run(kinde: idp_kinde::Client) -> idp_kinde::Result<()> {
//! use idp_kinde::models::{
//!     CreateConnectionRequest, CreateConnectionRequestOptionsSaml, NameIdFormat, Strategy,
//!     UpdateConnectionRequest,
//! };
//!
//! // Create a SAML connection: the options variant is the caller's choice.
//! let created = kinde
//!     .connections()
//!     .create(
//!         CreateConnectionRequest::new("okta-sso", "Okta SSO", Strategy::SamlOkta).options(
//!             CreateConnectionRequestOptionsSaml::new()
//!                 .saml_entity_id("https://kinde.com")
//!                 .saml_idp_metadata_url("https://acme.okta.com/app/xyz/sso/saml/metadata")
//!                 .name_id_format(NameIdFormat::EmailAddress),
//!         ),
//!     )
//!     .send()
//!     .await?;
//! let id = created.id().unwrap_or_default().to_owned();
//!
//! // Read it, rename it, list every connection lazily, delete it.
//! let got = kinde.connections().get(&id).send().await?;
//! kinde
//!     .connections()
//!     .update(&id, UpdateConnectionRequest::new().display_name("Okta"))
//!     .send()
//!     .await?;
//! let mut all = kinde.connections().list().page_size(100).items();
//! while let Some(connection) = all.try_next().await? {
//!     println!("{:?} {:?}", connection.id, connection.strategy);
//! }
//! kinde.connections().delete(&id).send().await?;
//! # let _ = got;
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
pub use idp_core::{Error, ErrorKind, ItemStream, Page, PageStream, Pager, Result, RetryPolicy};
pub use ops::OPERATIONS;
