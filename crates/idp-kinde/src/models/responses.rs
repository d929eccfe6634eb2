//! What the connections endpoints answer: the connection itself, its envelope, a page of them,
//! the create and success responses, and the error shapes.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Strategy;

/// A connection as the API reports it: `id`, `name`, `display_name`, `strategy`, and any other
/// field the server adds (kept in `extra` and sent back unchanged).
///
/// What `kinde.connections().get(id).send()` returns, and the item type of
/// [`GetConnectionsResponse`]. Decoding is lenient: a connection arrives flat (`{id, name, …}`,
/// what the live API sends in lists and what the spec described before Feb 2025) or wrapped in
/// the `{code, message, connection: {…}}` envelope (what the spec declares now); both decode to
/// the same value. The envelope itself is [`GetConnectionResponse`].
///
/// ```
/// use idp_kinde::models::{Connection, Strategy};
/// let flat: Connection = serde_json::from_str(r#"{"id":"conn_1","strategy":"oauth2:google"}"#)?;
/// let wrapped: Connection =
///     serde_json::from_str(r#"{"code":"OK","connection":{"id":"conn_1","strategy":"oauth2:google"}}"#)?;
/// assert_eq!(flat, wrapped);
/// assert_eq!(flat.id(), Some("conn_1"));
/// assert_eq!(flat.strategy, Some(Strategy::Google));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Connection {
    /// The connection's ID (`conn_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The internal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The public-facing name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Fields this SDK does not model (e.g. `enabled_applications`), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Connection {
    /// The connection's id, if the server sent one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// The inner `connection` object of the Python SDK (`ConnectionConnection`): the same type as
/// [`Connection`], under the name Kinde's generated SDKs give it.
pub type ConnectionConnection = Connection;

/// The keys of a connection object, matched without allocating for the known ones.
enum ConnectionKey {
    Id,
    Name,
    DisplayName,
    Strategy,
    Connection,
    Other(String),
}

impl<'de> Deserialize<'de> for ConnectionKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = ConnectionKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ConnectionKey, E> {
                Ok(match v {
                    "id" => ConnectionKey::Id,
                    "name" => ConnectionKey::Name,
                    "display_name" => ConnectionKey::DisplayName,
                    "strategy" => ConnectionKey::Strategy,
                    "connection" => ConnectionKey::Connection,
                    other => ConnectionKey::Other(other.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Connection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ConnectionVisitor;
        impl<'de> serde::de::Visitor<'de> for ConnectionVisitor {
            type Value = Connection;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kinde connection object (flat or enveloped)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Connection, A::Error> {
                let mut out = Connection::default();
                let mut inner: Option<Value> = None;
                while let Some(key) = map.next_key::<ConnectionKey>()? {
                    match key {
                        ConnectionKey::Id => out.id = map.next_value()?,
                        ConnectionKey::Name => out.name = map.next_value()?,
                        ConnectionKey::DisplayName => out.display_name = map.next_value()?,
                        ConnectionKey::Strategy => out.strategy = map.next_value()?,
                        ConnectionKey::Connection => inner = Some(map.next_value()?),
                        ConnectionKey::Other(k) => {
                            let v: Value = map.next_value()?;
                            out.extra.insert(k, v);
                        }
                    }
                }
                let flat_fields_absent = out.id.is_none()
                    && out.name.is_none()
                    && out.display_name.is_none()
                    && out.strategy.is_none();
                match inner {
                    // The enveloped shape `{code, message, connection: {...}}`: its code and
                    // message describe the envelope, not the connection.
                    Some(v @ Value::Object(_)) if flat_fields_absent => {
                        Connection::deserialize(v).map_err(serde::de::Error::custom)
                    }
                    Some(v) => {
                        out.extra.insert("connection".to_owned(), v);
                        Ok(out)
                    }
                    None => Ok(out),
                }
            }
        }
        deserializer.deserialize_map(ConnectionVisitor)
    }
}

/// The body of `get_connection` (schema `connection`): an envelope around the connection.
///
/// `get` unwraps it and returns the [`Connection`]; who wants the envelope (its `code` and
/// `message`) asks for it by type:
///
/// ```no_run
/// # async fn run(kinde: idp_kinde::Client) -> idp_kinde::Result<()> {
/// use idp_kinde::models::GetConnectionResponse;
/// let envelope: GetConnectionResponse =
///     kinde.connections().get("conn_1").send_as::<GetConnectionResponse>().await?;
/// println!("{:?} {:?}", envelope.code, envelope.id());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetConnectionResponse {
    /// Response code (e.g. `OK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<Connection>,
}

impl GetConnectionResponse {
    /// The id of the connection inside, if the server sent one.
    pub fn id(&self) -> Option<&str> {
        self.connection.as_ref().and_then(Connection::id)
    }
}

/// The response of `get_connections` (schema `get_connections_response`): one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetConnectionsResponse {
    /// Response code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The connections of this page (flat or enveloped on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<Vec<Connection>>,
    /// Whether more records exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

/// The new connection's id inside [`CreateConnectionResponse`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateConnectionResponseConnection {
    /// The connection's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl CreateConnectionResponseConnection {
    /// The connection's id, if the server sent one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// The response of `create_connection` (schema `create_connection_response`). An empty `201`
/// body (the connection was created) decodes as an empty response, whose `id()` is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateConnectionResponse {
    /// Response message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Response code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The new connection (only its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<CreateConnectionResponseConnection>,
}

impl CreateConnectionResponse {
    /// The new connection's id, if the server sent it.
    pub fn id(&self) -> Option<&str> {
        self.connection
            .as_ref()
            .and_then(CreateConnectionResponseConnection::id)
    }
}

/// The response of `update_connection`, `replace_connection` and `delete_connection`
/// (schema `success_response`). A `204` or an empty `200` (the change happened) decodes as an
/// empty response (`code` and `message` `None`), not as an error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Response message (e.g. `Success`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Response code (e.g. `OK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// One error of an error response (schema `error`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KindeError {
    /// Error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The body of most error responses (schema `error_response`): `errors` is an array. Errors reach
/// callers as [`idp_kinde::Error`](crate::Error) (code, message, further errors as causes, raw body).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<KindeError>>,
}

/// The body of a 404 on update, replace and delete (schema `not_found_response`): unlike
/// [`ErrorResponse`], `errors` is a single object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotFoundResponse {
    /// The error (e.g. `ROUTE_NOT_FOUND`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<KindeError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_item_decodes_flat_and_enveloped_alike() -> Result<(), Box<dyn std::error::Error>> {
        let flat: Connection = serde_json::from_value(json!({
            "id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google",
            "enabled_applications": ["app"]
        }))?;
        let wrapped: Connection = serde_json::from_value(json!({
            "code": "OK", "message": "Success",
            "connection": {"id": "conn_1", "name": "g", "display_name": "Google", "strategy": "oauth2:google",
                           "enabled_applications": ["app"]}
        }))?;
        assert_eq!(flat, wrapped);
        assert_eq!(flat.id.as_deref(), Some("conn_1"));
        assert_eq!(flat.strategy, Some(Strategy::Google));
        assert_eq!(
            flat.extra.get("enabled_applications"),
            Some(&json!(["app"]))
        );
        // Unknown fields are sent back unchanged.
        assert_eq!(
            serde_json::to_value(&flat)?["enabled_applications"],
            json!(["app"])
        );
        Ok(())
    }
}
