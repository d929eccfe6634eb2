use std::time::{Duration, Instant};

use idp_testkit::{FakeAuthress, FakeKinde, FakeOkta, Fault};

use crate::{TestResult, http, json};

/// GET the hook-key list on a fake Okta with its SSWS token.
async fn okta_get(okta: &FakeOkta) -> reqwest::Result<reqwest::Response> {
    http()
        .get(format!("{}/api/v1/hook-keys", okta.base_url()))
        .header("authorization", format!("SSWS {}", okta.api_token()))
        .send()
        .await
}

#[tokio::test]
async fn status429_hits_exactly_n_requests_with_okta_rate_limit_headers() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.faults().next(
        2,
        Fault::Status429 {
            reset_after: Duration::from_secs(3),
        },
    );
    for _ in 0..2 {
        let r = okta_get(&okta).await?;
        assert_eq!(r.status().as_u16(), 429);
        let h = r.headers();
        assert_eq!(h["x-rate-limit-remaining"], "0");
        let reset: u64 = h["x-rate-limit-reset"].to_str()?.parse()?;
        let date = h["date"].to_str()?.to_owned();
        assert!(h.contains_key("x-okta-request-id"));
        let (_, body) = json(r).await?;
        assert_eq!(body["errorCode"], "E0000047");
        // The Date header and the reset are 3 s apart on the same clock.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        assert!(
            reset >= now + 2 && reset <= now + 4,
            "{reset} vs {now} ({date})"
        );
    }
    assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);
    assert_eq!(okta.faults().pending(), 0);
    Ok(())
}

#[tokio::test]
async fn status429_uses_kinde_and_authress_headers() -> TestResult {
    let kinde = FakeKinde::start().await?;
    kinde.faults().next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_millis(1500),
        },
    );
    let r = http()
        .get(format!("{}/api/v1/connections", kinde.base_url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["ratelimit-reset"], "2");
    let (_, body) = json(r).await?;
    assert!(body["errors"].is_array());

    let authress = FakeAuthress::start().await?;
    authress.faults().next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(4),
        },
    );
    let r = http()
        .get(format!("{}/v1/connections", authress.base_url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "4");
    // Without a fault the (unauthenticated) request is a plain 401 again.
    let r = http()
        .get(format!("{}/v1/connections", authress.base_url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 401);
    Ok(())
}

#[tokio::test]
async fn status_fault_returns_provider_error_body_n_times() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.faults().next(2, Fault::Status(503));
    for _ in 0..2 {
        let (s, body) = json(okta_get(&okta).await?).await?;
        assert_eq!((s, body["errorCode"].as_str()), (503, Some("E0000010")));
    }
    assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);

    let kinde = FakeKinde::start().await?;
    kinde.faults().next(1, Fault::Status(500));
    let (s, body) = json(
        http()
            .get(format!("{}/api/v1/connections", kinde.base_url()))
            .send()
            .await?,
    )
    .await?;
    assert_eq!(s, 500);
    assert!(body["errors"][0]["code"].is_string());
    Ok(())
}

#[tokio::test]
async fn latency_delays_exactly_n_requests() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.faults()
        .next(2, Fault::Latency(Duration::from_millis(400)));
    for _ in 0..2 {
        let start = Instant::now();
        assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);
        assert!(start.elapsed() >= Duration::from_millis(400));
    }
    let start = Instant::now();
    assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);
    assert!(start.elapsed() < Duration::from_millis(400));
    Ok(())
}

#[tokio::test]
async fn drop_connection_gives_a_transport_error_and_skips_the_handler() -> TestResult {
    let okta = FakeOkta::start().await?;
    let auth = format!("SSWS {}", okta.api_token());
    okta.faults()
        .route("POST", "/api/v1/hook-keys")
        .next(2, Fault::DropConnection);
    // A GET on the same prefix is not affected.
    assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);
    for i in 0..2 {
        let result = http()
            .post(format!("{}/api/v1/hook-keys", okta.base_url()))
            .header("authorization", &auth)
            .body(format!(r#"{{"name":"k{i}"}}"#))
            .send()
            .await;
        let err = result
            .err()
            .ok_or("expected a connection error, got a response")?;
        assert!(err.status().is_none(), "{err}");
        assert!(err.is_request() || err.is_connect(), "{err:?}");
    }
    assert!(
        okta.hook_keys().is_empty(),
        "dropped requests are not processed"
    );
    let r = http()
        .post(format!("{}/api/v1/hook-keys", okta.base_url()))
        .header("authorization", &auth)
        .body(r#"{"name":"k"}"#)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(okta.hook_keys().len(), 1);
    Ok(())
}

#[tokio::test]
async fn malformed_and_truncated_bodies_fail_to_decode_n_times() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta.seed_app_users("0oa1", 3);
    let url = format!("{}/api/v1/apps/0oa1/users", okta.base_url());
    let auth = format!("SSWS {}", okta.api_token());
    for fault in [Fault::MalformedBody, Fault::TruncatedBody] {
        okta.faults()
            .operation("listApplicationUsers")
            .next(2, fault.clone());
        for _ in 0..2 {
            let r = http()
                .get(&url)
                .header("authorization", &auth)
                .send()
                .await?;
            assert_eq!(r.status().as_u16(), 200, "{fault:?}");
            let bytes = r.bytes().await?;
            assert!(!bytes.is_empty(), "{fault:?}");
            assert!(
                serde_json::from_slice::<serde_json::Value>(&bytes).is_err(),
                "{fault:?}"
            );
        }
        let r = http()
            .get(&url)
            .header("authorization", &auth)
            .send()
            .await?;
        let bytes = r.bytes().await?;
        assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
    }
    Ok(())
}

#[tokio::test]
async fn global_faults_spare_the_token_endpoint_and_the_log_records_them() -> TestResult {
    let kinde = FakeKinde::start().await?;
    kinde.faults().next(1, Fault::Status(502));
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", kinde.client_id())
        .append_pair("client_secret", kinde.client_secret())
        .append_pair("audience", &kinde.audience())
        .finish();
    let r = http()
        .post(format!("{}/oauth2/token", kinde.base_url()))
        .body(form.clone())
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    let r = http()
        .get(format!("{}/api/v1/connections", kinde.base_url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 502);
    kinde
        .faults()
        .operation("token")
        .next(1, Fault::Status(503));
    let r = http()
        .post(format!("{}/oauth2/token", kinde.base_url()))
        .body(form)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 503);

    let log = kinde.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].operation, Some("token"));
    assert_eq!(log[0].fault, None);
    assert_eq!(log[1].operation, Some("GetConnections"));
    assert_eq!(log[1].fault, Some(Fault::Status(502)));
    assert!(String::from_utf8_lossy(&log[2].body).contains(kinde.client_secret()));
    assert!(
        !format!("{log:?}").contains(kinde.client_secret()),
        "Debug hides bodies"
    );
    kinde.clear_requests();
    assert!(kinde.requests().is_empty());
    Ok(())
}

#[tokio::test]
async fn request_log_keeps_headers_but_debug_hides_them() -> TestResult {
    let okta = FakeOkta::start().await?;
    okta_get(&okta).await?;
    let log = okta.requests();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(entry.method, "GET");
    assert_eq!(entry.path, "/api/v1/hook-keys");
    assert_eq!(entry.operation, Some("listHookKeys"));
    assert_eq!(
        entry.header("Authorization"),
        Some(format!("SSWS {}", okta.api_token()).as_str())
    );
    assert!(!format!("{entry:?}").contains(okta.api_token()));
    Ok(())
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() -> TestResult {
    let okta = FakeOkta::start().await?;
    let url = format!("{}/api/v1/hook-keys", okta.base_url());
    assert_eq!(okta_get(&okta).await?.status().as_u16(), 200);
    drop(okta);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let result = http().get(&url).send().await;
    assert!(result.is_err(), "the port no longer answers");
    Ok(())
}
