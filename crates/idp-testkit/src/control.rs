//! Start options and the `/__testkit/…` control API every fake serves, so that a test suite in
//! any language can do over HTTP what Rust tests do through the handles.
//!
//! | request | effect |
//! | --- | --- |
//! | `GET /__testkit/requests` | the request log, oldest first (JSON array) |
//! | `DELETE /__testkit/requests` | forgets the request log |
//! | `POST /__testkit/faults` | arms a fault (see below) |
//! | `GET /__testkit/faults` | `{"pending": n}`: injections still armed |
//! | `DELETE /__testkit/faults` | disarms every fault |
//! | `POST /__testkit/reset` | forgets the fake's data, request log and faults (credentials stay valid) |
//! | `POST /__testkit/seed` | seeds data: `{"n": 10}` (Okta also `"app_id"`, `"users": ["00u…"]`; Authress also `"credentials": [{"connection_id", "user_id", "access_token"}]`) |
//!
//! A fault is armed with a JSON body naming its kind, how many requests it applies to (`count`,
//! default 1) and optionally which requests (`operation`, an operationId or `token`; or `method`
//! and `path_prefix`; default: any request except the token endpoint):
//!
//! ```json
//! {"fault": "status", "status": 503, "count": 2, "operation": "listApplicationUsers"}
//! {"fault": "status429", "reset_after_ms": 1000}
//! {"fault": "latency", "latency_ms": 250, "method": "GET", "path_prefix": "/v1/connections"}
//! {"fault": "drop_connection"}
//! {"fault": "malformed_body"}
//! {"fault": "truncated_body"}
//! {"fault": "respond", "status": 502, "content_type": "application/json", "body": "{\"message\": \"Internal server error\"}"}
//! ```
//!
//! Control requests are neither logged nor subject to faults. Errors are `400`/`404` with
//! `{"error": "…"}`.

use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::server::{LoggedRequest, Shared, lock};
use crate::wire::json_response;

/// The path prefix of the control API.
pub(crate) const PREFIX: &str = "/__testkit/";

const JSON: &str = "application/json";

/// The Okta app that `POST /__testkit/seed` (and `idp-fakes --seed`) assigns users to by default.
pub const OKTA_SEED_APP_ID: &str = "0oatestkit";

/// How to start a fake: its port and how many requests its log keeps.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use idp_testkit::{FakeKinde, StartOptions};
/// let kinde = FakeKinde::start_with(StartOptions::default().port(0).request_log_limit(1_000)).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StartOptions {
    /// The loopback port to listen on (0: an OS-assigned free port).
    pub port: u16,
    /// Keep only the newest this-many requests in the log (`None`: keep every request).
    pub request_log_limit: Option<usize>,
}

impl StartOptions {
    /// Listens on this loopback port (0: an OS-assigned free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Keeps only the newest `limit` requests in the request log.
    pub fn request_log_limit(mut self, limit: usize) -> Self {
        self.request_log_limit = Some(limit);
        self
    }
}

/// The body of `POST /__testkit/seed`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedRequest {
    /// How many items to create (app users for Okta, connections for Authress and Kinde).
    #[serde(default)]
    pub(crate) n: usize,
    /// Okta: the app the users are assigned to.
    #[serde(default)]
    pub(crate) app_id: Option<String>,
    /// Okta: users to add to the org's directory (assignable, not yet assigned).
    #[serde(default)]
    pub(crate) users: Vec<String>,
    /// Authress: the access tokens `getConnectionCredentials` returns, per (connection, user).
    #[serde(default)]
    pub(crate) credentials: Vec<SeedCredential>,
}

/// Authress: one `getConnectionCredentials` answer to seed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedCredential {
    pub(crate) connection_id: String,
    pub(crate) user_id: String,
    pub(crate) access_token: String,
}

/// The body of `POST /__testkit/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    fault: String,
    #[serde(default)]
    count: Option<usize>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    path_prefix: Option<String>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    reset_after_ms: Option<u64>,
    #[serde(default)]
    latency_ms: Option<u64>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

impl FaultRequest {
    fn fault(&self) -> Result<Fault, String> {
        let status = || {
            self.status
                .ok_or_else(|| format!("fault {:?} needs \"status\"", self.fault))
        };
        Ok(match self.fault.as_str() {
            "status429" => Fault::Status429 {
                reset_after: Duration::from_millis(self.reset_after_ms.unwrap_or(1_000)),
            },
            "status" => Fault::Status(status()?),
            "latency" => Fault::Latency(Duration::from_millis(
                self.latency_ms
                    .ok_or("fault \"latency\" needs \"latency_ms\"")?,
            )),
            "drop_connection" => Fault::DropConnection,
            "malformed_body" => Fault::MalformedBody,
            "truncated_body" => Fault::TruncatedBody,
            "respond" => Fault::respond(
                status()?,
                self.content_type.as_deref().unwrap_or(JSON),
                self.body.as_deref().unwrap_or(""),
            ),
            other => return Err(format!("unknown fault kind {other:?}")),
        })
    }
}

/// Answers one control request.
pub(crate) fn handle(shared: &Shared, parts: &Parts, body: &[u8]) -> Response {
    let route = parts
        .uri
        .path()
        .get(PREFIX.len()..)
        .unwrap_or("")
        .trim_end_matches('/');
    match (&parts.method, route) {
        (&Method::GET, "requests") => {
            let log: Vec<Value> = lock(&shared.log).iter().map(request_json).collect();
            ok(&Value::Array(log))
        }
        (&Method::DELETE, "requests") => {
            lock(&shared.log).clear();
            ok(&json!({}))
        }
        (&Method::GET, "faults") => ok(&json!({ "pending": shared.faults.pending() })),
        (&Method::DELETE, "faults") => {
            shared.faults.clear();
            ok(&json!({}))
        }
        (&Method::POST, "faults") => arm_fault(shared, body),
        (&Method::POST, "reset") => {
            shared.flavor.reset();
            shared.faults.clear();
            lock(&shared.log).clear();
            ok(&json!({}))
        }
        (&Method::POST, "seed") => {
            let request = if body.iter().all(u8::is_ascii_whitespace) {
                SeedRequest::default()
            } else {
                match serde_json::from_slice::<SeedRequest>(body) {
                    Ok(request) => request,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
                }
            };
            ok(&shared.flavor.seed(&request))
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "unknown control route (see idp_testkit's control API docs)",
        ),
    }
}

fn arm_fault(shared: &Shared, body: &[u8]) -> Response {
    let request = match serde_json::from_slice::<FaultRequest>(body) {
        Ok(request) => request,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let fault = match request.fault() {
        Ok(fault) => fault,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let count = request.count.unwrap_or(1);
    let faults = &shared.faults;
    match (&request.operation, &request.path_prefix) {
        (Some(_), Some(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "give \"operation\" or \"path_prefix\", not both",
            );
        }
        (Some(op), None) => faults.operation(op).next(count, fault),
        (None, Some(prefix)) => faults
            .route(request.method.as_deref().unwrap_or("*"), prefix)
            .next(count, fault),
        (None, None) => match &request.method {
            Some(method) => faults.route(method, "/").next(count, fault),
            None => faults.next(count, fault),
        },
    }
    ok(&json!({ "pending": faults.pending() }))
}

/// A logged request as JSON (the body as text, lossily decoded).
fn request_json(request: &LoggedRequest) -> Value {
    let headers: Vec<Value> = request.headers.iter().map(|(n, v)| json!([n, v])).collect();
    json!({
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": headers,
        "body": String::from_utf8_lossy(&request.body),
        "operation": request.operation,
        "fault": request.fault.as_ref().map(|f| format!("{f:?}")),
    })
}

fn ok(value: &Value) -> Response {
    json_response(StatusCode::OK, JSON, value)
}

fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, JSON, &json!({ "error": message }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Fault, String> {
        serde_json::from_str::<FaultRequest>(body)
            .map_err(|e| e.to_string())?
            .fault()
    }

    #[test]
    fn fault_requests_map_to_faults() {
        assert_eq!(
            parse(r#"{"fault":"status","status":503}"#),
            Ok(Fault::Status(503))
        );
        assert_eq!(
            parse(r#"{"fault":"status429","reset_after_ms":2000}"#),
            Ok(Fault::Status429 {
                reset_after: Duration::from_secs(2)
            })
        );
        assert_eq!(
            parse(r#"{"fault":"respond","status":502,"body":"x"}"#),
            Ok(Fault::respond(502, JSON, "x"))
        );
        assert!(parse(r#"{"fault":"status"}"#).is_err());
        assert!(parse(r#"{"fault":"nope"}"#).is_err());
        assert!(parse(r#"{"fault":"latency","latncy_ms":3}"#).is_err());
    }
}
