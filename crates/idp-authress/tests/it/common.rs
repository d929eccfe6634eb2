//! Shared helpers: generated access keys, clients over a mock transport, the spec.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idp_authress::{Client, RetryPolicy};
use idp_test_support::{MockTransport, RecordingSleeper};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The user id from the acceptance list: every character that needs encoding in a segment.
pub(crate) const ODD_USER_ID: &str = "google|a/b c+d@e:f";
pub(crate) const ODD_USER_ID_ENCODED: &str = "google%7Ca%2Fb%20c%2Bd%40e%3Af";

/// A freshly generated service client key.
pub(crate) struct TestKey {
    pub access_key: String,
    pub private_key_b64: String,
    pub public_key: Vec<u8>,
}

pub(crate) fn test_key(
    client_id: &str,
    key_id: &str,
    account_id: &str,
) -> Result<TestKey, Box<dyn std::error::Error>> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|e| e.to_string())?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|e| e.to_string())?;
    let private_key_b64 = STANDARD.encode(pkcs8.as_ref());
    Ok(TestKey {
        access_key: format!("{client_id}.{key_id}.{account_id}.{private_key_b64}"),
        private_key_b64,
        public_key: pair.public_key().as_ref().to_vec(),
    })
}

/// A client over `mock` with a user token, no real waits.
pub(crate) fn mock_client(mock: &MockTransport) -> Result<Client, idp_authress::Error> {
    Client::builder()
        .base_url("https://acc-1.api.authress.io/")
        .user_token("user-token")
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// The spec subset, or `None` (loudly) when `shared/` is not beside the checkout.
pub(crate) fn spec() -> Option<serde_json::Value> {
    idp_test_support::load_spec(
        env!("CARGO_MANIFEST_DIR"),
        "authress-connections-subset.yaml",
    )
}

/// A schema by name.
pub(crate) fn schema<'a>(spec: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    spec.pointer(&format!("/components/schemas/{name}"))
}

/// An instance of a schema: its `example` when it has one, otherwise built from its properties
/// (each property's example, first enum value, or a typed placeholder).
pub(crate) fn example_for(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let schema = idp_test_support::resolve_ref(spec, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if let Some(first) = values.iter().find(|v| !v.is_null()) {
            return first.clone();
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-06-24T10:00:00.000Z"),
            Some("duration") => json!("PT5M"),
            _ => json!("example"),
        },
        Some("boolean") => json!(true),
        Some("integer") | Some("number") => json!(1),
        Some("array") => match schema.get("items") {
            Some(items) if depth < 6 => json!([example_for(spec, items, depth + 1)]),
            _ => json!([]),
        },
        _ => {
            let mut map = serde_json::Map::new();
            if depth < 6 {
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, prop) in props {
                        map.insert(name.clone(), example_for(spec, prop, depth + 1));
                    }
                }
            }
            Value::Object(map)
        }
    }
}
