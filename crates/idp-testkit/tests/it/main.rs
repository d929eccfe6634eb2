//! Integration tests of the fake servers over real loopback HTTP.

// Helpers outside #[test] functions build test fixtures; a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod authress;
mod conformance;
mod faults;
mod kinde;
mod okta;
mod standalone;
mod validation;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A plain HTTP client (no retries, no redirects).
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Status and JSON body of a response.
async fn json(response: reqwest::Response) -> Result<(u16, serde_json::Value), reqwest::Error> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    let value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok((status, value))
}
