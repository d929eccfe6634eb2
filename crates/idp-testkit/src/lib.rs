//! Stateful fake Okta, Authress and Kinde servers on loopback HTTP.
//!
//! Each fake is an in-process [axum](https://docs.rs/axum) server on `127.0.0.1` with an
//! OS-assigned port, spawned on the caller's tokio runtime and stopped when its handle is dropped.
//! It keeps state (create / get / update / delete behave like the real API), checks credentials
//! the way the provider does, answers errors in the provider's own shape, pages like the provider,
//! logs every request ([`LoggedRequest`]) and can inject faults ([`Fault`], [`Faults`]).
//!
//! | fake | credentials it hands out | operations |
//! | --- | --- | --- |
//! | [`FakeOkta`] | SSWS [`FakeOkta::api_token`]; OAuth service apps via [`FakeOkta::register_service_app`] (private-key JWT, DPoP) | 15 (app provisioning connection, app users, hook keys) |
//! | [`FakeAuthress`] | service-client [`FakeAuthress::access_key`] (EdDSA JWTs signed with it, or the raw key) | 6 (connections) |
//! | [`FakeKinde`] | M2M [`FakeKinde::client_id`] / [`FakeKinde::client_secret`] for its `POST /oauth2/token` | 6 (connections) |
//!
//! The fakes speak plain HTTP/JSON; they do not depend on the SDK crates, so any HTTP client can
//! drive them.
//!
//! ```no_run
//! use std::time::Duration;
//! use idp_testkit::{FakeKinde, FakeOkta, Fault};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // Okta: an SSWS token, 1 000 app users, and one rate-limited list call.
//! let okta = FakeOkta::start().await?;
//! okta.seed_app_users("0oa1app", 1_000);
//! okta.faults()
//!     .operation("listApplicationUsers")
//!     .next(1, Fault::Status429 { reset_after: Duration::from_secs(1) });
//! println!("OKTA_CLIENT_ORGURL={} OKTA_CLIENT_TOKEN={}", okta.base_url(), okta.api_token());
//!
//! // Kinde: M2M credentials for its fake token endpoint.
//! let kinde = FakeKinde::start().await?;
//! kinde.seed_connections(25);
//! println!("{} {} {}", kinde.base_url(), kinde.client_id(), kinde.client_secret());
//!
//! // ... run the code under test against the base URLs, then assert on the request log:
//! assert!(okta.requests().iter().all(|r| r.header("authorization").is_some()));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
// Handlers return ready-made error responses from helpers; they are cold paths of a test server.
#![allow(clippy::result_large_err)]

mod authress;
mod control;
mod faults;
mod kinde;
mod okta;
mod server;
mod validate;
mod wire;

pub use authress::FakeAuthress;
pub use control::{OKTA_SEED_APP_ID, StartOptions};
pub use faults::{Fault, FaultScope, Faults};
pub use kinde::FakeKinde;
pub use okta::{FakeOkta, ServiceAppKey};
pub use server::LoggedRequest;
