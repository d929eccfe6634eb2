//! Secret hygiene: with `tracing` at TRACE (every event and every span event captured), the full
//! tour walk and an Okta `private_key_jwt` + DPoP session log no token, API key, client secret,
//! private key, client assertion, DPoP proof or Office 365 admin password; neither do the
//! `Debug` / `Display` of clients, builders, requests and of errors provoked with every kind of
//! credential.
//!
//! The secrets scanned for are the ones configured *and* every credential the fakes saw on the
//! wire (`Authorization` and `DPoP` header values, `client_secret` / `client_assertion` form
//! fields), plus any JWT (`eyJ`).

use std::sync::{Arc, Mutex};

use idp::ErrorKind;
use idp::okta::models::{
    KeyRequest, Office365ProvisioningSettings, ProvisioningConnectionOauthRequest,
    ProvisioningConnectionTokenRequest,
};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta, LoggedRequest, ServiceAppKey};
use tracing_subscriber::fmt::format::FmtSpan;

use crate::TestResult;

#[path = "../../crates/idp/examples/tour/walk.rs"]
#[allow(dead_code)]
mod walk;

const RSA_PRIVATE: &str =
    include_str!("../../crates/idp-okta/tests/it/keys/test-only-rsa-private.pem");

/// An in-memory log sink.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A live capture: the thread's default subscriber until dropped.
struct Capture {
    captured: Captured,
    _guard: tracing::subscriber::DefaultGuard,
    /// A second registered dispatcher, alive as long as the capture. With exactly one dispatcher
    /// registered, tracing-core computes a callsite's (process-wide, cached) interest from the
    /// thread that first hits it; a parallel test thread without a subscriber would then cache
    /// `never` and blind this capture (tokio-rs/tracing#3611). Two registered dispatchers take
    /// the general path, which asks every live dispatcher.
    _pin: tracing::Dispatch,
}

/// A TRACE subscriber capturing every event and every span event (new, enter, exit, close) of
/// every target, set as the default for this thread (the current-thread test runtime runs the
/// clients and the fakes on it).
fn capture() -> Capture {
    let pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_target(true)
        .with_writer(captured.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    Capture {
        captured,
        _guard: guard,
        _pin: pin,
    }
}

/// Every credential a fake saw on the wire.
fn wire_secrets(log: &[LoggedRequest]) -> Vec<String> {
    let mut out = Vec::new();
    for r in log {
        for (name, value) in &r.headers {
            match name.to_ascii_lowercase().as_str() {
                "authorization" => {
                    let token = value.split_once(' ').map_or(value.as_str(), |(_, t)| t);
                    out.push(token.trim().to_owned());
                }
                "dpop" => out.push(value.clone()),
                _ => {}
            }
        }
        if r.operation == Some("token") {
            let body = String::from_utf8_lossy(&r.body).into_owned();
            for (k, v) in form_pairs(&body) {
                if k == "client_secret" || k == "client_assertion" {
                    out.push(v);
                }
            }
        }
    }
    out.retain(|s| s.len() >= 8);
    out.sort();
    out.dedup();
    out
}

/// Decodes an `application/x-www-form-urlencoded` body (enough for token requests).
fn form_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode_form(k), decode_form(v)))
        .collect()
}

fn decode_form(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'+' => Some(b' '),
            b'%' => s
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()),
            _ => None,
        };
        match decoded {
            Some(b) if bytes[i] == b'%' => {
                out.push(b);
                i += 3;
            }
            Some(b) => {
                out.push(b);
                i += 1;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The base64 lines of a PEM body (the private key material).
fn pem_body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(str::to_owned)
        .collect()
}

/// Asserts `text` holds none of `secrets` and no JWT.
fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} leaks a secret ({}…):\n{}",
            &secret[..secret.len().min(6)],
            excerpt(text, secret)
        );
    }
    assert!(
        !text.contains("eyJ"),
        "{what} leaks a JWT:\n{}",
        excerpt(text, "eyJ")
    );
}

fn excerpt(text: &str, needle: &str) -> String {
    text.lines()
        .filter(|l| l.contains(needle))
        .take(3)
        .map(|l| {
            let cut = (0..=l.len().min(300))
                .rev()
                .find(|i| l.is_char_boundary(*i))
                .unwrap_or(0);
            &l[..cut]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `close` lines of the `idp.call` spans, one per call.
fn call_spans<'a>(logs: &'a str, provider: &str) -> Vec<&'a str> {
    let tag = format!("idp.call{{provider=\"{provider}\"");
    logs.lines()
        .filter(|l| l.contains(&tag) && l.contains("close time.busy"))
        .collect()
}

/// API calls a fake served (token endpoint requests are part of the call that needed them).
fn api_requests(log: &[LoggedRequest]) -> Vec<&'static str> {
    log.iter()
        .filter(|r| r.operation != Some("token"))
        .filter_map(|r| r.operation)
        .collect()
}

#[tokio::test]
async fn the_tour_at_trace_logs_no_secret_and_one_span_per_call() -> TestResult {
    let capture = capture();
    let fakes = walk::Fakes::start().await?;
    fakes.walk().await?;
    let logs = capture.captured.text();
    drop(capture);

    assert!(!logs.is_empty(), "the capture works");
    let mut secrets: Vec<String> = fakes.secrets();
    secrets.extend(walk::SECRETS.iter().map(|s| (*s).to_owned()));
    for log in [
        fakes.okta.requests(),
        fakes.authress.requests(),
        fakes.kinde.requests(),
    ] {
        secrets.extend(wire_secrets(&log));
    }
    assert!(
        secrets.len() >= 10,
        "the scan covers the configured and the wire secrets: {}",
        secrets.len()
    );
    assert_clean("the tour's TRACE logs", &logs, &secrets);

    for (provider, log) in [
        ("okta", fakes.okta.requests()),
        ("authress", fakes.authress.requests()),
        ("kinde", fakes.kinde.requests()),
    ] {
        let spans = call_spans(&logs, provider);
        let calls = api_requests(&log);
        assert!(!calls.is_empty(), "{provider} was walked");
        assert_eq!(
            spans.len(),
            calls.len(),
            "one idp.call span per {provider} call:\n{}",
            spans.join("\n")
        );
        for (span, op) in spans.iter().zip(&calls) {
            assert!(
                span.contains(&format!("operation=\"{op}\"")),
                "{span} vs {op}"
            );
            assert!(
                span.contains("attempts=1") && span.contains("status=2"),
                "{span}"
            );
        }
    }
    // The walk's secrets did travel (to the fakes), so not finding them in the logs means something.
    let bodies: Vec<String> = [
        fakes.okta.requests(),
        fakes.authress.requests(),
        fakes.kinde.requests(),
    ]
    .iter()
    .flatten()
    .map(|r| String::from_utf8_lossy(&r.body).into_owned())
    .collect();
    for secret in walk::SECRETS {
        assert!(
            bodies.iter().any(|b| b.contains(secret)),
            "{secret} was sent"
        );
    }
    Ok(())
}

#[tokio::test]
async fn okta_private_key_jwt_with_dpop_at_trace_logs_no_key_assertion_proof_or_token() -> TestResult
{
    let capture = capture();
    let fake = FakeOkta::start().await?;
    let client_id = "0oahygiene000000001";
    fake.register_service_app(client_id, ServiceAppKey::Pem(RSA_PRIVATE.to_owned()))?;
    assert!(fake.require_dpop(client_id, true));
    fake.seed_app_users(walk::TOUR_APP, 3);
    let okta = idp::okta::Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt(
            client_id,
            RSA_PRIVATE,
            ["okta.apps.manage", "okta.inlineHooks.manage"],
        )
        .key_id("hygiene-kid")
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    let users = okta
        .application_users()
        .list(walk::TOUR_APP)
        .limit(2)
        .collect_all()
        .await?;
    assert_eq!(users.len(), 3);
    // A new nonce and revoked tokens: the proofs and the token are renewed on the way.
    fake.rotate_dpop_nonce();
    okta.hook_keys()
        .create(KeyRequest::new("hygiene"))
        .send()
        .await?;
    fake.revoke_tokens();
    okta.hook_keys().list().send().await?;
    okta.application_connections()
        .update_default(
            walk::TOUR_APP,
            ProvisioningConnectionTokenRequest::new(walk::SCIM_TOKEN),
        )
        .send()
        .await?;
    let logs = capture.captured.text();
    drop(capture);

    assert!(
        fake.token_requests() >= 2,
        "tokens were fetched and refreshed"
    );
    let log = fake.requests();
    assert!(
        log.iter().any(|r| r.header("dpop").is_some()),
        "DPoP proofs were sent"
    );
    let mut secrets = wire_secrets(&log);
    assert!(
        secrets.iter().any(|s| s.starts_with("okta-at.")),
        "the access tokens are scanned for"
    );
    secrets.extend(pem_body_lines(RSA_PRIVATE));
    secrets.push(walk::SCIM_TOKEN.to_owned());
    assert!(!logs.is_empty(), "the capture works");
    assert_clean("the private_key_jwt session's TRACE logs", &logs, &secrets);
    // One span per call (2 pages + 3 calls); a 401 retried within a call counts as an attempt.
    let spans = call_spans(&logs, "okta");
    assert_eq!(
        spans.len(),
        5,
        "{}",
        logs.lines()
            .filter(|l| l.contains("idp.call"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let attempts: usize = spans.iter().map(|s| attempts(s)).sum();
    assert_eq!(attempts, api_requests(&log).len());
    assert!(
        attempts > spans.len(),
        "the nonce and revocation retries were exercised"
    );
    Ok(())
}

/// The `attempts` field of a span line.
fn attempts(span: &str) -> usize {
    span.rsplit("attempts=")
        .next()
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

// ---- Debug / Display of clients, builders, requests and errors ----

/// An RSA public JWK that matches no private key we hold ("wrong key").
fn unrelated_rsa_jwk() -> serde_json::Value {
    serde_json::json!({
        "kty": "RSA",
        "n": format!("{}qw", "q6ur".repeat(85)),
        "e": "AQAB",
    })
}

fn debug_and_display(err: &idp::Error) -> String {
    format!(
        "{err}\n{err:?}\n{:?}",
        std::error::Error::source(err).map(ToString::to_string)
    )
}

#[tokio::test]
async fn okta_clients_builders_and_errors_show_no_secret() -> TestResult {
    let fake = FakeOkta::start().await?;
    fake.register_service_app("0oawrongkey", ServiceAppKey::Jwk(unrelated_rsa_jwk()))?;
    let wrong_token = "00wrong-okta-api-token-1234567890";
    let wrong_bearer = "wrong-okta-access-token-0987654321";
    let mut secrets = vec![
        fake.api_token().to_owned(),
        wrong_token.to_owned(),
        wrong_bearer.to_owned(),
    ];
    secrets.extend(pem_body_lines(RSA_PRIVATE));
    let mut texts = Vec::new();

    let builders = [
        idp::okta::Client::builder()
            .org_url(fake.base_url())
            .api_token(fake.api_token()),
        idp::okta::Client::builder()
            .org_url(fake.base_url())
            .api_token(wrong_token),
        idp::okta::Client::builder()
            .org_url(fake.base_url())
            .access_token(wrong_bearer),
        idp::okta::Client::builder()
            .org_url(fake.base_url())
            .private_key_jwt("0oawrongkey", RSA_PRIVATE, ["okta.apps.read"]),
    ];
    let mut errors = Vec::new();
    for builder in builders {
        texts.push(format!("{builder:?}"));
        let client = builder.retry_policy(idp::RetryPolicy::none()).build()?;
        texts.push(format!("{client:?}"));
        let request = client.application_users().list(walk::TOUR_APP);
        texts.push(format!("{request:?}"));
        match request.send().await {
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    // Wrong token, wrong bearer, wrong key: three Auth errors; the right token succeeds.
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.kind() == ErrorKind::Auth),
        "{errors:?}"
    );
    // Malformed key.
    let malformed = RSA_PRIVATE.replace('A', "B");
    let err = idp::okta::Client::builder()
        .org_url(fake.base_url())
        .private_key_jwt("0oa", malformed.as_str(), ["okta.apps.read"])
        .build()
        .err()
        .ok_or("a malformed key must be refused")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    secrets.extend(pem_body_lines(&malformed));
    errors.push(err);
    // Requests holding secrets in their bodies.
    let client = idp::okta::Client::builder()
        .org_url(fake.base_url())
        .api_token(fake.api_token())
        .build()?;
    texts.push(format!(
        "{:?}",
        client.application_connections().update_default(
            "0oa1",
            ProvisioningConnectionTokenRequest::new(walk::SCIM_TOKEN)
        )
    ));
    texts.push(format!(
        "{:?}",
        client.application_connections().update_default(
            "0oa1",
            ProvisioningConnectionOauthRequest::new().settings(Office365ProvisioningSettings::new(
                "admin@x",
                walk::O365_ADMIN_PASSWORD
            ))
        )
    ));
    secrets.extend(walk::SECRETS.iter().map(|s| (*s).to_owned()));
    secrets.extend(wire_secrets(&fake.requests()));
    texts.extend(errors.iter().map(debug_and_display));
    for text in &texts {
        assert_clean("an Okta Debug/Display", text, &secrets);
    }
    Ok(())
}

#[tokio::test]
async fn authress_clients_builders_and_errors_show_no_secret() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let wrong_key = fake.unrelated_access_key()?;
    let wrong_token = "wrong-authress-user-token-1234567";
    let key = fake.access_key().to_owned();
    let private = key.rsplit('.').next().unwrap_or_default().to_owned();
    let mut secrets = vec![
        key.clone(),
        private,
        wrong_key.clone(),
        wrong_key.rsplit('.').next().unwrap_or_default().to_owned(),
        wrong_token.to_owned(),
    ];
    let mut texts = Vec::new();
    let builders = [
        idp::authress::Client::builder()
            .base_url(fake.base_url())
            .access_key(key.as_str()),
        idp::authress::Client::builder()
            .base_url(fake.base_url())
            .access_key(wrong_key.as_str()),
        idp::authress::Client::builder()
            .base_url(fake.base_url())
            .user_token(wrong_token),
        idp::authress::Client::builder()
            .base_url(fake.base_url())
            .raw_access_key_as_bearer(wrong_key.as_str()),
    ];
    let mut errors = Vec::new();
    for builder in builders {
        texts.push(format!("{builder:?}"));
        let client = builder.retry_policy(idp::RetryPolicy::none()).build()?;
        texts.push(format!("{client:?}"));
        let connection =
            idp::authress::models::Connection::new(idp::authress::models::ConnectionType::Oauth2)
                .client_secret(walk::CONNECTION_CLIENT_SECRET);
        let create = client.connections().create(connection);
        texts.push(format!("{create:?}"));
        if let Err(e) = client.connections().list().send().await {
            errors.push(e);
        }
    }
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.kind() == ErrorKind::Auth),
        "{errors:?}"
    );
    let malformed = format!("{}.{}", key, "Zm9v");
    errors.push(
        idp::authress::Client::builder()
            .base_url(fake.base_url())
            .access_key(malformed.as_str())
            .build()
            .err()
            .ok_or("a malformed key must be refused")?,
    );
    secrets.push(walk::CONNECTION_CLIENT_SECRET.to_owned());
    secrets.extend(wire_secrets(&fake.requests()));
    texts.extend(errors.iter().map(debug_and_display));
    for text in &texts {
        assert_clean("an Authress Debug/Display", text, &secrets);
    }
    Ok(())
}

#[tokio::test]
async fn kinde_clients_builders_and_errors_show_no_secret() -> TestResult {
    let fake = FakeKinde::start().await?;
    let wrong_secret = "wrong-kinde-client-secret-123456";
    let wrong_token = "wrong-kinde-access-token-6543210";
    let mut secrets = vec![
        fake.client_secret().to_owned(),
        wrong_secret.to_owned(),
        wrong_token.to_owned(),
    ];
    let mut texts = Vec::new();
    let builders = [
        idp::kinde::Client::builder()
            .domain(fake.base_url())
            .client_credentials(fake.client_id(), fake.client_secret()),
        idp::kinde::Client::builder()
            .domain(fake.base_url())
            .client_credentials(fake.client_id(), wrong_secret),
        idp::kinde::Client::builder()
            .domain(fake.base_url())
            .access_token(wrong_token),
    ];
    let mut errors = Vec::new();
    for builder in builders {
        texts.push(format!("{builder:?}"));
        let client = builder.retry_policy(idp::RetryPolicy::none()).build()?;
        texts.push(format!("{client:?}"));
        let create = client.connections().create(
            idp::kinde::models::CreateConnectionRequest::new(
                "gh",
                "GitHub",
                idp::kinde::models::Strategy::Github,
            )
            .options(
                idp::kinde::models::CreateConnectionRequestOptionsSocial::new()
                    .client_id("gh")
                    .client_secret(walk::CONNECTION_CLIENT_SECRET),
            ),
        );
        texts.push(format!("{create:?}"));
        if let Err(e) = client.connections().list().send().await {
            errors.push(e);
        }
    }
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|e| e.kind() == ErrorKind::Auth),
        "{errors:?}"
    );
    errors.push(
        idp::kinde::Client::builder()
            .domain(fake.base_url())
            .client_credentials(fake.client_id(), "  ")
            .build()
            .err()
            .ok_or("an empty secret must be refused")?,
    );
    secrets.push(walk::CONNECTION_CLIENT_SECRET.to_owned());
    secrets.extend(wire_secrets(&fake.requests()));
    texts.extend(errors.iter().map(debug_and_display));
    for text in &texts {
        assert_clean("a Kinde Debug/Display", text, &secrets);
    }
    Ok(())
}

#[tokio::test]
async fn retries_and_failures_at_trace_log_no_secret() -> TestResult {
    let capture = capture();
    let okta = FakeOkta::start().await?;
    let ids = okta.seed_app_users(walk::TOUR_APP, 1);
    let kinde = FakeKinde::start().await?;
    kinde.seed_connections(1);
    let sleeper = Arc::new(RecordingSleeper::new());
    okta.faults().operation("getApplicationUser").next(
        1,
        idp_testkit::Fault::Status429 {
            reset_after: std::time::Duration::from_secs(1),
        },
    );
    okta.faults()
        .operation("getApplicationUser")
        .next(1, idp_testkit::Fault::DropConnection);
    idp::okta::Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token())
        .sleeper(sleeper.clone())
        .build()?
        .application_users()
        .get(walk::TOUR_APP, &ids[0])
        .send()
        .await?;
    kinde
        .faults()
        .operation("GetConnections")
        .next(2, idp_testkit::Fault::Status(503));
    let client = idp::kinde::Client::builder()
        .domain(kinde.base_url())
        .client_credentials(kinde.client_id(), kinde.client_secret())
        .sleeper(sleeper.clone())
        .build()?;
    client.connections().list().send().await?;
    kinde.revoke_tokens();
    client.connections().list().send().await?;
    let wrong = "wrong-kinde-secret-for-trace-0001";
    let err = idp::kinde::Client::builder()
        .domain(kinde.base_url())
        .client_credentials(kinde.client_id(), wrong)
        .build()?
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("a wrong secret must fail")?;
    assert_eq!(err.kind(), ErrorKind::Auth);
    let logs = capture.captured.text();
    drop(capture);

    assert!(
        logs.contains("retrying"),
        "retry events are captured:\n{logs}"
    );
    assert_eq!(sleeper.waits().len(), 4, "429, drop, two 503s");
    let mut secrets = vec![
        okta.api_token().to_owned(),
        kinde.client_secret().to_owned(),
        wrong.to_owned(),
    ];
    secrets.extend(wire_secrets(&okta.requests()));
    secrets.extend(wire_secrets(&kinde.requests()));
    assert_clean("TRACE logs of retries and failures", &logs, &secrets);
    assert_clean("the auth error", &debug_and_display(&err), &secrets);
    Ok(())
}
