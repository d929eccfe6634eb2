//! Lists consumed the way a Rust user does: through the `Stream` impls with `futures`'
//! `StreamExt`/`TryStreamExt` combinators (`take`, `try_collect`, `try_for_each_concurrent`),
//! against the fake Okta (Link-header pagination). The inherent `try_next` is tested elsewhere;
//! these fail if `poll_next` of `ItemStream` or `PageStream` stops early or loses items.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use idp_okta::models::AppUser;
use idp_okta::ops::ListApplicationUsers;
use idp_okta::{Client, ItemStream, PageStream, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_test_support::streams::{self, ListFixture};
use idp_testkit::{FakeOkta, Fault};

use crate::common::TestResult;

const APP: &str = "0oastreams";

/// A fake with five users assigned to [`APP`] (listed in this order), a client on it that does
/// not retry, and walks in pages of two (five users take three pages).
struct Users {
    okta: FakeOkta,
    client: Client,
    seeded: Vec<String>,
}

async fn fake() -> Result<Users, Box<dyn std::error::Error>> {
    let okta = FakeOkta::start().await?;
    let seeded = okta.seed_app_users(APP, 5);
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .retry_policy(RetryPolicy::none())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok(Users {
        okta,
        client,
        seeded,
    })
}

/// Pages of two.
fn list() -> ListApplicationUsers {
    ListApplicationUsers::new(APP).limit(2)
}

impl ListFixture for Users {
    type Item = AppUser;

    fn items(&self) -> ItemStream<AppUser> {
        self.client.items(list())
    }

    fn pages(&self) -> PageStream<AppUser> {
        self.client.pages(list())
    }

    fn id(user: &AppUser) -> Option<&str> {
        user.id()
    }

    fn seeded(&self) -> &[String] {
        &self.seeded
    }

    fn page_size(&self) -> usize {
        2
    }

    fn list_requests(&self) -> usize {
        self.okta
            .requests()
            .iter()
            .filter(|r| r.operation == Some("listApplicationUsers"))
            .count()
    }

    fn fail_next_list_request(&self, status: u16) {
        self.okta
            .faults()
            .operation("listApplicationUsers")
            .next(1, Fault::Status(status));
    }
}

#[tokio::test]
async fn try_collect_on_items_yields_every_user_of_every_page_in_order() -> TestResult {
    streams::try_collect_yields_every_item_in_order(&fake().await?).await
}

#[tokio::test]
async fn take_stops_the_walk_without_fetching_pages_it_does_not_need() -> TestResult {
    // The third user is on page 2: two pages asked, not three.
    streams::take_fetches_only_the_pages_it_needs(&fake().await?, 3).await
}

#[tokio::test]
async fn try_for_each_concurrent_visits_every_user_once() -> TestResult {
    streams::try_for_each_concurrent_visits_every_item_once(&fake().await?, 3).await
}

#[tokio::test]
async fn pages_through_try_collect_keep_the_page_boundaries_and_cursors() -> TestResult {
    let f = fake().await?;
    let cursors = streams::pages_keep_their_boundaries(&f).await?;
    // Okta's cursor is the `after` of the Link header: the id of a page's last user.
    let s = &f.seeded;
    assert_eq!(cursors, [Some(s[1].clone()), Some(s[3].clone()), None]);
    Ok(())
}

#[tokio::test]
async fn a_failed_page_ends_try_collect_with_its_error() -> TestResult {
    streams::a_failed_page_ends_try_collect_with_its_error(&fake().await?).await
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
        let f = fake().await?;
        let mut items = f.items();
        let mut got = vec![items.next().await.ok_or("item 1")??];
        f.okta
            .faults()
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
        let listed: Vec<&str> = got.iter().filter_map(Users::id).collect();
        assert_eq!(listed, f.seeded, "after the {status}");
        assert_eq!(f.list_requests(), 4, "page two asked twice");
    }

    let f = fake().await?;
    let mut items = f.items();
    items.next().await.ok_or("item 1")??;
    items.next().await.ok_or("item 2")??;
    f.fail_next_list_request(400);
    let err = items.next().await.ok_or("page two fails")?.err();
    assert_eq!(err.and_then(|e| e.status()).map(|s| s.as_u16()), Some(400));
    assert!(items.next().await.is_none(), "a 400 is not asked again");
    assert_eq!(f.list_requests(), 2);
    Ok(())
}

/// A profile type for the typed walks.
#[derive(Debug, serde::Deserialize)]
struct Profile {
    email: String,
}

/// `items_as` / `pager_as` keep what the request was given: its checks, its retry policy, its
/// per-attempt timeout and its deadline (they rebuild the call around a typed operation).
#[tokio::test]
async fn typed_walks_keep_the_request_s_checks_retry_policy_timeout_and_deadline() -> TestResult {
    use std::time::Duration;
    let okta = FakeOkta::start().await?;
    okta.seed_app_users(APP, 3);
    let sleeper = RecordingSleeper::new();
    let client = Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token().to_owned())
        .sleeper(Arc::new(sleeper.clone()))
        .build()?;
    let users = || client.application_users().list(APP).limit(2);
    let pages = || {
        okta.requests()
            .iter()
            .filter(|r| r.operation == Some("listApplicationUsers"))
            .count()
    };

    let refused = users().limit(0).items_as::<Profile>().try_next().await;
    assert!(
        refused.is_err_and(|e| e.kind() == idp_okta::ErrorKind::InvalidInput),
        "limit 0 is refused before sending"
    );
    assert_eq!(pages(), 0);

    okta.faults()
        .operation("listApplicationUsers")
        .next(1, Fault::Status(503));
    let err = users()
        .retry_policy(RetryPolicy::none())
        .items_as::<Profile>()
        .try_next()
        .await
        .err()
        .ok_or("the 503 is not retried without retries")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(pages(), 1);

    okta.faults()
        .operation("listApplicationUsers")
        .next(1, Fault::Latency(Duration::from_secs(3)));
    let err = users()
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .pager_as::<Profile>()
        .next_page()
        .await
        .ok_or("a first page is asked")?
        .err()
        .ok_or("the 200 ms timeout ends the slow page")?;
    assert_eq!(err.kind(), idp_okta::ErrorKind::Timeout, "{err}");

    okta.faults()
        .operation("listApplicationUsers")
        .next(1, Fault::Latency(Duration::from_secs(3)));
    let err = users()
        .deadline(Duration::from_millis(200))
        .items_as::<Profile>()
        .try_next()
        .await
        .err()
        .ok_or("the 200 ms deadline ends the slow page")?;
    assert_eq!(err.kind(), idp_okta::ErrorKind::DeadlineExceeded, "{err}");

    let mut walk = users().items_as::<Profile>();
    let mut emails = Vec::new();
    while let Some(user) = walk.try_next().await? {
        emails.push(user.profile.ok_or("profile")?.email);
    }
    assert_eq!(emails.len(), 3);
    let pager = users().pager_as::<Profile>();
    let shown = format!("{pager:?}");
    assert!(
        shown.contains("ListApplicationUsersAs") && shown.contains("Profile"),
        "{shown}"
    );
    Ok(())
}
