//! Connections: list (paged with `starting_after` / `ending_before`), create, get, update
//! (PATCH), replace (PUT) and delete.

use std::ops::Bound;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{JSON, KindeState, bad_request, not_found};
use crate::server::lock;
use crate::wire::{
    json_object, json_response, page_size, query_get, query_pairs, random_hex, take_page,
};

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

/// The `k`-th seeded connection (`conn_seed_…`) and its id.
pub(super) fn seeded(k: u64) -> (String, Value) {
    let id = format!("conn_seed_{k:08}");
    let connection = json!({
        "id": id,
        "name": format!("seeded-{k}"),
        "display_name": format!("Seeded {k}"),
        "strategy": "oauth2:google",
        "enabled_applications": [],
        "options": {},
    });
    (id, connection)
}

/// `{"code":"OK","message":"Success"}`, plus the fields of `extra` (a JSON object).
fn success_with(status: StatusCode, extra: Value) -> Response {
    let mut body = json!({ "code": "OK", "message": "Success" });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    json_response(status, JSON, &body)
}

fn success() -> Response {
    success_with(StatusCode::OK, json!({}))
}

fn connection_not_found() -> Response {
    not_found("CONNECTION_NOT_FOUND", "Connection not found")
}

fn invalid_details(message: &str) -> Response {
    bad_request("INVALID_CONNECTION_DETAILS", message)
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
    json_object(body).ok_or_else(|| {
        bad_request(
            "INVALID_REQUEST_BODY",
            "The request body must be a JSON object.",
        )
    })
}

/// Checks the fields shared by create / update / replace.
fn validate_common(map: &Map<String, Value>) -> Result<(), Response> {
    for field in ["name", "display_name"] {
        if let Some(v) = map.get(field) {
            if v.as_str().is_none_or(str::is_empty) {
                return Err(invalid_details(&format!(
                    "{field} must be a non-empty string."
                )));
            }
        }
    }
    if let Some(apps) = map.get("enabled_applications") {
        let ok = apps
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(invalid_details(
                "enabled_applications must be an array of strings.",
            ));
        }
    }
    if map.get("options").is_some_and(|o| !o.is_object()) {
        return Err(invalid_details("options must be an object."));
    }
    Ok(())
}

/// Every one of `fields` must be present.
fn require(map: &Map<String, Value>, fields: &[&str]) -> Result<(), Response> {
    match fields.iter().find(|f| !map.contains_key(**f)) {
        Some(field) => Err(invalid_details(&format!("{field} is required."))),
        None => Ok(()),
    }
}

/// A valid create body: the common checks, then `name`, `display_name` and a known `strategy`.
fn parse_create(body: &[u8]) -> Result<Map<String, Value>, Response> {
    let map = parse_object(body)?;
    validate_common(&map)?;
    require(&map, &["name", "display_name", "strategy"])?;
    let strategy = map.get("strategy").and_then(Value::as_str).unwrap_or("");
    if !STRATEGIES.contains(&strategy) {
        return Err(bad_request(
            "INVALID_STRATEGY",
            "The strategy is not supported.",
        ));
    }
    Ok(map)
}

/// `CreateConnection`: answers `201` with only the new id in the envelope.
pub(super) fn create(state: &KindeState, body: &[u8]) -> Response {
    let mut stored = match parse_create(body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = format!("conn_{}", random_hex());
    stored.insert("id".into(), json!(id));
    stored
        .entry("enabled_applications")
        .or_insert_with(|| json!([]));
    stored.entry("options").or_insert_with(|| json!({}));
    lock(&state.data)
        .connections
        .insert(id.clone(), Value::Object(stored));
    success_with(StatusCode::CREATED, json!({ "connection": { "id": id } }))
}

/// `GetConnection`: the summary in a `connection` envelope.
pub(super) fn get(state: &KindeState, id: &str) -> Response {
    match lock(&state.data).connections.get(id) {
        Some(c) => success_with(StatusCode::OK, json!({ "connection": summary(c) })),
        None => connection_not_found(),
    }
}

/// `deleteConnection`.
pub(super) fn delete(state: &KindeState, id: &str) -> Response {
    match lock(&state.data).connections.remove(id) {
        Some(_) => success(),
        None => connection_not_found(),
    }
}

/// A valid update body; `replace` (PUT) also needs `name` and `display_name`.
fn parse_update(body: &[u8], replace: bool) -> Result<Map<String, Value>, Response> {
    let map = parse_object(body)?;
    validate_common(&map)?;
    if map.contains_key("strategy") {
        return Err(invalid_details(
            "strategy cannot be changed after creation.",
        ));
    }
    if replace {
        require(&map, &["name", "display_name"])?;
    }
    Ok(map)
}

/// `UpdateConnection` (PATCH, `replace` false) and `ReplaceConnection` (PUT, which also resets
/// `enabled_applications` and `options`).
pub(super) fn update(state: &KindeState, id: &str, body: &[u8], replace: bool) -> Response {
    let map = match parse_update(body, replace) {
        Ok(m) => m,
        Err(r) => return r,
    };
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

/// The query of a list call.
struct ListQuery<'q> {
    page_size: usize,
    after: Option<&'q str>,
    before: Option<&'q str>,
    domain: Option<&'q str>,
}

fn parse_list_query(query: &[(String, String)]) -> Result<ListQuery<'_>, Response> {
    let non_empty = |key: &str| query_get(query, key).filter(|s| !s.is_empty());
    let Some(page_size) = page_size(non_empty("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    else {
        return Err(bad_request(
            "INVALID_PAGE_SIZE",
            "page_size must be a positive integer.",
        ));
    };
    let after = non_empty("starting_after");
    let before = non_empty("ending_before");
    if after.is_some() && before.is_some() {
        return Err(bad_request(
            "INVALID_PAGINATION",
            "starting_after and ending_before cannot be combined.",
        ));
    }
    Ok(ListQuery {
        page_size,
        after,
        before,
        domain: non_empty("home_realm_domain"),
    })
}

/// `GetConnections`: `page_size`, one of the exclusive cursors `starting_after` /
/// `ending_before`, and `home_realm_domain`; `has_more` says whether the walk can go on.
pub(super) fn list(state: &KindeState, query: Option<&str>) -> Response {
    let query = query_pairs(query);
    let q = match parse_list_query(&query) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let data = lock(&state.data);
    let matches = |c: &Value| -> bool {
        let Some(d) = q.domain else { return true };
        c.pointer("/options/home_realm_domains")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(d)))
    };
    let (page, has_more) = if let Some(before) = q.before {
        // Walk backwards from the cursor, then restore ascending order.
        let range = data
            .connections
            .range::<str, _>((Bound::Unbounded, Bound::Excluded(before)));
        let (mut page, more) =
            take_page(range.rev().map(|(_, c)| c), q.page_size, matches, summary);
        page.reverse();
        (page, more)
    } else {
        let lower = q.after.map_or(Bound::Unbounded, Bound::Excluded);
        let range = data.connections.range::<str, _>((lower, Bound::Unbounded));
        take_page(range.map(|(_, c)| c), q.page_size, matches, summary)
    };
    success_with(
        StatusCode::OK,
        json!({ "connections": page, "has_more": has_more }),
    )
}
