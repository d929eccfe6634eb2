//! Model round trips and Okta's deviations from its spec.

use idp_okta::models::{AppUser, AppUserStatus, ProvisioningConnectionResponse};
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
    assert_eq!(conn.profile.auth_scheme.as_str(), "UNKNOWN");
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
