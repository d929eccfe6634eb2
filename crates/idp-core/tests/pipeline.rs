//! The request pipeline end to end: retries over real loopback HTTP (httpmock), pagination,
//! credentials, errors and secret hygiene.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use httpmock::prelude::*;
use idp_core::{
    AccessToken, AuthContext, Body, CachedToken, Client, ErrorBody, ErrorKind, NextPage, Operation,
    Paginated, PathParams, Provider, Query, ResponseMeta, RetryPolicy, SecretString, StaticToken,
    TokenSource,
};
use idp_test_support::{ManualClock, MockTransport, RecordingSleeper};
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
struct TestApi;

impl Provider for TestApi {
    const NAME: &'static str = "test";
    const USER_AGENT: &'static str = "idp-test/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        #[derive(Deserialize)]
        struct E {
            code: Option<String>,
            message: Option<String>,
        }
        match serde_json::from_slice::<E>(body) {
            Ok(e) => ErrorBody::new(e.code, e.message),
            Err(_) => ErrorBody::default(),
        }
    }

    fn request_id(headers: &HeaderMap) -> Option<String> {
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    fn retry_headers(headers: &mut HeaderMap, _first: Option<&str>, retry_count: u32) {
        headers.insert("x-test-retry", HeaderValue::from(retry_count));
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[derive(Debug, Clone)]
struct GetThing(String);

impl Operation for GetThing {
    type Provider = TestApi;
    type Output = Thing;
    const ID: &'static str = "getThing";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things/{thingId}";
    fn path_params(&self) -> PathParams<'_> {
        [self.0.as_str()].into()
    }
}

#[derive(Debug, Clone)]
struct CreateThing;

impl Operation for CreateThing {
    type Provider = TestApi;
    type Output = Thing;
    const ID: &'static str = "createThing";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/things";
    fn body(&self) -> idp_core::Result<Option<Body>> {
        Body::json(&serde_json::json!({"name": "x"})).map(Some)
    }
}

#[derive(Debug, Clone, Deserialize)]
struct ThingPage {
    items: Vec<Thing>,
    next: Option<String>,
    #[serde(default)]
    link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ListThings {
    cursor: Option<String>,
}

impl Operation for ListThings {
    type Provider = TestApi;
    type Output = ThingPage;
    const ID: &'static str = "listThings";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things";
    fn query(&self, q: &mut Query) {
        q.push_opt("cursor", self.cursor.as_deref());
    }
}

impl Paginated for ListThings {
    type Item = Thing;
    fn into_items(output: ThingPage) -> Vec<Thing> {
        output.items
    }
    fn next_page(&self, _meta: &ResponseMeta, output: &ThingPage) -> Option<NextPage> {
        let cursor = output.next.clone()?;
        Some(
            match output.link.as_deref().and_then(|l| url::Url::parse(l).ok()) {
                Some(link) => NextPage::link(link, cursor),
                None => NextPage::cursor(cursor),
            },
        )
    }
    fn with_cursor(&self, cursor: &str) -> Self {
        ListThings {
            cursor: Some(cursor.to_owned()),
        }
    }
}

fn client(base: &str, sleeper: &RecordingSleeper) -> Result<Client<TestApi>, idp_core::Error> {
    Client::<TestApi>::builder()
        .base_url(base)
        .credentials(Arc::new(StaticToken::new(
            "SSWS",
            &SecretString::from("api-token-secret"),
        )?))
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

fn mock_client(mock: &MockTransport) -> Result<Client<TestApi>, idp_core::Error> {
    Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()
}

/// The error of a `getThing` call allowed a single attempt.
async fn error_of_one_attempt(c: &Client<TestApi>) -> Result<idp_core::Error, &'static str> {
    c.call(GetThing("x".into()))
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected an error")
}

#[tokio::test]
async fn get_answered_429_429_200_succeeds_with_exactly_three_hits() -> TestResult {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/t1")
                .header_missing("x-test-retry");
            then.status(429).header("retry-after", "2").body("{}");
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/t1")
                .header("x-test-retry", "1");
            then.status(429).header("retry-after", "3").body("{}");
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/t1")
                .header("x-test-retry", "2");
            then.status(200).json_body(serde_json::json!({"id": "t1"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let thing = client(&server.base_url(), &sleeper)?
        .execute(&GetThing("t1".into()))
        .await?;
    assert_eq!(thing.id, "t1");
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(1).await;
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(2), Duration::from_secs(3)]
    );
    Ok(())
}

#[tokio::test]
async fn post_answered_503_fails_after_exactly_one_hit_with_an_api_error() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/things");
            then.status(503)
                .header("x-request-id", "req-503")
                .json_body(serde_json::json!({"code": "E_UNAVAILABLE", "message": "try later"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let err = client(&server.base_url(), &sleeper)?
        .execute(&CreateThing)
        .await
        .err()
        .ok_or("expected an error")?;
    mock.assert_calls_async(1).await;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.provider_message(), Some("try later"));
    assert_eq!(err.request_id(), Some("req-503"));
    assert_eq!(
        err.to_string(),
        "createThing: API error: 503 Service Unavailable (E_UNAVAILABLE: try later) [request-id req-503]"
    );
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn get_answered_503_forever_exhausts_retries_and_keeps_the_last_response() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/x");
            then.status(503)
                .json_body(serde_json::json!({"message": "down"}));
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let err = client(&server.base_url(), &sleeper)?
        .execute(&GetThing("x".into()))
        .await
        .err()
        .ok_or("expected an error")?;
    mock.assert_calls_async(4).await;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.provider_message(), Some("down"));
    assert_eq!(sleeper.waits().len(), 3);
    assert!(
        sleeper
            .waits()
            .iter()
            .all(|w| *w <= Duration::from_secs(20))
    );
    Ok(())
}

#[tokio::test]
async fn retry_policy_none_makes_exactly_one_attempt() -> TestResult {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/x");
            then.status(429).header("retry-after", "1").body("");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let c = client(&server.base_url(), &sleeper)?;
    let err = error_of_one_attempt(&c).await?;
    mock.assert_calls_async(1).await;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    Ok(())
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post() -> TestResult {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    let sleeper = RecordingSleeper::new();
    let c = Client::<TestApi>::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::new().max_retries(2))
        .build()?;
    let err = c
        .execute(&CreateThing)
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert_eq!(err.attempts(), 3);
    assert_eq!(sleeper.waits().len(), 2);
    assert!(
        err.to_string()
            .starts_with("createThing: retries exhausted: could not connect"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn client_errors_are_not_retried() -> TestResult {
    for status in [400u16, 401, 403, 404] {
        let mock = MockTransport::new();
        mock.push(status, &[], r#"{"message":"no"}"#);
        let err = mock_client(&mock)?
            .execute(&GetThing("x".into()))
            .await
            .err()
            .ok_or("expected an error")?;
        assert_eq!(mock.request_count(), 1, "{status}");
        let want = if status == 401 {
            ErrorKind::Auth
        } else {
            ErrorKind::Api
        };
        assert_eq!(err.kind(), want, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    }
    Ok(())
}

#[tokio::test]
async fn request_carries_accept_user_agent_content_type_and_encoded_path() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &serde_json::json!({"id": "a"}));
    mock.push_json(201, &serde_json::json!({"id": "b"}));
    let c = mock_client(&mock)?;
    c.execute(&GetThing("google|x+y@z:1 a/b".into())).await?;
    c.execute(&CreateThing).await?;
    let reqs = mock.requests();
    assert_eq!(reqs[0].path(), "/things/google%7Cx%2By%40z%3A1%20a%2Fb");
    assert_eq!(reqs[0].header("accept"), Some("application/json"));
    assert_eq!(reqs[0].header("content-type"), None);
    assert_eq!(
        reqs[0].header("content-length"),
        None,
        "a GET has no body and says nothing of one"
    );
    let ua = reqs[0].header("user-agent").unwrap_or_default();
    assert!(ua.starts_with("idp-test/0.0 rust/"), "{ua}");
    assert_eq!(reqs[1].method, Method::POST);
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));
    assert_eq!(reqs[1].json(), serde_json::json!({"name": "x"}));
    Ok(())
}

#[tokio::test]
async fn empty_id_is_refused_before_any_request() -> TestResult {
    let mock = MockTransport::new();
    let err = mock_client(&mock)?
        .execute(&GetThing(String::new()))
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "getThing: invalid input: thingId must not be empty"
    );
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[tokio::test]
async fn bad_body_is_a_decode_error_naming_the_operation() -> TestResult {
    let mock = MockTransport::new();
    mock.push(200, &[], r#"{"id": 5}"#);
    mock.push(200, &[], r#"{"id": "a""#);
    let c = mock_client(&mock)?;
    for _ in 0..2 {
        let err = c
            .execute(&GetThing("x".into()))
            .await
            .err()
            .ok_or("expected an error")?;
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(
            err.to_string()
                .starts_with("getThing: could not decode the response"),
            "{err}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn per_call_timeout_overrides_the_client() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/slow");
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(serde_json::json!({"id": "slow"}));
        })
        .await;
    let c = client(&server.base_url(), &RecordingSleeper::new())?;
    let err = c
        .call(GetThing("slow".into()))
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
    Ok(())
}

#[tokio::test]
async fn oversized_body_is_refused() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/big");
            then.status(200)
                .body(format!("{{\"id\":\"{}\"}}", "x".repeat(10_000)));
        })
        .await;
    let c = Client::<TestApi>::builder()
        .base_url(server.base_url())
        .max_response_bytes(1024)
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = c
        .execute(&GetThing("big".into()))
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        err.to_string().contains("exceeds the cap of 1024 bytes"),
        "{err}"
    );
    Ok(())
}

// ---- pagination ----

fn page(ids: &[&str], next: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "items": ids.iter().map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>(),
        "next": next,
    })
}

#[tokio::test]
async fn three_pages_stream_in_order() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &page(&["a", "b"], Some("c1")));
    mock.push_json(200, &page(&["c", "d"], Some("c2")));
    mock.push_json(200, &page(&["e"], None));
    let c = mock_client(&mock)?;
    let items = c.call(ListThings::default()).items().collect_all().await?;
    let ids: Vec<_> = items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let queries: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [None, Some("cursor=c1".into()), Some("cursor=c2".into())]
    );
    Ok(())
}

#[tokio::test]
async fn nothing_is_sent_before_the_first_poll() -> TestResult {
    let mock = MockTransport::new();
    let c = mock_client(&mock)?;
    let _items = c.call(ListThings::default()).items();
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[tokio::test]
async fn max_items_stops_without_fetching_further_pages() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &page(&["a", "b"], Some("c1")));
    mock.push_json(200, &page(&["c", "d"], Some("c2")));
    mock.push_json(200, &page(&["e"], None));
    let c = mock_client(&mock)?;
    let items = c
        .call(ListThings::default())
        .pager()
        .max_items(3)
        .collect_all()
        .await?;
    assert_eq!(items.len(), 3);
    assert_eq!(mock.request_count(), 2);
    Ok(())
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &page(&["a"], Some("same")));
    mock.push_json(200, &page(&["b"], Some("same")));
    mock.push_json(200, &page(&["c"], Some("same")));
    let c = mock_client(&mock)?;
    let mut items = c.call(ListThings::default()).items();
    assert_eq!(items.try_next().await?.map(|t| t.id), Some("a".into()));
    let err = items.try_next().await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        err.to_string().contains("repeated a pagination cursor"),
        "{err}"
    );
    assert_eq!(
        items.try_next().await?.map(|t| t.id),
        None,
        "the stream ends after the error"
    );
    assert_eq!(mock.request_count(), 2);
    Ok(())
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() -> TestResult {
    let mock = MockTransport::new();
    let mut first = page(&["a"], Some("c1"));
    first["link"] = serde_json::json!("https://evil.example/things?cursor=c1");
    mock.push_json(200, &first);
    mock.push_json(200, &page(&["b"], None));
    let c = mock_client(&mock)?;
    let err = c
        .call(ListThings::default())
        .items()
        .collect_all()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        err.to_string()
            .contains("another origin (https://evil.example)"),
        "{err}"
    );
    assert_eq!(
        mock.request_count(),
        1,
        "nothing is sent to the other origin"
    );
    Ok(())
}

#[tokio::test]
async fn the_pager_cursor_resumes_where_it_stopped() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &page(&["a"], Some("c1")));
    let c = mock_client(&mock)?;
    let mut pager = c.call(ListThings::default()).pager();
    let first = pager.next_page().await.ok_or("no page")??;
    assert_eq!(first.next_cursor.as_deref(), Some("c1"));
    let saved = pager.cursor().map(str::to_owned).ok_or("no cursor")?;
    mock.push_json(200, &page(&["b"], None));
    let rest = c
        .call(ListThings::default())
        .pager()
        .resume_from(saved)
        .collect_all()
        .await?;
    assert_eq!(rest, vec![Thing { id: "b".into() }]);
    assert_eq!(
        mock.last_request()
            .and_then(|r| r.query().map(str::to_owned))
            .as_deref(),
        Some("cursor=c1")
    );
    Ok(())
}

// ---- credentials ----

#[derive(Debug)]
struct CountingSource {
    fetches: Arc<AtomicUsize>,
    lifetime: Duration,
}

#[async_trait]
impl TokenSource for CountingSource {
    async fn fetch(&self, cx: &AuthContext<'_>) -> idp_core::Result<AccessToken> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(AccessToken::new(
            SecretString::from(format!("tok-{n}")),
            Some(cx.now() + self.lifetime),
        ))
    }
}

fn cached_client(
    base: &str,
    clock: &ManualClock,
    fetches: &Arc<AtomicUsize>,
) -> Result<Client<TestApi>, idp_core::Error> {
    let source = CountingSource {
        fetches: Arc::clone(fetches),
        lifetime: Duration::from_secs(3600),
    };
    Client::<TestApi>::builder()
        .base_url(base)
        .credentials(Arc::new(CachedToken::new(source)))
        .clock(Arc::new(clock.clone()))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()
}

#[tokio::test]
async fn fifty_concurrent_calls_with_an_expired_token_fetch_once() -> TestResult {
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/x");
            then.status(200).json_body(serde_json::json!({"id": "x"}));
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let fetches = Arc::new(AtomicUsize::new(0));
    let c = cached_client(&server.base_url(), &clock, &fetches)?;
    c.execute(&GetThing("x".into())).await?;
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(3600));
    let calls = (0..50).map(|_| {
        let c = c.clone();
        tokio::spawn(async move { c.execute(&GetThing("x".into())).await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await??;
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "one fetch for the first call, one for the 50"
    );
    api.assert_calls_async(51).await;
    Ok(())
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_early() -> TestResult {
    let mock = MockTransport::new();
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let fetches = Arc::new(AtomicUsize::new(0));
    let c = Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .credentials(Arc::new(CachedToken::new(CountingSource {
            fetches: Arc::clone(&fetches),
            lifetime: Duration::from_secs(3600),
        })))
        .clock(Arc::new(clock.clone()))
        .build()?;
    for _ in 0..3 {
        mock.push_json(200, &serde_json::json!({"id": "x"}));
    }
    c.execute(&GetThing("x".into())).await?;
    clock.advance(Duration::from_secs(3500));
    c.execute(&GetThing("x".into())).await?;
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "100 s left: still used");
    clock.advance(Duration::from_secs(50));
    c.execute(&GetThing("x".into())).await?;
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "50 s left: refreshed before use"
    );
    let auths: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        auths,
        [
            Some("Bearer tok-1".into()),
            Some("Bearer tok-1".into()),
            Some("Bearer tok-2".into())
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_401_causes_one_refresh_and_one_retry() -> TestResult {
    let server = MockServer::start_async().await;
    let rejected = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/x")
                .header("authorization", "Bearer tok-1");
            then.status(401)
                .json_body(serde_json::json!({"message": "expired"}));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/x")
                .header("authorization", "Bearer tok-2");
            then.status(200).json_body(serde_json::json!({"id": "x"}));
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let fetches = Arc::new(AtomicUsize::new(0));
    let c = cached_client(&server.base_url(), &clock, &fetches)?;
    let thing = c.execute(&GetThing("x".into())).await?;
    assert_eq!(thing.id, "x");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    rejected.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;
    Ok(())
}

#[tokio::test]
async fn a_second_401_is_an_auth_error_and_never_a_loop() -> TestResult {
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/x");
            then.status(401).json_body(
                serde_json::json!({"code": "E0000011", "message": "Invalid token provided"}),
            );
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let fetches = Arc::new(AtomicUsize::new(0));
    let c = cached_client(&server.base_url(), &clock, &fetches)?;
    let err = c
        .execute(&GetThing("x".into()))
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert!(err.is_unauthorized());
    assert_eq!(err.code(), Some("E0000011"));
    api.assert_calls_async(2).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    Ok(())
}

#[tokio::test]
async fn debug_and_display_of_clients_credentials_and_errors_hide_secrets() -> TestResult {
    let secret = "super-secret-api-token-123";
    let mock = MockTransport::new();
    mock.push(401, &[], r#"{"message":"Invalid token provided"}"#);
    let creds = StaticToken::new("SSWS", &SecretString::from(secret))?;
    let c = Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .credentials(Arc::new(creds.clone()))
        .build()?;
    let err = c
        .execute(&GetThing("x".into()))
        .await
        .err()
        .ok_or("expected an error")?;
    for text in [
        format!("{c:?}"),
        format!("{creds:?}"),
        format!("{err:?}"),
        err.to_string(),
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    // The request did carry it: the redaction is in the formatting, not a missing header.
    assert_eq!(
        mock.last_request()
            .and_then(|r| r.header("authorization").map(str::to_owned)),
        Some(format!("SSWS {secret}"))
    );
    Ok(())
}

// ---- tracing ----

#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

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

#[tokio::test]
async fn one_span_per_call_with_operation_status_and_attempts_and_no_secret_at_trace() -> TestResult
{
    // A second registered dispatcher keeps tracing from caching a callsite's interest from a
    // parallel test thread that has no subscriber (tokio-rs/tracing#3611), which would blind
    // this capture.
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mock = MockTransport::new();
    mock.push(429, &[("retry-after", "0")], "");
    mock.push(200, &[("x-request-id", "req-42")], r#"{"id":"x"}"#);
    let c = Client::<TestApi>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .credentials(Arc::new(StaticToken::new(
            "SSWS",
            &SecretString::from("trace-secret-token"),
        )?))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    c.execute(&GetThing("x".into())).await?;
    let text = String::from_utf8(captured.0.lock().map_err(|_| "poisoned")?.clone())?;
    let closes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("idp.call") && l.contains("close"))
        .collect();
    assert_eq!(closes.len(), 1, "one span per call:\n{text}");
    let close = closes[0];
    for field in [
        "operation=\"getThing\"",
        "provider=\"test\"",
        "status=200",
        "attempts=2",
        "request_id=\"req-42\"",
    ] {
        assert!(close.contains(field), "{field} missing in {close}");
    }
    assert!(
        text.contains("retrying"),
        "a retry event is logged:\n{text}"
    );
    assert!(!text.contains("trace-secret-token"), "{text}");
    Ok(())
}

#[derive(Debug)]
struct DeleteThing;

impl Operation for DeleteThing {
    type Provider = TestApi;
    type Output = ();
    const ID: &'static str = "deleteThing";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/things/x";
}

#[tokio::test]
async fn a_no_content_operation_accepts_any_success_body() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    mock.push(200, &[], "{}");
    mock.push(200, &[], "not json at all");
    let c = mock_client(&mock)?;
    for _ in 0..3 {
        c.execute(&DeleteThing).await?;
    }
    assert_eq!(mock.request_count(), 3);
    Ok(())
}

#[tokio::test]
async fn each_status_predicate_is_true_for_its_own_status_alone() -> TestResult {
    type Predicate = fn(&idp_core::Error) -> bool;
    let predicates: [(u16, Predicate); 5] = [
        (404, idp_core::Error::is_not_found),
        (401, idp_core::Error::is_unauthorized),
        (403, idp_core::Error::is_forbidden),
        (409, idp_core::Error::is_conflict),
        (429, idp_core::Error::is_rate_limited),
    ];
    for (status, _) in &predicates {
        let mock = MockTransport::new();
        mock.push(*status, &[], r#"{"message":"no"}"#);
        let err = error_of_one_attempt(&mock_client(&mock)?).await?;
        for (own, predicate) in &predicates {
            assert_eq!(predicate(&err), own == status, "is {own}? on a {status}");
        }
        assert!(!err.is_timeout() && !err.is_deadline_exceeded(), "{status}");
    }
    let timeout = idp_core::Error::new(ErrorKind::Timeout, "the attempt timed out");
    assert!(timeout.is_timeout() && !timeout.is_deadline_exceeded());
    assert!(predicates.iter().all(|(_, p)| !p(&timeout)));
    let deadline = idp_core::Error::new(ErrorKind::DeadlineExceeded, "the deadline passed");
    assert!(deadline.is_timeout() && deadline.is_deadline_exceeded());
    Ok(())
}

#[tokio::test]
async fn a_page_answered_429_or_5xx_is_asked_again_but_a_400_ends_the_walk() -> TestResult {
    for (status, resumes) in [(429u16, true), (503, true), (400, false), (404, false)] {
        let mock = MockTransport::new();
        mock.push_json(200, &page(&["a"], Some("c1")));
        mock.push(status, &[], r#"{"message":"no"}"#);
        mock.push_json(200, &page(&["b"], None));
        let c = mock_client(&mock)?;
        let mut items = c
            .call(ListThings::default())
            .retry_policy(RetryPolicy::none())
            .items();
        assert_eq!(items.try_next().await?.map(|t| t.id).as_deref(), Some("a"));
        let err = items.try_next().await.err().ok_or("page two fails")?;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let next = items.try_next().await?.map(|t| t.id);
        if resumes {
            assert_eq!(next.as_deref(), Some("b"), "{status}: page two asked again");
            assert_eq!(mock.request_count(), 3);
        } else {
            assert_eq!(next, None, "{status}: the walk ended");
            assert_eq!(mock.request_count(), 2);
        }
    }
    Ok(())
}

#[test]
fn only_a_refused_connection_or_an_unbuildable_request_is_known_to_have_sent_nothing() {
    use idp_core::TransportError;
    let cases = [
        (TransportError::Connect("refused".into()), true),
        (TransportError::InvalidRequest("bad header".into()), true),
        (
            TransportError::Io("reset after the request went out".into()),
            false,
        ),
        (TransportError::Timeout, false),
    ];
    for (err, nothing_sent) in cases {
        assert_eq!(err.nothing_sent(), nothing_sent, "{err}");
    }
}

/// A `getThing` body of exactly `n` bytes.
fn thing_of_len(n: usize) -> String {
    format!("{{\"id\":\"{}\"}}", "x".repeat(n - 9))
}

fn capped_client(base: &str) -> Result<Client<TestApi>, idp_core::Error> {
    Client::<TestApi>::builder()
        .base_url(base)
        .max_response_bytes(1024)
        .retry_policy(RetryPolicy::none())
        .build()
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_refused() -> TestResult {
    for (len, fits) in [(1024, true), (1025, false)] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/things/x");
                then.status(200).body(thing_of_len(len));
            })
            .await;
        let result = capped_client(&server.base_url())?
            .execute(&GetThing("x".into()))
            .await;
        assert_eq!(
            result.is_ok(),
            fits,
            "{len} bytes with Content-Length: {result:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_chunked_body_is_held_to_the_cap_over_all_its_chunks() -> TestResult {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // No Content-Length: the cap is checked on the chunks as they arrive (one or several).
    for (chunks, fits) in [
        (vec![1024], true),
        (vec![1025], false),
        (vec![512, 512], true),
        (vec![512, 513], false),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let body = thing_of_len(chunks.iter().sum());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await?;
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await?;
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await?;
            let mut at = 0;
            for len in chunks {
                let part = &body.as_bytes()[at..at + len];
                at += len;
                socket.write_all(format!("{len:x}\r\n").as_bytes()).await?;
                socket.write_all(part).await?;
                socket.write_all(b"\r\n").await?;
                socket.flush().await?;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            socket.write_all(b"0\r\n\r\n").await?;
            std::io::Result::Ok(())
        });
        let result = capped_client(&base)?.execute(&GetThing("x".into())).await;
        assert_eq!(result.is_ok(), fits, "chunked: {result:?}");
        if let Ok(Err(e)) = server.await {
            // The client may hang up on an oversized body before the server is done.
            assert!(!fits, "the server failed on a body that fits: {e}");
        }
    }
    Ok(())
}

macro_rules! op_with_method {
    ($name:ident, $method:ident) => {
        #[derive(Debug)]
        struct $name;

        impl Operation for $name {
            type Provider = TestApi;
            type Output = ();
            const ID: &'static str = stringify!($name);
            const METHOD: Method = Method::$method;
            const PATH: &'static str = "/things/x";
        }
    };
}

op_with_method!(HeadThing, HEAD);
op_with_method!(PutThing, PUT);
op_with_method!(OptionsThing, OPTIONS);
op_with_method!(PatchThing, PATCH);
op_with_method!(PostThing, POST);

#[test]
fn the_default_idempotence_follows_the_method() {
    assert!(GetThing("t".into()).idempotent(), "GET");
    assert!(HeadThing.idempotent(), "HEAD");
    assert!(PutThing.idempotent(), "PUT");
    assert!(DeleteThing.idempotent(), "DELETE");
    assert!(OptionsThing.idempotent(), "OPTIONS");
    assert!(!PatchThing.idempotent(), "PATCH");
    assert!(!PostThing.idempotent(), "POST");
}

#[tokio::test]
async fn a_put_answered_503_is_sent_again_and_a_patch_is_not() -> TestResult {
    let mock = MockTransport::new();
    mock.push(503, &[], "{}");
    mock.push(204, &[], "");
    mock.push(503, &[], "{}");
    let c = mock_client(&mock)?;
    c.execute(&PutThing).await?;
    assert_eq!(
        mock.request_count(),
        2,
        "the PUT was sent again after its 503"
    );
    let err = c
        .execute(&PatchThing)
        .await
        .err()
        .ok_or("a PATCH 503 fails")?;
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(mock.request_count(), 3, "the PATCH was sent once");
    Ok(())
}

#[tokio::test]
async fn the_default_transport_reads_a_two_mebibyte_page() -> TestResult {
    // A page of 500 large users runs to megabytes: the default cap (32 MiB) must admit it.
    let server = MockServer::start_async().await;
    let body = thing_of_len(2 * 1024 * 1024);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/big");
            then.status(200).body(body);
        })
        .await;
    let thing = client(&server.base_url(), &RecordingSleeper::new())?
        .execute(&GetThing("big".into()))
        .await?;
    assert_eq!(thing.id.len(), 2 * 1024 * 1024 - 9);
    Ok(())
}

#[tokio::test]
async fn a_refused_connection_says_why_without_the_url() -> TestResult {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let err = client(&format!("http://{addr}"), &RecordingSleeper::new())?
        .call(GetThing("path-secret-77".into()))
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("nothing listens there")?;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let text = err.to_string();
    assert!(
        text.to_lowercase().contains("connection refused"),
        "the cause is told: {text}"
    );
    assert!(!text.contains("path-secret-77"), "{text}");
    Ok(())
}

#[test]
fn the_reqwest_transport_shows_its_size_cap_in_debug() -> TestResult {
    let transport = idp_core::ReqwestTransport::with_options(Duration::from_secs(1), 4096)?;
    let shown = format!("{transport:?}");
    assert!(
        shown.starts_with("ReqwestTransport") && shown.contains("max_response_bytes: 4096"),
        "{shown}"
    );
    Ok(())
}

#[tokio::test]
async fn builder_setters_keep_each_other_and_timeout_suffix_refresh_credentials_concurrency_apply()
-> TestResult {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/slow");
            then.status(200)
                .delay(Duration::from_secs(3))
                .body(r#"{"id":"slow"}"#);
        })
        .await;
    let fast = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/fast");
            then.status(200).body(r#"{"id":"fast"}"#);
        })
        .await;
    let plain = Client::<TestApi>::builder().base_url(server.base_url());
    assert!(!plain.has_credentials());
    assert_eq!(plain.token_refresh_setting(), None);
    let builder = plain
        .credentials(Arc::new(StaticToken::bearer(&SecretString::from(
            "builder-secret",
        ))?))
        .timeout(Some(Duration::from_millis(200)))
        .connect_timeout(Duration::from_secs(2))
        .max_response_bytes(1 << 20)
        .user_agent_suffix("  sync-job/2.1 ")
        .token_refresh_before(Duration::from_secs(90))
        .max_capacity(0.5)
        .max_concurrency(3)
        .governor(true)
        .retry_policy(RetryPolicy::none());
    assert!(builder.has_credentials());
    assert_eq!(
        builder.token_refresh_setting(),
        Some(Duration::from_secs(90))
    );
    let shown = format!("{builder:?}");
    assert!(
        shown.starts_with("ClientBuilder") && shown.contains("test") && shown.contains("200ms"),
        "{shown}"
    );
    assert!(!shown.contains("builder-secret"), "{shown}");
    let client = builder.build()?;
    assert_eq!(client.rate_budget().concurrency(), 3);
    assert_eq!(client.retry_policy(), &RetryPolicy::none());
    let call = client.call(GetThing("fast".into()));
    assert!(format!("{call:?}").starts_with("Call"), "{call:?}");
    assert_eq!(call.send().await?.id, "fast");
    assert_eq!(fast.calls_async().await, 1);
    let err = client
        .execute(&GetThing("slow".into()))
        .await
        .err()
        .ok_or("the 200 ms timeout ends the slow call")?;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(slow.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn a_user_agent_suffix_is_appended_trimmed_and_a_blank_one_is_left_out() -> TestResult {
    for (suffix, want_end) in [("  sync-job/2.1 ", " sync-job/2.1"), ("   ", "")] {
        let mock = MockTransport::new();
        mock.push_json(200, &serde_json::json!({"id": "a"}));
        Client::<TestApi>::builder()
            .base_url("https://api.example.com")
            .transport(Arc::new(mock.clone()))
            .user_agent_suffix(suffix)
            .build()?
            .execute(&GetThing("a".into()))
            .await?;
        let ua = mock
            .last_request()
            .and_then(|r| r.header("user-agent").map(str::to_owned))
            .unwrap_or_default();
        assert!(ua.starts_with("idp-test/0.0 rust/"), "{ua}");
        let rust = ua.split(' ').nth(1).unwrap_or_default();
        assert_eq!(
            ua,
            format!("idp-test/0.0 {rust}{want_end}"),
            "suffix {suffix:?}"
        );
    }
    Ok(())
}
