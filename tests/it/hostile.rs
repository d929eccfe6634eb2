//! Hostile servers and hostile inputs, through each provider's real client: oversized and endless
//! bodies, pagination that never ends or repeats a cursor, next links and redirects to other
//! origins, undecodable bodies and HTML error pages; ids and query values that try to escape
//! their path segment, header injection through every user-supplied string, malformed keys.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use httpmock::prelude::*;
use idp::authress::models::{Connection, ConnectionType};
use idp::{ErrorKind, RetryPolicy};
use idp_test_support::MockTransport;
use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta};
use idp_tests::raw_server::{RawServer, Reply};

use crate::TestResult;
use crate::common::{authress_at, authress_mock, kinde_at, kinde_mock, okta_at, okta_mock};

const APP: &str = "0oahostile000000001";
const RSA_PRIVATE: &str =
    include_str!("../../crates/idp-okta/tests/it/keys/test-only-rsa-private.pem");
const RSA_PUBLIC: &str =
    include_str!("../../crates/idp-okta/tests/it/keys/test-only-rsa-public.pem");

fn user_json(id: &str) -> String {
    format!(r#"{{"id":"{id}","scope":"USER","status":"ACTIVE","profile":{{}}}}"#)
}

// ---------------------------------------------------------------------------------------------
// Oversized and endless bodies

#[tokio::test]
async fn bodies_over_the_size_cap_are_invalid_responses_for_every_provider() -> TestResult {
    let server = MockServer::start_async().await;
    let big = format!(r#"{{"id":"x","padding":"{}"}}"#, "a".repeat(256 * 1024));
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .header("content-type", "application/json")
                .body(big.clone());
        })
        .await;
    let cap = 64 * 1024;
    let base = server.base_url();
    let err = idp::okta::Client::builder()
        .org_url(&base)
        .api_token("t")
        .max_response_bytes(cap)
        .build()?
        .application_users()
        .get(APP, "00u1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(
        err.to_string(),
        "getApplicationUser: invalid response: response body exceeds the cap of 65536 bytes"
    );
    let err = idp::authress::Client::builder()
        .base_url(&base)
        .user_token("t")
        .max_response_bytes(cap)
        .build()?
        .connections()
        .get("c1")
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(err.operation(), Some("getConnection"));
    let err = idp::kinde::Client::builder()
        .domain(&base)
        .access_token("t")
        .max_response_bytes(cap)
        .build()?
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(err.operation(), Some("GetConnections"));

    // The default cap is generous: the same body is read (and decoded) without a setting.
    let user = idp::okta::Client::builder()
        .org_url(&base)
        .api_token("t")
        .build()?
        .application_users()
        .get(APP, "00u1")
        .send()
        .await?;
    assert_eq!(user.id.as_deref(), Some("x"));
    Ok(())
}

#[tokio::test]
async fn an_endless_chunked_body_stops_at_the_cap() -> TestResult {
    let server = RawServer::start(vec![Reply::Endless {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n1\r\n[\r\n".to_vec(),
        chunk: format!("{:x}\r\n{}\r\n", 8192, "0".repeat(8192)).into_bytes(),
    }])
    .await?;
    let err = idp::okta::Client::builder()
        .org_url(server.base_url())
        .api_token("t")
        .max_response_bytes(1024 * 1024)
        .retry_policy(RetryPolicy::none())
        .build()?
        .application_users()
        .list(APP)
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(
        err.to_string().contains("exceeds the cap of 1048576 bytes"),
        "{err}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pagination that never ends or repeats

/// An Okta app-user list that never ends: every page has two users and a next link with a new
/// cursor.
async fn endless_okta_list() -> io::Result<RawServer> {
    RawServer::with_handler(|_, request| {
        let n: u64 = request
            .line
            .split(['?', '&', ' '])
            .find_map(|p| p.strip_prefix("after=c"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let host = request.header("host").unwrap_or("127.0.0.1");
        let link = format!(
            "<http://{host}/api/v1/apps/{APP}/users?after=c{}&limit=2>; rel=\"next\"",
            n + 1
        );
        let body = format!(
            "[{},{}]",
            user_json(&format!("00u{n}a")),
            user_json(&format!("00u{n}b"))
        );
        Reply::json(200, &[("link", &link)], &body)
    })
    .await
}

#[tokio::test]
async fn okta_endless_pagination_is_bounded_by_max_items() -> TestResult {
    let server = endless_okta_list().await?;
    let okta = okta_at(server.base_url())?;
    let users = okta
        .application_users()
        .list(APP)
        .limit(2)
        .pager()
        .max_items(7)
        .collect_all()
        .await?;
    assert_eq!(users.len(), 7);
    assert_eq!(users[6].id.as_deref(), Some("00u3a"));
    assert_eq!(
        server.request_lines().len(),
        4,
        "no page beyond the 7th item"
    );
    Ok(())
}

#[tokio::test]
async fn okta_endless_pagination_stops_when_the_stream_is_dropped() -> TestResult {
    let server = endless_okta_list().await?;
    let okta = okta_at(server.base_url())?;
    let mut items = okta.application_users().list(APP).limit(2).items();
    for _ in 0..5 {
        items.try_next().await?.ok_or("the list never ends")?;
    }
    drop(items);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        server.request_lines(),
        vec![
            format!("GET /api/v1/apps/{APP}/users?limit=2 HTTP/1.1"),
            format!("GET /api/v1/apps/{APP}/users?after=c1&limit=2 HTTP/1.1"),
            format!("GET /api/v1/apps/{APP}/users?after=c2&limit=2 HTTP/1.1"),
        ],
        "pages are fetched only as items are pulled, and nothing after the drop"
    );
    Ok(())
}

/// Pulls items until the stream ends or fails; returns how many came and the error.
async fn drain<T>(mut items: idp_core::ItemStream<T>) -> (usize, Option<idp::Error>) {
    let mut n = 0;
    loop {
        match items.try_next().await {
            Ok(Some(_)) => n += 1,
            Ok(None) => return (n, None),
            Err(e) => return (n, Some(e)),
        }
    }
}

fn assert_repeated_cursor(err: Option<idp::Error>, operation: &str) -> TestResult {
    let err = err.ok_or("a repeated cursor must end the stream with an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(err.operation(), Some(operation));
    assert!(
        err.to_string().contains("repeated a pagination cursor"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_repeated_cursor_is_an_invalid_response_for_every_provider() -> TestResult {
    let server = MockServer::start_async().await;
    let okta_page = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/apps/{APP}/users"));
            then.status(200)
                .header("content-type", "application/json")
                .header(
                    "link",
                    format!(
                        "<{}>; rel=\"next\"",
                        server.url(format!("/api/v1/apps/{APP}/users?after=same&limit=1"))
                    ),
                )
                .body(format!("[{}]", user_json("00u1")));
        })
        .await;
    let authress_page = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/connections");
            then.status(200)
                .header("content-type", "application/links+json")
                .body(r#"{"connections":[{"connectionId":"c1","type":"OAUTH2"}],"pagination":{"next":{"cursor":"same"}}}"#);
        })
        .await;
    // Kinde's cursor is the last id: a server repeating the page repeats the cursor.
    let kinde_page = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v1/connections");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"code":"OK","connections":[{"id":"conn_a"},{"id":"conn_b"}],"has_more":true}"#);
        })
        .await;
    let base = server.base_url();

    let (n, err) = drain(
        okta_at(&base)?
            .application_users()
            .list(APP)
            .limit(1)
            .items(),
    )
    .await;
    assert_repeated_cursor(err, "listApplicationUsers")?;
    assert_eq!(n, 1, "the first page's items came through");
    okta_page.assert_calls_async(2).await;

    let (n, err) = drain(authress_at(&base)?.connections().list().items()).await;
    assert_repeated_cursor(err, "getConnections")?;
    assert_eq!(n, 1);
    authress_page.assert_calls_async(2).await;

    let (n, err) = drain(kinde_at(&base)?.connections().list().items()).await;
    assert_repeated_cursor(err, "GetConnections")?;
    assert_eq!(n, 2);
    kinde_page.assert_calls_async(2).await;
    Ok(())
}

#[tokio::test]
async fn a_cursor_cycle_is_caught_too() -> TestResult {
    let mock = MockTransport::new();
    for cursor in ["a", "b", "a"] {
        mock.push(
            200,
            &[],
            format!(r#"{{"connections":[],"pagination":{{"next":{{"cursor":"{cursor}"}}}}}}"#),
        );
    }
    let (_, err) = drain(authress_mock(&mock)?.connections().list().items()).await;
    assert_repeated_cursor(err, "getConnections")?;
    let cursors: Vec<Option<String>> = mock
        .requests()
        .iter()
        .map(|r| {
            r.query_pairs()
                .into_iter()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(cursors, vec![None, Some("a".into()), Some("b".into())]);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Next links and redirects to other origins

fn assert_other_origin(err: Option<idp::Error>) -> TestResult {
    let err = err.ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(err.operation(), Some("listApplicationUsers"));
    assert!(
        err.to_string().contains("points to another origin"),
        "{err}"
    );
    assert!(err.to_string().contains("was not followed"), "{err}");
    Ok(())
}

#[tokio::test]
async fn an_okta_next_link_to_another_host_is_refused_and_nothing_is_sent_there() -> TestResult {
    let evil = MockServer::start_async().await;
    let stolen = evil
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("[]");
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/api/v1/apps/{APP}/users"));
            then.status(200)
                .header("content-type", "application/json")
                .header(
                    "link",
                    format!(
                        "<{}>; rel=\"next\"",
                        evil.url(format!("/api/v1/apps/{APP}/users?after=x"))
                    ),
                )
                .body(format!("[{}]", user_json("00u1")));
        })
        .await;
    let (n, err) = drain(
        okta_at(&server.base_url())?
            .application_users()
            .list(APP)
            .items(),
    )
    .await;
    assert_other_origin(err)?;
    assert_eq!(
        n, 1,
        "the page fetched from our origin is yielded; only the hostile link is refused"
    );
    stolen.assert_calls_async(0).await;
    Ok(())
}

#[tokio::test]
async fn an_okta_next_link_downgrading_to_http_is_refused() -> TestResult {
    for link in [
        "<http://acme.okta.com/api/v1/apps/x/users?after=c2>; rel=\"next\"",
        "<https://acme.okta.com:8443/api/v1/apps/x/users?after=c2>; rel=\"next\"",
        "<https://evil.example.com/api/v1/apps/x/users?after=c2>; rel=\"next\"",
    ] {
        let mock = MockTransport::new();
        mock.push(200, &[("link", link)], format!("[{}]", user_json("00u1")));
        mock.push(200, &[], "[]");
        let (_, err) = drain(okta_mock(&mock)?.application_users().list("x").items()).await;
        assert_other_origin(err)?;
        assert_eq!(mock.request_count(), 1, "nothing sent for {link}");
    }
    Ok(())
}

#[tokio::test]
async fn redirects_are_not_followed_for_any_provider_and_credentials_stay_home() -> TestResult {
    let evil = MockServer::start_async().await;
    let stolen = evil
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let server = MockServer::start_async().await;
    for (status, path) in [
        (302u16, "/api/v1/apps"),
        (307, "/v1/connections"),
        (308, "/api/v1/connections"),
    ] {
        let target = evil.url(path);
        server
            .mock_async(move |when, then| {
                when.path_prefix(path);
                then.status(status).header("location", target);
            })
            .await;
    }
    let base = server.base_url();
    let errors = [
        okta_at(&base)?
            .application_users()
            .get(APP, "00u1")
            .send()
            .await
            .err(),
        authress_at(&base)?
            .connections()
            .get("c1")
            .send()
            .await
            .err(),
        kinde_at(&base)?.connections().get("k1").send().await.err(),
    ];
    for (err, status) in errors.into_iter().zip([302, 307, 308]) {
        let err = err.ok_or("expected an error")?;
        assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
        assert!(
            err.to_string().contains(&format!("redirect ({status})")),
            "{err}"
        );
    }
    stolen.assert_calls_async(0).await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Undecodable bodies, wrong content types, HTML error pages

/// Bodies no model accepts, with a content type.
fn bad_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        (
            "invalid UTF-8",
            "application/json",
            vec![b'{', 0xff, 0xfe, b'}'],
        ),
        (
            "deeply nested",
            "application/json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("number out of range", "application/json", b"1e999".to_vec()),
        (
            "HTML as JSON",
            "application/json",
            b"<html><body>Service Unavailable</body></html>".to_vec(),
        ),
        ("truncated", "application/json", b"{\"id\":\"x".to_vec()),
        (
            "trailing garbage",
            "application/json",
            b"{} <html>".to_vec(),
        ),
    ]
}

async fn success_body_errors(
    content_type: &str,
    body: &[u8],
) -> idp::Result<Vec<(&'static str, Option<idp::Error>)>> {
    let mut out = Vec::new();
    let headers = [("content-type", content_type)];
    let m = MockTransport::new();
    m.push(200, &headers, body.to_vec())
        .push(200, &headers, body.to_vec());
    let okta = okta_mock(&m)?;
    out.push((
        "getApplicationUser",
        okta.application_users().get(APP, "u").send().await.err(),
    ));
    out.push((
        "listApplicationUsers",
        okta.application_users().list(APP).send().await.err(),
    ));
    let m = MockTransport::new();
    m.push(200, &headers, body.to_vec())
        .push(200, &headers, body.to_vec());
    let authress = authress_mock(&m)?;
    out.push((
        "getConnection",
        authress.connections().get("c").send().await.err(),
    ));
    out.push((
        "getConnections",
        authress.connections().list().send().await.err(),
    ));
    let m = MockTransport::new();
    m.push(200, &headers, body.to_vec())
        .push(200, &headers, body.to_vec());
    let kinde = kinde_mock(&m)?;
    out.push((
        "GetConnection",
        kinde.connections().get("k").send().await.err(),
    ));
    out.push((
        "GetConnections",
        kinde.connections().list().send().await.err(),
    ));
    Ok(out)
}

#[tokio::test]
async fn undecodable_success_bodies_are_decode_errors_naming_the_operation() -> TestResult {
    for (what, content_type, body) in bad_bodies() {
        for (op, err) in success_body_errors(content_type, &body).await? {
            let err = err.ok_or(format!("{op} accepted {what}"))?;
            assert_eq!(err.kind(), ErrorKind::Decode, "{op} / {what}: {err}");
            assert_eq!(err.operation(), Some(op));
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{op}: could not decode")),
                "{text}"
            );
            assert!(
                text.len() < 600,
                "{op} / {what}: the message stays short: {text}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn decode_error_messages_stay_short_whatever_keys_the_server_sends() -> TestResult {
    let key = "k".repeat(100_000);
    let body = format!(r#"{{"id":"x","profile":{{"{key}":{{"{key}":[1e999]}}}}}}"#);
    let m = MockTransport::new();
    m.push(200, &[("content-type", "application/json")], body);
    let err = okta_mock(&m)?
        .application_users()
        .get(APP, "u")
        .send()
        .await
        .err()
        .ok_or("expected a Decode error")?;
    assert_eq!(err.kind(), ErrorKind::Decode);
    let text = err.to_string();
    assert!(
        text.len() < 1000,
        "the message carries {} bytes of server data",
        text.len()
    );
    Ok(())
}

#[tokio::test]
async fn the_content_type_is_not_trusted_the_bytes_decide() -> TestResult {
    // A valid document under a wrong content type decodes…
    let m = MockTransport::new();
    m.push(
        200,
        &[("content-type", "text/html; charset=iso-8859-1")],
        user_json("00u1"),
    );
    let user = okta_mock(&m)?
        .application_users()
        .get(APP, "00u1")
        .send()
        .await?;
    assert_eq!(user.id.as_deref(), Some("00u1"));
    let m = MockTransport::new();
    m.push(
        200,
        &[("content-type", "application/octet-stream")],
        r#"{"connectionId":"c1"}"#,
    );
    let c = authress_mock(&m)?.connections().get("c1").send().await?;
    assert_eq!(c.id(), Some("c1"));
    let m = MockTransport::new();
    m.push(200, &[], r#"{"connection":{"id":"k1"}}"#);
    let k = kinde_mock(&m)?.connections().get("k1").send().await?;
    assert_eq!(k.id(), Some("k1"));
    // …and an HTML page labelled JSON is a Decode error (covered per provider above).
    Ok(())
}

#[tokio::test]
async fn html_and_garbage_error_pages_are_api_errors_with_status_and_raw_body() -> TestResult {
    let pages: Vec<(u16, &str, Vec<u8>)> = vec![
        (
            502,
            "text/html",
            b"<html><h1>502 Bad Gateway</h1></html>".to_vec(),
        ),
        (
            503,
            "text/html",
            b"<!DOCTYPE html><title>Maintenance</title>".to_vec(),
        ),
        (404, "text/plain", b"Not Found".to_vec()),
        (400, "application/json", vec![0xff, 0x00, 0xfe]),
        (
            500,
            "application/json",
            format!(
                "{{\"errors\":{}{}}}",
                "[".repeat(50_000),
                "]".repeat(50_000)
            )
            .into_bytes(),
        ),
        (409, "application/json", b"{\"errorCode\":1e999}".to_vec()),
    ];
    for (status, content_type, body) in pages {
        let headers = [("content-type", content_type)];
        let mut results = Vec::new();
        let m = MockTransport::new();
        m.push(status, &headers, body.clone());
        results.push((
            "getApplicationUser",
            okta_mock(&m)?
                .application_users()
                .get(APP, "u")
                .send()
                .await
                .err(),
        ));
        let m = MockTransport::new();
        m.push(status, &headers, body.clone());
        results.push((
            "getConnection",
            authress_mock(&m)?.connections().get("c").send().await.err(),
        ));
        let m = MockTransport::new();
        m.push(status, &headers, body.clone());
        results.push((
            "GetConnection",
            kinde_mock(&m)?.connections().get("k").send().await.err(),
        ));
        for (op, err) in results {
            let err = err.ok_or(format!("{op}: expected an error for {status}"))?;
            assert_eq!(err.kind(), ErrorKind::Api, "{op} {status}: {err}");
            assert_eq!(err.operation(), Some(op));
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(
                err.raw_body(),
                Some(body.as_slice()),
                "the raw body is kept"
            );
            // Authress shows a short excerpt of a text or HTML page (its AWS front end answers
            // those); Okta and Kinde read only their JSON error bodies.
            if op != "getConnection" {
                assert_eq!(err.provider_message(), None, "{op} {status}");
            } else if let Some(m) = err.provider_message() {
                assert!(m.len() <= 160 && !m.contains('<'), "{op} {status}: {m}");
            }
            assert_eq!(err.is_not_found(), status == 404);
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{op}: API error: {status}")),
                "{text}"
            );
            assert!(
                !text.contains("<html") && !text.contains("DOCTYPE"),
                "{text}"
            );
            assert!(
                !format!("{err:?}").contains("DOCTYPE"),
                "Debug shows no body"
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Hostile ids and query values

/// Ids that try to leave their path segment, and the one segment each must become.
const HOSTILE_IDS: &[(&str, &str)] = &[
    ("../../admin", "..%2F..%2Fadmin"),
    ("a?b=c", "a%3Fb%3Dc"),
    ("a#frag", "a%23frag"),
    ("a%2Fb", "a%252Fb"),
    ("line\nbreak", "line%0Abreak"),
    ("nul\0byte", "nul%00byte"),
    ("crlf\r\nX-Evil: 1", "crlf%0D%0AX-Evil%3A%201"),
    ("sp ace", "sp%20ace"),
    ("google|a/b c+d@e:f", "google%7Ca%2Fb%20c%2Bd%40e%3Af"),
    ("\u{fc}ber", "%C3%BCber"),
    ("...", "..."),
    (".%2e", ".%252e"),
];

/// Ids refused before anything is sent.
const REFUSED_IDS: &[&str] = &["", ".", ".."];

#[tokio::test]
async fn okta_hostile_ids_stay_one_segment_or_are_refused_before_sending() -> TestResult {
    let fake = FakeOkta::start().await?;
    let okta = idp::okta::Client::builder()
        .org_url(fake.base_url())
        .api_token(fake.api_token())
        .retry_policy(RetryPolicy::none())
        .build()?;
    for (id, encoded) in HOSTILE_IDS {
        fake.clear_requests();
        let _ = okta.application_users().get(*id, *id).send().await;
        let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            vec![format!("/api/v1/apps/{encoded}/users/{encoded}")],
            "{id:?}"
        );
    }
    for id in REFUSED_IDS {
        fake.clear_requests();
        let err = okta
            .application_users()
            .get(APP, *id)
            .send()
            .await
            .err()
            .ok_or("expected InvalidInput")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{id:?}: {err}");
        assert!(err.to_string().contains("userId"), "{err}");
        assert_eq!(err.attempts(), 0);
        assert!(fake.requests().is_empty(), "nothing sent for {id:?}");
    }
    Ok(())
}

#[tokio::test]
async fn authress_hostile_ids_stay_one_segment_or_are_refused_before_sending() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let authress = idp::authress::Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .retry_policy(RetryPolicy::none())
        .build()?;
    for (id, encoded) in HOSTILE_IDS {
        fake.clear_requests();
        let _ = authress
            .connections()
            .get_credentials(*id, *id)
            .send()
            .await;
        let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            vec![format!(
                "/v1/connections/{encoded}/users/{encoded}/credentials"
            )],
            "{id:?}"
        );
    }
    for id in REFUSED_IDS {
        fake.clear_requests();
        let err = authress
            .connections()
            .delete(*id)
            .send()
            .await
            .err()
            .ok_or("expected InvalidInput")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{id:?}: {err}");
        assert!(err.to_string().contains("connectionId"), "{err}");
        assert!(fake.requests().is_empty(), "nothing sent for {id:?}");
    }
    Ok(())
}

#[tokio::test]
async fn kinde_hostile_ids_stay_one_segment_or_are_refused_before_sending() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = idp::kinde::Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .retry_policy(RetryPolicy::none())
        .build()?;
    kinde.connections().list().send().await?; // fetch the token first
    for (id, encoded) in HOSTILE_IDS {
        fake.clear_requests();
        let _ = kinde.connections().delete(*id).send().await;
        let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            vec![format!("/api/v1/connections/{encoded}")],
            "{id:?}"
        );
    }
    for id in REFUSED_IDS {
        fake.clear_requests();
        let err = kinde
            .connections()
            .get(*id)
            .send()
            .await
            .err()
            .ok_or("expected InvalidInput")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{id:?}: {err}");
        assert!(err.to_string().contains("connection_id"), "{err}");
        assert!(fake.requests().is_empty(), "nothing sent for {id:?}");
    }
    Ok(())
}

#[tokio::test]
async fn hostile_query_values_stay_one_query_value() -> TestResult {
    let hostile = "a&limit=1#frag\r\nX-Evil: 1%2F?b=c";
    let okta = FakeOkta::start().await?;
    idp::okta::Client::builder()
        .org_url(okta.base_url())
        .api_token(okta.api_token())
        .build()?
        .application_users()
        .list(APP)
        .q(hostile)
        .send()
        .await?;
    let r = okta.requests().pop().ok_or("nothing sent")?;
    assert_eq!(r.query_param("q").as_deref(), Some(hostile));
    assert_eq!(r.query_param("limit"), None, "no parameter was smuggled in");
    assert_eq!(r.header("x-evil"), None);

    let kinde = FakeKinde::start().await?;
    let _ = idp::kinde::Client::builder()
        .domain(kinde.base_url())
        .client_credentials(kinde.client_id(), kinde.client_secret())
        .build()?
        .connections()
        .list()
        .home_realm_domain(hostile)
        .send()
        .await;
    let r = kinde
        .requests()
        .into_iter()
        .rfind(|r| r.operation == Some("GetConnections"))
        .ok_or("nothing sent")?;
    assert_eq!(r.query_param("home_realm_domain").as_deref(), Some(hostile));
    assert_eq!(r.query_param("limit"), None);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Header injection and malformed keys

const INJECTED: &str = "X-Evil";

/// The build was refused with InvalidInput that does not echo the value, and nothing was sent.
fn refused_at_build<T: std::fmt::Debug>(
    what: &str,
    result: idp::Result<T>,
    mock: &MockTransport,
) -> TestResult {
    let err = result.err().ok_or(format!("{what}: the build must fail"))?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{what}: {err}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(INJECTED),
        "{what}: the value is echoed: {text}"
    );
    assert_eq!(mock.request_count(), 0, "{what}: nothing sent");
    Ok(())
}

fn crlf(prefix: &str) -> String {
    format!("{prefix}\r\n{INJECTED}: 1")
}

#[test]
fn header_injection_through_tokens_and_user_agent_is_refused_at_build() -> TestResult {
    let mock = MockTransport::new();
    let t = || Arc::new(mock.clone());
    let okta = || {
        idp::okta::Client::builder()
            .org_url("https://acme.okta.com")
            .transport(t())
    };
    refused_at_build(
        "okta api_token",
        okta().api_token(crlf("00abc")).build(),
        &mock,
    )?;
    refused_at_build(
        "okta access_token",
        okta().access_token(crlf("eyJx")).build(),
        &mock,
    )?;
    refused_at_build(
        "okta user agent",
        okta()
            .api_token("00abc")
            .user_agent_suffix(crlf("app/1.0"))
            .build(),
        &mock,
    )?;
    let authress = || {
        idp::authress::Client::builder()
            .base_url("https://login.example.com")
            .transport(t())
    };
    refused_at_build(
        "authress user_token",
        authress().user_token(crlf("eyJx")).build(),
        &mock,
    )?;
    refused_at_build(
        "authress raw access key",
        authress()
            .raw_access_key_as_bearer(crlf("sc.kid.acc.MC4CAQAwBQYDK2VwBCIEI"))
            .build(),
        &mock,
    )?;
    refused_at_build(
        "authress user agent",
        authress()
            .user_token("eyJx")
            .user_agent_suffix(crlf("app/1.0"))
            .build(),
        &mock,
    )?;
    let kinde = || {
        idp::kinde::Client::builder()
            .domain("acme.kinde.com")
            .transport(t())
    };
    refused_at_build(
        "kinde access_token",
        kinde().access_token(crlf("eyJx")).build(),
        &mock,
    )?;
    refused_at_build(
        "kinde user agent",
        kinde()
            .access_token("eyJx")
            .user_agent_suffix(crlf("app/1.0"))
            .build(),
        &mock,
    )?;
    Ok(())
}

#[tokio::test]
async fn crlf_in_client_ids_never_reaches_a_header() -> TestResult {
    // Client ids travel in form bodies and JWT claims, never raw in a header: whether the build
    // refuses them or not, no request may carry an injected header.
    let okta = FakeOkta::start().await?;
    let client_id = crlf("0oaservice");
    if let Ok(client) = idp::okta::Client::builder()
        .org_url(okta.base_url())
        .private_key_jwt(&client_id, RSA_PRIVATE, ["okta.apps.read"])
        .retry_policy(RetryPolicy::none())
        .build()
    {
        let _ = client.application_users().list(APP).send().await;
    }
    let kinde = FakeKinde::start().await?;
    if let Ok(client) = idp::kinde::Client::builder()
        .domain(kinde.base_url())
        .client_credentials(&client_id, kinde.client_secret())
        .retry_policy(RetryPolicy::none())
        .build()
    {
        let _ = client.connections().list().send().await;
    }
    for r in okta.requests().iter().chain(kinde.requests().iter()) {
        assert!(
            r.headers
                .iter()
                .all(|(n, v)| !n.eq_ignore_ascii_case(INJECTED) && !v.contains('\n')),
            "{r:?}"
        );
    }
    Ok(())
}

#[test]
fn crlf_in_client_ids_is_refused_at_build() -> TestResult {
    let mock = MockTransport::new();
    refused_at_build(
        "okta private_key_jwt client id",
        idp::okta::Client::builder()
            .org_url("https://acme.okta.com")
            .private_key_jwt(crlf("0oaservice"), RSA_PRIVATE, ["okta.apps.read"])
            .transport(Arc::new(mock.clone()))
            .build(),
        &mock,
    )?;
    refused_at_build(
        "kinde client id",
        idp::kinde::Client::builder()
            .domain("acme.kinde.com")
            .client_credentials(crlf("m2m"), "secret")
            .transport(Arc::new(mock.clone()))
            .build(),
        &mock,
    )?;
    Ok(())
}

/// The distinctive parts of a secret input: its lines and dot-separated parts of 12+ chars.
fn fragments(input: &str) -> Vec<String> {
    input
        .lines()
        .flat_map(|l| l.split('.'))
        .map(str::trim)
        .filter(|s| s.len() >= 12 && !s.starts_with("-----"))
        .map(str::to_owned)
        .collect()
}

fn assert_refused_without_echo<T: std::fmt::Debug>(
    what: &str,
    input: &str,
    result: idp::Result<T>,
) -> TestResult {
    let err = result
        .err()
        .ok_or(format!("{what}: a malformed key must be refused"))?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{what}: {err}");
    let text = format!("{err} {err:?}");
    for fragment in fragments(input) {
        assert!(
            !text.contains(&fragment),
            "{what}: the message echoes {fragment:?}: {text}"
        );
    }
    Ok(())
}

#[test]
fn malformed_okta_private_keys_are_refused_without_echo() -> TestResult {
    let lines: Vec<&str> = RSA_PRIVATE.lines().collect();
    let truncated = lines[..lines.len() / 2].join("\n");
    let mut flipped: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    if let Some(line) = flipped.get_mut(5) {
        *line = line.chars().rev().collect();
    }
    let cases: Vec<(&str, String)> = vec![
        ("garbage", "not a key at all SECRETMATERIAL-0123456789".to_owned()),
        ("empty", String::new()),
        ("truncated PEM", truncated),
        ("altered PEM body", flipped.join("\n")),
        ("public key", RSA_PUBLIC.to_owned()),
        (
            "PEM armour around garbage",
            "-----BEGIN PRIVATE KEY-----\nU0VDUkVUTUFURVJJQUwtMDEyMzQ1Njc4OQ==\n-----END PRIVATE KEY-----\n".to_owned(),
        ),
        (
            "encrypted",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nU0VDUkVUTUFURVJJQUwtMDEyMzQ1Njc4OQ==\n-----END ENCRYPTED PRIVATE KEY-----\n"
                .to_owned(),
        ),
    ];
    for (what, pem) in cases {
        let result = idp::okta::Client::builder()
            .org_url("https://acme.okta.com")
            .private_key_jwt("0oaservice", pem.as_str(), ["okta.apps.read"])
            .build();
        assert_refused_without_echo(what, &pem, result)?;
    }
    Ok(())
}

#[tokio::test]
async fn malformed_authress_access_keys_are_refused_without_echo() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let good = fake.access_key().to_owned();
    let private = good.rsplit('.').next().unwrap_or_default().to_owned();
    let cases: Vec<(&str, String)> = vec![
        ("garbage", "SECRETMATERIAL-0123456789".to_owned()),
        (
            "three parts",
            good.rsplit_once('.')
                .map(|x| x.0)
                .unwrap_or_default()
                .to_owned(),
        ),
        ("truncated private key", good[..good.len() - 10].to_owned()),
        ("not base64", format!("sc_x.kid.acc.{}!!", &private[..20])),
        ("five parts", format!("{good}.SECRETMATERIAL0123")),
        ("an Okta PEM", RSA_PRIVATE.to_owned()),
        (
            "a JWT",
            "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJTRUNSRVRQQVJUIn0.c2lnbmF0dXJlMTIzNA".to_owned(),
        ),
    ];
    for (what, key) in cases {
        let result = idp::authress::Client::builder()
            .base_url(fake.base_url())
            .access_key(key.as_str())
            .build();
        assert_refused_without_echo(what, &key, result)?;
        let result = idp::authress::Client::builder()
            .base_url(fake.base_url())
            .raw_access_key_as_bearer(key.as_str())
            .build();
        assert_refused_without_echo(what, &key, result)?;
    }
    Ok(())
}

#[test]
fn empty_credentials_are_refused_at_build() -> TestResult {
    let mock = MockTransport::new();
    refused_at_build(
        "okta empty api token",
        idp::okta::Client::builder()
            .org_url("https://acme.okta.com")
            .api_token("   ")
            .transport(Arc::new(mock.clone()))
            .build(),
        &mock,
    )?;
    refused_at_build(
        "kinde empty client secret",
        idp::kinde::Client::builder()
            .domain("acme.kinde.com")
            .client_credentials("m2m", "")
            .transport(Arc::new(mock.clone()))
            .build(),
        &mock,
    )?;
    refused_at_build(
        "authress empty user token",
        idp::authress::Client::builder()
            .base_url("https://login.example.com")
            .user_token("")
            .transport(Arc::new(mock.clone()))
            .build(),
        &mock,
    )?;
    Ok(())
}

#[test]
fn base_urls_with_credentials_are_refused_without_echoing_them() -> TestResult {
    let url = "https://admin:s3cr3t-passw0rd@acme.example.com/extra/path";
    let okta = idp::okta::Client::builder()
        .org_url(url)
        .api_token("t")
        .build();
    let authress = idp::authress::Client::builder()
        .base_url(url)
        .user_token("t")
        .build();
    for (what, result) in [
        ("okta", okta.map(|_| ())),
        ("authress", authress.map(|_| ())),
    ] {
        let err = result.err().ok_or(format!("{what}: must be refused"))?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(
            !format!("{err} {err:?}").contains("s3cr3t"),
            "{what}: {err}"
        );
    }
    Ok(())
}

#[test]
fn kinde_domains_with_credentials_are_refused_without_echoing_them() -> TestResult {
    for url in [
        "https://admin:s3cr3t-passw0rd@acme.kinde.com/extra/path",
        "https://admin:s3cr3t-passw0rd@acme.kinde.com/?q=1",
    ] {
        let err = idp::kinde::Client::builder()
            .domain(url)
            .access_token("t")
            .build()
            .err()
            .ok_or("must be refused")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{err}");
    }
    Ok(())
}

/// A Connection with every string field hostile still serializes into one JSON body (no
/// injection into the request line or headers).
#[tokio::test]
async fn hostile_strings_in_bodies_stay_in_the_body() -> TestResult {
    let mock = MockTransport::new();
    mock.push(201, &[], r#"{"connectionId":"c1"}"#);
    let c = Connection::new(ConnectionType::Oauth2).authentication_url(crlf("https://x/\u{0}\"}{"));
    authress_mock(&mock)?.connections().create(c).send().await?;
    let r = mock.last_request().ok_or("nothing sent")?;
    assert_eq!(r.path(), "/v1/connections");
    assert!(r.headers.get(INJECTED).is_none());
    assert_eq!(
        r.json().get("authenticationUrl").and_then(|v| v.as_str()),
        Some(crlf("https://x/\u{0}\"}{").as_str())
    );
    Ok(())
}
