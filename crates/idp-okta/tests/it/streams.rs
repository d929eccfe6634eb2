//! Lists consumed the way a Rust user does: through the `Stream` impls with `futures`'
//! `StreamExt`/`TryStreamExt` combinators (`take`, `try_collect`, `try_for_each_concurrent`),
//! against the fake Okta (Link-header pagination). The inherent `try_next` is tested elsewhere;
//! these fail if `poll_next` of `ItemStream` or `PageStream` stops early or loses items.

use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, TryStreamExt};
use idp_okta::models::AppUser;
use idp_okta::ops::ListApplicationUsers;
use idp_okta::{Client, ErrorKind, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeOkta, Fault};

use crate::common::TestResult;

const APP: &str = "0oastreams";

/// A fake with five users assigned to [`APP`] (listed in this order), and a client on it that
/// does not retry.
async fn fake() -> Result<(FakeOkta, Client, Vec<String>), Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    let ids = okta.seed_app_users(APP, 5);
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .retry_policy(RetryPolicy::none())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok((okta, client, ids))
}

/// Pages of two: five users take three pages.
fn list() -> ListApplicationUsers {
    ListApplicationUsers::new(APP).limit(2)
}

fn list_requests(okta: &FakeOkta) -> usize {
    okta.requests()
        .iter()
        .filter(|r| r.operation == Some("listApplicationUsers"))
        .count()
}

fn ids(users: &[AppUser]) -> Vec<String> {
    users
        .iter()
        .filter_map(|u| u.id().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn try_collect_on_items_yields_every_user_of_every_page_in_order() -> TestResult {
    let (okta, client, seeded) = fake().await?;
    let users: Vec<AppUser> = client.items(list()).try_collect().await?;
    assert_eq!(ids(&users), seeded);
    assert_eq!(list_requests(&okta), 3, "three pages of at most two");
    Ok(())
}

#[tokio::test]
async fn take_stops_the_walk_without_fetching_pages_it_does_not_need() -> TestResult {
    let (okta, client, seeded) = fake().await?;
    let first: Vec<AppUser> = client.items(list()).take(3).try_collect::<Vec<_>>().await?;
    assert_eq!(ids(&first), seeded[..3]);
    assert_eq!(list_requests(&okta), 2, "the third item is on page 2");
    Ok(())
}

#[tokio::test]
async fn try_for_each_concurrent_visits_every_user_once() -> TestResult {
    let (_okta, client, seeded) = fake().await?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    client
        .items(list())
        .try_for_each_concurrent(3, |user| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock()
                    .expect("not poisoned")
                    .push(user.id().unwrap_or_default().to_owned());
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
    let (_okta, client, seeded) = fake().await?;
    let pages: Vec<_> = client.pages(list()).try_collect().await?;
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let listed: Vec<String> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(listed, seeded);
    let cursors: Vec<Option<&str>> = pages.iter().map(|p| p.next_cursor.as_deref()).collect();
    // Okta's cursor is the `after` of the Link header: the id of a page's last user.
    assert_eq!(
        cursors,
        [Some(seeded[1].as_str()), Some(seeded[3].as_str()), None]
    );
    Ok(())
}

#[tokio::test]
async fn a_failed_page_ends_try_collect_with_its_error() -> TestResult {
    let (okta, client, _seeded) = fake().await?;
    // The first page is served; then the second answers 503 (no retries on this client).
    let mut items = client.items(list());
    assert!(items.next().await.transpose()?.is_some());
    okta.faults()
        .operation("listApplicationUsers")
        .next(1, Fault::Status(503));
    let rest: Result<Vec<AppUser>, _> = items.try_collect().await;
    let err = rest.err().ok_or("the second page failed")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(list_requests(&okta), 2);
    Ok(())
}

/// Core's `resumable` rule as a user meets it: without retries, a 429 or 503 on page two is
/// returned, and polling the same stream again fetches page two again — nothing lost, nothing
/// twice. A 400 on page two ends the walk: polling again yields nothing more.
#[tokio::test]
async fn after_a_429_or_503_on_page_two_the_stream_resumes_there_and_after_a_400_it_ends()
-> TestResult {
    for (fault, status) in [
        (
            Fault::Status429 {
                reset_after: std::time::Duration::from_secs(1),
            },
            429,
        ),
        (Fault::Status(503), 503),
    ] {
        let (okta, client, seeded) = fake().await?;
        let mut items = client.items(list());
        let mut got = vec![items.next().await.ok_or("item 1")??];
        okta.faults()
            .operation("listApplicationUsers")
            .next(1, fault);
        let err = loop {
            match items.next().await {
                Some(Ok(user)) => got.push(user),
                Some(Err(e)) => break e,
                None => return Err("page two must fail once".into()),
            }
        };
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let rest: Vec<AppUser> = items.try_collect().await?;
        got.extend(rest);
        assert_eq!(ids(&got), seeded, "after the {status}");
        assert_eq!(list_requests(&okta), 4, "page two asked twice");
    }

    let (okta, client, _seeded) = fake().await?;
    let mut items = client.items(list());
    items.next().await.ok_or("item 1")??;
    items.next().await.ok_or("item 2")??;
    okta.faults()
        .operation("listApplicationUsers")
        .next(1, Fault::Status(400));
    let err = items.next().await.ok_or("page two fails")?.err();
    assert_eq!(err.and_then(|e| e.status()).map(|s| s.as_u16()), Some(400));
    assert!(items.next().await.is_none(), "a 400 is not asked again");
    assert_eq!(list_requests(&okta), 2);
    Ok(())
}
