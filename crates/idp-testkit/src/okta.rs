//! A stateful fake of the Okta Management API subset (15 operations) with its org authorization
//! server's token endpoint (private-key JWT client credentials, DPoP).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io;
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value, json};

use crate::faults::Faults;
use crate::server::{
    self, Flavor, LoggedRequest, Server, ceil_secs, decode_segment, encode_segment, http_date,
    json_response, lock, now_secs, query_get, query_pairs, random_hex, rfc3339_now, set_header,
};

const JSON: &str = "application/json";
const RATE_LIMIT: u32 = 600;
const MAX_HOOK_KEYS: usize = 50;

/// A fake Okta org on `http://127.0.0.1:PORT`.
///
/// It accepts `Authorization: SSWS <api_token()>`, and OAuth access tokens that its own
/// `POST /oauth2/v1/token` issues to registered service apps (private-key JWT, optionally DPoP
/// bound). Every response carries `X-Okta-Request-Id` and `X-Rate-Limit-*` headers. Apps exist
/// implicitly: any app id can be used. The server stops when this handle is dropped.
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

/// A public key registered for a fake Okta service app.
#[derive(Clone)]
#[non_exhaustive]
pub enum ServiceAppKey {
    /// A PEM document: an RSA or EC (P-256/P-384) `PUBLIC KEY` / `RSA PUBLIC KEY`, or a private
    /// key (`PRIVATE KEY` PKCS#8 RSA or EC, `RSA PRIVATE KEY` PKCS#1) from which the public key is
    /// derived.
    Pem(String),
    /// A public JWK (`kty` `RSA` with `n`/`e`, or `EC` with `crv`/`x`/`y`).
    Jwk(Value),
}

impl fmt::Debug for ServiceAppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceAppKey::Pem(_) => f.write_str("ServiceAppKey::Pem(..)"),
            ServiceAppKey::Jwk(_) => f.write_str("ServiceAppKey::Jwk(..)"),
        }
    }
}

impl ServiceAppKey {
    fn decoding_key(&self) -> io::Result<DecodingKey> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
        match self {
            ServiceAppKey::Jwk(value) => {
                let jwk: jsonwebtoken::jwk::Jwk =
                    serde_json::from_value(value.clone()).map_err(|_| invalid("not a JWK"))?;
                DecodingKey::from_jwk(&jwk).map_err(|_| invalid("unsupported JWK"))
            }
            ServiceAppKey::Pem(pem) => {
                let bytes = pem.as_bytes();
                if pem.contains("PRIVATE KEY") {
                    let der = pem_body(pem).ok_or_else(|| invalid("bad PEM"))?;
                    return public_from_private_pkcs8(&der)
                        .ok_or_else(|| invalid("unsupported private key"));
                }
                DecodingKey::from_rsa_pem(bytes)
                    .or_else(|_| DecodingKey::from_ec_pem(bytes))
                    .map_err(|_| invalid("unsupported public key PEM"))
            }
        }
    }
}

/// Base64 body of a PEM document.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    STANDARD.decode(b64).ok()
}

/// Derives a verification key from a PKCS#8 RSA or EC private key.
fn public_from_private_pkcs8(der: &[u8]) -> Option<DecodingKey> {
    use ring::signature::{self, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    for alg in [
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
    ] {
        if let Ok(pair) = signature::EcdsaKeyPair::from_pkcs8(alg, der, &rng) {
            // Uncompressed point: 0x04 || x || y.
            let point = pair.public_key().as_ref();
            let coords = point.get(1..)?;
            let (x, y) = coords.split_at(coords.len() / 2);
            return DecodingKey::from_ec_components(
                &URL_SAFE_NO_PAD.encode(x),
                &URL_SAFE_NO_PAD.encode(y),
            )
            .ok();
        }
    }
    let pair = signature::RsaKeyPair::from_pkcs8(der)
        .or_else(|_| signature::RsaKeyPair::from_der(der))
        .ok()?;
    // ring gives the public key as a PKCS#1 RSAPublicKey DER document.
    Some(DecodingKey::from_rsa_der(pair.public().as_ref()))
}

struct ServiceApp {
    keys: Vec<DecodingKey>,
    require_dpop: bool,
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
    hook_keys: Vec<Value>,
    service_apps: HashMap<String, ServiceApp>,
    tokens: HashMap<String, IssuedToken>,
    used_jtis: HashSet<String>,
    dpop_nonce: String,
    token_requests: usize,
    seed_counter: u64,
}

struct OktaState {
    base_url: String,
    api_token: String,
    data: Mutex<OktaData>,
    rate: Mutex<(u64, u32)>,
}

impl FakeOkta {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime.
    pub async fn start() -> Result<FakeOkta, io::Error> {
        let bound = server::bind().await?;
        let state = Arc::new(OktaState {
            base_url: bound.base_url.clone(),
            api_token: format!("00testkit{}", random_hex()),
            data: Mutex::new(OktaData {
                dpop_nonce: random_hex(),
                ..OktaData::default()
            }),
            rate: Mutex::new((0, 0)),
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
        format!("{}/oauth2/v1/token", self.base_url())
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
        lock(&self.state.data)
            .apps
            .entry(app_id.to_owned())
            .or_default();
    }

    /// Assigns `n` generated users (`00useed…`, with `credentials.userName`, `profile.email`,
    /// `firstName`, `lastName`) to the app and returns their ids in listing order.
    pub fn seed_app_users(&self, app_id: &str, n: usize) -> Vec<String> {
        let mut data = lock(&self.state.data);
        let start = data.seed_counter;
        data.seed_counter += n as u64;
        let base = self.state.base_url.clone();
        let app = data.apps.entry(app_id.to_owned()).or_default();
        let mut ids = Vec::with_capacity(n);
        for k in start..start + n as u64 {
            let id = format!("00useed{k:013}");
            let body = json!({
                "id": id,
                "scope": "USER",
                "credentials": {"userName": format!("user{k}@example.com")},
                "profile": {
                    "email": format!("user{k}@example.com"),
                    "firstName": "Seed",
                    "lastName": format!("User{k}"),
                },
            });
            let user = new_app_user(&base, app_id, &id, &body, None);
            app.users.insert(id.clone(), user);
            ids.push(id);
        }
        ids
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
        lock(&self.state.data)
            .hook_keys
            .iter()
            .map(hook_key_public)
            .collect()
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
    let m = method.as_str();
    let op = match (m, segs.as_slice()) {
        ("POST", ["oauth2", "v1", "token"]) => return Some((Op::Token, vec![])),
        (
            "POST",
            [
                "api",
                "v1",
                "apps",
                _,
                "connections",
                "default",
                "lifecycle",
                "activate",
            ],
        ) => Op::ActivateConnection,
        (
            "POST",
            [
                "api",
                "v1",
                "apps",
                _,
                "connections",
                "default",
                "lifecycle",
                "deactivate",
            ],
        ) => Op::DeactivateConnection,
        ("GET", ["api", "v1", "apps", _, "connections", "default"]) => Op::GetConnection,
        ("POST", ["api", "v1", "apps", _, "connections", "default"]) => Op::UpdateConnection,
        ("POST", ["api", "v1", "apps", _, "users"]) => Op::AssignUser,
        ("GET", ["api", "v1", "apps", _, "users"]) => Op::ListUsers,
        ("GET", ["api", "v1", "apps", _, "users", _]) => Op::GetUser,
        ("POST", ["api", "v1", "apps", _, "users", _]) => Op::UpdateUser,
        ("DELETE", ["api", "v1", "apps", _, "users", _]) => Op::UnassignUser,
        ("POST", ["api", "v1", "hook-keys"]) => return Some((Op::CreateHookKey, vec![])),
        ("GET", ["api", "v1", "hook-keys"]) => return Some((Op::ListHookKeys, vec![])),
        ("GET", ["api", "v1", "hook-keys", "public", _]) => {
            return Some((Op::GetPublicKey, vec![p(4)]));
        }
        ("GET", ["api", "v1", "hook-keys", _]) => return Some((Op::GetHookKey, vec![p(3)])),
        ("PUT", ["api", "v1", "hook-keys", _]) => return Some((Op::ReplaceHookKey, vec![p(3)])),
        ("DELETE", ["api", "v1", "hook-keys", _]) => return Some((Op::DeleteHookKey, vec![p(3)])),
        _ => return None,
    };
    let mut params = vec![p(3)];
    if matches!(op, Op::GetUser | Op::UpdateUser | Op::UnassignUser) {
        params.push(p(5));
    }
    Some((op, params))
}

struct OktaFlavor {
    state: Arc<OktaState>,
}

impl Flavor for OktaFlavor {
    fn operation(&self, method: &Method, path: &str) -> Option<&'static str> {
        resolve(method, path).map(|(op, _)| op.id())
    }

    fn rate_limited(&self, reset_after: Duration) -> Response {
        let now = now_secs();
        let mut response = okta_error(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
            &[],
        );
        let h = response.headers_mut();
        set_header(h, "x-rate-limit-limit", &RATE_LIMIT.to_string());
        set_header(h, "x-rate-limit-remaining", "0");
        set_header(
            h,
            "x-rate-limit-reset",
            &(now + ceil_secs(reset_after)).to_string(),
        );
        set_header(h, "date", &http_date(now));
        response
    }

    fn server_error(&self, status: StatusCode) -> Response {
        let (code, summary) = match status.as_u16() {
            503 => ("E0000010", "Service is in read only mode"),
            429 => (
                "E0000047",
                "API call exceeded rate limit due to too many requests.",
            ),
            404 => ("E0000007", "Not found: Resource not found"),
            401 => ("E0000011", "Invalid token provided"),
            403 => (
                "E0000006",
                "You do not have permission to perform the requested action",
            ),
            400 => ("E0000001", "Api validation failed"),
            _ => ("E0000009", "Internal Server Error"),
        };
        okta_error(status, code, summary, &[])
    }

    fn decorate(&self, headers: &mut HeaderMap) {
        set_header(headers, "x-okta-request-id", &random_hex());
        if headers.contains_key("x-rate-limit-limit") {
            return;
        }
        let now = now_secs();
        let window = now / 60 * 60;
        let remaining = {
            let mut rate = lock(&self.state.rate);
            if rate.0 != window {
                *rate = (window, 0);
            }
            rate.1 = rate.1.saturating_add(1);
            RATE_LIMIT.saturating_sub(rate.1)
        };
        set_header(headers, "x-rate-limit-limit", &RATE_LIMIT.to_string());
        set_header(headers, "x-rate-limit-remaining", &remaining.to_string());
        set_header(headers, "x-rate-limit-reset", &(window + 60).to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

fn okta_error(status: StatusCode, code: &str, summary: &str, causes: &[String]) -> Response {
    let causes: Vec<Value> = causes
        .iter()
        .map(|c| json!({ "errorSummary": c }))
        .collect();
    json_response(
        status,
        JSON,
        &json!({
            "errorCode": code,
            "errorSummary": summary,
            "errorLink": code,
            "errorId": format!("oae{}", &random_hex()[..19]),
            "errorCauses": causes,
        }),
    )
}

fn not_found() -> Response {
    okta_error(
        StatusCode::NOT_FOUND,
        "E0000007",
        "Not found: Resource not found",
        &[],
    )
}

fn bad_request(cause: &str) -> Response {
    okta_error(
        StatusCode::BAD_REQUEST,
        "E0000001",
        "Api validation failed",
        &[cause.to_owned()],
    )
}

fn invalid_token(www_authenticate: Option<&str>) -> Response {
    let mut response = okta_error(
        StatusCode::UNAUTHORIZED,
        "E0000011",
        "Invalid token provided",
        &[],
    );
    if let Some(value) = www_authenticate {
        set_header(response.headers_mut(), "www-authenticate", value);
    }
    response
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = json_response(
        status,
        JSON,
        &json!({ "error": error, "error_description": description }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
        return okta_error(
            StatusCode::NOT_FOUND,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
            &[],
        );
    };
    if op == Op::Token {
        return token(&state, &headers, &body);
    }
    if let Err(response) = authenticate(&state, &method, uri.path(), &headers, op) {
        return response;
    }
    let query = query_pairs(uri.query());
    let p0 = params.first().cloned().unwrap_or_default();
    let p1 = params.get(1).cloned().unwrap_or_default();
    match op {
        Op::Token => not_found(),
        Op::GetConnection => get_connection(&state, &p0),
        Op::UpdateConnection => update_connection(&state, &p0, &query, &body),
        Op::ActivateConnection => set_connection_enabled(&state, &p0, true),
        Op::DeactivateConnection => set_connection_enabled(&state, &p0, false),
        Op::AssignUser => assign_user(&state, &p0, &body),
        Op::ListUsers => list_users(&state, &p0, &query),
        Op::GetUser => get_user(&state, &p0, &p1, &query),
        Op::UpdateUser => update_user(&state, &p0, &p1, &body),
        Op::UnassignUser => unassign_user(&state, &p0, &p1, &query),
        Op::CreateHookKey => create_hook_key(&state, &body),
        Op::ListHookKeys => {
            let data = lock(&state.data);
            let keys: Vec<Value> = data.hook_keys.iter().map(hook_key_public).collect();
            json_response(StatusCode::OK, JSON, &Value::Array(keys))
        }
        Op::GetHookKey => {
            let data = lock(&state.data);
            match data.hook_keys.iter().find(|k| k["id"] == p0.as_str()) {
                Some(k) => json_response(StatusCode::OK, JSON, &hook_key_public(k)),
                None => not_found(),
            }
        }
        Op::GetPublicKey => {
            let data = lock(&state.data);
            match data.hook_keys.iter().find(|k| k["keyId"] == p0.as_str()) {
                Some(k) => json_response(StatusCode::OK, JSON, &k["_embedded"]),
                None => not_found(),
            }
        }
        Op::ReplaceHookKey => replace_hook_key(&state, &p0, &body),
        Op::DeleteHookKey => {
            let mut data = lock(&state.data);
            match data.hook_keys.iter().position(|k| k["id"] == p0.as_str()) {
                Some(i) => {
                    data.hook_keys.remove(i);
                    no_content()
                }
                None => not_found(),
            }
        }
    }
}

fn no_content() -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request("The request body was not well-formed.")),
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication

fn authenticate(
    state: &OktaState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    op: Op,
) -> Result<(), Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (scheme, credential) = auth.split_once(' ').unwrap_or((auth, ""));
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("SSWS") {
        return if !credential.is_empty() && credential == state.api_token {
            Ok(())
        } else {
            Err(invalid_token(None))
        };
    }
    let is_dpop = scheme.eq_ignore_ascii_case("DPoP");
    if !is_dpop && !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(invalid_token(None));
    }
    let mut data = lock(&state.data);
    let Some(token) = data.tokens.get(credential) else {
        return Err(invalid_token(Some(
            r#"Bearer error="invalid_token", error_description="The access token is invalid.""#,
        )));
    };
    if token.expires_at <= now_secs() {
        return Err(invalid_token(Some(
            r#"Bearer error="invalid_token", error_description="The access token is expired.""#,
        )));
    }
    let scopes = token.scopes.clone();
    match (&token.jkt, is_dpop) {
        (None, false) => {}
        (Some(_), false) | (None, true) => {
            return Err(invalid_token(Some(
                r#"DPoP error="invalid_dpop_proof", error_description="The token type does not match the authorization scheme.""#,
            )));
        }
        (Some(jkt), true) => {
            let jkt = jkt.clone();
            let proof = headers
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let htu = format!("{}{}", state.base_url, path);
            let nonce = data.dpop_nonce.clone();
            match verify_dpop(
                proof,
                method.as_str(),
                &htu,
                Some(credential),
                NonceRule::Optional(&nonce),
                &data.used_jtis,
            ) {
                Ok(proof) if proof.jkt == jkt => {
                    data.used_jtis.insert(proof.jti);
                }
                Ok(_) => {
                    return Err(invalid_token(Some(
                        r#"DPoP error="invalid_dpop_proof", error_description="The DPoP proof key does not match the token binding.""#,
                    )));
                }
                Err(DpopError::Nonce) => {
                    let mut response = invalid_token(Some(
                        r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof.""#,
                    ));
                    set_header(response.headers_mut(), "dpop-nonce", &nonce);
                    return Err(response);
                }
                Err(DpopError::Invalid(why)) => {
                    let value =
                        format!(r#"DPoP error="invalid_dpop_proof", error_description="{why}""#);
                    return Err(invalid_token(Some(&value)));
                }
            }
        }
    }
    let needed = op.scope();
    let manage = needed.replace(".read", ".manage");
    if scopes.iter().any(|s| s == needed || *s == manage) {
        Ok(())
    } else {
        Err(okta_error(
            StatusCode::FORBIDDEN,
            "E0000006",
            "You do not have permission to perform the requested action",
            &[],
        ))
    }
}

enum NonceRule<'a> {
    /// The proof must carry this nonce.
    Required(&'a str),
    /// If the proof carries a nonce, it must be this one.
    Optional(&'a str),
}

enum DpopError {
    Nonce,
    Invalid(&'static str),
}

struct VerifiedProof {
    jkt: String,
    jti: String,
}

/// Verifies a DPoP proof (RFC 9449) and returns its key thumbprint.
fn verify_dpop(
    proof: &str,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
    nonce: NonceRule<'_>,
    used_jtis: &HashSet<String>,
) -> Result<VerifiedProof, DpopError> {
    let mut parts = proof.split('.');
    let (Some(h), Some(c), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DpopError::Invalid("The DPoP proof is not a JWS."));
    };
    let decode = |s: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let (Some(header_json), Some(claims)) = (decode(h), decode(c)) else {
        return Err(DpopError::Invalid("The DPoP proof is not a JWS."));
    };
    // The nonce challenge comes first, as on the real server.
    let sent_nonce = claims.get("nonce").and_then(Value::as_str);
    match nonce {
        NonceRule::Required(expected) if sent_nonce != Some(expected) => {
            return Err(DpopError::Nonce);
        }
        NonceRule::Optional(expected) if sent_nonce.is_some_and(|n| n != expected) => {
            return Err(DpopError::Nonce);
        }
        _ => {}
    }
    if header_json.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(DpopError::Invalid("The DPoP proof typ must be dpop+jwt."));
    }
    let Some(jwk_value) = header_json.get("jwk").filter(|j| j.is_object()) else {
        return Err(DpopError::Invalid("The DPoP proof has no jwk header."));
    };
    if jwk_value.get("d").is_some() {
        return Err(DpopError::Invalid(
            "The DPoP proof jwk contains a private key.",
        ));
    }
    let header = jsonwebtoken::decode_header(proof)
        .map_err(|_| DpopError::Invalid("The DPoP proof header is invalid."))?;
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
    ) {
        return Err(DpopError::Invalid("The DPoP proof alg is not supported."));
    }
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk_value.clone())
        .map_err(|_| DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|_| DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    jsonwebtoken::decode::<Value>(proof, &key, &validation)
        .map_err(|_| DpopError::Invalid("The DPoP proof signature is invalid."))?;
    if claims.get("htm").and_then(Value::as_str) != Some(htm) {
        return Err(DpopError::Invalid(
            "The DPoP proof htm does not match the request.",
        ));
    }
    let sent_htu = claims.get("htu").and_then(Value::as_str).unwrap_or("");
    let sent_htu = sent_htu.split(['?', '#']).next().unwrap_or("");
    if sent_htu != htu {
        return Err(DpopError::Invalid(
            "The DPoP proof htu does not match the request.",
        ));
    }
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
    let now = now_secs() as i64;
    if (iat - now).abs() > 300 {
        return Err(DpopError::Invalid("The DPoP proof iat is out of range."));
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty())
        .ok_or(DpopError::Invalid("The DPoP proof has no jti."))?;
    if used_jtis.contains(jti) {
        return Err(DpopError::Invalid("The DPoP proof jti was already used."));
    }
    if let Some(token) = access_token {
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let ath = URL_SAFE_NO_PAD.encode(digest.as_ref());
        if claims.get("ath").and_then(Value::as_str) != Some(ath.as_str()) {
            return Err(DpopError::Invalid(
                "The DPoP proof ath does not match the token.",
            ));
        }
    }
    let jkt =
        jwk_thumbprint(jwk_value).ok_or(DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    Ok(VerifiedProof {
        jkt,
        jti: jti.to_owned(),
    })
}

/// RFC 7638 JWK thumbprint (SHA-256, base64url).
pub(crate) fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    let get = |k: &str| jwk.get(k).and_then(Value::as_str);
    let canonical = match get("kty")? {
        "RSA" => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, get("e")?, get("n")?),
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            get("crv")?,
            get("x")?,
            get("y")?
        ),
        "OKP" => format!(
            r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
            get("crv")?,
            get("x")?
        ),
        _ => return None,
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(digest.as_ref()))
}

/// `POST /oauth2/v1/token`: client credentials with a private-key JWT client assertion.
fn token(state: &OktaState, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut data = lock(&state.data);
    data.token_requests += 1;
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    if field("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed: a private_key_jwt client assertion is required.",
        );
    }
    let assertion = field("client_assertion");
    let token_url = format!("{}/oauth2/v1/token", state.base_url);

    // DPoP nonce challenge before anything else.
    let dpop = headers.get("dpop").and_then(|v| v.to_str().ok());
    let mut jkt = None;
    let mut dpop_jti = None;
    if let Some(proof) = dpop {
        let nonce = data.dpop_nonce.clone();
        match verify_dpop(
            proof,
            "POST",
            &token_url,
            None,
            NonceRule::Required(&nonce),
            &data.used_jtis,
        ) {
            Ok(verified) => {
                jkt = Some(verified.jkt);
                dpop_jti = Some(verified.jti);
            }
            Err(DpopError::Nonce) => {
                let mut response = oauth_error(
                    StatusCode::BAD_REQUEST,
                    "use_dpop_nonce",
                    "Authorization server requires nonce in DPoP proof.",
                );
                set_header(response.headers_mut(), "dpop-nonce", &nonce);
                return response;
            }
            Err(DpopError::Invalid(why)) => {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", why);
            }
        }
    }

    // Identify the client from the (not yet verified) claims.
    let claims: Option<Value> = assertion.split('.').nth(1).and_then(|c| {
        let bytes = URL_SAFE_NO_PAD.decode(c.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    });
    let client_id = claims
        .as_ref()
        .and_then(|c| c.get("iss"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let invalid_client = |why: &str| oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", why);
    let Some(app) = data.service_apps.get(&client_id) else {
        return invalid_client("The client_id provided in the client assertion is not known.");
    };
    if !field("client_id").is_empty() && field("client_id") != client_id {
        return invalid_client("The client_id does not match the client assertion.");
    }
    if app.require_dpop && jkt.is_none() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_dpop_proof",
            "The DPoP proof JWT header is missing.",
        );
    }
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return invalid_client("The client assertion is not a valid JWT.");
    };
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[token_url.as_str()]);
    validation.set_issuer(&[client_id.as_str()]);
    validation.sub = Some(client_id.clone());
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.leeway = 30;
    let verified = app
        .keys
        .iter()
        .find_map(|key| jsonwebtoken::decode::<Value>(assertion, key, &validation).ok());
    let Some(verified) = verified else {
        return invalid_client(
            "The client assertion signature or claims (aud, iss, sub, exp) are invalid.",
        );
    };
    let now = now_secs();
    let exp = verified
        .claims
        .get("exp")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if exp > now + 3600 + 60 {
        return invalid_client("The client assertion exp is more than one hour in the future.");
    }
    let jti = verified
        .claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !jti.is_empty() && data.used_jtis.contains(&format!("assertion:{jti}")) {
        return invalid_client("The client assertion jti was already used.");
    }
    let scopes: Vec<String> = field("scope")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() || scopes.iter().any(|s| !s.starts_with("okta.")) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    if !jti.is_empty() {
        data.used_jtis.insert(format!("assertion:{jti}"));
    }
    if let Some(j) = dpop_jti {
        data.used_jtis.insert(j);
    }
    let access_token = format!("okta-at.{}", random_hex());
    let token_type = if jkt.is_some() { "DPoP" } else { "Bearer" };
    data.tokens.insert(
        access_token.clone(),
        IssuedToken {
            scopes: scopes.clone(),
            jkt,
            expires_at: now + 3600,
        },
    );
    let mut response = json_response(
        StatusCode::OK,
        JSON,
        &json!({
            "token_type": token_type,
            "expires_in": 3600,
            "access_token": access_token,
            "scope": scopes.join(" "),
        }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// ---------------------------------------------------------------------------------------------
// Provisioning connection

fn connection_json(base: &str, app_id: &str, conn: Option<&ConnectionState>) -> Value {
    let app = encode_segment(app_id);
    let href = format!("{base}/api/v1/apps/{app}/connections/default");
    let mut links = json!({
        "self": { "href": href, "hints": { "allow": ["GET", "POST"] } },
    });
    let mut out = Map::new();
    match conn {
        None => {
            out.insert("profile".into(), json!({ "authScheme": "UNKNOWN" }));
            out.insert("status".into(), json!("DISABLED"));
        }
        Some(c) => {
            if c.auth_scheme == "TOKEN" {
                out.insert("authScheme".into(), json!("TOKEN"));
            }
            if let Some(b) = &c.base_url {
                out.insert("baseUrl".into(), json!(b));
            }
            let mut profile = c.profile.as_object().cloned().unwrap_or_default();
            profile.remove("token");
            if let Some(settings) = profile.get_mut("settings").and_then(Value::as_object_mut) {
                settings.remove("adminPassword");
            }
            out.insert("profile".into(), Value::Object(profile));
            out.insert(
                "status".into(),
                json!(if c.enabled { "ENABLED" } else { "DISABLED" }),
            );
            let lifecycle = if c.enabled { "deactivate" } else { "activate" };
            links[lifecycle] = json!({
                "href": format!("{href}/lifecycle/{lifecycle}"),
                "hints": { "allow": ["POST"] },
            });
        }
    }
    out.insert("_links".into(), links);
    Value::Object(out)
}

fn get_connection(state: &OktaState, app_id: &str) -> Response {
    let mut data = lock(&state.data);
    let app = data.apps.entry(app_id.to_owned()).or_default();
    json_response(
        StatusCode::OK,
        JSON,
        &connection_json(&state.base_url, app_id, app.connection.as_ref()),
    )
}

fn update_connection(
    state: &OktaState,
    app_id: &str,
    query: &[(String, String)],
    body: &[u8],
) -> Response {
    let activate = match query_get(query, "activate") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return bad_request("activate: The value must be true or false."),
    };
    let map = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(profile) = map.get("profile").and_then(Value::as_object) else {
        return bad_request("profile: The field cannot be left blank.");
    };
    let scheme = profile
        .get("authScheme")
        .and_then(Value::as_str)
        .unwrap_or("");
    if scheme != "TOKEN" && scheme != "OAUTH2" {
        return bad_request("profile.authScheme: The value must be TOKEN or OAUTH2.");
    }
    let rotation = profile
        .get("signing")
        .and_then(|s| s.get("rotationMode"))
        .and_then(Value::as_str);
    if rotation.is_some_and(|r| r != "AUTO" && r != "MANUAL") {
        return bad_request("profile.signing.rotationMode: The value must be AUTO or MANUAL.");
    }
    let base_url = match map.get("baseUrl") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return bad_request("baseUrl: The value must be a string."),
    };
    let mut data = lock(&state.data);
    let app = data.apps.entry(app_id.to_owned()).or_default();
    let was_enabled = app.connection.as_ref().is_some_and(|c| c.enabled);
    app.connection = Some(ConnectionState {
        auth_scheme: scheme.to_owned(),
        base_url,
        profile: Value::Object(profile.clone()),
        enabled: activate.unwrap_or(was_enabled),
    });
    json_response(
        StatusCode::OK,
        JSON,
        &connection_json(&state.base_url, app_id, app.connection.as_ref()),
    )
}

fn set_connection_enabled(state: &OktaState, app_id: &str, enabled: bool) -> Response {
    let mut data = lock(&state.data);
    let app = data.apps.entry(app_id.to_owned()).or_default();
    match app.connection.as_mut() {
        Some(conn) => {
            conn.enabled = enabled;
            no_content()
        }
        None if !enabled => no_content(),
        None => bad_request("The provisioning connection is not configured."),
    }
}

// ---------------------------------------------------------------------------------------------
// App users

fn new_app_user(base: &str, app_id: &str, id: &str, body: &Value, old: Option<&Value>) -> Value {
    let now = rfc3339_now();
    let created = old
        .and_then(|o| o.get("created"))
        .cloned()
        .unwrap_or_else(|| json!(now));
    let mut credentials = Map::new();
    if let Some(user_name) = body.pointer("/credentials/userName") {
        credentials.insert("userName".into(), user_name.clone());
    }
    if body.pointer("/credentials/password").is_some() {
        credentials.insert("password".into(), json!({}));
    }
    json!({
        "id": id,
        "externalId": null,
        "created": created,
        "lastUpdated": now,
        "scope": body.get("scope").cloned().unwrap_or_else(|| json!("USER")),
        "status": "PROVISIONED",
        "statusChanged": created,
        "passwordChanged": null,
        "syncState": "DISABLED",
        "credentials": credentials,
        "profile": body.get("profile").cloned().unwrap_or_else(|| json!({})),
        "_links": {
            "app": { "href": format!("{base}/api/v1/apps/{}", encode_segment(app_id)) },
            "user": { "href": format!("{base}/api/v1/users/{}", encode_segment(id)) },
        },
    })
}

fn with_expand(mut user: Value, query: &[(String, String)]) -> Value {
    if query_get(query, "expand") == Some("user") {
        let login = user
            .pointer("/credentials/userName")
            .cloned()
            .unwrap_or(Value::Null);
        let id = user.get("id").cloned().unwrap_or(Value::Null);
        user["_embedded"] = json!({
            "user": { "id": id, "status": "ACTIVE", "profile": { "login": login, "email": login } }
        });
    }
    user
}

fn validate_user_fields(map: &Map<String, Value>) -> Result<(), Response> {
    if map
        .get("scope")
        .is_some_and(|scope| !matches!(scope.as_str(), Some("USER" | "GROUP")))
    {
        return Err(bad_request("scope: The value must be USER or GROUP."));
    }
    if map.get("profile").is_some_and(|p| !p.is_object()) {
        return Err(bad_request("profile: The value must be an object."));
    }
    if let Some(credentials) = map.get("credentials") {
        if !credentials.is_object() {
            return Err(bad_request("credentials: The value must be an object."));
        }
        if let Some(name) = credentials.get("userName") {
            let len = name.as_str().map(|s| s.chars().count()).unwrap_or(0);
            if !(1..=100).contains(&len) {
                return Err(bad_request(
                    "credentials.userName: The value must be a string of 1 to 100 characters.",
                ));
            }
        }
    }
    Ok(())
}

fn assign_user(state: &OktaState, app_id: &str, body: &[u8]) -> Response {
    let map = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(id) = map
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return bad_request("id: The field cannot be left blank.");
    };
    if let Err(r) = validate_user_fields(&map) {
        return r;
    }
    let id = id.to_owned();
    let body = Value::Object(map);
    let mut data = lock(&state.data);
    let app = data.apps.entry(app_id.to_owned()).or_default();
    let user = new_app_user(&state.base_url, app_id, &id, &body, app.users.get(&id));
    app.users.insert(id, user.clone());
    json_response(StatusCode::OK, JSON, &user)
}

fn get_user(
    state: &OktaState,
    app_id: &str,
    user_id: &str,
    query: &[(String, String)],
) -> Response {
    let data = lock(&state.data);
    match data.apps.get(app_id).and_then(|a| a.users.get(user_id)) {
        Some(user) => json_response(StatusCode::OK, JSON, &with_expand(user.clone(), query)),
        None => not_found(),
    }
}

fn update_user(state: &OktaState, app_id: &str, user_id: &str, body: &[u8]) -> Response {
    let map = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if !map.contains_key("credentials") && !map.contains_key("profile") {
        return bad_request("The request must contain credentials or profile.");
    }
    if let Err(r) = validate_user_fields(&map) {
        return r;
    }
    let mut data = lock(&state.data);
    let Some(user) = data
        .apps
        .get_mut(app_id)
        .and_then(|a| a.users.get_mut(user_id))
    else {
        return not_found();
    };
    if let Some(profile) = map.get("profile") {
        user["profile"] = profile.clone();
    }
    if let Some(Value::Object(creds)) = map.get("credentials") {
        if let Some(name) = creds.get("userName") {
            user["credentials"]["userName"] = name.clone();
        }
        if creds.contains_key("password") {
            user["credentials"]["password"] = json!({});
            user["passwordChanged"] = json!(rfc3339_now());
        }
    }
    user["lastUpdated"] = json!(rfc3339_now());
    json_response(StatusCode::OK, JSON, user)
}

fn unassign_user(
    state: &OktaState,
    app_id: &str,
    user_id: &str,
    query: &[(String, String)],
) -> Response {
    if query_get(query, "sendEmail").is_some_and(|v| v != "true" && v != "false") {
        return bad_request("sendEmail: The value must be true or false.");
    }
    let mut data = lock(&state.data);
    match data
        .apps
        .get_mut(app_id)
        .and_then(|a| a.users.remove(user_id))
    {
        Some(_) => no_content(),
        None => not_found(),
    }
}

fn list_users(state: &OktaState, app_id: &str, query: &[(String, String)]) -> Response {
    let limit = match query_get(query, "limit") {
        None => 50,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 1 => n.min(500) as usize,
            _ => return bad_request("limit: The value must be an integer between 1 and 500."),
        },
    };
    let after = query_get(query, "after").map(str::to_owned);
    let q = query_get(query, "q").map(str::to_lowercase);
    let mut data = lock(&state.data);
    let app = data.apps.entry(app_id.to_owned()).or_default();
    let lower = match &after {
        Some(a) => Bound::Excluded(a.clone()),
        None => Bound::Unbounded,
    };
    let matches = |u: &Value| -> bool {
        let Some(q) = &q else { return true };
        [
            "/credentials/userName",
            "/profile/firstName",
            "/profile/lastName",
            "/profile/email",
        ]
        .iter()
        .filter_map(|p| u.pointer(p).and_then(Value::as_str))
        .any(|v| v.to_lowercase().starts_with(q.as_str()))
    };
    let mut page: Vec<Value> = Vec::with_capacity(limit.min(512));
    let mut more = false;
    for (_, user) in app.users.range((lower, Bound::Unbounded)) {
        if !matches(user) {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(with_expand(user.clone(), query));
    }
    let path = format!(
        "{}/api/v1/apps/{}/users",
        state.base_url,
        encode_segment(app_id)
    );
    let link_query = |after: Option<&str>| -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if let Some(a) = after {
            ser.append_pair("after", a);
        }
        ser.append_pair("limit", &limit.to_string());
        for key in ["q", "expand"] {
            if let Some(v) = query_get(query, key) {
                ser.append_pair(key, v);
            }
        }
        ser.finish()
    };
    let next_after = if more {
        page.last()
            .and_then(|u| u.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    } else {
        None
    };
    let mut response = json_response(StatusCode::OK, JSON, &Value::Array(page));
    let h = response.headers_mut();
    let self_link = format!("<{path}?{}>; rel=\"self\"", link_query(after.as_deref()));
    if let Ok(v) = HeaderValue::from_str(&self_link) {
        h.append(header::LINK, v);
    }
    if let Some(next) = next_after {
        let next_link = format!("<{path}?{}>; rel=\"next\"", link_query(Some(&next)));
        if let Ok(v) = HeaderValue::from_str(&next_link) {
            h.append(header::LINK, v);
        }
    }
    response
}

// ---------------------------------------------------------------------------------------------
// Hook keys

fn hook_key_public(key: &Value) -> Value {
    let mut key = key.clone();
    if let Some(map) = key.as_object_mut() {
        map.remove("_embedded");
    }
    key
}

fn key_name(body: &[u8]) -> Result<String, Response> {
    let map = parse_object(body)?;
    match map.get("name").and_then(Value::as_str) {
        Some(name) if (1..=255).contains(&name.chars().count()) => Ok(name.to_owned()),
        _ => Err(bad_request(
            "name: The field must be a string of 1 to 255 characters.",
        )),
    }
}

fn create_hook_key(state: &OktaState, body: &[u8]) -> Response {
    let name = match key_name(body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut data = lock(&state.data);
    if data.hook_keys.iter().any(|k| k["name"] == name.as_str()) {
        return bad_request("name: A key with this name already exists.");
    }
    if data.hook_keys.len() >= MAX_HOOK_KEYS {
        return bad_request("The maximum number of keys (50) has been reached.");
    }
    let now = rfc3339_now();
    let key_id = uuid::Uuid::new_v4().to_string();
    let mut modulus = [0u8; 256];
    let rng = ring::rand::SystemRandom::new();
    if ring::rand::SecureRandom::fill(&rng, &mut modulus).is_err() {
        return okta_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "E0000009",
            "Internal Server Error",
            &[],
        );
    }
    if let Some(first) = modulus.first_mut() {
        *first |= 0x80;
    }
    let key = json!({
        "id": format!("HKY{}", &random_hex()[..17]),
        "keyId": key_id,
        "name": name,
        "created": now,
        "lastUpdated": now,
        "isUsed": "false",
        "_embedded": {
            "alg": "RSA",
            "e": "AQAB",
            "kid": key_id,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(modulus),
            "use": null,
        },
    });
    data.hook_keys.push(key.clone());
    json_response(StatusCode::OK, JSON, &key)
}

fn replace_hook_key(state: &OktaState, id: &str, body: &[u8]) -> Response {
    let name = match key_name(body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut data = lock(&state.data);
    if data
        .hook_keys
        .iter()
        .any(|k| k["name"] == name.as_str() && k["id"] != id)
    {
        return bad_request("name: A key with this name already exists.");
    }
    let Some(key) = data.hook_keys.iter_mut().find(|k| k["id"] == id) else {
        return not_found();
    };
    key["name"] = json!(name);
    key["lastUpdated"] = json!(rfc3339_now());
    json_response(StatusCode::OK, JSON, key)
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
    }

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 section 3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
        });
        assert_eq!(
            jwk_thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }
}
