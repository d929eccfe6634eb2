//! Issue 14 end to end against `idp_testkit::FakeKinde`: scopes, a throttled and failing token
//! endpoint, and option fields the model lacks reaching the service's state.

use std::sync::Arc;
use std::time::Duration;

use idp_kinde::models::*;
use idp_kinde::{Client, ErrorKind, Nullable};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeKinde, Fault};
use serde_json::json;

use crate::common::TestResult;

fn m2m(fake: &FakeKinde, sleeper: &RecordingSleeper) -> idp_kinde::Result<Client> {
    Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

/// Kinde's API docs: a call outside the token's scopes is a `403 Forbidden` with the scope it
/// needs. The error is `Api`, names the operation, and is not retried.
#[tokio::test]
async fn an_m2m_app_without_the_scope_gets_a_403_api_error_naming_the_operation() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.set_scopes(&["read:connections"]);
    let sleeper = RecordingSleeper::new();
    let kinde = m2m(&fake, &sleeper)?;
    kinde.connections().list().send().await?;
    let err = kinde
        .connections()
        .create(CreateConnectionRequest::new(
            "gh",
            "GitHub",
            Strategy::Github,
        ))
        .send()
        .await
        .err()
        .ok_or("the create must be refused")?;
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.operation(), Some("CreateConnection"));
    let text = err.to_string();
    assert!(
        text.contains("CreateConnection") && text.contains("create:connections"),
        "{text}"
    );
    assert!(sleeper.waits().is_empty(), "a 403 is not retried");
    assert_eq!(fake.token_requests(), 1, "a 403 does not refresh the token");
    Ok(())
}

/// M2M tokens are metered; the token endpoint answers `429` with `RateLimit-Reset` (Kinde's
/// "API rate limits" page) or fails with a `503`. Both are waited out and the call succeeds.
#[tokio::test]
async fn a_throttled_then_failing_token_endpoint_is_waited_out() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.seed_connections(2);
    fake.faults().operation("token").next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(4),
        },
    );
    fake.faults().operation("token").next(1, Fault::Status(503));
    let sleeper = RecordingSleeper::new();
    let kinde = m2m(&fake, &sleeper)?;
    let page = kinde.connections().list().send().await?;
    assert_eq!(page.connections.map(|c| c.len()), Some(2));
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert_eq!(waits[0], Duration::from_secs(4), "RateLimit-Reset seconds");
    let token_posts = fake
        .requests()
        .iter()
        .filter(|r| r.operation == Some("token"))
        .count();
    assert_eq!(token_posts, 3, "429, 503, then the token");
    assert_eq!(fake.token_requests(), 1, "one token issued");
    Ok(())
}

/// `organization_code: null` and option fields the model lacks reach the fake as sent; PATCH
/// merges them into the stored options.
#[tokio::test]
async fn null_and_extra_fields_reach_the_fake_and_patch_merges_them() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = m2m(&fake, &RecordingSleeper::new())?;
    let created = kinde
        .connections()
        .create(
            CreateConnectionRequest::new("entra", "Entra ID", Strategy::AzureAd)
                .organization_code(Nullable::Null)
                .options(
                    CreateConnectionRequestOptionsAzureAd::new()
                        .client_id("cid")
                        .client_secret("secret"),
                ),
        )
        .send()
        .await?;
    let id = created.id().ok_or("no id")?.to_owned();
    let posted = fake
        .requests()
        .into_iter()
        .find(|r| r.operation == Some("CreateConnection"))
        .ok_or("no create request")?;
    let body: serde_json::Value = serde_json::from_slice(&posted.body)?;
    assert_eq!(body.get("organization_code"), Some(&json!(null)));

    kinde
        .connections()
        .update(
            &id,
            UpdateConnectionRequest::new().options(
                UpdateConnectionRequestOptionsAzureAd::new()
                    .entra_id_domain("kinde.com")
                    .extra("is_auto_join_organization_enabled", true),
            ),
        )
        .send()
        .await?;
    let stored = fake.connection(&id).ok_or("connection gone")?;
    assert_eq!(
        stored["options"],
        json!({"client_id": "cid", "client_secret": "secret", "entra_id_domain": "kinde.com",
               "is_auto_join_organization_enabled": true})
    );
    Ok(())
}
