//! Request shape of every operation: exact method, encoded path, query and body.

use idp_okta::ErrorKind;
use idp_okta::models::{
    AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserUpdateRequest,
    ConnectionsSigningRotationMode, KeyRequest, Office365ProvisioningSettings,
    Org2OrgProvisioningOAuthSigningSettings, ProvisioningConnectionOauthRequest,
    ProvisioningConnectionTokenRequest,
};
use idp_test_support::MockTransport;
use serde_json::json;

use crate::common::{TestResult, assert_request, mock_client};

fn conn_body() -> serde_json::Value {
    json!({"status": "ENABLED", "profile": {"authScheme": "TOKEN"}})
}

fn user_body() -> serde_json::Value {
    json!({"id": "00u1", "status": "ACTIVE", "profile": {}})
}

fn key_body() -> serde_json::Value {
    json!({"id": "HKY1", "keyId": "k-1", "name": "n", "isUsed": "false"})
}

#[tokio::test]
async fn activate_default_provisioning_connection() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    mock_client(&mock)?
        .application_connections()
        .activate_default("0oa/1 x")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa%2F1%20x/connections/default/lifecycle/activate",
        None,
        None,
    );
    Ok(())
}

#[tokio::test]
async fn deactivate_default_provisioning_connection() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    mock_client(&mock)?
        .application_connections()
        .deactivate_default("0oa|1")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa%7C1/connections/default/lifecycle/deactivate",
        None,
        None,
    );
    Ok(())
}

#[tokio::test]
async fn get_default_provisioning_connection() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &conn_body());
    let conn = mock_client(&mock)?
        .application_connections()
        .get_default("0oa1")
        .send()
        .await?;
    assert_eq!(conn.status.as_str(), "ENABLED");
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "GET",
        "/api/v1/apps/0oa1/connections/default",
        None,
        None,
    );
    Ok(())
}

#[tokio::test]
async fn update_default_provisioning_connection_token_with_activate() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &conn_body());
    mock_client(&mock)?
        .application_connections()
        .update_default(
            "0oa1",
            ProvisioningConnectionTokenRequest::new("tok").base_url("https://scim.example/1"),
        )
        .activate(true)
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/connections/default",
        Some("activate=true"),
        Some(
            json!({"baseUrl": "https://scim.example/1", "profile": {"authScheme": "TOKEN", "token": "tok"}}),
        ),
    );
    Ok(())
}

#[tokio::test]
async fn update_default_provisioning_connection_oauth_activate_false() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &conn_body());
    mock.push_json(200, &conn_body());
    let okta = mock_client(&mock)?;
    let req = ProvisioningConnectionOauthRequest::new()
        .client_id("0oa2")
        .signing(Org2OrgProvisioningOAuthSigningSettings::new(
            ConnectionsSigningRotationMode::Auto,
        ));
    okta.application_connections()
        .update_default("0oa1", req)
        .activate(false)
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/connections/default",
        Some("activate=false"),
        Some(
            json!({"profile": {"authScheme": "OAUTH2", "clientId": "0oa2", "signing": {"rotationMode": "AUTO"}}}),
        ),
    );
    let o365 = ProvisioningConnectionOauthRequest::new()
        .settings(Office365ProvisioningSettings::new("admin", "pw"));
    okta.application_connections()
        .update_default("0oa1", o365)
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/connections/default",
        None,
        Some(
            json!({"profile": {"authScheme": "OAUTH2", "settings": {"adminUsername": "admin", "adminPassword": "pw"}}}),
        ),
    );
    Ok(())
}

#[tokio::test]
async fn assign_user_to_application() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &user_body());
    mock_client(&mock)?
        .application_users()
        .assign(
            "0oa1",
            AppUserAssignRequest::new("00u1")
                .scope(AppUserScope::User)
                .credentials(AppUserCredentials::user_name("saml@example.com"))
                .profile(json!({"role": "Developer", "salesforceGroups": ["Employee"]})),
        )
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/users",
        None,
        Some(json!({
            "id": "00u1",
            "scope": "USER",
            "credentials": {"userName": "saml@example.com"},
            "profile": {"role": "Developer", "salesforceGroups": ["Employee"]}
        })),
    );
    Ok(())
}

#[tokio::test]
async fn assign_with_an_invalid_profile_or_empty_id_sends_nothing() -> TestResult {
    let mock = MockTransport::new();
    let okta = mock_client(&mock)?;
    let err = okta
        .application_users()
        .assign(
            "0oa1",
            AppUserAssignRequest::new("00u1").profile(json!(["not", "an", "object"])),
        )
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("JSON object"), "{err}");
    let err = okta
        .application_users()
        .assign("0oa1", AppUserAssignRequest::new(" "))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("id"), "{err}");
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[tokio::test]
async fn get_application_user_with_expand() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &user_body());
    mock_client(&mock)?
        .application_users()
        .get("0oa1", "google|a/b@c")
        .expand("user")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "GET",
        "/api/v1/apps/0oa1/users/google%7Ca%2Fb%40c",
        Some("expand=user"),
        None,
    );
    Ok(())
}

#[tokio::test]
async fn list_application_users_with_every_parameter() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([user_body()]));
    let users = mock_client(&mock)?
        .application_users()
        .list("0oa1")
        .q("sam j")
        .query_scope("USER")
        .after("cur+1")
        .limit(500)
        .filter("status eq \"ACTIVE\"")
        .expand("user")
        .send()
        .await?;
    assert_eq!(users.len(), 1);
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "GET",
        "/api/v1/apps/0oa1/users",
        Some(
            "after=cur%2B1&limit=500&q=sam+j&expand=user&query_scope=USER&filter=status+eq+%22ACTIVE%22",
        ),
        None,
    );
    Ok(())
}

#[tokio::test]
async fn list_application_users_limit_out_of_range_is_invalid_input() -> TestResult {
    let mock = MockTransport::new();
    let okta = mock_client(&mock)?;
    for bad in [0, 501] {
        let err = okta
            .application_users()
            .list("0oa1")
            .limit(bad)
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(
            err.to_string().contains("limit must be between 1 and 500"),
            "{err}"
        );
    }
    let err = okta
        .application_users()
        .list("")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("appId"), "{err}");
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[tokio::test]
async fn unassign_user_from_application() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    mock.push(204, &[], "");
    let okta = mock_client(&mock)?;
    okta.application_users()
        .unassign("0oa1", "00u 1")
        .send_email(true)
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "DELETE",
        "/api/v1/apps/0oa1/users/00u%201",
        Some("sendEmail=true"),
        None,
    );
    okta.application_users()
        .unassign("0oa1", "00u1")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(&r, "DELETE", "/api/v1/apps/0oa1/users/00u1", None, None);
    Ok(())
}

#[tokio::test]
async fn update_application_user_credentials_and_profile() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &user_body());
    mock.push_json(200, &user_body());
    let okta = mock_client(&mock)?;
    let creds = AppUserCredentials::user_name("rae@example.com").with_password("p@ss");
    okta.application_users()
        .update("0oa1", "00u1", AppUserUpdateRequest::credentials(creds))
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/users/00u1",
        None,
        Some(
            json!({"credentials": {"userName": "rae@example.com", "password": {"value": "p@ss"}}}),
        ),
    );
    okta.application_users()
        .update(
            "0oa1",
            "00u1",
            AppUserUpdateRequest::profile(json!({"middle_name": "Mae", "x": null})),
        )
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/apps/0oa1/users/00u1",
        None,
        Some(json!({"profile": {"middle_name": "Mae", "x": null}})),
    );
    Ok(())
}

#[tokio::test]
async fn create_hook_key() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &key_body());
    mock_client(&mock)?
        .hook_keys()
        .create(KeyRequest::new("My new key"))
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "POST",
        "/api/v1/hook-keys",
        None,
        Some(json!({"name": "My new key"})),
    );
    Ok(())
}

#[tokio::test]
async fn delete_hook_key() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    mock_client(&mock)?
        .hook_keys()
        .delete("HKY/1")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(&r, "DELETE", "/api/v1/hook-keys/HKY%2F1", None, None);
    Ok(())
}

#[tokio::test]
async fn get_hook_key_plain_and_expanded() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &key_body());
    mock.push_json(200, &key_body());
    let okta = mock_client(&mock)?;
    okta.hook_keys().get("HKY1").send().await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(&r, "GET", "/api/v1/hook-keys/HKY1", None, None);
    okta.hook_keys()
        .get("HKY1")
        .expand("publickey")
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "GET",
        "/api/v1/hook-keys/HKY1",
        Some("expand=publickey"),
        None,
    );
    Ok(())
}

#[tokio::test]
async fn get_public_key() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"kty": "RSA", "kid": "k 1"}));
    let key = mock_client(&mock)?
        .hook_keys()
        .get_public_key("k 1")
        .send()
        .await?;
    assert_eq!(key.kid.as_deref(), Some("k 1"));
    let r = mock.last_request().ok_or("no request")?;
    assert_request(&r, "GET", "/api/v1/hook-keys/public/k%201", None, None);
    Ok(())
}

#[tokio::test]
async fn list_hook_keys() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([key_body(), key_body()]));
    let keys = mock_client(&mock)?.hook_keys().list().send().await?;
    assert_eq!(keys.len(), 2);
    let r = mock.last_request().ok_or("no request")?;
    assert_request(&r, "GET", "/api/v1/hook-keys", None, None);
    Ok(())
}

#[tokio::test]
async fn replace_hook_key() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &key_body());
    mock_client(&mock)?
        .hook_keys()
        .replace("HKY1", KeyRequest::new("renamed"))
        .send()
        .await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_request(
        &r,
        "PUT",
        "/api/v1/hook-keys/HKY1",
        None,
        Some(json!({"name": "renamed"})),
    );
    Ok(())
}

#[tokio::test]
async fn empty_or_dot_ids_are_refused_before_sending() -> TestResult {
    let mock = MockTransport::new();
    let okta = mock_client(&mock)?;
    let errs = [
        okta.hook_keys().delete("").send().await.err(),
        okta.hook_keys().get("..").send().await.err(),
        okta.application_users().get("0oa1", "").send().await.err(),
    ];
    for err in errs {
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
    }
    assert_eq!(mock.request_count(), 0);
    Ok(())
}
