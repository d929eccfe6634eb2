//! `cargo xtask bench bulk [--users N]`: bulk work against Okta's limits (issue 17).
//!
//! The Okta fake (in this process) enforces a `/api/v1/apps*` bucket of 600 requests per 1 s
//! window and an org-wide concurrency limit of 10; the token may use the whole bucket (an admin
//! raised Okta's default 50 % share). Each admitted request is held in flight 5 ms (real Okta
//! answers take tens of ms; at 5 ms the bucket, not the concurrency, bounds the rate, as the
//! benchmark intends). Three runs assign the same users, each on a fresh fake:
//!
//! - naive: `buffer_unordered(32)` over `client.execute`, governor off, default retries;
//! - governed: `assign_many` on a client with the governor on;
//! - governed at `max_capacity(0.5)`: the same, leaving half of each window to others.
//!
//! The table shows the 429s the fake sent, the items that failed, the most requests the fake had
//! in flight at once (admitted ones: the concurrency limit caps it at 10), the wall time and the
//! wall time over the theoretical minimum (users / 600 per s; twice that at half capacity).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use idp_okta::models::AppUserAssignRequest;
use idp_okta::ops::AssignUserToApplication;
use idp_testkit::FakeOkta;

const APP: &str = "0oabulkbench";
const BUCKET: &str = "/api/v1/apps*";
const LIMIT: u64 = 600;
const WINDOW: Duration = Duration::from_secs(1);
const CONCURRENCY: usize = 10;
const SERVICE_TIME: Duration = Duration::from_millis(5);

/// One run's measurements.
struct Measured {
    name: &'static str,
    rate_limited: usize,
    failed: usize,
    /// The most requests the fake had in flight at once.
    peak: usize,
    wall: Duration,
    /// The theoretical minimum for this run.
    minimum: Duration,
}

/// Runs the three scenarios and prints the table.
pub(crate) fn run(options: &[String]) -> Result<(), String> {
    let users = match options {
        [] => 3_000,
        [flag, n] if flag == "--users" => n.parse().map_err(|e| format!("--users: {e}"))?,
        _ => return Err("usage: cargo xtask bench bulk [--users N]".to_owned()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let results = runtime.block_on(async {
        let mut results = Vec::new();
        for scenario in [
            Scenario::Naive,
            Scenario::Governed(1.0),
            Scenario::Governed(0.5),
        ] {
            results.push(scenario.measure(users).await?);
        }
        Ok::<_, String>(results)
    })?;
    print_table(users, &results);
    Ok(())
}

#[derive(Clone, Copy)]
enum Scenario {
    Naive,
    Governed(f64),
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Naive => "naive buffer_unordered(32), default retries",
            Scenario::Governed(share) if share < 1.0 => "assign_many + governor, max_capacity(0.5)",
            Scenario::Governed(_) => "assign_many + governor",
        }
    }

    async fn measure(self, users: usize) -> Result<Measured, String> {
        let fake = FakeOkta::start().await.map_err(|e| format!("fake: {e}"))?;
        fake.rate_limit_bucket(BUCKET, LIMIT, WINDOW);
        fake.concurrency_limit(CONCURRENCY);
        fake.token_share(1.0);
        fake.service_time(SERVICE_TIME);
        let ids: Vec<String> = (0..users).map(|i| format!("00ubench{i:06}")).collect();
        fake.add_users(ids.iter().cloned());
        let share = match self {
            Scenario::Naive => 1.0,
            Scenario::Governed(share) => share,
        };
        let okta = idp_okta::Client::builder()
            .org_url(fake.base_url())
            .api_token(fake.api_token())
            .governor(matches!(self, Scenario::Governed(_)))
            .max_capacity(share)
            .build()
            .map_err(|e| format!("client: {e}"))?;
        let started = Instant::now();
        let failed = match self {
            Scenario::Naive => naive(&okta, &ids).await,
            Scenario::Governed(_) => governed(&okta, &ids).await,
        };
        let wall = started.elapsed();
        let per_second = LIMIT as f64 * share / WINDOW.as_secs_f64();
        Ok(Measured {
            name: self.name(),
            rate_limited: fake.bucket_429s() + fake.concurrency_429s(),
            failed,
            peak: fake.peak_in_flight(),
            wall,
            minimum: Duration::from_secs_f64(users as f64 / per_second),
        })
    }
}

/// Every assignment at once, 32 in flight, as users write it today; the number that failed.
async fn naive(okta: &idp_okta::Client, ids: &[String]) -> usize {
    futures_util::stream::iter(ids.iter().cloned())
        .map(|id| {
            okta.execute(AssignUserToApplication::new(
                APP,
                AppUserAssignRequest::new(id),
            ))
        })
        .buffer_unordered(32)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await
}

/// `assign_many` on the governed client; the number that failed.
async fn governed(okta: &idp_okta::Client, ids: &[String]) -> usize {
    let requests = ids.iter().map(AppUserAssignRequest::new);
    let report = okta
        .application_users()
        .assign_many(APP, requests)
        .run()
        .await;
    report.failed.len()
}

fn print_table(users: usize, results: &[Measured]) {
    println!(
        "\nAssigning {users} users; Okta fake: {LIMIT} requests per {} s window on {BUCKET}, \
         concurrency limit {CONCURRENCY}, {} ms per request\n",
        WINDOW.as_secs(),
        SERVICE_TIME.as_millis()
    );
    println!(
        "| {:<44} | {:>13} | {:>12} | {:>9} | {:>7} | {:>7} | {:>14} |",
        "run", "429s received", "items failed", "in flight", "wall", "minimum", "wall ÷ minimum"
    );
    println!(
        "|{:-<46}|{:->15}|{:->14}|{:->11}|{:->9}|{:->9}|{:->16}|",
        "", "", "", "", "", "", ""
    );
    for m in results {
        println!(
            "| {:<44} | {:>13} | {:>12} | {:>9} | {:>6.2}s | {:>6.1}s | {:>13.2}× |",
            m.name,
            m.rate_limited,
            m.failed,
            m.peak,
            m.wall.as_secs_f64(),
            m.minimum.as_secs_f64(),
            m.wall.as_secs_f64() / m.minimum.as_secs_f64(),
        );
    }
}
