//! Every operation as a plain value: its method, path, query, body and validation with no
//! network; then each one sent with `client.execute(op)` (the list also with `client.items(op)`)
//! against `idp_testkit::FakeKinde`.

use std::collections::BTreeSet;

use idp_kinde::models::*;
use idp_kinde::ops::{
    CreateConnection, DeleteConnection, GetConnection, GetConnections, ReplaceConnection,
    UpdateConnection,
};
use idp_kinde::{Client, ErrorKind, OPERATIONS, Operation, OperationInfo};
use idp_testkit::FakeKinde;
use serde_json::{Value, json};

use crate::common::TestResult;

const ITEM: &str = "/api/v1/connections/{connection_id}";

/// The query as `name=value` strings, in order.
fn query<O: Operation>(op: &O) -> Vec<String> {
    op.query_pairs()
        .pairs()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

/// The body's bytes as text and its content type (`None` without a body).
fn body<O: Operation>(op: &O) -> Option<(String, &'static str)> {
    let body = op.body().expect("the body serializes")?;
    let text = String::from_utf8(body.bytes().to_vec()).expect("UTF-8 JSON");
    Some((text, body.content_type()))
}

fn body_json<O: Operation>(op: &O) -> Value {
    body(op)
        .map(|(text, _)| serde_json::from_str(&text).expect("JSON"))
        .unwrap_or(Value::Null)
}

#[test]
fn create_connection_is_a_post_of_its_body() {
    let op = CreateConnection::new(
        CreateConnectionRequest::new("github-main", "GitHub", Strategy::Github)
            .enabled_applications(vec!["app_1".to_owned()])
            .options(
                CreateConnectionRequestOptionsSocial::new()
                    .client_id("cid")
                    .client_secret("cs"),
            ),
    );
    assert_eq!(CreateConnection::METHOD.as_str(), "POST");
    assert_eq!(CreateConnection::PATH, "/api/v1/connections");
    assert_eq!(op.path().ok().as_deref(), Some("/api/v1/connections"));
    assert!(query(&op).is_empty());
    assert!(op.validate().is_ok());
    assert!(!op.idempotent());
    assert_eq!(
        body(&op),
        Some((
            r#"{"name":"github-main","display_name":"GitHub","strategy":"oauth2:github","enabled_applications":["app_1"],"options":{"client_id":"cid","client_secret":"cs"}}"#
                .to_owned(),
            "application/json"
        ))
    );
    // The fields are public: the value can be read back and changed.
    assert_eq!(op.body.name, "github-main");
    assert!(!format!("{op:?}").contains("\"cs\""), "{op:?}");
}

#[test]
fn delete_connection_encodes_the_id_as_one_segment() {
    let op = DeleteConnection::new("conn/1 a|b");
    assert_eq!(DeleteConnection::METHOD.as_str(), "DELETE");
    assert_eq!(DeleteConnection::PATH, ITEM);
    assert_eq!(
        op.path().ok().as_deref(),
        Some("/api/v1/connections/conn%2F1%20a%7Cb")
    );
    assert_eq!(op.connection_id, "conn/1 a|b");
    assert!(query(&op).is_empty());
    assert_eq!(body(&op), None);
    assert!(op.idempotent());
    let empty = DeleteConnection::new("").path().err();
    assert_eq!(empty.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
}

#[test]
fn get_connection_is_a_bare_get_that_decodes_the_connection_itself() -> TestResult {
    let op = GetConnection::new("conn_1");
    assert_eq!(GetConnection::METHOD.as_str(), "GET");
    assert_eq!(GetConnection::PATH, ITEM);
    assert_eq!(
        op.path().ok().as_deref(),
        Some("/api/v1/connections/conn_1")
    );
    assert!(query(&op).is_empty());
    assert_eq!(body(&op), None);
    assert!(op.validate().is_ok());

    // The envelope the spec declares (and the API sends) is unwrapped…
    let wrapped = GetConnection::decode(
        br#"{"code":"OK","message":"Success","connection":{"id":"conn_1","name":"g","display_name":"Google","strategy":"oauth2:google"}}"#,
    )?;
    assert_eq!(wrapped.id(), Some("conn_1"));
    assert_eq!(wrapped.display_name.as_deref(), Some("Google"));
    assert_eq!(wrapped.strategy, Some(Strategy::Google));
    assert!(
        wrapped.extra.is_empty(),
        "the envelope's code and message are not the connection's"
    );
    // …and the flat body of the spec before Feb 2025 decodes to the same connection.
    let flat = GetConnection::decode(
        br#"{"id":"conn_1","name":"g","display_name":"Google","strategy":"oauth2:google"}"#,
    )?;
    assert_eq!(flat, wrapped);
    // A body without a connection id is a decode error, not an all-None connection.
    for empty in [
        &br#"{}"#[..],
        br#"{"code":"OK","message":"Success"}"#,
        br#"{"code":"OK","connection":{}}"#,
        br#"{"code":"OK","connection":null}"#,
        br#"{"connection":{"id":""}}"#,
        b"",
    ] {
        let err = GetConnection::decode(empty).err();
        assert_eq!(
            err.as_ref().map(|e| e.kind()),
            Some(ErrorKind::Decode),
            "{}",
            String::from_utf8_lossy(empty)
        );
    }
    let text = GetConnection::decode(b"{}")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(text.contains("no connection"), "{text}");
    Ok(())
}

#[test]
fn get_connections_query_is_in_order_and_cursors_are_validated() {
    let first = GetConnections::new();
    assert_eq!(GetConnections::METHOD.as_str(), "GET");
    assert_eq!(GetConnections::PATH, "/api/v1/connections");
    assert_eq!(first.path().ok().as_deref(), Some("/api/v1/connections"));
    assert!(query(&first).is_empty());
    assert_eq!(body(&first), None);
    assert_eq!(first, GetConnections::default());

    let forward = GetConnections::new()
        .page_size(50)
        .home_realm_domain("myapp.com")
        .starting_after("conn_a");
    assert!(forward.validate().is_ok());
    assert_eq!(
        query(&forward),
        [
            "page_size=50",
            "home_realm_domain=myapp.com",
            "starting_after=conn_a"
        ]
    );
    assert_eq!(forward.page_size, Some(50));

    let backward = GetConnections::new().ending_before("conn_z");
    assert!(backward.validate().is_ok());
    assert_eq!(query(&backward), ["ending_before=conn_z"]);

    let both = GetConnections::new()
        .starting_after("a")
        .ending_before("b")
        .validate()
        .err();
    assert_eq!(
        both.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = both.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("starting_after") && text.contains("ending_before"),
        "{text}"
    );
}

#[test]
fn replace_connection_puts_the_whole_configuration() {
    let op = ReplaceConnection::new(
        "conn_1",
        ReplaceConnectionRequest::new("ConnectionA", "Connection").options(
            ReplaceConnectionRequestOptionsSaml::new().name_id_format(NameIdFormat::EmailAddress),
        ),
    );
    assert_eq!(ReplaceConnection::METHOD.as_str(), "PUT");
    assert_eq!(ReplaceConnection::PATH, ITEM);
    assert_eq!(
        op.path().ok().as_deref(),
        Some("/api/v1/connections/conn_1")
    );
    assert!(query(&op).is_empty());
    assert!(op.idempotent());
    assert_eq!(
        body_json(&op),
        json!({"name": "ConnectionA", "display_name": "Connection",
               "options": {"name_id_format": "Email address"}})
    );
    assert_eq!(
        body(&op).map(|(_, content_type)| content_type),
        Some("application/json")
    );
}

#[test]
fn update_connection_patches_only_the_fields_set() {
    let op = UpdateConnection::new(
        "conn_1",
        UpdateConnectionRequest::new().display_name("Okta"),
    );
    assert_eq!(UpdateConnection::METHOD.as_str(), "PATCH");
    assert_eq!(UpdateConnection::PATH, ITEM);
    assert_eq!(
        op.path().ok().as_deref(),
        Some("/api/v1/connections/conn_1")
    );
    assert!(query(&op).is_empty());
    assert!(!op.idempotent());
    assert_eq!(
        body(&op).map(|(text, _)| text).as_deref(),
        Some(r#"{"display_name":"Okta"}"#)
    );
    let empty = UpdateConnection::new("", UpdateConnectionRequest::new())
        .path()
        .err();
    assert_eq!(empty.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
}

#[test]
fn the_operation_table_is_derived_from_the_operations() {
    // Each row is read from an operation's constants.
    assert_eq!(OPERATIONS[2], OperationInfo::of::<GetConnection>());
    let rows: Vec<(&str, &str, &str)> = OPERATIONS
        .iter()
        .map(|o| (o.id, o.method.as_str(), o.path))
        .collect();
    assert_eq!(
        rows,
        [
            ("CreateConnection", "POST", "/api/v1/connections"),
            ("deleteConnection", "DELETE", ITEM),
            ("GetConnection", "GET", ITEM),
            ("GetConnections", "GET", "/api/v1/connections"),
            ("ReplaceConnection", "PUT", ITEM),
            ("UpdateConnection", "PATCH", ITEM),
        ]
    );
}

fn client(fake: &FakeKinde) -> idp_kinde::Result<Client> {
    Client::builder()
        .domain(fake.base_url())
        .client_credentials(fake.client_id(), fake.client_secret())
        .build()
}

#[tokio::test]
async fn every_operation_runs_through_execute_against_the_fake() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = client(&fake)?;

    let created = kinde
        .execute(CreateConnection::new(
            CreateConnectionRequest::new("github", "GitHub", Strategy::Github)
                .enabled_applications(vec!["app_1".to_owned()]),
        ))
        .await?;
    assert_eq!(created.code.as_deref(), Some("OK"));
    let id = created.id().ok_or("no id")?.to_owned();
    let stored = fake.connection(&id).ok_or("not stored")?;
    assert_eq!(stored["enabled_applications"], json!(["app_1"]));

    let got = kinde.execute(GetConnection::new(&id)).await?;
    assert_eq!(got.id(), Some(id.as_str()));
    assert_eq!(got.name.as_deref(), Some("github"));
    assert_eq!(got.strategy, Some(Strategy::Github));

    let updated = kinde
        .execute(UpdateConnection::new(
            &id,
            UpdateConnectionRequest::new().display_name("GitHub (staff)"),
        ))
        .await?;
    assert_eq!(updated.code.as_deref(), Some("OK"));
    let stored = fake.connection(&id).ok_or("not stored")?;
    assert_eq!(
        (&stored["name"], &stored["display_name"]),
        (&json!("github"), &json!("GitHub (staff)"))
    );

    let replaced = kinde
        .execute(ReplaceConnection::new(
            &id,
            ReplaceConnectionRequest::new("github2", "GitHub 2"),
        ))
        .await?;
    assert_eq!(replaced.message.as_deref(), Some("Success"));
    let stored = fake.connection(&id).ok_or("not stored")?;
    assert_eq!(stored["name"], json!("github2"));
    assert_eq!(
        stored["enabled_applications"],
        json!([]),
        "a replace resets what it leaves out"
    );

    let page = kinde.execute(GetConnections::new().page_size(10)).await?;
    assert_eq!(page.has_more, Some(false));
    let listed: Vec<&str> = page
        .connections
        .iter()
        .flatten()
        .filter_map(Connection::id)
        .collect();
    assert_eq!(listed, [id.as_str()]);

    let deleted = kinde.execute(DeleteConnection::new(&id)).await?;
    assert_eq!(deleted.code.as_deref(), Some("OK"));
    assert!(fake.connection(&id).is_none());
    let err = kinde
        .execute(GetConnection::new(&id))
        .await
        .err()
        .ok_or("expected an error")?;
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.code(), Some("CONNECTION_NOT_FOUND"));

    let ops: Vec<Option<&str>> = fake
        .requests()
        .iter()
        .filter(|r| r.operation != Some("token"))
        .map(|r| r.operation)
        .collect();
    assert_eq!(
        ops,
        [
            Some("CreateConnection"),
            Some("GetConnection"),
            Some("UpdateConnection"),
            Some("ReplaceConnection"),
            Some("GetConnections"),
            Some("deleteConnection"),
            Some("GetConnection"),
        ]
    );
    assert_eq!(fake.token_requests(), 1, "one token for the whole session");
    Ok(())
}

#[tokio::test]
async fn items_walks_every_page_of_a_list_value() -> TestResult {
    let fake = FakeKinde::start().await?;
    let seeded: BTreeSet<String> = fake.seed_connections(5).into_iter().collect();
    let kinde = client(&fake)?;
    let mut items = kinde.items(GetConnections::new().page_size(2));
    let mut listed = Vec::new();
    while let Some(connection) = items.try_next().await? {
        listed.push(connection.id().ok_or("no id")?.to_owned());
    }
    assert_eq!(listed.len(), 5, "{listed:?}");
    assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), seeded);
    let queries: Vec<Option<String>> = fake
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some("GetConnections"))
        .map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            Some("page_size=2".to_owned()),
            Some(format!("page_size=2&starting_after={}", listed[1])),
            Some(format!("page_size=2&starting_after={}", listed[3])),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn an_invalid_value_is_refused_before_anything_is_sent() -> TestResult {
    let fake = FakeKinde::start().await?;
    let kinde = client(&fake)?;
    let err = kinde
        .execute(GetConnections::new().starting_after("a").ending_before("b"))
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("GetConnections"), "{err}");
    let err = kinde
        .execute(DeleteConnection::new(""))
        .await
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(fake.requests().is_empty(), "nothing reached the fake");
    Ok(())
}
