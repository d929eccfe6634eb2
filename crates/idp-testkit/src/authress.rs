//! A stateful fake of the Authress ConnectionsApi (6 operations).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::signature::KeyPair;
use serde_json::{Map, Value, json};

use crate::faults::Faults;
use crate::server::{
    self, Flavor, LoggedRequest, Server, ceil_secs, decode_segment, json_response, lock, query_get,
    query_pairs, random_hex, rfc3339_now, set_header,
};

const LINKS_JSON: &str = "application/links+json";
const JSON: &str = "application/json";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 100;
const CONNECTION_TYPES: [&str; 5] = ["OAUTH2", "SAML2", "WebAuthN", "PASSWORD", "OPENID-LEGACY"];

/// A fake Authress account on `http://127.0.0.1:PORT`.
///
/// It accepts `Authorization: Bearer <jwt>` where the JWT is signed (EdDSA) with the private key of
/// [`FakeAuthress::access_key`] and carries that key's `kid`, the audience
/// `<accountId>.accounts.authress.io` and an `exp` in the future; it also accepts the raw access
/// key as the bearer (as the real service does). Successful answers are
/// `Content-Type: application/links+json`. The server stops when this handle is dropped.
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
    account_id: String,
    client_id: String,
    key_id: String,
    public_key: Vec<u8>,
    access_key: String,
    data: Mutex<AuthressData>,
}

/// A fresh Ed25519 key: (PKCS#8 v1 DER, raw public key).
fn generate_ed25519() -> io::Result<(Vec<u8>, Vec<u8>)> {
    let rng = ring::rand::SystemRandom::new();
    let mut seed = [0u8; 32];
    ring::rand::SecureRandom::fill(&rng, &mut seed)
        .map_err(|_| io::Error::other("no randomness for the Ed25519 key"))?;
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map_err(|_| io::Error::other("could not build the Ed25519 key"))?;
    // PKCS#8 v1 (RFC 8410): SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    Ok((der, pair.public_key().as_ref().to_vec()))
}

impl FakeAuthress {
    /// Starts the fake on `127.0.0.1` with an OS-assigned port, on the current tokio runtime,
    /// with a freshly generated service-client access key.
    pub async fn start() -> Result<FakeAuthress, io::Error> {
        let bound = server::bind().await?;
        let (der, public_key) = generate_ed25519()?;
        let account_id = "acc-testkit".to_owned();
        let client_id = "sc_testkit".to_owned();
        let key_id = random_hex()[..8].to_owned();
        let access_key = format!(
            "{client_id}.{key_id}.{account_id}.{}",
            STANDARD.encode(&der)
        );
        let state = Arc::new(AuthressState {
            account_id,
            client_id,
            key_id,
            public_key,
            access_key,
            data: Mutex::new(AuthressData::default()),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let server = Server::serve(bound, router, Arc::new(AuthressFlavor));
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
        format!("{}.accounts.authress.io", self.state.account_id)
    }

    /// An access key with the same client, key id and account but a different private key: JWTs
    /// signed with it are rejected with 401.
    pub fn unrelated_access_key(&self) -> io::Result<String> {
        let (der, _) = generate_ed25519()?;
        Ok(format!(
            "{}.{}.{}.{}",
            self.state.client_id,
            self.state.key_id,
            self.state.account_id,
            STANDARD.encode(der)
        ))
    }

    /// Creates `n` connections (`con_seed_…`, OAUTH2, with `data.name`) and returns their ids in
    /// listing order.
    pub fn seed_connections(&self, n: usize) -> Vec<String> {
        let mut data = lock(&self.state.data);
        let start = data.seed_counter;
        data.seed_counter += n as u64;
        let now = rfc3339_now();
        (start..start + n as u64)
            .map(|k| {
                let id = format!("con_seed_{k:08}");
                data.connections.insert(
                    id.clone(),
                    json!({
                        "connectionId": id,
                        "type": "OAUTH2",
                        "authenticationUrl": format!("https://idp{k}.example.com/authorize"),
                        "tokenUrl": format!("https://idp{k}.example.com/token"),
                        "clientId": format!("client-{k}"),
                        "data": { "name": format!("Seeded connection {k}") },
                        "createdTime": now,
                        "lastUpdated": now,
                        "isActiveConnection": true,
                    }),
                );
                id
            })
            .collect()
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

struct AuthressFlavor;

impl Flavor for AuthressFlavor {
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

fn authenticate(state: &AuthressState, headers: &HeaderMap) -> Result<(), Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some((scheme, token)) = auth.split_once(' ') else {
        return Err(unauthorized("Unauthorized: no bearer token."));
    };
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("Bearer") || token.is_empty() {
        return Err(unauthorized("Unauthorized: no bearer token."));
    }
    if token == state.access_key {
        return Ok(());
    }
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Err(unauthorized("Unauthorized: the token is not a JWT."));
    };
    if header.alg != Algorithm::EdDSA {
        return Err(unauthorized(
            "Unauthorized: the token must be signed with EdDSA.",
        ));
    }
    if header.kid.as_deref() != Some(state.key_id.as_str()) {
        return Err(unauthorized("Unauthorized: unknown key id."));
    }
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[format!("{}.accounts.authress.io", state.account_id)]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let key = DecodingKey::from_ed_der(&state.public_key);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|_| ())
        .map_err(|_| unauthorized("Unauthorized: the token is invalid or expired."))
}

async fn handle(
    State(state): State<Arc<AuthressState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = authenticate(&state, &headers) {
        return response;
    }
    let Some((op, params)) = resolve(&method, uri.path()) else {
        return not_found("The requested resource does not exist.");
    };
    let p0 = params.first().cloned().unwrap_or_default();
    match op {
        Op::List => list(&state, uri.query()),
        Op::Create => create(&state, &body),
        Op::Get => match lock(&state.data).connections.get(&p0) {
            Some(c) => json_response(StatusCode::OK, LINKS_JSON, &public_view(c)),
            None => not_found("The connection does not exist."),
        },
        Op::Update => update(&state, &p0, &body),
        Op::Delete => match lock(&state.data).connections.remove(&p0) {
            Some(_) => {
                let mut response = Response::new(axum::body::Body::empty());
                *response.status_mut() = StatusCode::NO_CONTENT;
                response
            }
            None => not_found("The connection does not exist."),
        },
        Op::Credentials => {
            let user = params.get(1).cloned().unwrap_or_default();
            let data = lock(&state.data);
            if !data.connections.contains_key(&p0) {
                return not_found("The connection does not exist.");
            }
            match data.credentials.get(&(p0, user)) {
                Some(token) => {
                    json_response(StatusCode::OK, LINKS_JSON, &json!({ "accessToken": token }))
                }
                None => {
                    not_found("The user does not exist or has no credentials for this connection.")
                }
            }
        }
    }
}

/// The connection as the API returns it: without the client secret.
fn public_view(connection: &Value) -> Value {
    let mut c = connection.clone();
    if let Some(map) = c.as_object_mut() {
        map.remove("clientSecret");
    }
    c
}

fn validate(body: &[u8]) -> Result<Map<String, Value>, Response> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(bad_request("The request body is not a JSON object."));
    };
    if let Some(t) = map.get("type") {
        if !t.as_str().is_some_and(|t| CONNECTION_TYPES.contains(&t)) {
            return Err(bad_request(
                "type must be one of OAUTH2, SAML2, WebAuthN, PASSWORD, OPENID-LEGACY.",
            ));
        }
    }
    match map.get("connectionId") {
        None | Some(Value::Null) => {}
        Some(Value::String(id)) if valid_id(id) || id.is_empty() => {}
        Some(_) => {
            return Err(bad_request(
                "connectionId must match ^[a-zA-Z0-9-_.:]+$ and have at most 64 characters.",
            ));
        }
    }
    if let Some(url) = map.get("authenticationUrl") {
        let len = url.as_str().map(|s| s.chars().count()).unwrap_or(0);
        if !(1..=256).contains(&len) {
            return Err(bad_request(
                "authenticationUrl must be a string of 1 to 256 characters.",
            ));
        }
    }
    for (field, max) in [
        ("tokenUrl", 128),
        ("issuerUrl", 128),
        ("clientId", 128),
        ("clientSecret", 2048),
        ("providerCertificate", 4096),
    ] {
        match map.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.chars().count() <= max => {}
            Some(_) => {
                return Err(bad_request(&format!(
                    "{field} must be a string of at most {max} characters."
                )));
            }
        }
    }
    Ok(map)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

fn create(state: &AuthressState, body: &[u8]) -> Response {
    let mut map = match validate(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = match map.get("connectionId").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => format!("con_{}", random_hex()),
    };
    let mut data = lock(&state.data);
    if data.connections.contains_key(&id) {
        return error(
            StatusCode::CONFLICT,
            "ConnectionAlreadyExists",
            "A connection with this connectionId already exists.",
        );
    }
    let now = rfc3339_now();
    map.insert("connectionId".into(), json!(id));
    map.entry("type").or_insert_with(|| json!("OAUTH2"));
    map.insert("createdTime".into(), json!(now));
    map.insert("lastUpdated".into(), json!(now));
    map.insert("isActiveConnection".into(), json!(true));
    let connection = Value::Object(map);
    data.connections.insert(id, connection.clone());
    json_response(StatusCode::CREATED, LINKS_JSON, &public_view(&connection))
}

fn update(state: &AuthressState, id: &str, body: &[u8]) -> Response {
    let mut map = match validate(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut data = lock(&state.data);
    let Some(old) = data.connections.get(id) else {
        return not_found("The connection does not exist.");
    };
    let created = old.get("createdTime").cloned().unwrap_or(Value::Null);
    map.insert("connectionId".into(), json!(id));
    map.entry("type").or_insert_with(|| json!("OAUTH2"));
    map.insert("createdTime".into(), created);
    map.insert("lastUpdated".into(), json!(rfc3339_now()));
    map.insert("isActiveConnection".into(), json!(true));
    let connection = Value::Object(map);
    data.connections.insert(id.to_owned(), connection.clone());
    json_response(StatusCode::OK, LINKS_JSON, &public_view(&connection))
}

fn list(state: &AuthressState, query: Option<&str>) -> Response {
    let query = query_pairs(query);
    let limit = match query_get(&query, "limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 1 => (n as usize).min(MAX_LIMIT),
            _ => return bad_request("limit must be a positive integer."),
        },
    };
    let after = match query_get(&query, "cursor").filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => match URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("after:").map(str::to_owned))
        {
            Some(id) => Some(id),
            None => return bad_request("The cursor is invalid."),
        },
    };
    let filter = query_get(&query, "filter").map(str::to_lowercase);
    let data = lock(&state.data);
    let lower = match after {
        Some(a) => Bound::Excluded(a),
        None => Bound::Unbounded,
    };
    let matches = |c: &Value| -> bool {
        let Some(f) = &filter else { return true };
        [
            "/connectionId",
            "/type",
            "/clientId",
            "/data/name",
            "/authenticationUrl",
        ]
        .iter()
        .filter_map(|p| c.pointer(p).and_then(Value::as_str))
        .any(|v| v.to_lowercase().contains(f.as_str()))
    };
    let mut page = Vec::new();
    let mut more = false;
    for (_, c) in data.connections.range((lower, Bound::Unbounded)) {
        if !matches(c) {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(public_view(c));
    }
    let mut body = json!({ "connections": page, "pagination": {} });
    if more {
        if let Some(last) = page_last_id(&body) {
            let cursor = URL_SAFE_NO_PAD.encode(format!("after:{last}"));
            body["pagination"]["next"] = json!({ "cursor": cursor });
        }
    }
    json_response(StatusCode::OK, LINKS_JSON, &body)
}

fn page_last_id(body: &Value) -> Option<String> {
    body.get("connections")?
        .as_array()?
        .last()?
        .get("connectionId")?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_pkcs8_v1_and_matches_public_key() {
        let (der, public) = generate_ed25519().unwrap();
        assert_eq!(der.len(), 48);
        assert!(STANDARD.encode(&der).starts_with("MC4CAQAwBQYDK2VwBCIEI"));
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap();
        assert_eq!(pair.public_key().as_ref(), public.as_slice());
    }

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
