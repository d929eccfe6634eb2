//! Wire behaviour over real HTTP with httpmock: pagination, errors, retries.

use std::sync::Arc;

use httpmock::prelude::*;
use idp_authress::{Client, ErrorKind, RetryPolicy};
use idp_test_support::RecordingSleeper;
use serde_json::json;

use crate::common::TestResult;

fn client(server: &MockServer, sleeper: &RecordingSleeper) -> Result<Client, idp_authress::Error> {
    Client::builder()
        .base_url(server.base_url())
        .user_token("user-token")
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::new().max_retries(2))
        .build()
}

fn connections(ids: &[&str]) -> serde_json::Value {
    json!(
        ids.iter()
            .map(|id| json!({"type": "OAUTH2", "connectionId": id}))
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn three_pages_by_cursor_stream_every_connection_once() -> TestResult {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/connections")
                .query_param("limit", "2")
                .query_param_missing("cursor")
                .header("accept", "application/links+json")
                .header("authorization", "Bearer user-token");
            then.status(200)
                .header("content-type", "application/links+json")
                .json_body(json!({"connections": connections(&["c1", "c2"]), "pagination": {"next": {"cursor": "p/2 +x"}}}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/connections")
                .query_param("limit", "2")
                .query_param("cursor", "p/2 +x");
            then.status(200)
                .json_body(json!({"connections": connections(&["c3", "c4"]), "pagination": {"next": {"cursor": "p3"}}}));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/connections")
                .query_param("limit", "2")
                .query_param("cursor", "p3");
            then.status(200).json_body(
                json!({"connections": connections(&["c5"]), "pagination": {"next": null}}),
            );
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = client(&server, &sleeper)?;
    let mut stream = client.connections().list().limit(2).items();
    let mut ids = Vec::new();
    while let Some(connection) = stream.try_next().await? {
        ids.push(connection.id().unwrap_or_default().to_owned());
    }
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(1).await;
    Ok(())
}

#[tokio::test]
async fn not_found_on_get_is_is_not_found_with_title_and_code() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/connections/missing");
            then.status(404)
                .header("x-request-id", "req-404")
                .json_body(json!({"title": "Connection does not exist", "errorCode": "NotFound"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let err = client(&server, &sleeper)?
        .connections()
        .get("missing")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert!(err.is_not_found());
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), Some("NotFound"));
    assert_eq!(err.provider_message(), Some("Connection does not exist"));
    assert_eq!(err.request_id(), Some("req-404"));
    assert_eq!(
        err.to_string(),
        "getConnection: API error: 404 Not Found (NotFound: Connection does not exist) [request-id req-404]"
    );
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn plain_text_500_is_kept_raw_with_status_and_request_id_and_retried_for_get() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/connections/google");
            then.status(500)
                .header("content-type", "text/plain")
                .header("x-amzn-requestid", "amzn-req-1")
                .body("An internal error occurred");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let err = client(&server, &sleeper)?
        .connections()
        .get("google")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    mock.assert_calls_async(3).await;
    assert_eq!(sleeper.waits().len(), 2);
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.request_id(), Some("amzn-req-1"));
    // A body that is not JSON is shown as a short excerpt (issue 14, item 6).
    assert_eq!(err.code(), None);
    assert_eq!(err.provider_message(), Some("An internal error occurred"));
    let api = err.api_error().ok_or("no API error")?;
    assert_eq!(&api.raw_body[..], b"An internal error occurred");
    let text = err.to_string();
    assert!(
        text.contains("500 Internal Server Error") && text.contains("after 3 attempts"),
        "{text}"
    );
    assert!(text.contains("[request-id amzn-req-1]"), "{text}");
    Ok(())
}

#[tokio::test]
async fn plain_text_500_on_create_is_not_retried() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/connections")
                .header("content-type", "application/json");
            then.status(500).body("<html>oops</html>");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let err = client(&server, &sleeper)?
        .connections()
        .create(idp_authress::models::Connection::default())
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    mock.assert_calls_async(1).await;
    assert!(sleeper.waits().is_empty());
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        err.api_error().map(|a| a.raw_body.to_vec()),
        Some(b"<html>oops</html>".to_vec())
    );
    assert_eq!(err.operation(), Some("createConnection"));
    Ok(())
}

#[tokio::test]
async fn create_answers_201_with_links_json() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/connections").json_body(json!({"type": "WebAuthN"}));
            then.status(201)
                .header("content-type", "application/links+json")
                .json_body(json!({"type": "WebAuthN", "connectionId": "con_new", "createdTime": "2024-06-24T10:00:00Z"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let created = client(&server, &sleeper)?
        .connections()
        .create(idp_authress::models::Connection::new(
            idp_authress::models::ConnectionType::WebAuthn,
        ))
        .send_with_meta()
        .await?;
    assert_eq!(created.meta.status.as_u16(), 201);
    assert_eq!(created.value.id(), Some("con_new"));
    Ok(())
}

#[tokio::test]
async fn a_429_waits_for_retry_after_and_a_post_is_retried_since_nothing_was_processed()
-> TestResult {
    let mock = idp_test_support::MockTransport::new();
    mock.push(
        429,
        &[("retry-after", "7")],
        r#"{"title":"Too Many Requests"}"#,
    );
    mock.push_json(201, &json!({"type": "OAUTH2", "connectionId": "con_1"}));
    let sleeper = RecordingSleeper::new();
    let created = Client::builder()
        .base_url("https://acc-1.api.authress.io")
        .user_token("user-token")
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::new().max_retries(2))
        .build()?
        .connections()
        .create(idp_authress::models::Connection::default())
        .send()
        .await?;
    assert_eq!(created.id(), Some("con_1"));
    assert_eq!(mock.request_count(), 2);
    assert_eq!(sleeper.waits(), [std::time::Duration::from_secs(7)]);
    Ok(())
}

/// AWS API Gateway's default gateway responses carry `{"message": "…"}` (AWS developer guide,
/// "Gateway responses for REST APIs": `{ "message": "Missing Authentication Token" }`); the
/// message is what `Display` shows (issue 14, item 6).
#[tokio::test]
async fn aws_front_end_message_bodies_are_the_error_message() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/connections");
            then.status(502)
                .header("content-type", "application/json")
                .header("x-amzn-requestid", "amzn-502")
                .body(r#"{"message": "Internal server error"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/connections/unrouted");
            then.status(403)
                .header("content-type", "application/json")
                .body(r#"{"message":"Missing Authentication Token"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/v1/connections/busy");
            then.status(429)
                .header("content-type", "application/json")
                .body(r#"{"message":"Too Many Requests"}"#);
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = Client::builder()
        .base_url(server.base_url())
        .user_token("user-token")
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::none())
        .build()?;

    let err = client
        .connections()
        .create(idp_authress::models::Connection::default())
        .send()
        .await
        .err()
        .ok_or("expected a 502")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.provider_message(), Some("Internal server error"));
    assert_eq!(
        err.to_string(),
        "createConnection: API error: 502 Bad Gateway (Internal server error) [request-id amzn-502]"
    );

    let err = client
        .connections()
        .get("unrouted")
        .send()
        .await
        .err()
        .ok_or("expected a 403")?;
    assert!(err.is_forbidden(), "{err}");
    assert_eq!(
        err.to_string(),
        "getConnection: API error: 403 Forbidden (Missing Authentication Token)"
    );

    let err = client
        .connections()
        .delete("busy")
        .send()
        .await
        .err()
        .ok_or("expected a 429")?;
    assert!(err.is_rate_limited());
    assert!(err.to_string().contains("(Too Many Requests)"), "{err}");
    Ok(())
}

/// The same through the testkit: FakeAuthress answers a 502 the way API Gateway does.
#[tokio::test]
async fn a_gateway_502_from_the_fake_shows_its_message() -> TestResult {
    let fake = idp_testkit::FakeAuthress::start().await?;
    fake.faults().operation("createConnection").next(
        1,
        idp_testkit::Fault::respond(
            502,
            "application/json",
            r#"{"message": "Internal server error"}"#,
        ),
    );
    let client = Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = client
        .connections()
        .create(idp_authress::models::Connection::default())
        .send()
        .await
        .err()
        .ok_or("expected a 502")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        err.to_string(),
        "createConnection: API error: 502 Bad Gateway (Internal server error)"
    );
    Ok(())
}
