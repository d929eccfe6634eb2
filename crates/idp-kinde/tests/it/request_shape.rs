//! Exact requests of every operation, over a recording transport (no network).

use idp_kinde::ErrorKind;
use idp_kinde::models::*;
use idp_test_support::{MockTransport, RecordedRequest};
use serde_json::{Map, json};

use crate::common::{TestResult, mock_client};

fn ok(mock: &MockTransport, status: u16) {
    mock.push_json(status, &json!({"code": "OK", "message": "Success"}));
}

fn assert_common(req: &RecordedRequest, method: &str, path: &str, body: bool) {
    assert_eq!(req.method.as_str(), method);
    assert_eq!(req.path(), path);
    assert_eq!(req.uri.host(), Some("acme.kinde.com"));
    assert_eq!(req.uri.scheme_str(), Some("https"));
    assert_eq!(req.header("authorization"), Some("Bearer tok-static"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert!(
        req.header("user-agent")
            .unwrap_or_default()
            .starts_with(concat!("idp-kinde/", env!("CARGO_PKG_VERSION"), " rust/"))
    );
    if body {
        assert_eq!(req.header("content-type"), Some("application/json"));
    } else {
        assert_eq!(req.header("content-type"), None);
        assert!(req.body.is_empty());
    }
    // The Kinde-SDK header is for token requests only.
    assert_eq!(req.header("kinde-sdk"), None);
}

#[tokio::test]
async fn create_connection_posts_the_request_body() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        201,
        &json!({"code": "OK", "message": "Created", "connection": {"id": "conn_new"}}),
    );
    let client = mock_client(&mock);
    let request = CreateConnectionRequest::new("github-main", "GitHub", Strategy::Github)
        .enabled_applications(vec!["c647dbe20f5944e28af97c9184fded22".to_owned()])
        .organization_code("org_80581732fbe")
        .options(
            CreateConnectionRequestOptionsSocial::new()
                .client_id("cid")
                .client_secret("csecret"),
        );
    let created = client.connections().create(request).send().await?;
    assert_eq!(created.id(), Some("conn_new"));
    let req = mock.last_request().ok_or("no request")?;
    assert_common(&req, "POST", "/api/v1/connections", true);
    assert_eq!(req.query(), None);
    assert_eq!(
        req.json(),
        json!({
            "name": "github-main",
            "display_name": "GitHub",
            "strategy": "oauth2:github",
            "enabled_applications": ["c647dbe20f5944e28af97c9184fded22"],
            "organization_code": "org_80581732fbe",
            "options": {"client_id": "cid", "client_secret": "csecret"}
        })
    );
    Ok(())
}

#[tokio::test]
async fn delete_connection_encodes_the_id() -> TestResult {
    let mock = MockTransport::new();
    ok(&mock, 200);
    let res = mock_client(&mock)
        .connections()
        .delete("conn/1 a|b")
        .send()
        .await?;
    assert_eq!(res.code.as_deref(), Some("OK"));
    let req = mock.last_request().ok_or("no request")?;
    assert_common(
        &req,
        "DELETE",
        "/api/v1/connections/conn%2F1%20a%7Cb",
        false,
    );
    assert_eq!(req.query(), None);
    Ok(())
}

#[tokio::test]
async fn get_connection_sends_a_bare_get() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"code": "OK", "message": "Success",
        "connection": {"id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google"}}));
    let c = mock_client(&mock)
        .connections()
        .get("conn_1")
        .send()
        .await?;
    assert_eq!(
        (c.id(), c.strategy.clone()),
        (Some("conn_1"), Some(Strategy::Google))
    );
    let req = mock.last_request().ok_or("no request")?;
    assert_common(&req, "GET", "/api/v1/connections/conn_1", false);
    assert_eq!(req.query(), None);
    Ok(())
}

#[tokio::test]
async fn get_connections_sends_the_query_in_order_and_omits_unset() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"connections": [], "has_more": false}));
    mock.push_json(200, &json!({"connections": [], "has_more": false}));
    mock.push_json(200, &json!({"connections": [], "has_more": false}));
    let client = mock_client(&mock);
    client.connections().list().send().await?;
    client
        .connections()
        .list()
        .page_size(50)
        .home_realm_domain("myapp.com")
        .starting_after("conn_a")
        .send()
        .await?;
    client
        .connections()
        .list()
        .ending_before("conn_z")
        .send()
        .await?;
    let reqs = mock.requests();
    for req in &reqs {
        assert_common(req, "GET", "/api/v1/connections", false);
    }
    assert_eq!(reqs[0].query(), None);
    assert_eq!(
        reqs[1].query(),
        Some("page_size=50&home_realm_domain=myapp.com&starting_after=conn_a")
    );
    assert_eq!(reqs[2].query(), Some("ending_before=conn_z"));
    Ok(())
}

#[tokio::test]
async fn get_connections_refuses_both_cursors_before_sending() {
    let mock = MockTransport::new();
    let err = mock_client(&mock)
        .connections()
        .list()
        .starting_after("a")
        .ending_before("b")
        .send()
        .await
        .err();
    assert_eq!(mock.request_count(), 0);
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("GetConnections") && text.contains("starting_after"),
        "{text}"
    );
}

#[tokio::test]
async fn replace_connection_puts_the_whole_configuration() -> TestResult {
    let mock = MockTransport::new();
    ok(&mock, 200);
    let request = ReplaceConnectionRequest::new("ConnectionA", "Connection")
        .enabled_applications(vec!["c647dbe20f5944e28af97c9184fded22".to_owned()])
        .options(
            ReplaceConnectionRequestOptionsAzureAd::new()
                .client_id("cid")
                .client_secret("cs")
                .entra_id_domain("kinde.com")
                .home_realm_domains(vec!["@kinde.com".to_owned()]),
        );
    mock_client(&mock)
        .connections()
        .replace("conn_1", request)
        .send()
        .await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_common(&req, "PUT", "/api/v1/connections/conn_1", true);
    assert_eq!(
        req.json(),
        json!({
            "name": "ConnectionA",
            "display_name": "Connection",
            "enabled_applications": ["c647dbe20f5944e28af97c9184fded22"],
            "options": {"client_id": "cid", "client_secret": "cs", "entra_id_domain": "kinde.com",
                        "home_realm_domains": ["@kinde.com"]}
        })
    );
    Ok(())
}

#[tokio::test]
async fn update_connection_patches_only_the_fields_set() -> TestResult {
    let mock = MockTransport::new();
    ok(&mock, 200);
    let request = UpdateConnectionRequest::new().display_name("Okta").options(
        UpdateConnectionRequestOptionsSaml::new().name_id_format(NameIdFormat::EmailAddress),
    );
    mock_client(&mock)
        .connections()
        .update("conn_1", request)
        .send()
        .await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_common(&req, "PATCH", "/api/v1/connections/conn_1", true);
    assert_eq!(
        req.json(),
        json!({"display_name": "Okta", "options": {"name_id_format": "Email address"}})
    );
    Ok(())
}

#[tokio::test]
async fn empty_connection_id_is_invalid_input_and_nothing_is_sent() {
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    let errs = [
        client
            .connections()
            .get("")
            .send()
            .await
            .err()
            .map(|e| e.kind()),
        client
            .connections()
            .delete("")
            .send()
            .await
            .err()
            .map(|e| e.kind()),
        client
            .connections()
            .update("", UpdateConnectionRequest::new())
            .send()
            .await
            .err()
            .map(|e| e.kind()),
        client
            .connections()
            .replace("..", ReplaceConnectionRequest::new("a", "b"))
            .send()
            .await
            .err()
            .map(|e| e.kind()),
    ];
    assert_eq!(errs, [Some(ErrorKind::InvalidInput); 4]);
    assert_eq!(mock.request_count(), 0);
}

async fn sent_options(
    options: impl Into<CreateConnectionRequestOptions>,
    strategy: Strategy,
) -> serde_json::Value {
    let mock = MockTransport::new();
    mock.push_json(201, &json!({"connection": {"id": "conn_x"}}));
    let request = CreateConnectionRequest::new("n", "d", strategy).options(options);
    mock_client(&mock)
        .connections()
        .create(request)
        .send()
        .await
        .expect("create succeeds");
    mock.last_request()
        .map(|r| r.json()["options"].clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn create_with_social_options_serializes_exactly_the_fields_set() {
    let options = CreateConnectionRequestOptionsSocial::new()
        .client_id("cid")
        .is_trusted(false);
    assert_eq!(
        sent_options(options, Strategy::Google).await,
        json!({"client_id": "cid", "is_trusted": false})
    );
    let empty = CreateConnectionRequestOptionsSocial::new();
    assert_eq!(sent_options(empty, Strategy::Google).await, json!({}));
}

#[tokio::test]
async fn create_with_azure_ad_options_serializes_exactly_the_fields_set() {
    let mut params = Map::new();
    params.insert("prompt".into(), json!({"value": "select_account"}));
    let options = CreateConnectionRequestOptionsAzureAd::new()
        .client_id("cid")
        .client_secret("cs")
        .home_realm_domains(vec!["@kinde.com".to_owned(), "@kinde.io".to_owned()])
        .is_use_common_endpoint(true)
        .is_auto_join_organization_enabled(false)
        .upstream_params(params);
    assert_eq!(
        sent_options(options, Strategy::WsfedAzureAd).await,
        json!({
            "client_id": "cid",
            "client_secret": "cs",
            "home_realm_domains": ["@kinde.com", "@kinde.io"],
            "is_use_common_endpoint": true,
            "is_auto_join_organization_enabled": false,
            "upstream_params": {"prompt": {"value": "select_account"}}
        })
    );
}

#[tokio::test]
async fn create_with_saml_options_serializes_exactly_the_fields_set() {
    let options = CreateConnectionRequestOptionsSaml::new()
        .saml_entity_id("https://kinde.com")
        .saml_idp_metadata_xml("<EntityDescriptor/>")
        .sign_request_algorithm(SignRequestAlgorithm::RsaSha1)
        .protocol_binding(ProtocolBinding::HttpPost)
        .name_id_format(NameIdFormat::EmailAddress)
        .saml_signing_private_key("-----BEGIN PRIVATE KEY-----");
    assert_eq!(
        sent_options(options, Strategy::SamlGoogle).await,
        json!({
            "saml_entity_id": "https://kinde.com",
            "saml_idp_metadata_xml": "<EntityDescriptor/>",
            "sign_request_algorithm": "RSA-SHA1",
            "protocol_binding": "HTTP-POST",
            "name_id_format": "Email address",
            "saml_signing_private_key": "-----BEGIN PRIVATE KEY-----"
        })
    );
}

#[tokio::test]
async fn operation_debug_never_shows_secrets() {
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    let req = client.connections().create(
        CreateConnectionRequest::new("n", "d", Strategy::Google)
            .options(CreateConnectionRequestOptionsSocial::new().client_secret("OPT-SECRET")),
    );
    let text = format!("{req:?} {client:?}");
    assert!(
        !text.contains("OPT-SECRET") && !text.contains("tok-static"),
        "{text}"
    );
}
