//! Behaviours of `error.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-okta/src/error.rs`, issue 18) found untested: an Okta error body that carries only
//! one of `errorCode` / `errorSummary` is still an Okta error.

use idp_okta::OktaErrorExt;
use idp_okta::models::AppUserAssignRequest;
use idp_test_support::MockTransport;

use crate::common::TestResult;

/// The error of an assignment answered 400 with `body`.
async fn assign_error(body: &'static str) -> Result<idp_okta::Error, Box<dyn std::error::Error>> {
    let mock = MockTransport::new();
    mock.push(400, &[("content-type", "application/json")], body);
    let client = crate::common::mock_client(&mock)?;
    client
        .application_users()
        .assign("0oa1", AppUserAssignRequest::new("00u1"))
        .send()
        .await
        .err()
        .ok_or_else(|| "expected a 400".into())
}

#[tokio::test]
async fn an_error_body_with_only_a_code_or_only_a_summary_is_an_okta_error() -> TestResult {
    let err = assign_error(r#"{"errorCode":"E0000001"}"#).await?;
    let okta = err.okta_error().ok_or("only errorCode")?;
    assert_eq!(okta.error_code.as_deref(), Some("E0000001"));
    assert_eq!(okta.error_summary, None);

    let err = assign_error(r#"{"errorSummary":"Api validation failed: id"}"#).await?;
    let okta = err.okta_error().ok_or("only errorSummary")?;
    assert_eq!(okta.error_code, None);
    assert_eq!(
        okta.error_summary.as_deref(),
        Some("Api validation failed: id")
    );

    // A JSON body with neither is not an Okta error.
    let err = assign_error(r#"{"error":"invalid_request"}"#).await?;
    assert!(err.okta_error().is_none());
    Ok(())
}
