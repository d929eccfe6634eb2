//! Connections: list (paged by opaque cursor, with `filter`), create, get, update (PUT, a full
//! replace), delete, and a user's credentials for a connection.

use std::ops::Bound;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::{AuthressState, LINKS_JSON, bad_request, error, not_found};
use crate::server::lock;
use crate::wire::{
    json_object, json_response, no_content, page_size, query_get, query_pairs, random_hex,
    rfc3339_now, take_page,
};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 100;
const CONNECTION_TYPES: [&str; 5] = ["OAUTH2", "SAML2", "WebAuthN", "PASSWORD", "OPENID-LEGACY"];
const NO_CONNECTION: &str = "The connection does not exist.";

/// The `k`-th seeded connection (`con_seed_…`) and its id.
pub(super) fn seeded(k: u64, now: &str) -> (String, Value) {
    let id = format!("con_seed_{k:08}");
    let connection = json!({
        "connectionId": id,
        "type": "OAUTH2",
        "authenticationUrl": format!("https://idp{k}.example.com/authorize"),
        "tokenUrl": format!("https://idp{k}.example.com/token"),
        "clientId": format!("client-{k}"),
        "data": { "name": format!("Seeded connection {k}") },
        "createdTime": now,
        "lastUpdated": now,
        "isActiveConnection": true,
    });
    (id, connection)
}

/// The connection as the API returns it: without the client secret, which Authress accepts on
/// create and update but never sends back (the spec describes it as the provider's secret; no
/// SDK model or example response carries one).
fn public_view(connection: &Value) -> Value {
    let mut c = connection.clone();
    if let Some(map) = c.as_object_mut() {
        map.remove("clientSecret");
    }
    c
}

fn links_json(status: StatusCode, value: &Value) -> Response {
    json_response(status, LINKS_JSON, value)
}

/// The top-level properties of the `Connection` schema (the 2023 baseline plus the 2024 and
/// 2025 additions; `shared/specs/authress-connections-subset.yaml`).
const CONNECTION_FIELDS: [&str; 19] = [
    "type",
    "connectionId",
    "authenticationUrl",
    "tokenUrl",
    "issuerUrl",
    "providerCertificate",
    "clientId",
    "clientSecretId",
    "clientSecret",
    "userDataConfiguration",
    "data",
    "defaultConnectionProperties",
    "conditions",
    "tenantConfiguration",
    "linkingConfiguration",
    "createdTime",
    "lastUpdated",
    "isActiveConnection",
    "tags",
];

/// The read-only fields: accepted in a request (a GET → PUT round trip sends them back) and
/// ignored, since the server sets them (`readOnly: true` in the spec).
const READ_ONLY_FIELDS: [&str; 3] = ["createdTime", "lastUpdated", "isActiveConnection"];

fn validate(body: &[u8]) -> Result<Map<String, Value>, Response> {
    let Some(mut map) = json_object(body) else {
        return Err(bad_request("The request body is not a JSON object."));
    };
    // `Connection` is `additionalProperties: false` in the Authress spec (authress-local
    // `api/openapi.yaml` @ 5cd828a, kept in the subset spec): a field the schema does not
    // declare is refused, and the message names it.
    if let Some(unknown) = map
        .keys()
        .find(|k| !CONNECTION_FIELDS.contains(&k.as_str()))
    {
        return Err(bad_request(&format!(
            "The request body has a property the Connection schema does not allow: {unknown}."
        )));
    }
    for field in READ_ONLY_FIELDS {
        map.remove(field);
    }
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
    validate_lengths(&map)?;
    Ok(map)
}

/// `authenticationUrl` (1–256 characters) and the other string fields' maximum lengths.
fn validate_lengths(map: &Map<String, Value>) -> Result<(), Response> {
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
    Ok(())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// The stored form of a create or update body: the id, a default `type`, the timestamps and
/// `isActiveConnection`.
fn stored(mut map: Map<String, Value>, id: &str, created: Value, now: &str) -> Value {
    map.insert("connectionId".into(), json!(id));
    map.entry("type").or_insert_with(|| json!("OAUTH2"));
    map.insert("createdTime".into(), created);
    map.insert("lastUpdated".into(), json!(now));
    map.insert("isActiveConnection".into(), json!(true));
    Value::Object(map)
}

/// `createConnection` (the id is the body's `connectionId`, or generated).
pub(super) fn create(state: &AuthressState, body: &[u8]) -> Response {
    let map = match validate(body) {
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
    let connection = stored(map, &id, json!(now), &now);
    data.connections.insert(id, connection.clone());
    links_json(StatusCode::CREATED, &public_view(&connection))
}

/// `getConnection`.
pub(super) fn get(state: &AuthressState, id: &str) -> Response {
    match lock(&state.data).connections.get(id) {
        Some(c) => links_json(StatusCode::OK, &public_view(c)),
        None => not_found(NO_CONNECTION),
    }
}

/// `updateConnection`: replaces the connection, keeping `createdTime`.
///
/// PUT is a full replace of the connection document: the request body is a whole `Connection`
/// (spec: `PUT /v1/connections/{connectionId}` with a required `Connection` body; there is no
/// PATCH for connections). So what the body leaves out is gone afterwards, `clientSecret`
/// included: a body without `clientSecret` leaves the connection with no secret, and
/// `"clientSecret": null` clears it. No Authress document or SDK says an omitted secret is kept
/// (searched: the API docs of authress-sdk.py / .js / .cs / .go / .rs, the spec, the knowledge
/// base); the JS SDK's `updateConnection` sends the caller's object as is. Because the API never
/// returns `clientSecret` (see [`public_view`]), a GET → edit → PUT that does not set the secret
/// again drops it, which is what the SDK guards against.
pub(super) fn update(state: &AuthressState, id: &str, body: &[u8]) -> Response {
    let map = match validate(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut data = lock(&state.data);
    let Some(old) = data.connections.get(id) else {
        return not_found(NO_CONNECTION);
    };
    let created = old.get("createdTime").cloned().unwrap_or(Value::Null);
    let connection = stored(map, id, created, &rfc3339_now());
    data.connections.insert(id.to_owned(), connection.clone());
    links_json(StatusCode::OK, &public_view(&connection))
}

/// `deleteConnection`.
pub(super) fn delete(state: &AuthressState, id: &str) -> Response {
    match lock(&state.data).connections.remove(id) {
        Some(_) => no_content(),
        None => not_found(NO_CONNECTION),
    }
}

/// `getConnectionCredentials`: the access token set with `set_user_credentials`.
pub(super) fn user_credentials(state: &AuthressState, id: &str, user: &str) -> Response {
    let data = lock(&state.data);
    if !data.connections.contains_key(id) {
        return not_found(NO_CONNECTION);
    }
    match data.credentials.get(&(id.to_owned(), user.to_owned())) {
        Some(token) => links_json(StatusCode::OK, &json!({ "accessToken": token })),
        None => not_found("The user does not exist or has no credentials for this connection."),
    }
}

/// The id an opaque list cursor continues after (`None` for an invalid cursor).
fn cursor_after(cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("after:").map(str::to_owned)
}

/// The cursor that continues after the connection `id`.
fn cursor_for(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{id}"))
}

/// Whether a connection matches `filter` (already lower-cased): a case-insensitive substring of
/// its id, type, client id, name or authentication URL.
fn matches_filter(c: &Value, filter: Option<&str>) -> bool {
    let Some(f) = filter else { return true };
    [
        "/connectionId",
        "/type",
        "/clientId",
        "/data/name",
        "/authenticationUrl",
    ]
    .iter()
    .filter_map(|p| c.pointer(p).and_then(Value::as_str))
    .any(|v| v.to_lowercase().contains(f))
}

/// `getConnections`: `limit`, `cursor` and `filter`; `pagination.next.cursor` when more follow.
pub(super) fn list(state: &AuthressState, query: Option<&str>) -> Response {
    let query = query_pairs(query);
    let Some(limit) = page_size(query_get(&query, "limit"), DEFAULT_LIMIT, MAX_LIMIT) else {
        return bad_request("limit must be a positive integer.");
    };
    let after = match query_get(&query, "cursor").filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => match cursor_after(cursor) {
            Some(id) => Some(id),
            None => return bad_request("The cursor is invalid."),
        },
    };
    let filter = query_get(&query, "filter").map(str::to_lowercase);
    let data = lock(&state.data);
    let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
    let (page, more) = take_page(
        data.connections
            .range((lower, Bound::Unbounded))
            .map(|(_, c)| c),
        limit,
        |c| matches_filter(c, filter.as_deref()),
        public_view,
    );
    let next = page
        .last()
        .filter(|_| more)
        .and_then(|c| c.get("connectionId"))
        .and_then(Value::as_str)
        .map(cursor_for);
    let mut body = json!({ "connections": page, "pagination": {} });
    if let Some(cursor) = next {
        body["pagination"]["next"] = json!({ "cursor": cursor });
    }
    links_json(StatusCode::OK, &body)
}
