//! Retries: 429 with `RateLimit-Reset` waits as the server says.

use std::time::Duration;

use httpmock::MockServer;
use idp_kinde::ErrorKind;
use idp_kinde::models::{CreateConnectionRequest, Strategy};
use idp_test_support::RecordingSleeper;
use serde_json::json;

use crate::common::{TestResult, m2m_builder, token_body};

async fn server_with_token() -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok", Some(3600)));
        })
        .await;
    server
}

#[tokio::test]
async fn a_429_with_ratelimit_reset_waits_as_told() -> TestResult {
    let server = server_with_token().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections");
            then.status(429)
                .header("RateLimit-Reset", "7")
                .up_to_n_times(1);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections");
            then.status(200)
                .header("RateLimit-Limit", "100")
                .header("RateLimit-Remaining", "99")
                .json_body(json!({"connections": [], "has_more": false}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = m2m_builder(&server, &sleeper).build()?;
    let res = client.connections().list().send_with_meta().await?;
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(7)]);
    assert_eq!(
        (throttled.calls_async().await, ok.calls_async().await),
        (1, 1)
    );
    let rl = res.meta.rate_limit.ok_or("rate limit headers")?;
    assert_eq!((rl.limit, rl.remaining), (Some(100), Some(99)));
    Ok(())
}

#[tokio::test]
async fn a_429_on_create_is_retried_too() -> TestResult {
    let server = server_with_token().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method("POST").path("/api/v1/connections");
            then.status(429)
                .header("RateLimit-Reset", "2")
                .up_to_n_times(1);
        })
        .await;
    let created = server
        .mock_async(|when, then| {
            when.method("POST").path("/api/v1/connections");
            then.status(201)
                .json_body(json!({"code": "OK", "connection": {"id": "conn_new"}}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = m2m_builder(&server, &sleeper).build()?;
    let res = client
        .connections()
        .create(CreateConnectionRequest::new("n", "d", Strategy::Github))
        .send()
        .await?;
    assert_eq!(res.id(), Some("conn_new"));
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(2)]);
    assert_eq!(
        (throttled.calls_async().await, created.calls_async().await),
        (1, 1)
    );
    Ok(())
}

#[tokio::test]
async fn persistent_429_is_retries_exhausted_with_the_hint() -> TestResult {
    let server = server_with_token().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections/conn_1");
            then.status(429).header("RateLimit-Reset", "1");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = m2m_builder(&server, &sleeper).build()?;
    let err = client
        .connections()
        .get("conn_1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(err.attempts(), 4);
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(1); 3]);
    assert_eq!(throttled.calls_async().await, 4);
    Ok(())
}
