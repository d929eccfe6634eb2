//! The pipeline under real conditions: token endpoints that throttle, total deadlines, lists that
//! resume after a failure, DELETEs whose first attempt went through, body-less POSTs.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::{HeaderMap, Method, StatusCode};
use httpmock::prelude::*;
use idp_core::auth::oauth;
use idp_core::{
    AccessToken, AuthContext, CachedToken, Client, ErrorBody, ErrorKind, NextPage, Operation,
    Paginated, Provider, Query, ResponseMeta, RetryPolicy, SecretString, StaticToken, TokenSource,
};
use idp_test_support::{AdvancingSleeper, ManualClock, RecordingSleeper};
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
struct Api;

impl Provider for Api {
    const NAME: &'static str = "conditions";
    const USER_AGENT: &'static str = "idp-conditions/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        #[derive(Deserialize)]
        struct E {
            code: Option<String>,
        }
        serde_json::from_slice::<E>(body)
            .map(|e| ErrorBody::new(e.code, None))
            .unwrap_or_default()
    }

    fn rate_limit(headers: &HeaderMap, now: SystemTime) -> Option<idp_core::RateLimit> {
        idp_core::RateLimit::from_headers(
            headers,
            ["x-limit", "x-remaining", "x-reset"],
            idp_core::Reset::DeltaSeconds,
            now,
        )
    }

    fn request_id(headers: &HeaderMap) -> Option<String> {
        headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Thing {
    id: String,
}

#[derive(Debug)]
struct GetThing;

impl Operation for GetThing {
    type Provider = Api;
    type Output = Thing;
    const ID: &'static str = "getThing";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things/t1";
}

#[derive(Debug)]
struct ActivateThing;

impl Operation for ActivateThing {
    type Provider = Api;
    type Output = ();
    const ID: &'static str = "activateThing";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/things/t1/activate";
}

#[derive(Debug)]
struct DeleteThing;

impl Operation for DeleteThing {
    type Provider = Api;
    type Output = ();
    const ID: &'static str = "deleteThing";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/things/t1";
}

#[derive(Debug, Clone, Deserialize)]
struct ThingPage {
    items: Vec<Thing>,
    next: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ListThings {
    cursor: Option<String>,
}

impl Operation for ListThings {
    type Provider = Api;
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
        output.next.clone().map(NextPage::cursor)
    }
    fn with_cursor(&self, cursor: &str) -> Self {
        ListThings {
            cursor: Some(cursor.to_owned()),
        }
    }
}

/// A client-credentials grant against `<base>/token`, through the core OAuth helpers.
#[derive(Debug)]
struct Grant {
    url: String,
}

#[async_trait]
impl TokenSource for Grant {
    async fn fetch(&self, cx: &AuthContext<'_>) -> idp_core::Result<AccessToken> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_secret", "grant-secret-xyz"),
        ];
        let response = cx.send(oauth::token_request(&self.url, &form)?).await?;
        oauth::parse_token_response(&response, cx.now())
    }
}

fn grant_client(server: &MockServer, sleeper: &RecordingSleeper) -> idp_core::Result<Client<Api>> {
    Client::<Api>::builder()
        .base_url(server.base_url())
        .credentials(Arc::new(CachedToken::new(Grant {
            url: server.url("/token"),
        })))
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

/// A sleeper that records each wait and holds the caller until the test opens the gate once, so
/// the test can change the server's answers between two attempts without racing them.
#[derive(Debug, Clone)]
struct Gate {
    record: RecordingSleeper,
    open: Arc<tokio::sync::Semaphore>,
}

impl Gate {
    fn new() -> Self {
        Gate {
            record: RecordingSleeper::new(),
            open: Arc::new(tokio::sync::Semaphore::new(0)),
        }
    }

    /// Waits (10 s at most) until `n` retries are held at the gate.
    async fn holds(&self, n: usize) -> Result<(), &'static str> {
        for _ in 0..10_000 {
            if self.record.waits().len() >= n {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Err("the retries never reached the gate")
    }

    /// Lets one waiting retry go on.
    fn open_once(&self) {
        self.open.add_permits(1);
    }
}

impl idp_core::Sleeper for Gate {
    fn sleep(
        &self,
        d: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let recorded = self.record.sleep(d);
        let open = Arc::clone(&self.open);
        Box::pin(async move {
            recorded.await;
            if let Ok(permit) = open.acquire().await {
                permit.forget();
            }
        })
    }
}

const TOKEN_OK: &str = r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#;

#[tokio::test]
async fn a_throttled_token_endpoint_is_waited_for_then_the_call_succeeds_with_two_token_requests()
-> TestResult {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(429)
                .header("retry-after", "7")
                .header("x-request-id", "tok-req-1")
                .body(r#"{"error":"rate_limited"}"#);
        })
        .await;
    let gate = Gate::new();
    let client = Client::<Api>::builder()
        .base_url(server.base_url())
        .credentials(Arc::new(CachedToken::new(Grant {
            url: server.url("/token"),
        })))
        .sleeper(Arc::new(gate.clone()))
        .build()?;
    let api = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things/t1")
                .header("authorization", "Bearer tok-1");
            then.status(200).body(r#"{"id":"t1"}"#);
        })
        .await;
    // The first token request is throttled; the retry finds the endpoint answering.
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.execute(&GetThing).await }
    });
    // Swap the throttled answer for a good one while the call waits, then let it go on.
    gate.holds(1).await?;
    assert_eq!(throttled.calls_async().await, 1);
    throttled.delete_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(200).body(TOKEN_OK);
        })
        .await;
    gate.open_once();
    let thing = call.await??;
    assert_eq!(thing.id, "t1");
    assert_eq!(
        ok.calls_async().await,
        1,
        "exactly two token requests in all"
    );
    assert_eq!(api.calls_async().await, 1);
    let waits = gate.record.waits();
    assert_eq!(
        waits,
        vec![Duration::from_secs(7)],
        "the Retry-After was honoured"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_endpoint_that_stays_unavailable_exhausts_retries_with_its_status_and_request_id()
-> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(503)
                .header("retry-after", "2")
                .header("x-request-id", "tok-req-9")
                .body("<html>down</html>");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = grant_client(&server, &sleeper)?;
    let err = match client.execute(&GetThing).await {
        Ok(_) => return Err("the call must fail".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted, "{err}");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.request_id(), Some("tok-req-9"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
    assert!(err.to_string().contains("token endpoint"), "{err}");
    assert!(!err.to_string().contains("grant-secret-xyz"));
    assert_eq!(token.calls_async().await, 4, "1 + 3 retries, no more");
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(2); 3],
        "bounded waits"
    );
    Ok(())
}

#[tokio::test]
async fn a_throttled_token_endpoint_reports_rate_limited_when_its_hint_is_beyond_the_cap()
-> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(429).header("retry-after", "600");
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = grant_client(&server, &sleeper)?;
    let err = match client.execute(&GetThing).await {
        Ok(_) => return Err("the call must fail".into()),
        Err(e) => e,
    };
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
    assert_eq!(token.calls_async().await, 1);
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn invalid_client_is_auth_with_the_oauth_error_after_one_token_request() -> TestResult {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(401).body(
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
            );
        })
        .await;
    let sleeper = RecordingSleeper::new();
    let client = grant_client(&server, &sleeper)?;
    let err = match client.execute(&GetThing).await {
        Ok(_) => return Err("the call must fail".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    let text = err.to_string();
    assert!(text.contains("invalid_client") && text.contains("Client authentication failed"));
    assert!(!text.contains("grant-secret-xyz"));
    assert_eq!(token.calls_async().await, 1);
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn twenty_concurrent_calls_share_one_throttled_refresh_two_token_requests_in_all()
-> TestResult {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(429)
                .header("retry-after", "1")
                .delay(Duration::from_millis(100));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(200).body(r#"{"id":"t1"}"#);
        })
        .await;
    let gate = Gate::new();
    let client = Client::<Api>::builder()
        .base_url(server.base_url())
        .credentials(Arc::new(CachedToken::new(Grant {
            url: server.url("/token"),
        })))
        .sleeper(Arc::new(gate.clone()))
        .build()?;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.execute(&GetThing).await })
        })
        .collect();
    // Every caller got the one throttled flight's answer and waits to retry; then the endpoint
    // recovers.
    gate.holds(20).await?;
    assert_eq!(
        throttled.calls_async().await,
        1,
        "one flight for twenty callers"
    );
    throttled.delete_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/token");
            then.status(200).body(TOKEN_OK);
        })
        .await;
    gate.open.add_permits(20);
    for call in calls {
        assert_eq!(call.await??.id, "t1");
    }
    assert_eq!(
        ok.calls_async().await,
        1,
        "exactly two token requests in all"
    );
    Ok(())
}

fn static_client(server: &MockServer) -> idp_core::Result<Client<Api>> {
    Client::<Api>::builder()
        .base_url(server.base_url())
        .credentials(Arc::new(StaticToken::bearer(&SecretString::from(
            "static-tok",
        ))?))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()
}

#[tokio::test]
async fn a_two_second_deadline_ends_a_503_storm_within_two_seconds_and_says_so() -> TestResult {
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(503).header("retry-after", "1");
        })
        .await;
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let clock = ManualClock::new(start);
    let sleeper = AdvancingSleeper::new(&clock);
    let client = Client::<Api>::builder()
        .base_url(server.base_url())
        .clock(Arc::new(clock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::default().max_retries(100))
        .build()?;
    let err = match client
        .call(GetThing)
        .deadline(Duration::from_secs(2))
        .send()
        .await
    {
        Ok(_) => return Err("the call must fail".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(err.is_deadline_exceeded() && err.is_timeout());
    assert!(err.to_string().contains("deadline of 2s"), "{err}");
    let elapsed = idp_core::Clock::now(&clock).duration_since(start)?;
    assert!(elapsed <= Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(1)],
        "the second Retry-After would end at the deadline: not waited out"
    );
    assert_eq!(
        api.calls_async().await,
        2,
        "attempts at 0 s and 1 s; a third would pass 2 s"
    );
    Ok(())
}

#[tokio::test]
async fn a_client_deadline_applies_to_every_call() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(503).header("retry-after", "5");
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let sleeper = AdvancingSleeper::new(&clock);
    let client = Client::<Api>::builder()
        .base_url(server.base_url())
        .clock(Arc::new(clock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .deadline(Some(Duration::from_secs(3)))
        .build()?;
    let err = match client.execute(&GetThing).await {
        Ok(_) => return Err("the call must fail".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(
        err.to_string().contains("last failure"),
        "the 503 is named: {err}"
    );
    assert_eq!(
        sleeper.waits(),
        Vec::<Duration>::new(),
        "a 5 s Retry-After past a 3 s deadline fails at once, without the wait"
    );
    Ok(())
}

#[tokio::test]
async fn a_deadline_already_spent_fails_before_anything_is_sent() -> TestResult {
    // A transport that answers at once: only the deadline check can stop the request.
    let mock = idp_test_support::MockTransport::new();
    mock.push(200, &[], r#"{"id":"t1"}"#);
    let client = Client::<Api>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock.clone()))
        .build()?;
    let err = match client.call(GetThing).deadline(Duration::ZERO).send().await {
        Ok(_) => return Err("a zero deadline cannot be met".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[tokio::test]
async fn an_attempt_cut_short_by_the_deadline_is_the_deadline_s_error_not_a_timeout() -> TestResult
{
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(200)
                .delay(Duration::from_secs(3))
                .body(r#"{"id":"t1"}"#);
        })
        .await;
    let err = match static_client(&server)?
        .call(GetThing)
        .timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::none())
        .deadline(Duration::from_millis(300))
        .send()
        .await
    {
        Ok(_) => return Err("the server answers after the deadline".into()),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(err.to_string().contains("deadline of 300ms"), "{err}");
    Ok(())
}

async fn three_pages(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things")
                .query_param_missing("cursor");
            then.status(200)
                .body(r#"{"items":[{"id":"a"},{"id":"b"}],"next":"p2"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things").query_param("cursor", "p3");
            then.status(200)
                .body(r#"{"items":[{"id":"e"}],"next":null}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things").query_param("cursor", "p2");
            then.status(503);
        })
        .await
}

async fn heal_page_two(server: &MockServer, failing: httpmock::Mock<'_>) {
    failing.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things").query_param("cursor", "p2");
            then.status(200)
                .body(r#"{"items":[{"id":"c"},{"id":"d"}],"next":"p3"}"#);
        })
        .await;
}

#[tokio::test]
async fn a_walk_that_fails_on_page_two_resumes_through_pages() -> TestResult {
    let server = MockServer::start_async().await;
    let failing = three_pages(&server).await;
    let client = static_client(&server)?;
    let mut pager = client.call(ListThings::default()).pager();
    let first = pager.next_page().await.ok_or("a first page")??;
    assert_eq!(first.items.len(), 2);
    let err = match pager.next_page().await {
        Some(Err(e)) => e,
        other => return Err(format!("page two must fail, got {other:?}").into()),
    };
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert!(!pager.is_done(), "a retryable failure keeps the walk");
    assert_eq!(
        pager.cursor(),
        Some("p2"),
        "the cursor of the page that failed"
    );
    heal_page_two(&server, failing).await;
    let mut rest = Vec::new();
    while let Some(page) = pager.next_page().await {
        rest.extend(page?.items.into_iter().map(|t| t.id));
    }
    assert_eq!(rest, ["c", "d", "e"], "exactly the remaining items");
    // A new pager from the saved cursor gives the same.
    let resumed = client
        .call(ListThings::default())
        .pager()
        .resume_from("p2")
        .collect_all()
        .await?;
    let ids: Vec<_> = resumed.into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["c", "d", "e"]);
    Ok(())
}

#[tokio::test]
async fn a_walk_that_fails_on_page_two_resumes_through_items() -> TestResult {
    let server = MockServer::start_async().await;
    let failing = three_pages(&server).await;
    let client = static_client(&server)?;
    let mut items = client.call(ListThings::default()).items();
    let mut seen = Vec::new();
    let err = loop {
        match items.try_next().await {
            Ok(Some(t)) => seen.push(t.id),
            Ok(None) => return Err("page two must fail".into()),
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted);
    assert_eq!(seen, ["a", "b"]);
    assert_eq!(items.cursor().as_deref(), Some("p2"));
    assert_eq!(items.page_offset(), 0);
    heal_page_two(&server, failing).await;
    // Polling again fetches the failed page again.
    while let Some(t) = items.try_next().await? {
        seen.push(t.id);
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"], "no duplicates, none lost");
    Ok(())
}

#[tokio::test]
async fn an_item_stream_tells_its_page_and_offset_for_a_later_resume() -> TestResult {
    let server = MockServer::start_async().await;
    let failing = three_pages(&server).await;
    heal_page_two(&server, failing).await;
    let client = static_client(&server)?;
    let mut items = client.call(ListThings::default()).items();
    for _ in 0..3 {
        items.try_next().await?;
    }
    // Item `c` (the first of page p2) was the last yielded.
    assert_eq!(items.cursor().as_deref(), Some("p2"));
    assert_eq!(items.page_offset(), 1);
    // And `d`, the second of that page: two of it are behind the stream now.
    items.try_next().await?;
    assert_eq!(items.page_offset(), 2);
    let cursor = items.cursor().ok_or("a cursor")?;
    let skip = items.page_offset();
    drop(items);
    let rest = client
        .call(ListThings::default())
        .pager()
        .resume_from(cursor)
        .collect_all()
        .await?;
    let ids: Vec<_> = rest.into_iter().skip(skip).map(|t| t.id).collect();
    assert_eq!(ids, ["e"]);
    Ok(())
}

#[tokio::test]
async fn body_less_posts_send_content_length_zero() -> TestResult {
    let server = MockServer::start_async().await;
    let activate = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/things/t1/activate")
                .header("content-length", "0");
            then.status(204);
        })
        .await;
    static_client(&server)?.execute(&ActivateThing).await?;
    assert_eq!(activate.calls_async().await, 1);
    Ok(())
}

#[tokio::test]
async fn a_retried_delete_that_finds_nothing_is_success_only_when_asked() -> TestResult {
    for asked in [false, true] {
        let server = MockServer::start_async().await;
        let first = server
            .mock_async(|when, then| {
                when.method(DELETE).path("/things/t1");
                then.status(503);
            })
            .await;
        let gate = Gate::new();
        let client = Client::<Api>::builder()
            .base_url(server.base_url())
            .sleeper(Arc::new(gate.clone()))
            .build()?;
        let call = tokio::spawn({
            let call = client.call(DeleteThing);
            let call = if asked { call.idempotent_ok() } else { call };
            async move { call.send().await }
        });
        gate.holds(1).await?;
        first.delete_async().await;
        let gone = server
            .mock_async(|when, then| {
                when.method(DELETE).path("/things/t1");
                then.status(404).body(r#"{"code":"not_found"}"#);
            })
            .await;
        gate.open_once();
        let result = call.await?;
        assert_eq!(gone.calls_async().await, 1);
        if asked {
            assert!(result.is_ok(), "{result:?}");
        } else {
            let err = result
                .err()
                .ok_or("without idempotent_ok a 404 is an error")?;
            assert!(err.is_not_found(), "{err}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_first_attempt_404_on_delete_stays_an_error_even_when_asked() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path("/things/t1");
            then.status(404);
        })
        .await;
    let err = static_client(&server)?
        .call(DeleteThing)
        .idempotent_ok()
        .send()
        .await
        .err()
        .ok_or("nothing was deleted by an earlier attempt")?;
    assert!(err.is_not_found());
    Ok(())
}

#[tokio::test]
async fn with_the_governor_on_a_call_waits_for_the_window_when_the_bucket_is_spent() -> TestResult {
    let server = MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(200)
                .header("x-limit", "10")
                .header("x-remaining", "0")
                .header("x-reset", "30")
                .body(r#"{"id":"t1"}"#);
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let sleeper = AdvancingSleeper::new(&clock);
    for on in [false, true] {
        let client = Client::<Api>::builder()
            .base_url(server.base_url())
            .clock(Arc::new(clock.clone()))
            .sleeper(Arc::new(sleeper.clone()))
            .governor(on)
            .build()?;
        let before = sleeper.waits().len();
        client.execute(&GetThing).await?;
        client.execute(&GetThing).await?;
        let waits = sleeper.waits()[before..].to_vec();
        if on {
            assert_eq!(waits, vec![Duration::from_secs(30)], "paced before sending");
        } else {
            assert!(waits.is_empty(), "off: nothing is held back");
        }
    }
    assert_eq!(api.calls_async().await, 4);
    Ok(())
}

#[tokio::test]
async fn a_delete_404_after_a_lost_answer_is_success_when_asked_but_not_after_a_refused_connection()
-> TestResult {
    // A read that failed after the request went out may have deleted the thing; a connection
    // that was refused sent nothing, so the 404 is the thing's own state.
    use idp_core::TransportError;
    for (first, applied) in [
        (TransportError::Io("connection reset".into()), true),
        (TransportError::Connect("connection refused".into()), false),
    ] {
        let mock = idp_test_support::MockTransport::new();
        mock.push_error(first);
        mock.push(404, &[], r#"{"code":"not_found"}"#);
        let client = Client::<Api>::builder()
            .base_url("https://api.example.com")
            .transport(Arc::new(mock.clone()))
            .sleeper(Arc::new(RecordingSleeper::new()))
            .build()?;
        let result = client.call(DeleteThing).idempotent_ok().send().await;
        assert_eq!(mock.request_count(), 2);
        if applied {
            assert!(result.is_ok(), "{result:?}");
        } else {
            assert!(result.err().is_some_and(|e| e.is_not_found()));
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_refused_call_carries_the_rate_limit_state_its_response_announced() -> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(403)
                .header("x-limit", "600")
                .header("x-remaining", "17")
                .header("x-reset", "30")
                .body(r#"{"code":"forbidden"}"#);
        })
        .await;
    let err = match static_client(&server)?.execute(&GetThing).await {
        Ok(_) => return Err("a 403 must fail".into()),
        Err(e) => e,
    };
    let limit = err
        .rate_limit()
        .ok_or("the error lost the rate-limit headers")?;
    assert_eq!((limit.limit, limit.remaining), (Some(600), Some(17)));
    assert!(limit.reset.is_some(), "{limit:?}");
    Ok(())
}

#[tokio::test]
async fn the_debug_of_an_api_error_and_of_the_client_shows_what_helps_and_hides_secrets()
-> TestResult {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/things/t1");
            then.status(409)
                .header("x-request-id", "req-77")
                .body(r#"{"code":"E0000042","echo":"password=hunter2"}"#);
        })
        .await;
    let client = static_client(&server)?;
    let err = match client.execute(&GetThing).await {
        Ok(_) => return Err("a 409 must fail".into()),
        Err(e) => e,
    };
    let shown = format!("{err:?}");
    for part in [
        "Error",
        "kind: Api",
        "409",
        "E0000042",
        "req-77",
        "getThing",
    ] {
        assert!(shown.contains(part), "{part} missing from {shown}");
    }
    let api = err.api_error().ok_or("an API error keeps the response")?;
    let api_shown = format!("{api:?}");
    for part in ["ApiError", "409", "E0000042", "req-77", "raw_body_len: 45"] {
        assert!(api_shown.contains(part), "{part} missing from {api_shown}");
    }
    for text in [&shown, &api_shown] {
        assert!(
            !text.contains("hunter2"),
            "the raw body stays out of Debug: {text}"
        );
    }
    let client_shown = format!("{client:?}");
    for part in ["Client", "conditions", &server.base_url(), "retry"] {
        assert!(
            client_shown.contains(part),
            "{part} missing from {client_shown}"
        );
    }
    assert!(!client_shown.contains("static-tok"), "{client_shown}");
    Ok(())
}

/// A provider whose 429s say how long to wait in their own header (`x-wait`, seconds), the way
/// Okta's and Kinde's rate-limit resets do.
#[derive(Debug)]
struct HintApi;

impl Provider for HintApi {
    const NAME: &'static str = "hints";
    const USER_AGENT: &'static str = "idp-hints/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, _body: &[u8]) -> ErrorBody {
        ErrorBody::default()
    }

    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }

    fn retry_hint(headers: &HeaderMap, _now: SystemTime) -> Option<idp_core::RetryHint> {
        idp_core::ratelimit::header_u64(headers, "x-wait")
            .map(|s| idp_core::RetryHint::WindowResets(Duration::from_secs(s)))
    }
}

#[derive(Debug)]
struct GetHinted;

impl Operation for GetHinted {
    type Provider = HintApi;
    type Output = serde_json::Value;
    const ID: &'static str = "getHinted";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/hinted";
}

#[tokio::test]
async fn a_429_waits_by_the_provider_s_rule_and_other_statuses_by_retry_after_only() -> TestResult {
    for (status, wait) in [(429, 7), (503, 2)] {
        let mock = idp_test_support::MockTransport::new();
        mock.push(status, &[("x-wait", "7"), ("retry-after", "2")], "{}");
        let client = Client::<HintApi>::builder()
            .base_url("https://api.example.com")
            .transport(Arc::new(mock))
            .retry_policy(RetryPolicy::none())
            .build()?;
        let err = match client.execute(&GetHinted).await {
            Ok(_) => return Err(format!("a {status} must fail").into()),
            Err(e) => e,
        };
        assert_eq!(
            err.retry_after(),
            Some(Duration::from_secs(wait)),
            "{status}"
        );
    }
    Ok(())
}
