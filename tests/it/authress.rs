//! Authress end to end: every operation through the real client against `FakeAuthress`, which
//! verifies the locally signed EdDSA tokens.

use std::time::Duration;

use idp::authress::Client;
use idp::authress::models::{Connection, ConnectionType};
use idp_test_support::RecordingSleeper;
use idp_testkit::{FakeAuthress, Fault};

use crate::TestResult;

fn client(fake: &FakeAuthress, sleeper: &RecordingSleeper) -> idp::Result<Client> {
    crate::common::authress(fake, sleeper, idp::RetryPolicy::default())
}

fn oauth_connection(name: &str) -> Connection {
    Connection::new(ConnectionType::Oauth2)
        .authentication_url("https://accounts.example.com/authorize")
        .token_url("https://accounts.example.com/token")
        .client_id(format!("client-{name}"))
        .client_secret("connection-client-secret")
}

#[tokio::test]
async fn every_operation_round_trips_through_the_fake() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let authress = client(&fake, &RecordingSleeper::new())?;
    let connections = authress.connections();

    // create (201)
    let created = connections.create(oauth_connection("a")).send().await?;
    let id = created.id().ok_or("no connection id")?.to_owned();
    assert_eq!(created.connection_type, Some(ConnectionType::Oauth2));

    // get
    let got = connections.get(&id).send().await?;
    assert_eq!(got.client_id.value().map(String::as_str), Some("client-a"));

    // update (PUT): edit and send back; the fake stores what was sent. GET never returns the
    // secret and PUT replaces everything, so it is set again.
    let got = got
        .issuer_url("https://accounts.example.com")
        .client_secret("connection-client-secret");
    let updated = connections.update(&id, got).send().await?;
    assert_eq!(
        updated.issuer_url.value().map(String::as_str),
        Some("https://accounts.example.com")
    );

    // list
    let all = connections.list().collect_all().await?;
    assert!(all.iter().any(|c| c.id() == Some(id.as_str())));

    // get user credentials, with a user id that needs encoding
    let user = "google|a/b c+d@e:f";
    fake.set_user_credentials(&id, user, "provider-access-token");
    let creds = connections.get_credentials(&id, user).send().await?;
    assert_eq!(creds.access_token, "provider-access-token");

    // delete (204), then get is a 404
    connections.delete(&id).send().await?;
    let err = connections
        .get(&id)
        .send()
        .await
        .err()
        .ok_or("expected 404")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.operation(), Some("getConnection"));

    // every request carried a JWT the fake verified, and the links Accept header
    let log = fake.requests();
    assert!(
        log.iter()
            .all(|r| r.header("accept") == Some("application/links+json"))
    );
    assert!(log.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer ey"))
    }));
    Ok(())
}

#[tokio::test]
async fn paging_through_1200_seeded_connections_yields_each_once() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let seeded = fake.seed_connections(1200);
    let authress = client(&fake, &RecordingSleeper::new())?;
    let listed: Vec<String> = authress
        .connections()
        .list()
        .limit(100)
        .collect_all()
        .await?
        .into_iter()
        .filter_map(|c| c.id().map(str::to_owned))
        .collect();
    assert_eq!(listed, seeded);
    assert_eq!(fake.requests().len(), 12);
    Ok(())
}

#[tokio::test]
async fn a_key_the_fake_does_not_know_gets_an_auth_error() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let wrong = fake.unrelated_access_key()?;
    let authress = Client::builder()
        .base_url(fake.base_url())
        .access_key(wrong.as_str())
        .build()?;
    let err = authress
        .connections()
        .list()
        .collect_all()
        .await
        .err()
        .ok_or("expected 401")?;
    assert_eq!(err.kind(), idp::ErrorKind::Auth);
    assert!(err.is_unauthorized());
    assert!(!format!("{err} {err:?}").contains(wrong.rsplit('.').next().unwrap_or("?")));
    Ok(())
}

#[tokio::test]
async fn the_raw_key_mode_is_accepted_when_chosen() -> TestResult {
    let fake = FakeAuthress::start().await?;
    fake.seed_connections(3);
    let authress = Client::builder()
        .base_url(fake.base_url())
        .raw_access_key_as_bearer(fake.access_key())
        .build()?;
    assert_eq!(authress.connections().list().collect_all().await?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn faults_rate_limits_5xx_drops_and_truncation() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let ids = fake.seed_connections(2);
    let sleeper = RecordingSleeper::new();
    let authress = client(&fake, &sleeper)?;

    // a 429 storm of 3, honoured with the advertised Retry-After
    fake.faults().operation("getConnection").next(
        3,
        Fault::Status429 {
            reset_after: Duration::from_secs(2),
        },
    );
    authress.connections().get(&ids[0]).send().await?;
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(2); 3]);

    // a 503 on a GET is retried
    fake.faults()
        .operation("getConnection")
        .next(1, Fault::Status(503));
    authress.connections().get(&ids[0]).send().await?;

    // a dropped connection on a POST is surfaced, not retried
    fake.clear_requests();
    fake.faults()
        .operation("createConnection")
        .next(1, Fault::DropConnection);
    let err = authress
        .connections()
        .create(oauth_connection("drop"))
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Transport, "{err}");
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );

    // a truncated body is a Decode error naming the operation
    fake.faults()
        .operation("getConnection")
        .next(1, Fault::TruncatedBody);
    let err = authress
        .connections()
        .get(&ids[1])
        .send()
        .await
        .err()
        .ok_or("expected error")?;
    assert_eq!(err.kind(), idp::ErrorKind::Decode);
    assert!(
        err.to_string()
            .starts_with("getConnection: could not decode"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_user_token_is_passed_through_and_verified_by_the_fake() -> TestResult {
    use idp::authress::ExposeSecret;
    let fake = FakeAuthress::start().await?;
    fake.seed_connections(2);
    // A token the caller already holds (here: one signed with the account's key, as Authress
    // would issue it); the SDK sends it unchanged.
    let key = idp::authress::auth::AccessKey::parse(fake.access_key())?;
    let base = idp::authress::BaseUrl::parse(fake.base_url())?;
    let token =
        idp::authress::auth::AccessKeyTokens::new(key, &base)?.sign(std::time::SystemTime::now())?;
    let secret = token.secret().expose_secret().to_owned();
    let authress = Client::builder()
        .base_url(fake.base_url())
        .user_token(secret.as_str())
        .build()?;
    assert_eq!(authress.connections().list().collect_all().await?.len(), 2);
    let log = fake.requests();
    assert!(
        log.iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {secret}").as_str()))
    );
    assert!(!format!("{authress:?}").contains(&secret));
    Ok(())
}

/// Issue 14, item 6: the AWS front end answers `{"message": …}` (API Gateway's default gateway
/// responses, AWS developer guide "Gateway responses for REST APIs"); the error shows it.
#[tokio::test]
async fn an_aws_front_end_502_shows_its_message() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let sleeper = RecordingSleeper::new();
    let authress = client(&fake, &sleeper)?;
    // Three 502s on a GET: retried (idempotent), then reported with the gateway's message.
    fake.faults().operation("getConnections").next(
        4,
        Fault::respond(
            502,
            "application/json",
            r#"{"message": "Internal server error"}"#,
        ),
    );
    let err = authress
        .connections()
        .list()
        .send()
        .await
        .err()
        .ok_or("expected a 502")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.provider_message(), Some("Internal server error"));
    assert!(
        err.to_string().starts_with(
            "getConnections: retries exhausted: 502 Bad Gateway (Internal server error)"
        ),
        "{err}"
    );
    // A plain-text gateway page is shown as a short excerpt.
    fake.faults().operation("createConnection").next(
        1,
        Fault::respond(
            503,
            "text/html",
            "<html><body><h1>503 Service Unavailable</h1></body></html>",
        ),
    );
    let err = authress
        .connections()
        .create(oauth_connection("busy"))
        .send()
        .await
        .err()
        .ok_or("expected a 503")?;
    assert_eq!(err.provider_message(), Some("503 Service Unavailable"));
    Ok(())
}

/// Issue 14, item 7: GET never returns `clientSecret` and PUT replaces the whole connection
/// (FakeAuthress drops an omitted secret, as a full replace does). The SDK refuses the careless
/// round trip before sending, and the idiom (set the secret again) keeps it.
#[tokio::test]
async fn get_edit_put_keeps_the_connection_secret() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let authress = client(&fake, &RecordingSleeper::new())?;
    let connections = authress.connections();
    let created = connections.create(oauth_connection("keep")).send().await?;
    let id = created.id().ok_or("no connection id")?.to_owned();
    let stored_secret = || {
        fake.connection(&id)
            .and_then(|c| c.get("clientSecret").cloned())
    };
    assert_eq!(stored_secret(), Some("connection-client-secret".into()));

    let fetched = connections.get(&id).send().await?;
    assert!(fetched.client_secret.is_absent());
    let puts = || fake.requests().iter().filter(|r| r.method == "PUT").count();
    let err = connections
        .update(
            &id,
            fetched.clone().token_url("https://accounts.example.com/t2"),
        )
        .send()
        .await
        .err()
        .ok_or("an update without the secret is refused")?;
    assert_eq!(err.kind(), idp::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("clientSecret"), "{err}");
    assert_eq!(puts(), 0);
    assert_eq!(stored_secret(), Some("connection-client-secret".into()));

    let edited = fetched
        .token_url("https://accounts.example.com/t2")
        .client_secret("connection-client-secret");
    connections.update(&id, edited).send().await?;
    assert_eq!(puts(), 1);
    let stored = fake.connection(&id).ok_or("gone")?;
    assert_eq!(stored["tokenUrl"], "https://accounts.example.com/t2");
    assert_eq!(stored["clientSecret"], "connection-client-secret");
    Ok(())
}
