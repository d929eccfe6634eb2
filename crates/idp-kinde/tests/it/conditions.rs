//! Kinde under real conditions: M2M tokens are metered, so the token endpoint can answer 429
//! with Kinde's `RateLimit-*` headers (docs.kinde.com, "API rate limits"); the call waits the
//! window and succeeds, and a token endpoint that stays throttled is reported as such.

use std::sync::Arc;
use std::time::Duration;

use idp_kinde::{Client, ErrorKind};
use idp_test_support::{MockTransport, RecordingSleeper};
use serde_json::json;

use crate::common::{CLIENT_ID, CLIENT_SECRET, TestResult, token_body};

fn m2m_client(mock: &MockTransport, sleeper: &RecordingSleeper) -> idp_kinde::Result<Client> {
    Client::builder()
        .domain("acme.kinde.com")
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

fn token_requests(mock: &MockTransport) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.path() == "/oauth2/token")
        .count()
}

const THROTTLED: &[(&str, &str)] = &[
    ("ratelimit-limit", "60"),
    ("ratelimit-remaining", "0"),
    ("ratelimit-reset", "3"),
    ("content-type", "application/json"),
];

#[tokio::test]
async fn a_throttled_token_endpoint_is_waited_for_by_ratelimit_reset_then_succeeds() -> TestResult {
    let mock = MockTransport::new();
    mock.push(
        429,
        THROTTLED,
        r#"{"errors":[{"code":"TOO_MANY_REQUESTS","message":"Too many requests"}]}"#,
    );
    mock.push_json(200, &token_body("tok-1", Some(3600)));
    mock.push_json(
        200,
        &json!({"code": "OK", "connections": [], "has_more": false}),
    );
    let sleeper = RecordingSleeper::new();
    let kinde = m2m_client(&mock, &sleeper)?;
    let page = kinde.connections().list().send().await?;
    assert!(page.connections.unwrap_or_default().is_empty());
    assert_eq!(token_requests(&mock), 2, "exactly two token requests");
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(3)],
        "RateLimit-Reset seconds"
    );
    let api = mock.last_request().ok_or("no API request")?;
    assert_eq!(api.header("authorization"), Some("Bearer tok-1"));
    Ok(())
}

#[tokio::test]
async fn a_token_endpoint_throttled_for_good_is_rate_limited_not_an_auth_failure() -> TestResult {
    let mock = MockTransport::new();
    for _ in 0..4 {
        mock.push(
            429,
            THROTTLED,
            r#"{"errors":[{"code":"TOO_MANY_REQUESTS","message":"Too many requests"}]}"#,
        );
    }
    let sleeper = RecordingSleeper::new();
    let kinde = m2m_client(&mock, &sleeper)?;
    let err = kinde
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("the call must fail")?;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted, "{err}");
    assert!(err.is_rate_limited());
    assert_eq!(err.code(), Some("TOO_MANY_REQUESTS"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(err.rate_limit().and_then(|r| r.limit), Some(60));
    assert!(!err.to_string().contains(CLIENT_SECRET));
    assert_eq!(token_requests(&mock), 4);
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(3); 3]);
    Ok(())
}

#[tokio::test]
async fn an_invalid_client_stays_auth_after_one_token_request() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        401,
        &json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
    );
    let sleeper = RecordingSleeper::new();
    let kinde = m2m_client(&mock, &sleeper)?;
    let err = kinde
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("the call must fail")?;
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert!(err.to_string().contains("invalid_client"));
    assert!(!err.to_string().contains(CLIENT_SECRET));
    assert_eq!(token_requests(&mock), 1);
    assert!(sleeper.waits().is_empty());
    Ok(())
}
