use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_okta::{Client, RetryPolicy};
use idp_test_support::{MockTransport, RecordedRequest};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const ORG: &str = "https://acme.okta.com";

/// A client on a mock transport, SSWS auth, no retries.
pub fn mock_client(mock: &MockTransport) -> idp_okta::Result<Client> {
    Client::builder()
        .org_url(ORG)
        .api_token("test-token")
        .transport(Arc::new(mock.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
}

/// Asserts the exact request: method, encoded path, raw query and JSON body (None = empty body).
pub fn assert_request(
    r: &RecordedRequest,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: Option<serde_json::Value>,
) {
    assert_eq!(r.method.as_str(), method, "method");
    assert_eq!(r.path(), path, "path");
    assert_eq!(r.query(), query, "query");
    match body {
        Some(json) => {
            assert_eq!(r.header("content-type"), Some("application/json"));
            assert_eq!(r.json(), json, "body");
        }
        None => assert!(
            r.body.is_empty(),
            "no body expected, got {} bytes",
            r.body.len()
        ),
    }
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("authorization"), Some("SSWS test-token"));
}

/// The JSON header and claims of a compact JWT (no verification).
pub fn jwt_parts(token: &str) -> (serde_json::Value, serde_json::Value) {
    let mut parts = token.split('.');
    let mut next = || {
        parts
            .next()
            .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let header = next();
    let claims = next();
    (header, claims)
}
