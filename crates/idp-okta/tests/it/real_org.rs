//! Issue 13: what a real Okta org answers that the spec does not say, end to end against the
//! testkit's fake (which behaves the same way).

use idp_okta::models::{ProvisioningConnectionAuthScheme, ProvisioningConnectionStatus};
use idp_okta::{Client, RetryPolicy};
use idp_testkit::FakeOkta;
use serde_json::json;

use crate::common::TestResult;

/// A started fake and a client on it (SSWS, no retries).
async fn fake() -> Result<(FakeOkta, Client), Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .retry_policy(RetryPolicy::none())
        .build()?;
    Ok((okta, client))
}

/// Item 1: the legacy shape (Okta's Java SDK integration test reads a fresh Org2Org app as
/// `authScheme=TOKEN, status=DISABLED` with no `profile`) and `"status": null` both decode.
#[tokio::test]
async fn profile_less_and_null_status_connections_decode_end_to_end() -> TestResult {
    let (okta, client) = fake().await?;
    okta.seed_connection_response(
        "0oaOrg2Org",
        json!({"authScheme": "TOKEN", "status": "DISABLED"}),
    );
    let conn = client
        .application_connections()
        .get_default("0oaOrg2Org")
        .send()
        .await?;
    assert_eq!(conn.profile, None);
    assert_eq!(conn.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(
        conn.auth_scheme(),
        Some(&ProvisioningConnectionAuthScheme::Token)
    );

    okta.seed_connection_response(
        "0oaNull",
        json!({"status": null, "profile": {"signing": {}}, "_links": {}}),
    );
    let conn = client
        .application_connections()
        .get_default("0oaNull")
        .send()
        .await?;
    assert_eq!(conn.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(conn.auth_scheme(), None);
    assert_eq!(conn.signing().and_then(|s| s.rotation_mode.clone()), None);
    Ok(())
}

/// An app without provisioning has no default connection: 404 E0000007, `is_not_found()`.
#[tokio::test]
async fn an_app_without_provisioning_has_no_connection() -> TestResult {
    let (okta, client) = fake().await?;
    okta.disable_provisioning("0oaSsoOnly");
    let err = client
        .application_connections()
        .get_default("0oaSsoOnly")
        .send()
        .await
        .err()
        .ok_or("expected 404")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.code(), Some("E0000007"));
    Ok(())
}
