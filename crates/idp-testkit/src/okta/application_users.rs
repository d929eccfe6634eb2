//! App users: assign, list (paged with `Link` headers), get, update and unassign.

use std::ops::Bound;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use axum::http::StatusCode;

use serde::Deserialize;

use super::errors::{bad_request, invalid, not_found, okta_error, parse_typed};
use super::{App, Call, ok_json};
use crate::server::lock;
use crate::validate::{Checks, Problem, Validate, Violation};
use crate::wire::{encode_segment, no_content, query_get, random_hex, rfc3339_now, take_page};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;

/// The `k`-th seeded user (`00useed…`) and its id.
pub(super) fn seeded(base: &str, app_id: &str, k: u64) -> (String, Value) {
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
    let user = new_app_user(base, app_id, &id, &body, None, false);
    (id, user)
}

/// The stored app user for an assignment body (`old` is the assignment it replaces, if any).
///
/// The spec's `AppUserStatus` enum: an SSO-only assignment is `ACTIVE` with `"externalId": null`
/// (nothing was created in the target app; the spec's own `AppUserCredUpdateResponse` and
/// `AppUserProfUpdateResponse` examples serve exactly that, although the `AppUser` schema types
/// `externalId` as a non-nullable string: a spec bug, okta.md §1.2); when the app provisions
/// users (an enabled default connection) it is `PROVISIONED` with the `externalId` of the
/// account in the target app.
fn new_app_user(
    base: &str,
    app_id: &str,
    id: &str,
    body: &Value,
    old: Option<&Value>,
    provisioned: bool,
) -> Value {
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
    let mut user = json!({
        "id": id,
        "created": created,
        "lastUpdated": now,
        "scope": body.get("scope").cloned().unwrap_or_else(|| json!("USER")),
        "status": if provisioned { "PROVISIONED" } else { "ACTIVE" },
        "statusChanged": created,
        "passwordChanged": null,
        "syncState": if provisioned { "SYNCHRONIZED" } else { "DISABLED" },
        "credentials": credentials,
        "profile": body.get("profile").cloned().unwrap_or_else(|| json!({})),
        "_links": {
            "app": { "href": format!("{base}/api/v1/apps/{}", encode_segment(app_id)) },
            "user": { "href": format!("{base}/api/v1/users/{}", encode_segment(id)) },
        },
    });
    user["externalId"] = Value::Null;
    if provisioned {
        let external = old
            .and_then(|o| o.get("externalId"))
            .filter(|e| e.is_string())
            .cloned()
            .unwrap_or_else(|| json!(format!("ext{}", &random_hex()[..16])));
        user["externalId"] = external;
    }
    user
}

/// `400 E0000041` when the app's sign-on scheme forbids credentials and the body sets some.
fn check_credentials_allowed(app: &App, map: &Map<String, Value>) -> Result<(), Response> {
    let sets_credentials = map
        .get("credentials")
        .and_then(Value::as_object)
        .is_some_and(|c| c.contains_key("userName") || c.contains_key("password"));
    if app.credentials_forbidden && sets_credentials {
        return Err(okta_error(
            StatusCode::BAD_REQUEST,
            "E0000041",
            "Credentials should not be set on this resource based on the scheme.",
            &["User level credentials should not be provided for this scheme.".to_owned()],
        ));
    }
    Ok(())
}

/// With `?expand=user`, embeds the Okta user in `_embedded.user`.
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

// ---------------------------------------------------------------------------------------------
// Request bodies (`shared/specs/okta-management-subset.yaml`): `AppUserAssignRequest` (an
// `AppUser` whose `id` is required) and `AppUserUpdateRequest` (`oneOf` a credentials payload |
// a profile payload). `scope` is the enum USER | GROUP; `credentials` is `AppUserCredentials`
// (`userName` 1–100 characters, `password`: `AppUserPasswordCredential {value}`); `profile` is a
// free-form object. The read-only `AppUser` properties (`status`, `created`, `_links`, …) and
// undeclared ones are ignored, as Okta reads bodies leniently (a GET → POST round trip sends
// them back).

/// `AppUserAssignRequest`.
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct AssignRequest {
    id: String,
    #[serde(flatten)]
    fields: AppUserFields,
}

/// The writable `AppUser` properties both requests share.
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct AppUserFields {
    scope: Option<String>,
    credentials: Option<AppUserCredentials>,
    #[serde(rename = "profile")]
    profile: Option<Map<String, Value>>,
}

/// `AppUserCredentials`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct AppUserCredentials {
    user_name: Option<String>,
    #[serde(rename = "password")]
    _password: Option<AppUserPasswordCredential>,
}

/// `AppUserPasswordCredential`.
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct AppUserPasswordCredential {
    #[serde(rename = "value")]
    _value: Option<String>,
}

const SCOPES: &[&str] = &["USER", "GROUP"];

impl Validate for AppUserFields {
    fn validate(&self, c: &mut Checks) {
        c.one_of("scope", self.scope.as_deref(), SCOPES);
        if let Some(credentials) = &self.credentials {
            let name = credentials.user_name.as_deref();
            c.length("credentials.userName", name, 1, 100);
        }
    }
}

/// `id` is required but, as the spec declares it, any string (no `minLength`): an empty id is
/// the id of no user, answered 404 E0000007 by `assign` like any user the org does not have,
/// not a validation error (no source shows Okta refusing it as invalid).
impl Validate for AssignRequest {
    fn validate(&self, c: &mut Checks) {
        self.fields.validate(c);
    }
}

/// `AppUserUpdateRequest`: a credentials payload or a profile payload; a body with neither
/// matches both variants vacuously but changes nothing, and the fake refuses it.
impl Validate for UpdateRequest {
    fn validate(&self, c: &mut Checks) {
        if self.0.credentials.is_none() && self.0.profile.is_none() {
            c.add(
                "",
                Problem::Rule("The request must contain credentials or profile.".into()),
            );
        }
        self.0.validate(c);
    }
}

/// `AppUserUpdateRequest`.
#[derive(Deserialize)]
#[serde(transparent)]
struct UpdateRequest(AppUserFields);

/// `assignUserToApplication` (assigning again replaces the assignment, keeping `created`).
pub(super) fn assign(call: &Call<'_>) -> Response {
    let (typed, map) = match parse_typed::<AssignRequest>(call.body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = typed.id;
    let app_id = call.param(0);
    let mut data = lock(&call.state.data);
    // Assigning a user the org does not have: 404 E0000007, as for any unknown resource.
    if !data.users.contains(&id) {
        return not_found();
    }
    let app = data.app(app_id);
    if let Err(r) = check_credentials_allowed(app, &map) {
        return r;
    }
    let body = Value::Object(map);
    let provisioned = app.provisions();
    let user = new_app_user(
        &call.state.base_url,
        app_id,
        &id,
        &body,
        app.users.get(&id),
        provisioned,
    );
    app.users.insert(id, user.clone());
    ok_json(&user)
}

/// `getApplicationUser`.
pub(super) fn get(call: &Call<'_>) -> Response {
    let data = lock(&call.state.data);
    let user = data
        .apps
        .get(call.param(0))
        .and_then(|a| a.users.get(call.param(1)));
    match user {
        Some(user) => ok_json(&with_expand(user.clone(), call.query)),
        None => not_found(),
    }
}

/// `updateApplicationUser`: replaces the profile and/or sets credentials.
pub(super) fn update(call: &Call<'_>) -> Response {
    let map = match parse_typed::<UpdateRequest>(call.body) {
        Ok((_, m)) => m,
        Err(r) => return r,
    };
    let mut data = lock(&call.state.data);
    let Some(app) = data.apps.get_mut(call.param(0)) else {
        return not_found();
    };
    if !app.users.contains_key(call.param(1)) {
        return not_found();
    }
    if let Err(r) = check_credentials_allowed(app, &map) {
        return r;
    }
    let Some(user) = app.users.get_mut(call.param(1)) else {
        return not_found();
    };
    apply_update(user, &map);
    ok_json(user)
}

fn apply_update(user: &mut Value, map: &Map<String, Value>) {
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
}

/// `unassignUserFromApplication`.
pub(super) fn unassign(call: &Call<'_>) -> Response {
    if query_get(call.query, "sendEmail").is_some_and(|v| v != "true" && v != "false") {
        return bad_request("sendEmail: The value must be true or false.");
    }
    let mut data = lock(&call.state.data);
    match data
        .apps
        .get_mut(call.param(0))
        .and_then(|a| a.users.remove(call.param(1)))
    {
        Some(_) => no_content(),
        None => not_found(),
    }
}

/// `listApplicationUsers`: `limit` (1–500), `after` (an exclusive user-id cursor), `q` (a
/// case-insensitive prefix of user name, first or last name or email) and `expand`; the page's
/// `Link` headers carry `rel="self"` and, when more users follow, `rel="next"`.
pub(super) fn list(call: &Call<'_>) -> Response {
    // `limit`: `queryAppLimit`, an int32 with `minimum: 1`, `maximum: 500` (spec). A value
    // outside it is refused, not clamped: the spec bounds it, no Okta document says larger
    // values are cut to 500, and a schema-driven client (schemathesis' negative data) expects
    // the refusal.
    let limit = match query_get(call.query, "limit") {
        None => DEFAULT_LIMIT,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as usize,
            _ => {
                return invalid(&[Violation::new(
                    "limit",
                    Problem::Range {
                        min: 1,
                        max: MAX_LIMIT as i64,
                    },
                )]);
            }
        },
    };
    let after = query_get(call.query, "after");
    let q = query_get(call.query, "q").map(str::to_lowercase);
    let app_id = call.param(0);
    let mut data = lock(&call.state.data);
    let users = &data.app(app_id).users;
    let lower = after.map_or(Bound::Unbounded, |a| Bound::Excluded(a.to_owned()));
    let (page, more) = take_page(
        users.range((lower, Bound::Unbounded)).map(|(_, u)| u),
        limit,
        |u| matches_query(u, q.as_deref()),
        |u| with_expand(u.clone(), call.query),
    );
    let next_after = page
        .last()
        .filter(|_| more)
        .and_then(|u| u.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut response = ok_json(&Value::Array(page));
    let links = PageLinks {
        path: format!(
            "{}/api/v1/apps/{}/users",
            call.state.base_url,
            encode_segment(app_id)
        ),
        limit,
        query: call.query,
    };
    links.append(response.headers_mut(), after, "self");
    if let Some(next) = next_after {
        links.append(response.headers_mut(), Some(&next), "next");
    }
    response
}

/// Whether a user matches `q` (already lower-cased); every user matches no `q`.
fn matches_query(user: &Value, q: Option<&str>) -> bool {
    let Some(q) = q else { return true };
    [
        "/credentials/userName",
        "/profile/firstName",
        "/profile/lastName",
        "/profile/email",
    ]
    .iter()
    .filter_map(|p| user.pointer(p).and_then(Value::as_str))
    .any(|v| v.to_lowercase().starts_with(q))
}

/// The `Link` headers of one page of app users.
struct PageLinks<'a> {
    path: String,
    limit: usize,
    query: &'a [(String, String)],
}

impl PageLinks<'_> {
    /// Appends `Link: <path?after=…&limit=…&q=…&expand=…>; rel="<rel>"`.
    fn append(&self, headers: &mut HeaderMap, after: Option<&str>, rel: &str) {
        let link = format!(
            "<{}?{}>; rel=\"{rel}\"",
            self.path,
            self.query_string(after)
        );
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.append(header::LINK, v);
        }
    }

    fn query_string(&self, after: Option<&str>) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if let Some(a) = after {
            ser.append_pair("after", a);
        }
        ser.append_pair("limit", &self.limit.to_string());
        for key in ["q", "expand"] {
            if let Some(v) = query_get(self.query, key) {
                ser.append_pair(key, v);
            }
        }
        ser.finish()
    }
}
