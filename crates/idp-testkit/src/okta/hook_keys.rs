//! Hook keys: create, list, get, get the public key, replace and delete.

use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use serde::Deserialize;

use super::errors::{bad_request, internal, not_found, parse_typed};
use super::{Call, OktaData, ok_json};
use crate::server::lock;
use crate::validate::{Checks, Problem, Validate};
use crate::wire::{no_content, random_hex, rfc3339_now};

const MAX_HOOK_KEYS: usize = 50;

/// The key as the API returns it: without the embedded public key.
fn hook_key_public(key: &Value) -> Value {
    let mut key = key.clone();
    if let Some(map) = key.as_object_mut() {
        map.remove("_embedded");
    }
    key
}

/// Every hook key, as `listHookKeys` returns them.
pub(super) fn public_keys(data: &OktaData) -> Vec<Value> {
    data.hook_keys.iter().map(hook_key_public).collect()
}

/// `KeyRequest` (`shared/specs/okta-management-subset.yaml`): `name`, a string of 1–255
/// characters, `nullable: false`. The schema does not list it as required, but a key without a
/// name cannot be referenced by an inline hook, and Okta's docs call it required ("name:
/// Display name for the key", the create/replace request of the Hook Keys API): the fake refuses
/// a body without it. Other properties are ignored (Okta reads bodies leniently: the spec's own
/// examples send undeclared fields).
#[derive(Deserialize)]
#[serde(expecting = "object")]
struct KeyRequest {
    #[serde(default, deserialize_with = "crate::validate::non_null")]
    name: Option<String>,
}

impl Validate for KeyRequest {
    fn validate(&self, c: &mut Checks) {
        match &self.name {
            None => c.add("name", Problem::Missing),
            Some(name) => c.length("name", Some(name), 1, 255),
        }
    }
}

fn key_name(body: &[u8]) -> Result<String, Response> {
    let (key, _) = parse_typed::<KeyRequest>(body)?;
    Ok(key.name.unwrap_or_default())
}

/// `createHookKey`.
pub(super) fn create(call: &Call<'_>) -> Response {
    let name = match key_name(call.body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut data = lock(&call.state.data);
    if data.hook_keys.iter().any(|k| k["name"] == name.as_str()) {
        return bad_request("name: A key with this name already exists.");
    }
    if data.hook_keys.len() >= MAX_HOOK_KEYS {
        return bad_request("The maximum number of keys (50) has been reached.");
    }
    let Some(modulus) = random_modulus() else {
        return internal();
    };
    let key = new_key(&name, &modulus);
    data.hook_keys.push(key.clone());
    ok_json(&key)
}

/// 2048 random bits with the top bit set: the shape of an RSA modulus (it is never used to
/// verify anything).
fn random_modulus() -> Option<[u8; 256]> {
    let mut modulus = [0u8; 256];
    let rng = ring::rand::SystemRandom::new();
    ring::rand::SecureRandom::fill(&rng, &mut modulus).ok()?;
    if let Some(first) = modulus.first_mut() {
        *first |= 0x80;
    }
    Some(modulus)
}

fn new_key(name: &str, modulus: &[u8]) -> Value {
    let now = rfc3339_now();
    let key_id = uuid::Uuid::new_v4().to_string();
    json!({
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
    })
}

/// `listHookKeys`.
pub(super) fn list(call: &Call<'_>) -> Response {
    ok_json(&Value::Array(public_keys(&lock(&call.state.data))))
}

/// `getHookKey`; with `?expand=publickey` the public key is embedded in `_embedded` (the
/// operation's description in the spec says so, though its 200 schema omits `_embedded`).
pub(super) fn get(call: &Call<'_>) -> Response {
    let data = lock(&call.state.data);
    let expand = crate::wire::query_get(call.query, "expand") == Some("publickey");
    match data.hook_keys.iter().find(|k| k["id"] == call.param(0)) {
        Some(k) if expand => {
            let mut key = hook_key_public(k);
            key["_embedded"] = k["_embedded"].clone();
            ok_json(&key)
        }
        Some(k) => ok_json(&hook_key_public(k)),
        None => not_found(),
    }
}

/// `getPublicKey`, by `keyId`.
pub(super) fn get_public(call: &Call<'_>) -> Response {
    let data = lock(&call.state.data);
    match data.hook_keys.iter().find(|k| k["keyId"] == call.param(0)) {
        Some(k) => ok_json(&k["_embedded"]),
        None => not_found(),
    }
}

/// `replaceHookKey`: renames the key.
pub(super) fn replace(call: &Call<'_>) -> Response {
    let name = match key_name(call.body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let id = call.param(0);
    let mut data = lock(&call.state.data);
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
    ok_json(key)
}

/// `deleteHookKey`.
pub(super) fn delete(call: &Call<'_>) -> Response {
    let mut data = lock(&call.state.data);
    match data.hook_keys.iter().position(|k| k["id"] == call.param(0)) {
        Some(i) => {
            data.hook_keys.remove(i);
            no_content()
        }
        None => not_found(),
    }
}
