//! Issue 15: the fakes refuse what the services refuse, with each service's own validation
//! error body. One test per divergence the issue lists; each sends one bad body to the fake,
//! expects the provider's error, then checks that nothing was stored.

use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta};
use serde_json::{Value, json};

use crate::{TestResult, http, json};

// ---------------------------------------------------------------------------------------------
// Authress: `400 {"errorCode": "InvalidRequest", "title": "InvalidRequest: <Ajv errors>."}`.

/// POSTs `body` as a connection; the status and body of the answer.
async fn authress_create(
    fake: &FakeAuthress,
    body: &Value,
) -> Result<(u16, Value), reqwest::Error> {
    json(
        http()
            .post(format!("{}/v1/connections", fake.base_url()))
            .header("authorization", crate::authress::bearer(fake))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?,
    )
    .await
}

/// A valid connection with `patch` merged in at the top level.
fn authress_connection(patch: Value) -> Value {
    let mut c = json!({
        "connectionId": "con-valid",
        "type": "OAUTH2",
        "authenticationUrl": "https://idp.example.com/authorize",
        "tokenUrl": "https://idp.example.com/token",
        "clientId": "client",
        "data": {"name": "Example"},
    });
    if let (Some(c), Value::Object(p)) = (c.as_object_mut(), patch) {
        c.extend(p);
    }
    c
}

async fn authress_refuses(patch: Value, title: &str) -> TestResult {
    let fake = FakeAuthress::start().await?;
    let (status, body) = authress_create(&fake, &authress_connection(patch.clone())).await?;
    assert_eq!(status, 400, "{patch}: {body}");
    assert_eq!(
        body,
        json!({"errorCode": "InvalidRequest", "title": title}),
        "{patch}"
    );
    assert!(fake.connection("con-valid").is_none(), "{patch} was stored");
    Ok(())
}

#[tokio::test]
async fn authress_accepts_the_valid_connection_these_tests_spoil() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let (status, body) = authress_create(&fake, &authress_connection(json!({}))).await?;
    assert_eq!(status, 201, "{body}");
    Ok(())
}

#[tokio::test]
async fn authress_refuses_a_string_require_business_account() -> TestResult {
    authress_refuses(
        json!({"conditions": {"requireBusinessAccount": "yes"}}),
        "InvalidRequest: request.body.conditions.requireBusinessAccount must be boolean.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_a_leeway_that_is_not_an_iso_8601_duration() -> TestResult {
    for ok in ["PT5M", "PT1H", "P1D", "PT90S", "P1Y2M3W4DT5H6M7S"] {
        let fake = FakeAuthress::start().await?;
        let patch = json!({"conditions": {"authenticationLeewayDuration": ok}});
        let (status, body) = authress_create(&fake, &authress_connection(patch)).await?;
        assert_eq!(status, 201, "{ok}: {body}");
    }
    for bad in ["5 minutes", "P", "PT", "PT5", "P5H", "PTM5"] {
        authress_refuses(
            json!({"conditions": {"authenticationLeewayDuration": bad}}),
            "InvalidRequest: request.body.conditions.authenticationLeewayDuration must match format \"duration\".",
        )
        .await?;
    }
    Ok(())
}

#[tokio::test]
async fn authress_refuses_a_tag_that_is_not_a_string() -> TestResult {
    authress_refuses(
        json!({"tags": {"k": {}}}),
        "InvalidRequest: request.body.tags.k must be string.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_a_numeric_client_secret_id() -> TestResult {
    authress_refuses(
        json!({"clientSecretId": 12}),
        "InvalidRequest: request.body.clientSecretId must be string.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_a_user_data_configuration_that_is_not_an_object() -> TestResult {
    authress_refuses(
        json!({"userDataConfiguration": "DEU"}),
        "InvalidRequest: request.body.userDataConfiguration must be object.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_an_unknown_tenant_assignment_type() -> TestResult {
    authress_refuses(
        json!({"tenantConfiguration": {"assignmentType": "__nope__"}}),
        "InvalidRequest: request.body.tenantConfiguration.assignmentType must be equal to one of the allowed values: DEFAULT, TRUSTED_DOMAIN_FALLBACK.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_undeclared_keys_at_the_top_and_in_data() -> TestResult {
    authress_refuses(
        json!({"displayName": "x"}),
        "InvalidRequest: request.body must NOT have additional properties.",
    )
    .await?;
    // `ConnectionData` is closed too.
    authress_refuses(
        json!({"data": {"name": "x", "colour": "red"}}),
        "InvalidRequest: request.body.data must NOT have additional properties.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_a_40_character_client_secret_id() -> TestResult {
    authress_refuses(
        json!({"clientSecretId": "s".repeat(40)}),
        "InvalidRequest: request.body.clientSecretId must NOT have more than 32 characters.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_an_80_character_data_name() -> TestResult {
    authress_refuses(
        json!({"data": {"name": "n".repeat(80)}}),
        "InvalidRequest: request.body.data.name must NOT have more than 64 characters.",
    )
    .await
}

#[tokio::test]
async fn authress_lists_every_violation_in_one_title() -> TestResult {
    authress_refuses(
        json!({"clientSecretId": "s".repeat(33), "connectionId": "a b", "type": "OAUTH"}),
        "InvalidRequest: request.body.type must be equal to one of the allowed values: OAUTH2, SAML2, WebAuthN, PASSWORD, OPENID-LEGACY, \
         request.body.connectionId must match pattern \"^[a-zA-Z0-9-_.:]+$\", \
         request.body.clientSecretId must NOT have more than 32 characters.",
    )
    .await
}

#[tokio::test]
async fn authress_refuses_the_same_on_update() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let (status, _) = authress_create(&fake, &authress_connection(json!({}))).await?;
    assert_eq!(status, 201);
    let (status, body) = json(
        http()
            .put(format!("{}/v1/connections/con-valid", fake.base_url()))
            .header("authorization", crate::authress::bearer(&fake))
            .body(authress_connection(json!({"tags": {"k": 1}})).to_string())
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (400, Some("InvalidRequest"))
    );
    let stored = fake.connection("con-valid").unwrap_or_default();
    assert!(stored.get("tags").is_none(), "{stored}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Okta: `400 E0000001` "Api validation failed: <field>" with `errorCauses`, and `400 E0000003`
// "The request body was not well-formed." for a body Okta cannot read into its model.

fn ssws(okta: &FakeOkta) -> String {
    format!("SSWS {}", okta.api_token())
}

/// Sends `request` with the fake's API token; the status and JSON body of the answer.
async fn okta_send(
    okta: &FakeOkta,
    request: reqwest::RequestBuilder,
) -> Result<(u16, Value), reqwest::Error> {
    json(request.header("authorization", ssws(okta)).send().await?).await
}

fn assert_okta_error(body: &Value, code: &str, summary: &str, causes: &[&str]) {
    assert_eq!(body["errorCode"], code, "{body}");
    assert_eq!(body["errorLink"], code, "{body}");
    assert_eq!(body["errorSummary"], summary, "{body}");
    assert!(
        body["errorId"]
            .as_str()
            .is_some_and(|id| id.starts_with("oae")),
        "{body}"
    );
    let got: Vec<&str> = body["errorCauses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["errorSummary"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(got, causes, "{body}");
}

#[tokio::test]
async fn okta_refuses_signing_without_rotation_mode_and_never_serves_it() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!(
        "{}/api/v1/apps/0oaOrg2Org/connections/default",
        okta.base_url()
    );
    let body = json!({"profile": {"authScheme": "OAUTH2", "clientId": "0oa1", "signing": {}}});
    let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
    assert_eq!(status, 400);
    assert_okta_error(
        &err,
        "E0000001",
        "Api validation failed: profile.signing.rotationMode",
        &["profile.signing.rotationMode: The field cannot be left blank."],
    );
    // Nothing was stored: the connection is still the unconfigured one, with no `signing`.
    let (status, got) = okta_send(&okta, http().get(&url)).await?;
    assert_eq!(status, 200);
    assert_eq!(got["profile"], json!({"authScheme": "UNKNOWN"}), "{got}");
    Ok(())
}

#[tokio::test]
async fn okta_refuses_an_unknown_rotation_mode() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!(
        "{}/api/v1/apps/0oaOrg2Org/connections/default",
        okta.base_url()
    );
    let body = json!({"profile": {"authScheme": "OAUTH2", "signing": {"rotationMode": "WEEKLY"}}});
    let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
    assert_eq!(status, 400);
    assert_okta_error(
        &err,
        "E0000001",
        "Api validation failed: profile.signing.rotationMode",
        &["profile.signing.rotationMode: The value must be AUTO or MANUAL."],
    );
    Ok(())
}

#[tokio::test]
async fn okta_refuses_a_null_base_url_or_token_in_a_connection_update() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!(
        "{}/api/v1/apps/0oaOrg2Org/connections/default",
        okta.base_url()
    );
    for body in [
        json!({"baseUrl": null, "profile": {"authScheme": "TOKEN", "token": "t"}}),
        json!({"profile": {"authScheme": "TOKEN", "token": null}}),
        json!({"profile": {"authScheme": "OAUTH2", "clientId": "c", "signing": null}}),
        json!({"profile": {"authScheme": "OAUTH2", "clientId": "c", "settings": null}}),
    ] {
        let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
        assert_eq!(status, 400, "{body}");
        assert_okta_error(
            &err,
            "E0000003",
            "The request body was not well-formed.",
            &[],
        );
    }
    Ok(())
}

#[tokio::test]
async fn okta_refuses_a_boolean_password_as_a_malformed_body() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.add_users(["00u1"]);
    let url = format!("{}/api/v1/apps/0oaApp/users", okta.base_url());
    let body =
        json!({"id": "00u1", "credentials": {"userName": "a@example.com", "password": true}});
    let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
    assert_eq!(status, 400);
    assert_okta_error(
        &err,
        "E0000003",
        "The request body was not well-formed.",
        &[],
    );
    let (status, _) = okta_send(&okta, http().get(format!("{url}/00u1"))).await?;
    assert_eq!(status, 404, "the refused assignment was stored");
    Ok(())
}

#[tokio::test]
async fn okta_refuses_limit_501_instead_of_clamping_it() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.seed_app_users("0oaApp", 3);
    let url = format!("{}/api/v1/apps/0oaApp/users", okta.base_url());
    for limit in ["501", "0", "-1", "ten"] {
        let (status, err) = okta_send(&okta, http().get(&url).query(&[("limit", limit)])).await?;
        assert_eq!(status, 400, "limit={limit}");
        assert_okta_error(
            &err,
            "E0000001",
            "Api validation failed: limit",
            &["limit: The value must be an integer between 1 and 500."],
        );
    }
    let (status, page) = okta_send(&okta, http().get(&url).query(&[("limit", "500")])).await?;
    assert_eq!((status, page.as_array().map(Vec::len)), (200, Some(3)));
    Ok(())
}

#[tokio::test]
async fn okta_refuses_a_too_long_user_name_and_an_unknown_scope_with_every_cause() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.add_users(["00u1"]);
    let url = format!("{}/api/v1/apps/0oaApp/users", okta.base_url());
    let body =
        json!({"id": "00u1", "scope": "EVERYONE", "credentials": {"userName": "u".repeat(101)}});
    let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
    assert_eq!(status, 400);
    assert_okta_error(
        &err,
        "E0000001",
        "Api validation failed: scope",
        &[
            "scope: The value must be USER or GROUP.",
            "credentials.userName: size must be between 1 and 100.",
        ],
    );
    Ok(())
}

#[tokio::test]
async fn okta_refuses_a_hook_key_without_a_name_or_with_a_null_one() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!("{}/api/v1/hook-keys", okta.base_url());
    for (body, code) in [
        ("{}", "E0000001"),
        (r#"{"name": null}"#, "E0000003"),
        ("[", "E0000003"),
    ] {
        let (status, err) = okta_send(&okta, http().post(&url).body(body)).await?;
        assert_eq!(
            (status, err["errorCode"].as_str()),
            (400, Some(code)),
            "{body}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn okta_answers_an_unsupported_method_405_e0000022_with_allow() -> TestResult {
    let okta = FakeOkta::start().await?;
    let users = format!("{}/api/v1/apps/0oaApp/users", okta.base_url());
    for (method, url, allow) in [
        (reqwest::Method::PUT, users.clone(), "GET, POST"),
        (
            reqwest::Method::PATCH,
            format!("{users}/00u1"),
            "GET, POST, DELETE",
        ),
        (
            reqwest::Method::DELETE,
            format!("{}/api/v1/hook-keys", okta.base_url()),
            "GET, POST",
        ),
    ] {
        let response = http()
            .request(method.clone(), &url)
            .header("authorization", ssws(&okta))
            .send()
            .await?;
        let got_allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (status, err) = json(response).await?;
        assert_eq!(status, 405, "{method} {url}");
        assert_eq!(got_allow.as_deref(), Some(allow), "{method} {url}");
        assert_okta_error(
            &err,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
            &[],
        );
    }
    // An unknown path is 404 E0000007, whatever the method.
    let (status, err) = okta_send(
        &okta,
        http().put(format!("{}/api/v1/nothing-here", okta.base_url())),
    )
    .await?;
    assert_eq!((status, err["errorCode"].as_str()), (404, Some("E0000007")));
    Ok(())
}

#[tokio::test]
async fn okta_answers_an_empty_user_id_like_an_unknown_user() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!("{}/api/v1/apps/0oaApp/users", okta.base_url());
    for body in [json!({"id": ""}), json!({"id": "00uNobody"})] {
        let (status, err) = okta_send(&okta, http().post(&url).body(body.to_string())).await?;
        assert_eq!(
            (status, err["errorCode"].as_str()),
            (404, Some("E0000007")),
            "{body}"
        );
    }
    // A body without an id at all is still a validation error.
    let (status, err) = okta_send(&okta, http().post(&url).body("{}")).await?;
    assert_eq!(status, 400, "{err}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Kinde: `400 {"errors": [{"code", "message"}]}` (the spec's `error_response`).

async fn kinde_create(
    fake: &FakeKinde,
    body: &Value,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let token = crate::kinde::token(fake).await?;
    Ok(json(
        http()
            .post(format!("{}/api/v1/connections", fake.base_url()))
            .header("authorization", token)
            .body(body.to_string())
            .send()
            .await?,
    )
    .await?)
}

async fn kinde_refuses(strategy: &str, options: Value, message: &str) -> TestResult {
    let fake = FakeKinde::start().await?;
    let body = json!({"name": "c", "display_name": "C", "strategy": strategy, "options": options});
    let (status, err) = kinde_create(&fake, &body).await?;
    assert_eq!(status, 400, "{body}: {err}");
    assert_eq!(
        err,
        json!({"errors": [{"code": "INVALID_CONNECTION_DETAILS", "message": message}]}),
        "{body}"
    );
    let token = crate::kinde::token(&fake).await?;
    let (_, list) = json(
        http()
            .get(format!("{}/api/v1/connections", fake.base_url()))
            .header("authorization", token)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(
        list["connections"],
        json!([]),
        "the refused connection was stored"
    );
    Ok(())
}

#[tokio::test]
async fn kinde_refuses_a_string_is_trusted() -> TestResult {
    kinde_refuses(
        "oauth2:google",
        json!({"client_id": "id", "is_trusted": "yes"}),
        "options.is_trusted must be of type boolean.",
    )
    .await
}

#[tokio::test]
async fn kinde_refuses_home_realm_domains_that_are_not_an_array() -> TestResult {
    kinde_refuses(
        "oauth2:azure_ad",
        json!({"home_realm_domains": {"a": 1}}),
        "options.home_realm_domains must be an array of strings.",
    )
    .await?;
    kinde_refuses(
        "saml:custom",
        json!({"home_realm_domains": ["@a.com", 1]}),
        "options.home_realm_domains[1] must be of type string.",
    )
    .await
}

#[tokio::test]
async fn kinde_refuses_an_unknown_saml_enum_value_and_keeps_unknown_option_keys() -> TestResult {
    kinde_refuses(
        "saml:okta",
        json!({"name_id_format": "email"}),
        "options.name_id_format must be one of: Persistent, Transient, Email address, Unspecified.",
    )
    .await?;
    // Unknown option keys are accepted (no variant is `additionalProperties: false`).
    let fake = FakeKinde::start().await?;
    let body = json!({"name": "c", "display_name": "C", "strategy": "oauth2:github", "options": {"client_id": "x", "future_flag": true}});
    let (status, created) = kinde_create(&fake, &body).await?;
    assert_eq!(status, 201, "{created}");
    Ok(())
}

#[tokio::test]
async fn kinde_refuses_null_and_mistyped_top_level_fields() -> TestResult {
    let fake = FakeKinde::start().await?;
    let cases = [
        (
            json!({"name": null, "display_name": "C", "strategy": "oauth2:google"}),
            "name must be of type string.",
        ),
        (
            json!({"name": "c", "display_name": "C", "strategy": "oauth2:google", "enabled_applications": "app"}),
            "enabled_applications must be of type array.",
        ),
        (
            json!({"display_name": "C", "strategy": "oauth2:google"}),
            "name is required.",
        ),
    ];
    for (body, message) in cases {
        let (status, err) = kinde_create(&fake, &body).await?;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["errors"][0]["message"], message, "{body}");
        assert_eq!(
            err["errors"][0]["code"], "INVALID_CONNECTION_DETAILS",
            "{body}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn authress_validates_path_and_query_parameters_like_the_body() -> TestResult {
    let fake = FakeAuthress::start().await?;
    fake.seed_connections(1);
    let base = format!("{}/v1/connections", fake.base_url());
    let auth = crate::authress::bearer(&fake);
    let cases = [
        (
            format!("{base}?limit=0"),
            "InvalidRequest: request.query.limit must be >= 1.",
        ),
        (
            format!("{base}?limit=2147483648"),
            "InvalidRequest: request.query.limit must match format \"int32\".",
        ),
        (
            format!("{base}?limit=many"),
            "InvalidRequest: request.query.limit must be integer.",
        ),
        (
            format!("{base}?page=2"),
            "InvalidRequest: Unknown query parameter 'page'.",
        ),
        (
            format!("{base}/{}", "c".repeat(65)),
            "InvalidRequest: request.path.connectionId must NOT have more than 64 characters.",
        ),
        (
            format!("{base}/con_seed_00000000/users/a%23b/credentials"),
            "InvalidRequest: request.path.userId must match pattern \"^[a-zA-Z0-9+._|\\/~:@\\s-]+$\".",
        ),
    ];
    for (url, title) in cases {
        let (status, body) = json(
            http()
                .get(&url)
                .header("authorization", &auth)
                .send()
                .await?,
        )
        .await?;
        assert_eq!(status, 400, "{url}");
        assert_eq!(
            body,
            json!({"errorCode": "InvalidRequest", "title": title}),
            "{url}"
        );
    }
    // The largest int32 is a valid limit.
    let (status, _) = json(
        http()
            .get(format!("{base}?limit=2147483647"))
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, 200);
    // A user id with `|`, `/`, `+`, `@`, `:` and a space is valid (it is just not found here).
    let url = format!("{base}/con_seed_00000000/users/google%7C1%2F2%2Bx%40y%3Az%20w/credentials");
    let (status, _) = json(
        http()
            .get(&url)
            .header("authorization", &auth)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn kinde_accepts_empty_names_and_a_replace_without_names() -> TestResult {
    let fake = FakeKinde::start().await?;
    let body = json!({"name": "", "display_name": "", "strategy": "oauth2:google"});
    let (status, created) = kinde_create(&fake, &body).await?;
    assert_eq!(status, 201, "{created}");
    let id = created["connection"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        fake.connection(&id).map(|c| c["name"].clone()),
        Some(json!(""))
    );
    // PUT `{}`: nothing is required, the names stay, the options and apps are reset.
    let ids = fake.seed_connections(1);
    let seeded = ids.first().cloned().unwrap_or_default();
    let before = fake.connection(&seeded).unwrap_or_default();
    let token = crate::kinde::token(&fake).await?;
    let (status, answer) = json(
        http()
            .put(format!("{}/api/v1/connections/{seeded}", fake.base_url()))
            .header("authorization", token)
            .body("{}")
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, 200, "{answer}");
    let after = fake.connection(&seeded).unwrap_or_default();
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["display_name"], before["display_name"]);
    assert_eq!(after["options"], json!({}));
    assert_eq!(after["enabled_applications"], json!([]));
    Ok(())
}

#[tokio::test]
async fn kinde_takes_a_page_size_below_one_as_the_default_and_refuses_a_non_integer() -> TestResult
{
    let fake = FakeKinde::start().await?;
    fake.seed_connections(12);
    let token = crate::kinde::token(&fake).await?;
    for (page_size, status, len) in [
        ("0", 200, Some(10)),
        ("-3", 200, Some(10)),
        ("2", 200, Some(2)),
        // Integers past i64/u64 are still integers (the spec sets no format).
        ("-11428398923678936572199677460480", 200, Some(10)),
        ("99999999999999999999999", 200, Some(12)),
    ] {
        let (got, page) = json(
            http()
                .get(format!("{}/api/v1/connections", fake.base_url()))
                .query(&[("page_size", page_size)])
                .header("authorization", &token)
                .send()
                .await?,
        )
        .await?;
        assert_eq!(got, status, "page_size={page_size}: {page}");
        assert_eq!(
            page["connections"].as_array().map(Vec::len),
            len,
            "page_size={page_size}"
        );
    }
    for not_an_integer in ["ten", "", "1.5"] {
        let (status, err) = json(
            http()
                .get(format!("{}/api/v1/connections", fake.base_url()))
                .query(&[("page_size", not_an_integer)])
                .header("authorization", &token)
                .send()
                .await?,
        )
        .await?;
        assert_eq!(
            (status, err["errors"][0]["code"].as_str()),
            (400, Some("INVALID_PAGE_SIZE")),
            "page_size={not_an_integer}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn kinde_refuses_null_options() -> TestResult {
    kinde_refuses(
        "oauth2:azure_ad",
        json!({"is_trusted": null}),
        "options.is_trusted must be of type boolean.",
    )
    .await?;
    kinde_refuses(
        "saml:custom",
        json!({"saml_entity_id": null}),
        "options.saml_entity_id must be of type string.",
    )
    .await
}

#[tokio::test]
async fn kinde_refuses_null_options_and_enabled_applications_on_create_update_and_replace()
-> TestResult {
    let fake = FakeKinde::start().await?;
    let ids = fake.seed_connections(1);
    let seeded = ids.first().cloned().unwrap_or_default();
    let before = fake.connection(&seeded).unwrap_or_default();
    let token = crate::kinde::token(&fake).await?;
    let url = format!("{}/api/v1/connections/{seeded}", fake.base_url());
    for (field, expected) in [("options", "object"), ("enabled_applications", "array")] {
        let message = format!("{field} must be of type {expected}.");
        let create =
            json!({"name": "c", "display_name": "C", "strategy": "oauth2:google", field: null});
        let (status, err) = kinde_create(&fake, &create).await?;
        assert_eq!(
            (status, &err["errors"][0]["message"]),
            (400, &json!(message)),
            "{create}"
        );
        let update = json!({"display_name": "", field: null});
        for request in [http().patch(&url), http().put(&url)] {
            let (status, err) = json(
                request
                    .header("authorization", &token)
                    .body(update.to_string())
                    .send()
                    .await?,
            )
            .await?;
            assert_eq!(
                (status, &err["errors"][0]["message"]),
                (400, &json!(message)),
                "{update}"
            );
        }
    }
    assert_eq!(
        fake.connection(&seeded).unwrap_or_default(),
        before,
        "a refused update changed the connection"
    );
    Ok(())
}
