//! Spec conformance: the operation table equals the spec subset, and every example of the spec
//! decodes into its type (loaded from `shared/specs` at test time; skipped loudly when missing).

use idp_okta::Operation;
use idp_okta::models::{
    self, AppUserAssignRequest, AppUserUpdateRequest, ProvisioningConnectionRequest,
};
use idp_okta::ops::*;
use idp_test_support::{load_spec, resolve_ref, spec_operations};
use serde_json::Value;

const SPEC: &str = "okta-management-subset.yaml";

fn spec() -> Option<Value> {
    load_spec(env!("CARGO_MANIFEST_DIR"), SPEC)
}

fn operation<'a>(spec: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &spec["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not in the spec");
    op
}

/// Every example of a response of an operation: `(name, value)`.
fn response_examples(spec: &Value, path: &str, method: &str, status: &str) -> Vec<(String, Value)> {
    let response = resolve_ref(spec, &operation(spec, path, method)["responses"][status]);
    examples_of(spec, &response["content"]["application/json"])
}

fn request_examples(spec: &Value, path: &str, method: &str) -> Vec<(String, Value)> {
    let body = &operation(spec, path, method)["requestBody"]["content"]["application/json"];
    examples_of(spec, body)
}

fn examples_of(spec: &Value, media: &Value) -> Vec<(String, Value)> {
    media["examples"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(name, ex)| (name.clone(), resolve_ref(spec, ex)["value"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Decodes every 200 example of an operation into its `Output`; returns them for more checks.
fn decode_200<O: Operation>(spec: &Value, path: &str, method: &str) -> Vec<O::Output> {
    let examples = response_examples(spec, path, method, "200");
    assert!(!examples.is_empty(), "{} has no 200 example", O::ID);
    examples
        .into_iter()
        .map(|(name, value)| {
            let bytes = serde_json::to_vec(&value).unwrap_or_default();
            O::decode(&bytes).unwrap_or_else(|e| panic!("{} example {name}: {e}", O::ID))
        })
        .collect()
}

/// For 204 operations: the spec answers 204 without a body, and `()` decodes from an empty body.
fn check_204<O: Operation<Output = ()>>(spec: &Value, path: &str, method: &str) {
    let ok = &operation(spec, path, method)["responses"]["204"];
    assert!(ok.is_object(), "{} has no 204 response", O::ID);
    assert!(
        ok["content"]["application/json"].is_null(),
        "{} 204 declares a body",
        O::ID
    );
    assert!(O::decode(b"").is_ok());
}

/// Every error example of an operation decodes into the Okta error model with a code.
fn check_errors(spec: &Value, path: &str, method: &str) {
    let Some(responses) = operation(spec, path, method)["responses"].as_object() else {
        panic!("no responses");
    };
    for (status, _) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
        for (name, value) in response_examples(spec, path, method, status) {
            let err: models::Error =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{status} {name}: {e}"));
            assert!(err.error_code.is_some(), "{status} {name}");
        }
    }
}

#[test]
fn operation_table_matches_the_spec_exactly() {
    let Some(spec) = spec() else { return };
    let want = spec_operations(&spec);
    let mut have: Vec<(String, String, String)> = idp_okta::OPERATIONS
        .iter()
        .map(|o| {
            (
                o.method.as_str().to_owned(),
                o.path.to_owned(),
                o.id.to_owned(),
            )
        })
        .collect();
    have.sort();
    assert_eq!(have, want);
    assert_eq!(have.len(), 15);
}

#[test]
fn operation_ids_are_the_table_ids() {
    let ids = [
        ActivateDefaultProvisioningConnectionForApplication::ID,
        DeactivateDefaultProvisioningConnectionForApplication::ID,
        GetDefaultProvisioningConnectionForApplication::ID,
        UpdateDefaultProvisioningConnectionForApplication::ID,
        <AssignUserToApplication>::ID,
        GetApplicationUser::ID,
        ListApplicationUsers::ID,
        UnassignUserFromApplication::ID,
        <UpdateApplicationUser>::ID,
        CreateHookKey::ID,
        DeleteHookKey::ID,
        GetHookKey::ID,
        GetPublicKey::ID,
        ListHookKeys::ID,
        ReplaceHookKey::ID,
    ];
    let mut table: Vec<&str> = idp_okta::OPERATIONS.iter().map(|o| o.id).collect();
    let mut ids = ids.to_vec();
    table.sort_unstable();
    ids.sort_unstable();
    assert_eq!(ids, table);
}

const CONN: &str = "/api/v1/apps/{appId}/connections/default";
const USERS: &str = "/api/v1/apps/{appId}/users";
const USER: &str = "/api/v1/apps/{appId}/users/{userId}";
const KEYS: &str = "/api/v1/hook-keys";
const KEY: &str = "/api/v1/hook-keys/{id}";

#[test]
fn decode_activate_default_provisioning_connection() {
    let Some(spec) = spec() else { return };
    let path = "/api/v1/apps/{appId}/connections/default/lifecycle/activate";
    check_204::<ActivateDefaultProvisioningConnectionForApplication>(&spec, path, "post");
    check_errors(&spec, path, "post");
}

#[test]
fn decode_deactivate_default_provisioning_connection() {
    let Some(spec) = spec() else { return };
    let path = "/api/v1/apps/{appId}/connections/default/lifecycle/deactivate";
    check_204::<DeactivateDefaultProvisioningConnectionForApplication>(&spec, path, "post");
    check_errors(&spec, path, "post");
}

#[test]
fn decode_get_default_provisioning_connection() {
    let Some(spec) = spec() else { return };
    let conns = decode_200::<GetDefaultProvisioningConnectionForApplication>(&spec, CONN, "get");
    assert_eq!(conns.len(), 3);
    assert!(
        conns
            .iter()
            .all(|c| c.status == models::ProvisioningConnectionStatus::Enabled)
    );
    let o365 = conns
        .iter()
        .find(|c| c.links.as_ref().is_some_and(|l| l.authorize.is_some()))
        .expect("the O365 example has an authorize link");
    let authorize = o365
        .links
        .as_ref()
        .and_then(|l| l.authorize.as_ref())
        .expect("authorize");
    assert!(
        authorize.extra.contains_key("guidance"),
        "guidance beside hints is kept"
    );
    check_errors(&spec, CONN, "get");
}

#[test]
fn decode_update_default_provisioning_connection() {
    let Some(spec) = spec() else { return };
    let conns =
        decode_200::<UpdateDefaultProvisioningConnectionForApplication>(&spec, CONN, "post");
    assert_eq!(conns.len(), 4);
    let oauth = conns
        .iter()
        .find(|c| c.signing().is_some())
        .expect("the Org2Org OAuth example");
    assert_eq!(
        oauth.auth_scheme,
        Some(models::ProvisioningConnectionAuthScheme::Oauth2)
    );
    assert_eq!(
        oauth.profile.as_ref().and_then(|p| p.extra.get("clientId")),
        Some(&Value::from("0oa2wmzEtqh49C1Sr0g4"))
    );
    check_errors(&spec, CONN, "post");
    // Request examples decode into the body type and re-encode unchanged.
    let examples = request_examples(&spec, CONN, "post");
    assert_eq!(examples.len(), 4);
    for (name, value) in examples {
        let req: ProvisioningConnectionRequest =
            serde_json::from_value(value.clone()).expect(&name);
        assert_eq!(serde_json::to_value(&req).ok(), Some(value), "{name}");
    }
}

#[test]
fn decode_assign_user_to_application() {
    let Some(spec) = spec() else { return };
    let users = decode_200::<AssignUserToApplication>(&spec, USERS, "post");
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|u| u.id.is_some() && u.links.is_some()));
    check_errors(&spec, USERS, "post");
    for (name, value) in request_examples(&spec, USERS, "post") {
        let req: AppUserAssignRequest = serde_json::from_value(value.clone()).expect(&name);
        assert_eq!(serde_json::to_value(&req).ok(), Some(value), "{name}");
    }
}

#[test]
fn decode_get_application_user() {
    let Some(spec) = spec() else { return };
    let users = decode_200::<GetApplicationUser>(&spec, USER, "get");
    let user = &users[0];
    assert_eq!(user.status, Some(models::AppUserStatus::Provisioned));
    assert_eq!(
        user.sync_state,
        Some(models::AppUserSyncState::Synchronized)
    );
    assert!(
        user.embedded_user().is_some(),
        "expand=user example embeds the user"
    );
    check_errors(&spec, USER, "get");
}

#[test]
fn decode_list_application_users() {
    let Some(spec) = spec() else { return };
    let pages = decode_200::<ListApplicationUsers>(&spec, USERS, "get");
    assert_eq!(pages[0].len(), 1);
    assert_eq!(
        pages[0][0].external_id.as_deref(),
        Some("00u5edt3PNbbjzvIABCD")
    );
    check_errors(&spec, USERS, "get");
}

#[test]
fn decode_unassign_user_from_application() {
    let Some(spec) = spec() else { return };
    check_204::<UnassignUserFromApplication>(&spec, USER, "delete");
    check_errors(&spec, USER, "delete");
}

#[test]
fn decode_update_application_user() {
    let Some(spec) = spec() else { return };
    let users = decode_200::<UpdateApplicationUser>(&spec, USER, "post");
    assert_eq!(users.len(), 2);
    // Okta's examples carry a typo key `credentials"`: kept as an unknown field, not an error.
    assert!(users.iter().all(|u| u.extra.contains_key("credentials\"")));
    check_errors(&spec, USER, "post");
    for (name, value) in request_examples(&spec, USER, "post") {
        let req: AppUserUpdateRequest = serde_json::from_value(value.clone()).expect(&name);
        assert_eq!(serde_json::to_value(&req).ok(), Some(value), "{name}");
    }
}

#[test]
fn decode_create_hook_key() {
    let Some(spec) = spec() else { return };
    let keys = decode_200::<CreateHookKey>(&spec, KEYS, "post");
    assert_eq!(keys[0].is_used, Some(false));
    let jwk = keys[0].embedded.as_ref().expect("_embedded");
    assert_eq!(jwk.use_.as_deref(), Some("null"));
    assert_eq!(jwk.e.as_deref(), Some("AQAB"));
    check_errors(&spec, KEYS, "post");
}

#[test]
fn decode_delete_hook_key() {
    let Some(spec) = spec() else { return };
    check_204::<DeleteHookKey>(&spec, KEY, "delete");
    check_errors(&spec, KEY, "delete");
}

#[test]
fn decode_get_hook_key() {
    let Some(spec) = spec() else { return };
    let keys = decode_200::<GetHookKey>(&spec, KEY, "get");
    assert_eq!(keys[0].id.as_deref(), Some("HKY1p7jWLndGQV9M60g4"));
    check_errors(&spec, KEY, "get");
}

#[test]
fn decode_get_public_key_wrapped_in_embedded() {
    let Some(spec) = spec() else { return };
    let path = "/api/v1/hook-keys/public/{keyId}";
    let keys = decode_200::<GetPublicKey>(&spec, path, "get");
    assert_eq!(
        keys[0].kid.as_deref(),
        Some("7fbc27fd-e3df-4522-86bf-1930110256ad")
    );
    assert_eq!(keys[0].kty.as_deref(), Some("RSA"));
    check_errors(&spec, path, "get");
}

#[test]
fn decode_list_hook_keys() {
    let Some(spec) = spec() else { return };
    let lists = decode_200::<ListHookKeys>(&spec, KEYS, "get");
    let used: Vec<Option<bool>> = lists[0].iter().map(|k| k.is_used).collect();
    assert_eq!(used, vec![Some(true), Some(false)]);
    check_errors(&spec, KEYS, "get");
}

#[test]
fn decode_replace_hook_key() {
    let Some(spec) = spec() else { return };
    let keys = decode_200::<ReplaceHookKey>(&spec, KEY, "put");
    assert_eq!(keys[0].name.as_deref(), Some("My updated new key"));
    check_errors(&spec, KEY, "put");
}

/// Every request body the SDK sends, as it goes on the wire, validates against the operation's
/// request schema (undeclared and read-only properties are errors too).
#[tokio::test]
async fn every_request_body_validates_against_its_spec_schema()
-> Result<(), Box<dyn std::error::Error>> {
    use idp_okta::models::{
        AppUserCredentials, AppUserScope, ConnectionsSigningRotationMode, KeyRequest,
        Office365ProvisioningSettings, Org2OrgProvisioningOAuthSigningSettings,
        ProvisioningConnectionOauthRequest, ProvisioningConnectionTokenRequest,
    };
    use idp_test_support::{MockTransport, validate_schema};
    let Some(spec) = spec() else { return Ok(()) };
    let mock = MockTransport::new();
    let okta = crate::common::mock_client(&mock)?;
    let mut profile = serde_json::Map::new();
    profile.insert("role".into(), serde_json::json!("Dev"));
    let calls: Vec<(&str, &str)> = vec![
        ("/api/v1/apps/{appId}/users", "post"),
        ("/api/v1/apps/{appId}/users", "post"),
        ("/api/v1/apps/{appId}/users/{userId}", "post"),
        ("/api/v1/apps/{appId}/users/{userId}", "post"),
        ("/api/v1/hook-keys", "post"),
        ("/api/v1/hook-keys/{id}", "put"),
        ("/api/v1/apps/{appId}/connections/default", "post"),
        ("/api/v1/apps/{appId}/connections/default", "post"),
        ("/api/v1/apps/{appId}/connections/default", "post"),
    ];
    for _ in &calls {
        mock.push_json(200, &serde_json::json!({}));
    }
    let users = okta.application_users();
    let _ = users
        .assign("0oa1", AppUserAssignRequest::new("00u1"))
        .send_as::<Value>()
        .await?;
    let _ = users
        .assign(
            "0oa1",
            AppUserAssignRequest::new("00u1")
                .scope(AppUserScope::User)
                .credentials(AppUserCredentials::user_name("rae@example.com").with_password("pw-1"))
                .profile(profile.clone()),
        )
        .send_as::<Value>()
        .await?;
    let _ = users
        .update("0oa1", "00u1", AppUserUpdateRequest::profile(profile))
        .send_as::<Value>()
        .await?;
    let _ = users
        .update(
            "0oa1",
            "00u1",
            AppUserUpdateRequest::credentials(AppUserCredentials::user_name("rae2@example.com")),
        )
        .send_as::<Value>()
        .await?;
    let _ = okta
        .hook_keys()
        .create(KeyRequest::new("k"))
        .send_as::<Value>()
        .await?;
    let _ = okta
        .hook_keys()
        .replace("hk1", KeyRequest::new("k2"))
        .send_as::<Value>()
        .await?;
    let connections = okta.application_connections();
    let _ = connections
        .update_default(
            "0oa1",
            ProvisioningConnectionTokenRequest::new("scim").base_url("https://scim.example.com"),
        )
        .send_as::<Value>()
        .await?;
    let _ = connections
        .update_default(
            "0oa1",
            ProvisioningConnectionOauthRequest::new()
                .client_id("cid")
                .settings(Office365ProvisioningSettings::new(
                    "admin@example.com",
                    "pw",
                )),
        )
        .send_as::<Value>()
        .await?;
    let _ = connections
        .update_default(
            "0oa1",
            ProvisioningConnectionOauthRequest::new()
                .client_id("cid")
                .signing(Org2OrgProvisioningOAuthSigningSettings::new(
                    ConnectionsSigningRotationMode::Auto,
                )),
        )
        .send_as::<Value>()
        .await?;
    let requests = mock.requests();
    assert_eq!(requests.len(), calls.len());
    for ((path, method), request) in calls.iter().zip(&requests) {
        let schema =
            &operation(&spec, path, method)["requestBody"]["content"]["application/json"]["schema"];
        let body = request.json();
        let errors = validate_schema(&spec, schema, &body);
        assert!(errors.is_empty(), "{method} {path}: {body}: {errors:?}");
    }
    // The validator does catch what it is for: a misspelt name, a missing required id, a
    // read-only field, a wrong enum value.
    let assign = &operation(&spec, "/api/v1/apps/{appId}/users", "post")["requestBody"]["content"]
        ["application/json"]["schema"];
    for bad in [
        serde_json::json!({"id": "00u1", "scop": "USER"}),
        serde_json::json!({"scope": "USER"}),
        serde_json::json!({"id": "00u1", "created": "2024-01-01T00:00:00.000Z"}),
        serde_json::json!({"id": "00u1", "scope": "EVERYONE"}),
    ] {
        assert!(
            !validate_schema(&spec, assign, &bad).is_empty(),
            "{bad} passed"
        );
    }
    Ok(())
}
