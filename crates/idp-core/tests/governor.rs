//! The rate governor through the client: pacing from the rate-limit headers of the answers, and
//! the concurrency cap a concurrency 429 lowers. Time is a `ManualClock`; no test measures time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures_util::FutureExt;
use http::{HeaderMap, Method, StatusCode};
use idp_core::governor::BudgetContext;
use idp_core::{
    Client, ErrorBody, HttpRequest, HttpResponse, Operation, Provider, RateLimit, Reset,
    RetryPolicy, Transport, TransportError,
};
use idp_test_support::{AdvancingSleeper, ManualClock, MockTransport, RecordingSleeper};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const T0: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// A provider with Okta-shaped rules: `x-limit`, `x-remaining`, `x-reset` (epoch seconds), and a
/// concurrency 429 shows limit = remaining = 0.
#[derive(Debug)]
struct Paced;

impl Provider for Paced {
    const NAME: &'static str = "paced";
    const USER_AGENT: &'static str = "idp-test/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, _body: &[u8]) -> ErrorBody {
        ErrorBody::default()
    }

    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }

    fn rate_limit(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        RateLimit::from_headers(
            headers,
            ["x-limit", "x-remaining", "x-reset"],
            Reset::EpochSeconds,
            now,
        )
    }

    fn rate_bucket(_operation_id: &'static str, _path_template: &'static str) -> &'static str {
        "things"
    }

    fn is_concurrency_limited(_headers: &HeaderMap, rl: Option<&RateLimit>) -> bool {
        rl.is_some_and(|rl| rl.limit == Some(0) && rl.remaining == Some(0))
    }
}

#[derive(Debug, Clone)]
struct GetThing;

impl Operation for GetThing {
    type Provider = Paced;
    type Output = serde_json::Value;
    const ID: &'static str = "getThing";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things";
}

/// The mock transport, noting the client's clock at each request it receives.
#[derive(Debug, Clone)]
struct Timed {
    mock: MockTransport,
    clock: ManualClock,
    sent_at: Arc<Mutex<Vec<SystemTime>>>,
}

#[async_trait]
impl Transport for Timed {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        use idp_core::retry::Clock;
        self.sent_at.lock().unwrap().push(self.clock.now());
        self.mock.send(request).await
    }
}

/// A client of the paced provider over `transport`, with the governor on.
fn paced_client(
    transport: impl Transport,
    clock: &ManualClock,
    sleeper: Arc<dyn idp_core::Sleeper>,
) -> Result<Client<Paced>, idp_core::Error> {
    Client::<Paced>::builder()
        .base_url("https://paced.example")
        .transport(Arc::new(transport))
        .clock(Arc::new(clock.clone()))
        .sleeper(sleeper)
        .governor(true)
        .build()
}

/// Queues a 200 that spends the bucket: limit 10, none left, the window resetting at `reset`
/// (epoch seconds).
fn push_spent_window(mock: &MockTransport, reset: u64) {
    let reset = reset.to_string();
    mock.push(
        200,
        &[("x-limit", "10"), ("x-remaining", "0"), ("x-reset", &reset)],
        "{}",
    );
}

#[tokio::test]
async fn the_governor_delays_a_request_when_remaining_reaches_zero_until_the_reset() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let sleeper = AdvancingSleeper::new(&clock);
    let mock = MockTransport::new();
    push_spent_window(&mock, T0 + 30);
    mock.push(200, &[("x-limit", "10"), ("x-remaining", "9")], "{}");
    let timed = Timed {
        mock: mock.clone(),
        clock: clock.clone(),
        sent_at: Arc::default(),
    };
    let client = paced_client(timed.clone(), &clock, Arc::new(sleeper.clone()))?;

    client.execute(&GetThing).await?;
    client.execute(&GetThing).await?;

    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(30)],
        "the second request waited for the window's reset, before it was sent"
    );
    assert_eq!(*timed.sent_at.lock().unwrap(), vec![at(T0), at(T0 + 30)]);
    assert_eq!(
        mock.request_count(),
        2,
        "and nothing was refused or retried"
    );
    Ok(())
}

#[tokio::test]
async fn a_bucket_with_requests_left_is_not_delayed() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let sleeper = RecordingSleeper::new();
    let mock = MockTransport::new();
    let reset = (T0 + 30).to_string();
    for left in ["3", "2", "1"] {
        mock.push(
            200,
            &[
                ("x-limit", "10"),
                ("x-remaining", left),
                ("x-reset", &reset),
            ],
            "{}",
        );
    }
    let client = paced_client(mock.clone(), &clock, Arc::new(sleeper.clone()))?;
    for _ in 0..3 {
        client.execute(&GetThing).await?;
    }
    assert_eq!(sleeper.waits(), Vec::<Duration>::new());
    Ok(())
}

#[tokio::test]
async fn a_concurrency_429_lowers_the_in_flight_limit() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let mock = MockTransport::new();
    let concurrent = [
        ("x-limit", "0"),
        ("x-remaining", "0"),
        ("x-reset", "1700000001"),
    ];
    mock.push(429, &concurrent, "{}");
    mock.push(200, &[], "{}");
    let client = Client::<Paced>::builder()
        .base_url("https://paced.example")
        .transport(Arc::new(mock.clone()))
        .clock(Arc::new(clock.clone()))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::default().max_retries(1))
        .governor(true)
        .max_concurrency(8)
        .build()?;
    let budget = client.rate_budget().clone();
    assert_eq!(budget.concurrency(), 8);

    client.execute(&GetThing).await?;
    assert_eq!(mock.request_count(), 2, "the 429 was retried");
    // Halved by the 429; the one success after it adds 1/4.
    assert_eq!(budget.concurrency(), 4);

    // Four slots now, whatever the maximum: a fifth request waits until one is given back.
    let sleeper = RecordingSleeper::new();
    let cx = BudgetContext {
        clock: &clock,
        sleeper: &sleeper,
    };
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(
            budget
                .acquire("things", &cx)
                .now_or_never()
                .expect("a free slot"),
        );
    }
    assert!(
        budget.acquire("things", &cx).now_or_never().is_none(),
        "4 in flight is the limit"
    );
    drop(held.pop());
    assert!(budget.acquire("things", &cx).now_or_never().is_some());
    Ok(())
}

/// A client of the paced provider (governor on, an advancing clock, `policy`) whose first answer
/// is a 429 of an exhausted bucket asking to wait `retry_after` seconds, and the next a 200.
fn after_a_spent_bucket_429(
    retry_after: &'static str,
    policy: RetryPolicy,
) -> Result<(AdvancingSleeper, Client<Paced>), idp_core::Error> {
    let clock = ManualClock::new(at(T0));
    let mock = MockTransport::new();
    mock.push(
        429,
        &[
            ("x-limit", "600"),
            ("x-remaining", "0"),
            ("retry-after", retry_after),
        ],
        "{}",
    );
    mock.push(200, &[], "{}");
    let sleeper = AdvancingSleeper::new(&clock);
    let client = Client::<Paced>::builder()
        .base_url("https://paced.example")
        .transport(Arc::new(mock))
        .clock(Arc::new(clock))
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(policy)
        .governor(true)
        .build()?;
    Ok((sleeper, client))
}

#[tokio::test]
async fn a_429_of_an_exhausted_bucket_leaves_the_concurrency_alone() -> TestResult {
    let (sleeper, client) = after_a_spent_bucket_429("2", RetryPolicy::default().max_retries(1))?;
    client.execute(&GetThing).await?;
    assert_eq!(client.rate_budget().concurrency(), 8);
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(2)],
        "the retry waited out Retry-After once; the bucket was open again by then"
    );
    Ok(())
}

/// Sends one call per answer (each answer `limit, remaining, reset` in epoch seconds) and one
/// more, through the governor on an advancing clock; the waits the governor made.
async fn waits_after(answers: &[(&str, &str, u64)]) -> Result<Vec<Duration>, idp_core::Error> {
    let clock = ManualClock::new(at(T0));
    let sleeper = AdvancingSleeper::new(&clock);
    let mock = MockTransport::new();
    for (limit, left, reset) in answers {
        let reset = reset.to_string();
        mock.push(
            200,
            &[
                ("x-limit", limit),
                ("x-remaining", left),
                ("x-reset", &reset),
            ],
            "{}",
        );
    }
    mock.push(200, &[], "{}");
    let client = paced_client(mock.clone(), &clock, Arc::new(sleeper.clone()))?;
    for _ in 0..=answers.len() {
        client.execute(&GetThing).await?;
    }
    Ok(sleeper.waits())
}

#[tokio::test]
async fn an_answer_naming_an_earlier_window_does_not_replace_the_current_one() -> TestResult {
    // The first answer leaves one request in a window ending at +30 s; the second (a late answer
    // of an earlier window, reset +10 s, 5 left) must not reopen the bucket: the third request
    // waits for +30 s.
    let waits = waits_after(&[("10", "1", T0 + 30), ("10", "5", T0 + 10)]).await?;
    assert_eq!(waits, vec![Duration::from_secs(30)]);
    Ok(())
}

#[tokio::test]
async fn resets_a_whole_second_apart_are_two_windows_and_the_newer_one_counts() -> TestResult {
    // Answers less than a second apart in their reset are one window (its smallest count kept);
    // a reset one second later is a new window with its own count: 5 left, so no wait.
    let waits = waits_after(&[("10", "1", T0 + 30), ("10", "5", T0 + 31)]).await?;
    assert_eq!(waits, Vec::<Duration>::new());
    Ok(())
}

#[tokio::test]
async fn a_refused_429_of_an_exhausted_bucket_holds_the_next_call_until_its_hint() -> TestResult {
    let (sleeper, client) = after_a_spent_bucket_429("5", RetryPolicy::none())?;
    let refused = client.execute(&GetThing).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(idp_core::Error::is_rate_limited),
        "{refused:?}"
    );
    assert_eq!(sleeper.waits(), Vec::<Duration>::new(), "no retry was made");
    client.execute(&GetThing).await?;
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(5)],
        "the bucket stayed closed for the next call until the 429's Retry-After"
    );
    Ok(())
}

/// A provider that reads the same rate-limit headers as [`Paced`] but keeps the trait's
/// defaults for buckets (one per path template) and concurrency 429s (never).
#[derive(Debug)]
struct Defaults;

impl Provider for Defaults {
    const NAME: &'static str = "defaults";
    const USER_AGENT: &'static str = "idp-test/0.0";

    fn parse_error(_status: StatusCode, _headers: &HeaderMap, _body: &[u8]) -> ErrorBody {
        ErrorBody::default()
    }

    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }

    fn rate_limit(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        Paced::rate_limit(headers, now)
    }
}

#[derive(Debug)]
struct GetOne;

impl Operation for GetOne {
    type Provider = Defaults;
    type Output = serde_json::Value;
    const ID: &'static str = "getOne";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/ones";
}

#[derive(Debug)]
struct GetOther;

impl Operation for GetOther {
    type Provider = Defaults;
    type Output = serde_json::Value;
    const ID: &'static str = "getOther";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/others";
}

fn defaults_client(
    mock: &MockTransport,
    clock: &ManualClock,
    sleeper: &AdvancingSleeper,
) -> Result<Client<Defaults>, idp_core::Error> {
    Client::<Defaults>::builder()
        .base_url("https://defaults.example")
        .transport(Arc::new(mock.clone()))
        .clock(Arc::new(clock.clone()))
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::default().max_retries(1))
        .governor(true)
        .build()
}

#[tokio::test]
async fn by_default_each_path_template_is_its_own_bucket() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let sleeper = AdvancingSleeper::new(&clock);
    let mock = MockTransport::new();
    push_spent_window(&mock, T0 + 30);
    mock.push(200, &[], "{}");
    mock.push(200, &[], "{}");
    let client = defaults_client(&mock, &clock, &sleeper)?;
    client.execute(&GetOne).await?;
    client.execute(&GetOther).await?;
    assert_eq!(
        sleeper.waits(),
        Vec::<Duration>::new(),
        "another path's bucket is not spent"
    );
    client.execute(&GetOne).await?;
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_secs(30)],
        "the spent path waits for its reset"
    );
    Ok(())
}

#[tokio::test]
async fn by_default_a_429_is_never_taken_for_a_concurrency_limit() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let sleeper = AdvancingSleeper::new(&clock);
    let mock = MockTransport::new();
    // Limit and remaining 0 would be a concurrency 429 for Okta-like rules, not by default.
    mock.push(
        429,
        &[("x-limit", "0"), ("x-remaining", "0"), ("retry-after", "1")],
        "{}",
    );
    mock.push(200, &[], "{}");
    let client = defaults_client(&mock, &clock, &sleeper)?;
    client.execute(&GetOne).await?;
    assert_eq!(
        client.rate_budget().concurrency(),
        8,
        "the in-flight cap is unchanged"
    );
    Ok(())
}

#[test]
fn a_budget_its_permits_and_its_context_name_themselves_in_debug() {
    use idp_core::RateBudget;
    let budget = idp_core::InProcessBudget::new()
        .max_capacity(0.5)
        .max_concurrency(3);
    let shown = format!("{budget:?}");
    assert!(
        shown.starts_with("InProcessBudget")
            && shown.contains("max_capacity: 0.5")
            && shown.contains("max_concurrency: 3"),
        "{shown}"
    );
    let clock = ManualClock::new(at(T0));
    let sleeper = RecordingSleeper::new();
    let cx = BudgetContext {
        clock: &clock,
        sleeper: &sleeper,
    };
    assert!(format!("{cx:?}").starts_with("BudgetContext"));
    let permit = budget
        .acquire("things", &cx)
        .now_or_never()
        .expect("a free slot");
    assert_eq!(format!("{permit:?}"), "Permit { held: true }");
}

/// Records each wait and yields once (so a test's timeout can fire if the client loops), without
/// moving any clock: the local clock then lags the server's windows, as a slow clock does.
#[derive(Debug, Clone, Default)]
struct YieldingSleeper {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl idp_core::Sleeper for YieldingSleeper {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.waits.lock().unwrap().push(duration);
        Box::pin(tokio::task::yield_now())
    }
}

#[tokio::test]
async fn a_window_waited_out_is_over_even_when_the_local_clock_lags() -> TestResult {
    let clock = ManualClock::new(at(T0));
    let sleeper = YieldingSleeper::default();
    let mock = MockTransport::new();
    push_spent_window(&mock, T0 + 30);
    mock.push(200, &[], "{}");
    let client = paced_client(mock.clone(), &clock, Arc::new(sleeper.clone()))?;
    client.execute(&GetThing).await?;
    tokio::time::timeout(Duration::from_secs(5), client.execute(&GetThing))
        .await
        .map_err(|_| "the second call kept waiting for a window it had waited out")??;
    assert_eq!(
        *sleeper.waits.lock().unwrap(),
        vec![Duration::from_secs(30)],
        "one wait for the window, though the clock never moved"
    );
    assert_eq!(mock.request_count(), 2);
    Ok(())
}
