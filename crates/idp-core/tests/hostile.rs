//! Hostile servers and inputs against the core: redirects, garbage bodies, HTML error pages,
//! random bytes into every parser. Nothing may panic; every failure is a clear error.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, Method, StatusCode};
use httpmock::prelude::*;
use idp_core::{
    Client, ErrorBody, ErrorKind, Operation, Provider, Reset, RetryPolicy, SecretString,
    StaticToken, decode_json,
};
use idp_test_support::{MockTransport, RecordingSleeper};
use proptest::prelude::*;
use serde::Deserialize;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[derive(Debug)]
struct Api;

impl Provider for Api {
    const NAME: &'static str = "hostile";
    const USER_AGENT: &'static str = "idp-hostile/0.0";
    fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        #[derive(Deserialize)]
        struct E {
            message: Option<String>,
        }
        serde_json::from_slice::<E>(body)
            .map(|e| ErrorBody::new(None, e.message))
            .unwrap_or_default()
    }
    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }
}

const NAMES: [&str; 3] = ["x-limit", "x-remaining", "x-reset"];

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: String,
    count: Option<u32>,
}

#[derive(Debug)]
struct GetItem;

impl Operation for GetItem {
    type Provider = Api;
    type Output = Item;
    const ID: &'static str = "getItem";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/item";
}

fn client(base: &str) -> Result<Client<Api>, idp_core::Error> {
    Client::<Api>::builder()
        .base_url(base)
        .credentials(Arc::new(StaticToken::new(
            "SSWS",
            &SecretString::from("redirect-secret"),
        )?))
        .sleeper(Arc::new(RecordingSleeper::new()))
        .retry_policy(RetryPolicy::none())
        .build()
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed_and_credentials_stay_home() -> TestResult {
    let evil = MockServer::start_async().await;
    let stolen = evil
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"id":"stolen"}"#);
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/item");
            then.status(302).header("location", evil.url("/item"));
        })
        .await;
    let err = client(&server.base_url())?
        .execute(&GetItem)
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("redirect (302)"), "{err}");
    stolen.assert_calls_async(0).await;
    Ok(())
}

#[tokio::test]
async fn garbage_success_bodies_are_decode_errors() -> TestResult {
    let bodies: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0x00, 0x80],                  // invalid UTF-8
        b"<html><body>Service</body></html>".to_vec(), // HTML
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(), // deeply nested
        br#"{"id":"a","count":99999999999999999999999}"#.to_vec(), // number out of range
        br#"{"id":"a","count":-1}"#.to_vec(),          // negative into u32
        br#"{"id":"a"} trailing"#.to_vec(),            // trailing garbage
        b"{\"id\":\"a".to_vec(),                       // truncated
    ];
    for body in bodies {
        let mock = MockTransport::new();
        mock.push(200, &[("content-type", "text/plain")], body.clone());
        let c = Client::<Api>::builder()
            .base_url("https://api.example.com")
            .transport(Arc::new(mock))
            .build()?;
        let err = c.execute(&GetItem).await.err().ok_or("expected an error")?;
        assert_eq!(
            err.kind(),
            ErrorKind::Decode,
            "{:?}",
            String::from_utf8_lossy(&body[..body.len().min(40)])
        );
        assert!(
            err.to_string().starts_with("getItem: could not decode"),
            "{err}"
        );
        assert!(
            err.to_string().len() < 400,
            "the message stays short: {err}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn html_error_pages_are_api_errors_with_status_and_raw_body() -> TestResult {
    let mock = MockTransport::new();
    mock.push(
        502,
        &[("content-type", "text/html")],
        "<html><h1>502 Bad Gateway</h1></html>",
    );
    let c = Client::<Api>::builder()
        .base_url("https://api.example.com")
        .transport(Arc::new(mock))
        .retry_policy(RetryPolicy::none())
        .build()?;
    let err = c.execute(&GetItem).await.err().ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(err.provider_message(), None);
    assert_eq!(err.api_error().map(|a| a.raw_body.len()), Some(37));
    assert_eq!(
        err.raw_body(),
        Some(&b"<html><h1>502 Bad Gateway</h1></html>"[..]),
        "Error::raw_body hands out the page as it came"
    );
    assert_eq!(
        err.rate_limit(),
        None,
        "a provider that reads no rate-limit headers reports no rate-limit state"
    );
    Ok(())
}

#[tokio::test]
async fn a_body_cut_mid_stream_is_a_transport_error() -> TestResult {
    // A server that promises 100 bytes and closes after 10.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        if let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\ncontent-type: application/json\r\n\r\n{\"id\":\"ab")
                .await;
        }
    });
    let err = client(&format!("http://{addr}"))?
        .execute(&GetItem)
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn link_parser_never_panics(s in ".{0,200}") {
        let _ = idp_core::pagination::next_link([s.as_str()], None);
    }

    #[test]
    fn link_parser_never_panics_on_link_like_input(parts in proptest::collection::vec("(<|>|;|,|rel|=|\"|next|https://a/b\\?after=[a-z0-9]{0,4}| )", 0..30)) {
        let s = parts.concat();
        let _ = idp_core::pagination::next_link([s.as_str()], None);
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_json::<Item>(&bytes);
        let _ = decode_json::<serde_json::Value>(&bytes);
    }

    #[test]
    fn hint_primitives_never_panic(retry_after in ".{0,40}", reset in ".{0,30}", date in ".{0,40}") {
        let mut h = HeaderMap::new();
        for (k, v) in [("retry-after", retry_after), ("x-reset", reset), ("date", date)] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        }
        let now = SystemTime::now();
        let _ = idp_core::retry::retry_after(&h, now);
        if let Some(reset) = idp_core::ratelimit::header_u64(&h, "x-reset") {
            let _ = idp_core::retry::wait_until_epoch(reset, &h, now);
        }
        let _ = idp_core::RateLimit::from_headers(&h, NAMES, Reset::EpochSeconds, now);
    }

    #[test]
    fn numeric_rate_limit_headers_of_any_size_never_panic(reset in "[0-9]{1,25}", date_secs in 0u64..4_000_000_000) {
        let mut h = HeaderMap::new();
        for k in ["x-reset", "retry-after", "x-limit"] {
            if let Ok(v) = HeaderValue::from_str(&reset) {
                h.insert(k, v);
            }
        }
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(date_secs);
        let _ = idp_core::retry::retry_after(&h, now);
        if let Some(secs) = idp_core::ratelimit::header_u64(&h, "x-reset") {
            let _ = idp_core::retry::wait_until_epoch(secs, &h, now);
        }
        let _ = idp_core::RateLimit::from_headers(&h, NAMES, Reset::EpochSeconds, now);
        let _ = idp_core::RateLimit::from_headers(&h, NAMES, Reset::DeltaSeconds, now);
    }

    #[test]
    fn segments_always_stay_one_segment(s in ".{1,40}") {
        if let Ok(seg) = idp_core::encode_segment("id", &s) {
            prop_assert!(!seg.contains('/') && !seg.contains('?') && !seg.contains('#'));
            prop_assert!(seg.bytes().all(|b| b.is_ascii_graphic()));
        }
    }

    #[test]
    fn base_url_never_panics(s in ".{0,80}") {
        let _ = idp_core::BaseUrl::parse(&s);
    }
}

#[test]
fn server_hint_far_future_is_capped_by_the_policy() {
    let mut h = HeaderMap::new();
    h.insert("retry-after", HeaderValue::from_static("999999999999"));
    let hint = idp_core::retry::retry_after(&h, SystemTime::now());
    assert_eq!(hint, Some(Duration::from_secs(999_999_999_999)));
    let decision = RetryPolicy::default().decide(
        0,
        true,
        idp_core::retry::Outcome::Status(StatusCode::TOO_MANY_REQUESTS),
        hint,
        0.5,
    );
    assert_eq!(decision, idp_core::retry::RetryDecision::Exhausted);
}

#[test]
fn a_decode_error_names_the_type_path_and_cause_and_clips_what_the_server_sent() {
    let short = decode_json::<Item>(br#"{"id":"a","count":"many"}"#)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        short.contains("Item") && short.contains("at `count`") && short.contains("invalid type"),
        "{short}"
    );
    assert!(!short.contains('…'), "a short message is not cut: {short}");
    // A server-chosen value of 10 000 bytes, echoed by serde's message: cut on a character
    // boundary, marked with an ellipsis.
    let value = "é".repeat(5_000);
    let long = format!(r#"{{"id":"a","count":"{value}"}}"#);
    let text = decode_json::<Item>(long.as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        text.contains("Item") && text.contains("count") && text.contains("é…"),
        "{text}"
    );
    assert!(
        text.len() < 600,
        "{} bytes: the message stays short",
        text.len()
    );
}
