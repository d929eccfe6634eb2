//! Every operation as a plain value: its method, path, query, body and validation with no
//! network, then sent with `client.execute(op)` / `client.items(op)` against the testkit fake.

use idp_authress::models::{
    Connection, ConnectionData, ConnectionType, ConnectionUserDataConfiguration, DataLocation,
    Nullable,
};
use idp_authress::ops::{
    CreateConnection, DeleteConnection, GetConnection, GetConnectionCredentials, GetConnections,
    UpdateConnection,
};
use idp_authress::{Client, ErrorKind, OPERATIONS, Operation, Paginated};
use idp_test_support::MockTransport;
use idp_testkit::FakeAuthress;
use serde_json::{Value, json};

use crate::common::{ODD_USER_ID, ODD_USER_ID_ENCODED, TestResult, mock_client};

/// The query of an operation as owned pairs.
fn query<O: Operation>(op: &O) -> Vec<(&'static str, String)> {
    op.query_pairs().pairs().to_vec()
}

/// The body of an operation as (content type, JSON).
fn body<O: Operation>(op: &O) -> Result<Option<(&'static str, Value)>, Box<dyn std::error::Error>> {
    match op.body()? {
        None => Ok(None),
        Some(body) => Ok(Some((
            body.content_type(),
            serde_json::from_slice(body.bytes())?,
        ))),
    }
}

fn google() -> Connection {
    Connection::new(ConnectionType::Oauth2)
        .authentication_url("https://accounts.google.com/o/oauth2/v2/auth")
        .token_url("https://oauth2.googleapis.com/token")
        .client_id("google-client")
        .client_secret("google-secret")
        .issuer_url(Nullable::Null)
        .data(ConnectionData::default().name("Google for ops"))
        .user_data_configuration(
            ConnectionUserDataConfiguration::default().location(DataLocation::Deu),
        )
        .tag("env", "test")
}

fn google_json() -> Value {
    json!({
        "type": "OAUTH2",
        "authenticationUrl": "https://accounts.google.com/o/oauth2/v2/auth",
        "tokenUrl": "https://oauth2.googleapis.com/token",
        "clientId": "google-client",
        "clientSecret": "google-secret",
        "issuerUrl": null,
        "data": {"name": "Google for ops"},
        "userDataConfiguration": {"location": "DEU"},
        "tags": {"env": "test"}
    })
}

#[test]
fn create_is_a_post_of_the_connection_without_read_only_fields() -> TestResult {
    let mut connection = google();
    connection.created_time = Some("2024-01-01T00:00:00Z".into());
    connection.is_active_connection = Some(true);
    let op = CreateConnection::new(connection.clone());
    assert_eq!(op.connection, connection);
    assert_eq!(CreateConnection::ID, "createConnection");
    assert_eq!(CreateConnection::METHOD, "POST");
    assert_eq!(CreateConnection::PATH, "/v1/connections");
    assert_eq!(op.path()?, "/v1/connections");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op)?, Some(("application/json", google_json())));
    assert!(op.validate().is_ok());
    assert!(!op.idempotent());
    Ok(())
}

#[test]
fn delete_get_and_credentials_encode_each_id_as_one_segment() -> TestResult {
    let delete = DeleteConnection::new("con 1/x");
    assert_eq!(delete.connection_id, "con 1/x");
    assert_eq!(DeleteConnection::METHOD, "DELETE");
    assert_eq!(DeleteConnection::PATH, "/v1/connections/{connectionId}");
    assert_eq!(delete.path()?, "/v1/connections/con%201%2Fx");
    assert!(query(&delete).is_empty());
    assert_eq!(body(&delete)?, None);
    assert!(delete.idempotent());

    let get = GetConnection::new(ODD_USER_ID);
    assert_eq!(GetConnection::METHOD, "GET");
    assert_eq!(GetConnection::PATH, "/v1/connections/{connectionId}");
    assert_eq!(
        get.path()?,
        format!("/v1/connections/{ODD_USER_ID_ENCODED}")
    );
    assert!(query(&get).is_empty());
    assert_eq!(body(&get)?, None);

    let creds = GetConnectionCredentials::new("con 1/x", ODD_USER_ID);
    assert_eq!(
        (creds.connection_id.as_str(), creds.user_id.as_str()),
        ("con 1/x", ODD_USER_ID)
    );
    assert_eq!(GetConnectionCredentials::METHOD, "GET");
    assert_eq!(
        GetConnectionCredentials::PATH,
        "/v1/connections/{connectionId}/users/{userId}/credentials"
    );
    assert_eq!(
        creds.path()?,
        format!("/v1/connections/con%201%2Fx/users/{ODD_USER_ID_ENCODED}/credentials")
    );
    assert!(query(&creds).is_empty());
    assert_eq!(body(&creds)?, None);
    Ok(())
}

#[test]
fn list_is_a_bare_get_until_parameters_are_set_in_order() -> TestResult {
    let bare = GetConnections::new();
    assert_eq!(bare, GetConnections::default());
    assert_eq!(GetConnections::METHOD, "GET");
    assert_eq!(GetConnections::PATH, "/v1/connections");
    assert_eq!(bare.path()?, "/v1/connections");
    assert!(query(&bare).is_empty());
    assert_eq!(body(&bare)?, None);

    let op = GetConnections::new()
        .filter("google workspace")
        .cursor("c/1+2")
        .limit(10);
    assert_eq!(
        (op.limit, op.cursor.as_deref(), op.filter.as_deref()),
        (Some(10), Some("c/1+2"), Some("google workspace"))
    );
    assert_eq!(
        query(&op),
        [
            ("limit", "10".to_owned()),
            ("cursor", "c/1+2".to_owned()),
            ("filter", "google workspace".to_owned()),
        ]
    );
    // The next page keeps limit and filter and replaces the cursor.
    let next = op.with_cursor("c3");
    assert_eq!(next, op.clone().cursor("c3"));
    Ok(())
}

#[test]
fn update_is_a_put_of_the_whole_connection() -> TestResult {
    let op = UpdateConnection::new("okta", google().tags(Nullable::Null));
    assert_eq!(op.connection_id, "okta");
    assert_eq!(UpdateConnection::METHOD, "PUT");
    assert_eq!(UpdateConnection::PATH, "/v1/connections/{connectionId}");
    assert_eq!(op.path()?, "/v1/connections/okta");
    assert!(query(&op).is_empty());
    let mut expected = google_json();
    expected["tags"] = Value::Null;
    assert_eq!(body(&op)?, Some(("application/json", expected)));
    assert!(op.idempotent());
    Ok(())
}

#[test]
fn validation_refuses_a_zero_limit_and_empty_ids_before_anything_is_sent() {
    let err = GetConnections::new().limit(0).validate().err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("limit must be at least 1"), "{text}");
    assert!(GetConnections::new().limit(1).validate().is_ok());

    for (err, name) in [
        (GetConnection::new("").path().err(), "connectionId"),
        (DeleteConnection::new("").path().err(), "connectionId"),
        (
            UpdateConnection::new("", Connection::default())
                .path()
                .err(),
            "connectionId",
        ),
        (
            GetConnectionCredentials::new("google", "").path().err(),
            "userId",
        ),
        (
            GetConnectionCredentials::new("", "u").path().err(),
            "connectionId",
        ),
    ] {
        assert_eq!(
            err.as_ref().map(|e| e.kind()),
            Some(ErrorKind::InvalidInput)
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains(name), "{text}");
    }
}

#[tokio::test]
async fn execute_runs_validate_first_and_sends_nothing_on_failure() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    let err = client
        .execute(GetConnections::new().limit(0))
        .await
        .err()
        .ok_or("a zero limit must be refused")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.operation(), Some("getConnections"));
    let err = client
        .items(GetConnections::new().limit(0))
        .try_next()
        .await
        .err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[test]
fn the_operation_table_is_read_from_the_operations() {
    let rows: Vec<(&str, &str, &str)> = OPERATIONS
        .iter()
        .map(|o| (o.id, o.method.as_str(), o.path))
        .collect();
    assert_eq!(
        rows,
        [
            ("createConnection", "POST", "/v1/connections"),
            (
                "deleteConnection",
                "DELETE",
                "/v1/connections/{connectionId}"
            ),
            ("getConnection", "GET", "/v1/connections/{connectionId}"),
            (
                "getConnectionCredentials",
                "GET",
                "/v1/connections/{connectionId}/users/{userId}/credentials"
            ),
            ("getConnections", "GET", "/v1/connections"),
            ("updateConnection", "PUT", "/v1/connections/{connectionId}"),
        ]
    );
}

#[test]
fn request_setters_forward_to_the_operation() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    let request = client
        .connections()
        .list()
        .limit(5)
        .cursor("c1")
        .filter("okta");
    assert_eq!(
        request.operation(),
        &GetConnections::new().limit(5).cursor("c1").filter("okta")
    );
    assert_eq!(
        client.connections().get_credentials("c", "u").operation(),
        &GetConnectionCredentials::new("c", "u")
    );
    assert_eq!(
        client.connections().update("c", google()).operation(),
        &UpdateConnection::new("c", google())
    );
    let request = client
        .connections()
        .update("c", google())
        .allow_missing_client_secret(true);
    assert!(request.operation().allow_missing_client_secret);
    Ok(())
}

/// Issue 14, item 7: GET never returns `clientSecret` and PUT replaces the whole connection, so
/// an OAuth update without the secret is refused before sending unless the caller chose.
#[test]
fn an_oauth_update_without_its_secret_is_refused_unless_chosen() -> TestResult {
    // The connection as GET returns it (the spec's Connection, no clientSecret).
    let fetched = |t: Option<ConnectionType>| {
        let mut c = google().client_secret(Nullable::Absent);
        c.connection_type = t;
        c
    };
    for t in [
        Some(ConnectionType::Oauth2),
        None, // the server's default type is OAUTH2
        Some(ConnectionType::OpenidLegacy),
        Some(ConnectionType::from("FUTURE".to_owned())),
    ] {
        let op = UpdateConnection::new("google", fetched(t.clone()));
        let err = op.validate().err().ok_or("must be refused")?;
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{t:?}");
        let text = err.to_string();
        assert!(
            text.contains("no clientSecret") && text.contains("allow_missing_client_secret"),
            "{text}"
        );
        assert!(
            op.clone()
                .allow_missing_client_secret(true)
                .validate()
                .is_ok()
        );
    }
    for t in [
        ConnectionType::Saml2,
        ConnectionType::WebAuthn,
        ConnectionType::Password,
    ] {
        assert!(
            UpdateConnection::new("c", fetched(Some(t.clone())))
                .validate()
                .is_ok(),
            "{t:?} has no client secret"
        );
    }
    let with = UpdateConnection::new("google", fetched(None).client_secret("s"));
    assert!(with.validate().is_ok());
    let cleared = UpdateConnection::new("google", fetched(None).client_secret(Nullable::Null));
    assert!(cleared.validate().is_ok());
    assert_eq!(
        body(&cleared)?.map(|(_, b)| b["clientSecret"].clone()),
        Some(Value::Null)
    );
    // Create is not affected: a new connection may have no secret.
    assert!(CreateConnection::new(fetched(None)).validate().is_ok());
    Ok(())
}

/// Issue 14, item 7, end to end against FakeAuthress (which drops an omitted secret, as a full
/// replace does): GET → edit → PUT keeps the connection's secret.
#[tokio::test]
async fn get_edit_put_keeps_the_connection_secret() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let client = fake_client(&fake)?;
    let created = client
        .execute(CreateConnection::new(google().connection_id("google")))
        .await?;
    assert_eq!(created.id(), Some("google"));
    let secret = || {
        fake.connection("google")
            .and_then(|c| c.get("clientSecret").cloned())
    };
    assert_eq!(secret(), Some(json!("google-secret")));

    // The careless round trip is refused before anything is sent; the secret stays.
    let fetched = client.connections().get("google").send().await?;
    assert!(fetched.client_secret.is_absent(), "GET never returns it");
    fake.clear_requests();
    let err = client
        .connections()
        .update(
            "google",
            fetched
                .clone()
                .data(ConnectionData::default().name("Renamed")),
        )
        .send()
        .await
        .err()
        .ok_or("an update without the secret must be refused")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.operation(), Some("updateConnection"));
    assert!(fake.requests().is_empty(), "nothing was sent");
    assert_eq!(secret(), Some(json!("google-secret")));

    // The idiom: read, edit, set the secret again, replace.
    let edited = fetched
        .clone()
        .data(ConnectionData::default().name("Renamed"))
        .client_secret("google-secret");
    let updated = client.connections().update("google", edited).send().await?;
    assert_eq!(
        updated
            .data
            .value()
            .and_then(|d| d.name.value())
            .map(String::as_str),
        Some("Renamed")
    );
    assert_eq!(secret(), Some(json!("google-secret")));

    // Asked for: sent without the secret, and the full replace drops it.
    client
        .connections()
        .update("google", fetched)
        .allow_missing_client_secret(true)
        .send()
        .await?;
    assert_eq!(secret(), None);
    Ok(())
}

/// Issue 14, item 7: unknown fields are sent back on PUT; the fake refuses one the schema does
/// not declare (`additionalProperties: false`), and `without_extra` drops them.
#[tokio::test]
async fn unknown_fields_are_sent_back_and_can_be_dropped() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let client = fake_client(&fake)?;
    client
        .execute(CreateConnection::new(google().connection_id("google")))
        .await?;
    let fetched = client.connections().get("google").send().await?;
    let with_stale = fetched
        .client_secret("google-secret")
        .extra("retiredField", "from an older response");
    let op = UpdateConnection::new("google", with_stale.clone());
    assert_eq!(
        body(&op)?.map(|(_, b)| b["retiredField"].clone()),
        Some(json!("from an older response"))
    );
    let err = client
        .execute(op)
        .await
        .err()
        .ok_or("the fake refuses an undeclared field")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    // Authress words it as Ajv does, without naming the property (openapi-data-validator.js).
    assert!(
        err.to_string()
            .contains("must NOT have additional properties"),
        "{err}"
    );

    let op = UpdateConnection::new("google", with_stale.without_extra());
    assert_eq!(
        body(&op)?.map(|(_, b)| b.get("retiredField").is_none()),
        Some(true)
    );
    client.execute(op).await?;
    Ok(())
}

fn fake_client(fake: &FakeAuthress) -> Result<Client, idp_authress::Error> {
    Client::builder()
        .base_url(fake.base_url())
        .access_key(fake.access_key())
        .build()
}

#[tokio::test]
async fn every_operation_runs_through_execute_against_the_fake() -> TestResult {
    let fake = FakeAuthress::start().await?;
    let client = fake_client(&fake)?;

    // createConnection: the server assigns the id; the secret is stored but never returned.
    let created = client.execute(CreateConnection::new(google())).await?;
    let id = created
        .id()
        .ok_or("the created connection has no id")?
        .to_owned();
    assert!(id.starts_with("con_"), "{id}");
    assert_eq!(created.connection_type, Some(ConnectionType::Oauth2));
    assert!(created.client_secret.is_absent());
    assert!(created.created_time.is_some());
    let stored = fake.connection(&id).ok_or("not stored")?;
    assert_eq!(stored["clientSecret"], "google-secret");
    assert_eq!(stored["data"]["name"], "Google for ops");
    assert!(stored["issuerUrl"].is_null());

    // A chosen id is kept.
    let chosen = client
        .execute(CreateConnection::new(
            Connection::new(ConnectionType::Saml2).connection_id("con-chosen:1"),
        ))
        .await?;
    assert_eq!(chosen.id(), Some("con-chosen:1"));

    // getConnection.
    let got = client.execute(GetConnection::new(&id)).await?;
    assert_eq!(got, created);

    // updateConnection: read, edit, send back (with the secret, which GET never returns).
    let edited = got
        .issuer_url("https://accounts.google.com")
        .tags(Nullable::Null)
        .client_secret("google-secret");
    let updated = client.execute(UpdateConnection::new(&id, edited)).await?;
    assert_eq!(updated.id(), Some(id.as_str()));
    assert_eq!(
        updated.issuer_url.value().map(String::as_str),
        Some("https://accounts.google.com")
    );
    assert!(updated.tags.is_null());
    let stored = fake.connection(&id).ok_or("not stored")?;
    assert_eq!(stored["issuerUrl"], "https://accounts.google.com");
    assert_eq!(stored["clientSecret"], "google-secret");

    // getConnectionCredentials, with a user id that needs encoding.
    fake.set_user_credentials(&id, ODD_USER_ID, "provider-token");
    let creds = client
        .execute(GetConnectionCredentials::new(&id, ODD_USER_ID))
        .await?;
    assert_eq!(creds.access_token, "provider-token");
    let err = client
        .execute(GetConnectionCredentials::new(&id, "google|nobody"))
        .await
        .err()
        .ok_or("unknown user must fail")?;
    assert!(err.is_not_found(), "{err}");

    // getConnections: one page with execute, every page with items.
    let seeded = fake.seed_connections(5);
    let page = client.execute(GetConnections::new().limit(3)).await?;
    assert_eq!(page.connections.len(), 3);
    let cursor = page
        .pagination
        .as_ref()
        .and_then(|p| p.next.as_ref())
        .map(|n| n.cursor.clone())
        .ok_or("a first page of 3 out of 7 has a next cursor")?;
    let rest = client
        .execute(GetConnections::new().limit(3).cursor(cursor))
        .await?;
    assert_eq!(rest.connections.len(), 3);

    let all = client
        .items(GetConnections::new().limit(2))
        .collect_all()
        .await?;
    let mut ids: Vec<&str> = all.iter().filter_map(Connection::id).collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = seeded.iter().map(String::as_str).collect();
    expected.extend([id.as_str(), "con-chosen:1"]);
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let lists = fake
        .requests()
        .iter()
        .filter(|r| r.operation == Some("getConnections"))
        .count();
    assert_eq!(lists, 2 + 4, "two single pages, then 7 items in pages of 2");

    let filtered = client
        .items(GetConnections::new().filter("google for ops"))
        .collect_all()
        .await?;
    assert_eq!(
        filtered
            .iter()
            .filter_map(Connection::id)
            .collect::<Vec<_>>(),
        [id.as_str()]
    );

    // deleteConnection: 204, then the connection is gone.
    client.execute(DeleteConnection::new(&id)).await?;
    assert!(fake.connection(&id).is_none());
    let err = client
        .execute(GetConnection::new(&id))
        .await
        .err()
        .ok_or("a deleted connection must not be found")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.operation(), Some("getConnection"));

    // Every request carried a locally signed token, never the key itself.
    let requests = fake.requests();
    assert!(requests.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|h| h.starts_with("Bearer eyJ") && !h.contains(fake.access_key()))
    }));
    Ok(())
}
