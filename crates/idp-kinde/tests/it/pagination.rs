//! Cursor pagination of `get_connections` over real HTTP (httpmock) and a recording transport.

use httpmock::MockServer;
use idp_kinde::ErrorKind;
use idp_test_support::{MockTransport, RecordingSleeper};
use serde_json::json;

use crate::common::{TestResult, m2m_builder, mock_client, token_body};

fn flat(id: &str) -> serde_json::Value {
    json!({"id": id, "name": id, "display_name": id.to_uppercase(), "strategy": "oauth2:google"})
}

fn wrapped(id: &str) -> serde_json::Value {
    json!({"code": "OK", "message": "Success", "connection": flat(id)})
}

async fn token(server: &MockServer) {
    server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200).json_body(token_body("tok", Some(3600)));
        })
        .await;
}

#[tokio::test]
async fn three_pages_by_starting_after_stream_every_connection_once() -> TestResult {
    let server = MockServer::start_async().await;
    token(&server).await;
    let page1 = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/connections")
                .query_param("page_size", "2")
                .query_param("home_realm_domain", "myapp.com")
                .query_param_missing("starting_after")
                .query_param_missing("ending_before");
            then.status(200)
                .json_body(json!({"code": "OK", "connections": [flat("conn_1"), flat("conn_2")], "has_more": true}));
        })
        .await;
    let page2 = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/connections")
                .query_param("page_size", "2")
                .query_param("home_realm_domain", "myapp.com")
                .query_param("starting_after", "conn_2");
            then.status(200).json_body(
                json!({"connections": [flat("conn_3"), flat("conn_4")], "has_more": true}),
            );
        })
        .await;
    let page3 = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/connections")
                .query_param("page_size", "2")
                .query_param("home_realm_domain", "myapp.com")
                .query_param("starting_after", "conn_4");
            then.status(200)
                .json_body(json!({"connections": [flat("conn_5")], "has_more": false}));
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let mut stream = client
        .connections()
        .list()
        .page_size(2)
        .home_realm_domain("myapp.com")
        .items();
    let mut ids = Vec::new();
    while let Some(c) = stream.try_next().await? {
        ids.push(c.id.unwrap_or_default());
    }
    assert_eq!(ids, ["conn_1", "conn_2", "conn_3", "conn_4", "conn_5"]);
    assert_eq!(
        (
            page1.calls_async().await,
            page2.calls_async().await,
            page3.calls_async().await
        ),
        (1, 1, 1)
    );
    Ok(())
}

#[tokio::test]
async fn ending_before_walks_backward_from_the_first_id() -> TestResult {
    let server = MockServer::start_async().await;
    token(&server).await;
    let newer = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/connections")
                .query_param("ending_before", "conn_9")
                .query_param_missing("starting_after");
            then.status(200).json_body(
                json!({"connections": [flat("conn_7"), flat("conn_8")], "has_more": true}),
            );
        })
        .await;
    let older = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api/v1/connections")
                .query_param("ending_before", "conn_7")
                .query_param_missing("starting_after");
            then.status(200)
                .json_body(json!({"connections": [flat("conn_6")], "has_more": false}));
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let all = client
        .connections()
        .list()
        .ending_before("conn_9")
        .collect_all()
        .await?;
    let ids: Vec<String> = all.into_iter().filter_map(|c| c.id).collect();
    assert_eq!(ids, ["conn_7", "conn_8", "conn_6"]);
    assert_eq!(
        (newer.calls_async().await, older.calls_async().await),
        (1, 1)
    );
    Ok(())
}

#[tokio::test]
async fn flat_and_wrapped_list_items_both_decode() -> TestResult {
    let server = MockServer::start_async().await;
    token(&server).await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections");
            then.status(200)
                .header("content-type", "application/json; charset=utf-8")
                .body(
                    json!({"connections": [flat("conn_1"), wrapped("conn_2"),
                            {"id": "conn_3", "strategy": "email:password", "enabled_applications": ["app_1"]}],
                           "has_more": false})
                    .to_string(),
                );
        })
        .await;
    let client = m2m_builder(&server, &RecordingSleeper::new()).build()?;
    let page = client.connections().list().send().await?;
    let items = page.connections.ok_or("no connections")?;
    assert_eq!(items.len(), 3);
    assert_eq!(serde_json::to_value(&items[0])?, flat("conn_1"));
    assert_eq!(serde_json::to_value(&items[1])?, flat("conn_2"));
    assert_eq!(
        items[2].strategy.as_ref().map(|s| s.as_str()),
        Some("email:password")
    );
    assert_eq!(
        items[2].extra.get("enabled_applications"),
        Some(&json!(["app_1"]))
    );
    Ok(())
}

#[tokio::test]
async fn items_are_lazy_and_stop_on_a_repeated_cursor() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(
        200,
        &json!({"connections": [flat("a"), flat("b")], "has_more": true}),
    );
    mock.push_json(200, &json!({"connections": [flat("b")], "has_more": true}));
    let client = mock_client(&mock);
    let mut items = client.connections().list().items();
    assert_eq!(
        mock.request_count(),
        0,
        "nothing is sent before the stream is polled"
    );
    assert_eq!(
        items.try_next().await?.and_then(|c| c.id).as_deref(),
        Some("a")
    );
    assert_eq!(mock.request_count(), 1);
    assert_eq!(
        items.try_next().await?.and_then(|c| c.id).as_deref(),
        Some("b")
    );
    // The second page repeats the cursor `b`: the pager stops with an error instead of looping.
    let err = items
        .try_next()
        .await
        .err()
        .ok_or("expected the loop guard")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert_eq!(mock.requests()[1].query(), Some("starting_after=b"));
    assert_eq!(
        items.try_next().await?.map(|c| c.id),
        None,
        "the stream ends after the error"
    );
    assert_eq!(mock.request_count(), 2);
    Ok(())
}

#[tokio::test]
async fn has_more_with_an_empty_page_ends_the_walk() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"connections": [], "has_more": true}));
    let all = mock_client(&mock)
        .connections()
        .list()
        .collect_all()
        .await?;
    assert!(all.is_empty());
    assert_eq!(mock.request_count(), 1);
    Ok(())
}
