//! The app's default provisioning connection: get, update (with `?activate`), activate and
//! deactivate.

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{bad_request, not_found, parse_object};
use super::{Call, ConnectionState, ok_json};
use crate::server::lock;
use crate::wire::{encode_segment, no_content, query_get};

/// The connection as the API returns it: the provisioning token and admin password are never
/// returned, and `_links` offers the lifecycle call that applies.
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
            configured_fields(c, &mut out);
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

/// `authScheme` (for TOKEN), `baseUrl`, the profile without secrets, and `status`.
fn configured_fields(c: &ConnectionState, out: &mut Map<String, Value>) {
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
}

/// `getDefaultProvisioningConnectionForApplication`.
pub(super) fn get(call: &Call<'_>) -> Response {
    let app_id = call.param(0);
    let mut data = lock(&call.state.data);
    let app = data.app(app_id);
    // An app without provisioning has no default connection: the spec's 404 (E0000007).
    if app.no_provisioning {
        return not_found();
    }
    if let Some(body) = &app.seeded_connection {
        return ok_json(body);
    }
    ok_json(&connection_json(
        &call.state.base_url,
        app_id,
        app.connection.as_ref(),
    ))
}

/// What an update request sets (the connection keeps its enabled state unless `activate` says).
struct ConnectionUpdate {
    activate: Option<bool>,
    auth_scheme: String,
    base_url: Option<String>,
    profile: Map<String, Value>,
}

/// `updateDefaultProvisioningConnectionForApplication`.
pub(super) fn update(call: &Call<'_>) -> Response {
    let update = match parse_update(call) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let app_id = call.param(0);
    let mut data = lock(&call.state.data);
    let app = data.app(app_id);
    if app.no_provisioning {
        return not_found();
    }
    app.seeded_connection = None;
    let was_enabled = app.connection.as_ref().is_some_and(|c| c.enabled);
    app.connection = Some(ConnectionState {
        auth_scheme: update.auth_scheme,
        base_url: update.base_url,
        profile: Value::Object(update.profile),
        enabled: update.activate.unwrap_or(was_enabled),
    });
    ok_json(&connection_json(
        &call.state.base_url,
        app_id,
        app.connection.as_ref(),
    ))
}

fn parse_update(call: &Call<'_>) -> Result<ConnectionUpdate, Response> {
    let activate = match query_get(call.query, "activate") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(bad_request("activate: The value must be true or false.")),
    };
    let map = parse_object(call.body)?;
    let Some(profile) = map.get("profile").and_then(Value::as_object) else {
        return Err(bad_request("profile: The field cannot be left blank."));
    };
    let scheme = check_profile(profile)?;
    let base_url = match map.get("baseUrl") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad_request("baseUrl: The value must be a string.")),
    };
    Ok(ConnectionUpdate {
        activate,
        auth_scheme: scheme.to_owned(),
        base_url,
        profile: profile.clone(),
    })
}

/// Checks `authScheme` (TOKEN or OAUTH2) and `signing.rotationMode`; returns the scheme.
fn check_profile(profile: &Map<String, Value>) -> Result<&str, Response> {
    let scheme = profile
        .get("authScheme")
        .and_then(Value::as_str)
        .unwrap_or("");
    if scheme != "TOKEN" && scheme != "OAUTH2" {
        return Err(bad_request(
            "profile.authScheme: The value must be TOKEN or OAUTH2.",
        ));
    }
    let rotation = profile
        .get("signing")
        .and_then(|s| s.get("rotationMode"))
        .and_then(Value::as_str);
    if rotation.is_some_and(|r| r != "AUTO" && r != "MANUAL") {
        return Err(bad_request(
            "profile.signing.rotationMode: The value must be AUTO or MANUAL.",
        ));
    }
    Ok(scheme)
}

/// `activate…` / `deactivate…DefaultProvisioningConnectionForApplication`.
pub(super) fn set_enabled(call: &Call<'_>, enabled: bool) -> Response {
    let mut data = lock(&call.state.data);
    let app = data.app(call.param(0));
    if app.no_provisioning {
        return not_found();
    }
    match app.connection.as_mut() {
        Some(conn) => {
            conn.enabled = enabled;
            no_content()
        }
        None if !enabled => no_content(),
        None => bad_request("The provisioning connection is not configured."),
    }
}
