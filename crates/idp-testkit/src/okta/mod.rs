//! A stateful fake of the Okta Management API subset (15 operations) with its org authorization
//! server's token endpoint (private-key JWT client credentials, DPoP).
//!
//! This module holds the handle, the state and the routing; [`errors`] builds Okta's error
//! bodies, [`auth`] checks SSWS / Bearer / DPoP credentials, [`token`] is the token endpoint, and
//! each resource has its own module.

mod application_connections;
mod application_users;
mod auth;
mod errors;
mod hook_keys;
mod limits;
mod token;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use jsonwebtoken::DecodingKey;
use serde_json::Value;

use crate::control::{SeedRequest, StartOptions};
use crate::faults::Faults;
use crate::server::{self, Flavor, LoggedRequest, Server, lock};
use crate::wire::{self, decode_segment, now_secs, query_pairs, random_hex, set_header};

pub use token::ServiceAppKey;

const JSON: &str = "application/json";
const RATE_LIMIT: u32 = 600;

/// A fake Okta org on `http://127.0.0.1:PORT`.
///
/// It accepts `Authorization: SSWS <api_token()>`, and OAuth access tokens that its own
/// `POST /oauth2/v1/token` issues to registered service apps (private-key JWT, optionally DPoP
/// bound). Every response carries `X-Okta-Request-Id` and `X-Rate-Limit-*` headers. Apps exist
/// implicitly: any app id can be used. The server stops when this handle is dropped.
///
/// Okta's rate limits are off until asked for: [`FakeOkta::rate_limit_bucket`] enforces a
/// bucket per window (with the per-token share, [`FakeOkta::token_share`]),
/// [`FakeOkta::concurrency_limit`] the org-wide concurrency limit, [`FakeOkta::service_time`]
/// makes requests take time; [`FakeOkta::bucket_429s`] and [`FakeOkta::concurrency_429s`] count
/// the refusals.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let okta = idp_testkit::FakeOkta::start().await?;
/// let ids = okta.seed_app_users("0oa1app", 1_000);
/// assert_eq!(ids.len(), 1_000);
/// // Point the client at okta.base_url() with the SSWS token okta.api_token().
/// # Ok(()) }
/// ```
pub struct FakeOkta {
    server: Server,
    state: Arc<OktaState>,
}

impl fmt::Debug for FakeOkta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOkta")
            .field("base_url", &self.server.base_url())
            .finish_non_exhaustive()
    }
}

struct ServiceApp {
    keys: Vec<DecodingKey>,
    require_dpop: bool,
    /// What a token request with a DPoP proof gets when DPoP is not required (`token.rs`).
    unsolicited_dpop: token::Unsolicited,
}

struct IssuedToken {
    scopes: Vec<String>,
    jkt: Option<String>,
    expires_at: u64,
}

#[derive(Default)]
struct App {
    connection: Option<ConnectionState>,
    users: BTreeMap<String, Value>,
    /// The app has no provisioning (an SSO-only app): its default connection is a 404.
    no_provisioning: bool,
    /// A connection body served verbatim by `GET …/connections/default` (legacy shapes).
    seeded_connection: Option<Value>,
    /// The app's sign-on scheme forbids app credentials: `credentials` in an assign or update
    /// is `400 E0000041`.
    credentials_forbidden: bool,
}

impl App {
    /// Whether Okta provisions users to the app (an enabled default connection).
    fn provisions(&self) -> bool {
        self.connection.as_ref().is_some_and(|c| c.enabled)
    }
}

struct ConnectionState {
    auth_scheme: String,
    base_url: Option<String>,
    profile: Value,
    enabled: bool,
}

#[derive(Default)]
struct OktaData {
    apps: BTreeMap<String, App>,
    /// The org's users (`/api/v1/users`): only these can be assigned to apps.
    users: HashSet<String>,
    hook_keys: Vec<Value>,
    service_apps: HashMap<String, ServiceApp>,
    tokens: HashMap<String, IssuedToken>,
    used_jtis: HashSet<String>,
    dpop_nonce: String,
    /// API calls with a DPoP-bound token must carry the current nonce.
    require_resource_nonce: bool,
    token_requests: usize,
    seed_counter: u64,
}

impl OktaData {
    /// The app with this id, created on first use (apps exist implicitly).
    fn app(&mut self, app_id: &str) -> &mut App {
        self.apps.entry(app_id.to_owned()).or_default()
    }
}

struct OktaState {
    base_url: String,
    api_token: String,
    data: Mutex<OktaData>,
    rate: Mutex<(u64, u32)>,
    /// Okta's rate limits, when configured (`limits.rs`).
    limits: Mutex<limits::LimitState>,
}

impl FakeOkta {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime.
    pub async fn start() -> Result<FakeOkta, io::Error> {
        FakeOkta::start_with(StartOptions::default()).await
    }

    /// Starts the fake with these options (port, request-log bound), on the current tokio runtime.
    pub async fn start_with(options: StartOptions) -> Result<FakeOkta, io::Error> {
        let bound = server::bind_with(&options).await?;
        let state = Arc::new(OktaState {
            base_url: bound.base_url.clone(),
            api_token: format!("00testkit{}", random_hex()),
            data: Mutex::new(OktaData {
                dpop_nonce: random_hex(),
                ..OktaData::default()
            }),
            rate: Mutex::new((0, 0)),
            limits: Mutex::default(),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let flavor = Arc::new(OktaFlavor {
            state: state.clone(),
        });
        let server = Server::serve(bound, router, flavor);
        Ok(FakeOkta { server, state })
    }

    /// The org URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// An API token the fake accepts as `Authorization: SSWS <token>`.
    pub fn api_token(&self) -> &str {
        &self.state.api_token
    }

    /// The token endpoint URL, `base_url() + "/oauth2/v1/token"` (the client assertion's `aud`).
    pub fn token_url(&self) -> String {
        token::token_url(&self.state)
    }

    /// Registers (or adds a key to) an OAuth service app, so that a private-key JWT client with
    /// this `client_id` can get access tokens from `POST /oauth2/v1/token`. The key verifies the
    /// client assertion (RS256/384/512, PS256/384/512, ES256/384).
    pub fn register_service_app(&self, client_id: &str, key: ServiceAppKey) -> io::Result<()> {
        let key = key.decoding_key()?;
        let mut data = lock(&self.state.data);
        data.service_apps
            .entry(client_id.to_owned())
            .or_insert_with(|| ServiceApp {
                keys: Vec::new(),
                require_dpop: false,
                unsolicited_dpop: token::Unsolicited::default(),
            })
            .keys
            .push(key);
        Ok(())
    }

    /// Makes a registered service app require DPoP: token requests without a `DPoP` proof get
    /// `400 {"error":"invalid_dpop_proof"}`. Returns false if the app is unknown.
    pub fn require_dpop(&self, client_id: &str, required: bool) -> bool {
        let mut data = lock(&self.state.data);
        match data.service_apps.get_mut(client_id) {
            Some(app) => {
                app.require_dpop = required;
                true
            }
            None => false,
        }
    }

    /// Replaces the server's DPoP nonce, so the next proof carrying the old nonce is challenged
    /// again with `use_dpop_nonce`.
    pub fn rotate_dpop_nonce(&self) {
        lock(&self.state.data).dpop_nonce = random_hex();
    }

    /// Makes API calls with a DPoP-bound token carry the current nonce: a proof without it (or
    /// with an old one) gets `400` `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a
    /// `DPoP-Nonce` header, as okta-sdk-python's resource nonce retry expects.
    pub fn require_resource_nonce(&self, required: bool) {
        lock(&self.state.data).require_resource_nonce = required;
    }

    /// The DPoP nonce the fake currently expects.
    pub fn dpop_nonce(&self) -> String {
        lock(&self.state.data).dpop_nonce.clone()
    }

    /// Invalidates every access token issued so far (their next use gets 401 `E0000011`).
    pub fn revoke_tokens(&self) {
        lock(&self.state.data).tokens.clear();
    }

    /// How many requests reached `POST /oauth2/v1/token` (including rejected ones).
    pub fn token_requests(&self) -> usize {
        lock(&self.state.data).token_requests
    }

    /// Creates an app explicitly (apps also spring into existence on first use).
    pub fn create_app(&self, app_id: &str) {
        lock(&self.state.data).app(app_id);
    }

    /// Makes the app one without provisioning (an SSO-only app, or one whose integration has no
    /// provisioning): `GET /api/v1/apps/{appId}/connections/default` answers `404 E0000007`,
    /// as the spec's 404 response for `getDefaultProvisioningConnectionForApplication` says.
    pub fn disable_provisioning(&self, app_id: &str) {
        lock(&self.state.data).app(app_id).no_provisioning = true;
    }

    /// Serves `body` verbatim as the app's default provisioning connection on the next `GET`s
    /// (until the connection is updated): for the shapes real orgs answer that differ from the
    /// spec, such as the legacy `{"authScheme":"TOKEN","status":"DISABLED"}` with no `profile`
    /// (Okta's Java SDK integration test reads a fresh Org2Org app this way) or `"status": null`.
    pub fn seed_connection_response(&self, app_id: &str, body: Value) {
        lock(&self.state.data).app(app_id).seeded_connection = Some(body);
    }

    /// Makes the app one whose sign-on scheme forbids app credentials (for example a SAML app
    /// whose user name comes from a template): an assign or update carrying `credentials.userName`
    /// or `credentials.password` answers `400 E0000041` "Credentials should not be set on this
    /// resource based on the scheme." (Okta's error for this case; see shared/notes/okta.md §1.2).
    pub fn forbid_app_credentials(&self, app_id: &str) {
        lock(&self.state.data).app(app_id).credentials_forbidden = true;
    }

    /// Adds users to the org's directory. Only known users can be assigned to an app: assigning
    /// any other id answers `404 E0000007`, as Okta does for a user that does not exist.
    /// [`FakeOkta::seed_app_users`] adds its users itself.
    pub fn add_users<I, S>(&self, ids: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        lock(&self.state.data)
            .users
            .extend(ids.into_iter().map(Into::into));
    }

    /// Assigns `n` generated users (`00useed…`, with `credentials.userName`, `profile.email`,
    /// `firstName`, `lastName`) to the app and returns their ids in listing order.
    pub fn seed_app_users(&self, app_id: &str, n: usize) -> Vec<String> {
        seed_app_users(&self.state, app_id, n)
    }

    /// The stored app user (as `getApplicationUser` would return it), if assigned.
    pub fn app_user(&self, app_id: &str, user_id: &str) -> Option<Value> {
        lock(&self.state.data)
            .apps
            .get(app_id)?
            .users
            .get(user_id)
            .cloned()
    }

    /// The provisioning token last configured for the app's default connection (never returned
    /// over HTTP, like the real API).
    pub fn provisioning_token(&self, app_id: &str) -> Option<String> {
        let data = lock(&self.state.data);
        let conn = data.apps.get(app_id)?.connection.as_ref()?;
        conn.profile
            .get("token")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// All hook keys, as `listHookKeys` returns them.
    pub fn hook_keys(&self) -> Vec<Value> {
        hook_keys::public_keys(&lock(&self.state.data))
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

/// Assigns `n` generated users to the app (see [`FakeOkta::seed_app_users`]).
fn seed_app_users(state: &OktaState, app_id: &str, n: usize) -> Vec<String> {
    let mut data = lock(&state.data);
    let start = data.seed_counter;
    data.seed_counter += n as u64;
    let app = data.app(app_id);
    let ids: Vec<String> = (start..start + n as u64)
        .map(|k| {
            let (id, user) = application_users::seeded(&state.base_url, app_id, k);
            app.users.insert(id.clone(), user);
            id
        })
        .collect();
    data.users.extend(ids.iter().cloned());
    ids
}

// ---------------------------------------------------------------------------------------------
// Routing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Token,
    ActivateConnection,
    DeactivateConnection,
    GetConnection,
    UpdateConnection,
    AssignUser,
    ListUsers,
    GetUser,
    UpdateUser,
    UnassignUser,
    CreateHookKey,
    ListHookKeys,
    GetPublicKey,
    GetHookKey,
    ReplaceHookKey,
    DeleteHookKey,
}

impl Op {
    fn id(self) -> &'static str {
        match self {
            Op::Token => "token",
            Op::ActivateConnection => "activateDefaultProvisioningConnectionForApplication",
            Op::DeactivateConnection => "deactivateDefaultProvisioningConnectionForApplication",
            Op::GetConnection => "getDefaultProvisioningConnectionForApplication",
            Op::UpdateConnection => "updateDefaultProvisioningConnectionForApplication",
            Op::AssignUser => "assignUserToApplication",
            Op::ListUsers => "listApplicationUsers",
            Op::GetUser => "getApplicationUser",
            Op::UpdateUser => "updateApplicationUser",
            Op::UnassignUser => "unassignUserFromApplication",
            Op::CreateHookKey => "createHookKey",
            Op::ListHookKeys => "listHookKeys",
            Op::GetPublicKey => "getPublicKey",
            Op::GetHookKey => "getHookKey",
            Op::ReplaceHookKey => "replaceHookKey",
            Op::DeleteHookKey => "deleteHookKey",
        }
    }

    /// The OAuth scope an access token needs (`.manage` also grants `.read`).
    fn scope(self) -> &'static str {
        match self {
            Op::Token => "",
            Op::GetConnection | Op::ListUsers | Op::GetUser => "okta.apps.read",
            Op::ActivateConnection
            | Op::DeactivateConnection
            | Op::UpdateConnection
            | Op::AssignUser
            | Op::UpdateUser
            | Op::UnassignUser => "okta.apps.manage",
            Op::ListHookKeys | Op::GetPublicKey | Op::GetHookKey => "okta.inlineHooks.read",
            Op::CreateHookKey | Op::ReplaceHookKey | Op::DeleteHookKey => "okta.inlineHooks.manage",
        }
    }
}

/// Resolves a request to an operation and its (decoded) path parameters.
fn resolve(method: &Method, path: &str) -> Option<(Op, Vec<String>)> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let p = |i: usize| segs.get(i).map(|s| decode_segment(s)).unwrap_or_default();
    match (method.as_str(), segs.as_slice()) {
        ("POST", ["oauth2", "v1", "token"]) => Some((Op::Token, vec![])),
        (m, ["api", "v1", "apps", _, rest @ ..]) => {
            let op = app_op(m, rest)?;
            let mut params = vec![p(3)];
            if matches!(op, Op::GetUser | Op::UpdateUser | Op::UnassignUser) {
                params.push(p(5));
            }
            Some((op, params))
        }
        (m, ["api", "v1", "hook-keys", rest @ ..]) => {
            let op = hook_key_op(m, rest)?;
            let params = match op {
                Op::CreateHookKey | Op::ListHookKeys => vec![],
                Op::GetPublicKey => vec![p(4)],
                _ => vec![p(3)],
            };
            Some((op, params))
        }
        _ => None,
    }
}

/// The operation under `/api/v1/apps/{appId}/`, from the segments after the app id.
fn app_op(method: &str, rest: &[&str]) -> Option<Op> {
    Some(match (method, rest) {
        ("POST", ["connections", "default", "lifecycle", "activate"]) => Op::ActivateConnection,
        ("POST", ["connections", "default", "lifecycle", "deactivate"]) => Op::DeactivateConnection,
        ("GET", ["connections", "default"]) => Op::GetConnection,
        ("POST", ["connections", "default"]) => Op::UpdateConnection,
        ("POST", ["users"]) => Op::AssignUser,
        ("GET", ["users"]) => Op::ListUsers,
        ("GET", ["users", _]) => Op::GetUser,
        ("POST", ["users", _]) => Op::UpdateUser,
        ("DELETE", ["users", _]) => Op::UnassignUser,
        _ => return None,
    })
}

/// The operation under `/api/v1/hook-keys`, from the segments after `hook-keys`.
fn hook_key_op(method: &str, rest: &[&str]) -> Option<Op> {
    Some(match (method, rest) {
        ("POST", []) => Op::CreateHookKey,
        ("GET", []) => Op::ListHookKeys,
        ("GET", ["public", _]) => Op::GetPublicKey,
        ("GET", [_]) => Op::GetHookKey,
        ("PUT", [_]) => Op::ReplaceHookKey,
        ("DELETE", [_]) => Op::DeleteHookKey,
        _ => return None,
    })
}

struct OktaFlavor {
    state: Arc<OktaState>,
}

impl Flavor for OktaFlavor {
    fn operation(&self, method: &Method, path: &str) -> Option<&'static str> {
        resolve(method, path).map(|(op, _)| op.id())
    }

    fn rate_limited(&self, reset_after: Duration) -> Response {
        errors::rate_limited(reset_after)
    }

    fn server_error(&self, status: StatusCode) -> Response {
        errors::for_status(status)
    }

    fn reset(&self) {
        *lock(&self.state.data) = OktaData {
            dpop_nonce: random_hex(),
            ..OktaData::default()
        };
    }

    fn seed(&self, request: &SeedRequest) -> Value {
        let app_id = request
            .app_id
            .as_deref()
            .unwrap_or(crate::control::OKTA_SEED_APP_ID);
        lock(&self.state.data)
            .users
            .extend(request.users.iter().cloned());
        let ids = seed_app_users(&self.state, app_id, request.n);
        serde_json::json!({ "app_id": app_id, "ids": ids, "users": request.users })
    }

    fn decorate(&self, headers: &mut HeaderMap) {
        set_header(headers, "x-okta-request-id", &random_hex());
        if headers.contains_key("x-rate-limit-limit") {
            return;
        }
        let window = now_secs() / 60 * 60;
        let remaining = self.count_request(window);
        set_rate_limit_headers(headers, remaining, window + 60);
    }
}

impl OktaFlavor {
    /// Counts one request in the current one-minute window and returns the calls left in it.
    fn count_request(&self, window: u64) -> u32 {
        let mut rate = lock(&self.state.rate);
        if rate.0 != window {
            *rate = (window, 0);
        }
        rate.1 = rate.1.saturating_add(1);
        RATE_LIMIT.saturating_sub(rate.1)
    }
}

/// `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (epoch seconds).
fn set_rate_limit_headers(headers: &mut HeaderMap, remaining: u32, reset_at: u64) {
    set_header(headers, "x-rate-limit-limit", &RATE_LIMIT.to_string());
    set_header(headers, "x-rate-limit-remaining", &remaining.to_string());
    set_header(headers, "x-rate-limit-reset", &reset_at.to_string());
}

// ---------------------------------------------------------------------------------------------
// Handler

async fn handle(
    State(state): State<Arc<OktaState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((op, params)) = resolve(&method, uri.path()) else {
        // A known path with another method is 405 E0000022; anything else 404 E0000007.
        let allowed: Vec<&str> = [Method::GET, Method::POST, Method::PUT, Method::DELETE]
            .iter()
            .filter(|m| resolve(m, uri.path()).is_some())
            .map(Method::as_str)
            .collect();
        return if allowed.is_empty() {
            errors::not_found()
        } else {
            errors::unsupported_method(&allowed.join(", "))
        };
    };
    if op == Op::Token {
        return token::token(&state, &headers, &body);
    }
    // Okta's rate limits, when configured: a refused request is answered 429 before anything
    // else is checked (limits.rs).
    let admission = match limits::admit(&state, op, &headers) {
        Ok(admission) => admission,
        Err(too_many) => return too_many,
    };
    let response = match auth::authenticate(&state, &method, uri.path(), &headers, op) {
        Err(response) => response,
        Ok(()) => {
            let call = Call {
                state: &state,
                params: &params,
                query: &query_pairs(uri.query()),
                body: &body,
            };
            dispatch(op, &call)
        }
    };
    admission.finish(response).await
}

/// What a resource handler needs from an authenticated request.
struct Call<'a> {
    state: &'a OktaState,
    params: &'a [String],
    query: &'a [(String, String)],
    body: &'a [u8],
}

impl Call<'_> {
    /// The `i`-th decoded path parameter (`""` when absent).
    fn param(&self, i: usize) -> &str {
        self.params.get(i).map(String::as_str).unwrap_or("")
    }
}

fn dispatch(op: Op, call: &Call<'_>) -> Response {
    use application_connections as connections;
    use application_users as users;
    match op {
        Op::Token => errors::not_found(),
        Op::GetConnection => connections::get(call),
        Op::UpdateConnection => connections::update(call),
        Op::ActivateConnection => connections::set_enabled(call, true),
        Op::DeactivateConnection => connections::set_enabled(call, false),
        Op::AssignUser => users::assign(call),
        Op::ListUsers => users::list(call),
        Op::GetUser => users::get(call),
        Op::UpdateUser => users::update(call),
        Op::UnassignUser => users::unassign(call),
        Op::CreateHookKey => hook_keys::create(call),
        Op::ListHookKeys => hook_keys::list(call),
        Op::GetHookKey => hook_keys::get(call),
        Op::GetPublicKey => hook_keys::get_public(call),
        Op::ReplaceHookKey => hook_keys::replace(call),
        Op::DeleteHookKey => hook_keys::delete(call),
    }
}

/// A `200` JSON answer.
fn ok_json(value: &Value) -> Response {
    wire::json_response(StatusCode::OK, JSON, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_operation() {
        let cases = [
            ("POST", "/oauth2/v1/token", "token"),
            (
                "POST",
                "/api/v1/apps/a/connections/default/lifecycle/activate",
                "activateDefaultProvisioningConnectionForApplication",
            ),
            (
                "POST",
                "/api/v1/apps/a/connections/default/lifecycle/deactivate",
                "deactivateDefaultProvisioningConnectionForApplication",
            ),
            (
                "GET",
                "/api/v1/apps/a/connections/default",
                "getDefaultProvisioningConnectionForApplication",
            ),
            (
                "POST",
                "/api/v1/apps/a/connections/default",
                "updateDefaultProvisioningConnectionForApplication",
            ),
            ("POST", "/api/v1/apps/a/users", "assignUserToApplication"),
            ("GET", "/api/v1/apps/a/users", "listApplicationUsers"),
            ("GET", "/api/v1/apps/a/users/u", "getApplicationUser"),
            ("POST", "/api/v1/apps/a/users/u", "updateApplicationUser"),
            (
                "DELETE",
                "/api/v1/apps/a/users/u",
                "unassignUserFromApplication",
            ),
            ("POST", "/api/v1/hook-keys", "createHookKey"),
            ("GET", "/api/v1/hook-keys", "listHookKeys"),
            ("GET", "/api/v1/hook-keys/public/k", "getPublicKey"),
            ("GET", "/api/v1/hook-keys/k", "getHookKey"),
            ("PUT", "/api/v1/hook-keys/k", "replaceHookKey"),
            ("DELETE", "/api/v1/hook-keys/k", "deleteHookKey"),
        ];
        for (m, p, id) in cases {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert_eq!(
                resolve(&method, p).map(|(op, _)| op.id()),
                Some(id),
                "{m} {p}"
            );
        }
        assert!(resolve(&Method::PATCH, "/api/v1/hook-keys/k").is_none());
        let (_, params) = resolve(&Method::GET, "/api/v1/apps/a%2Fb/users/u%20v").unwrap();
        assert_eq!(params, vec!["a/b".to_owned(), "u v".to_owned()]);
        let (_, params) = resolve(&Method::GET, "/api/v1/hook-keys/public/k%201").unwrap();
        assert_eq!(params, vec!["k 1".to_owned()]);
        assert!(resolve(&Method::GET, "/api/v1/apps/a").is_none());
        assert!(resolve(&Method::GET, "/api/v1/hook-keys/public").is_some());
    }
}
