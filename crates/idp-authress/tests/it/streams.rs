//! Lists consumed the way a Rust user does: through the `Stream` impls with `futures`'
//! `StreamExt`/`TryStreamExt` combinators (`take`, `try_collect`, `try_for_each_concurrent`),
//! against the fake Authress (`pagination.next.cursor` in the body). The inherent `try_next` is
//! tested elsewhere; these fail if `poll_next` of `ItemStream` or `PageStream` stops early or loses
//! items. The walks are the shared checks of `idp_test_support::streams`.

use std::sync::Arc;

use idp_authress::models::Connection;
use idp_authress::ops::GetConnections;
use idp_authress::{Client, ItemStream, PageStream, RetryPolicy};
use idp_test_support::RecordingSleeper;
use idp_test_support::streams::{self, ListFixture};
use idp_testkit::{FakeAuthress, Fault};

use crate::common::TestResult;

/// A fake with five seeded connections (listed in this order), a client on it that does not
/// retry, and walks in pages of two (five connections take three pages).
struct Connections {
    fake: FakeAuthress,
    client: Client,
    seeded: Vec<String>,
}

async fn fake() -> Result<Connections, Box<dyn std::error::Error>> {
    let fake = FakeAuthress::start().await?;
    let seeded = fake.seed_connections(5);
    let client = Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .retry_policy(RetryPolicy::none())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build()?;
    Ok(Connections {
        fake,
        client,
        seeded,
    })
}

impl ListFixture for Connections {
    type Item = Connection;

    fn items(&self) -> ItemStream<Connection> {
        self.client.items(GetConnections::new().limit(2))
    }

    fn pages(&self) -> PageStream<Connection> {
        self.client.pages(GetConnections::new().limit(2))
    }

    fn id(connection: &Connection) -> Option<&str> {
        connection.id()
    }

    fn seeded(&self) -> &[String] {
        &self.seeded
    }

    fn page_size(&self) -> usize {
        2
    }

    fn list_requests(&self) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.operation == Some("getConnections"))
            .count()
    }

    fn fail_next_list_request(&self, status: u16) {
        self.fake
            .faults()
            .operation("getConnections")
            .next(1, Fault::Status(status));
    }
}

#[tokio::test]
async fn try_collect_on_items_yields_every_connection_of_every_page_in_order() -> TestResult {
    streams::try_collect_yields_every_item_in_order(&fake().await?).await
}

#[tokio::test]
async fn take_stops_the_walk_without_fetching_pages_it_does_not_need() -> TestResult {
    // The third connection is on page 2: two pages asked, not three.
    streams::take_fetches_only_the_pages_it_needs(&fake().await?, 3).await
}

#[tokio::test]
async fn try_for_each_concurrent_visits_every_connection_once() -> TestResult {
    streams::try_for_each_concurrent_visits_every_item_once(&fake().await?, 3).await
}

#[tokio::test]
async fn pages_through_try_collect_keep_the_page_boundaries_and_cursors() -> TestResult {
    let cursors = streams::pages_keep_their_boundaries(&fake().await?).await?;
    // Authress's cursor is opaque (`pagination.next.cursor`): present until the last page,
    // which the shared check asserts; two pages never share one.
    assert_ne!(cursors[0], cursors[1], "{cursors:?}");
    Ok(())
}

#[tokio::test]
async fn a_failed_page_ends_try_collect_with_its_error() -> TestResult {
    streams::a_failed_page_ends_try_collect_with_its_error(&fake().await?).await
}
