//! Connections: list (paged by opaque cursor, with `filter`), create, get, update (PUT, a full
//! replace), delete, and a user's credentials for a connection.

use std::collections::BTreeMap;
use std::ops::Bound;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value, json};

use super::{AuthressState, LINKS_JSON, bad_request, error, not_found};
use crate::server::lock;
use crate::validate::{self, Checks, Problem, Validate, Violation, char_class, join, non_null};
use crate::wire::{
    json_object, json_response, no_content, page_size, query_get, query_pairs, random_hex,
    rfc3339_now, take_page,
};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 100;
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

// ---------------------------------------------------------------------------------------------
// The request body: `Connection` (`shared/specs/authress-connections-subset.yaml`,
// `components.schemas.Connection` and the schemas it references), as Authress validates it.
//
// Authress validates every request against its OpenAPI document with Ajv before the handler
// runs (Authress-Engineering/openapi-data-validator.js: `RequestValidator` compiles the
// operation's body schema with Ajv 8 and reports `ajv.errorsText(errors, { dataVar: 'request' })`)
// and answers `400 {"errorCode": "InvalidRequest", "title": "InvalidRequest: <errors>."}` (the
// same repository's `docs/async-example.md` error middleware and `tests/index.test.js`, whose
// expected titles read e.g. "InvalidRequest: request.body.statements[0] must have required
// property 'roles', request.body.statements[0] must NOT have additional properties."). So:
// types, `enum`, `minLength`/`maxLength`, `pattern` and `additionalProperties: false` are all
// enforced, with no tolerance for enum values the spec does not list. Every field is optional
// in the schema. `nullable: true` fields accept `null`; the others (`type`,
// `authenticationUrl`, `tenantConfiguration`, `conditions.authenticationLeewayDuration`) do not.

/// `Connection` (`additionalProperties: false`). The read-only fields are accepted and ignored:
/// a GET → PUT round trip sends them back, and the server sets them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "object")]
struct ConnectionBody {
    #[serde(default, rename = "type", deserialize_with = "non_null")]
    kind: Option<String>,
    connection_id: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    authentication_url: Option<String>,
    token_url: Option<String>,
    issuer_url: Option<String>,
    provider_certificate: Option<String>,
    client_id: Option<String>,
    client_secret_id: Option<String>,
    client_secret: Option<String>,
    user_data_configuration: Option<UserDataConfiguration>,
    data: Option<ConnectionData>,
    default_connection_properties: Option<DefaultConnectionProperties>,
    conditions: Option<Conditions>,
    #[serde(default, deserialize_with = "non_null")]
    tenant_configuration: Option<TenantConfiguration>,
    linking_configuration: Option<LinkingConfiguration>,
    /// Values of `tags` are strings of at most 128 characters.
    tags: Option<BTreeMap<String, String>>,
    #[serde(default, rename = "createdTime")]
    _created_time: Option<IgnoredAny>,
    #[serde(default, rename = "lastUpdated")]
    _last_updated: Option<IgnoredAny>,
    #[serde(default, rename = "isActiveConnection")]
    _is_active_connection: Option<IgnoredAny>,
}

/// `ConnectionUserDataConfiguration` (nullable, open).
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct UserDataConfiguration {
    location: Option<String>,
}

/// `ConnectionData` (nullable, `additionalProperties: false`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "object")]
struct ConnectionData {
    tenant_id: Option<String>,
    developer_account_id: Option<String>,
    name: Option<String>,
    supported_content_type: Option<String>,
    oidc_user_endpoint_url: Option<String>,
    user_id_expression: Option<String>,
    #[serde(rename = "trustIdentityUserId")]
    _trust_identity_user_id: Option<bool>,
}

/// `ConnectionDefaultConnectionProperties` (nullable): `scope` plus free string properties.
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct DefaultConnectionProperties {
    scope: Option<String>,
    #[serde(flatten)]
    others: BTreeMap<String, String>,
}

/// `ConnectionConditions` (nullable, open).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct Conditions {
    #[serde(rename = "requireBusinessAccount")]
    _require_business_account: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    authentication_leeway_duration: Option<String>,
}

/// `ConnectionTenantConfiguration` (open).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct TenantConfiguration {
    #[serde(default, deserialize_with = "non_null")]
    assignment_type: Option<String>,
}

/// `ConnectionLinkingConfiguration` (nullable, open).
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct LinkingConfiguration {
    #[serde(rename = "type")]
    kind: Option<String>,
}

const CONNECTION_TYPES: &[&str] = &["OAUTH2", "SAML2", "WebAuthN", "PASSWORD", "OPENID-LEGACY"];
const LOCATIONS: &[&str] = &[
    "ZAF", "HKG", "IND", "JPN", "KOR", "SGP", "AUS", "IDN", "CAN", "DEU", "CHE", "SWE", "ITA",
    "IRL", "GBR", "FRA", "ISR", "BHR", "ARE", "BRA", "USA",
];
const CONTENT_TYPES: &[&str] = &["application/json", "application/x-www-form-urlencoded"];
const ASSIGNMENT_TYPES: &[&str] = &["DEFAULT", "TRUSTED_DOMAIN_FALLBACK"];
const LINKING_TYPES: &[&str] = &["EXPLICIT", "AUTOMATIC"];
const ID_PATTERN: &str = "^[a-zA-Z0-9-_.:]+$";
const TENANT_ID_PATTERN: &str = "^[a-zA-Z0-9-_.:]*$";
const ID_CHARS: &[char] = &['-', '_', '.', ':'];

impl Validate for ConnectionBody {
    fn validate(&self, c: &mut Checks) {
        c.one_of("type", self.kind.as_deref(), CONNECTION_TYPES);
        let id = self.connection_id.as_deref();
        c.length("connectionId", id, 0, 64);
        c.pattern("connectionId", id, ID_PATTERN, |s| {
            char_class(s, ID_CHARS, true)
        });
        c.length(
            "authenticationUrl",
            self.authentication_url.as_deref(),
            1,
            256,
        );
        for (path, value, max) in [
            ("tokenUrl", &self.token_url, 128),
            ("issuerUrl", &self.issuer_url, 128),
            ("providerCertificate", &self.provider_certificate, 4096),
            ("clientId", &self.client_id, 128),
            ("clientSecretId", &self.client_secret_id, 32),
            ("clientSecret", &self.client_secret, 2048),
        ] {
            c.length(path, value.as_deref(), 0, max);
        }
        if let Some(u) = &self.user_data_configuration {
            c.one_of(
                "userDataConfiguration.location",
                u.location.as_deref(),
                LOCATIONS,
            );
        }
        if let Some(d) = &self.data {
            d.validate(c);
        }
        if let Some(p) = &self.default_connection_properties {
            c.length(
                "defaultConnectionProperties.scope",
                p.scope.as_deref(),
                0,
                384,
            );
            for (key, value) in &p.others {
                let path = format!("defaultConnectionProperties.{key}");
                c.length(&path, Some(value), 0, 128);
            }
        }
        if let Some(d) = self
            .conditions
            .as_ref()
            .and_then(|x| x.authentication_leeway_duration.as_deref())
        {
            // `format: duration` (Ajv's ajv-formats: an ISO 8601 duration such as `PT5M`).
            if !iso8601_duration(d) {
                c.add(
                    "conditions.authenticationLeewayDuration",
                    Problem::Rule("must match format \"duration\"".into()),
                );
            }
        }
        if let Some(t) = &self.tenant_configuration {
            let value = t.assignment_type.as_deref();
            c.one_of(
                "tenantConfiguration.assignmentType",
                value,
                ASSIGNMENT_TYPES,
            );
        }
        if let Some(l) = &self.linking_configuration {
            c.one_of(
                "linkingConfiguration.type",
                l.kind.as_deref(),
                LINKING_TYPES,
            );
        }
        for (key, value) in self.tags.iter().flatten() {
            c.length(&format!("tags.{key}"), Some(value), 0, 128);
        }
    }
}

impl Validate for ConnectionData {
    fn validate(&self, c: &mut Checks) {
        let tenant = self.tenant_id.as_deref();
        c.length("data.tenantId", tenant, 0, 128);
        c.pattern("data.tenantId", tenant, TENANT_ID_PATTERN, |s| {
            char_class(s, ID_CHARS, false)
        });
        c.length(
            "data.developerAccountId",
            self.developer_account_id.as_deref(),
            0,
            32,
        );
        c.length("data.name", self.name.as_deref(), 0, 64);
        let content = self.supported_content_type.as_deref();
        c.one_of("data.supportedContentType", content, CONTENT_TYPES);
        c.length(
            "data.oidcUserEndpointUrl",
            self.oidc_user_endpoint_url.as_deref(),
            0,
            128,
        );
        c.length(
            "data.userIdExpression",
            self.user_id_expression.as_deref(),
            0,
            128,
        );
    }
}

/// An ISO 8601 duration as ajv-formats' `duration` accepts it: `P`, then date parts
/// (`nY nM nW nD`, in that order) and/or `T` with time parts (`nH nM nS`), at least one part.
fn iso8601_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let parts_ok = |text: &str, units: &[char]| -> Option<usize> {
        let mut count = 0;
        let mut next_unit = 0;
        let mut digits = 0;
        for ch in text.chars() {
            if ch.is_ascii_digit() {
                digits += 1;
                continue;
            }
            let pos = units.iter().skip(next_unit).position(|u| *u == ch)?;
            if digits == 0 {
                return None;
            }
            next_unit += pos + 1;
            digits = 0;
            count += 1;
        }
        (digits == 0).then_some(count)
    };
    let Some(date_parts) = parts_ok(date, &['Y', 'M', 'W', 'D']) else {
        return false;
    };
    match time {
        None => date_parts > 0,
        Some(t) => parts_ok(t, &['H', 'M', 'S']).is_some_and(|n| n > 0),
    }
}

/// The `400` Authress answers when the body does not match the schema (see above): the
/// `title` lists every violation the way Ajv's `errorsText` words them.
fn invalid_request(violations: &[Violation]) -> Response {
    invalid_at("request.body", violations)
}

/// [`invalid_request`] for a part of the request (`request.body`, `request.path`,
/// `request.query`).
fn invalid_at(part: &str, violations: &[Violation]) -> Response {
    let text: Vec<String> = violations.iter().map(|v| ajv_text(part, v)).collect();
    error(
        StatusCode::BAD_REQUEST,
        "InvalidRequest",
        &format!("InvalidRequest: {}.", text.join(", ")),
    )
}

/// One violation in Ajv 8's words (`ajv/lib/vocabularies/*`: "must be string", "must NOT have
/// more than 32 characters", "must be equal to one of the allowed values" — to which
/// openapi-data-validator's `augmentAjvErrors` appends the values), at `request.body…`.
fn ajv_text(part: &str, v: &Violation) -> String {
    let at = |path: &str| join(part, path);
    match &v.problem {
        Problem::Syntax => format!("{part} must be object"),
        Problem::Type { expected } => format!("{} must be {expected}", at(&v.path)),
        Problem::Missing => format!(
            "{} must have required property '{}'",
            at(v.parent()),
            v.name()
        ),
        Problem::Unknown => format!("{} must NOT have additional properties", at(v.parent())),
        Problem::Length { min, max, actual } if actual > max => {
            format!("{} must NOT have more than {max} characters", at(&v.path))
        }
        Problem::Length { min, .. } => {
            format!("{} must NOT have fewer than {min} characters", at(&v.path))
        }
        Problem::Pattern { pattern } => format!("{} must match pattern \"{pattern}\"", at(&v.path)),
        Problem::Enum { allowed } => format!(
            "{} must be equal to one of the allowed values: {}",
            at(&v.path),
            allowed.join(", ")
        ),
        Problem::Range { min, max } => format!("{} must be >= {min} and <= {max}", at(&v.path)),
        Problem::Rule(text) => format!("{} {text}", at(&v.path)),
    }
}

/// `ConnectionIdPath` / `UserIdPath` (the spec's path parameters), which Authress's validator
/// checks like the body: `connectionId` 1–64 characters; `userId` 1–64 characters matching
/// `^[a-zA-Z0-9+._|\/~:@\s-]+$`.
fn check_path(connection_id: &str, user_id: Option<&str>) -> Result<(), Response> {
    let mut c = Checks::default();
    c.length("connectionId", Some(connection_id), 1, 64);
    if let Some(user) = user_id {
        c.length("userId", Some(user), 1, 64);
        c.pattern("userId", Some(user), USER_ID_PATTERN, |s| {
            !s.is_empty()
                && s.chars().all(|ch| {
                    ch.is_ascii_alphanumeric() || ch.is_whitespace() || "+._|/~:@-".contains(ch)
                })
        });
    }
    c.finish().map_err(|v| invalid_at("request.path", &v))
}

const USER_ID_PATTERN: &str = "^[a-zA-Z0-9+._|\\/~:@\\s-]+$";

/// The query of `getConnections`: `limit` (`LimitQuery`: an integer, `minimum: 1`), `cursor` and
/// `filter` (strings). A parameter the operation does not declare is refused, as Authress's
/// validator does (openapi-data-validator.js `processQueryParam`: "Unknown query parameter
/// 'x'", with `allowUnknownQueryParameters: false`, the setting its own tests of Authress's
/// spec use).
fn check_list_query(query: &[(String, String)]) -> Result<(), Response> {
    if let Some((name, _)) = query
        .iter()
        .find(|(k, _)| !["limit", "cursor", "filter"].contains(&k.as_str()))
    {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            &format!("InvalidRequest: Unknown query parameter '{name}'."),
        ));
    }
    // `LimitQuery` is `format: int32`: the OpenAPI 3.0 data types make that a signed 32-bit
    // integer, and the Ajv-based validator Authress runs (openapi-data-validator.js, derived
    // from express-openapi-validator, whose OpenAPI formats check the int32 range) refuses a
    // larger value with Ajv's `must match format "int32"`.
    match query_get(query, "limit").map(str::parse::<i64>) {
        None | Some(Ok(1..=0x7fff_ffff)) => Ok(()),
        Some(Ok(1..)) => Err(invalid_at(
            "request.query",
            &[Violation::new(
                "limit",
                Problem::Rule("must match format \"int32\"".into()),
            )],
        )),
        Some(Ok(_)) => Err(invalid_at(
            "request.query",
            &[Violation::new(
                "limit",
                Problem::Rule("must be >= 1".into()),
            )],
        )),
        Some(Err(_)) => Err(invalid_at(
            "request.query",
            &[Violation::new(
                "limit",
                Problem::Type {
                    expected: "integer",
                },
            )],
        )),
    }
}

fn validate(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if let Err(violations) = validate::parse::<ConnectionBody>(body) {
        return Err(invalid_request(&violations));
    }
    let Some(mut map) = json_object(body) else {
        return Err(invalid_request(&[Violation::new("", Problem::Syntax)]));
    };
    for field in ["createdTime", "lastUpdated", "isActiveConnection"] {
        map.remove(field);
    }
    Ok(map)
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
    // A connectionId already in use: 409 `ConnectionAlreadyExists`. The connections spec
    // declares no 409, but Authress's spec does for its other creates with a caller-chosen id
    // (createRecord 409 `AccessRecordAlreadyExists`, createRole 409 `RoleAlreadyExists`:
    // authress-sdk.py docs/AccessRecordsApi.md, docs/RolesApi.md); the allowlist carries it.
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
    if let Err(r) = check_path(id, None) {
        return r;
    }
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
    if let Err(r) = check_path(id, None) {
        return r;
    }
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
    if let Err(r) = check_path(id, None) {
        return r;
    }
    match lock(&state.data).connections.remove(id) {
        Some(_) => no_content(),
        None => not_found(NO_CONNECTION),
    }
}

/// `getConnectionCredentials`: the access token set with `set_user_credentials`.
pub(super) fn user_credentials(state: &AuthressState, id: &str, user: &str) -> Response {
    if let Err(r) = check_path(id, Some(user)) {
        return r;
    }
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
    if let Err(r) = check_list_query(&query) {
        return r;
    }
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
