//! Model behaviour: forward compatibility, explicit nulls, redaction.

use idp_authress::models::{
    Connection, ConnectionData, ConnectionLinkingConfiguration, ConnectionType, DataLocation,
    LinkingType, Nullable, UserConnectionCredentials,
};
use serde_json::json;

use crate::common::TestResult;

#[test]
fn password_connection_with_unknown_fields_round_trips_losslessly() -> TestResult {
    let wire = json!({
        "type": "PASSWORD",
        "connectionId": "con_pw",
        "authenticationUrl": "https://login.example.com/auth",
        "tokenUrl": null,
        "clientSecret": "secret",
        "data": {"name": "Passwords", "tenantId": null, "brandNewDataField": 7},
        "defaultConnectionProperties": {"scope": "openid", "prompt": "login"},
        "userDataConfiguration": {"location": "MARS"},
        "conditions": {"requireBusinessAccount": true, "authenticationLeewayDuration": "PT10M", "mfa": "required"},
        "tenantConfiguration": {"assignmentType": "SOMETHING_NEW"},
        "linkingConfiguration": {"type": null},
        "createdTime": "2024-06-24T10:00:00.000Z",
        "lastUpdated": "2025-01-01T00:00:00.000Z",
        "isActiveConnection": true,
        "tags": {"environment": "production"},
        "someFutureField": {"nested": [1, "two", null]},
        "anotherOne": null
    });
    let connection: Connection = serde_json::from_value(wire.clone())?;
    assert_eq!(connection.connection_type, Some(ConnectionType::Password));
    assert!(connection.token_url.is_null());
    assert_eq!(
        connection
            .user_data_configuration
            .value()
            .and_then(|u| u.location.value())
            .map(DataLocation::as_str),
        Some("MARS")
    );
    assert!(
        connection
            .linking_configuration
            .value()
            .is_some_and(|l| l.linking_type.is_null())
    );
    assert_eq!(
        connection.extra.get("someFutureField"),
        Some(&json!({"nested": [1, "two", null]}))
    );
    assert_eq!(connection.extra.get("anotherOne"), Some(&json!(null)));
    assert_eq!(serde_json::to_value(&connection)?, wire);
    Ok(())
}

#[test]
fn unknown_connection_type_round_trips() -> TestResult {
    let connection: Connection = serde_json::from_value(json!({"type": "QUANTUM"}))?;
    assert_eq!(
        connection
            .connection_type
            .as_ref()
            .map(ConnectionType::as_str),
        Some("QUANTUM")
    );
    assert!(matches!(
        connection.connection_type,
        Some(ConnectionType::Unknown(_))
    ));
    assert_eq!(
        serde_json::to_value(&connection)?,
        json!({"type": "QUANTUM"})
    );
    for known in ConnectionType::KNOWN {
        let parsed: ConnectionType = serde_json::from_value(json!(known))?;
        assert!(!matches!(parsed, ConnectionType::Unknown(_)), "{known}");
    }
    assert_eq!(ConnectionType::from("WebAuthN"), ConnectionType::WebAuthn);
    assert_eq!(
        ConnectionType::from("OPENID-LEGACY"),
        ConnectionType::OpenidLegacy
    );
    Ok(())
}

#[test]
fn explicit_null_is_serialized_as_null_and_absent_is_omitted() -> TestResult {
    let connection = Connection::new(ConnectionType::Oauth2)
        .client_secret(Nullable::Null)
        .token_url("https://t.example/token")
        .data(
            ConnectionData::default()
                .name(Nullable::Null)
                .trust_identity_user_id(true),
        )
        .linking_configuration(
            ConnectionLinkingConfiguration::default().linking_type(LinkingType::Automatic),
        )
        .conditions(Nullable::Null);
    assert_eq!(
        serde_json::to_value(&connection)?,
        json!({
            "type": "OAUTH2",
            "tokenUrl": "https://t.example/token",
            "clientSecret": null,
            "data": {"name": null, "trustIdentityUserId": true},
            "conditions": null,
            "linkingConfiguration": {"type": "AUTOMATIC"}
        })
    );
    assert_eq!(serde_json::to_value(Connection::default())?, json!({}));
    assert_eq!(Nullable::or_null(None::<String>), Nullable::Null);
    assert_eq!(Nullable::or_null(Some(1)).into_value(), Some(1));
    Ok(())
}

#[test]
fn debug_redacts_client_secret_and_access_token() -> TestResult {
    let connection = Connection::new(ConnectionType::Oauth2)
        .client_secret("very-secret-value")
        .client_id("visible-client");
    let text = format!("{connection:?}");
    assert!(!text.contains("very-secret-value"), "{text}");
    assert!(
        text.contains("[redacted]") && text.contains("visible-client"),
        "{text}"
    );

    let creds: UserConnectionCredentials =
        serde_json::from_value(json!({"accessToken": "ya29.provider-token"}))?;
    let text = format!("{creds:?}");
    assert!(!text.contains("ya29"), "{text}");
    Ok(())
}
