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
//! // Or like Okta's official SDKs: ~/.okta/okta.yaml, then ./okta.yaml, then the
//! // OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN, … variables (see `config`):
//! // let okta = Client::from_env()?;
//! # let _ = okta; Ok(()) }
//! ```
//!
//! ## Operations are values
//!
//! Every API call is a plain value in [`ops`], named after the spec's `operationId`: build it,
//! inspect it (method, path, query and body, with no network), keep it, and run it with
//! [`Client::execute`] (or [`Client::items`] for a list). The resource handles
//! (`okta.application_users()`, …) are sugar that builds the same values.
//!
//! ```no_run
//! # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
//! use idp_okta::Operation;
//! use idp_okta::ops::{GetApplicationUser, ListApplicationUsers};
//!
//! let op = GetApplicationUser::new("0oa1app", "00u1user").expand("user");
//! assert_eq!(op.path()?, "/api/v1/apps/0oa1app/users/00u1user");
//! let user = okta.execute(op).await?;
//! println!("{:?} {:?}", user.id(), user.embedded_user());
//!
//! // The same call through the resource handle:
//! let user = okta.application_users().get("0oa1app", "00u1user").expand("user").send().await?;
//! # let _ = user;
//!
//! // Every assigned user, page after page (Link headers), lazily:
//! let mut users = okta.items(ListApplicationUsers::new("0oa1app").limit(200));
//! while let Some(user) = users.try_next().await? {
//!     println!("{:?} {:?}", user.id(), user.status);
//! }
//! # Ok(()) }
//! ```
//!
//! ## Application users
//!
//! ```no_run
//! # async fn run(okta: idp_okta::Client) -> idp_okta::Result<()> {
//! use idp_okta::models::{AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserUpdateRequest};
//! use serde_json::json;
//!
//! let users = okta.application_users();
//! // A direct assignment (the profile type defaults to a JSON map):
//! users
//!     .assign("0oa1app", AppUserAssignRequest::new("00u1user").scope(AppUserScope::User))
//!     .send()
//!     .await?;
//! // With credentials and a profile (a JSON value, or any `Serialize` type of yours):
//! let assigned = users
//!     .assign(
//!         "0oa1app",
//!         AppUserAssignRequest::new("00u2user")
//!             .scope(AppUserScope::User)
//!             .credentials(AppUserCredentials::user_name("rae@example.com"))
//!             .profile(json!({ "role": "Developer" })),
//!     )
//!     .send()
//!     .await?;
//! let mut profile = assigned.profile.unwrap_or_default();
//! profile.insert("role".into(), json!("Lead"));
//! users.update("0oa1app", "00u2user", AppUserUpdateRequest::profile(profile)).send().await?;
//! users
//!     .update(
//!         "0oa1app",
//!         "00u2user",
//!         AppUserUpdateRequest::credentials(AppUserCredentials::user_name("rae.b@example.com")),
//!     )
//!     .send()
//!     .await?;
//! users.unassign("0oa1app", "00u2user").send_email(false).send().await?;
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
//! println!("{} {:?}", conn.status, conn.auth_scheme());
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
//! let public = okta.hook_keys().get_public_key(key.key_id().unwrap_or_default()).send().await?;
//! println!("{:?} {:?}", key.id(), public.kid);
//! for key in okta.hook_keys().list().send().await? {
//!     println!("{:?} used: {:?}", key.name, key.is_used);
//! }
//! # Ok(()) }
//! ```
//!
//! ## Your own transport, credentials and retry policy
//!
//! This crate alone names every type the builder takes. Here a transport that answers every
//! request in memory, a bearer token and a retry policy:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//!
//! use idp_okta::ops::ListHookKeys;
//! use idp_okta::{
//!     Client, HttpRequest, HttpResponse, RetryPolicy, SecretString, StaticToken, Transport,
//!     TransportError,
//! };
//!
//! /// Answers every request with an empty JSON list and remembers what was sent.
//! #[derive(Debug, Default)]
//! struct Canned {
//!     seen: Mutex<Vec<String>>,
//! }
//!
//! #[idp_okta::async_trait]
//! impl Transport for Canned {
//!     async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok());
//!         let line = format!("{} {} {}", request.method(), request.uri().path(), auth.unwrap_or("-"));
//!         self.seen.lock().unwrap_or_else(|e| e.into_inner()).push(line);
//!         Ok(HttpResponse::new("[]".into()))
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let transport = Arc::new(Canned::default());
//! let okta = Client::builder()
//!     .org_url("https://acme.okta.com")
//!     .credentials(Arc::new(StaticToken::bearer(&SecretString::from("ey-token"))?))
//!     .transport(transport.clone())
//!     .retry_policy(RetryPolicy::default().max_retries(1))
//!     .build()?;
//! let keys = okta.execute(ListHookKeys::new()).await?;
//! assert!(keys.is_empty());
//! assert_eq!(
//!     *transport.seen.lock().unwrap_or_else(|e| e.into_inner()),
//!     ["GET /api/v1/hook-keys Bearer ey-token"]
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(()) })
//! # }
//! ```
//!
//! ## Errors, rate limits, retries
//!
//! Every error is an [`Error`] whose `Display` names the operation, status, Okta `errorCode` and
//! `errorSummary` and the `X-Okta-Request-Id`. A 429 is retried after `Retry-After` when sent,
//! otherwise after `X-Rate-Limit-Reset − Date + 1 s` (as Okta's SDKs do), with
//! `X-Okta-Retry-For` / `X-Okta-Retry-Count` headers; rate-limit headers are on every response
//! (`send_with_meta`) and error. [`OktaErrorExt`] adds Okta's `errorId`, `errorCauses`,
//! `errorLink` and the whole error object to [`Error`].
#![forbid(unsafe_code)]

pub mod auth;
mod client;
pub mod config;
mod error;
mod jwk;
pub mod models;
pub mod ops;
mod pagination;

pub use client::{Client, ClientBuilder, Okta, REQUEST_ID_HEADER, Request};
pub use error::OktaErrorExt;
pub use idp_core::common::*;
pub use ops::OPERATIONS;
