//! # idp-okta
//!
//! The Okta management API for Rust: application connections, application users and hook keys —
//! every operation of those three APIs, with SSWS API tokens, caller-supplied OAuth access tokens,
//! or OAuth 2.0 service apps (`private_key_jwt` with DPoP).
//!
//! ```no_run
//! # async fn run() -> idp_okta::Result<()> {
//! use idp_okta::Client;
//!
//! // API token (`Authorization: SSWS …`); or `.access_token(..)`, or
//! // `.private_key_jwt(client_id, pem, ["okta.apps.read"])` (DPoP on by default).
//! let okta = Client::builder()
//!     .org_url("https://acme.okta.com")
//!     .api_token("00abc…")
//!     .build()?;
//! // Or from OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN, … like Okta's official SDKs:
//! // let okta = Client::from_env()?;
//! # let _ = okta; Ok(()) }
//! ```
//!
//! ## Application users
//!
//! ```no_run
//! # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
//! use idp_okta::models::{AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserUpdateRequest};
//! use serde_json::json;
//!
//! let assigned = okta
//!     .application_users()
//!     .assign(
//!         "0oa1app",
//!         AppUserAssignRequest::new("00u1user")
//!             .scope(AppUserScope::User)
//!             .credentials(AppUserCredentials::user_name("rae@example.com"))
//!             .profile(json!({ "role": "Developer" })),
//!     )
//!     .send()
//!     .await?;
//! // Every assigned user, page after page (Link headers), lazily:
//! let mut users = okta.application_users().list("0oa1app").limit(200).items();
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?} {:?}", user.id, user.status);
//! }
//! let mut profile = assigned.profile.unwrap_or_default();
//! profile.insert("role".into(), json!("Lead"));
//! okta.application_users()
//!     .update("0oa1app", "00u1user", AppUserUpdateRequest::profile(profile))
//!     .send()
//!     .await?;
//! okta.application_users().unassign("0oa1app", "00u1user").send_email(false).send().await?;
//! # Ok(()) }
//! ```
//!
//! ## Application connections
//!
//! ```no_run
//! # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
//! use idp_okta::models::ProvisioningConnectionTokenRequest;
//!
//! let conn = okta.application_connections().get_default("0oa1app").send().await?;
//! println!("{} {}", conn.status, conn.profile.auth_scheme);
//! okta.application_connections()
//!     .update_default("0oa1app", ProvisioningConnectionTokenRequest::new("scim-token"))
//!     .activate(true)
//!     .send()
//!     .await?;
//! okta.application_connections().deactivate_default("0oa1app").send().await?;
//! # Ok(()) }
//! ```
//!
//! ## Hook keys
//!
//! ```no_run
//! # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
//! use idp_okta::models::KeyRequest;
//!
//! let key = okta.hook_keys().create(KeyRequest::new("my key")).send().await?;
//! let public = okta.hook_keys().get_public_key(key.key_id.unwrap_or_default()).send().await?;
//! println!("{:?}", public.kid);
//! for key in okta.hook_keys().list().send().await? {
//!     println!("{:?} used: {:?}", key.name, key.is_used);
//! }
//! # Ok(()) }
//! ```
//!
//! ## Errors, rate limits, retries
//!
//! Every error is an [`Error`] whose `Display` names the operation, status, Okta `errorCode` and
//! `errorSummary` and the `X-Okta-Request-Id`. A 429 is retried after
//! `X-Rate-Limit-Reset − Date + 1 s` (as Okta's SDKs do) with `X-Okta-Retry-For` /
//! `X-Okta-Retry-Count` headers; rate-limit headers are on every response
//! (`send_with_meta`) and error.
#![forbid(unsafe_code)]

pub mod auth;
mod client;
pub mod config;
mod error;
pub mod models;
pub mod ops;
mod pagination;

pub use client::{Client, ClientBuilder, Okta, REQUEST_ID_HEADER, Request};
pub use idp_core::{Error, ErrorKind, ItemStream, Page, PageStream, Pager, Result, RetryPolicy};
pub use ops::OPERATIONS;
