//! Wire behaviour against a real HTTP server (httpmock): pagination, 429 retries, error mapping.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use httpmock::Method::GET;
use httpmock::MockServer;
use idp_okta::{Client, ErrorKind, RetryPolicy};
use idp_test_support::{ManualClock, RecordingSleeper};
use serde_json::json;

use crate::common::TestResult;

fn client(server: &MockServer, sleeper: &RecordingSleeper) -> idp_okta::Result<Client> {
    Client::builder()
        .org_url(server.base_url())
        .api_token("test-token")
        .sleeper(Arc::new(sleeper.clone()))
        .clock(Arc::new(ManualClock::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )))
        .build()
}

fn user(id: &str) -> serde_json::Value {
    json!({"id": id, "status": "ACTIVE", "scope": "USER", "profile": {"email": format!("{id}@example.com")}})
}

#[tokio::test]
async fn three_pages_via_link_headers_yield_every_user_once_in_order() -> TestResult {
    let server = MockServer::start_async().await;
    let base = server.base_url();
    let path = "/api/v1/apps/0oa1/users";
    let p1 = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .query_param("limit", "2")
                .query_param_missing("after");
            then.status(200)
                .header("link", format!(r#"<{base}{path}?limit=2>; rel="self""#))
                .header(
                    "link",
                    format!(r#"<{base}{path}?after=00u2&limit=2>; rel="next""#),
                )
                .json_body(json!([user("00u1"), user("00u2")]));
        })
        .await;
    let p2 = server
        .mock_async(|when, then| {
            when.method(GET).path(path).query_param("after", "00u2").query_param("limit", "2");
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}{path}?after=00u2&limit=2>; rel="self", <{base}{path}?after=00u4&limit=2>; rel="next""#),
                )
                .json_body(json!([user("00u3"), user("00u4")]));
        })
        .await;
    let p3 = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .query_param("after", "00u4")
                .query_param("limit", "2");
            then.status(200)
                .header(
                    "link",
                    format!(r#"<{base}{path}?after=00u4&limit=2>; rel="self""#),
                )
                .json_body(json!([user("00u5"), user("00u6")]));
        })
        .await;
    let okta = client(&server, &RecordingSleeper::new())?;
    let mut stream = okta.application_users().list("0oa1").limit(2).items();
    let mut ids = Vec::new();
    while let Some(u) = stream.try_next().await? {
        ids.push(u.id.unwrap_or_default());
    }
    assert_eq!(ids, ["00u1", "00u2", "00u3", "00u4", "00u5", "00u6"]);
    assert_eq!(p1.calls_async().await, 1);
    assert_eq!(p2.calls_async().await, 1);
    assert_eq!(p3.calls_async().await, 1);

    // Pages expose the resumable cursor; a pager resumes from it.
    let mut pages = okta.application_users().list("0oa1").limit(2).pages();
    let first = pages.try_next().await?.ok_or("no first page")?;
    assert_eq!(first.next_cursor.as_deref(), Some("00u2"));
    let mut pager = okta
        .application_users()
        .list("0oa1")
        .limit(2)
        .pager()
        .resume_from("00u4");
    let last = pager.next_page().await.ok_or("no page")??;
    assert_eq!(last.items.len(), 2);
    assert_eq!(last.next_cursor, None);
    assert!(pager.is_done());
    Ok(())
}

#[tokio::test]
async fn next_link_to_another_origin_is_not_followed() -> TestResult {
    let server = MockServer::start_async().await;
    let path = "/api/v1/apps/0oa1/users";
    server
        .mock_async(|when, then| {
            when.method(GET).path(path);
            then.status(200)
                .header(
                    "link",
                    r#"<https://evil.example/api/v1/apps/0oa1/users?after=x>; rel="next""#,
                )
                .json_body(json!([user("00u1")]));
        })
        .await;
    let okta = client(&server, &RecordingSleeper::new())?;
    let err = okta
        .application_users()
        .list("0oa1")
        .collect_all()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("another origin"), "{err}");
    Ok(())
}

#[tokio::test]
async fn rate_limited_then_ok_waits_reset_minus_date_plus_one_and_sends_retry_headers() -> TestResult
{
    let server = MockServer::start_async().await;
    let path = "/api/v1/hook-keys";
    // Date = 1700000000; reset 9 s later → Okta's SDKs wait 9 + 1 = 10 s.
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path(path).header_missing("x-okta-retry-count");
            then.status(429)
                .header("date", "Tue, 14 Nov 2023 22:13:20 GMT")
                .header("x-rate-limit-limit", "600")
                .header("x-rate-limit-remaining", "0")
                .header("x-rate-limit-reset", "1700000009")
                .header("x-okta-request-id", "req-429")
                .json_body(json!({"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests.", "errorCauses": []}));
        })
        .await;
    let retried = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .header("x-okta-retry-for", "req-429")
                .header("x-okta-retry-count", "1");
            then.status(200)
                .header("x-rate-limit-limit", "600")
                .header("x-rate-limit-remaining", "599")
                .header("x-rate-limit-reset", "1700000060")
                .header("x-okta-request-id", "req-ok")
                .json_body(json!([]));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let okta = client(&server, &sleeper)?;
    let resp = okta.hook_keys().list().send_with_meta().await?;
    assert!(resp.value.is_empty());
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(10)]);
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(retried.calls_async().await, 1);
    assert_eq!(resp.meta.request_id.as_deref(), Some("req-ok"));
    let rl = resp.meta.rate_limit.ok_or("no rate limit")?;
    assert_eq!((rl.limit, rl.remaining), (Some(600), Some(599)));
    Ok(())
}

#[tokio::test]
async fn persistent_429_exhausts_retries_with_the_rate_limit_on_the_error() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/hook-keys");
            then.status(429)
                .header("date", "Tue, 14 Nov 2023 22:13:20 GMT")
                .header("x-rate-limit-limit", "50")
                .header("x-rate-limit-limit", "600")
                .header("x-rate-limit-remaining", "0")
                .header("x-rate-limit-reset", "1700000002")
                .header("x-okta-request-id", "req-1")
                .json_body(json!({"errorCode": "E0000047", "errorSummary": "rate limit"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let okta = Client::builder()
        .org_url(server.base_url())
        .api_token("t")
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::default().max_retries(2))
        .build()?;
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert!(err.is_rate_limited());
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(3), Duration::from_secs(3)]
    );
    assert_eq!(
        err.rate_limit().and_then(|r| r.limit),
        Some(50),
        "duplicated headers: the minimum wins"
    );
    assert_eq!(err.code(), Some("E0000047"));
    Ok(())
}

#[tokio::test]
async fn error_body_becomes_an_error_naming_code_summary_and_request_id() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/apps/0oa1/users/00u404");
            then.status(404)
                .header("x-okta-request-id", "reqXYZ123")
                .json_body(json!({
                    "errorCode": "E0000007",
                    "errorSummary": "Not found: Resource not found: 00u404 (AppUser)",
                    "errorLink": "E0000007",
                    "errorId": "oaeABC",
                    "errorCauses": []
                }));
        })
        .await;
    let okta = client(&server, &RecordingSleeper::new())?;
    let err = okta
        .application_users()
        .get("0oa1", "00u404")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    let text = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.is_not_found());
    assert!(text.contains("getApplicationUser"), "{text}");
    assert!(text.contains("E0000007"), "{text}");
    assert!(
        text.contains("Not found: Resource not found: 00u404 (AppUser)"),
        "{text}"
    );
    assert!(text.contains("reqXYZ123"), "{text}");
    assert_eq!(err.request_id(), Some("reqXYZ123"));
    assert_eq!(
        err.api_error().and_then(|a| a.body.error_id.as_deref()),
        Some("oaeABC")
    );
    Ok(())
}

#[tokio::test]
async fn error_causes_as_an_object_and_html_bodies_are_handled() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/api/v1/apps/0oa1/users/00u1");
            then.status(400).header("x-okta-request-id", "r400").json_body(json!({
                "errorCode": "E0000041",
                "errorSummary": "Credentials should not be set on this resource based on the scheme.",
                "errorCauses": {"errorSummary": "User level credentials should not be provided for this scheme."}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/hook-keys");
            then.status(502)
                .header("content-type", "text/html")
                .body("<html>bad gateway</html>");
        })
        .await;
    let okta = Client::builder()
        .org_url(server.base_url())
        .api_token("t")
        .retry_policy(RetryPolicy::none())
        .build()?;
    let update = idp_okta::models::AppUserUpdateRequest::credentials(
        idp_okta::models::AppUserCredentials::user_name("u"),
    );
    let err = okta
        .application_users()
        .update("0oa1", "00u1", update)
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert!(
        err.to_string()
            .contains("User level credentials should not be provided"),
        "{err}"
    );
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(!err.to_string().contains("<html>"), "{err}");
    Ok(())
}
