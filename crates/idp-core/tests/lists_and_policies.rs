//! What users rely on beyond `try_next`: lists consumed through `futures` combinators (the
//! `Stream` impls), every `RetryPolicy` setter changing what it claims, `Pager::is_done`, the end of
//! a walk on an empty cursor, and the `Link` parser's offsets.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderMap, Method, StatusCode};
use httpmock::prelude::*;
use idp_core::retry::{Outcome, RetryDecision};
use idp_core::{
    Client, ErrorBody, NextPage, Operation, Paginated, Provider, Query, ResponseMeta, RetryPolicy,
};
use idp_test_support::RecordingSleeper;
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
struct Api;

impl Provider for Api {
    const NAME: &'static str = "lists";
    const USER_AGENT: &'static str = "idp-lists/0.0";
    fn parse_error(_s: StatusCode, _h: &HeaderMap, _b: &[u8]) -> ErrorBody {
        ErrorBody::default()
    }
    fn request_id(_h: &HeaderMap) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Thing {
    id: String,
}

#[derive(Debug, Clone, Deserialize)]
struct ThingPage {
    items: Vec<Thing>,
    next: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ListThings {
    cursor: Option<String>,
}

impl Operation for ListThings {
    type Provider = Api;
    type Output = ThingPage;
    const ID: &'static str = "listThings";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things";
    fn query(&self, q: &mut Query) {
        q.push_opt("cursor", self.cursor.as_deref());
    }
}

impl Paginated for ListThings {
    type Item = Thing;
    fn into_items(output: ThingPage) -> Vec<Thing> {
        output.items
    }
    fn next_page(&self, _meta: &ResponseMeta, output: &ThingPage) -> Option<NextPage> {
        output.next.clone().map(NextPage::cursor)
    }
    fn with_cursor(&self, cursor: &str) -> Self {
        ListThings {
            cursor: Some(cursor.to_owned()),
        }
    }
}

async fn pages(server: &MockServer, last_next: &str) {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/things")
                .query_param_missing("cursor");
            then.status(200)
                .body(r#"{"items":[{"id":"a"},{"id":"b"}],"next":"p2"}"#);
        })
        .await;
    let body = format!(r#"{{"items":[{{"id":"c"}}],"next":{last_next}}}"#);
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/things").query_param("cursor", "p2");
            then.status(200).body(body);
        })
        .await;
}

fn client(server: &MockServer) -> idp_core::Result<Client<Api>> {
    Client::<Api>::builder()
        .base_url(server.base_url())
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

fn ids(things: Vec<Thing>) -> Vec<String> {
    things.into_iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn items_through_try_collect_and_take_and_concurrent_for_each() -> TestResult {
    let server = MockServer::start_async().await;
    pages(&server, "null").await;
    let c = client(&server)?;
    let all: Vec<Thing> = c.call(ListThings::default()).items().try_collect().await?;
    assert_eq!(ids(all), ["a", "b", "c"]);
    let two: Vec<_> = c
        .call(ListThings::default())
        .items()
        .take(2)
        .collect()
        .await;
    assert_eq!(two.len(), 2);
    assert!(two.iter().all(Result::is_ok));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    c.call(ListThings::default())
        .items()
        .try_for_each_concurrent(4, |t| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock()
                    .map_err(|_| idp_core::Error::decode("poisoned"))?
                    .push(t.id);
                Ok(())
            }
        })
        .await?;
    let mut got = seen.lock().map(|v| v.clone()).unwrap_or_default();
    got.sort();
    assert_eq!(got, ["a", "b", "c"]);
    Ok(())
}

#[tokio::test]
async fn pages_through_stream_combinators() -> TestResult {
    let server = MockServer::start_async().await;
    pages(&server, "null").await;
    let c = client(&server)?;
    let sizes: Vec<usize> = c
        .call(ListThings::default())
        .pages()
        .map_ok(|p| p.items.len())
        .try_collect()
        .await?;
    assert_eq!(sizes, [2, 1]);
    Ok(())
}

#[tokio::test]
async fn is_done_before_and_after_the_last_page_and_after_a_final_error() -> TestResult {
    let server = MockServer::start_async().await;
    pages(&server, "null").await;
    let c = client(&server)?;
    let mut pager = c.call(ListThings::default()).pager();
    assert!(!pager.is_done(), "nothing fetched yet");
    pager.next_page().await.ok_or("page 1")??;
    assert!(!pager.is_done(), "a next page is known");
    pager.next_page().await.ok_or("page 2")??;
    assert!(pager.is_done(), "the last page had no next");
    assert!(pager.next_page().await.is_none());

    let broken = MockServer::start_async().await;
    broken
        .mock_async(|when, then| {
            when.method(GET).path("/things");
            then.status(200).body("not json");
        })
        .await;
    let mut pager = client(&broken)?.call(ListThings::default()).pager();
    assert!(matches!(pager.next_page().await, Some(Err(_))));
    assert!(pager.is_done(), "an undecodable page ends the walk");
    Ok(())
}

#[tokio::test]
async fn an_empty_cursor_ends_the_walk() -> TestResult {
    let server = MockServer::start_async().await;
    pages(&server, r#""""#).await;
    let c = client(&server)?;
    let all = c.call(ListThings::default()).items().collect_all().await?;
    assert_eq!(
        ids(all),
        ["a", "b", "c"],
        "an empty next cursor is the end, not a page"
    );
    Ok(())
}

#[test]
fn every_retry_policy_setter_changes_what_it_claims() {
    let s429 = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
    let s503 = Outcome::Status(StatusCode::SERVICE_UNAVAILABLE);
    let base = RetryPolicy::default().jitter(false);
    // base_delay: the first backoff.
    let p = base.clone().base_delay(Duration::from_millis(100));
    assert_eq!(p.backoff(0, 1.0), Duration::from_millis(100));
    assert_eq!(p.backoff(1, 1.0), Duration::from_millis(200));
    assert_eq!(base.backoff(0, 1.0), Duration::from_millis(500));
    // max_delay: the cap.
    let p = base.clone().max_delay(Duration::from_secs(1));
    assert_eq!(p.backoff(10, 1.0), Duration::from_secs(1));
    assert_eq!(base.backoff(10, 1.0), Duration::from_secs(20));
    // max_server_wait: the longest hint honoured.
    let p = base.clone().max_server_wait(Duration::from_secs(5));
    assert_eq!(
        p.decide(0, true, s429, Some(Duration::from_secs(6)), 0.5),
        RetryDecision::Exhausted
    );
    assert_eq!(
        p.decide(0, true, s429, Some(Duration::from_secs(5)), 0.5),
        RetryDecision::RetryAfter(Duration::from_secs(5))
    );
    assert_eq!(
        base.decide(0, true, s429, Some(Duration::from_secs(6)), 0.5),
        RetryDecision::RetryAfter(Duration::from_secs(6))
    );
    // max_retries: the attempts.
    let p = base.clone().max_retries(1);
    assert_eq!(p.retries(), 1);
    assert!(matches!(
        p.decide(0, true, s503, None, 0.5),
        RetryDecision::RetryAfter(_)
    ));
    assert_eq!(p.decide(1, true, s503, None, 0.5), RetryDecision::Exhausted);
    // jitter: on scales the delay, off does not.
    let on = base.clone().jitter(true);
    assert_eq!(on.backoff(0, 0.5), Duration::from_millis(250));
    assert_eq!(base.backoff(0, 0.5), Duration::from_millis(500));
}

#[test]
fn the_link_parser_reads_targets_wherever_they_start_on_the_line() {
    let base = url::Url::parse("https://a.example.com/x").ok();
    for line in [
        r#"<https://a.example.com/x?after=1>; rel="next""#,
        r#"   <https://a.example.com/x?after=1>; rel="next""#,
        r#"<https://a.example.com/x>; rel="self", <https://a.example.com/x?after=1>; rel="next""#,
    ] {
        let next = idp_core::pagination::next_link([line], base.as_ref());
        assert_eq!(
            next.map(|u| u.to_string()).as_deref(),
            Some("https://a.example.com/x?after=1"),
            "{line}"
        );
    }
}

#[test]
fn an_empty_link_target_is_not_a_next_page_and_never_panics() {
    // `<>` is a link to the page itself (RFC 8288 §3.1: a URI-Reference, here empty). Without a
    // base it is no URL; the parser reads past it to the real next link either way.
    for line in [r#"<>; rel="next""#, "<>"] {
        assert_eq!(
            idp_core::pagination::next_link([line], None),
            None,
            "{line}"
        );
    }
    let both = r#"<>; rel="self", <https://a.example.com/x?after=2>; rel="next""#;
    assert_eq!(
        idp_core::pagination::next_link([both], None)
            .map(|u| u.to_string())
            .as_deref(),
        Some("https://a.example.com/x?after=2")
    );
}

#[tokio::test]
async fn page_stream_try_next_hands_out_each_page_then_none() -> TestResult {
    let server = MockServer::start_async().await;
    pages(&server, "null").await;
    let c = client(&server)?;
    let mut pages = c.call(ListThings::default()).pages();
    let first = pages.try_next().await?.ok_or("page 1")?;
    assert_eq!(ids(first.items), ["a", "b"]);
    let second = pages.try_next().await?.ok_or("page 2")?;
    assert_eq!(ids(second.items), ["c"]);
    assert!(pages.try_next().await?.is_none(), "no third page");
    Ok(())
}

#[test]
fn a_next_page_keeps_its_cursor_and_a_query_knows_when_it_is_empty() -> TestResult {
    assert_eq!(NextPage::cursor("p2").as_cursor(), "p2");
    let link = url::Url::parse("https://api.example.com/things?after=p3")?;
    assert_eq!(NextPage::link(link, "p3").as_cursor(), "p3");
    let mut query = Query::default();
    assert!(query.is_empty());
    query.push_opt("cursor", None::<&str>);
    assert!(query.is_empty(), "an unset optional parameter adds nothing");
    query.push("limit", 5);
    assert!(!query.is_empty());
    Ok(())
}

#[tokio::test]
async fn pagers_and_streams_name_themselves_in_debug() -> TestResult {
    let server = MockServer::start_async().await;
    let c = client(&server)?;
    let pager = c.call(ListThings::default()).pager();
    let shown = format!("{pager:?}");
    assert!(
        shown.contains("Pager") && shown.contains("ListThings"),
        "{shown}"
    );
    let items = c.call(ListThings::default()).items();
    assert!(format!("{items:?}").starts_with("ItemStream"));
    let pages = c.call(ListThings::default()).pages();
    assert!(format!("{pages:?}").starts_with("PageStream"));
    Ok(())
}
