//! A stateful fake of the Authress ConnectionsApi (6 operations).
//!
//! This module holds the handle, the state, the routing and Authress's error bodies; [`auth`]
//! holds the service-client key and the token check, [`connections`] the resource.

mod auth;
mod connections;

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
use crate::wire::{ceil_secs, decode_segment, json_response, random_hex, rfc3339_now, set_header};

const LINKS_JSON: &str = "application/links+json";
const JSON: &str = "application/json";

/// A fake Authress account on `http://127.0.0.1:PORT`.
///
/// It accepts `Authorization: Bearer <jwt>` where the JWT is signed (EdDSA) with the private key of
/// [`FakeAuthress::access_key`] and carries that key's `kid`, `typ` `at+jwt` (or `JWT`), the
/// audience `<accountId>.accounts.authress.io`, `sub` = the client id, `iss` =
/// `<origin>/v1/clients/<clientId>` (origin: the fake's base URL or
/// `https://<accountId>.api.authress.io`) and an `exp` in the future; it also accepts the raw
/// access key as the bearer (as the real service does). Successful answers are
/// `Content-Type: application/links+json`. The server stops when this handle is dropped.
///
/// Connections behave as the API documents them: `PUT` replaces the whole document (so a `PUT`
/// without `clientSecret` leaves the connection without one, and the API never returns the
/// secret), and top-level fields the schema does not declare are refused with 400
/// (`additionalProperties: false`). See `connections.rs` for each rule's source.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let authress = idp_testkit::FakeAuthress::start().await?;
/// let key = authress.access_key(); // "sc_….<kid>.acc-….<base64 PKCS#8 Ed25519>"
/// authress.seed_connections(1_000);
/// // Point the client at authress.base_url() with `key`.
/// # let _ = key; Ok(()) }
/// ```
pub struct FakeAuthress {
    server: Server,
    state: Arc<AuthressState>,
}

impl fmt::Debug for FakeAuthress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeAuthress")
            .field("base_url", &self.server.base_url())
            .field("account_id", &self.state.account_id)
            .field("client_id", &self.state.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct AuthressData {
    connections: BTreeMap<String, Value>,
    credentials: HashMap<(String, String), String>,
    seed_counter: u64,
}

struct AuthressState {
    /// The fake's own origin (`http://127.0.0.1:PORT`), one of the two accepted JWT issuers.
    base_url: String,
    account_id: String,
    client_id: String,
    key_id: String,
    public_key: Vec<u8>,
    access_key: String,
    data: Mutex<AuthressData>,
}

impl AuthressState {
    /// The audience a JWT must carry.
    fn audience(&self) -> String {
        format!("{}.accounts.authress.io", self.account_id)
    }
}

impl FakeAuthress {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime,
    /// with a freshly generated service-client access key.
    pub async fn start() -> Result<FakeAuthress, io::Error> {
        FakeAuthress::start_with(StartOptions::default()).await
    }

    /// Starts the fake with these options (port, request-log bound), on the current tokio runtime.
    pub async fn start_with(options: StartOptions) -> Result<FakeAuthress, io::Error> {
        let bound = server::bind_with(&options).await?;
        let (der, public_key) = auth::generate_ed25519()?;
        let account_id = "acc-testkit".to_owned();
        let client_id = "sc_testkit".to_owned();
        let key_id = random_hex()[..8].to_owned();
        let access_key = auth::access_key(&client_id, &key_id, &account_id, &der);
        let state = Arc::new(AuthressState {
            base_url: bound.base_url.clone(),
            account_id,
            client_id,
            key_id,
            public_key,
            access_key,
            data: Mutex::new(AuthressData::default()),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let server = Server::serve(
            bound,
            router,
            Arc::new(AuthressFlavor {
                state: state.clone(),
            }),
        );
        Ok(FakeAuthress { server, state })
    }

    /// The account's API URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The service-client access key `clientId.keyId.accountId.privateKey`, where `privateKey` is
    /// the standard-base64 PKCS#8 DER of an Ed25519 key (48 bytes, `MC4CAQAwBQYDK2VwBCIEI…`).
    pub fn access_key(&self) -> &str {
        &self.state.access_key
    }

    /// The account id (`acc-testkit`); JWTs need the audience `<accountId>.accounts.authress.io`.
    pub fn account_id(&self) -> &str {
        &self.state.account_id
    }

    /// The service client id (`sc_testkit`).
    pub fn client_id(&self) -> &str {
        &self.state.client_id
    }

    /// The access key's key id (the JWT `kid`).
    pub fn key_id(&self) -> &str {
        &self.state.key_id
    }

    /// The audience a JWT must carry: `<accountId>.accounts.authress.io`.
    pub fn audience(&self) -> String {
        self.state.audience()
    }

    /// An access key with the same client, key id and account but a different private key: JWTs
    /// signed with it are rejected with 401.
    pub fn unrelated_access_key(&self) -> io::Result<String> {
        let (der, _) = auth::generate_ed25519()?;
        let state = &self.state;
        Ok(auth::access_key(
            &state.client_id,
            &state.key_id,
            &state.account_id,
            &der,
        ))
    }

    /// Creates `n` connections (`con_seed_…`, OAUTH2, with `data.name`) and returns their ids in
    /// listing order.
    pub fn seed_connections(&self, n: usize) -> Vec<String> {
        seed_connections(&self.state, n)
    }

    /// Makes `getConnectionCredentials` for (connection, user) return this access token.
    pub fn set_user_credentials(&self, connection_id: &str, user_id: &str, access_token: &str) {
        lock(&self.state.data).credentials.insert(
            (connection_id.to_owned(), user_id.to_owned()),
            access_token.to_owned(),
        );
    }

    /// The stored connection, including its `clientSecret` (which the API never returns).
    pub fn connection(&self, connection_id: &str) -> Option<Value> {
        lock(&self.state.data)
            .connections
            .get(connection_id)
            .cloned()
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

/// Creates `n` connections (see [`FakeAuthress::seed_connections`]).
fn seed_connections(state: &AuthressState, n: usize) -> Vec<String> {
    let mut data = lock(&state.data);
    let start = data.seed_counter;
    data.seed_counter += n as u64;
    let now = rfc3339_now();
    (start..start + n as u64)
        .map(|k| {
            let (id, connection) = connections::seeded(k, &now);
            data.connections.insert(id.clone(), connection);
            id
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Routing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Create,
    Get,
    Update,
    Delete,
    Credentials,
}

impl Op {
    fn id(self) -> &'static str {
        match self {
            Op::List => "getConnections",
            Op::Create => "createConnection",
            Op::Get => "getConnection",
            Op::Update => "updateConnection",
            Op::Delete => "deleteConnection",
            Op::Credentials => "getConnectionCredentials",
        }
    }
}

fn resolve(method: &Method, path: &str) -> Option<(Op, Vec<String>)> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let p = |i: usize| segs.get(i).map(|s| decode_segment(s)).unwrap_or_default();
    match (method.as_str(), segs.as_slice()) {
        ("GET", ["v1", "connections"] | ["v1", "connections", ""]) => Some((Op::List, vec![])),
        ("POST", ["v1", "connections"]) => Some((Op::Create, vec![])),
        ("GET", ["v1", "connections", id]) if !id.is_empty() => Some((Op::Get, vec![p(2)])),
        ("PUT", ["v1", "connections", id]) if !id.is_empty() => Some((Op::Update, vec![p(2)])),
        ("DELETE", ["v1", "connections", id]) if !id.is_empty() => Some((Op::Delete, vec![p(2)])),
        ("GET", ["v1", "connections", _, "users", _, "credentials"]) => {
            Some((Op::Credentials, vec![p(2), p(4)]))
        }
        _ => None,
    }
}

struct AuthressFlavor {
    state: Arc<AuthressState>,
}

impl Flavor for AuthressFlavor {
    fn reset(&self) {
        *lock(&self.state.data) = AuthressData::default();
    }

    fn seed(&self, request: &SeedRequest) -> Value {
        let mut data = lock(&self.state.data);
        for c in &request.credentials {
            let key = (c.connection_id.clone(), c.user_id.clone());
            data.credentials.insert(key, c.access_token.clone());
        }
        drop(data);
        json!({ "ids": seed_connections(&self.state, request.n) })
    }

    fn operation(&self, method: &Method, path: &str) -> Option<&'static str> {
        resolve(method, path).map(|(op, _)| op.id())
    }

    fn rate_limited(&self, reset_after: Duration) -> Response {
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too Many Requests",
        );
        set_header(
            response.headers_mut(),
            "retry-after",
            &ceil_secs(reset_after).to_string(),
        );
        response
    }

    fn server_error(&self, status: StatusCode) -> Response {
        let title = status.canonical_reason().unwrap_or("Error");
        error(status, "ServiceError", title)
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies

fn error(status: StatusCode, code: &str, title: &str) -> Response {
    json_response(status, JSON, &json!({ "errorCode": code, "title": title }))
}

fn not_found(what: &str) -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", what)
}

fn bad_request(title: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "InvalidInput", title)
}

fn unauthorized(title: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized", title);
    set_header(response.headers_mut(), "www-authenticate", "Bearer");
    response
}

// ---------------------------------------------------------------------------------------------
// Handler

async fn handle(
    State(state): State<Arc<AuthressState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = auth::authenticate(&state, &headers) {
        return response;
    }
    let Some((op, params)) = resolve(&method, uri.path()) else {
        return not_found("The requested resource does not exist.");
    };
    let param = |i: usize| params.get(i).map(String::as_str).unwrap_or("");
    match op {
        Op::List => connections::list(&state, uri.query()),
        Op::Create => connections::create(&state, &body),
        Op::Get => connections::get(&state, param(0)),
        Op::Update => connections::update(&state, param(0), &body),
        Op::Delete => connections::delete(&state, param(0)),
        Op::Credentials => connections::user_credentials(&state, param(0), param(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_operation() {
        let cases = [
            ("GET", "/v1/connections", "getConnections"),
            ("GET", "/v1/connections/", "getConnections"),
            ("POST", "/v1/connections", "createConnection"),
            ("GET", "/v1/connections/c", "getConnection"),
            ("PUT", "/v1/connections/c", "updateConnection"),
            ("DELETE", "/v1/connections/c", "deleteConnection"),
            (
                "GET",
                "/v1/connections/c/users/u/credentials",
                "getConnectionCredentials",
            ),
        ];
        for (m, p, id) in cases {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert_eq!(
                resolve(&method, p).map(|(op, _)| op.id()),
                Some(id),
                "{m} {p}"
            );
        }
        let (_, params) = resolve(
            &Method::GET,
            "/v1/connections/c/users/google%7C1%2F2%20x/credentials",
        )
        .unwrap();
        assert_eq!(params[1], "google|1/2 x");
    }
}
