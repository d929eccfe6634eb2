//! A stateful fake of the Kinde Management API connections endpoints (6 operations) with its M2M
//! token endpoint.
//!
//! This module holds the handle, the state, the routing and Kinde's error bodies; [`token`] is
//! the token endpoint (and the check of the tokens it issued), [`connections`] the resource.

mod connections;
mod token;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::control::{SeedRequest, StartOptions};
use crate::faults::Faults;
use crate::server::{self, Flavor, LoggedRequest, Server, lock};
use crate::wire::{ceil_secs, decode_segment, json_response, now_secs, random_hex, set_header};

const JSON: &str = "application/json; charset=utf-8";

/// A fake Kinde business on `http://127.0.0.1:PORT`.
///
/// Its `POST /oauth2/token` issues M2M access tokens (client credentials in the form body or HTTP
/// Basic, audience `base_url() + "/api"`, `expires_in` 86400, `token_type` `bearer`); the
/// connections endpoints require `Authorization: Bearer <token>` and the token's scope for the
/// operation (`read:connections`, `create:connections`, `update:connections`,
/// `delete:connections`; all four granted by default, see [`FakeKinde::set_scopes`]), else `403`.
/// Every response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (an
/// injected 429 only `RateLimit-Reset`).
///
/// The token endpoint takes faults like any route: `faults().operation("token")` with
/// `Fault::Status429 { reset_after }` answers `429` with `RateLimit-Reset`, `Fault::Status(503)`
/// a `503`. The server stops when this handle is dropped.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let kinde = idp_testkit::FakeKinde::start().await?;
/// kinde.seed_connections(1_000);
/// // Point the client at kinde.base_url() with kinde.client_id() / kinde.client_secret(),
/// // then check the client cached its token:
/// assert!(kinde.token_requests() <= 1);
/// # Ok(()) }
/// ```
pub struct FakeKinde {
    server: Server,
    state: Arc<KindeState>,
}

impl fmt::Debug for FakeKinde {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeKinde")
            .field("base_url", &self.server.base_url())
            .field("client_id", &self.state.client_id)
            .finish_non_exhaustive()
    }
}

struct KindeData {
    connections: BTreeMap<String, Value>,
    /// Issued access tokens: their expiry and the scopes they carry.
    tokens: HashMap<String, token::Issued>,
    token_requests: usize,
    seed_counter: u64,
    /// The scopes the M2M application is granted (what new tokens carry).
    scopes: Vec<String>,
    /// The current rate-limit window (its start, requests counted in it).
    rate: (u64, u32),
    /// Requests per window and the window's length in seconds (1 000 per minute unless set).
    rate_limit: (u32, u64),
    /// Whether the limit is enforced ([`FakeKinde::rate_limit`]); otherwise only reported.
    enforce_rate_limit: bool,
    /// Requests the enforced limit refused.
    rate_limited: usize,
}

impl Default for KindeData {
    fn default() -> Self {
        KindeData {
            connections: BTreeMap::new(),
            tokens: HashMap::new(),
            token_requests: 0,
            seed_counter: 0,
            scopes: token::ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            rate: (0, 0),
            rate_limit: (RATE_LIMIT, 60),
            enforce_rate_limit: false,
            rate_limited: 0,
        }
    }
}

struct KindeState {
    base_url: String,
    client_id: String,
    client_secret: String,
    signing_secret: String,
    data: Mutex<KindeData>,
}

impl KindeState {
    /// The audience token requests must name.
    fn audience(&self) -> String {
        format!("{}/api", self.base_url)
    }
}

impl FakeKinde {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime,
    /// with freshly generated M2M credentials.
    pub async fn start() -> Result<FakeKinde, io::Error> {
        FakeKinde::start_with(StartOptions::default()).await
    }

    /// Starts the fake with these options (port, request-log bound), on the current tokio runtime.
    pub async fn start_with(options: StartOptions) -> Result<FakeKinde, io::Error> {
        let bound = server::bind_with(&options).await?;
        let state = Arc::new(KindeState {
            base_url: bound.base_url.clone(),
            client_id: random_hex(),
            client_secret: format!("{}{}", random_hex(), random_hex()),
            signing_secret: random_hex(),
            data: Mutex::new(KindeData::default()),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let server = Server::serve(
            bound,
            router,
            Arc::new(KindeFlavor {
                state: state.clone(),
            }),
        );
        Ok(FakeKinde { server, state })
    }

    /// The business URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The M2M application's client id.
    pub fn client_id(&self) -> &str {
        &self.state.client_id
    }

    /// The M2M application's client secret.
    pub fn client_secret(&self) -> &str {
        &self.state.client_secret
    }

    /// The audience token requests must name: `base_url() + "/api"`.
    pub fn audience(&self) -> String {
        self.state.audience()
    }

    /// How many requests reached `POST /oauth2/token` (including rejected ones).
    pub fn token_requests(&self) -> usize {
        lock(&self.state.data).token_requests
    }

    /// Invalidates every access token issued so far (their next use gets 401).
    pub fn revoke_tokens(&self) {
        lock(&self.state.data).tokens.clear();
    }

    /// Grants the M2M application exactly these scopes (as on the dashboard's "Kinde Management
    /// API" authorization): tokens issued from now on carry them, tokens already issued keep
    /// theirs. A call whose scope the token lacks is answered `403` with Kinde's `errors` body
    /// naming the scope. Default: all four connections scopes.
    pub fn set_scopes(&self, scopes: &[&str]) {
        lock(&self.state.data).scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    }

    /// The scopes the M2M application is granted (what new tokens carry).
    pub fn scopes(&self) -> Vec<String> {
        lock(&self.state.data).scopes.clone()
    }

    /// Creates `n` connections (`conn_seed_…`, strategy `oauth2:google`) and returns their ids in
    /// listing order.
    pub fn seed_connections(&self, n: usize) -> Vec<String> {
        seed_connections(&self.state, n)
    }

    /// The stored connection, including `enabled_applications` and `options` (which the API does
    /// not return).
    pub fn connection(&self, connection_id: &str) -> Option<Value> {
        lock(&self.state.data)
            .connections
            .get(connection_id)
            .cloned()
    }

    /// Sets the rate limit to `limit` requests per `window` (whole seconds, at least 1; Kinde
    /// publishes no numbers, tests choose short windows) and enforces it: an API call arriving
    /// when the window's count has reached the limit is answered `429` with only
    /// `RateLimit-Reset`, the seconds until the window resets. Every answer (the token
    /// endpoint's too) counts in the window and reports `RateLimit-*` from its state.
    pub fn rate_limit(&self, limit: u32, window: Duration) {
        let mut data = lock(&self.state.data);
        data.rate_limit = (limit, window.as_secs().max(1));
        data.enforce_rate_limit = true;
    }

    /// How many API calls the enforced rate limit refused.
    pub fn rate_limited(&self) -> usize {
        lock(&self.state.data).rate_limited
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.server.requests()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.server.clear_requests();
    }

    /// Fault injection for this server.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }
}

/// Creates `n` connections (see [`FakeKinde::seed_connections`]).
fn seed_connections(state: &KindeState, n: usize) -> Vec<String> {
    let mut data = lock(&state.data);
    let start = data.seed_counter;
    data.seed_counter += n as u64;
    (start..start + n as u64)
        .map(|k| {
            let (id, connection) = connections::seeded(k);
            data.connections.insert(id.clone(), connection);
            id
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Routing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Token,
    List,
    Create,
    Get,
    Update,
    Replace,
    Delete,
}

impl Op {
    /// The scope a token needs for the operation: the `x-scope` of Kinde's spec and the
    /// `<div><code>…</code></div>` of each operation's description (read for both GETs, update
    /// for PATCH and PUT).
    fn scope(self) -> Option<&'static str> {
        match self {
            Op::Token => None,
            Op::List | Op::Get => Some("read:connections"),
            Op::Create => Some("create:connections"),
            Op::Update | Op::Replace => Some("update:connections"),
            Op::Delete => Some("delete:connections"),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Op::Token => "token",
            Op::List => "GetConnections",
            Op::Create => "CreateConnection",
            Op::Get => "GetConnection",
            Op::Update => "UpdateConnection",
            Op::Replace => "ReplaceConnection",
            Op::Delete => "deleteConnection",
        }
    }
}

fn resolve(method: &Method, path: &str) -> Option<(Op, String)> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = || segs.get(3).map(|s| decode_segment(s)).unwrap_or_default();
    let op = match (method.as_str(), segs.as_slice()) {
        ("POST", ["oauth2", "token"]) => Op::Token,
        ("GET", ["api", "v1", "connections"]) => Op::List,
        ("POST", ["api", "v1", "connections"]) => Op::Create,
        ("GET", ["api", "v1", "connections", s]) if !s.is_empty() => Op::Get,
        ("PATCH", ["api", "v1", "connections", s]) if !s.is_empty() => Op::Update,
        ("PUT", ["api", "v1", "connections", s]) if !s.is_empty() => Op::Replace,
        ("DELETE", ["api", "v1", "connections", s]) if !s.is_empty() => Op::Delete,
        _ => return None,
    };
    Some((op, id()))
}

/// Kinde's rate-limit window as the fake models it: Kinde's "API rate limits" page
/// (<https://docs.kinde.com/developer-tools/kinde-api/api-rate-limits>) describes one basic rate
/// limiter that "restricts the number of API requests per minute", names the `RateLimit-Reset`
/// header (seconds until the window resets) and publishes no numbers; the fake reports the IETF
/// draft family (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`) on every response,
/// computed from its window's count, with this many requests per one-minute window unless
/// [`FakeKinde::rate_limit`] sets others. Unless that enforces it, the fake only reports:
/// throttling is injected with `Fault::Status429`.
const RATE_LIMIT: u32 = 1_000;

/// The 429 of an enforced, exhausted window (API operations only; the token endpoint is not
/// limited): Kinde's errors body with only `RateLimit-Reset`, the one header its docs name for a
/// throttled call.
fn over_rate_limit(state: &KindeState) -> Option<Response> {
    let reset = {
        let mut data = lock(&state.data);
        if !data.enforce_rate_limit {
            return None;
        }
        let (limit, window_secs) = data.rate_limit;
        let now = now_secs();
        let window = now / window_secs * window_secs;
        if data.rate.0 != window || data.rate.1 < limit {
            return None;
        }
        data.rate_limited += 1;
        (window + window_secs).saturating_sub(now).max(1)
    };
    Some(KindeFlavor::too_many(reset))
}

struct KindeFlavor {
    state: Arc<KindeState>,
}

impl KindeFlavor {
    /// Counts one request in the current one-minute window; the calls left and the seconds until
    /// the window resets.
    fn count_request(&self) -> (u32, u32, u64) {
        let now = now_secs();
        let mut data = lock(&self.state.data);
        let (limit, window_secs) = data.rate_limit;
        let window = now / window_secs * window_secs;
        if data.rate.0 != window {
            data.rate = (window, 0);
        }
        data.rate.1 = data.rate.1.saturating_add(1);
        (
            limit,
            limit.saturating_sub(data.rate.1),
            (window + window_secs).saturating_sub(now).max(1),
        )
    }

    /// A 429 with Kinde's errors body and `RateLimit-Reset: reset` (seconds).
    fn too_many(reset: u64) -> Response {
        let mut response = errors(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_REQUESTS",
            "Too many requests, please try again later.",
        );
        set_header(
            response.headers_mut(),
            "ratelimit-reset",
            &reset.to_string(),
        );
        response
    }
}

impl Flavor for KindeFlavor {
    fn reset(&self) {
        *lock(&self.state.data) = KindeData::default();
    }

    fn seed(&self, request: &SeedRequest) -> Value {
        json!({ "ids": seed_connections(&self.state, request.n) })
    }

    fn operation(&self, method: &Method, path: &str) -> Option<&'static str> {
        resolve(method, path).map(|(op, _)| op.id())
    }

    fn rate_limited(&self, reset_after: Duration) -> Response {
        KindeFlavor::too_many(ceil_secs(reset_after))
    }

    fn server_error(&self, status: StatusCode) -> Response {
        let message = status.canonical_reason().unwrap_or("Error");
        errors(status, "INTERNAL_SERVER_ERROR", message)
    }

    /// `RateLimit-*` on every answer except an injected 429, which keeps only the
    /// `RateLimit-Reset` it was given (the one header Kinde's docs name for a throttled call).
    fn decorate(&self, headers: &mut HeaderMap) {
        let (limit, remaining, reset) = self.count_request();
        if headers.contains_key("ratelimit-reset") {
            return;
        }
        set_header(headers, "ratelimit-limit", &limit.to_string());
        set_header(headers, "ratelimit-remaining", &remaining.to_string());
        set_header(headers, "ratelimit-reset", &reset.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies

/// `ErrorResponse`: `{"errors":[{"code","message"}]}`.
fn errors(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        JSON,
        &json!({ "errors": [{ "code": code, "message": message }] }),
    )
}

/// `NotFoundResponse`: `{"errors":{"code","message"}}` (a single object).
fn not_found(code: &str, message: &str) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        JSON,
        &json!({ "errors": { "code": code, "message": message } }),
    )
}

fn route_not_found() -> Response {
    not_found("ROUTE_NOT_FOUND", "The requested API route does not exist")
}

fn bad_request(code: &str, message: &str) -> Response {
    errors(StatusCode::BAD_REQUEST, code, message)
}

/// `403` for a token without the operation's scope. Kinde's API docs: "Trying to call any request
/// method not permitted within the set scopes will result in a 403 Forbidden response along with
/// details of the scope required to access"; the spec's `forbidden` response is an
/// `error_response`. The exact code string is not documented; `FORBIDDEN` is the fake's choice.
fn forbidden(scope: &str) -> Response {
    errors(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        &format!("You do not have the required scope to access this resource: {scope}"),
    )
}

fn unauthorized(message: &str) -> Response {
    let mut response = errors(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    set_header(response.headers_mut(), "www-authenticate", "Bearer");
    response
}

// ---------------------------------------------------------------------------------------------
// Handler

async fn handle(
    State(state): State<Arc<KindeState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((op, id)) = resolve(&method, uri.path()) else {
        return route_not_found();
    };
    if op == Op::Token {
        return token::token(&state, &headers, &body);
    }
    if let Some(refused) = over_rate_limit(&state) {
        return refused;
    }
    if let Err(response) = token::authenticate(&state, &headers, op.scope()) {
        return response;
    }
    match op {
        Op::Token => route_not_found(),
        Op::List => connections::list(&state, uri.query()),
        Op::Create => connections::create(&state, &body),
        Op::Get => connections::get(&state, &id),
        Op::Update => connections::update(&state, &id, &body, false),
        Op::Replace => connections::update(&state, &id, &body, true),
        Op::Delete => connections::delete(&state, &id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_operation() {
        let cases = [
            ("POST", "/oauth2/token", "token"),
            ("GET", "/api/v1/connections", "GetConnections"),
            ("POST", "/api/v1/connections", "CreateConnection"),
            ("GET", "/api/v1/connections/c", "GetConnection"),
            ("PATCH", "/api/v1/connections/c", "UpdateConnection"),
            ("PUT", "/api/v1/connections/c", "ReplaceConnection"),
            ("DELETE", "/api/v1/connections/c", "deleteConnection"),
        ];
        for (m, p, id) in cases {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert_eq!(
                resolve(&method, p).map(|(op, _)| op.id()),
                Some(id),
                "{m} {p}"
            );
        }
        assert!(resolve(&Method::GET, "/api/v1/connections/").is_none());
    }
}
