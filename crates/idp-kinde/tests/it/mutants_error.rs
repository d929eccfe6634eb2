//! Behaviours of `error.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-kinde/src/error.rs`, issue 18) found untested.

use idp_kinde::ErrorKind;
use idp_test_support::MockTransport;

use crate::common::{TestResult, mock_client};

/// The error of a `GetConnection` answered `status` with the JSON `body`.
async fn get_error(
    client: &idp_kinde::Client,
    mock: &MockTransport,
    status: u16,
    body: &'static str,
) -> Result<idp_kinde::Error, &'static str> {
    mock.push(status, &[("content-type", "application/json")], body);
    client
        .connections()
        .get("conn_1")
        .send()
        .await
        .err()
        .ok_or("expected an error")
}

/// A top-level error body with only one of its two fields — `{"message": …}` (the shape of
/// Kinde's gateway answers) or an OAuth `{"error": …}` without a description — still gives
/// the user that message or code, in the error and in its `Display`.
#[tokio::test]
async fn a_top_level_error_with_only_a_message_or_only_a_code_keeps_it() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    let err = get_error(
        &client,
        &mock,
        403,
        r#"{"message":"Forbidden: missing scope read:connections"}"#,
    )
    .await?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), None);
    assert_eq!(
        err.provider_message(),
        Some("Forbidden: missing scope read:connections")
    );
    assert!(
        err.to_string().contains("missing scope read:connections"),
        "{err}"
    );

    let err = get_error(&client, &mock, 401, r#"{"error":"invalid_token"}"#).await?;
    assert_eq!(err.code(), Some("invalid_token"));
    assert_eq!(err.provider_message(), None);
    assert!(err.to_string().contains("invalid_token"), "{err}");
    Ok(())
}

/// An empty `code` or `message` counts as absent: the body's other field names the error
/// (here the OAuth pair), and an entry of `errors` with nothing in it does not hide the next.
#[tokio::test]
async fn empty_code_and_message_fields_count_as_absent() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    let err = get_error(&client, &mock, 401, r#"{"code":"","message":"","error":"invalid_client","error_description":"Client authentication failed"}"#).await?;
    assert_eq!(err.code(), Some("invalid_client"));
    assert_eq!(err.provider_message(), Some("Client authentication failed"));

    let err = get_error(&client, &mock, 400, r#"{"errors":[{"code":"","message":""},{"code":"INVALID_REQUEST","message":"name is required"}]}"#).await?;
    assert_eq!(err.code(), Some("INVALID_REQUEST"));
    assert_eq!(err.provider_message(), Some("name is required"));
    Ok(())
}
