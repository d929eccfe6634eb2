//! Faults, per provider, through the real clients against the `idp-testkit` fakes (and raw
//! loopback sockets): 429 storms, 5xx bursts, dropped connections, bodies cut mid-stream, slow
//! servers, refused connections — and the rule that a non-idempotent call (POST create/assign)
//! is sent again only when the server proved it did not process it (429, connect failure).

use std::sync::Arc;
use std::time::{Duration, Instant};

use idp::authress::models::{Connection, ConnectionType};
use idp::kinde::models::{CreateConnectionRequest, Strategy};
use idp::okta::models::{AppUserAssignRequest, AppUserProfile, KeyRequest};
use idp::{ErrorKind, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta, Fault, LoggedRequest};

use crate::TestResult;
use crate::common::{authress, kinde, okta};
use idp_tests::raw_server::{RawServer, Reply};

const APP: &str = "0oarel0000000000001";

/// The storm policy: 3 retries, server hints honoured up to 10 s.
fn storm_policy() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(3)
        .max_server_wait(Duration::from_secs(10))
}

fn authress_connection(name: &str) -> Connection {
    Connection::new(ConnectionType::Oauth2)
        .authentication_url("https://accounts.example.com/authorize")
        .token_url("https://accounts.example.com/token")
        .client_id(format!("client-{name}"))
}

fn sent(log: &[LoggedRequest], operation: &str) -> usize {
    log.iter()
        .filter(|r| r.operation == Some(operation))
        .count()
}

/// A 429 storm outlasting the retries: `RetriesExhausted` carrying the last 429 (status,
/// `retry_after`), every wait equal to the server's hint, the total bounded by
/// `retries × max_server_wait`, and exactly `1 + retries` requests.
fn assert_storm(
    err: &idp::Error,
    sleeper: &RecordingSleeper,
    operation: &str,
    hint: Duration,
    requests: usize,
) {
    let policy = storm_policy();
    let retries = policy.retries();
    assert_eq!(err.kind(), ErrorKind::RetriesExhausted, "{err}");
    assert_eq!(err.operation(), Some(operation));
    assert!(err.is_rate_limited(), "the last response is kept: {err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(hint), "the last response's hint");
    assert_eq!(err.attempts(), retries + 1);
    assert!(
        err.to_string()
            .contains(&format!("after {} attempts", retries + 1)),
        "{err}"
    );
    let waits = sleeper.waits();
    assert_eq!(
        waits,
        vec![hint; retries as usize],
        "waits follow the server's hint"
    );
    let total: Duration = waits.iter().sum();
    let bound = Duration::from_secs(10) * retries;
    assert!(total <= bound, "total wait {total:?} exceeds {bound:?}");
    assert_eq!(requests, retries as usize + 1, "one request per attempt");
}

#[tokio::test]
async fn okta_429_storm_exhausts_retries_with_the_last_response_and_bounded_waits() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let sleeper = RecordingSleeper::new();
    let client = okta(&fake, &sleeper, storm_policy())?;
    let reset_after = Duration::from_secs(2);
    fake.faults()
        .operation("getApplicationUser")
        .next(50, Fault::Status429 { reset_after });
    let err = client
        .application_users()
        .get(APP, &ids[0])
        .send()
        .await
        .err()
        .ok_or("expected RetriesExhausted")?;
    // Okta: X-Rate-Limit-Reset − Date, plus one second as Okta's SDKs wait.
    let hint = reset_after + Duration::from_secs(1);
    assert_storm(
        &err,
        &sleeper,
        "getApplicationUser",
        hint,
        sent(&fake.requests(), "getApplicationUser"),
    );
    assert_eq!(err.code(), Some("E0000047"));
    assert!(
        err.rate_limit().is_some(),
        "Okta's rate-limit headers are kept"
    );
    let retried = fake.requests();
    assert!(
        retried
            .iter()
            .skip(1)
            .all(|r| r.header("x-okta-retry-count").is_some()),
        "retries are marked as Okta's SDKs do"
    );
    Ok(())
}

#[tokio::test]
async fn authress_429_storm_exhausts_retries_with_the_last_response_and_bounded_waits() -> TestResult
{
    let fake = FakeAuthress::start().await?;
    let ids = fake.seed_connections(1);
    let sleeper = RecordingSleeper::new();
    let client = authress(&fake, &sleeper, storm_policy())?;
    let reset_after = Duration::from_secs(2);
    fake.faults()
        .operation("getConnection")
        .next(50, Fault::Status429 { reset_after });
    let err = client
        .connections()
        .get(&ids[0])
        .send()
        .await
        .err()
        .ok_or("expected RetriesExhausted")?;
    assert_storm(
        &err,
        &sleeper,
        "getConnection",
        reset_after,
        sent(&fake.requests(), "getConnection"),
    );
    Ok(())
}

#[tokio::test]
async fn kinde_429_storm_exhausts_retries_with_the_last_response_and_bounded_waits() -> TestResult {
    let fake = FakeKinde::start().await?;
    let ids = fake.seed_connections(1);
    let sleeper = RecordingSleeper::new();
    let client = kinde(&fake, &sleeper, storm_policy())?;
    let reset_after = Duration::from_secs(2);
    fake.faults()
        .operation("GetConnection")
        .next(50, Fault::Status429 { reset_after });
    let err = client
        .connections()
        .get(&ids[0])
        .send()
        .await
        .err()
        .ok_or("expected RetriesExhausted")?;
    assert_storm(
        &err,
        &sleeper,
        "GetConnection",
        reset_after,
        sent(&fake.requests(), "GetConnection"),
    );
    assert_eq!(fake.token_requests(), 1, "a 429 does not cost a new token");
    Ok(())
}

#[tokio::test]
async fn a_429_asking_for_longer_than_the_policy_allows_stops_at_once_with_the_hint() -> TestResult
{
    let fake = FakeKinde::start().await?;
    let ids = fake.seed_connections(1);
    let sleeper = RecordingSleeper::new();
    let client = kinde(&fake, &sleeper, storm_policy())?;
    fake.faults().operation("GetConnection").next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(120),
        },
    );
    let err = client
        .connections()
        .get(&ids[0])
        .send()
        .await
        .err()
        .ok_or("expected a 429 error")?;
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Api, "no retry was made: {err}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(
        sleeper.waits().is_empty(),
        "nothing waited: {:?}",
        sleeper.waits()
    );
    assert_eq!(sent(&fake.requests(), "GetConnection"), 1);
    Ok(())
}

/// A burst of `n` 5xx shorter than the retry budget: the GET succeeds after `n` backoff waits,
/// each within the policy's (jitter-free) backoff for its retry.
fn assert_burst_waits(sleeper: &RecordingSleeper, n: usize) {
    let policy = RetryPolicy::default();
    let waits = sleeper.waits();
    assert_eq!(waits.len(), n, "{waits:?}");
    for (i, wait) in waits.iter().enumerate() {
        let cap = policy.backoff(i as u32, 1.0);
        assert!(*wait <= cap, "retry {i} waited {wait:?} > backoff {cap:?}");
    }
}

#[tokio::test]
async fn okta_5xx_burst_on_get_is_retried_with_backoff_and_succeeds() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let sleeper = RecordingSleeper::new();
    let client = okta(&fake, &sleeper, RetryPolicy::default())?;
    fake.faults()
        .operation("getApplicationUser")
        .next(1, Fault::Status(503));
    fake.faults()
        .operation("getApplicationUser")
        .next(1, Fault::Status(500));
    let user = client.application_users().get(APP, &ids[0]).send().await?;
    assert_eq!(user.id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(sent(&fake.requests(), "getApplicationUser"), 3);
    assert_burst_waits(&sleeper, 2);
    Ok(())
}

#[tokio::test]
async fn okta_5xx_burst_on_get_succeeds_within_the_retry_budget() -> TestResult {
    let fake = FakeOkta::start().await?;
    let ids = fake.seed_app_users(APP, 1);
    let sleeper = RecordingSleeper::new();
    // Hints up to 61 s (the rate-limit window the fake advertises) are honoured here, so this
    // checks the budget regardless of the gap the ignored test above describes.
    let policy = RetryPolicy::default().max_server_wait(Duration::from_secs(62));
    let client = okta(&fake, &sleeper, policy)?;
    fake.faults()
        .operation("getApplicationUser")
        .next(2, Fault::Status(503));
    let user = client.application_users().get(APP, &ids[0]).send().await?;
    assert_eq!(user.id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(sent(&fake.requests(), "getApplicationUser"), 3);
    assert_eq!(sleeper.waits().len(), 2);
    Ok(())
}

#[tokio::test]
async fn authress_5xx_burst_on_get_is_retried_with_backoff_and_succeeds() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let ids = fake.seed_connections(1);
    let sleeper = RecordingSleeper::new();
    let client = authress(&fake, &sleeper, RetryPolicy::default())?;
    for status in [503, 502, 500] {
        fake.faults()
            .operation("getConnection")
            .next(1, Fault::Status(status));
    }
    let got = client.connections().get(&ids[0]).send().await?;
    assert_eq!(got.id(), Some(ids[0].as_str()));
    assert_eq!(sent(&fake.requests(), "getConnection"), 4);
    assert_burst_waits(&sleeper, 3);
    Ok(())
}

#[tokio::test]
async fn kinde_5xx_burst_on_get_is_retried_with_backoff_and_succeeds() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.seed_connections(3);
    let sleeper = RecordingSleeper::new();
    let client = kinde(&fake, &sleeper, RetryPolicy::default())?;
    fake.faults()
        .operation("GetConnections")
        .next(2, Fault::Status(503));
    let listed = client.connections().list().collect_all().await?;
    assert_eq!(listed.len(), 3);
    assert_eq!(sent(&fake.requests(), "GetConnections"), 3);
    assert_burst_waits(&sleeper, 2);
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_on_get_is_retried_and_succeeds_for_every_provider() -> TestResult {
    let sleeper = RecordingSleeper::new();

    let o = FakeOkta::start().await?;
    let ids = o.seed_app_users(APP, 1);
    o.faults()
        .operation("getApplicationUser")
        .next(1, Fault::DropConnection);
    okta(&o, &sleeper, RetryPolicy::default())?
        .application_users()
        .get(APP, &ids[0])
        .send()
        .await?;
    assert_eq!(sent(&o.requests(), "getApplicationUser"), 2);

    let a = FakeAuthress::start().await?;
    let ids = a.seed_connections(1);
    a.faults()
        .operation("getConnection")
        .next(1, Fault::DropConnection);
    authress(&a, &sleeper, RetryPolicy::default())?
        .connections()
        .get(&ids[0])
        .send()
        .await?;
    assert_eq!(sent(&a.requests(), "getConnection"), 2);

    let k = FakeKinde::start().await?;
    let ids = k.seed_connections(1);
    k.faults()
        .operation("GetConnection")
        .next(1, Fault::DropConnection);
    kinde(&k, &sleeper, RetryPolicy::default())?
        .connections()
        .get(&ids[0])
        .send()
        .await?;
    assert_eq!(sent(&k.requests(), "GetConnection"), 2);
    assert_eq!(sleeper.waits().len(), 3, "one backoff per provider");
    Ok(())
}

// ---- non-idempotent calls: never sent twice unless the server proved it did not process ----

/// Asserts a POST failed after exactly one request with the expected kind.
fn assert_sent_once(err: &idp::Error, kind: ErrorKind, operation: &str, log: &[LoggedRequest]) {
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(err.operation(), Some(operation));
    assert_eq!(err.attempts(), 1, "{err}");
    assert_eq!(sent(log, operation), 1, "the POST was sent exactly once");
}

#[tokio::test]
async fn okta_posts_under_503_or_a_dropped_connection_are_sent_exactly_once() -> TestResult {
    let fake = FakeOkta::start().await?;
    let sleeper = RecordingSleeper::new();
    let client = okta(&fake, &sleeper, RetryPolicy::default())?;

    fake.faults()
        .operation("createHookKey")
        .next(5, Fault::Status(503));
    let err = client
        .hook_keys()
        .create(KeyRequest::new("k"))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_sent_once(&err, ErrorKind::Api, "createHookKey", &fake.requests());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    fake.faults().clear();

    fake.faults()
        .operation("assignUserToApplication")
        .next(5, Fault::DropConnection);
    let err = client
        .application_users()
        .assign(APP, AppUserAssignRequest::<AppUserProfile>::new("00urel1"))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_sent_once(
        &err,
        ErrorKind::Transport,
        "assignUserToApplication",
        &fake.requests(),
    );
    assert!(fake.hook_keys().is_empty());
    assert!(sleeper.waits().is_empty(), "no retry was even scheduled");
    Ok(())
}

#[tokio::test]
async fn authress_posts_under_503_or_a_dropped_connection_are_sent_exactly_once() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let sleeper = RecordingSleeper::new();
    let client = authress(&fake, &sleeper, RetryPolicy::default())?;
    for (fault, kind) in [
        (Fault::Status(503), ErrorKind::Api),
        (Fault::DropConnection, ErrorKind::Transport),
    ] {
        fake.clear_requests();
        fake.faults().operation("createConnection").next(5, fault);
        let err = client
            .connections()
            .create(authress_connection("a"))
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_sent_once(&err, kind, "createConnection", &fake.requests());
        fake.faults().clear();
    }
    assert!(client.connections().list().collect_all().await?.is_empty());
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn kinde_posts_under_503_or_a_dropped_connection_are_sent_exactly_once() -> TestResult {
    let fake = FakeKinde::start().await?;
    let sleeper = RecordingSleeper::new();
    let client = kinde(&fake, &sleeper, RetryPolicy::default())?;
    for (fault, kind) in [
        (Fault::Status(503), ErrorKind::Api),
        (Fault::DropConnection, ErrorKind::Transport),
    ] {
        fake.clear_requests();
        fake.faults().operation("CreateConnection").next(5, fault);
        let err = client
            .connections()
            .create(CreateConnectionRequest::new(
                "gh",
                "GitHub",
                Strategy::Github,
            ))
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_sent_once(&err, kind, "CreateConnection", &fake.requests());
        fake.faults().clear();
    }
    assert!(client.connections().list().collect_all().await?.is_empty());
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn posts_past_the_timeout_are_not_sent_again() -> TestResult {
    let sleeper = RecordingSleeper::new();
    let slow = Fault::Latency(Duration::from_millis(800));
    let timeout = Duration::from_millis(200);

    let o = FakeOkta::start().await?;
    o.faults().operation("createHookKey").next(5, slow.clone());
    let err = okta(&o, &sleeper, RetryPolicy::default())?
        .hook_keys()
        .create(KeyRequest::new("k"))
        .timeout(timeout)
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    assert_sent_once(&err, ErrorKind::Timeout, "createHookKey", &o.requests());

    let a = FakeAuthress::start().await?;
    a.faults()
        .operation("createConnection")
        .next(5, slow.clone());
    let err = authress(&a, &sleeper, RetryPolicy::default())?
        .connections()
        .create(authress_connection("t"))
        .timeout(timeout)
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    assert_sent_once(&err, ErrorKind::Timeout, "createConnection", &a.requests());

    let k = FakeKinde::start().await?;
    k.faults().operation("CreateConnection").next(5, slow);
    let err = kinde(&k, &sleeper, RetryPolicy::default())?
        .connections()
        .create(CreateConnectionRequest::new(
            "gh",
            "GitHub",
            Strategy::Github,
        ))
        .timeout(timeout)
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    assert_sent_once(&err, ErrorKind::Timeout, "CreateConnection", &k.requests());
    assert!(sleeper.waits().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_429_on_post_is_retried_and_the_create_happens_exactly_once() -> TestResult {
    let sleeper = RecordingSleeper::new();
    let rate_limited = Fault::Status429 {
        reset_after: Duration::from_secs(1),
    };

    let o = FakeOkta::start().await?;
    o.add_users(["00urel2"]);
    o.faults()
        .operation("createHookKey")
        .next(1, rate_limited.clone());
    let key = okta(&o, &sleeper, RetryPolicy::default())?
        .hook_keys()
        .create(KeyRequest::new("k"))
        .send()
        .await?;
    assert_eq!(sent(&o.requests(), "createHookKey"), 2);
    assert_eq!(o.hook_keys().len(), 1, "created exactly once");
    assert_eq!(
        o.hook_keys()[0].get("id").and_then(|v| v.as_str()),
        key.id.as_deref()
    );
    o.faults()
        .operation("assignUserToApplication")
        .next(1, rate_limited.clone());
    let client = okta(&o, &sleeper, RetryPolicy::default())?;
    client
        .application_users()
        .assign(APP, AppUserAssignRequest::<AppUserProfile>::new("00urel2"))
        .send()
        .await?;
    assert_eq!(sent(&o.requests(), "assignUserToApplication"), 2);
    assert!(o.app_user(APP, "00urel2").is_some());

    let a = FakeAuthress::start().await?;
    a.faults()
        .operation("createConnection")
        .next(1, rate_limited.clone());
    let client = authress(&a, &sleeper, RetryPolicy::default())?;
    client
        .connections()
        .create(authress_connection("once"))
        .send()
        .await?;
    assert_eq!(sent(&a.requests(), "createConnection"), 2);
    assert_eq!(client.connections().list().collect_all().await?.len(), 1);

    let k = FakeKinde::start().await?;
    k.faults()
        .operation("CreateConnection")
        .next(1, rate_limited);
    let client = kinde(&k, &sleeper, RetryPolicy::default())?;
    client
        .connections()
        .create(CreateConnectionRequest::new(
            "gh",
            "GitHub",
            Strategy::Github,
        ))
        .send()
        .await?;
    assert_eq!(sent(&k.requests(), "CreateConnection"), 2);
    assert_eq!(client.connections().list().collect_all().await?.len(), 1);

    // Okta waits reset − Date + 1 s; Authress and Kinde the advertised second.
    assert_eq!(
        sleeper.waits(),
        vec![
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_secs(1),
            Duration::from_secs(1)
        ]
    );
    Ok(())
}

// ---- slow servers ----

#[tokio::test]
async fn a_slow_server_past_the_per_call_timeout_is_a_timeout_for_every_provider() -> TestResult {
    let slow = Fault::Latency(Duration::from_secs(2));
    let timeout = Duration::from_millis(200);
    let sleeper = RecordingSleeper::new();

    let o = FakeOkta::start().await?;
    let ids = o.seed_app_users(APP, 1);
    o.faults()
        .operation("getApplicationUser")
        .next(1, slow.clone());
    let started = Instant::now();
    let err = okta(&o, &sleeper, RetryPolicy::default())?
        .application_users()
        .get(APP, &ids[0])
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    let okta_elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_timeout());
    assert_eq!(err.to_string(), "getApplicationUser: timed out: timed out");

    let a = FakeAuthress::start().await?;
    let ids = a.seed_connections(1);
    a.faults().operation("getConnection").next(1, slow.clone());
    let err = authress(&a, &sleeper, RetryPolicy::default())?
        .connections()
        .get(&ids[0])
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.operation(), Some("getConnection"));

    let k = FakeKinde::start().await?;
    let ids = k.seed_connections(1);
    k.faults().operation("GetConnection").next(1, slow);
    let err = kinde(&k, &sleeper, RetryPolicy::default())?
        .connections()
        .get(&ids[0])
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .err()
        .ok_or("expected a timeout")?;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.operation(), Some("GetConnection"));

    assert!(
        okta_elapsed < Duration::from_millis(1500),
        "the call gave up at its timeout, not when the server answered ({okta_elapsed:?})"
    );
    assert!(
        sleeper.waits().is_empty(),
        "RetryPolicy::none() never waits"
    );
    Ok(())
}

// ---- refused connections ----

/// A loopback port with nothing listening.
/// A loopback port with nothing listening: the socket is bound (so no other test can take the
/// port) but never listens, so every connection attempt is refused. Keep it alive while in use.
fn closed_port() -> std::io::Result<(tokio::net::TcpSocket, String)> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind("127.0.0.1:0".parse().map_err(std::io::Error::other)?)?;
    let addr = socket.local_addr()?;
    Ok((socket, format!("http://{addr}")))
}

fn assert_refused(err: &idp::Error, operation: &str, sleeper: &RecordingSleeper, retries: u32) {
    let want = if retries == 0 {
        ErrorKind::Transport
    } else {
        ErrorKind::RetriesExhausted
    };
    assert_eq!(err.kind(), want, "{err}");
    assert_eq!(err.operation(), Some(operation));
    assert_eq!(err.attempts(), retries + 1, "{err}");
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert_eq!(sleeper.waits().len(), retries as usize);
}

#[tokio::test]
async fn connection_refused_is_retried_the_configured_times_then_fails() -> TestResult {
    let (_bound, url) = closed_port()?;
    let authress_fake = FakeAuthress::start().await?;
    for retries in [0u32, 2] {
        let policy = RetryPolicy::new().max_retries(retries);

        let sleeper = RecordingSleeper::new();
        let err = idp::okta::Client::builder()
            .org_url(&url)
            .api_token("refused-okta-token")
            .sleeper(Arc::new(sleeper.clone()))
            .retry_policy(policy.clone())
            .build()?
            .application_users()
            .get(APP, "00u1")
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_refused(&err, "getApplicationUser", &sleeper, retries);

        // A POST too: a refused connection proves nothing was sent.
        let sleeper = RecordingSleeper::new();
        let err = idp::authress::Client::builder()
            .base_url(&url)
            .access_key(authress_fake.access_key())
            .sleeper(Arc::new(sleeper.clone()))
            .retry_policy(policy.clone())
            .build()?
            .connections()
            .create(authress_connection("r"))
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_refused(&err, "createConnection", &sleeper, retries);

        let sleeper = RecordingSleeper::new();
        let err = idp::kinde::Client::builder()
            .domain(&url)
            .access_token("refused-kinde-token")
            .sleeper(Arc::new(sleeper.clone()))
            .retry_policy(policy)
            .build()?
            .connections()
            .list()
            .send()
            .await
            .err()
            .ok_or("expected an error")?;
        assert_refused(&err, "GetConnections", &sleeper, retries);
    }
    Ok(())
}

#[tokio::test]
async fn connection_refused_at_the_token_endpoint_is_retried_like_any_connect_failure() -> TestResult
{
    let (_bound, url) = closed_port()?;
    let retries = 2;
    let sleeper = RecordingSleeper::new();
    let err = idp::kinde::Client::builder()
        .domain(&url)
        .client_credentials("m2m-client", "m2m-secret")
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::new().max_retries(retries))
        .build()?
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_refused(&err, "GetConnections", &sleeper, retries);

    let sleeper = RecordingSleeper::new();
    let err = idp::okta::Client::builder()
        .org_url(&url)
        .private_key_jwt(
            "0oaservice",
            include_str!("../../crates/idp-okta/tests/it/keys/test-only-rsa-private.pem"),
            ["okta.apps.read"],
        )
        .sleeper(Arc::new(sleeper.clone()))
        .retry_policy(RetryPolicy::new().max_retries(retries))
        .build()?
        .application_users()
        .get(APP, "00u1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_refused(&err, "getApplicationUser", &sleeper, retries);
    Ok(())
}

// ---- bodies cut mid-stream (the connection resets after the headers) ----

/// A response that promises 200 bytes and closes after a few.
fn cut_mid_body() -> Reply {
    Reply::bytes(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"id\":\"00u",
    )
}

#[tokio::test]
async fn a_get_cut_mid_body_is_retried_and_succeeds() -> TestResult {
    let body = r#"{"id":"00u1","status":"ACTIVE","scope":"USER"}"#;
    let server = RawServer::start(vec![cut_mid_body(), Reply::json(200, &[], body)]).await?;
    let sleeper = RecordingSleeper::new();
    let user = idp::okta::Client::builder()
        .org_url(server.base_url())
        .api_token("cut-okta-token")
        .sleeper(Arc::new(sleeper.clone()))
        .build()?
        .application_users()
        .get(APP, "00u1")
        .send()
        .await?;
    assert_eq!(user.id.as_deref(), Some("00u1"));
    assert_eq!(
        server.request_lines(),
        vec![format!("GET /api/v1/apps/{APP}/users/00u1 HTTP/1.1"); 2]
    );
    assert_eq!(sleeper.waits().len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_post_cut_mid_body_is_a_transport_error_sent_exactly_once() -> TestResult {
    let server = RawServer::start(vec![cut_mid_body(), cut_mid_body(), cut_mid_body()]).await?;
    let sleeper = RecordingSleeper::new();
    let err = idp::kinde::Client::builder()
        .domain(server.base_url())
        .access_token("cut-kinde-token")
        .sleeper(Arc::new(sleeper.clone()))
        .build()?
        .connections()
        .create(CreateConnectionRequest::new(
            "gh",
            "GitHub",
            Strategy::Github,
        ))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.operation(), Some("CreateConnection"));
    assert_eq!(
        server.request_lines(),
        vec!["POST /api/v1/connections HTTP/1.1".to_owned()],
        "the server may have processed it: never sent again"
    );
    assert!(sleeper.waits().is_empty());
    Ok(())
}
