//! The rate governor end to end against the Okta fake with Okta's limits switched on: a bucket
//! per window, the org-wide concurrency limit, the per-token share.

use std::time::Duration;

use futures_util::StreamExt;
use idp::RetryPolicy;
use idp::okta::models::AppUserAssignRequest;
use idp::okta::ops::AssignUserToApplication;
use idp_testkit::FakeOkta;

use crate::TestResult;

const APP: &str = "0oagoverned";

/// A fake with a small `/api/v1/apps*` bucket in one-second windows, a concurrency limit below
/// the load the test offers, and `n` users to assign.
async fn limited_fake(
    limit: u64,
    concurrency: usize,
    n: usize,
) -> std::io::Result<(FakeOkta, Vec<String>)> {
    let fake = FakeOkta::start().await?;
    assert!(fake.rate_limit_bucket("/api/v1/apps*", limit, Duration::from_secs(1)));
    fake.concurrency_limit(concurrency);
    fake.service_time(Duration::from_millis(2));
    let ids: Vec<String> = (0..n).map(|i| format!("00ugov{i:05}")).collect();
    fake.add_users(ids.iter().cloned());
    Ok((fake, ids))
}

fn client(fake: &FakeOkta, governed: bool, retry: RetryPolicy) -> idp::Result<idp::okta::Client> {
    idp::okta::Client::builder()
        .org_url(fake.base_url())
        .api_token(fake.api_token())
        .retry_policy(retry)
        .governor(governed)
        .max_concurrency(4)
        .build()
}

/// Assigns every user with 16 calls offered at once; the number of failed calls.
async fn assign_all(okta: &idp::okta::Client, ids: &[String]) -> usize {
    futures_util::stream::iter(ids.iter().cloned())
        .map(|id| async move {
            let op = AssignUserToApplication::new(APP, AppUserAssignRequest::new(id));
            okta.execute(op).await
        })
        .buffer_unordered(16)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governed_calls_receive_no_429_from_the_okta_fake_with_limits() -> TestResult {
    // 60 assignments through a bucket of 25 per window (half of it for this token, Okta's
    // default share): three windows, with 16 calls offered at once against a concurrency limit
    // of 6.
    let (fake, ids) = limited_fake(50, 6, 60).await?;
    let okta = client(&fake, true, RetryPolicy::default())?;
    let failed = assign_all(&okta, &ids).await;
    assert_eq!(failed, 0);
    assert_eq!(fake.bucket_429s(), 0, "the governor waited for each window");
    assert_eq!(
        fake.concurrency_429s(),
        0,
        "and kept under the concurrency limit"
    );
    let assigned = ids.iter().filter(|id| fake.app_user(APP, id).is_some());
    assert_eq!(assigned.count(), ids.len());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_okta_fake_refuses_over_its_limits_as_okta_does() -> TestResult {
    // The same load without the governor (and without retries) meets the concurrency limit.
    let (fake, ids) = limited_fake(50, 6, 40).await?;
    let okta = client(&fake, false, RetryPolicy::none())?;
    assert!(assign_all(&okta, &ids).await > 0);
    assert!(fake.concurrency_429s() > 0, "16 offered at once, 6 allowed");

    // And one token meets its share of the bucket: what that refusal looks like on the wire.
    let raw = reqwest::Client::new();
    let url = format!("{}/api/v1/apps/{APP}/users", fake.base_url());
    let auth = format!("SSWS {}", fake.api_token());
    let mut refused = None;
    for _ in 0..100 {
        let r = raw.get(&url).header("authorization", &auth).send().await?;
        if r.status().as_u16() == 429 {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("a token's share runs out within 100 calls");
    assert!(fake.bucket_429s() > 0);
    let h = |n: &str| {
        refused
            .headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        h("x-rate-limit-limit"),
        "25",
        "the token's half of the bucket binds"
    );
    assert_eq!(h("x-rate-limit-remaining"), "0");
    assert!(!h("date").is_empty(), "Date, to measure the reset against");
    let reset: u64 = h("x-rate-limit-reset").parse()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    assert!(
        reset > now.saturating_sub(1) && reset <= now + 2,
        "epoch seconds at the one-second window's end: {reset} vs now {now}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governed_kinde_calls_receive_no_429_from_the_kinde_fake_with_a_limit() -> TestResult {
    // Kinde's RateLimit-* headers, from the fake's window of 10 calls per second: 25 reads,
    // 8 offered at once, 4 in flight.
    let fake = idp_testkit::FakeKinde::start().await?;
    let ids = fake.seed_connections(1);
    fake.rate_limit(10, Duration::from_secs(1));
    let kinde = idp::kinde::Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .governor(true)
        .max_concurrency(4)
        .build()?;
    let id = ids.first().cloned().unwrap_or_default();
    let failed = futures_util::stream::iter(0..25)
        .map(|_| kinde.execute(idp::kinde::ops::GetConnection::new(id.clone())))
        .buffer_unordered(8)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    assert_eq!(failed, 0);
    assert_eq!(
        fake.rate_limited(),
        0,
        "the governor waited for each window"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kinde_fake_enforces_its_limit_with_rate_limit_reset() -> TestResult {
    let fake = idp_testkit::FakeKinde::start().await?;
    fake.rate_limit(3, Duration::from_secs(3600));
    let kinde = idp::kinde::Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .retry_policy(RetryPolicy::none())
        .governor(false)
        .build()?;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = kinde
            .execute(idp::kinde::ops::GetConnections::default())
            .await;
        statuses.push(r.err().and_then(|e| e.status()).map(|s| s.as_u16()));
    }
    // The token request counts in the window as well: 3 answers, then refusals.
    assert_eq!(statuses.iter().filter(|s| s.is_none()).count(), 2);
    assert!(
        statuses[2..].iter().all(|s| *s == Some(429)),
        "{statuses:?}"
    );
    assert_eq!(fake.rate_limited(), 4);
    let refused = fake.requests().into_iter().last().expect("a request");
    assert_eq!(refused.operation, Some("GetConnections"));
    Ok(())
}
