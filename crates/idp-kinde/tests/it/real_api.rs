//! Issue 14: what the real Kinde API does that the model did not allow for, each case with the
//! payload from the spec, docs or SDK source it came from, asserted on the wire.

use idp_kinde::models::*;
use idp_kinde::{ErrorKind, Nullable};
use idp_test_support::MockTransport;
use serde_json::json;

use crate::common::{TestResult, mock_client};

/// `create_connection_request.organization_code` is `nullable: true` in the spec
/// (kinde-mgmt-api-specs.yaml, Dec 2025): an explicit `null` must reach the wire.
#[tokio::test]
async fn create_with_a_null_organization_code_sends_json_null() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        201,
        &json!({"code": "OK", "message": "Created", "connection": {"id": "conn_new"}}),
    );
    let request = CreateConnectionRequest::new("okta-sso", "Okta SSO", Strategy::SamlOkta)
        .organization_code(Nullable::Null);
    mock_client(&mock)
        .connections()
        .create(request)
        .send()
        .await?;
    let sent = mock.last_request().ok_or("no request")?.json();
    assert_eq!(
        sent,
        json!({
            "name": "okta-sso", "display_name": "Okta SSO", "strategy": "saml:okta",
            "organization_code": null
        })
    );
    // Left unset it is not sent at all; set, it is the value.
    let unset = CreateConnectionRequest::new("n", "d", Strategy::Google);
    assert!(
        serde_json::to_value(&unset)?
            .get("organization_code")
            .is_none()
    );
    let set = unset.organization_code("org_80581732fbe");
    assert_eq!(
        serde_json::to_value(&set)?["organization_code"],
        "org_80581732fbe"
    );
    Ok(())
}

/// The spec's update Azure AD variant lacks `is_auto_join_organization_enabled` (create has it),
/// its replace SAML variant lacks `saml_sign_in_url` (create and update have it): both reach the
/// wire through `extra`, next to the modelled fields, and so does a top-level field.
#[tokio::test]
async fn update_and_replace_send_option_fields_the_model_lacks_through_extra() -> TestResult {
    let mock = MockTransport::new();
    for _ in 0..2 {
        mock.push_json(200, &json!({"code": "OK", "message": "Success"}));
    }
    let client = mock_client(&mock);
    let update = UpdateConnectionRequest::new().options(
        UpdateConnectionRequestOptionsAzureAd::new()
            .entra_id_domain("kinde.com")
            .extra("is_auto_join_organization_enabled", true),
    );
    client.connections().update("conn_1", update).send().await?;
    let sent = mock.last_request().ok_or("no request")?;
    assert_eq!(sent.method.as_str(), "PATCH");
    assert_eq!(
        sent.json(),
        json!({"options": {"entra_id_domain": "kinde.com", "is_auto_join_organization_enabled": true}})
    );

    let replace = ReplaceConnectionRequest::new("okta", "Okta")
        .options(
            ReplaceConnectionRequestOptionsSaml::new()
                .saml_entity_id("https://kinde.com")
                .extra("saml_sign_in_url", "https://acme.okta.com/sso/saml"),
        )
        .extra("is_enabled_for_new_apps", false);
    client
        .connections()
        .replace("conn_1", replace)
        .send()
        .await?;
    assert_eq!(
        mock.last_request().ok_or("no request")?.json(),
        json!({
            "name": "okta", "display_name": "Okta", "is_enabled_for_new_apps": false,
            "options": {"saml_entity_id": "https://kinde.com", "saml_sign_in_url": "https://acme.okta.com/sso/saml"}
        })
    );
    Ok(())
}

/// A request decoded from JSON that holds fields this SDK does not know (e.g. read from a file
/// written by a newer version) keeps them instead of failing, and sends them back.
#[test]
fn requests_and_options_decode_unknown_fields_and_send_them_back() -> TestResult {
    let text = json!({
        "name": "azure", "display_name": "Azure", "strategy": "oauth2:azure_ad",
        "is_brand_new_2027": "x",
        "options": {"client_id": "a", "entra_id_domain": "kinde.com", "sign_request_algorithm_v2": "X"}
    });
    let request: CreateConnectionRequest = serde_json::from_value(text.clone())?;
    assert_eq!(request.extra.get("is_brand_new_2027"), Some(&json!("x")));
    assert!(matches!(
        request.options,
        Some(CreateConnectionRequestOptions::AzureAd(_))
    ));
    assert_eq!(serde_json::to_value(&request)?, text);
    Ok(())
}

/// The old flat `connection` shape (the spec before Feb 2025: `{id, name, display_name,
/// strategy}`) read through the client decodes to the connection; an empty object is an error,
/// not an all-`None` connection.
#[tokio::test]
async fn get_decodes_the_flat_shape_and_refuses_an_empty_one() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        200,
        &json!({"id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google"}),
    );
    mock.push_json(200, &json!({"code": "OK", "message": "Success"}));
    let client = mock_client(&mock);
    let flat = client.connections().get("conn_1").send().await?;
    assert_eq!(flat.id(), Some("conn_1"));
    assert_eq!(flat.strategy, Some(Strategy::Google));
    let err = client.connections().get("conn_1").send().await.err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Decode));
    Ok(())
}

/// Delete, update and replace answer `success_response`; a `204` or an empty `200` (what a proxy
/// or a later API version may send) still means the change happened, and so does an empty `201`
/// on create: none of them is a `Decode` error.
#[tokio::test]
async fn empty_success_bodies_are_successes_not_decode_errors() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock);
    for (status, body) in [(204, ""), (200, ""), (200, "  \n"), (200, "null")] {
        mock.push(status, &[], body);
        let done = client.connections().delete("conn_1").send().await?;
        assert_eq!((done.code, done.message), (None, None), "{status} {body:?}");
        mock.push(status, &[("content-type", "application/json")], body);
        client
            .connections()
            .update("conn_1", UpdateConnectionRequest::new().display_name("x"))
            .send()
            .await?;
        mock.push(status, &[], body);
        client
            .connections()
            .replace("conn_1", ReplaceConnectionRequest::new("n", "d"))
            .send()
            .await?;
    }
    mock.push(201, &[], "");
    let created = client
        .connections()
        .create(CreateConnectionRequest::new("n", "d", Strategy::Github))
        .send()
        .await?;
    assert_eq!(created.id(), None);
    // A body that is there but broken is still an error.
    mock.push(200, &[], "{not json");
    let err = client.connections().delete("conn_1").send().await.err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Decode));
    Ok(())
}

/// A token pasted with its scheme (`Bearer xyz`, as Kinde's docs and Postman guide show it) is
/// sent once-prefixed, not as `Bearer Bearer xyz`.
#[tokio::test]
async fn access_token_with_a_bearer_prefix_is_sent_once_prefixed() -> TestResult {
    for pasted in ["Bearer xyz", "bearer xyz", "  BEARER   xyz ", "xyz"] {
        let mock = MockTransport::new();
        mock.push_json(200, &json!({"connections": [], "has_more": false}));
        let client = idp_kinde::Client::builder()
            .domain("acme.kinde.com")
            .access_token(pasted)
            .transport(std::sync::Arc::new(mock.clone()))
            .build()?;
        client.connections().list().send().await?;
        let sent = mock.last_request().ok_or("no request")?;
        assert_eq!(
            sent.header("authorization"),
            Some("Bearer xyz"),
            "{pasted:?}"
        );
    }
    Ok(())
}

/// Kinde's docs ("Pointing your domain"): with a custom domain, M2M tokens and the Management
/// API still need the `*.kinde.com` subdomain. A custom domain is refused with a message that
/// says so, unless the caller says it is a proxy.
#[test]
fn a_custom_domain_is_refused_with_a_message_naming_the_kinde_subdomain() -> TestResult {
    let err = idp_kinde::Client::builder()
        .domain("auth.acme.com")
        .client_credentials("id", "secret")
        .build()
        .err()
        .ok_or("a custom domain must be refused")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let text = err.to_string();
    assert!(
        text.contains("auth.acme.com") && text.contains("<subdomain>.kinde.com"),
        "{text}"
    );
    let proxied = idp_kinde::Client::builder()
        .domain("kinde-proxy.internal.acme.com")
        .allow_custom_domain(true)
        .client_credentials("id", "secret")
        .build()?;
    assert_eq!(
        proxied.core().base_url().as_str(),
        "https://kinde-proxy.internal.acme.com"
    );
    assert!(
        idp_kinde::Client::builder()
            .domain("acme.kinde.com")
            .access_token("t")
            .build()
            .is_ok()
    );
    Ok(())
}

/// Every operation and every handle method carries the Python SDK's method name as a doc alias
/// (the seed's `ConnectionsApi` names), so rustdoc search finds `get_connections`.
#[test]
fn every_operation_and_handle_method_has_the_python_name_as_doc_alias() {
    let source = include_str!("../../src/ops/connections.rs");
    for name in [
        "create_connection",
        "delete_connection",
        "get_connection",
        "get_connections",
        "replace_connection",
        "update_connection",
    ] {
        let alias = format!("#[doc(alias = \"{name}\")]");
        assert_eq!(
            source.matches(&alias).count(),
            2,
            "{name}: one on the operation, one on the handle method"
        );
    }
}

/// The documented order of a backward walk (`ending_before`), against FakeKinde: pages nearest
/// the cursor first, each page in ascending order.
#[tokio::test]
async fn a_backward_walk_yields_pages_nearest_the_cursor_first() -> TestResult {
    let fake = idp_testkit::FakeKinde::start().await?;
    let ids = fake.seed_connections(6);
    let client = idp_kinde::Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .build()?;
    let mut items = client.items(
        idp_kinde::ops::GetConnections::new()
            .page_size(2)
            .ending_before(ids[5].clone()),
    );
    let mut walked = Vec::new();
    while let Some(c) = items.try_next().await? {
        walked.push(c.id.unwrap_or_default());
    }
    let expected: Vec<String> = [3, 4, 1, 2, 0].iter().map(|i| ids[*i].clone()).collect();
    assert_eq!(walked, expected);
    Ok(())
}
