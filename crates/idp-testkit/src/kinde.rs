//! A stateful fake of the Kinde Management API connections endpoints (6 operations) with its M2M
//! token endpoint.

use std::collections::{BTreeMap, HashMap};
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
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Map, Value, json};

use crate::faults::Faults;
use crate::server::{
    self, Flavor, LoggedRequest, Server, ceil_secs, decode_segment, json_response, lock, now_secs,
    query_get, query_pairs, random_hex, set_header,
};

const JSON: &str = "application/json; charset=utf-8";
const TOKEN_LIFETIME: u64 = 86_400;
const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 500;
const STRATEGIES: [&str; 27] = [
    "oauth2:apple",
    "oauth2:azure_ad",
    "oauth2:bitbucket",
    "oauth2:discord",
    "oauth2:facebook",
    "oauth2:github",
    "oauth2:gitlab",
    "oauth2:google",
    "oauth2:linkedin",
    "oauth2:microsoft",
    "oauth2:patreon",
    "oauth2:slack",
    "oauth2:stripe",
    "oauth2:twitch",
    "oauth2:twitter",
    "oauth2:xero",
    "saml:custom",
    "saml:cloudflare",
    "saml:okta",
    "saml:microsoft",
    "saml:google",
    "wsfed:azure_ad",
    "email:password",
    "email:otp",
    "phone:otp",
    "username:password",
    "username:otp",
];

/// A fake Kinde business on `http://127.0.0.1:PORT`.
///
/// Its `POST /oauth2/token` issues M2M access tokens (client credentials in the form body or HTTP
/// Basic, audience `base_url() + "/api"`, `expires_in` 86400, `token_type` `bearer`); the
/// connections endpoints require `Authorization: Bearer <token>`. The server stops when this handle
/// is dropped.
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

#[derive(Default)]
struct KindeData {
    connections: BTreeMap<String, Value>,
    tokens: HashMap<String, u64>,
    token_requests: usize,
    seed_counter: u64,
}

struct KindeState {
    base_url: String,
    client_id: String,
    client_secret: String,
    signing_secret: String,
    data: Mutex<KindeData>,
}

impl FakeKinde {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime,
    /// with freshly generated M2M credentials.
    pub async fn start() -> Result<FakeKinde, io::Error> {
        let bound = server::bind().await?;
        let state = Arc::new(KindeState {
            base_url: bound.base_url.clone(),
            client_id: random_hex(),
            client_secret: format!("{}{}", random_hex(), random_hex()),
            signing_secret: random_hex(),
            data: Mutex::new(KindeData::default()),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let server = Server::serve(bound, router, Arc::new(KindeFlavor));
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
        format!("{}/api", self.state.base_url)
    }

    /// How many requests reached `POST /oauth2/token` (including rejected ones).
    pub fn token_requests(&self) -> usize {
        lock(&self.state.data).token_requests
    }

    /// Invalidates every access token issued so far (their next use gets 401).
    pub fn revoke_tokens(&self) {
        lock(&self.state.data).tokens.clear();
    }

    /// Creates `n` connections (`conn_seed_…`, strategy `oauth2:google`) and returns their ids in
    /// listing order.
    pub fn seed_connections(&self, n: usize) -> Vec<String> {
        let mut data = lock(&self.state.data);
        let start = data.seed_counter;
        data.seed_counter += n as u64;
        (start..start + n as u64)
            .map(|k| {
                let id = format!("conn_seed_{k:08}");
                data.connections.insert(
                    id.clone(),
                    json!({
                        "id": id,
                        "name": format!("seeded-{k}"),
                        "display_name": format!("Seeded {k}"),
                        "strategy": "oauth2:google",
                        "enabled_applications": [],
                        "options": {},
                    }),
                );
                id
            })
            .collect()
    }

    /// The stored connection, including `enabled_applications` and `options` (which the API does
    /// not return).
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

struct KindeFlavor;

impl Flavor for KindeFlavor {
    fn operation(&self, method: &Method, path: &str) -> Option<&'static str> {
        resolve(method, path).map(|(op, _)| op.id())
    }

    fn rate_limited(&self, reset_after: Duration) -> Response {
        let mut response = errors(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_REQUESTS",
            "Too many requests, please try again later.",
        );
        set_header(
            response.headers_mut(),
            "ratelimit-reset",
            &ceil_secs(reset_after).to_string(),
        );
        response
    }

    fn server_error(&self, status: StatusCode) -> Response {
        let message = status.canonical_reason().unwrap_or("Error");
        errors(status, "INTERNAL_SERVER_ERROR", message)
    }
}

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

fn bad_request(code: &str, message: &str) -> Response {
    errors(StatusCode::BAD_REQUEST, code, message)
}

fn success() -> Response {
    json_response(
        StatusCode::OK,
        JSON,
        &json!({ "code": "OK", "message": "Success" }),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = json_response(
        status,
        "application/json",
        &json!({ "error": error, "error_description": description }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn handle(
    State(state): State<Arc<KindeState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((op, id)) = resolve(&method, uri.path()) else {
        return not_found("ROUTE_NOT_FOUND", "The requested API route does not exist");
    };
    if op == Op::Token {
        return token(&state, &headers, &body);
    }
    if let Err(response) = authenticate(&state, &headers) {
        return response;
    }
    match op {
        Op::Token => not_found("ROUTE_NOT_FOUND", "The requested API route does not exist"),
        Op::List => list(&state, uri.query()),
        Op::Create => create(&state, &body),
        Op::Get => match lock(&state.data).connections.get(&id) {
            Some(c) => json_response(
                StatusCode::OK,
                JSON,
                &json!({ "code": "OK", "message": "Success", "connection": summary(c) }),
            ),
            None => connection_not_found(),
        },
        Op::Update => update(&state, &id, &body, false),
        Op::Replace => update(&state, &id, &body, true),
        Op::Delete => match lock(&state.data).connections.remove(&id) {
            Some(_) => success(),
            None => connection_not_found(),
        },
    }
}

fn connection_not_found() -> Response {
    not_found("CONNECTION_NOT_FOUND", "Connection not found")
}

fn unauthorized(message: &str) -> Response {
    let mut response = errors(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message);
    set_header(response.headers_mut(), "www-authenticate", "Bearer");
    response
}

fn authenticate(state: &KindeState, headers: &HeaderMap) -> Result<(), Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = match auth.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") => token.trim(),
        _ => return Err(unauthorized("Missing or invalid Authorization header.")),
    };
    let data = lock(&state.data);
    match data.tokens.get(token) {
        Some(exp) if *exp > now_secs() => {}
        Some(_) => return Err(unauthorized("The access token has expired.")),
        None => return Err(unauthorized("The access token is invalid.")),
    }
    Ok(())
}

/// `POST /oauth2/token` (client credentials, client_secret_post or HTTP Basic).
fn token(state: &KindeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut data = lock(&state.data);
    data.token_requests += 1;
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (mut client_id, mut client_secret) = (field("client_id"), field("client_secret"));
    if let Some((id, secret)) = basic_credentials(headers) {
        client_id = id;
        client_secret = secret;
    }
    if field("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    if client_id != state.client_id || client_secret != state.client_secret {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
        );
    }
    let audience = format!("{}/api", state.base_url);
    if field("audience") != audience {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "The client is not authorized to request a token for this audience.",
        );
    }
    let now = now_secs();
    let scope = "read:connections create:connections update:connections delete:connections";
    let claims = json!({
        "aud": [audience],
        "azp": state.client_id,
        "exp": now + TOKEN_LIFETIME,
        "iat": now,
        "iss": state.base_url,
        "jti": uuid::Uuid::new_v4().to_string(),
        "gty": ["client_credentials"],
        "scope": scope,
    });
    let key = EncodingKey::from_secret(state.signing_secret.as_bytes());
    let Ok(access_token) = jsonwebtoken::encode(&Header::default(), &claims, &key) else {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The token could not be signed.",
        );
    };
    data.tokens
        .insert(access_token.clone(), now + TOKEN_LIFETIME);
    let mut response = json_response(
        StatusCode::OK,
        "application/json",
        &json!({
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME,
            "scope": scope,
            "token_type": "bearer",
        }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, value) = auth.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(value.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// The flat list item / `connection` envelope content.
fn summary(c: &Value) -> Value {
    json!({
        "id": c.get("id"),
        "name": c.get("name"),
        "display_name": c.get("display_name"),
        "strategy": c.get("strategy"),
    })
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad_request(
            "INVALID_REQUEST_BODY",
            "The request body must be a JSON object.",
        )),
    }
}

/// Checks the fields shared by create / update / replace.
fn validate_common(map: &Map<String, Value>) -> Result<(), Response> {
    for field in ["name", "display_name"] {
        if let Some(v) = map.get(field) {
            if v.as_str().is_none_or(str::is_empty) {
                return Err(bad_request(
                    "INVALID_CONNECTION_DETAILS",
                    &format!("{field} must be a non-empty string."),
                ));
            }
        }
    }
    if let Some(apps) = map.get("enabled_applications") {
        let ok = apps
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(bad_request(
                "INVALID_CONNECTION_DETAILS",
                "enabled_applications must be an array of strings.",
            ));
        }
    }
    if map.get("options").is_some_and(|o| !o.is_object()) {
        return Err(bad_request(
            "INVALID_CONNECTION_DETAILS",
            "options must be an object.",
        ));
    }
    Ok(())
}

fn create(state: &KindeState, body: &[u8]) -> Response {
    let map = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(r) = validate_common(&map) {
        return r;
    }
    for field in ["name", "display_name", "strategy"] {
        if !map.contains_key(field) {
            return bad_request(
                "INVALID_CONNECTION_DETAILS",
                &format!("{field} is required."),
            );
        }
    }
    let strategy = map.get("strategy").and_then(Value::as_str).unwrap_or("");
    if !STRATEGIES.contains(&strategy) {
        return bad_request("INVALID_STRATEGY", "The strategy is not supported.");
    }
    let id = format!("conn_{}", random_hex());
    let mut stored = map.clone();
    stored.insert("id".into(), json!(id));
    stored
        .entry("enabled_applications")
        .or_insert_with(|| json!([]));
    stored.entry("options").or_insert_with(|| json!({}));
    lock(&state.data)
        .connections
        .insert(id.clone(), Value::Object(stored));
    json_response(
        StatusCode::CREATED,
        JSON,
        &json!({ "code": "OK", "message": "Success", "connection": { "id": id } }),
    )
}

fn update(state: &KindeState, id: &str, body: &[u8], replace: bool) -> Response {
    let map = match parse_object(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(r) = validate_common(&map) {
        return r;
    }
    if map.contains_key("strategy") {
        return bad_request(
            "INVALID_CONNECTION_DETAILS",
            "strategy cannot be changed after creation.",
        );
    }
    if replace {
        for field in ["name", "display_name"] {
            if !map.contains_key(field) {
                return bad_request(
                    "INVALID_CONNECTION_DETAILS",
                    &format!("{field} is required."),
                );
            }
        }
    }
    let mut data = lock(&state.data);
    let Some(stored) = data.connections.get_mut(id) else {
        return connection_not_found();
    };
    if replace {
        stored["enabled_applications"] = json!([]);
        stored["options"] = json!({});
    }
    for field in ["name", "display_name", "enabled_applications", "options"] {
        if let Some(v) = map.get(field) {
            stored[field] = v.clone();
        }
    }
    success()
}

fn list(state: &KindeState, query: Option<&str>) -> Response {
    let query = query_pairs(query);
    let page_size = match query_get(&query, "page_size").filter(|s| !s.is_empty()) {
        None => DEFAULT_PAGE_SIZE,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 1 => (n as usize).min(MAX_PAGE_SIZE),
            _ => {
                return bad_request("INVALID_PAGE_SIZE", "page_size must be a positive integer.");
            }
        },
    };
    let after = query_get(&query, "starting_after").filter(|s| !s.is_empty());
    let before = query_get(&query, "ending_before").filter(|s| !s.is_empty());
    if after.is_some() && before.is_some() {
        return bad_request(
            "INVALID_PAGINATION",
            "starting_after and ending_before cannot be combined.",
        );
    }
    let domain = query_get(&query, "home_realm_domain").filter(|s| !s.is_empty());
    let data = lock(&state.data);
    let matches = |c: &Value| -> bool {
        let Some(d) = domain else { return true };
        c.pointer("/options/home_realm_domains")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(d)))
    };
    let mut page: Vec<Value> = Vec::new();
    let mut has_more = false;
    if let Some(before) = before {
        // Walk backwards from the cursor, then restore ascending order.
        let range = data
            .connections
            .range::<str, _>((Bound::Unbounded, Bound::Excluded(before)));
        for (_, c) in range.rev() {
            if !matches(c) {
                continue;
            }
            if page.len() == page_size {
                has_more = true;
                break;
            }
            page.push(summary(c));
        }
        page.reverse();
    } else {
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        for (_, c) in data.connections.range::<str, _>((lower, Bound::Unbounded)) {
            if !matches(c) {
                continue;
            }
            if page.len() == page_size {
                has_more = true;
                break;
            }
            page.push(summary(c));
        }
    }
    json_response(
        StatusCode::OK,
        JSON,
        &json!({
            "code": "OK",
            "message": "Success",
            "connections": page,
            "has_more": has_more,
        }),
    )
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

    #[test]
    fn basic_credentials_are_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("id%3A1:se%2Bcret"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&value).unwrap(),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("id:1".to_owned(), "se+cret".to_owned()))
        );
    }
}
