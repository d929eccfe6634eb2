//! Bulk work: assign 3 000 users to an Okta app with `assign_many`, paced by the rate governor,
//! with a live progress bar; then print the report, and resume from it as a stopped batch would.
//!
//! `cargo run -p idp --example bulk` runs it against the in-process fake Okta of `idp-testkit`
//! (no network beyond loopback). The fake models Okta's limits, scaled down so that the run takes
//! seconds: the `/api/v1/apps*` bucket allows 1 500 requests per 1 s window (Okta's windows are
//! one minute), at most 10 requests in flight org-wide, each taking 2 ms. A few of the users are
//! unknown to the org: their items fail (404) and the batch goes on.

use std::time::{Duration, Instant};

use idp::okta::models::AppUserAssignRequest;
use idp::okta::ops::AssignUserToApplication;
use idp::okta::{Bulk, BulkProgress, BulkReport, Client};
use idp_testkit::FakeOkta;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The app the users are assigned to.
const APP: &str = "0oabulkexample";
/// How many users the batch assigns.
const USERS: usize = 3_000;
/// The fake's bucket: requests per window.
const BUCKET_LIMIT: u64 = 1_500;
/// The users (by index) the fake's org does not know: their assignments fail with 404.
const UNKNOWN: [usize; 3] = [404, 1_404, 2_404];

#[tokio::main]
async fn main() -> Result<()> {
    let okta = FakeOkta::start().await?;
    okta.rate_limit_bucket("/api/v1/apps*", BUCKET_LIMIT, Duration::from_secs(1));
    okta.token_share(1.0);
    okta.concurrency_limit(10);
    okta.service_time(Duration::from_millis(2));
    let users: Vec<String> = (0..USERS).map(|i| format!("00ubulk{i:05}")).collect();
    okta.add_users(
        users
            .iter()
            .enumerate()
            .filter(|(i, _)| !UNKNOWN.contains(i))
            .map(|(_, u)| u.clone()),
    );
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .governor(true)
        .build()?;

    println!(
        "── assigning {USERS} users to {APP} (fake bucket: {BUCKET_LIMIT} per second, 10 in flight)"
    );
    let bulk = assign_all(&client, &users);
    let bar = show_progress(bulk.progress())?;
    let started = Instant::now();
    let report = bulk.run().await;
    let elapsed = started.elapsed();
    bar.await?;
    print_report(&report, elapsed, &okta);

    // A batch that stopped (a crash, a deploy) starts again from its saved report: only what did
    // not finish is sent. This one finished, so nothing is.
    let saved = serde_json::to_string(&report)?;
    okta.clear_requests();
    let again = assign_all(&client, &users)
        .resume(serde_json::from_str(&saved)?)?
        .run()
        .await;
    println!(
        "── resumed from the saved report ({} bytes of JSON): {} items skipped, {} requests sent",
        saved.len(),
        again.skipped.len(),
        okta.requests().len()
    );

    let failed: Vec<usize> = report.failed.iter().map(|f| f.index).collect();
    if failed != UNKNOWN || again.skipped.len() != USERS || !okta.requests().is_empty() {
        return Err("the batch did not end as expected".into());
    }
    Ok(())
}

/// The batch: one assignment per user, keyed by user id.
fn assign_all(client: &Client, users: &[String]) -> Bulk<AssignUserToApplication> {
    client.application_users().assign_many(
        APP,
        users.iter().map(|u| AppUserAssignRequest::new(u.as_str())),
    )
}

/// Draws the batch's progress until it ends (the bar hides itself when stderr is not a
/// terminal).
fn show_progress(
    mut progress: watch::Receiver<BulkProgress>,
) -> Result<tokio::task::JoinHandle<()>> {
    let bar = ProgressBar::new(progress.borrow().total as u64);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos:>5}/{len} {msg}",
    )?);
    Ok(tokio::spawn(async move {
        while progress.changed().await.is_ok() {
            let p = progress.borrow_and_update().clone();
            bar.set_position(p.done() as u64);
            let eta = p
                .eta
                .map_or_else(|| "…".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
            bar.set_message(format!(
                "{} failed · {:>2} in flight · {:>5.0}/s · {eta} left",
                p.failed, p.in_flight, p.rate
            ));
        }
        bar.finish();
    }))
}

fn print_report(report: &BulkReport, elapsed: Duration, okta: &FakeOkta) {
    let minimum = USERS as f64 / BUCKET_LIMIT as f64;
    println!(
        "── done in {:.2} s (the bucket allows it in {minimum:.2} s at best: {:.2}×)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / minimum
    );
    println!(
        "   {} succeeded, {} failed, {} skipped; the fake refused {} requests for the bucket and {} \
         for concurrency (429)",
        report.succeeded.len(),
        report.failed.len(),
        report.skipped.len(),
        okta.bucket_429s(),
        okta.concurrency_429s()
    );
    for failure in &report.failed {
        println!(
            "   failed #{} {}: {}",
            failure.index,
            failure.key.as_deref().unwrap_or("?"),
            failure.error.message
        );
    }
}
