//! Request shape of every operation: method, encoded path, query, headers and body, with no network.

use idp_authress::ErrorKind;
use idp_authress::models::{Connection, ConnectionType, Nullable};
use idp_test_support::{MockTransport, RecordedRequest};
use serde_json::json;

use crate::common::{ODD_USER_ID, ODD_USER_ID_ENCODED, TestResult, mock_client};

fn connection_json() -> serde_json::Value {
    json!({"type": "OAUTH2", "connectionId": "google", "authenticationUrl": "https://a.example/auth"})
}

fn last(mock: &MockTransport) -> Result<RecordedRequest, &'static str> {
    mock.last_request().ok_or("no request was sent")
}

fn assert_common_headers(req: &RecordedRequest, with_body: bool) {
    assert_eq!(req.header("accept"), Some("application/links+json"));
    assert_eq!(req.header("authorization"), Some("Bearer user-token"));
    assert!(
        req.header("user-agent")
            .unwrap_or_default()
            .starts_with("idp-authress/")
    );
    if with_body {
        assert_eq!(req.header("content-type"), Some("application/json"));
    } else {
        assert_eq!(req.header("content-type"), None);
        assert!(req.body.is_empty());
    }
}

#[tokio::test]
async fn create_posts_the_connection_without_read_only_fields() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(201, &connection_json());
    let client = mock_client(&mock)?;
    let mut connection = Connection::new(ConnectionType::Password)
        .authentication_url("https://a.example/auth")
        .client_secret("s3cret")
        .issuer_url(Nullable::Null)
        .extra("futureField", json!({"kept": true}));
    // Read-only fields have no setters (the server sets them); as read from a response:
    connection.created_time = Some("2024-01-01T00:00:00Z".into());
    connection.is_active_connection = Some(true);
    let created = client.connections().create(connection).send().await?;
    assert_eq!(created.id(), Some("google"));

    let req = last(&mock)?;
    assert_eq!(req.method, "POST");
    assert_eq!(req.path(), "/v1/connections");
    assert_eq!(req.query(), None);
    assert_common_headers(&req, true);
    assert_eq!(
        req.json(),
        json!({
            "type": "PASSWORD",
            "authenticationUrl": "https://a.example/auth",
            "issuerUrl": null,
            "clientSecret": "s3cret",
            "futureField": {"kept": true}
        })
    );
    Ok(())
}

#[tokio::test]
async fn delete_sends_a_bodyless_delete_and_accepts_204() -> TestResult {
    let mock = MockTransport::new();
    mock.push(204, &[], "");
    let client = mock_client(&mock)?;
    client.connections().delete("con 1/x").send().await?;
    let req = last(&mock)?;
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path(), "/v1/connections/con%201%2Fx");
    assert_eq!(req.query(), None);
    assert_common_headers(&req, false);
    Ok(())
}

#[tokio::test]
async fn get_encodes_the_connection_id_as_one_segment() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &connection_json());
    let client = mock_client(&mock)?;
    let connection = client.connections().get(ODD_USER_ID).send().await?;
    assert_eq!(connection.connection_type, Some(ConnectionType::Oauth2));
    let req = last(&mock)?;
    assert_eq!(req.method, "GET");
    assert_eq!(req.path(), format!("/v1/connections/{ODD_USER_ID_ENCODED}"));
    assert_common_headers(&req, false);
    Ok(())
}

#[tokio::test]
async fn get_credentials_encodes_connection_and_user_ids_as_single_segments() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"accessToken": "provider-token"}));
    let client = mock_client(&mock)?;
    let creds = client
        .connections()
        .get_credentials("con 1/x", ODD_USER_ID)
        .send()
        .await?;
    assert_eq!(creds.access_token, "provider-token");
    let req = last(&mock)?;
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path(),
        format!("/v1/connections/con%201%2Fx/users/{ODD_USER_ID_ENCODED}/credentials")
    );
    assert_eq!(req.query(), None);
    assert_common_headers(&req, false);
    Ok(())
}

#[tokio::test]
async fn list_without_parameters_is_a_bare_get() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"connections": []}));
    let client = mock_client(&mock)?;
    let page = client.connections().list().send().await?;
    assert!(page.connections.is_empty());
    let req = last(&mock)?;
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.uri.to_string(),
        "https://acc-1.api.authress.io/v1/connections"
    );
    assert_eq!(req.query(), None);
    assert_common_headers(&req, false);
    Ok(())
}

#[tokio::test]
async fn list_sends_limit_cursor_and_filter_in_order() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"connections": []}));
    let client = mock_client(&mock)?;
    client
        .connections()
        .list()
        .filter("google workspace")
        .cursor("c/1+2")
        .limit(10)
        .send()
        .await?;
    let req = last(&mock)?;
    assert_eq!(req.path(), "/v1/connections");
    assert_eq!(
        req.query_pairs(),
        vec![
            ("limit".to_owned(), "10".to_owned()),
            ("cursor".to_owned(), "c/1+2".to_owned()),
            ("filter".to_owned(), "google workspace".to_owned()),
        ]
    );
    assert!(!req.query().unwrap_or_default().contains(' '));
    Ok(())
}

#[tokio::test]
async fn update_puts_the_whole_connection() -> TestResult {
    let mock = MockTransport::new();
    mock.push_json(200, &connection_json());
    let client = mock_client(&mock)?;
    let connection: Connection = serde_json::from_value(json!({
        "type": "SAML2",
        "connectionId": "okta",
        "tags": {"env": "prod"},
        "lastUpdated": "2024-01-01T00:00:00Z",
        "unknownServerField": [1, 2]
    }))?;
    client
        .connections()
        .update("okta", connection.tags(Nullable::Null))
        .send()
        .await?;
    let req = last(&mock)?;
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path(), "/v1/connections/okta");
    assert_common_headers(&req, true);
    assert_eq!(
        req.json(),
        json!({"type": "SAML2", "connectionId": "okta", "tags": null, "unknownServerField": [1, 2]})
    );
    Ok(())
}

#[tokio::test]
async fn empty_ids_are_refused_before_sending() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    let err = client
        .connections()
        .get_credentials("google", "")
        .send()
        .await
        .err();
    assert_eq!(
        err.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("getConnectionCredentials") && text.contains("userId"),
        "{text}"
    );
    let err = client.connections().delete("").send().await.err();
    assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
    assert_eq!(mock.request_count(), 0);
    Ok(())
}

#[test]
fn debug_of_a_request_does_not_print_the_client_secret() -> TestResult {
    let mock = MockTransport::new();
    let client = mock_client(&mock)?;
    let connection = Connection::new(ConnectionType::Oauth2).client_secret("top-secret-value");
    let request = client.connections().update("google", connection);
    let text = format!("{request:?} {client:?}");
    assert!(
        !text.contains("top-secret-value") && !text.contains("user-token"),
        "{text}"
    );
    assert!(text.contains("google"), "{text}");
    Ok(())
}
