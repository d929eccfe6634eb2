//! The core's credential pieces seen from a provider's side: identifier checks, the token cache's
//! refresh margin, what a token request carries, and what their `Debug` output tells a log reader.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use http::HeaderValue;
use http::header::USER_AGENT;
use idp_core::auth::{check_identifier, oauth};
use idp_core::{
    AccessToken, AuthContext, CachedToken, ErrorKind, ExposeSecret, SecretString, StaticToken,
    TokenSource,
};
use idp_test_support::{ManualClock, MockTransport, epoch};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A source handing out tokens that live `lifetime` from the clock's now, counting its fetches.
#[derive(Debug)]
struct Lived {
    clock: Arc<ManualClock>,
    lifetime: Duration,
    fetches: AtomicUsize,
}

#[async_trait]
impl TokenSource for Lived {
    async fn fetch(&self, _cx: &AuthContext<'_>) -> idp_core::Result<AccessToken> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst);
        let expires = idp_core::Clock::now(self.clock.as_ref()) + self.lifetime;
        Ok(AccessToken::new(
            SecretString::from(format!("token-{n}")),
            Some(expires),
        ))
    }
}

#[test]
fn an_identifier_that_is_empty_blank_or_holds_a_line_break_is_refused_without_echo() {
    for bad in ["", "   ", "abc\r\nX-Evil: 1", "tab\there"] {
        let err = check_identifier("the client id", bad).err();
        assert_eq!(
            err.as_ref().map(idp_core::Error::kind),
            Some(ErrorKind::InvalidInput),
            "{bad:?}"
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("the client id"), "{text}");
        assert!(!text.contains("Evil") && !text.contains("here"), "{text}");
    }
    assert!(check_identifier("the client id", "0oa1b2c3").is_ok());
}

#[tokio::test]
async fn a_short_lived_token_is_reused_for_the_first_half_of_its_life() -> TestResult {
    // A 60 s token with the default 60 s margin: refreshed half-way (at most half the lifetime
    // early), not on every call.
    let clock = Arc::new(ManualClock::new(epoch(1_000_000)));
    let cache = CachedToken::new(Lived {
        clock: clock.clone(),
        lifetime: Duration::from_secs(60),
        fetches: AtomicUsize::new(0),
    });
    let transport = MockTransport::new();
    let ua = HeaderValue::from_static("idp-test/0.0");
    let cx = AuthContext::new(&transport, clock.as_ref(), None, &ua);

    let (first, _) = cache.token(&cx).await?;
    clock.advance(Duration::from_secs(29));
    let (again, _) = cache.token(&cx).await?;
    assert_eq!(
        again.secret().expose_secret(),
        first.secret().expose_secret()
    );
    assert_eq!(cache.source().fetches.load(Ordering::SeqCst), 1);

    clock.advance(Duration::from_secs(2));
    let (renewed, _) = cache.token(&cx).await?;
    assert_ne!(
        renewed.secret().expose_secret(),
        first.secret().expose_secret()
    );
    assert_eq!(cache.source().fetches.load(Ordering::SeqCst), 2);
    Ok(())
}

#[tokio::test]
async fn a_token_request_carries_the_client_user_agent_unless_it_sets_its_own() -> TestResult {
    let transport = MockTransport::new();
    transport.push(200, &[], "{}").push(200, &[], "{}");
    let clock = ManualClock::new(epoch(1_000_000));
    let ua = HeaderValue::from_static("idp-test/0.0");
    let cx = AuthContext::new(&transport, &clock, None, &ua);

    let plain = oauth::token_request("https://login.example/token", &[("grant_type", "x")])?;
    cx.send(plain).await?;
    let mut own = oauth::token_request("https://login.example/token", &[("grant_type", "x")])?;
    own.headers_mut()
        .insert(USER_AGENT, HeaderValue::from_static("caller/1.0"));
    cx.send(own).await?;

    let sent: Vec<_> = transport
        .requests()
        .iter()
        .map(|r| r.header("user-agent").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            Some("idp-test/0.0".to_owned()),
            Some("caller/1.0".to_owned())
        ]
    );
    Ok(())
}

#[test]
fn debug_output_names_each_credential_and_marks_the_secret_redacted() -> TestResult {
    let secret = SecretString::from("s3cr3t-token-value");
    let shown = [
        format!("{:?}", StaticToken::new("SSWS", &secret)?),
        format!("{:?}", AccessToken::new(secret.clone(), None)),
    ];
    for (text, name) in shown.iter().zip(["StaticToken", "AccessToken"]) {
        assert!(text.starts_with(name), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }
    let clock = Arc::new(ManualClock::new(epoch(1)));
    let cache = CachedToken::new(Lived {
        clock: clock.clone(),
        lifetime: Duration::from_secs(60),
        fetches: AtomicUsize::new(0),
    })
    .refresh_before(Duration::from_secs(5));
    let text = format!("{cache:?}");
    assert!(
        text.starts_with("CachedToken") && text.contains("Lived") && text.contains("5s"),
        "{text}"
    );
    let transport = MockTransport::new();
    let ua = HeaderValue::from_static("idp-test/0.0");
    let cx = AuthContext::new(
        &transport,
        clock.as_ref(),
        Some(Duration::from_secs(7)),
        &ua,
    );
    let text = format!("{cx:?}");
    assert!(
        text.starts_with("AuthContext") && text.contains("7s"),
        "{text}"
    );
    Ok(())
}

#[test]
fn a_token_response_takes_expires_in_as_a_number_and_an_empty_token_type_as_bearer() -> TestResult {
    let now = epoch(1_000_000);
    let response = http::Response::builder()
        .status(200)
        .body(bytes::Bytes::from_static(
            br#"{"access_token":"t","token_type":"","expires_in":3600}"#,
        ))?;
    let token = oauth::parse_token_response(&response, now)?;
    assert_eq!(token.expires_at(), Some(now + Duration::from_secs(3600)));
    assert_eq!(token.token_type(), "Bearer");
    Ok(())
}

/// A source that records the status of every API response it is shown (as a DPoP source
/// records a new nonce).
#[derive(Debug, Default)]
struct Watching {
    seen: std::sync::Mutex<Vec<u16>>,
}

#[async_trait]
impl TokenSource for Watching {
    async fn fetch(&self, _cx: &AuthContext<'_>) -> idp_core::Result<AccessToken> {
        Ok(AccessToken::new(SecretString::from("t"), None))
    }

    fn on_response(&self, response: &idp_core::HttpResponse) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(response.status().as_u16());
        }
    }
}

#[test]
fn the_token_cache_shows_every_api_response_to_its_source() -> TestResult {
    let cache = CachedToken::new(Watching::default());
    for status in [200, 429] {
        let response = http::Response::builder()
            .status(status)
            .body(bytes::Bytes::new())?;
        idp_core::Credentials::on_response(&cache, &response);
    }
    let seen = cache
        .source()
        .seen
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    assert_eq!(seen, [200, 429]);
    Ok(())
}
