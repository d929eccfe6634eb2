//! Lists consumed the way a Rust user does: through the `Stream` impls with `futures`'
//! `StreamExt`/`TryStreamExt` combinators (`take`, `try_collect`, `try_for_each_concurrent`),
//! against the fake Authress (`pagination.next.cursor` in the body). The inherent `try_next` is
//! tested elsewhere; these fail if `poll_next` of `ItemStream` or `PageStream` stops early or loses
//! items.

use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, TryStreamExt};
use idp_authress::models::Connection;
use idp_authress::ops::GetConnections;
use idp_authress::{Client, ErrorKind, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeAuthress, Fault};

use crate::common::TestResult;

/// A fake with five seeded connections (listed in this order), and a client on it that does
/// not retry.
async fn fake() -> Result<(FakeAuthress, Client, Vec<String>), Box<dyn std::error::Error>> {
    let fake = FakeAuthress::start().await?;
    let ids = fake.seed_connections(5);
    let client = Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .retry_policy(RetryPolicy::none())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok((fake, client, ids))
}

/// Pages of two: five connections take three pages.
fn list() -> GetConnections {
    GetConnections::new().limit(2)
}

fn list_requests(fake: &FakeAuthress) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.operation == Some("getConnections"))
        .count()
}

fn ids(connections: &[Connection]) -> Vec<String> {
    connections
        .iter()
        .filter_map(|c| c.id().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn try_collect_on_items_yields_every_connection_of_every_page_in_order() -> TestResult {
    let (fake, client, seeded) = fake().await?;
    let connections: Vec<Connection> = client.items(list()).try_collect().await?;
    assert_eq!(ids(&connections), seeded);
    assert_eq!(list_requests(&fake), 3, "three pages of at most two");
    Ok(())
}

#[tokio::test]
async fn take_stops_the_walk_without_fetching_pages_it_does_not_need() -> TestResult {
    let (fake, client, seeded) = fake().await?;
    let first: Vec<Connection> = client.items(list()).take(3).try_collect::<Vec<_>>().await?;
    assert_eq!(ids(&first), seeded[..3]);
    assert_eq!(list_requests(&fake), 2, "the third item is on page 2");
    Ok(())
}

#[tokio::test]
async fn try_for_each_concurrent_visits_every_connection_once() -> TestResult {
    let (_fake, client, seeded) = fake().await?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    client
        .items(list())
        .try_for_each_concurrent(3, |connection| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock()
                    .expect("not poisoned")
                    .push(connection.id().unwrap_or_default().to_owned());
                Ok(())
            }
        })
        .await?;
    let mut got = seen.lock().expect("not poisoned").clone();
    got.sort();
    let mut want = seeded;
    want.sort();
    assert_eq!(got, want);
    Ok(())
}

#[tokio::test]
async fn pages_through_try_collect_keep_the_page_boundaries_and_cursors() -> TestResult {
    let (_fake, client, seeded) = fake().await?;
    let pages: Vec<_> = client.pages(list()).try_collect().await?;
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let listed: Vec<String> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(listed, seeded);
    let cursors: Vec<Option<&str>> = pages.iter().map(|p| p.next_cursor.as_deref()).collect();
    // Authress's cursor is opaque (`pagination.next.cursor`): present until the last page.
    assert!(cursors[0].is_some() && cursors[1].is_some(), "{cursors:?}");
    assert_eq!(cursors[2], None);
    Ok(())
}

#[tokio::test]
async fn a_failed_page_ends_try_collect_with_its_error() -> TestResult {
    let (fake, client, _seeded) = fake().await?;
    // The first page is served; then the second answers 503 (no retries on this client).
    let mut items = client.items(list());
    assert!(items.next().await.transpose()?.is_some());
    fake.faults()
        .operation("getConnections")
        .next(1, Fault::Status(503));
    let rest: Result<Vec<Connection>, _> = items.try_collect().await;
    let err = rest.err().ok_or("the second page failed")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(list_requests(&fake), 2);
    Ok(())
}
