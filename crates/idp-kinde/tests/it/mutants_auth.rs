//! Behaviours of `auth.rs` that the mutation run (`cargo xtask mutants --file
//! crates/idp-kinde/src/auth.rs`, issue 18) found untested: what a [`KindeM2M`] grant built by
//! hand reports, and a JWT `exp` that is not an integer.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use httpmock::MockServer;
use idp_kinde::SecretString;
use idp_kinde::auth::KindeM2M;
use idp_test_support::{ManualClock, RecordingSleeper};
use serde_json::json;

use crate::common::{TestResult, m2m_builder};

/// A user who builds the grant themselves (to wrap it in their own `CachedToken`) reads back
/// the endpoint, the client id (trimmed, as it is sent) and the audience it will post.
#[test]
fn a_hand_built_m2m_grant_reports_its_endpoint_client_id_and_audience() -> TestResult {
    let m2m = KindeM2M::new(
        "https://acme.kinde.com/oauth2/token",
        "  m2m-client-1 \n",
        SecretString::from("s3cret"),
        "https://acme.kinde.com/api",
    )?;
    assert_eq!(m2m.token_url(), "https://acme.kinde.com/oauth2/token");
    assert_eq!(m2m.client_id(), "m2m-client-1");
    assert_eq!(m2m.audience(), "https://acme.kinde.com/api");
    Ok(())
}

/// RFC 7519 §2: a NumericDate "can contain a non-integer value". A token whose `exp` is
/// `1700000600.5` (and no `expires_in`) is refreshed 60 s before that time, like an integer
/// `exp` — not kept for the one-hour default.
#[tokio::test]
async fn a_fractional_jwt_exp_schedules_the_refresh_like_an_integer_one() -> TestResult {
    let start = 1_700_000_000u64;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let jwt = format!(
        "{}.{}.signature",
        b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        b64.encode(format!(r#"{{"exp":{}.5}}"#, start + 600))
    );
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method("POST").path("/oauth2/token");
            then.status(200)
                .json_body(json!({"access_token": jwt, "token_type": "Bearer"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v1/connections/conn_1");
            then.status(200)
                .json_body(json!({"code": "OK", "message": "Success",
                "connection": {"id": "conn_1", "name": "g", "strategy": "oauth2:google"}}));
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(start));
    let client = m2m_builder(&server, &RecordingSleeper::new())
        .clock(Arc::new(clock.clone()))
        .build()?;
    client.connections().get("conn_1").send().await?;
    clock.advance(Duration::from_secs(500)); // 100 s before exp: cached
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 1);
    clock.advance(Duration::from_secs(50)); // 50 s before exp: refreshed
    client.connections().get("conn_1").send().await?;
    assert_eq!(token.calls_async().await, 2);
    Ok(())
}
