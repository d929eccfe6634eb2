//! Bulk work over the core client: per-item outcomes, the report and its resumption, concurrency
//! bounds, progress, and the stream combinators. The transport answers by path, so the order in
//! which concurrent items arrive does not matter; no test measures time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderMap, Method, StatusCode};
use idp_core::{
    Body, BulkOutcome, BulkReport, Client, ErrorBody, ErrorKind, HttpRequest, HttpResponse,
    InProcessBudget, Operation, PathParams, Provider, RetryPolicy, SecretString, StaticToken,
    Transport, TransportError,
};
use idp_test_support::RecordingSleeper;
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TOKEN: &str = "bulk-secret-token-1234";

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
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Thing {
    id: String,
}

/// `GET /things/{id}` (idempotent).
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

/// `POST /things/{id}` (not idempotent).
#[derive(Debug, Clone)]
struct CreateThing(String);

impl Operation for CreateThing {
    type Provider = TestApi;
    type Output = Thing;
    const ID: &'static str = "createThing";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/things/{thingId}";
    fn path_params(&self) -> PathParams<'_> {
        [self.0.as_str()].into()
    }
    fn body(&self) -> idp_core::Result<Option<Body>> {
        Body::json(&serde_json::json!({ "id": self.0, "secret": TOKEN })).map(Some)
    }
}

/// Answers by path: `/things/bad…` is a 400, `/things/down…` a 503, anything else 200 with the
/// id. Each request yields to the runtime a few times before answering, so items overlap; the
/// transport counts requests per path and the most it saw in flight at once.
#[derive(Debug, Clone, Default)]
struct ByPath {
    sent: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl ByPath {
    fn sent(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }

    fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for path in self.sent() {
            *counts.entry(path).or_insert(0) += 1;
        }
        counts
    }

    fn clear(&self) {
        self.sent.lock().unwrap().clear();
    }
}

fn response(status: u16, body: serde_json::Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", "req-42")
        .body(body.to_string().into())
        .unwrap()
}

#[async_trait]
impl Transport for ByPath {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.uri().path().to_owned();
        self.sent.lock().unwrap().push(path.clone());
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let id = path.trim_start_matches("/things/");
        Ok(if id.starts_with("bad") {
            response(
                400,
                serde_json::json!({ "code": "E_BAD", "message": "bad thing" }),
            )
        } else if id.starts_with("down") {
            response(503, serde_json::json!({ "message": "unavailable" }))
        } else {
            response(200, serde_json::json!({ "id": id }))
        })
    }
}

fn client(transport: &ByPath) -> Client<TestApi> {
    try_client(transport).expect("client")
}

fn try_client(transport: &ByPath) -> idp_core::Result<Client<TestApi>> {
    builder(transport.clone())?
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()
}

/// A client builder over `transport` with the test's base URL and token.
fn builder(transport: impl Transport) -> idp_core::Result<idp_core::ClientBuilder<TestApi>> {
    Ok(Client::<TestApi>::builder()
        .base_url("https://api.test.example")
        .credentials(Arc::new(StaticToken::bearer(&SecretString::from(TOKEN))?))
        .transport(Arc::new(transport)))
}

/// Runs `n` GETs at the batch's default concurrency; the most in flight at once.
async fn peak_in_flight(client: &Client<TestApi>, n: usize) -> usize {
    let peak = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&peak);
    let report = client
        .bulk(ids(n).into_iter().map(GetThing))
        .on_progress(move |p| {
            seen.fetch_max(p.in_flight, Ordering::SeqCst);
        })
        .run()
        .await;
    assert!(report.is_success());
    peak.load(Ordering::SeqCst)
}

/// Runs `n` GETs one at a time; every progress the batch published.
async fn progress_one_at_a_time(client: &Client<TestApi>, n: usize) -> Vec<idp_core::BulkProgress> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let report = client
        .bulk(ids(n).into_iter().map(GetThing))
        .concurrency(1)
        .on_progress(move |p| record.lock().unwrap().push(p.clone()))
        .run()
        .await;
    assert!(report.is_success());
    seen.lock().unwrap().clone()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("t{i}")).collect()
}

#[tokio::test]
async fn one_item_answered_400_fails_alone_and_every_other_item_succeeds() -> TestResult {
    let transport = ByPath::default();
    let mut names = ids(10);
    names[6] = "bad6".into();
    let report = client(&transport)
        .bulk(names.iter().cloned().map(GetThing))
        .concurrency(4)
        .run()
        .await;
    assert_eq!(report.total, 10);
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let failure = &report.failed[0];
    assert_eq!(failure.index, 6);
    assert_eq!(failure.error.kind, "api");
    assert_eq!(failure.error.status, Some(400));
    assert_eq!(failure.error.code.as_deref(), Some("E_BAD"));
    assert_eq!(failure.error.operation.as_deref(), Some("getThing"));
    assert_eq!(failure.error.request_id.as_deref(), Some("req-42"));
    assert!(failure.error.message.contains("bad thing"));
    assert_eq!(report.succeeded, vec![0, 1, 2, 3, 4, 5, 7, 8, 9]);
    assert!(report.is_complete() && !report.is_success());
    assert!(report.skipped.is_empty() && report.interrupted.is_empty());
    assert_eq!(transport.sent().len(), 10, "each item sent once");
    Ok(())
}

#[tokio::test]
async fn the_report_round_trips_through_json_without_the_token_or_bodies() -> TestResult {
    let transport = ByPath::default();
    let report = client(&transport)
        .bulk(["a", "bad", "c"].map(|s| CreateThing(s.into())))
        .key_by(|op| op.0.clone())
        .run()
        .await;
    let json = serde_json::to_string(&report)?;
    assert!(!json.contains(TOKEN), "no secret in the report: {json}");
    let back: BulkReport = serde_json::from_str(&json)?;
    assert_eq!(back, report);
    assert_eq!(back.keys, vec!["a", "bad", "c"]);
    assert_eq!(back.failed[0].key.as_deref(), Some("bad"));
    assert_eq!(
        [back.key(0), back.key(1), back.key(3)],
        [Some("a"), Some("bad"), None]
    );
    Ok(())
}

#[tokio::test]
async fn a_batch_stopped_halfway_resumes_from_its_serialized_report_sending_each_remaining_item_once()
-> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let names = ids(20);
    let mut stream = client
        .bulk(names.iter().cloned().map(GetThing))
        .concurrency(3)
        .stream();
    for _ in 0..8 {
        assert!(stream.next().await.expect("an outcome").result.is_ok());
    }
    let report = stream.into_report();
    assert_eq!(report.succeeded.len(), 8);
    assert_eq!(report.interrupted.len(), 2, "two were still in flight");
    let saved = serde_json::to_string(&report)?;

    transport.clear();
    let resumed: BulkReport = serde_json::from_str(&saved)?;
    let pending = resumed.pending();
    let second = client
        .bulk(names.iter().cloned().map(GetThing))
        .concurrency(3)
        .resume(resumed)?
        .run()
        .await;
    // Interrupted GETs are idempotent: they are sent again, with everything not yet done.
    let expected: HashMap<String, usize> = pending
        .iter()
        .map(|&i| (format!("/things/{}", names[i]), 1))
        .collect();
    assert_eq!(
        transport.counts(),
        expected,
        "each remaining item once, no finished one"
    );
    assert_eq!(second.skipped, report.succeeded);
    assert!(second.is_success(), "{second:?}");
    assert!(second.interrupted.is_empty());
    Ok(())
}

#[tokio::test]
async fn an_interrupted_post_is_reported_and_never_sent_again_on_resume() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let names = ids(10);
    let mut stream = client
        .bulk(names.iter().cloned().map(CreateThing))
        .concurrency(3)
        .stream();
    stream.next().await.expect("an outcome");
    stream.next().await.expect("an outcome");
    let report = stream.into_report();
    assert_eq!(report.interrupted.len(), 2);
    let first_run = transport.counts();

    let second = client
        .bulk(names.iter().cloned().map(CreateThing))
        .resume(serde_json::from_str(&serde_json::to_string(&report)?)?)?
        .run()
        .await;
    let counts = transport.counts();
    for name in &names {
        let path = format!("/things/{name}");
        assert!(
            counts.get(&path).copied().unwrap_or(0) <= 1,
            "{path} sent twice"
        );
    }
    for &i in &report.interrupted {
        let path = format!("/things/{}", names[i]);
        assert_eq!(
            counts.get(&path),
            first_run.get(&path),
            "not re-sent: {path}"
        );
        let failure = second
            .failed
            .iter()
            .find(|f| f.index == i)
            .expect("reported");
        assert_eq!(failure.error.kind, "interrupted");
    }
    assert_eq!(second.succeeded.len(), 8);
    assert_eq!(second.failed.len(), 2);
    assert!(second.is_complete());
    Ok(())
}

#[tokio::test]
async fn a_post_item_answered_503_is_sent_once_though_the_client_retries() -> TestResult {
    let transport = ByPath::default();
    let report = client(&transport)
        .bulk(["a", "down", "c"].map(|s| CreateThing(s.into())))
        .retry_policy(RetryPolicy::default())
        .run()
        .await;
    assert_eq!(transport.counts().get("/things/down"), Some(&1));
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].error.status, Some(503));
    assert_eq!(report.succeeded, vec![0, 2]);
    // The same 503 on a GET is retried by the client's policy (then exhausted): the bulk layer
    // changes nothing of the per-item rules.
    let get = client(&transport)
        .bulk([GetThing("down".into())])
        .run()
        .await;
    assert_eq!(get.failed[0].error.kind, "retries_exhausted");
    assert_eq!(transport.counts().get("/things/down"), Some(&(1 + 4)));
    Ok(())
}

#[tokio::test]
async fn resume_by_key_matches_items_of_a_batch_rebuilt_in_another_order() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let names = ids(6);
    let mut stream = client
        .bulk(names.iter().cloned().map(GetThing))
        .key_by(|op| op.0.clone())
        .concurrency(1)
        .stream();
    let mut done = Vec::new();
    for _ in 0..3 {
        done.push(stream.next().await.expect("an outcome").key.expect("keyed"));
    }
    let report = stream.into_report();
    assert!(
        report.interrupted.is_empty(),
        "concurrency 1: nothing in flight"
    );
    transport.clear();
    let reversed: Vec<GetThing> = names.iter().rev().cloned().map(GetThing).collect();
    let second = client
        .bulk(reversed)
        .key_by(|op| op.0.clone())
        .resume(report)?
        .run()
        .await;
    let mut sent = transport.sent();
    sent.sort();
    let mut expected: Vec<String> = names
        .iter()
        .filter(|n| !done.contains(n))
        .map(|n| format!("/things/{n}"))
        .collect();
    expected.sort();
    assert_eq!(sent, expected);
    assert_eq!(second.skipped.len(), 3);
    assert!(second.is_success());
    Ok(())
}

#[tokio::test]
async fn resume_refuses_a_report_of_another_batch() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let report = client.bulk(ids(3).into_iter().map(GetThing)).run().await;
    let other = client.bulk(ids(4).into_iter().map(GetThing));
    let err = other
        .resume(report.clone())
        .expect_err("4 items, report of 3");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let keyed = client
        .bulk(ids(3).into_iter().map(GetThing))
        .key_by(|op| op.0.clone());
    assert!(keyed.resume(report).is_err(), "keys on one side only");
    let keyed_report = client
        .bulk(ids(3).into_iter().map(GetThing))
        .key_by(|op| op.0.clone())
        .run()
        .await;
    let unkeyed = client.bulk(ids(3).into_iter().map(GetThing));
    assert!(unkeyed.resume(keyed_report.clone()).is_err());
    let duplicates = client
        .bulk(ids(3).into_iter().map(GetThing))
        .key_by(|_| "same".to_owned());
    assert!(duplicates.resume(keyed_report).is_err(), "duplicate keys");
    Ok(())
}

#[tokio::test]
async fn at_most_the_set_concurrency_is_in_flight() -> TestResult {
    let transport = ByPath::default();
    let report = client(&transport)
        .bulk(ids(40).into_iter().map(GetThing))
        .concurrency(3)
        .run()
        .await;
    assert!(report.is_success());
    let max = transport.max_in_flight.load(Ordering::SeqCst);
    assert!(max <= 3, "saw {max} in flight");
    assert!(max > 1, "items overlap");
    Ok(())
}

#[tokio::test]
async fn the_default_concurrency_is_what_the_rate_budget_allows() -> TestResult {
    let client = builder(ByPath::default())?
        .rate_budget(Arc::new(InProcessBudget::new().max_concurrency(2)))
        .build()?;
    assert_eq!(
        peak_in_flight(&client, 30).await,
        2,
        "the budget's concurrency"
    );
    Ok(())
}

#[tokio::test]
async fn progress_counts_done_failed_and_in_flight_and_ends_finished() -> TestResult {
    let transport = ByPath::default();
    let mut names = ids(12);
    names[3] = "bad3".into();
    let bulk = client(&transport)
        .bulk(names.into_iter().map(GetThing))
        .concurrency(4);
    let rx = bulk.progress();
    assert_eq!(rx.borrow().total, 12);
    assert_eq!(rx.borrow().done(), 0);
    let updates = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&updates);
    let bulk = bulk.on_progress(move |p| log.lock().unwrap().push(p.clone()));
    let report = bulk.run().await;
    let last = rx.borrow().clone();
    assert!(last.finished);
    assert_eq!((last.succeeded, last.failed, last.in_flight), (11, 1, 0));
    assert_eq!(last.remaining(), 0);
    assert_eq!(last.eta, Some(std::time::Duration::ZERO));
    let updates = updates.lock().unwrap();
    assert!(updates.iter().any(|p| p.in_flight == 4));
    assert!(
        updates.windows(2).all(|w| w[0].done() <= w[1].done()),
        "done never goes back"
    );
    assert_eq!(updates.last(), Some(&last));
    assert!(report.is_complete());
    Ok(())
}

#[tokio::test]
async fn the_stream_works_with_stream_and_try_stream_combinators() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let outcomes: Vec<BulkOutcome<GetThing>> = client
        .bulk(ids(5).into_iter().map(GetThing))
        .stream()
        .collect()
        .await;
    let mut indices: Vec<usize> = outcomes.iter().map(|o| o.index).collect();
    indices.sort_unstable();
    assert_eq!(indices, vec![0, 1, 2, 3, 4]);
    assert!(
        outcomes
            .iter()
            .all(|o| o.result.as_ref().is_ok_and(|t| t.id == o.operation.0))
    );

    let mut things: Vec<Thing> = client
        .bulk(ids(5).into_iter().map(GetThing))
        .stream()
        .map(BulkOutcome::into_result)
        .try_collect()
        .await?;
    things.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(things[0].id, "t0");

    let err = client
        .bulk([GetThing("bad".into())])
        .stream()
        .map(BulkOutcome::into_result)
        .try_for_each(|_| async { Ok(()) })
        .await
        .expect_err("the bad item");
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));

    let filtered: Vec<usize> = client
        .bulk(["a", "bad", "c"].map(|s| GetThing(s.into())))
        .concurrency(1)
        .stream()
        .filter_map(|o| async move { o.result.is_err().then_some(o.index) })
        .collect()
        .await;
    assert_eq!(filtered, vec![1]);
    Ok(())
}

#[tokio::test]
async fn an_empty_batch_and_a_finished_one_end_at_once() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let empty = client.bulk(Vec::<GetThing>::new()).run().await;
    assert_eq!((empty.total, empty.is_complete()), (0, true));
    let done = client.bulk(ids(3).into_iter().map(GetThing)).run().await;
    transport.clear();
    let again = client
        .bulk(ids(3).into_iter().map(GetThing))
        .resume(done)?
        .run()
        .await;
    assert!(transport.sent().is_empty());
    assert_eq!(again.skipped, vec![0, 1, 2]);
    assert!(again.is_success());
    Ok(())
}

#[tokio::test]
async fn a_batch_and_its_stream_are_send_and_run_on_a_spawned_task() -> TestResult {
    fn is_send<T: Send>(_: &T) {}
    let transport = ByPath::default();
    let client = client(&transport);
    let stream = client.bulk(ids(2).into_iter().map(GetThing)).stream();
    is_send(&stream);
    drop(stream);
    let bulk = client.bulk(ids(3).into_iter().map(GetThing));
    is_send(&bulk);
    let report = tokio::spawn(bulk.run()).await?;
    assert!(report.is_success());
    Ok(())
}

#[tokio::test]
async fn with_the_governor_off_the_default_concurrency_is_the_governors_default_cap() -> TestResult
{
    let transport = ByPath::default();
    assert_eq!(
        peak_in_flight(&client(&transport), 30).await,
        idp_core::governor::DEFAULT_MAX_CONCURRENCY
    );
    Ok(())
}

#[tokio::test]
async fn a_budget_allowing_exactly_1024_in_flight_is_honoured_not_taken_for_unbounded() -> TestResult
{
    // Above 1 024 a budget means "the governor is off" and the default cap applies; 1 024 itself
    // is still a real budget.
    let client = builder(ByPath::default())?
        .rate_budget(Arc::new(InProcessBudget::new().max_concurrency(1024)))
        .build()?;
    assert_eq!(peak_in_flight(&client, 1100).await, 1024);
    Ok(())
}

#[tokio::test]
async fn a_batch_tells_its_size_and_operations_and_its_debug_names_them() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let bulk = client.bulk(ids(3).into_iter().map(GetThing)).concurrency(2);
    assert_eq!(bulk.len(), 3);
    assert!(!bulk.is_empty());
    let names: Vec<_> = bulk.operations().iter().map(|op| op.0.clone()).collect();
    assert_eq!(names, ids(3));
    let text = format!("{bulk:?}");
    assert!(
        text.contains("getThing") && text.contains("items: 3") && text.contains("Some(2)"),
        "{text}"
    );
    let empty = client.bulk(Vec::<GetThing>::new());
    assert_eq!((empty.len(), empty.is_empty()), (0, true));

    let outcome = client
        .bulk(ids(1).into_iter().map(GetThing))
        .stream()
        .next()
        .await
        .expect("one outcome");
    let text = format!("{outcome:?}");
    assert!(
        text.starts_with("BulkOutcome") && text.contains("index: 0") && text.contains("Ok(\"ok\")"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn resume_refuses_a_keyed_report_whose_keys_do_not_match_its_total() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let report = client
        .bulk(ids(3).into_iter().map(GetThing))
        .key_by(|op| op.0.clone())
        .run()
        .await;
    // A report edited by hand (or cut short) so that it counts four items but keys three.
    let mut json = serde_json::to_value(&report)?;
    json["total"] = serde_json::json!(4);
    let edited: BulkReport = serde_json::from_value(json)?;
    let err = client
        .bulk(ids(3).into_iter().map(GetThing))
        .key_by(|op| op.0.clone())
        .resume(edited)
        .expect_err("keys and total disagree");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("keys"), "{err}");
    Ok(())
}

/// Answers every request a second later on the client's clock.
#[derive(Debug, Clone)]
struct OneASecond(Arc<idp_test_support::ManualClock>);

#[async_trait]
impl Transport for OneASecond {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.0.advance(std::time::Duration::from_secs(1));
        Ok(response(200, serde_json::json!({ "id": "x" })))
    }
}

#[tokio::test]
async fn progress_reads_a_steady_item_a_second_as_a_rate_of_one_over_the_last_window() -> TestResult
{
    let clock = Arc::new(idp_test_support::ManualClock::new(idp_test_support::epoch(
        1_000_000,
    )));
    let client = builder(OneASecond(clock.clone()))?
        .clock(clock.clone())
        .build()?;
    let seen = progress_one_at_a_time(&client, 20).await;
    // After 12 items in 12 s, 8 left: the last 5 s saw 5 items, so 1 item/s and 8 s to go
    // (not the 12 items since the start, nor 6 counting the one that ended 5 s ago).
    let mid = seen
        .iter()
        .find(|p| p.succeeded == 12 && p.in_flight == 0)
        .expect("a progress after the 12th item");
    assert!((mid.rate - 1.0).abs() < 1e-9, "rate {}", mid.rate);
    assert_eq!(mid.eta, Some(std::time::Duration::from_secs(8)));
    let last = seen.last().expect("a last progress");
    assert!(last.finished && (last.rate - 1.0).abs() < 1e-9, "{last:?}");
    assert_eq!(last.eta, Some(std::time::Duration::ZERO));
    Ok(())
}

#[tokio::test]
async fn progress_before_any_time_has_passed_shows_no_rate_and_no_eta() -> TestResult {
    // The clock never moves: items end, but no rate can be read off zero seconds.
    let clock = Arc::new(idp_test_support::ManualClock::new(idp_test_support::epoch(
        1_000_000,
    )));
    let client = builder(ByPath::default())?.clock(clock).build()?;
    let seen = progress_one_at_a_time(&client, 3).await;
    let first = seen
        .iter()
        .find(|p| p.succeeded == 1)
        .expect("a progress after the first item");
    assert_eq!((first.rate, first.eta), (0.0, None), "{first:?}");
    let last = seen.last().expect("a last progress");
    assert!(last.finished, "{last:?}");
    assert_eq!(
        (last.rate, last.eta),
        (0.0, Some(std::time::Duration::ZERO))
    );
    Ok(())
}

#[tokio::test]
async fn the_stream_size_hint_counts_the_outcomes_still_to_come() -> TestResult {
    let transport = ByPath::default();
    let mut stream = client(&transport)
        .bulk(ids(5).into_iter().map(GetThing))
        .concurrency(2)
        .stream();
    assert_eq!(futures_util::Stream::size_hint(&stream), (5, Some(5)));
    let mut left = 5;
    while stream.next().await.is_some() {
        left -= 1;
        assert_eq!(futures_util::Stream::size_hint(&stream), (left, Some(left)));
    }
    assert_eq!(left, 0);
    Ok(())
}

#[tokio::test]
async fn a_running_batch_shows_its_operation_and_progress_in_debug() -> TestResult {
    let transport = ByPath::default();
    let client = client(&transport);
    let mut stream = client
        .bulk(ids(5).into_iter().map(GetThing))
        .concurrency(2)
        .stream();
    assert!(stream.next().await.expect("an outcome").result.is_ok());
    let shown = format!("{stream:?}");
    assert!(
        shown.starts_with("BulkStream") && shown.contains("getThing") && shown.contains("waiting"),
        "{shown}"
    );
    Ok(())
}
