//! Model round trips and Okta's deviations from its spec.

use idp_okta::models::{
    AppUser, AppUserStatus, ProvisioningConnectionAuthScheme, ProvisioningConnectionResponse,
    ProvisioningConnectionStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::common::TestResult;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SalesforceProfile {
    role: String,
    #[serde(rename = "salesforceGroups")]
    salesforce_groups: Vec<String>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

fn app_user_json() -> Value {
    json!({
        "id": "00u15s1KDETTQMQYABRL",
        "externalId": "005o0000000ogQ9AAI",
        "created": "2014-08-16T02:35:14.000Z",
        "lastUpdated": "2014-08-16T02:56:49.000Z",
        "scope": "USER",
        "status": "QUARANTINED_BY_FUTURE_FEATURE",
        "statusChanged": "2014-08-16T02:56:49.000Z",
        "syncState": "SOME_NEW_STATE",
        "credentials": {"userName": "saml.jackson@example.com", "password": {}},
        "profile": {"role": "Developer", "salesforceGroups": ["Employee"], "secondEmail": null, "custom": {"n": 1}},
        "futureField": {"nested": [1, "two", null]},
        "_links": {"app": {"href": "https://acme.okta.com/api/v1/apps/0oa1", "hints": {"allow": ["GET", "PATCH", "TRACE"]}}}
    })
}

#[test]
fn app_user_with_unknown_status_unknown_field_and_custom_profile_round_trips() -> TestResult {
    let original = app_user_json();
    let user: AppUser<SalesforceProfile> = serde_json::from_value(original.clone())?;
    assert_eq!(
        user.status.as_ref().map(|s| s.as_str()),
        Some("QUARANTINED_BY_FUTURE_FEATURE")
    );
    assert!(matches!(user.status, Some(AppUserStatus::Unknown(_))));
    assert_eq!(user.extra.get("futureField"), original.get("futureField"));
    let profile = user.profile.as_ref().ok_or("profile")?;
    assert_eq!(profile.role, "Developer");
    assert_eq!(profile.salesforce_groups, ["Employee"]);
    assert_eq!(
        serde_json::to_value(&user)?,
        original,
        "re-encoding loses nothing"
    );

    // The default JSON-map profile round-trips too.
    let map_user: AppUser = serde_json::from_value(original.clone())?;
    assert_eq!(serde_json::to_value(&map_user)?, original);
    Ok(())
}

#[test]
fn undeclared_nulls_are_accepted() -> TestResult {
    let user: AppUser = serde_json::from_value(json!({
        "id": null, "externalId": null, "passwordChanged": null, "scope": null, "status": null,
        "credentials": null, "profile": null, "_links": null, "_embedded": null
    }))?;
    assert_eq!(user.id, None);
    assert_eq!(user.status, None);
    let conn: ProvisioningConnectionResponse = serde_json::from_value(
        json!({"profile": {"authScheme": "UNKNOWN", "clientId": "c"}, "baseUrl": null}),
    )?;
    assert_eq!(
        conn.status.as_str(),
        "DISABLED",
        "the spec's default status"
    );
    assert_eq!(conn.auth_scheme().map(|s| s.as_str()), Some("UNKNOWN"));
    Ok(())
}

/// Issue 13, item 1. The seed documents the legacy `ProvisioningConnection` (top-level
/// `authScheme` and `status`, no `profile`), and Okta's Java SDK integration test reads a fresh
/// Org2Org app as only `authScheme=TOKEN, status=DISABLED`.
#[test]
fn legacy_profile_less_connection_decodes() -> TestResult {
    let conn: ProvisioningConnectionResponse =
        serde_json::from_value(json!({"authScheme": "TOKEN", "status": "DISABLED"}))?;
    assert_eq!(conn.profile, None);
    assert_eq!(conn.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(
        conn.auth_scheme(),
        Some(&ProvisioningConnectionAuthScheme::Token)
    );
    Ok(())
}

/// Issue 13, item 1: `profile` without `authScheme`, `"status": null`, and Org2Org signing
/// settings without `rotationMode` (and with a field the spec does not declare).
#[test]
fn connection_with_null_status_scheme_less_profile_and_partial_signing_decodes() -> TestResult {
    let original = json!({
        "status": null,
        "profile": {"clientId": "0oaTarget", "signing": {"kid": "k1"}},
        "_links": {"self": {"href": "https://acme.okta.com/api/v1/apps/0oa1/connections/default"}}
    });
    let conn: ProvisioningConnectionResponse = serde_json::from_value(original)?;
    assert_eq!(conn.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(conn.auth_scheme(), None);
    let signing = conn.signing().ok_or("signing")?;
    assert_eq!(signing.rotation_mode, None);
    assert_eq!(signing.extra.get("kid"), Some(&json!("k1")));
    let profile = conn.profile.as_ref().ok_or("profile")?;
    assert_eq!(profile.extra.get("clientId"), Some(&json!("0oaTarget")));
    // Re-encoding keeps what was read (the signing `kid` is not dropped).
    assert_eq!(
        serde_json::to_value(&conn)?["profile"]["signing"],
        json!({"kid": "k1"})
    );
    Ok(())
}

#[tokio::test]
async fn send_as_decodes_into_a_custom_profile_type() -> TestResult {
    let mock = idp_test_support::MockTransport::new();
    mock.push_json(200, &app_user_json());
    let okta = crate::common::mock_client(&mock)?;
    let user: AppUser<SalesforceProfile> = okta
        .application_users()
        .get("0oa1", "00u1")
        .send_as()
        .await?;
    assert_eq!(user.profile.map(|p| p.role).as_deref(), Some("Developer"));
    let debug = format!(
        "{:?}",
        okta.application_users().update(
            "0oa1",
            "00u1",
            idp_okta::models::AppUserUpdateRequest::credentials(
                idp_okta::models::AppUserCredentials::user_name("u")
                    .with_password("hunter2-SECRET"),
            ),
        )
    );
    assert!(!debug.contains("hunter2-SECRET"), "{debug}");
    Ok(())
}
