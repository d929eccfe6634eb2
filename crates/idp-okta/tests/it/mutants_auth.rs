//! Behaviours of `auth.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-okta/src/auth.rs`, issue 18) found untested: what a hand-built [`OktaOAuth`]
//! reports, the `invalid_request` form of a refused DPoP proof, and responses that carry a
//! `DPoP-Nonce` without being a nonce challenge.

use std::sync::Arc;

use idp_okta::auth::{OktaOAuth, OktaOAuthConfig};
use idp_okta::{BaseUrl, Client, ErrorKind, RetryPolicy, SecretString};
use idp_test_support::MockTransport;
use serde_json::json;

use crate::common::{ORG, TestResult};

const RSA_PRIVATE: &str = include_str!("keys/test-only-rsa-private.pem");
const CLIENT_ID: &str = "0oaServiceApp";

fn config(dpop: bool) -> Result<OktaOAuthConfig, idp_okta::Error> {
    Ok(OktaOAuthConfig {
        org_url: BaseUrl::parse(ORG)?,
        client_id: CLIENT_ID.to_owned(),
        private_key_pem: SecretString::from(RSA_PRIVATE),
        scopes: vec!["okta.apps.read".to_owned()],
        key_id: Some("kid-1".to_owned()),
        dpop,
    })
}

/// The error of a hook-key listing through [`client`].
async fn list_error(mock: &MockTransport) -> Result<idp_okta::Error, Box<dyn std::error::Error>> {
    client(mock)?
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or_else(|| "expected an error".into())
}

/// A DPoP-bound token answer (`at-1`, an hour).
fn push_dpop_token(mock: &MockTransport) {
    mock.push_json(
        200,
        &json!({"token_type": "DPoP", "access_token": "at-1", "expires_in": 3600}),
    );
}

fn client(mock: &MockTransport) -> Result<Client, idp_okta::Error> {
    Client::builder()
        .org_url(ORG)
        .private_key_jwt(CLIENT_ID, RSA_PRIVATE, ["okta.inlineHooks.read"])
        .retry_policy(RetryPolicy::none())
        .transport(Arc::new(mock.clone()))
        .build()
}

/// A user who builds the token source themselves reads back where it asks for tokens and
/// whether it will bind them with DPoP; the config's `Debug` names the app, never the key.
#[test]
fn a_hand_built_oauth_source_reports_its_token_url_and_dpop_setting() -> TestResult {
    let with = OktaOAuth::new(config(true)?)?;
    assert_eq!(with.token_url(), "https://acme.okta.com/oauth2/v1/token");
    assert!(with.dpop_enabled());
    assert!(!OktaOAuth::new(config(false)?)?.dpop_enabled());
    let text = format!("{:?}", config(true)?);
    for want in [CLIENT_ID, "okta.apps.read", "kid-1", "[redacted]"] {
        assert!(text.contains(want), "{want} missing from {text}");
    }
    assert!(!text.contains("PRIVATE KEY"), "{text}");
    Ok(())
}

/// A service app that does not use DPoP may refuse a proof-bound token request with
/// `400 invalid_request` naming DPoP (not only `invalid_dpop_proof`): one plain token request
/// follows, and the API call goes with `Bearer` and no proof.
#[tokio::test]
async fn an_invalid_request_naming_dpop_makes_the_source_ask_again_without_a_proof() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        400,
        &json!({"error": "invalid_request", "error_description": "DPoP proof is not allowed: the client is not configured for DPoP."}),
    );
    mock.push_json(
        200,
        &json!({"token_type": "Bearer", "access_token": "at-plain", "expires_in": 3600}),
    );
    mock.push_json(200, &json!([]));
    client(&mock)?.hook_keys().list().send().await?;
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "refused token request, plain one, API call");
    assert!(reqs[0].header("dpop").is_some(), "first with a proof");
    assert_eq!(reqs[1].path(), "/oauth2/v1/token");
    assert!(reqs[1].header("dpop").is_none(), "then without one");
    assert_eq!(reqs[2].header("authorization"), Some("Bearer at-plain"));
    assert!(reqs[2].header("dpop").is_none());
    Ok(())
}

/// A `DPoP-Nonce` header alone is no nonce challenge. A token endpoint `400 invalid_client`
/// carrying one is the error (one token request); an API `400` validation error carrying one is
/// returned, not retried; an API `401 invalid_token` carrying one gets a new token (refresh),
/// not a replay of the old one with the nonce.
#[tokio::test]
async fn a_dpop_nonce_on_a_response_that_is_not_a_nonce_challenge_is_not_answered() -> TestResult {
    // Token endpoint.
    let mock = MockTransport::new();
    mock.push(
        400,
        &[("content-type", "application/json"), ("dpop-nonce", "n-1")],
        r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
    );
    let err = list_error(&mock).await?;
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.to_string().contains("invalid_client"), "{err}");
    assert_eq!(mock.request_count(), 1, "no second token request");

    // API 400.
    let mock = MockTransport::new();
    push_dpop_token(&mock);
    mock.push(
        400,
        &[("content-type", "application/json"), ("dpop-nonce", "rs-1")],
        r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: limit"}"#,
    );
    let err = list_error(&mock).await?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), Some("E0000001"));
    assert_eq!(mock.request_count(), 2, "token, then the call, not retried");

    // API 401.
    let mock = MockTransport::new();
    push_dpop_token(&mock);
    mock.push(
        401,
        &[
            (
                "www-authenticate",
                r#"DPoP error="invalid_token", error_description="The access token is invalid""#,
            ),
            ("dpop-nonce", "rs-2"),
        ],
        "",
    );
    mock.push_json(
        200,
        &json!({"token_type": "DPoP", "access_token": "at-2", "expires_in": 3600}),
    );
    mock.push_json(200, &json!([]));
    client(&mock)?.hook_keys().list().send().await?;
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/oauth2/v1/token",
            "/api/v1/hook-keys",
            "/oauth2/v1/token",
            "/api/v1/hook-keys"
        ]
    );
    assert_eq!(
        mock.requests()[3].header("authorization"),
        Some("DPoP at-2")
    );
    Ok(())
}

/// Okta may send a fresh `DPoP-Nonce` on a successful token response: that is no challenge,
/// the token is used as it is (one token request, then the call with it).
#[tokio::test]
async fn a_token_response_that_rotates_the_dpop_nonce_is_used_as_is() -> TestResult {
    let mock = MockTransport::new();
    mock.push(
        200,
        &[
            ("content-type", "application/json"),
            ("dpop-nonce", "n-rotated"),
        ],
        r#"{"token_type":"DPoP","access_token":"at-1","expires_in":3600}"#,
    );
    mock.push_json(200, &json!([]));
    client(&mock)?.hook_keys().list().send().await?;
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2, "one token request, then the call");
    assert_eq!(reqs[1].header("authorization"), Some("DPoP at-1"));
    Ok(())
}

/// A `DPoP-Nonce` that the resource server rotates on a successful call is what the next
/// call's proof carries (so it is not challenged).
#[tokio::test]
async fn a_nonce_rotated_by_a_successful_call_is_carried_by_the_next_proof() -> TestResult {
    let mock = MockTransport::new();
    push_dpop_token(&mock);
    mock.push(
        200,
        &[
            ("content-type", "application/json"),
            ("dpop-nonce", "rs-rotated"),
        ],
        "[]",
    );
    mock.push_json(200, &json!([]));
    let okta = client(&mock)?;
    okta.hook_keys().list().send().await?;
    okta.hook_keys().list().send().await?;
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3, "one token, two calls");
    let (_, second) = crate::common::jwt_parts(reqs[2].header("dpop").ok_or("no proof")?);
    assert_eq!(second["nonce"], "rs-rotated");
    Ok(())
}
