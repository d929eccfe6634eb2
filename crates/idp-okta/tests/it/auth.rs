//! Authentication: SSWS, Bearer, and private_key_jwt with DPoP against a real token endpoint.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use idp_okta::auth::TOKEN_REFRESH_BEFORE;
use idp_okta::{Client, ErrorKind, RetryPolicy, SecretString, StaticToken};
use idp_test_support::{ManualClock, MockTransport};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};

use crate::common::{ORG, TestResult, jwt_parts};

const RSA_PRIVATE: &str = include_str!("keys/test-only-rsa-private.pem");
const RSA_PRIVATE_PKCS1: &str = include_str!("keys/test-only-rsa-private-pkcs1.pem");
const RSA_PUBLIC: &str = include_str!("keys/test-only-rsa-public.pem");
const CLIENT_ID: &str = "0oaServiceApp";

#[tokio::test]
async fn api_token_sends_ssws() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([]));
    let okta = Client::builder()
        .org_url(ORG)
        .api_token("00abcSSWS")
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_eq!(r.header("authorization"), Some("SSWS 00abcSSWS"));
    assert!(r.header("dpop").is_none());
    assert!(
        r.header("user-agent")
            .is_some_and(|ua| ua.starts_with("idp-okta/"))
    );
    assert!(!format!("{okta:?}").contains("00abcSSWS"));
    Ok(())
}

#[tokio::test]
async fn access_token_sends_bearer() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([]));
    let okta = Client::builder()
        .org_url(ORG)
        .access_token("eyBearer.tok")
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    let r = mock.last_request().ok_or("no request")?;
    assert_eq!(r.header("authorization"), Some("Bearer eyBearer.tok"));
    assert!(!format!("{okta:?}").contains("eyBearer"));
    Ok(())
}

#[tokio::test]
async fn custom_credentials_replace_the_built_in_modes() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([]));
    mock.push_json(200, &json!([]));
    let custom = Arc::new(StaticToken::bearer(&SecretString::from("custom-tok"))?);
    // Custom credentials win over a built-in mode set on the same builder…
    let okta = Client::builder()
        .org_url(ORG)
        .api_token("00abcSSWS")
        .credentials(custom.clone())
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    // …and need no built-in mode at all (not even a usable one).
    let okta = Client::builder()
        .org_url(ORG)
        .api_token("  ")
        .credentials(custom)
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    for r in mock.requests() {
        assert_eq!(r.header("authorization"), Some("Bearer custom-tok"));
    }
    assert_eq!(mock.request_count(), 2);
    Ok(())
}

/// `token_refresh_before` sets how early the private_key_jwt token cache refreshes; without it
/// the crate's default (`TOKEN_REFRESH_BEFORE`, 5 minutes) applies.
#[tokio::test]
async fn token_refresh_before_is_honoured_by_the_private_key_jwt_cache() -> TestResult {
    assert_eq!(TOKEN_REFRESH_BEFORE, Duration::from_secs(300));
    let token = |t: &str| json!({"token_type": "Bearer", "access_token": t, "expires_in": 3600});
    // (setting, token responses expected after: fetch, +3000 s (600 s left), +200 s (400 s left))
    let cases: [(Option<u64>, [&str; 3]); 3] = [
        (None, ["at-1", "at-1", "at-1"]),
        (Some(500), ["at-1", "at-1", "at-2"]),
        (Some(1000), ["at-1", "at-2", "at-2"]),
    ];
    for (setting, want) in cases {
        let mock = MockTransport::new();
        let clock = ManualClock::new(SystemTime::now());
        let mut builder = Client::builder()
            .org_url(ORG)
            .private_key_jwt(CLIENT_ID, RSA_PRIVATE, ["okta.inlineHooks.read"])
            .dpop(false)
            .transport(Arc::new(mock.clone()))
            .clock(Arc::new(clock.clone()))
            .retry_policy(RetryPolicy::none());
        if let Some(secs) = setting {
            builder = builder.token_refresh_before(Duration::from_secs(secs));
        }
        let okta = builder.build()?;
        let mut seen = Vec::new();
        let mut fetched = 0;
        for advance in [0, 3000, 200] {
            clock.advance(Duration::from_secs(advance));
            // A token response is queued only when this step is expected to fetch one.
            let step = seen.len();
            if step == 0 || want[step] != want[step - 1] {
                fetched += 1;
                mock.push_json(200, &token(&format!("at-{fetched}")));
            }
            mock.push_json(200, &json!([]));
            okta.hook_keys().list().send().await?;
            let last = mock.last_request().ok_or("no request")?;
            seen.push(
                last.header("authorization")
                    .and_then(|a| a.strip_prefix("Bearer "))
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        assert_eq!(seen, want, "token_refresh_before = {setting:?}");
        let token_requests = mock
            .requests()
            .iter()
            .filter(|r| r.path() == "/oauth2/v1/token")
            .count();
        assert_eq!(
            token_requests, fetched,
            "token_refresh_before = {setting:?}"
        );
    }
    Ok(())
}

#[test]
fn missing_credentials_empty_tokens_and_bad_urls_are_invalid_input() {
    let cases = [
        (
            Client::builder().org_url(ORG).build().err(),
            "no credentials",
        ),
        (
            Client::builder().org_url(ORG).api_token("  ").build().err(),
            "must not be empty",
        ),
        (Client::builder().api_token("t").build().err(), "org URL"),
        (
            Client::builder()
                .org_url("https://{yourOktaDomain}")
                .api_token("t")
                .build()
                .err(),
            "yourOktaDomain",
        ),
        (
            Client::builder()
                .org_url("https://acme-admin.okta.com")
                .api_token("t")
                .build()
                .err(),
            "admin",
        ),
        (
            Client::builder()
                .org_url("http://acme.okta.com")
                .api_token("t")
                .build()
                .err(),
            "https",
        ),
        (
            Client::builder()
                .org_url(ORG)
                .private_key_jwt(CLIENT_ID, RSA_PRIVATE, Vec::<String>::new())
                .build()
                .err(),
            "scope",
        ),
    ];
    for (err, needle) in cases {
        assert_eq!(
            err.as_ref().map(|e| e.kind()),
            Some(ErrorKind::InvalidInput),
            "{needle}"
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains(needle), "{text}");
    }
}

#[test]
fn malformed_private_key_is_invalid_input_and_never_echoed() {
    let pem = "-----BEGIN PRIVATE KEY-----\nTUlJQ0RFRVBTRUNSRVQ=\n-----END PRIVATE KEY-----\n";
    let err = Client::builder()
        .org_url(ORG)
        .private_key_jwt(CLIENT_ID, pem, ["okta.apps.read"])
        .build()
        .err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.map(|e| format!("{e} {e:?}")).unwrap_or_default();
    assert!(!text.contains("TUlJQ0RFRVBTRUNSRVQ"), "{text}");
}

#[test]
fn pkcs1_and_pkcs8_rsa_keys_load_and_never_show_in_debug() -> TestResult {
    for pem in [RSA_PRIVATE, RSA_PRIVATE_PKCS1] {
        let okta = Client::builder()
            .org_url(ORG)
            .private_key_jwt(CLIENT_ID, pem, ["okta.apps.read"])
            .build()?;
        let debug = format!("{okta:?}");
        assert!(
            debug.contains("RS256") && !debug.contains("PRIVATE KEY"),
            "{debug}"
        );
    }
    Ok(())
}

/// What the token endpoint and the API saw.
#[derive(Default)]
struct Seen {
    token_forms: Vec<Vec<(String, String)>>,
    token_proofs: Vec<String>,
    api_proofs: Vec<String>,
}

fn form(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn proof_nonce(req: &httpmock::HttpMockRequest) -> Option<String> {
    let headers = req.headers();
    let proof = headers.get("dpop")?.to_str().ok()?;
    jwt_parts(proof)
        .1
        .get("nonce")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn verify_dpop_proof(proof: &str) -> Result<(Value, Value), Box<dyn std::error::Error>> {
    let (header, claims) = jwt_parts(proof);
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["jwk"]["kty"], "EC");
    let key = DecodingKey::from_ec_components(
        header["jwk"]["x"].as_str().ok_or("x")?,
        header["jwk"]["y"].as_str().ok_or("y")?,
    )?;
    let mut v = Validation::new(Algorithm::ES256);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    jsonwebtoken::decode::<Value>(proof, &key, &v)?;
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    assert!(claims["iat"].is_u64());
    Ok((header, claims))
}

#[tokio::test]
async fn private_key_jwt_with_dpop_nonce_token_reuse_refresh_and_resource_proof() -> TestResult {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Seen::default()));

    // 1. A token request without a nonce gets the DPoP nonce challenge.
    let challenge = server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/v1/token").is_true(|req| proof_nonce(req).is_none());
            then.status(400)
                .header("dpop-nonce", "nonce-1")
                .json_body(json!({"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."}));
        })
        .await;
    // 2. With the nonce, a DPoP-bound token.
    let s = Arc::clone(&seen);
    let token = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/oauth2/v1/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .is_true(move |req| {
                    let ok = proof_nonce(req).as_deref() == Some("nonce-1");
                    if ok {
                        let mut seen = s.lock().unwrap_or_else(|e| e.into_inner());
                        seen.token_forms.push(form(&req.body_string()));
                        let proof = req
                            .headers()
                            .get("dpop")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        seen.token_proofs.extend(proof);
                    }
                    ok
                });
            then.status(200).json_body(json!({
                "token_type": "DPoP", "access_token": "at-dpop-1", "expires_in": 3600,
                "scope": "okta.apps.read okta.inlineHooks.read"
            }));
        })
        .await;
    // 3. The API wants `Authorization: DPoP <token>` and a proof.
    let s = Arc::clone(&seen);
    let api = server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/api/v1/hook-keys")
                .header("authorization", "DPoP at-dpop-1")
                .is_true(move |req| {
                    let proof = req
                        .headers()
                        .get("dpop")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let found = proof.is_some();
                    s.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .api_proofs
                        .extend(proof);
                    found
                });
            then.status(200).json_body(json!([]));
        })
        .await;

    let start = SystemTime::now();
    let clock = ManualClock::new(start);
    let okta = Client::builder()
        .org_url(server.base_url())
        .private_key_jwt(
            CLIENT_ID,
            RSA_PRIVATE,
            ["okta.apps.read", "okta.inlineHooks.read"],
        )
        .key_id("kid-1")
        .clock(Arc::new(clock.clone()))
        .retry_policy(RetryPolicy::none())
        .build()?;

    okta.hook_keys().list().send().await?;
    clock.advance(Duration::from_secs(3000));
    okta.hook_keys().list().send().await?;
    assert_eq!(
        challenge.calls_async().await,
        1,
        "the nonce challenge is answered once"
    );
    assert_eq!(
        token.calls_async().await,
        1,
        "the token is reused across calls"
    );
    clock.advance(Duration::from_secs(400)); // 200 s before expiry: inside the 5 min refresh margin
    okta.hook_keys().list().send().await?;
    assert_eq!(
        token.calls_async().await,
        2,
        "the token is refreshed before it expires"
    );
    assert_eq!(
        challenge.calls_async().await,
        1,
        "the known nonce is reused"
    );
    assert_eq!(api.calls_async().await, 3);

    let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let token_url = format!("{}/oauth2/v1/token", server.base_url());
    // The token request form and its client assertion, verified with the public key.
    let form = seen.token_forms.first().ok_or("no token request seen")?;
    assert_eq!(field(form, "grant_type"), Some("client_credentials"));
    assert_eq!(
        field(form, "scope"),
        Some("okta.apps.read okta.inlineHooks.read")
    );
    assert_eq!(
        field(form, "client_assertion_type"),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    let assertion = field(form, "client_assertion").ok_or("no client_assertion")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_url.as_str()]);
    validation.set_issuer(&[CLIENT_ID]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud", "jti"]);
    let decoded = jsonwebtoken::decode::<Value>(
        assertion,
        &DecodingKey::from_rsa_pem(RSA_PUBLIC.as_bytes())?,
        &validation,
    )?;
    assert_eq!(decoded.header.kid.as_deref(), Some("kid-1"));
    let c = &decoded.claims;
    assert_eq!(c["sub"], CLIENT_ID);
    assert_eq!(c["iss"], CLIENT_ID);
    assert_eq!(c["aud"], token_url.as_str());
    let (iat, exp) = (
        c["iat"].as_u64().ok_or("iat")?,
        c["exp"].as_u64().ok_or("exp")?,
    );
    assert_eq!(iat, start.duration_since(SystemTime::UNIX_EPOCH)?.as_secs());
    assert!(exp > iat && exp - iat <= 3600, "exp within an hour");
    assert!(
        c["jti"].as_str().is_some_and(|j| j.len() == 36),
        "jti is a UUID"
    );
    // A second assertion has a fresh jti.
    let second = field(
        seen.token_forms.get(1).ok_or("no refresh seen")?,
        "client_assertion",
    )
    .ok_or("assertion")?;
    assert_ne!(jwt_parts(second).1["jti"], c["jti"]);

    // The token request's DPoP proof: POST to the token URL with the nonce.
    let (_, claims) = verify_dpop_proof(seen.token_proofs.first().ok_or("no token proof")?)?;
    assert_eq!(claims["htm"], "POST");
    assert_eq!(claims["htu"], token_url.as_str());
    assert_eq!(claims["nonce"], "nonce-1");
    assert!(claims.get("ath").is_none());

    // The resource call's DPoP proof: htm, htu (no query), ath = b64url(sha256(token)).
    let (header, claims) = verify_dpop_proof(seen.api_proofs.first().ok_or("no API proof")?)?;
    assert_eq!(claims["htm"], "GET");
    assert_eq!(
        claims["htu"],
        format!("{}/api/v1/hook-keys", server.base_url()).as_str()
    );
    let ath =
        URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, b"at-dpop-1").as_ref());
    assert_eq!(claims["ath"], ath.as_str());
    // The same DPoP key for the token and the resource (the token is bound to it).
    let (token_header, _) = jwt_parts(&seen.token_proofs[0]);
    assert_eq!(header["jwk"], token_header["jwk"]);
    Ok(())
}

#[tokio::test]
async fn resource_dpop_nonce_challenge_is_answered_once_with_the_nonce() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        200,
        &json!({"token_type": "DPoP", "access_token": "at-2", "expires_in": 3600}),
    );
    mock.push(
        401,
        &[
            ("www-authenticate", r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#),
            ("dpop-nonce", "rs-nonce-7"),
        ],
        "",
    );
    mock.push_json(200, &json!([]));
    let okta = Client::builder()
        .org_url(ORG)
        .private_key_jwt(CLIENT_ID, RSA_PRIVATE, ["okta.inlineHooks.read"])
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    let reqs = mock.requests();
    assert_eq!(
        reqs.len(),
        3,
        "token, challenged call, retried call (no new token)"
    );
    assert_eq!(reqs[0].path(), "/oauth2/v1/token");
    let (_, first) = jwt_parts(reqs[1].header("dpop").ok_or("no proof")?);
    assert!(first.get("nonce").is_none());
    assert_eq!(reqs[2].header("authorization"), Some("DPoP at-2"));
    let (_, retried) = jwt_parts(reqs[2].header("dpop").ok_or("no proof")?);
    assert_eq!(retried["nonce"], "rs-nonce-7");
    assert_eq!(retried["htu"], "https://acme.okta.com/api/v1/hook-keys");
    Ok(())
}

#[tokio::test]
async fn ec_p256_key_signs_es256_assertions_and_dpop_can_be_turned_off() -> TestResult {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| "keygen")?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| "load")?;
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        STANDARD.encode(pkcs8.as_ref())
    );

    let mock = MockTransport::new();
    mock.push_json(
        200,
        &json!({"token_type": "Bearer", "access_token": "at-ec", "expires_in": 3600}),
    );
    mock.push_json(200, &json!([]));
    let okta = Client::builder()
        .org_url(ORG)
        .private_key_jwt(CLIENT_ID, pem, ["okta.inlineHooks.read"])
        .dpop(false)
        .transport(Arc::new(mock.clone()))
        .build()?;
    okta.hook_keys().list().send().await?;
    let reqs = mock.requests();
    assert!(
        reqs[0].header("dpop").is_none(),
        "DPoP off: no proof on the token request"
    );
    let body = String::from_utf8(reqs[0].body.to_vec())?;
    let form = form(&body);
    let assertion = field(&form, "client_assertion").ok_or("assertion")?;
    let mut v = Validation::new(Algorithm::ES256);
    v.set_audience(&["https://acme.okta.com/oauth2/v1/token"]);
    let decoded = jsonwebtoken::decode::<Value>(
        assertion,
        &DecodingKey::from_ec_der(pair.public_key().as_ref()),
        &v,
    )?;
    assert_eq!(decoded.header.alg, Algorithm::ES256);
    assert_eq!(decoded.header.kid, None);
    assert_eq!(decoded.claims["sub"], CLIENT_ID);
    assert_eq!(reqs[1].header("authorization"), Some("Bearer at-ec"));
    assert!(reqs[1].header("dpop").is_none());
    Ok(())
}

#[tokio::test]
async fn token_endpoint_errors_are_auth_errors_without_secrets() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(401, &json!({"error": "invalid_client", "error_description": "The client_assertion signature is invalid."}));
    let okta = Client::builder()
        .org_url(ORG)
        .private_key_jwt(CLIENT_ID, RSA_PRIVATE, ["okta.apps.read"])
        .transport(Arc::new(mock.clone()))
        .build()?;
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Auth);
    let text = err.to_string();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains("eyJ"), "no assertion in the error: {text}");
    assert_eq!(
        mock.request_count(),
        1,
        "nothing is sent to the API without a token"
    );
    Ok(())
}
