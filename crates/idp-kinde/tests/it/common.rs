//! Shared helpers: clients over a mock transport or an httpmock server, and the spec helpers
//! (example synthesis and a small schema validator).

use std::sync::Arc;

use idp_kinde::{Client, ClientBuilder};
use idp_test_support::{MockTransport, RecordingSleeper, resolve_ref};
use serde_json::{Map, Value, json};

pub(crate) const CLIENT_ID: &str = "m2m-client-7f3";
pub(crate) const CLIENT_SECRET: &str = "CLIENT-SECRET-never-printed";

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A client on `https://acme.kinde.com` with a static bearer token over a recording transport.
pub(crate) fn mock_client(mock: &MockTransport) -> Client {
    Client::builder()
        .domain("acme.kinde.com")
        .access_token("tok-static")
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()
        .expect("client builds")
}

/// A builder for an httpmock server with M2M credentials and a recording sleeper.
pub(crate) fn m2m_builder(
    server: &httpmock::MockServer,
    sleeper: &RecordingSleeper,
) -> ClientBuilder {
    Client::builder()
        .domain(server.base_url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .sleeper(Arc::new(sleeper.clone()))
}

/// A token endpoint response.
pub(crate) fn token_body(token: &str, expires_in: Option<u64>) -> Value {
    let mut body =
        json!({"access_token": token, "token_type": "bearer", "scope": "read:connections"});
    if let Some(s) = expires_in {
        body["expires_in"] = json!(s);
    }
    body
}

/// The spec subset, or `None` (loudly) when `shared/` is missing.
pub(crate) fn spec() -> Option<Value> {
    idp_test_support::load_spec(env!("CARGO_MANIFEST_DIR"), "kinde-connections-subset.yaml")
}

/// A component schema by name.
pub(crate) fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("schema {name} missing from the spec"))
}

/// A JSON instance of a schema built from its `example`s (first `oneOf` variant, first enum
/// value, `<name>-example` for strings without one).
pub(crate) fn example(spec: &Value, schema: &Value, name: &str) -> Value {
    let schema = resolve_ref(spec, schema);
    if let Some(ex) = schema.get("example") {
        return ex.clone();
    }
    if let Some(first) = schema
        .get("oneOf")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return example(spec, first, name);
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let mut out = Map::new();
        for (k, v) in props {
            out.insert(k.clone(), example(spec, v, k));
        }
        return Value::Object(out);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => json!([example(spec, &schema["items"], name)]),
        Some("string") => json!(format!("{name}-example")),
        Some("boolean") => json!(true),
        Some("integer") => json!(1),
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

/// The declared property names of a schema, sorted.
pub(crate) fn property_names(spec: &Value, schema_name: &str) -> Vec<String> {
    let mut names: Vec<String> = schema(spec, schema_name)["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}
