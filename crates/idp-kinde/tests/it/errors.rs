//! Kinde's error shapes mapped to `idp_kinde::Error`.

use httpmock::MockServer;
use idp_kinde::models::UpdateConnectionRequest;
use idp_kinde::{ErrorKind, RetryPolicy};
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
async fn errors_as_an_array_give_code_message_and_causes() -> TestResult {
    let server = server_with_token().await;
    server
        .mock_async(|when, then| {
            when.method("PATCH").path("/api/v1/connections/conn_1");
            then.status(400)
                .header("content-type", "application/json; charset=utf-8")
                .body(
                    json!({"errors": [
                        {"code": "INVALID_REQUEST", "message": "display_name is too long"},
                        {"code": "INVALID_OPTION", "message": "unknown option"}
                    ]})
                    .to_string(),
                );
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let err = client
        .connections()
        .update("conn_1", UpdateConnectionRequest::new().display_name("x"))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.code(), Some("INVALID_REQUEST"));
    assert_eq!(err.provider_message(), Some("display_name is too long"));
    assert_eq!(
        err.to_string(),
        "UpdateConnection: API error: 400 Bad Request (INVALID_REQUEST: display_name is too long) causes: [INVALID_OPTION: unknown option]"
    );
    Ok(())
}

#[tokio::test]
async fn errors_as_a_single_object_on_404() -> TestResult {
    let server = server_with_token().await;
    server
        .mock_async(|when, then| {
            when.method("DELETE").path("/api/v1/connections/conn_gone");
            then.status(404).json_body(json!({"errors": {
                "code": "ROUTE_NOT_FOUND", "message": "The requested API route does not exist"}}));
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let err = client
        .connections()
        .delete("conn_gone")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("ROUTE_NOT_FOUND"));
    assert_eq!(
        err.provider_message(),
        Some("The requested API route does not exist")
    );
    assert!(err.to_string().contains("deleteConnection"), "{err}");
    Ok(())
}

#[tokio::test]
async fn errors_without_a_body_keep_the_status() -> TestResult {
    let server = server_with_token().await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections/conn_1");
            then.status(403).body("<html>Forbidden</html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections");
            then.status(429);
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let err = client
        .connections()
        .get("conn_1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.is_forbidden());
    assert_eq!(err.code(), None);
    assert_eq!(err.to_string(), "GetConnection: API error: 403 Forbidden");
    let err = client
        .connections()
        .list()
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert!(err.is_rate_limited());
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.attempts(), 1);
    Ok(())
}
