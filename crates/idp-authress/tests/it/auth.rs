//! Authentication: locally signed service client tokens, user tokens, the raw-key opt-in.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use idp_authress::auth::{AccessKey, AccessKeyTokens};
use idp_authress::{BaseUrl, Client, ErrorKind, RetryPolicy};
use idp_test_support::{ManualClock, MockTransport};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::common::{TestKey, TestResult, test_key};

const START: u64 = 1_750_000_000;

fn bearer(req: &idp_test_support::RecordedRequest) -> Result<String, &'static str> {
    req.header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or("no bearer token")
}

/// Verifies the token's signature with the public key and returns (header, claims).
fn verify(
    token: &str,
    key: &TestKey,
) -> Result<(jsonwebtoken::Header, Value), Box<dyn std::error::Error>> {
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.validate_exp = false; // the test clock is not the real clock; exp is checked by hand
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_ed_der(&key.public_key),
        &validation,
    )?;
    Ok((data.header, data.claims))
}

fn builder(
    key: &TestKey,
    base: &str,
    mock: &MockTransport,
    clock: &ManualClock,
) -> idp_authress::ClientBuilder {
    Client::builder()
        .base_url(base)
        .access_key(key.access_key.as_str())
        .transport(Arc::new(mock.clone()))
        .clock(Arc::new(clock.clone()))
        .retry_policy(RetryPolicy::none())
}

fn client(
    key: &TestKey,
    base: &str,
    mock: &MockTransport,
    clock: &ManualClock,
) -> Result<Client, idp_authress::Error> {
    builder(key, base, mock, clock).build()
}

/// The bearer tokens of every request sent so far.
fn tokens(mock: &MockTransport) -> Result<Vec<String>, &'static str> {
    mock.requests().iter().map(bearer).collect()
}

#[tokio::test]
async fn signed_token_verifies_with_the_public_key_and_carries_the_expected_claims() -> TestResult {
    // The ids of the public test vector in the JS SDK's unit tests.
    let key = test_key("sc_service_client", "uDeF", "acc-test_account_id")?;
    let mock = MockTransport::new();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START));
    let client = Client::builder()
        .access_key(key.access_key.as_str()) // no base URL: derived from the key
        .transport(Arc::new(mock.clone()))
        .clock(Arc::new(clock.clone()))
        .build()?;
    mock.push_json(200, &json!({"connections": []}));
    client.connections().list().send().await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_eq!(
        req.uri.to_string(),
        "https://acc-test_account_id.api.authress.io/v1/connections"
    );
    let token = bearer(&req)?;
    assert!(
        !token.contains(&key.private_key_b64[20..]),
        "the private key must not be sent"
    );

    let (header, claims) = verify(&token, &key)?;
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some("uDeF"));
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(
        claims["iss"],
        "https://acc-test_account_id.api.authress.io/v1/clients/sc_service_client"
    );
    assert_eq!(claims["sub"], "sc_service_client");
    assert_eq!(claims["client_id"], "sc_service_client");
    assert_eq!(claims["aud"], "acc-test_account_id.accounts.authress.io");
    assert_eq!(claims["iat"], START);
    assert_eq!(claims["nbf"], START - 600);
    assert_eq!(claims["exp"], START + 86_400);
    assert_eq!(claims["scope"], "openid");
    Ok(())
}

#[tokio::test]
async fn custom_domain_is_the_issuer_origin() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START));
    let client = client(&key, "login.example.com/", &mock, &clock)?;
    mock.push_json(200, &json!({"accessToken": "t"}));
    client
        .connections()
        .get_credentials("google", "u1")
        .send()
        .await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_eq!(req.uri.host(), Some("login.example.com"));
    let (_, claims) = verify(&bearer(&req)?, &key)?;
    assert_eq!(claims["iss"], "https://login.example.com/v1/clients/sc_abc");
    assert_eq!(claims["aud"], "acc-9.accounts.authress.io");
    Ok(())
}

#[tokio::test]
async fn token_is_reused_across_calls_and_signed_again_near_expiry() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START));
    let client = client(&key, "https://acc-9.api.authress.io", &mock, &clock)?;
    for _ in 0..5 {
        mock.push(204, &[], "");
    }
    client.connections().delete("a").send().await?;
    clock.advance(Duration::from_secs(60));
    client.connections().delete("b").send().await?;
    // 22 h 59 min after signing: more than one hour left, still reused.
    clock.set(UNIX_EPOCH + Duration::from_secs(START + 23 * 3600 - 60));
    client.clone().connections().delete("c").send().await?;
    // Less than one hour left: signed again.
    clock.set(UNIX_EPOCH + Duration::from_secs(START + 23 * 3600 + 1));
    client.connections().delete("d").send().await?;
    // Past expiry entirely: signed again.
    clock.set(UNIX_EPOCH + Duration::from_secs(START + 3 * 86_400));
    client.connections().delete("e").send().await?;

    let tokens = tokens(&mock)?;
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[0], tokens[2]);
    assert_ne!(tokens[2], tokens[3]);
    assert_ne!(tokens[3], tokens[4]);
    let (_, first) = verify(&tokens[0], &key)?;
    let (_, second) = verify(&tokens[3], &key)?;
    let (_, third) = verify(&tokens[4], &key)?;
    assert_eq!(first["iat"], START);
    assert_eq!(second["iat"], START + 23 * 3600 + 1);
    assert_eq!(third["iat"], START + 3 * 86_400);
    assert_eq!(third["exp"], START + 4 * 86_400);
    Ok(())
}

#[tokio::test]
async fn token_refresh_before_moves_the_re_signing_point() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START));
    let client = builder(&key, "https://acc-9.api.authress.io", &mock, &clock)
        .token_refresh_before(Duration::from_secs(3 * 3600))
        .build()?;
    for _ in 0..3 {
        mock.push(204, &[], "");
    }
    client.connections().delete("a").send().await?;
    // 20 h 59 min after signing: more than three hours left, still reused.
    clock.set(UNIX_EPOCH + Duration::from_secs(START + 21 * 3600 - 60));
    client.connections().delete("b").send().await?;
    // 21 h 1 s: less than three hours left (the default margin of one hour would still reuse it).
    clock.set(UNIX_EPOCH + Duration::from_secs(START + 21 * 3600 + 1));
    client.connections().delete("c").send().await?;
    let tokens = tokens(&mock)?;
    assert_eq!(tokens[0], tokens[1]);
    assert_ne!(tokens[1], tokens[2]);
    assert_eq!(verify(&tokens[2], &key)?.1["iat"], START + 21 * 3600 + 1);
    Ok(())
}

#[tokio::test]
async fn custom_credentials_replace_the_built_in_modes() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let custom = idp_authress::StaticToken::bearer(&"custom-token".into())?;
    let client = Client::builder()
        .base_url("https://login.example.com")
        .access_key(key.access_key.as_str())
        .credentials(Arc::new(custom))
        .user_token("ignored-user-token")
        .transport(Arc::new(mock.clone()))
        .build()?;
    mock.push(204, &[], "");
    client.connections().delete("a").send().await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_eq!(req.header("authorization"), Some("Bearer custom-token"));

    // Custom credentials name no account: the base URL is required.
    let err = Client::builder()
        .credentials(Arc::new(idp_authress::StaticToken::bearer(
            &"custom-token".into(),
        )?))
        .build()
        .err();
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("base URL is required")
    );
    Ok(())
}

#[tokio::test]
async fn a_401_drops_the_cached_token_and_retries_once() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START));
    let client = client(&key, "https://acc-9.api.authress.io", &mock, &clock)?;
    mock.push(401, &[], "");
    mock.push(204, &[], "");
    clock.advance(Duration::from_secs(5)); // both attempts sign at START + 5
    client.connections().delete("a").send().await?;
    assert_eq!(mock.request_count(), 2);
    let requests = mock.requests();
    let (first, second) = (bearer(&requests[0])?, bearer(&requests[1])?);
    // Signing is deterministic (Ed25519, same second): the retry carries a freshly signed,
    // valid token for the same claims.
    let (_, claims) = verify(&second, &key)?;
    assert_eq!(claims["iat"], START + 5);
    assert_eq!(verify(&first, &key)?.1, claims);
    Ok(())
}

#[test]
fn malformed_access_key_is_refused_at_build_without_echo() {
    let secretish = "sc_abc.kid1.acc-9.THIS-IS-NOT-BASE64-PRIVATE-KEY!!";
    let err = Client::builder().access_key(secretish).build().err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
    let debug = format!("{err:?}");
    assert!(
        text.contains("access key is malformed") && text.contains("base64"),
        "{text}"
    );
    assert!(
        !text.contains("THIS-IS-NOT") && !debug.contains("THIS-IS-NOT"),
        "{text} {debug}"
    );

    let three_parts = Client::builder()
        .access_key("sc_abc.kid1.SECRETSECRET")
        .build()
        .err();
    let text = three_parts
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        text.contains("3 dot-separated parts") && !text.contains("SECRETSECRET"),
        "{text}"
    );

    let raw = Client::builder()
        .raw_access_key_as_bearer("garbage-SECRET")
        .build()
        .err();
    assert_eq!(
        raw.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    assert!(
        !raw.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("garbage-SECRET")
    );
}

#[test]
fn builder_and_client_debug_show_no_secret() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let builder = Client::builder().access_key(key.access_key.as_str());
    assert!(!format!("{builder:?}").contains(&key.private_key_b64[..16]));
    let client = builder.build()?;
    let text = format!("{client:?}");
    assert!(!text.contains(&key.private_key_b64[..16]), "{text}");
    let parsed = AccessKey::parse(&key.access_key)?;
    assert!(!format!("{parsed:?}").contains(&key.private_key_b64[..16]));
    let tokens = AccessKeyTokens::new(parsed, &BaseUrl::parse("acc-9.api.authress.io")?)?;
    let token = tokens.sign(SystemTime::now())?;
    assert!(!format!("{tokens:?} {token:?}").contains(&key.private_key_b64[..16]));
    Ok(())
}

#[tokio::test]
async fn user_token_is_passed_through() -> TestResult {
    let mock = MockTransport::new();
    let client = Client::builder()
        .base_url("https://login.example.com")
        .user_token("Bearer eyJhbGciOiJFZERTQSJ9.e30.sig")
        .transport(Arc::new(mock.clone()))
        .build()?;
    mock.push(204, &[], "");
    client.connections().delete("a").send().await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_eq!(
        req.header("authorization"),
        Some("Bearer eyJhbGciOiJFZERTQSJ9.e30.sig")
    );
    Ok(())
}

#[tokio::test]
async fn raw_access_key_is_sent_only_when_chosen() -> TestResult {
    let key = test_key("sc_abc", "kid1", "acc-9")?;
    let mock = MockTransport::new();
    let client = Client::builder()
        .raw_access_key_as_bearer(key.access_key.as_str())
        .transport(Arc::new(mock.clone()))
        .build()?;
    mock.push(204, &[], "");
    client.connections().delete("a").send().await?;
    let req = mock.last_request().ok_or("no request")?;
    assert_eq!(req.uri.host(), Some("acc-9.api.authress.io"));
    assert_eq!(
        req.header("authorization").map(str::to_owned),
        Some(format!("Bearer {}", key.access_key))
    );
    Ok(())
}

#[test]
fn no_credentials_or_no_base_url_is_a_clear_error() {
    let err = Client::builder()
        .base_url("login.example.com")
        .build()
        .err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("no credentials")
    );
    let err = Client::builder().user_token("t").build().err();
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("base URL is required")
    );
    let err = Client::builder()
        .user_token("t")
        .base_url("http://login.example.com")
        .build()
        .err();
    assert!(
        err.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("https")
    );
}

/// Issue 14, item 8: the legacy access key (standard base64 of a JSON object with keyId, an
/// RSA `privateKey`, `audience` and `clientId`, the shape authress-sdk.py still decodes in
/// `authress/utils/service_client_token_provider.py` and uses in its unit test) gets an error
/// naming the format, not "looks like a JWT".
#[test]
fn a_legacy_base64_json_access_key_is_refused_with_the_expected_format() {
    use base64::Engine as _;
    let legacy_json = json!({
        "keyId": "ccb1cdbf-3476-4cb7-9675-5e33fb2953c3",
        "privateKey": "-----BEGIN PRIVATE KEY-----\nLEGACY-RSA-SECRET\n-----END PRIVATE KEY-----\n",
        "audience": "22bbc502-3b7a-4c54-8a6e-c04a3ca4df5f.accounts.authress.io",
        "clientId": "23b4bcd5-c0c1-4602-94e5-8da8273d0db0",
    });
    let legacy = base64::engine::general_purpose::STANDARD.encode(legacy_json.to_string());
    assert!(legacy.starts_with("eyJ") && !legacy.contains('.'));
    for err in [
        AccessKey::parse(&legacy).err(),
        Client::builder().access_key(legacy.as_str()).build().err(),
        Client::builder()
            .raw_access_key_as_bearer(legacy.as_str())
            .build()
            .err(),
    ] {
        assert_eq!(
            err.as_ref().map(|e| e.kind()),
            Some(ErrorKind::InvalidInput)
        );
        let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(text.contains("legacy access key"), "{text}");
        assert!(
            text.contains("clientId.keyId.accountId.privateKey"),
            "says which format is expected: {text}"
        );
        assert!(!text.contains("JWT"), "{text}");
        assert!(!text.contains(&legacy) && !format!("{err:?}").contains("LEGACY-RSA"));
    }
    // A real JWT (three parts) still gets the JWT hint.
    let jwt = AccessKey::parse("eyJhbGciOiJFZERTQSJ9.e30.sig").err();
    assert!(
        jwt.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("JWT")
    );
}

/// Issue 14, item 8: a base URL without a scheme on a loopback host is plain `http://`, as
/// Authress' own SDKs do for `localhost…` (authress-sdk.js `sanitizeUrl`), so authress-local
/// (`localhost:8888`) works; other hosts get `https://`.
#[tokio::test]
async fn a_loopback_base_url_without_a_scheme_is_plain_http() -> TestResult {
    for (input, want) in [
        ("localhost:8888", "http://localhost:8888"),
        ("127.0.0.1:8888/", "http://127.0.0.1:8888"),
        ("[::1]:8888", "http://[::1]:8888"),
        ("login.example.com", "https://login.example.com"),
    ] {
        let client = Client::builder()
            .base_url(input)
            .user_token("user-token")
            .build()?;
        assert_eq!(client.core().base_url().as_str(), want, "{input}");
    }
    // And it reaches a plain-HTTP server: the fake, addressed without a scheme.
    let fake = idp_testkit::FakeAuthress::start().await?;
    fake.seed_connections(2);
    let bare = fake.base_url().trim_start_matches("http://").to_owned();
    let client = Client::builder()
        .base_url(bare.as_str())
        .access_key(fake.access_key())
        .build()?;
    assert_eq!(client.connections().list().collect_all().await?.len(), 2);
    Ok(())
}
