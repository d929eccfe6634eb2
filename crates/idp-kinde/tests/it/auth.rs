//! M2M tokens over real HTTP (httpmock): the token request, caching, single-flight, early
//! refresh, refresh-and-retry after a 401, and token errors.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use httpmock::MockServer;
use idp_kinde::ErrorKind;
use idp_test_support::{ManualClock, RecordingSleeper};
use serde_json::json;

use crate::common::{CLIENT_ID, CLIENT_SECRET, TestResult, m2m_builder, token_body};

const GET_PATH: &str = "/api/v1/connections/conn_1";

fn envelope() -> serde_json::Value {
    json!({"code": "OK", "message": "Success",
           "connection": {"id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google"}})
}

#[tokio::test]
async fn token_request_has_the_kinde_form_and_headers() -> TestResult {
    let server = MockServer::start_async().await;
    let audience = format!("{}/api", server.base_url());
    let token = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/oauth2/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("kinde-sdk", idp_kinde::auth::kinde_sdk_header())
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("client_secret", CLIENT_SECRET)
                .form_urlencoded_tuple("audience", audience.as_str());
            then.status(200)
                .json_body(token_body("tok-1", Some(86_400)));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-1");
            then.status(200).json_body(envelope());
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(api.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn audience_is_configurable() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/oauth2/token")
                .form_urlencoded_tuple("audience", "https://acme.kinde.com/api/v1");
            then.status(200).json_body(token_body("tok-1", Some(3600)));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET").path(GET_PATH);
            then.status(200).json_body(envelope());
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .audience("https://acme.kinde.com/api/v1")
        .build()?;
    client.connections().get("conn_1").send().await?;
    assert_eq!((token.calls_async().await, api.calls_async().await), (1, 1));
    Ok(())
}

#[tokio::test]
async fn token_endpoint_is_hit_once_for_20_concurrent_calls() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .delay(Duration::from_millis(150))
                .json_body(token_body("tok-1", Some(3600)));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-1");
            then.status(200).json_body(envelope());
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.connections().get("conn_1").send().await
        }));
    }
    for task in tasks {
        let got = task.await??;
        assert_eq!(got.id(), Some("conn_1"));
    }
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(api.calls_async().await, 20);
    Ok(())
}

#[tokio::test]
async fn token_near_expiry_is_refreshed_before_use() -> TestResult {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .json_body(token_body("tok-1", Some(3600)))
                .up_to_n_times(1);
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok-2", Some(3600)));
        })
        .await;
    let with_first = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-1");
            then.status(200).json_body(envelope());
        })
        .await;
    let with_second = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-2");
            then.status(200).json_body(envelope());
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .clock(Arc::new(clock.clone()))
        .build()?;
    client.connections().get("conn_1").send().await?;
    clock.advance(Duration::from_secs(3000)); // 600 s left: still cached
    client.connections().get("conn_1").send().await?;
    assert_eq!(
        (first.calls_async().await, with_first.calls_async().await),
        (1, 2)
    );
    clock.advance(Duration::from_secs(541)); // 59 s left: inside the 60 s margin
    client.connections().get("conn_1").send().await?;
    assert_eq!(second.calls_async().await, 1);
    assert_eq!(with_second.calls_async().await, 1);
    assert_eq!(with_first.calls_async().await, 2);
    Ok(())
}

#[tokio::test]
async fn token_refresh_before_sets_the_margin() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok-1", Some(3600)));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET").path(GET_PATH);
            then.status(200).json_body(envelope());
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .clock(Arc::new(clock.clone()))
        .token_refresh_before(Duration::from_secs(600))
        .build()?;
    client.connections().get("conn_1").send().await?;
    clock.advance(Duration::from_secs(2990)); // 610 s left: still cached
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(20)); // 590 s left: inside the 600 s margin
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 2);
    assert_eq!(api.calls_async().await, 3);
    Ok(())
}

fn jwt_with_exp(exp: u64) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.signature",
        b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64.encode(format!(r#"{{"exp":{exp},"gty":["client_credentials"]}}"#))
    )
}

#[tokio::test]
async fn expiry_falls_back_to_the_jwt_exp_claim() -> TestResult {
    let start = 1_700_000_000;
    let server = MockServer::start_async().await;
    let jwt = jwt_with_exp(start + 600);
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .json_body(json!({"access_token": jwt, "token_type": "Bearer"}));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET").path(GET_PATH);
            then.status(200).json_body(envelope());
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(start));
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .clock(Arc::new(clock.clone()))
        .build()?;
    client.connections().get("conn_1").send().await?;
    clock.advance(Duration::from_secs(530)); // 70 s before exp: cached
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(20)); // 50 s before exp: refreshed
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 2);
    assert_eq!(api.calls_async().await, 3);
    Ok(())
}

#[tokio::test]
async fn expiry_defaults_to_an_hour_without_expires_in_or_exp() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .json_body(json!({"access_token": "opaque", "token_type": "Bearer"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer opaque");
            then.status(200).json_body(envelope());
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .clock(Arc::new(clock.clone()))
        .build()?;
    client.connections().get("conn_1").send().await?;
    clock.advance(Duration::from_secs(3500));
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(60)); // 40 s left of the assumed 3600
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 2);
    Ok(())
}

#[tokio::test]
async fn a_401_is_answered_by_one_refresh_and_one_retry() -> TestResult {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .json_body(token_body("tok-1", Some(3600)))
                .up_to_n_times(1);
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok-2", Some(3600)));
        })
        .await;
    let rejected = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-1");
            then.status(401);
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(GET_PATH)
                .header("authorization", "Bearer tok-2");
            then.status(200).json_body(envelope());
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let got = client.connections().get("conn_1").send().await?;
    assert_eq!(got.id(), Some("conn_1"));
    assert_eq!(
        first.calls_async().await + second.calls_async().await,
        2,
        "token endpoint hit twice"
    );
    assert_eq!(
        rejected.calls_async().await + accepted.calls_async().await,
        2,
        "API hit twice"
    );
    assert_eq!(
        (rejected.calls_async().await, accepted.calls_async().await),
        (1, 1)
    );
    Ok(())
}

#[tokio::test]
async fn a_second_401_is_an_auth_error_without_a_loop() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok", Some(3600)));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET").path(GET_PATH);
            then.status(401).json_body(
                json!({"errors": [{"code": "TOKEN_INVALID", "message": "Token is invalid"}]}),
            );
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
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.code(), Some("TOKEN_INVALID"));
    assert!(err.to_string().contains("GetConnection"), "{err}");
    assert_eq!((token.calls_async().await, api.calls_async().await), (2, 2));
    Ok(())
}

#[tokio::test]
async fn failed_token_request_is_an_auth_error_naming_the_oauth_error_not_the_secret() -> TestResult
{
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(401).json_body(json!({
                "error": "invalid_client",
                "error_description": "Client authentication failed"
            }));
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET").path(GET_PATH);
            then.status(200).json_body(envelope());
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
    let text = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(
        text.contains("invalid_client") && text.contains("Client authentication failed"),
        "{text}"
    );
    assert!(text.contains("GetConnection"), "{text}");
    assert!(!text.contains(CLIENT_SECRET) && !format!("{err:?}").contains(CLIENT_SECRET));
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(api.calls_async().await, 0);
    Ok(())
}

#[tokio::test]
async fn a_secret_echoed_by_the_token_endpoint_is_redacted() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(400).json_body(json!({
                "error": "invalid_request",
                "error_description": format!("bad secret {CLIENT_SECRET}")
            }));
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
    assert_eq!(err.kind(), ErrorKind::Auth);
    let text = err.to_string();
    assert!(
        text.contains("invalid_request") && text.contains("[redacted]"),
        "{text}"
    );
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    Ok(())
}
