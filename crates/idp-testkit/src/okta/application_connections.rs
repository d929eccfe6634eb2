//! The app's default provisioning connection: get, update (with `?activate`), activate and
//! deactivate.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::errors::{bad_request, not_found, parse_typed};
use super::{Call, ConnectionState, ok_json};
use crate::server::lock;
use crate::validate::{Checks, Validate, non_null};
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

// ---------------------------------------------------------------------------------------------
// The update body (`shared/specs/okta-management-subset.yaml`, the request of
// `updateDefaultProvisioningConnectionForApplication`): `oneOf` `ProvisioningConnectionTokenRequest`
// (`profile.authScheme` `TOKEN`, `token`, and `baseUrl`) | `ProvisioningConnectionOauthRequest`
// (`profile.authScheme` `OAUTH2`, `clientId`, `settings`: `Office365ProvisioningSettings` with
// `adminUsername` and `adminPassword` required, `signing`: `Org2OrgProvisioningOAuthSigningSettings`
// with `rotationMode` required, enum `ConnectionsSigningRotationMode` AUTO | MANUAL). Undeclared
// properties are accepted: Okta reads request bodies leniently (the spec's own Org2Org token
// example sends `clientId` in a TOKEN profile), and the fake keeps them. `settings` and
// `signing`, when sent, are checked whatever the scheme: the fake serves the profile back, and
// `ProvisioningConnectionResponseProfile.signing` requires `rotationMode` too.

/// `ProvisioningConnectionTokenRequest` | `ProvisioningConnectionOauthRequest`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct ConnectionRequest {
    /// A string, not nullable (the spec): `null` is refused like the other non-nullable fields
    /// (`E0000003`, as for a hook key's `"name": null`).
    #[serde(default, deserialize_with = "non_null")]
    base_url: Option<String>,
    profile: ConnectionRequestProfile,
}

/// `ProvisioningConnectionTokenRequestProfile` | `ProvisioningConnectionOauthRequestProfile`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct ConnectionRequestProfile {
    auth_scheme: String,
    #[serde(default, rename = "token", deserialize_with = "non_null")]
    _token: Option<String>,
    #[serde(default, rename = "clientId", deserialize_with = "non_null")]
    _client_id: Option<String>,
    #[serde(default, rename = "settings", deserialize_with = "non_null")]
    _settings: Option<Office365ProvisioningSettings>,
    /// Not nullable (the spec); a `null` served back would break the response schema too.
    #[serde(default, deserialize_with = "non_null")]
    signing: Option<SigningSettings>,
}

/// `Office365ProvisioningSettings`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct Office365ProvisioningSettings {
    #[serde(rename = "adminUsername")]
    _admin_username: String,
    #[serde(rename = "adminPassword")]
    _admin_password: String,
}

/// `Org2OrgProvisioningOAuthSigningSettings`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "object")]
struct SigningSettings {
    rotation_mode: String,
}

const AUTH_SCHEMES: &[&str] = &["TOKEN", "OAUTH2"];
const ROTATION_MODES: &[&str] = &["AUTO", "MANUAL"];

impl Validate for ConnectionRequest {
    fn validate(&self, c: &mut Checks) {
        let scheme = self.profile.auth_scheme.as_str();
        c.one_of("profile.authScheme", Some(scheme), AUTH_SCHEMES);
        if let Some(signing) = &self.profile.signing {
            let mode = signing.rotation_mode.as_str();
            c.one_of("profile.signing.rotationMode", Some(mode), ROTATION_MODES);
        }
    }
}

fn parse_update(call: &Call<'_>) -> Result<ConnectionUpdate, Response> {
    let activate = match query_get(call.query, "activate") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(bad_request("activate: The value must be true or false.")),
    };
    let (typed, mut map) = parse_typed::<ConnectionRequest>(call.body)?;
    let profile = match map.remove("profile") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    Ok(ConnectionUpdate {
        activate,
        auth_scheme: typed.profile.auth_scheme,
        base_url: typed.base_url,
        profile,
    })
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
