//! Every operation as a plain value: its method, path template, encoded path, query, body and
//! validation with no network; then sent with `client.execute(op)` (lists also with
//! `client.items(op)`) against the testkit's fake Okta.

use http::Method;
use idp_okta::models::{
    AppUser, AppUserAssignRequest, AppUserCredentials, AppUserScope, AppUserStatus,
    AppUserUpdateRequest, KeyRequest, ProvisioningConnectionOauthRequest,
    ProvisioningConnectionStatus, ProvisioningConnectionTokenRequest,
};
use idp_okta::ops::*;
use idp_okta::{Client, ErrorKind, Operation, RetryPolicy};
use idp_testkit::FakeOkta;
use serde::Serialize;
use serde_json::{Value, json};

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

/// The query as owned pairs, for comparisons.
fn query<O: Operation>(op: &O) -> Vec<(&'static str, String)> {
    op.query_pairs().pairs().to_vec()
}

fn pairs(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// The body's exact bytes, as text (its content type checked to be JSON).
fn body<O: Operation>(op: &O) -> Result<Option<String>, Box<dyn std::error::Error>> {
    match op.body()? {
        None => Ok(None),
        Some(b) => {
            assert_eq!(b.content_type(), "application/json");
            Ok(Some(String::from_utf8(b.bytes().to_vec())?))
        }
    }
}

/// Asserts an `InvalidInput` error whose message contains `needle`.
fn assert_invalid(err: Option<idp_okta::Error>, needle: &str) {
    let err = err.unwrap_or_else(|| panic!("expected an error mentioning {needle}"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains(needle), "{err}");
}

/// Configures the app's default connection with a token (so lifecycle calls apply).
async fn configure(client: &Client, app: &str) -> TestResult {
    client
        .execute(UpdateDefaultProvisioningConnectionForApplication::new(
            app,
            ProvisioningConnectionTokenRequest::new("scim-1"),
        ))
        .await?;
    Ok(())
}

#[tokio::test]
async fn activate_default_provisioning_connection() -> TestResult {
    type Op = ActivateDefaultProvisioningConnectionForApplication;
    assert_eq!(Op::METHOD, Method::POST);
    assert_eq!(
        Op::PATH,
        "/api/v1/apps/{appId}/connections/default/lifecycle/activate"
    );
    let op = Op::new("0oa 1");
    assert_eq!(op.app_id, "0oa 1");
    assert_eq!(
        op.path()?,
        "/api/v1/apps/0oa%201/connections/default/lifecycle/activate"
    );
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);
    assert!(op.idempotent(), "activating twice is activating once");
    assert_invalid(Op::new("").path().err(), "appId");

    let (okta, client) = fake().await?;
    let err = client.execute(Op::new("0oa1")).await.err();
    assert_eq!(
        err.as_ref().and_then(|e| e.status()).map(|s| s.as_u16()),
        Some(400),
        "an unconfigured connection cannot be activated: {err:?}"
    );
    configure(&client, "0oa1").await?;
    client.execute(Op::new("0oa1")).await?;
    let conn = client
        .execute(GetDefaultProvisioningConnectionForApplication::new("0oa1"))
        .await?;
    assert_eq!(conn.status, ProvisioningConnectionStatus::Enabled);
    assert_eq!(
        okta.requests().last().and_then(|r| r.operation),
        Some("getDefaultProvisioningConnectionForApplication")
    );
    Ok(())
}

#[tokio::test]
async fn deactivate_default_provisioning_connection() -> TestResult {
    type Op = DeactivateDefaultProvisioningConnectionForApplication;
    assert_eq!(Op::METHOD, Method::POST);
    assert_eq!(
        Op::PATH,
        "/api/v1/apps/{appId}/connections/default/lifecycle/deactivate"
    );
    let op = Op::new("0oa|1");
    assert_eq!(
        op.path()?,
        "/api/v1/apps/0oa%7C1/connections/default/lifecycle/deactivate"
    );
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);
    assert!(op.idempotent());

    let (_okta, client) = fake().await?;
    client
        .execute(
            UpdateDefaultProvisioningConnectionForApplication::new(
                "0oa1",
                ProvisioningConnectionTokenRequest::new("scim-1"),
            )
            .activate(true),
        )
        .await?;
    client.execute(Op::new("0oa1")).await?;
    let conn = client
        .execute(GetDefaultProvisioningConnectionForApplication::new("0oa1"))
        .await?;
    assert_eq!(conn.status, ProvisioningConnectionStatus::Disabled);
    Ok(())
}

#[tokio::test]
async fn get_default_provisioning_connection() -> TestResult {
    type Op = GetDefaultProvisioningConnectionForApplication;
    assert_eq!(Op::METHOD, Method::GET);
    assert_eq!(Op::PATH, "/api/v1/apps/{appId}/connections/default");
    let op = Op::new("0oa/1");
    assert_eq!(op.path()?, "/api/v1/apps/0oa%2F1/connections/default");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);

    let (_okta, client) = fake().await?;
    let fresh = client.execute(Op::new("0oa1")).await?;
    assert_eq!(fresh.status, ProvisioningConnectionStatus::Disabled);
    assert_eq!(
        fresh.auth_scheme().map(|s| s.as_str()).unwrap_or_default(),
        "UNKNOWN"
    );
    configure(&client, "0oa1").await?;
    let conn = client.execute(Op::new("0oa1")).await?;
    assert_eq!(
        conn.auth_scheme().map(|s| s.as_str()).unwrap_or_default(),
        "TOKEN"
    );
    assert!(
        !conn
            .profile
            .as_ref()
            .is_some_and(|p| p.extra.contains_key("token")),
        "the token is never returned"
    );
    Ok(())
}

#[tokio::test]
async fn update_default_provisioning_connection() -> TestResult {
    type Op = UpdateDefaultProvisioningConnectionForApplication;
    assert_eq!(Op::METHOD, Method::POST);
    assert_eq!(Op::PATH, "/api/v1/apps/{appId}/connections/default");
    let op = Op::new(
        "0oa1",
        ProvisioningConnectionTokenRequest::new("scim-token").base_url("https://scim.example/v2"),
    )
    .activate(true);
    assert_eq!(op.activate, Some(true));
    assert_eq!(op.path()?, "/api/v1/apps/0oa1/connections/default");
    assert_eq!(query(&op), pairs(&[("activate", "true")]));
    assert_eq!(
        body(&op)?.as_deref(),
        Some(
            r#"{"baseUrl":"https://scim.example/v2","profile":{"authScheme":"TOKEN","token":"scim-token"}}"#
        )
    );
    let oauth = Op::new(
        "0oa1",
        ProvisioningConnectionOauthRequest::new().client_id("0oa2"),
    );
    assert!(query(&oauth).is_empty());
    assert_eq!(
        body(&oauth)?.as_deref(),
        Some(r#"{"profile":{"authScheme":"OAUTH2","clientId":"0oa2"}}"#)
    );

    let (okta, client) = fake().await?;
    let conn = client.execute(op).await?;
    assert_eq!(conn.status, ProvisioningConnectionStatus::Enabled);
    assert_eq!(conn.base_url.as_deref(), Some("https://scim.example/v2"));
    assert_eq!(
        okta.provisioning_token("0oa1").as_deref(),
        Some("scim-token")
    );
    let conn = client.execute(oauth).await?;
    assert_eq!(
        conn.auth_scheme().map(|s| s.as_str()).unwrap_or_default(),
        "OAUTH2"
    );
    assert_eq!(
        conn.status,
        ProvisioningConnectionStatus::Enabled,
        "no `activate`: the state is kept"
    );
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
struct RoleProfile {
    role: &'static str,
}

#[tokio::test]
async fn assign_user_to_application() -> TestResult {
    assert_eq!(<AssignUserToApplication>::METHOD, Method::POST);
    assert_eq!(
        <AssignUserToApplication>::PATH,
        "/api/v1/apps/{appId}/users"
    );
    let op = AssignUserToApplication::new(
        "0oa1",
        AppUserAssignRequest::new("00u1")
            .scope(AppUserScope::User)
            .credentials(AppUserCredentials::user_name("rae@example.com"))
            .profile(json!({"role": "Dev"})),
    );
    assert_eq!(op.body.id, "00u1");
    assert_eq!(op.path()?, "/api/v1/apps/0oa1/users");
    assert!(query(&op).is_empty());
    assert_eq!(
        body(&op)?.as_deref(),
        Some(
            r#"{"id":"00u1","scope":"USER","credentials":{"userName":"rae@example.com"},"profile":{"role":"Dev"}}"#
        )
    );
    op.validate()?;
    // A custom profile type; the default (map) profile type without a profile.
    let typed = AssignUserToApplication::new(
        "0oa1",
        AppUserAssignRequest::new("00u2").profile(RoleProfile { role: "Lead" }),
    );
    assert_eq!(
        body(&typed)?.as_deref(),
        Some(r#"{"id":"00u2","profile":{"role":"Lead"}}"#)
    );
    let bare = AssignUserToApplication::new("0oa1", AppUserAssignRequest::new("00u3"));
    assert_eq!(body(&bare)?.as_deref(), Some(r#"{"id":"00u3"}"#));
    let null_profile = AssignUserToApplication::new(
        "0oa1",
        AppUserAssignRequest::new("00u3").profile(Value::Null),
    );
    assert_eq!(body(&null_profile)?.as_deref(), Some(r#"{"id":"00u3"}"#));
    // What is wrong is found before sending: an empty id, a profile that is not an object.
    let blank = AssignUserToApplication::new("0oa1", AppUserAssignRequest::new(" "));
    assert_invalid(blank.validate().err(), "id");
    let list_profile = AssignUserToApplication::new(
        "0oa1",
        AppUserAssignRequest::new("00u1").profile(json!([1])),
    );
    list_profile.validate()?;
    assert_invalid(list_profile.body().err(), "JSON object");

    let (okta, client) = fake().await?;
    okta.add_users(["00u1", "00u2"]);
    let user = client.execute(op).await?;
    assert_eq!(user.id(), Some("00u1"));
    assert_eq!(user.scope, Some(AppUserScope::User));
    assert_eq!(
        user.profile.as_ref().and_then(|p| p.get("role")),
        Some(&json!("Dev"))
    );
    assert!(okta.app_user("0oa1", "00u1").is_some());
    let typed = client.execute(typed).await?;
    assert_eq!(
        typed.profile.and_then(|p| p.get("role").cloned()),
        Some(json!("Lead"))
    );
    let before = okta.requests().len();
    assert_invalid(client.execute(blank).await.err(), "id");
    assert_invalid(client.execute(list_profile).await.err(), "JSON object");
    assert_eq!(okta.requests().len(), before, "nothing was sent");
    Ok(())
}

#[tokio::test]
async fn get_application_user() -> TestResult {
    assert_eq!(GetApplicationUser::METHOD, Method::GET);
    assert_eq!(
        GetApplicationUser::PATH,
        "/api/v1/apps/{appId}/users/{userId}"
    );
    let op = GetApplicationUser::new("0oa1", "google|a/b@c").expand("user");
    assert_eq!(op.expand.as_deref(), Some("user"));
    assert_eq!(op.path()?, "/api/v1/apps/0oa1/users/google%7Ca%2Fb%40c");
    assert_eq!(query(&op), pairs(&[("expand", "user")]));
    assert_eq!(body(&op)?, None);
    assert!(query(&GetApplicationUser::new("0oa1", "00u1")).is_empty());
    assert_invalid(GetApplicationUser::new("0oa1", "").path().err(), "userId");

    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oa1", 1);
    let user = client
        .execute(GetApplicationUser::new("0oa1", &ids[0]).expand("user"))
        .await?;
    assert_eq!(user.id(), Some(ids[0].as_str()));
    assert!(
        user.embedded_user().is_some(),
        "expand=user embeds the user"
    );
    let plain = client
        .execute(GetApplicationUser::new("0oa1", &ids[0]))
        .await?;
    assert!(plain.embedded_user().is_none());
    let missing = client
        .execute(GetApplicationUser::new("0oa1", "00unone"))
        .await
        .err();
    assert!(missing.is_some_and(|e| e.is_not_found()));
    Ok(())
}

#[tokio::test]
async fn list_application_users() -> TestResult {
    assert_eq!(ListApplicationUsers::METHOD, Method::GET);
    assert_eq!(ListApplicationUsers::PATH, "/api/v1/apps/{appId}/users");
    let op = ListApplicationUsers::new("0oa1")
        .q("sam j")
        .query_scope("USER")
        .after("cur+1")
        .limit(500)
        .filter("status eq \"ACTIVE\"")
        .expand("user");
    assert_eq!(op.limit, Some(500));
    assert_eq!(op.path()?, "/api/v1/apps/0oa1/users");
    assert_eq!(
        query(&op),
        pairs(&[
            ("after", "cur+1"),
            ("limit", "500"),
            ("q", "sam j"),
            ("expand", "user"),
            ("query_scope", "USER"),
            ("filter", "status eq \"ACTIVE\""),
        ])
    );
    assert_eq!(body(&op)?, None);
    op.validate()?;
    for bad in [0, 501] {
        let err = ListApplicationUsers::new("0oa1")
            .limit(bad)
            .validate()
            .err();
        assert_invalid(err, "limit must be between 1 and 500");
    }
    ListApplicationUsers::new("0oa1").limit(1).validate()?;

    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oa1", 5);
    let page = client
        .execute(ListApplicationUsers::new("0oa1").limit(2))
        .await?;
    let page_ids: Vec<&str> = page.iter().filter_map(AppUser::id).collect();
    assert_eq!(page_ids, [ids[0].as_str(), ids[1].as_str()]);
    let all = client
        .items(ListApplicationUsers::new("0oa1").limit(2))
        .collect_all()
        .await?;
    let all_ids: Vec<String> = all
        .iter()
        .filter_map(|u| u.id().map(str::to_owned))
        .collect();
    assert_eq!(all_ids, ids);
    assert_eq!(
        okta.requests()
            .iter()
            .filter(|r| r.operation == Some("listApplicationUsers"))
            .count(),
        4,
        "one page, then three pages of at most two"
    );
    let rest = client
        .execute(ListApplicationUsers::new("0oa1").after(&ids[3]))
        .await?;
    assert_eq!(
        rest.iter().filter_map(AppUser::id).collect::<Vec<_>>(),
        [ids[4].as_str()]
    );
    let before = okta.requests().len();
    let err = client
        .execute(ListApplicationUsers::new("0oa1").limit(0))
        .await
        .err();
    assert_invalid(err, "limit must be between 1 and 500");
    assert_eq!(okta.requests().len(), before, "nothing was sent");
    Ok(())
}

#[tokio::test]
async fn unassign_user_from_application() -> TestResult {
    assert_eq!(UnassignUserFromApplication::METHOD, Method::DELETE);
    assert_eq!(
        UnassignUserFromApplication::PATH,
        "/api/v1/apps/{appId}/users/{userId}"
    );
    let op = UnassignUserFromApplication::new("0oa1", "00u 1").send_email(true);
    assert_eq!(op.send_email, Some(true));
    assert_eq!(op.path()?, "/api/v1/apps/0oa1/users/00u%201");
    assert_eq!(query(&op), pairs(&[("sendEmail", "true")]));
    assert_eq!(body(&op)?, None);
    assert!(query(&UnassignUserFromApplication::new("0oa1", "00u1")).is_empty());

    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oa1", 2);
    client
        .execute(UnassignUserFromApplication::new("0oa1", &ids[0]).send_email(false))
        .await?;
    assert!(okta.app_user("0oa1", &ids[0]).is_none());
    assert!(okta.app_user("0oa1", &ids[1]).is_some());
    let again = client
        .execute(UnassignUserFromApplication::new("0oa1", &ids[0]))
        .await
        .err();
    assert!(again.is_some_and(|e| e.is_not_found()));
    Ok(())
}

#[tokio::test]
async fn update_application_user() -> TestResult {
    assert_eq!(<UpdateApplicationUser>::METHOD, Method::POST);
    assert_eq!(
        <UpdateApplicationUser>::PATH,
        "/api/v1/apps/{appId}/users/{userId}"
    );
    let profile = UpdateApplicationUser::new(
        "0oa1",
        "00u1",
        AppUserUpdateRequest::profile(json!({"role": "Lead"})),
    );
    assert_eq!(profile.path()?, "/api/v1/apps/0oa1/users/00u1");
    assert!(query(&profile).is_empty());
    assert_eq!(
        body(&profile)?.as_deref(),
        Some(r#"{"profile":{"role":"Lead"}}"#)
    );
    let credentials = UpdateApplicationUser::new(
        "0oa1",
        "00u1",
        AppUserUpdateRequest::credentials(
            AppUserCredentials::user_name("rae@example.com").with_password("p@ss"),
        ),
    );
    assert_eq!(
        body(&credentials)?.as_deref(),
        Some(r#"{"credentials":{"userName":"rae@example.com","password":{"value":"p@ss"}}}"#)
    );
    let both = UpdateApplicationUser::new(
        "0oa1",
        "00u1",
        AppUserUpdateRequest::credentials(AppUserCredentials::user_name("b@example.com"))
            .with_profile(RoleProfile { role: "Ops" }),
    );
    assert_eq!(
        body(&both)?.as_deref(),
        Some(r#"{"credentials":{"userName":"b@example.com"},"profile":{"role":"Ops"}}"#)
    );
    let bad = UpdateApplicationUser::new("0oa1", "00u1", AppUserUpdateRequest::profile("text"));
    assert_invalid(bad.body().err(), "JSON object");

    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oa1", 1);
    let updated = client
        .execute(UpdateApplicationUser::new(
            "0oa1",
            &ids[0],
            AppUserUpdateRequest::profile(json!({"role": "Lead"})),
        ))
        .await?;
    assert_eq!(updated.id(), Some(ids[0].as_str()));
    assert_eq!(
        updated.profile,
        json!({"role": "Lead"}).as_object().cloned()
    );
    let updated = client
        .execute(UpdateApplicationUser::new(
            "0oa1",
            &ids[0],
            AppUserUpdateRequest::credentials(AppUserCredentials::user_name("rae@example.com")),
        ))
        .await?;
    assert_eq!(
        updated.credentials.and_then(|c| c.user_name).as_deref(),
        Some("rae@example.com")
    );
    // Seed parity: a whole AppUser, of which the credentials and profile are sent.
    let mut user = client
        .execute(GetApplicationUser::new("0oa1", &ids[0]))
        .await?;
    // An app without provisioning: the assignment is SSO-only, ACTIVE.
    assert_eq!(user.status, Some(AppUserStatus::Active));
    if let Some(p) = user.profile.as_mut() {
        p.insert("role".into(), json!("Owner"));
    }
    let updated = client
        .execute(UpdateApplicationUser::new("0oa1", &ids[0], user))
        .await?;
    assert_eq!(
        updated.profile.and_then(|p| p.get("role").cloned()),
        Some(json!("Owner"))
    );
    let stored = okta.app_user("0oa1", &ids[0]).ok_or("stored user")?;
    assert_eq!(stored["profile"]["role"], "Owner");
    Ok(())
}

#[tokio::test]
async fn create_hook_key() -> TestResult {
    assert_eq!(CreateHookKey::METHOD, Method::POST);
    assert_eq!(CreateHookKey::PATH, "/api/v1/hook-keys");
    let op = CreateHookKey::new(KeyRequest::new("My new key"));
    assert_eq!(op.body.name.as_deref(), Some("My new key"));
    assert_eq!(op.path()?, "/api/v1/hook-keys");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?.as_deref(), Some(r#"{"name":"My new key"}"#));

    let (okta, client) = fake().await?;
    let key = client.execute(op).await?;
    assert!(key.id().is_some_and(|id| !id.is_empty()));
    assert!(key.key_id().is_some_and(|id| !id.is_empty()));
    assert_eq!(key.name.as_deref(), Some("My new key"));
    assert_eq!(
        key.embedded.as_ref().and_then(|e| e.id()),
        key.key_id(),
        "the public key comes with it"
    );
    assert_eq!(okta.hook_keys().len(), 1);
    let dup = client
        .execute(CreateHookKey::new(KeyRequest::new("My new key")))
        .await
        .err();
    assert_eq!(dup.and_then(|e| e.status()).map(|s| s.as_u16()), Some(400));
    Ok(())
}

/// Creates a key on the fake and returns its `(id, keyId)`.
async fn new_key(
    client: &Client,
    name: &str,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let key = client
        .execute(CreateHookKey::new(KeyRequest::new(name)))
        .await?;
    let id = key.id().ok_or("no id")?.to_owned();
    let key_id = key.key_id().ok_or("no keyId")?.to_owned();
    Ok((id, key_id))
}

#[tokio::test]
async fn delete_hook_key() -> TestResult {
    assert_eq!(DeleteHookKey::METHOD, Method::DELETE);
    assert_eq!(DeleteHookKey::PATH, "/api/v1/hook-keys/{id}");
    let op = DeleteHookKey::new("HKY/1");
    assert_eq!(op.id, "HKY/1");
    assert_eq!(op.path()?, "/api/v1/hook-keys/HKY%2F1");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);
    assert_invalid(DeleteHookKey::new("").path().err(), "id");
    assert!(DeleteHookKey::new("..").path().is_err());

    let (okta, client) = fake().await?;
    let (id, _) = new_key(&client, "k").await?;
    client.execute(DeleteHookKey::new(&id)).await?;
    assert!(okta.hook_keys().is_empty());
    let again = client.execute(DeleteHookKey::new(&id)).await.err();
    assert!(again.is_some_and(|e| e.is_not_found()));
    Ok(())
}

#[tokio::test]
async fn get_hook_key() -> TestResult {
    assert_eq!(GetHookKey::METHOD, Method::GET);
    assert_eq!(GetHookKey::PATH, "/api/v1/hook-keys/{id}");
    let op = GetHookKey::new("HKY1").expand("publickey");
    assert_eq!(op.expand.as_deref(), Some("publickey"));
    assert_eq!(op.path()?, "/api/v1/hook-keys/HKY1");
    assert_eq!(query(&op), pairs(&[("expand", "publickey")]));
    assert_eq!(body(&op)?, None);
    assert!(query(&GetHookKey::new("HKY1")).is_empty());

    let (_okta, client) = fake().await?;
    let (id, key_id) = new_key(&client, "k").await?;
    let key = client.execute(GetHookKey::new(&id)).await?;
    assert_eq!(key.id(), Some(id.as_str()));
    assert_eq!(key.key_id(), Some(key_id.as_str()));
    assert_eq!(key.is_used, Some(false));
    let missing = client.execute(GetHookKey::new("HKYnone")).await.err();
    assert!(missing.is_some_and(|e| e.is_not_found()));
    Ok(())
}

#[tokio::test]
async fn get_public_key() -> TestResult {
    assert_eq!(GetPublicKey::METHOD, Method::GET);
    assert_eq!(GetPublicKey::PATH, "/api/v1/hook-keys/public/{keyId}");
    let op = GetPublicKey::new("k 1");
    assert_eq!(op.key_id, "k 1");
    assert_eq!(op.path()?, "/api/v1/hook-keys/public/k%201");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);

    let (_okta, client) = fake().await?;
    let (_, key_id) = new_key(&client, "k").await?;
    let public = client.execute(GetPublicKey::new(&key_id)).await?;
    assert_eq!(public.id(), Some(key_id.as_str()));
    assert_eq!(public.kty.as_deref(), Some("RSA"));
    Ok(())
}

#[tokio::test]
async fn list_hook_keys() -> TestResult {
    assert_eq!(ListHookKeys::METHOD, Method::GET);
    assert_eq!(ListHookKeys::PATH, "/api/v1/hook-keys");
    let op = ListHookKeys::new();
    assert_eq!(op, ListHookKeys::default());
    assert_eq!(op.path()?, "/api/v1/hook-keys");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, None);

    let (_okta, client) = fake().await?;
    assert!(client.execute(ListHookKeys::new()).await?.is_empty());
    let (a, _) = new_key(&client, "a").await?;
    let (b, _) = new_key(&client, "b").await?;
    let keys = client.execute(op).await?;
    let ids: Vec<&str> = keys.iter().filter_map(|k| k.id()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    Ok(())
}

#[tokio::test]
async fn replace_hook_key() -> TestResult {
    assert_eq!(ReplaceHookKey::METHOD, Method::PUT);
    assert_eq!(ReplaceHookKey::PATH, "/api/v1/hook-keys/{id}");
    let op = ReplaceHookKey::new("HKY1", KeyRequest::new("renamed"));
    assert_eq!(op.id, "HKY1");
    assert_eq!(op.path()?, "/api/v1/hook-keys/HKY1");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?.as_deref(), Some(r#"{"name":"renamed"}"#));
    assert!(op.idempotent());

    let (okta, client) = fake().await?;
    let (id, key_id) = new_key(&client, "before").await?;
    let key = client
        .execute(ReplaceHookKey::new(&id, KeyRequest::new("after")))
        .await?;
    assert_eq!(key.id(), Some(id.as_str()));
    assert_eq!(key.key_id(), Some(key_id.as_str()));
    assert_eq!(key.name.as_deref(), Some("after"));
    assert_eq!(okta.hook_keys()[0]["name"], "after");
    Ok(())
}

#[test]
fn the_operation_table_is_derived_from_the_operations() {
    let rows: Vec<(&str, &str, &str)> = idp_okta::OPERATIONS
        .iter()
        .map(|o| (o.id, o.method.as_str(), o.path))
        .collect();
    assert_eq!(rows.len(), 15);
    assert!(rows.contains(&(
        GetApplicationUser::ID,
        GetApplicationUser::METHOD.as_str(),
        GetApplicationUser::PATH
    )));
    assert!(rows.contains(&(
        "assignUserToApplication",
        "POST",
        "/api/v1/apps/{appId}/users"
    )));
}
