//! Kinde end to end: every operation through the real client against `FakeKinde`, with M2M tokens
//! from its fake token endpoint.

use std::time::Duration;

use idp::kinde::Client;
use idp::kinde::models::{
    CreateConnectionRequest, CreateConnectionRequestOptionsSocial, ReplaceConnectionRequest,
    Strategy, UpdateConnectionRequest,
};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeKinde, Fault};

use crate::TestResult;

fn client(fake: &FakeKinde, sleeper: &RecordingSleeper) -> idp::Result<Client> {
    crate::common::kinde(fake, sleeper, idp::RetryPolicy::default())
}

#[tokio::test]
async fn every_operation_round_trips_through_the_fake() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = client(&fake, &RecordingSleeper::new())?;
    let connections = kinde.connections();

    let created = connections
        .create(
            CreateConnectionRequest::new("github", "GitHub", Strategy::Github).options(
                CreateConnectionRequestOptionsSocial::new()
                    .client_id("gh-id")
                    .client_secret("gh-secret"),
            ),
        )
        .send()
        .await?;
    let id = created.id().ok_or("no id")?.to_owned();

    let conn = connections.get(&id).send().await?;
    assert_eq!(conn.name.as_deref(), Some("github"));
    assert_eq!(conn.strategy, Some(Strategy::Github));

    connections
        .update(
            &id,
            UpdateConnectionRequest::new().display_name("GitHub (staff)"),
        )
        .send()
        .await?;
    let after_update = connections.get(&id).send().await?;
    assert_eq!(after_update.display_name.as_deref(), Some("GitHub (staff)"));

    connections
        .replace(&id, ReplaceConnectionRequest::new("github2", "GitHub 2"))
        .send()
        .await?;
    let after_replace = connections.get(&id).send().await?;
    assert_eq!(after_replace.name.as_deref(), Some("github2"));

    let listed = connections.list().collect_all().await?;
    assert!(listed.iter().any(|c| c.id.as_deref() == Some(id.as_str())));

    connections.delete(&id).send().await?;
    let err = connections
        .get(&id)
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert!(
        err.is_not_found() || err.status().is_some_and(|s| s.as_u16() == 400),
        "{err}"
    );

    assert_eq!(fake.token_requests(), 1, "one token for the whole session");
    Ok(())
}

#[tokio::test]
async fn paging_through_1100_seeded_connections_yields_each_once() -> TestResult {
    let fake = FakeKinde::start().await?;
    let seeded = fake.seed_connections(1100);
    let kinde = client(&fake, &RecordingSleeper::new())?;
    let listed: Vec<String> = kinde
        .connections()
        .list()
        .page_size(100)
        .collect_all()
        .await?
        .into_iter()
        .filter_map(|c| c.id)
        .collect();
    assert_eq!(listed.len(), 1100);
    let mut a = listed.clone();
    let mut b = seeded.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "each seeded connection exactly once");
    Ok(())
}

#[tokio::test]
async fn wrong_client_secret_is_an_auth_error_without_the_secret() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), "wrong-secret-value")
        .build()?;
    let err = kinde
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Auth);
    assert!(err.to_string().contains("invalid_client"), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong-secret-value"));
    Ok(())
}

#[tokio::test]
async fn revoked_tokens_are_refreshed_once() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.seed_connections(2);
    let kinde = client(&fake, &RecordingSleeper::new())?;
    kinde.connections().list().send().await?;
    fake.revoke_tokens();
    kinde.connections().list().send().await?;
    assert_eq!(fake.token_requests(), 2);
    Ok(())
}

#[tokio::test]
async fn faults_rate_limits_5xx_drops_and_truncation() -> TestResult {
    let fake = FakeKinde::start().await?;
    let ids = fake.seed_connections(2);
    let sleeper = RecordingSleeper::new();
    let kinde = client(&fake, &sleeper)?;

    fake.faults().operation("GetConnection").next(
        2,
        Fault::Status429 {
            reset_after: Duration::from_secs(3),
        },
    );
    kinde.connections().get(&ids[0]).send().await?;
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(3); 2]);

    fake.faults()
        .operation("GetConnection")
        .next(1, Fault::Status(503));
    kinde.connections().get(&ids[0]).send().await?;

    fake.clear_requests();
    fake.faults()
        .operation("CreateConnection")
        .next(1, Fault::DropConnection);
    let err = kinde
        .connections()
        .create(CreateConnectionRequest::new("x", "X", Strategy::Github))
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Transport, "{err}");
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/api/v1/connections")
            .count(),
        1
    );

    fake.faults()
        .operation("GetConnection")
        .next(1, Fault::TruncatedBody);
    let err = kinde
        .connections()
        .get(&ids[1])
        .send()
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Decode);
    assert!(
        err.to_string()
            .starts_with("GetConnection: could not decode"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_caller_supplied_access_token_is_accepted_by_the_fake() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.seed_connections(3);
    // Obtain a token from the fake's token endpoint by hand, as a caller with its own token
    // plumbing would, and hand it to the SDK.
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", fake.client_id()),
        ("client_secret", fake.client_secret()),
        ("audience", &fake.audience()),
    ];
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth2/token", fake.base_url()))
        .form(&form)
        .send()
        .await?;
    let json: serde_json::Value = serde_json::from_slice(&resp.bytes().await?)?;
    let token = json["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_owned();
    let kinde = Client::builder()
        .domain(fake.base_url())
        .access_token(token.as_str())
        .build()?;
    assert_eq!(kinde.connections().list().collect_all().await?.len(), 3);
    assert_eq!(
        fake.token_requests(),
        1,
        "the SDK fetched no token of its own"
    );
    assert!(!format!("{kinde:?}").contains(&token));
    Ok(())
}

/// Issue 14: an M2M application not granted `create:connections` (FakeKinde enforces the scopes
/// of Kinde's spec) gets a `403` `Api` error that names the operation, and nothing is retried.
#[tokio::test]
async fn an_m2m_app_without_the_scope_gets_a_403_naming_the_operation() -> TestResult {
    let fake = FakeKinde::start().await?;
    fake.set_scopes(&["read:connections", "update:connections"]);
    let sleeper = RecordingSleeper::new();
    let kinde = client(&fake, &sleeper)?;
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
        .ok_or("expected a 403")?;
    assert_eq!(err.kind(), idp::ErrorKind::Api, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.operation(), Some("CreateConnection"));
    assert!(err.to_string().contains("create:connections"), "{err}");
    assert!(sleeper.waits().is_empty());
    Ok(())
}

/// Issue 14: the token endpoint throttled (429 with `RateLimit-Reset`) and then failing (503)
/// through FakeKinde's fault injector is waited out; the call succeeds with one issued token.
#[tokio::test]
async fn a_throttled_token_endpoint_is_waited_out_end_to_end() -> TestResult {
    let fake = FakeKinde::start().await?;
    let ids = fake.seed_connections(1);
    fake.faults().operation("token").next(
        1,
        Fault::Status429 {
            reset_after: Duration::from_secs(5),
        },
    );
    fake.faults().operation("token").next(1, Fault::Status(503));
    let sleeper = RecordingSleeper::new();
    let kinde = client(&fake, &sleeper)?;
    let connection = kinde.connections().get(&ids[0]).send().await?;
    assert_eq!(connection.id(), Some(ids[0].as_str()));
    assert_eq!(sleeper.waits().first(), Some(&Duration::from_secs(5)));
    assert_eq!(sleeper.waits().len(), 2);
    assert_eq!(fake.token_requests(), 1);
    Ok(())
}
