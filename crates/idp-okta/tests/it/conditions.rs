//! Okta under real conditions: its token endpoint has its own rate-limit bucket, its windows are
//! 60 s long, and its front ends may refuse a POST without `Content-Length`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use httpmock::Method::POST;
use httpmock::MockServer;
use idp_okta::{Client, ErrorKind};
use idp_test_support::{ManualClock, MockTransport, RecordingSleeper};
use serde_json::json;

use crate::common::{ORG, TestResult};

const RSA_PRIVATE: &str = include_str!("keys/test-only-rsa-private.pem");
/// Tue, 14 Nov 2023 22:13:20 GMT.
const DATE: &str = "Tue, 14 Nov 2023 22:13:20 GMT";
const DATE_EPOCH: u64 = 1_700_000_000;

fn at(epoch: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(epoch)
}

fn token_requests(mock: &MockTransport) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.path() == "/oauth2/v1/token")
        .count()
}

/// Okta's `/oauth2/v1/token` has its own rate-limit bucket and answers 429 with the
/// `X-Rate-Limit-*` headers (developer.okta.com, "Rate limits": OAuth 2.0 endpoints). The wait is
/// Okta's rule — reset measured against the response `Date`, plus 1 s — and the call succeeds
/// after exactly two token requests.
#[tokio::test]
async fn a_throttled_token_endpoint_is_waited_for_by_oktas_reset_rule_then_succeeds() -> TestResult
{
    let mock = MockTransport::new();
    let reset = (DATE_EPOCH + 7).to_string();
    mock.push(
        429,
        &[
            ("date", DATE),
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", reset.as_str()),
            ("x-okta-request-id", "tok-req-1"),
            ("content-type", "application/json"),
        ],
        r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
    );
    mock.push_json(
        200,
        &json!({"token_type": "Bearer", "access_token": "at-1", "expires_in": 3600}),
    );
    mock.push_json(200, &json!([]));
    let sleeper = RecordingSleeper::new();
    // The local clock is an hour off the server's: only `Date` counts.
    let clock = ManualClock::new(at(DATE_EPOCH + 3600));
    let okta = Client::builder()
        .org_url(ORG)
        .private_key_jwt("0oaServiceApp", RSA_PRIVATE, ["okta.inlineHooks.read"])
        .dpop(false)
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .clock(Arc::new(clock))
        .build()?;
    let keys = okta.hook_keys().list().send().await?;
    assert!(keys.is_empty());
    assert_eq!(token_requests(&mock), 2, "exactly two token requests");
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(8)],
        "reset − Date + 1 s"
    );
    let api = mock.last_request().ok_or("no API request")?;
    assert_eq!(api.header("authorization"), Some("Bearer at-1"));
    Ok(())
}

/// A token endpoint that stays throttled ends as `RetriesExhausted` carrying the 429's status,
/// Okta error code, request id, rate-limit state and wait — not as "authentication failed".
#[tokio::test]
async fn a_token_endpoint_throttled_for_good_keeps_okta_status_code_and_request_id() -> TestResult {
    let mock = MockTransport::new();
    let reset = (DATE_EPOCH + 2).to_string();
    for _ in 0..4 {
        mock.push(
            429,
            &[
                ("date", DATE),
                ("x-rate-limit-limit", "600"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", reset.as_str()),
                ("x-okta-request-id", "tok-req-9"),
            ],
            r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"#,
        );
    }
    let sleeper = RecordingSleeper::new();
    let okta = Client::builder()
        .org_url(ORG)
        .private_key_jwt("0oaServiceApp", RSA_PRIVATE, ["okta.inlineHooks.read"])
        .dpop(false)
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .build()?;
    let err = okta
        .hook_keys()
        .list()
        .send()
        .await
        .err()
        .ok_or("the call must fail")?;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted, "{err}");
    assert!(err.is_rate_limited());
    assert_eq!(err.code(), Some("E0000047"));
    assert_eq!(err.request_id(), Some("tok-req-9"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(0));
    assert_eq!(token_requests(&mock), 4);
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(3); 3]);
    Ok(())
}

/// Okta windows are 60 s: a 429 at the start of one carries a reset up to a minute after `Date`,
/// and Okta's SDKs wait reset − Date + 1 s. With the default policy that wait is honoured.
#[tokio::test]
async fn a_429_whose_reset_is_61_s_after_date_is_waited_for_with_the_default_policy() -> TestResult
{
    let mock = MockTransport::new();
    let reset = (DATE_EPOCH + 61).to_string();
    mock.push(
        429,
        &[
            ("date", DATE),
            ("x-rate-limit-limit", "100"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", reset.as_str()),
        ],
        r#"{"errorCode":"E0000047"}"#,
    );
    mock.push_json(200, &json!([]));
    let sleeper = RecordingSleeper::new();
    let okta = Client::builder()
        .org_url(ORG)
        .api_token("test-token")
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .clock(Arc::new(ManualClock::new(at(DATE_EPOCH))))
        .build()?;
    okta.hook_keys().list().send().await?;
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(62)]);
    assert_eq!(mock.request_count(), 2);
    Ok(())
}

/// Activate and deactivate carry no body; Okta's own SDKs send `Content-Length: 0`, and some
/// front ends answer 411 to a POST with neither `Content-Length` nor `Transfer-Encoding`.
/// Asserted on the wire (a real loopback server reads the header).
#[tokio::test]
async fn activate_and_deactivate_send_content_length_zero_on_the_wire() -> TestResult {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for action in ["activate", "deactivate"] {
        let path = format!("/api/v1/apps/0oa1/connections/default/lifecycle/{action}");
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(POST).path(path).header("content-length", "0");
                    then.status(204);
                })
                .await,
        );
    }
    let okta = Client::builder()
        .org_url(server.base_url())
        .api_token("test-token")
        .build()?;
    let connections = okta.application_connections();
    connections.activate_default("0oa1").send().await?;
    connections.deactivate_default("0oa1").send().await?;
    for mock in mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
    Ok(())
}
