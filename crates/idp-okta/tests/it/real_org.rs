//! Issue 13: what a real Okta org answers that the spec does not say, end to end against the
//! testkit's fake (which behaves the same way).

use idp_okta::models::{
    AppUserAssignRequest, AppUserCredentials, AppUserStatus, AppUserUpdateRequest,
    ProvisioningConnectionAuthScheme, ProvisioningConnectionStatus,
    ProvisioningConnectionTokenRequest,
};
use std::sync::Arc;

use idp_okta::{Client, ErrorKind, RetryPolicy};
use idp_testkit::{FakeOkta, ServiceAppKey};
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

/// Item 4: GET → edit the profile → POST on an app whose sign-on scheme forbids credentials.
/// The GET answers `credentials: {userName, password: {}}`; sending that back is Okta's
/// `400 E0000041`. The SDK sends only the profile, so the update succeeds.
#[tokio::test]
async fn get_edit_post_on_a_credential_less_app_succeeds() -> TestResult {
    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oaSaml", 1);
    okta.forbid_app_credentials("0oaSaml");
    let users = client.application_users();
    let mut user = users.get("0oaSaml", &ids[0]).send().await?;
    assert!(user.credentials.is_some(), "the read carries credentials");
    if let Some(p) = user.profile.as_mut() {
        p.insert("role".into(), json!("Owner"));
    }
    let updated = users
        .update("0oaSaml", &ids[0], user.clone())
        .send()
        .await?;
    assert_eq!(
        updated.profile.and_then(|p| p.get("role").cloned()),
        Some(json!("Owner"))
    );
    let sent = okta
        .requests()
        .into_iter()
        .rfind(|r| r.operation == Some("updateApplicationUser"))
        .ok_or("the update")?;
    let body: serde_json::Value = serde_json::from_slice(&sent.body)?;
    assert_eq!(body.get("credentials"), None, "{body}");

    // Re-assigning from the read AppUser (seed parity) does not send them either.
    let assign = AppUserAssignRequest::try_from(user)?;
    users.assign("0oaSaml", assign).send().await?;

    // Credentials the caller sets are sent, and Okta's E0000041 is what comes back.
    let err = users
        .update(
            "0oaSaml",
            &ids[0],
            AppUserUpdateRequest::credentials(AppUserCredentials::user_name("x@example.com")),
        )
        .send()
        .await
        .err()
        .ok_or("expected E0000041")?;
    assert_eq!(err.code(), Some("E0000041"), "{err}");
    Ok(())
}

/// Item 7: an update with nothing to send (`{}`, which Okta answers with 400) is refused
/// before sending — including a read AppUser with no profile whose credentials were not changed.
#[tokio::test]
async fn an_update_that_would_send_nothing_is_refused_before_sending() -> TestResult {
    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oa1", 1);
    let mut user = client
        .application_users()
        .get("0oa1", &ids[0])
        .send()
        .await?;
    user.profile = None;
    let before = okta.requests().len();
    for request in [
        AppUserUpdateRequest::default(),
        AppUserUpdateRequest::from(user),
    ] {
        let err = client
            .application_users()
            .update("0oa1", &ids[0], request)
            .send()
            .await
            .err()
            .ok_or("expected InvalidInput")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
    assert_eq!(okta.requests().len(), before, "nothing was sent");
    Ok(())
}

/// The fake: assigning a user the org does not have is 404 E0000007; SSO-only assignments are
/// ACTIVE with no externalId, provisioned ones PROVISIONED with one (the spec's AppUserStatus).
#[tokio::test]
async fn assignments_follow_the_directory_and_provisioning() -> TestResult {
    let (okta, client) = fake().await?;
    let users = client.application_users();
    let err = users
        .assign("0oa1", AppUserAssignRequest::new("00uNobody"))
        .send()
        .await
        .err()
        .ok_or("expected 404")?;
    assert!(
        err.is_not_found() && err.code() == Some("E0000007"),
        "{err}"
    );

    okta.add_users(["00uRae"]);
    let sso = users
        .assign("0oaSso", AppUserAssignRequest::new("00uRae"))
        .send()
        .await?;
    assert_eq!(sso.status, Some(AppUserStatus::Active));
    assert_eq!(sso.external_id, None);

    client
        .application_connections()
        .update_default(
            "0oaScim",
            ProvisioningConnectionTokenRequest::new("scim-token"),
        )
        .activate(true)
        .send()
        .await?;
    let provisioned = users
        .assign("0oaScim", AppUserAssignRequest::new("00uRae"))
        .send()
        .await?;
    assert_eq!(provisioned.status, Some(AppUserStatus::Provisioned));
    assert!(provisioned.external_id.is_some());
    Ok(())
}

const RSA_PEM: &str = include_str!("keys/test-only-rsa-private.pem");
const RSA_JWK: &str = include_str!("keys/test-only-rsa-private.jwk.json");
const EC_JWK: &str = include_str!("keys/test-only-ec-p256-private.jwk.json");

/// The `kid` in the header of the last client assertion the fake received.
fn last_assertion_kid(okta: &FakeOkta) -> Option<String> {
    let token = okta
        .requests()
        .into_iter()
        .rfind(|r| r.operation == Some("token"))?;
    let body = String::from_utf8(token.body.to_vec()).ok()?;
    let assertion = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "client_assertion")?
        .1
        .into_owned();
    let (header, _) = crate::common::jwt_parts(&assertion);
    header["kid"].as_str().map(str::to_owned)
}

/// Item 5: the Okta console generates service-app keys as JWK by default, and Okta's SDKs
/// accept a JWK in `privateKey`. An RSA and an EC P-256 private JWK authenticate (their `kid`
/// sent in the assertion header), and the PEM form of the same RSA key still does.
#[tokio::test]
async fn jwk_and_pem_private_keys_both_authenticate() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaRsa", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    let mut ec_public: serde_json::Value = serde_json::from_str(EC_JWK)?;
    ec_public.as_object_mut().ok_or("jwk")?.remove("d");
    okta.register_service_app("0oaEc", ServiceAppKey::Jwk(ec_public))?;
    for (client_id, key, kid) in [
        ("0oaRsa", RSA_JWK, Some("test-only-rsa-jwk")),
        ("0oaEc", EC_JWK, Some("test-only-ec-jwk")),
        ("0oaRsa", RSA_PEM, None),
    ] {
        let client = Client::builder()
            .org_url(okta.base_url())
            .private_key_jwt(client_id, key.to_owned(), ["okta.inlineHooks.read"])
            .retry_policy(RetryPolicy::none())
            .build()?;
        client.hook_keys().list().send().await?;
        assert_eq!(last_assertion_kid(&okta).as_deref(), kid, "{client_id}");
    }
    // An explicit key id wins over the JWK's own.
    let client = Client::builder()
        .org_url(okta.base_url())
        .private_key_jwt("0oaRsa", RSA_JWK, ["okta.inlineHooks.read"])
        .key_id("chosen-kid")
        .build()?;
    client.hook_keys().list().send().await?;
    assert_eq!(last_assertion_kid(&okta).as_deref(), Some("chosen-kid"));
    Ok(())
}

/// Item 5 through the environment: `OKTA_CLIENT_PRIVATEKEY` holding JWK JSON, and the key id
/// read from `OKTA_CLIENT_PRIVATEKEYID` (Go's name) or `OKTA_CLIENT_KID` (Python's).
#[tokio::test]
async fn a_jwk_in_okta_client_privatekey_authenticates() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaEnv", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    for kid_var in ["OKTA_CLIENT_PRIVATEKEYID", "OKTA_CLIENT_KID"] {
        let vars = [
            ("OKTA_CLIENT_ORGURL", okta.base_url().to_owned()),
            ("OKTA_CLIENT_AUTHORIZATIONMODE", "PrivateKey".to_owned()),
            ("OKTA_CLIENT_CLIENTID", "0oaEnv".to_owned()),
            ("OKTA_CLIENT_SCOPES", "okta.inlineHooks.read".to_owned()),
            ("OKTA_CLIENT_PRIVATEKEY", RSA_JWK.to_owned()),
            (kid_var, format!("kid-from-{kid_var}")),
        ];
        let env = idp_okta::EnvVars::from_fn(move |k| {
            vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
        });
        let client = idp_okta::ClientBuilder::from_env_vars(env)?.build()?;
        client.hook_keys().list().send().await?;
        let expected = format!("kid-from-{kid_var}");
        assert_eq!(
            last_assertion_kid(&okta).as_deref(),
            Some(expected.as_str())
        );
    }
    Ok(())
}

/// A DPoP client (private_key_jwt with the test RSA key) on the fake, and its service app.
async fn dpop_client(
    transport: Option<Arc<dyn idp_okta::Transport>>,
) -> Result<(FakeOkta, Client), Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaSvc", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    okta.require_dpop("0oaSvc", true);
    let mut builder = Client::builder()
        .org_url(okta.base_url())
        .private_key_jwt(
            "0oaSvc",
            RSA_PEM,
            ["okta.apps.read", "okta.inlineHooks.read"],
        )
        .retry_policy(RetryPolicy::none());
    if let Some(t) = transport {
        builder = builder.transport(t);
    }
    Ok((okta, builder.build()?))
}

/// Item 2, the full behaviour: Okta answers a resource-server nonce challenge with 400 (not
/// 401), `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce` header
/// (okta-sdk-python #541, okta-sdk-nodejs #453). The challenge is answered within the call, once,
/// and the nonce is kept: the next call is not challenged.
#[tokio::test]
async fn a_400_dpop_nonce_challenge_on_an_api_call_is_retried_once() -> TestResult {
    let (okta, client) = dpop_client(None).await?;
    client.hook_keys().list().send().await?;
    okta.require_resource_nonce(true);
    okta.clear_requests();
    client.hook_keys().list().send().await?;
    let calls = |okta: &FakeOkta| {
        okta.requests()
            .iter()
            .filter(|r| r.operation == Some("listHookKeys"))
            .count()
    };
    assert_eq!(calls(&okta), 2, "one challenge, one retry");
    let retry = okta
        .requests()
        .into_iter()
        .rfind(|r| r.operation == Some("listHookKeys"))
        .ok_or("the retry")?;
    let (_, claims) = crate::common::jwt_parts(retry.header("dpop").ok_or("proof")?);
    assert_eq!(
        claims["nonce"],
        okta.dpop_nonce(),
        "the retry carries the nonce"
    );
    okta.clear_requests();
    client.hook_keys().list().send().await?;
    assert_eq!(calls(&okta), 1, "the nonce from the challenge is reused");
    Ok(())
}

/// Makes the fake issue a new DPoP nonce before every API call: a server that challenges
/// every attempt.
#[derive(Debug)]
struct RotateNonce {
    inner: idp_okta::ReqwestTransport,
    okta: std::sync::OnceLock<Arc<FakeOkta>>,
}

#[async_trait::async_trait]
impl idp_okta::Transport for RotateNonce {
    async fn send(
        &self,
        request: idp_okta::HttpRequest,
    ) -> Result<idp_okta::HttpResponse, idp_okta::TransportError> {
        if request.uri().path().starts_with("/api/") {
            if let Some(okta) = self.okta.get() {
                okta.rotate_dpop_nonce();
            }
        }
        self.inner.send(request).await
    }
}

/// Item 2: a second nonce challenge within one call is not answered again (no loop): it is the
/// call's error, a 400 that names Okta's `error` and `error_description` instead of a bare
/// "400 Bad Request".
#[tokio::test]
async fn a_second_400_nonce_challenge_in_one_call_is_the_named_error() -> TestResult {
    let transport = Arc::new(RotateNonce {
        inner: idp_okta::ReqwestTransport::new()?,
        okta: std::sync::OnceLock::new(),
    });
    let (okta, client) = dpop_client(Some(transport.clone())).await?;
    let okta = Arc::new(okta);
    client.hook_keys().list().send().await?;
    okta.require_resource_nonce(true);
    transport.okta.set(okta.clone()).map_err(|_| "set once")?;
    okta.clear_requests();
    let err = client
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected the challenge")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("use_dpop_nonce"), "{err}");
    assert!(
        err.to_string()
            .contains("Resource server requires nonce in DPoP proof."),
        "{err}"
    );
    let calls = okta
        .requests()
        .iter()
        .filter(|r| r.operation == Some("listHookKeys"))
        .count();
    assert_eq!(
        calls, 2,
        "one retry, then the second challenge is the error"
    );
    Ok(())
}

/// Replays the previous API call's DPoP proof, as a misbehaving proxy would.
#[derive(Debug)]
struct ReplayDpop {
    inner: idp_okta::ReqwestTransport,
    last: std::sync::Mutex<Option<http::HeaderValue>>,
}

#[async_trait::async_trait]
impl idp_okta::Transport for ReplayDpop {
    async fn send(
        &self,
        mut request: idp_okta::HttpRequest,
    ) -> Result<idp_okta::HttpResponse, idp_okta::TransportError> {
        if request.uri().path().starts_with("/api/") {
            let proof = request.headers().get("dpop").cloned();
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(previous) = last.clone() {
                request.headers_mut().insert("dpop", previous);
            }
            *last = proof;
        }
        self.inner.send(request).await
    }
}

/// Item 2: an `invalid_dpop_proof` 400 (here a replayed proof) shows Okta's description, and
/// no token, proof or key in the error.
#[tokio::test]
async fn a_400_invalid_dpop_proof_shows_oktas_description_and_no_secret() -> TestResult {
    let transport = Arc::new(ReplayDpop {
        inner: idp_okta::ReqwestTransport::new()?,
        last: std::sync::Mutex::new(None),
    });
    let (okta, client) = dpop_client(Some(transport.clone())).await?;
    client.hook_keys().list().send().await?;
    let err = client
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected 400")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("invalid_dpop_proof"));
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("The DPoP proof jti was already used."),
        "{text}"
    );
    let proof = transport
        .last
        .lock()
        .map(|l| l.clone())
        .ok()
        .flatten()
        .ok_or("proof")?;
    let proof = proof.to_str()?;
    assert!(
        !text.contains(proof) && !text.contains("okta-at.") && !text.contains("PRIVATE"),
        "{text}"
    );
    drop(okta);
    Ok(())
}

/// Item 2: `htu` is the URL as sent — scheme, host and the percent-encoded path, no query — which
/// is what Okta compares (okta-sdk-nodejs #453 was a client whose `htu` did not match). An id
/// that needs encoding and a query both pass the fake's check.
#[tokio::test]
async fn htu_is_the_encoded_url_without_query() -> TestResult {
    let (okta, client) = dpop_client(None).await?;
    let id = "00u a/b|c";
    okta.add_users([id]);
    let ids = okta.seed_app_users("0oa 1", 1);
    let got = client
        .application_users()
        .get("0oa 1", &ids[0])
        .expand("user")
        .send()
        .await?;
    assert_eq!(got.id(), Some(ids[0].as_str()));
    let err = client
        .application_users()
        .get("0oa 1", id)
        .send()
        .await
        .err()
        .ok_or("404")?;
    assert!(
        err.is_not_found(),
        "the proof passed, the user is not assigned: {err}"
    );
    let sent = okta
        .requests()
        .into_iter()
        .rfind(|r| r.operation == Some("getApplicationUser"))
        .ok_or("request")?;
    let proof = sent
        .headers
        .iter()
        .find(|(k, _)| k == "dpop")
        .ok_or("proof")?
        .1
        .clone();
    let (_, claims) = crate::common::jwt_parts(&proof);
    assert_eq!(
        claims["htu"],
        format!(
            "{}/api/v1/apps/0oa%201/users/00u%20a%2Fb%7Cc",
            okta.base_url()
        )
    );
    Ok(())
}

/// The token requests the fake received, and whether each carried a DPoP proof.
fn token_proofs(okta: &FakeOkta) -> Vec<bool> {
    okta.requests()
        .iter()
        .filter(|r| r.operation == Some("token"))
        .map(|r| r.header("dpop").is_some())
        .collect()
}

/// The `Authorization` scheme of the last API call.
fn last_api_scheme(okta: &FakeOkta) -> Option<String> {
    okta.requests()
        .into_iter()
        .rfind(|r| r.path.starts_with("/api/"))
        .and_then(|r| r.header("authorization").map(str::to_owned))
        .and_then(|a| a.split(' ').next().map(str::to_owned))
}

/// A DPoP client (the default) for a registered service app that does not require DPoP.
async fn non_dpop_app() -> Result<(FakeOkta, Client), Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaPlain", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    let client = Client::builder()
        .org_url(okta.base_url())
        .private_key_jwt("0oaPlain", RSA_PEM, ["okta.inlineHooks.read"])
        .retry_policy(RetryPolicy::none())
        .transport(Arc::new(BoundedTokenRequests::new()?))
        .build()?;
    Ok((okta, client))
}

/// Ends a runaway token loop: past [`BoundedTokenRequests::MAX`] token requests, each further
/// one fails as a transport error (nothing sent), so a client that never stops asking fails the
/// test's assertions instead of hanging it (issue 18: such mutants of `OktaOAuth::fetch` timed
/// out).
#[derive(Debug)]
struct BoundedTokenRequests {
    inner: idp_okta::ReqwestTransport,
    sent: std::sync::atomic::AtomicUsize,
}

impl BoundedTokenRequests {
    /// Far more token requests than any test here needs (three at most).
    const MAX: usize = 8;

    fn new() -> Result<Self, idp_okta::Error> {
        Ok(BoundedTokenRequests {
            inner: idp_okta::ReqwestTransport::new()?,
            sent: std::sync::atomic::AtomicUsize::new(0),
        })
    }
}

#[async_trait::async_trait]
impl idp_okta::Transport for BoundedTokenRequests {
    async fn send(
        &self,
        request: idp_okta::HttpRequest,
    ) -> Result<idp_okta::HttpResponse, idp_okta::TransportError> {
        if request.uri().path() == "/oauth2/v1/token"
            && self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= Self::MAX
        {
            return Err(idp_okta::TransportError::InvalidRequest(
                "test bound: too many token requests (a runaway token loop)".into(),
            ));
        }
        self.inner.send(request).await
    }
}

/// Item 3: a service app without "Require DPoP" that refuses the proof-bound token request
/// (`400 invalid_dpop_proof`, as okta-sdk-python's DPoP error help describes). The client
/// sends one plain token request, uses the Bearer token, and remembers it: the next token
/// request carries no proof.
#[tokio::test]
async fn a_non_dpop_app_that_refuses_proofs_gets_one_plain_request_remembered() -> TestResult {
    let (okta, client) = non_dpop_app().await?;
    assert!(okta.refuse_unsolicited_dpop("0oaPlain", true));
    client.hook_keys().list().send().await?;
    // Nonce challenge, the refused proof, then the plain request.
    assert_eq!(token_proofs(&okta), vec![true, true, false]);
    assert_eq!(last_api_scheme(&okta).as_deref(), Some("Bearer"));
    okta.revoke_tokens();
    okta.clear_requests();
    client.hook_keys().list().send().await?;
    assert_eq!(token_proofs(&okta), vec![false], "remembered: no proof");
    assert_eq!(last_api_scheme(&okta).as_deref(), Some("Bearer"));
    Ok(())
}

/// Item 3: a service app without "Require DPoP" that ignores the proof and issues a Bearer token
/// (what okta-sdk-golang PR #597 reports from real orgs). The Bearer token is used as such, with
/// no DPoP header, and later token requests carry no proof.
#[tokio::test]
async fn a_non_dpop_app_that_ignores_proofs_is_used_with_bearer_tokens() -> TestResult {
    let (okta, client) = non_dpop_app().await?;
    assert!(okta.ignore_unsolicited_dpop("0oaPlain", true));
    client.hook_keys().list().send().await?;
    assert_eq!(token_proofs(&okta), vec![true, true]);
    let api = okta
        .requests()
        .into_iter()
        .rfind(|r| r.path.starts_with("/api/"))
        .ok_or("the API call")?;
    assert_eq!(api.header("dpop"), None);
    assert_eq!(last_api_scheme(&okta).as_deref(), Some("Bearer"));
    okta.revoke_tokens();
    okta.clear_requests();
    client.hook_keys().list().send().await?;
    assert_eq!(token_proofs(&okta), vec![false]);
    Ok(())
}

/// Breaks the signature of every DPoP proof sent to the token endpoint.
#[derive(Debug)]
struct BreakTokenProof {
    inner: BoundedTokenRequests,
}

#[async_trait::async_trait]
impl idp_okta::Transport for BreakTokenProof {
    async fn send(
        &self,
        mut request: idp_okta::HttpRequest,
    ) -> Result<idp_okta::HttpResponse, idp_okta::TransportError> {
        if request.uri().path() == "/oauth2/v1/token" {
            let broken = request
                .headers()
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .and_then(|p| p.rsplit_once('.'))
                .map(|(signed, _)| format!("{signed}.AAAA"));
            if let Some(value) = broken.and_then(|b| http::HeaderValue::from_str(&b).ok()) {
                request.headers_mut().insert("dpop", value);
            }
        }
        self.inner.send(request).await
    }
}

/// Item 3, the other side: an app that does require DPoP and refuses a bad proof is not
/// downgraded. The plain request is refused for want of a proof, so the error is the first
/// refusal, with Okta's description of what was wrong with the proof.
#[tokio::test]
async fn a_dpop_app_refusing_a_bad_proof_is_not_downgraded() -> TestResult {
    let transport = Arc::new(BreakTokenProof {
        inner: BoundedTokenRequests::new()?,
    });
    let (okta, client) = dpop_client(Some(transport)).await?;
    let err = client
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected the refusal")?;
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    let text = err.to_string();
    assert!(text.contains("invalid_dpop_proof"), "{text}");
    assert!(text.contains("signature"), "{text}");
    assert!(text.contains("requires DPoP"), "{text}");
    assert!(
        !text.contains("BEGIN") && !text.contains("okta-at."),
        "{text}"
    );
    assert_eq!(token_proofs(&okta), vec![true, true, false]);
    Ok(())
}

/// Item 7: Okta's `errorId`, `errorCauses` and `errorLink` are reachable from the error. The body
/// is the `E0000001` shape the notes quote from Okta's assignment validation ("Api validation
/// failed: assignment", cause "Property 'x' not found").
#[tokio::test]
async fn error_id_causes_and_link_are_reachable() -> TestResult {
    use idp_okta::OktaErrorExt;
    let mock = idp_test_support::MockTransport::new();
    mock.push(
        400,
        &[("content-type", "application/json")],
        r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: assignment","errorLink":"E0000001","errorId":"oaeKz8sBOg2T7u2OFKS8pvpxw","errorCauses":[{"errorSummary":"Property 'x' not found","reason":"UNKNOWN_PROPERTY"}]}"#,
    );
    let client = crate::common::mock_client(&mock)?;
    let err = client
        .application_users()
        .assign("0oa1", AppUserAssignRequest::new("00u1"))
        .send()
        .await
        .err()
        .ok_or("expected 400")?;
    assert_eq!(err.error_id(), Some("oaeKz8sBOg2T7u2OFKS8pvpxw"));
    assert_eq!(err.error_causes(), ["Property 'x' not found".to_owned()]);
    assert_eq!(err.error_link().as_deref(), Some("E0000001"));
    let okta = err.okta_error().ok_or("the Okta error")?;
    assert_eq!(okta.error_code.as_deref(), Some("E0000001"));
    assert_eq!(
        okta.error_causes[0].extra.get("reason"),
        Some(&json!("UNKNOWN_PROPERTY"))
    );
    // An OAuth-style or transport error has none of them.
    let other = idp_okta::Error::invalid_input("x");
    assert_eq!(other.error_id(), None);
    assert!(other.error_causes().is_empty());
    assert!(other.okta_error().is_none());
    Ok(())
}

/// Item 7, end to end: the fake's errors carry `errorId` / `errorLink` as Okta's do.
#[tokio::test]
async fn the_fakes_errors_expose_their_error_id() -> TestResult {
    use idp_okta::OktaErrorExt;
    let (okta, client) = fake().await?;
    okta.disable_provisioning("0oaSso");
    let err = client
        .application_connections()
        .get_default("0oaSso")
        .send()
        .await
        .err()
        .ok_or("404")?;
    assert!(
        err.error_id().is_some_and(|id| id.starts_with("oae")),
        "{err:?}"
    );
    assert_eq!(err.error_link().as_deref(), Some("E0000007"));
    Ok(())
}

/// Item 7: typed timestamps next to the raw strings, and a typed-profile walk of app users with
/// no per-item conversion (`items_as::<P>()`), across pages.
#[tokio::test]
async fn typed_timestamps_and_a_typed_profile_walk() -> TestResult {
    #[derive(Debug, serde::Deserialize)]
    struct Profile {
        email: String,
        #[serde(rename = "lastName")]
        last_name: String,
    }
    let (okta, client) = fake().await?;
    let ids = okta.seed_app_users("0oaTyped", 5);
    let user = client
        .application_users()
        .get("0oaTyped", &ids[0])
        .send()
        .await?;
    let raw = user.created.clone().ok_or("created")?;
    let created = user.created().ok_or("parsed")?;
    let formatted = created.format(&time::format_description::well_known::Rfc3339)?;
    assert_eq!(
        idp_okta::models::OffsetDateTime::parse(
            &formatted,
            &time::format_description::well_known::Rfc3339
        )?,
        created
    );
    assert!(raw.ends_with('Z'), "{raw}");
    assert!(user.last_updated().is_some());

    let mut walk = client
        .application_users()
        .list("0oaTyped")
        .limit(2)
        .items_as::<Profile>();
    let mut seen = Vec::new();
    while let Some(user) = walk.try_next().await? {
        let profile = user.profile.ok_or("profile")?;
        assert!(profile.email.ends_with("@example.com"), "{profile:?}");
        seen.push(profile.last_name);
    }
    assert_eq!(seen.len(), 5);
    let pages = okta
        .requests()
        .iter()
        .filter(|r| r.operation == Some("listApplicationUsers"))
        .count();
    assert_eq!(pages, 3);
    Ok(())
}

/// The token endpoint throttled (`429 E0000047` with `X-Rate-Limit-*` and `Date`, as Okta's rate
/// limits answer) and then unavailable (`503`), through the fake's fault injector: both are
/// waited out — the 429 until the advertised reset (`X-Rate-Limit-Reset − Date + 1 s`, as
/// Okta's SDKs compute it) — and the call succeeds with one token issued.
#[tokio::test]
async fn a_throttled_then_failing_token_endpoint_is_waited_out() -> TestResult {
    use idp_testkit::Fault;
    use std::time::Duration;
    let okta = FakeOkta::start().await?;
    okta.register_service_app("0oaSvc", ServiceAppKey::Pem(RSA_PEM.to_owned()))?;
    okta.faults().operation("token").next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(4),
        },
    );
    okta.faults().operation("token").next(1, Fault::Status(503));
    let sleeper = idp_test_support::RecordingSleeper::new();
    let client = Client::builder()
        .org_url(okta.base_url())
        .private_key_jwt("0oaSvc", RSA_PEM, ["okta.inlineHooks.read"])
        .dpop(false)
        .sleeper(Arc::new(sleeper.clone()))
        .build()?;
    client.hook_keys().list().send().await?;
    let token_posts: Vec<_> = okta
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some("token"))
        .collect();
    assert_eq!(token_posts.len(), 3, "429, 503, then the token");
    assert_eq!(okta.token_requests(), 1, "one token issued");
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 2, "{waits:?}");
    // The reset is 4 s after the fake's `Date` (both whole seconds), + 1 s.
    assert!(waits[0] == Duration::from_secs(5), "{waits:?}");
    Ok(())
}
