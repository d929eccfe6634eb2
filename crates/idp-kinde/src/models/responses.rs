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

/// The keys of a connection object, matched without allocating for the known ones (the
/// envelope's `code` and `message` too: they are dropped when the envelope is unwrapped).
enum ConnectionKey {
    Id,
    Name,
    DisplayName,
    Strategy,
    Connection,
    Code,
    Message,
    Other(String),
}

impl ConnectionKey {
    /// The key as it was on the wire.
    fn name(&self) -> &str {
        match self {
            ConnectionKey::Id => "id",
            ConnectionKey::Name => "name",
            ConnectionKey::DisplayName => "display_name",
            ConnectionKey::Strategy => "strategy",
            ConnectionKey::Connection => "connection",
            ConnectionKey::Code => "code",
            ConnectionKey::Message => "message",
            ConnectionKey::Other(k) => k,
        }
    }

    /// The key as an owned name (moved, not copied, for an unknown key).
    fn into_name(self) -> String {
        match self {
            ConnectionKey::Other(k) => k,
            known => known.name().to_owned(),
        }
    }
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
                    "code" => ConnectionKey::Code,
                    "message" => ConnectionKey::Message,
                    other => ConnectionKey::Other(other.to_owned()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The outer object read key by key: the modelled fields, the envelope's parts, the rest. An
/// inner `connection` object that is the connection follows the same rule
/// ([`InnerObject::connection`]).
#[derive(Default)]
struct Parts {
    out: Connection,
    code: Option<Value>,
    message: Option<Value>,
    inner: Option<Inner>,
}

impl Parts {
    /// The connection: the inner one when this is the envelope `{code, message, connection: {…}}`
    /// (no flat field set; its code and message describe the envelope, not the connection),
    /// else this one, with `code`, `message` and a non-envelope `connection` kept in `extra`.
    fn finish(self) -> Result<Connection, serde_json::Error> {
        let Parts {
            mut out,
            code,
            message,
            inner,
        } = self;
        let flat_fields_absent = out.id.is_none()
            && out.name.is_none()
            && out.display_name.is_none()
            && out.strategy.is_none();
        match inner {
            Some(Inner::Object(object)) if flat_fields_absent => object.connection(),
            Some(inner) => {
                out.extra
                    .insert("connection".to_owned(), inner.into_value());
                Parts::keep(&mut out, code, message);
                Ok(out)
            }
            None => {
                Parts::keep(&mut out, code, message);
                Ok(out)
            }
        }
    }

    /// Keeps the envelope's `code` and `message` in `extra`: here they belong to the connection.
    fn keep(out: &mut Connection, code: Option<Value>, message: Option<Value>) {
        if let Some(code) = code {
            out.extra.insert("code".to_owned(), code);
        }
        if let Some(message) = message {
            out.extra.insert("message".to_owned(), message);
        }
    }
}

/// The value of a `connection` key: an object read into [`InnerObject`] (whether it is the
/// connection or kept as sent depends on the outer object's other keys, which may come after
/// it), anything else as a JSON value.
enum Inner {
    Object(InnerObject),
    Other(Value),
}

/// An inner `connection` object as read, holding each key once (a later duplicate overwrites:
/// the last one wins, as in a `Value`). The four modelled fields are kept as values, so the
/// object can still be given back as sent; every other key (`code`, `message` and a nested
/// `connection` too) goes straight into the map that becomes `extra` when this is the
/// connection. So neither use sorts, dedups or re-inserts it pair by pair.
#[derive(Default)]
struct InnerObject {
    id: Option<Value>,
    name: Option<Value>,
    display_name: Option<Value>,
    strategy: Option<Value>,
    rest: Map<String, Value>,
}

impl Inner {
    /// The JSON value it was on the wire (duplicate keys: the last one wins, as in a `Value`).
    fn into_value(self) -> Value {
        match self {
            Inner::Object(object) => object.into_value(),
            Inner::Other(v) => v,
        }
    }
}

impl InnerObject {
    /// The object as a `Value` would hold it: the other keys plus the modelled ones sent.
    fn into_value(self) -> Value {
        let InnerObject {
            id,
            name,
            display_name,
            strategy,
            mut rest,
        } = self;
        for (key, value) in [
            ("id", id),
            ("name", name),
            ("display_name", display_name),
            ("strategy", strategy),
        ] {
            if let Some(value) = value {
                rest.insert(key.to_owned(), value);
            }
        }
        Value::Object(rest)
    }

    /// The connection this object describes: what `Connection::deserialize` of its `Value`
    /// gives, without building that `Value`.
    ///
    /// The rule is [`Parts::finish`]'s: a nested `connection` object is unwrapped when no
    /// modelled field is set; otherwise it, `code` and `message` are kept in `extra`, where
    /// `rest` already holds them.
    fn connection(self) -> Result<Connection, serde_json::Error> {
        /// A modelled field from its value (`Value::String` moves its `String`); absent is `None`.
        fn field<T: serde::de::DeserializeOwned>(
            value: Option<Value>,
        ) -> Result<Option<T>, serde_json::Error> {
            value.map_or(Ok(None), Deserialize::deserialize)
        }
        let InnerObject {
            id,
            name,
            display_name,
            strategy,
            mut rest,
        } = self;
        // In key order, as a `Value` object is read: the first bad field reported is the same.
        let display_name = field(display_name)?;
        let id = field(id)?;
        let name = field(name)?;
        let strategy = field(strategy)?;
        if id.is_none() && name.is_none() && display_name.is_none() && strategy.is_none() {
            if let Some(Value::Object(_)) = rest.get("connection") {
                // A nested envelope: rare, decoded from its value by the same rule.
                if let Some(nested) = rest.remove("connection") {
                    return Connection::deserialize(nested);
                }
            }
        }
        Ok(Connection {
            id,
            name,
            display_name,
            strategy,
            extra: rest,
        })
    }
}

impl<'de> Deserialize<'de> for Inner {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::SeqAccessDeserializer;
        struct InnerVisitor;
        impl<'de> serde::de::Visitor<'de> for InnerVisitor {
            type Value = Inner;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Inner, A::Error> {
                let mut object = InnerObject::default();
                while let Some(key) = map.next_key::<ConnectionKey>()? {
                    let value = map.next_value::<Value>()?;
                    match key {
                        ConnectionKey::Id => object.id = Some(value),
                        ConnectionKey::Name => object.name = Some(value),
                        ConnectionKey::DisplayName => object.display_name = Some(value),
                        ConnectionKey::Strategy => object.strategy = Some(value),
                        other => {
                            object.rest.insert(other.into_name(), value);
                        }
                    }
                }
                Ok(Inner::Object(object))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Inner, A::Error> {
                Value::deserialize(SeqAccessDeserializer::new(seq)).map(Inner::Other)
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Inner, E> {
                Ok(Inner::Other(Value::Bool(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Inner, E> {
                Ok(Inner::Other(Value::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Inner, E> {
                Ok(Inner::Other(Value::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Inner, E> {
                Ok(Inner::Other(Value::from(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Inner, E> {
                Ok(Inner::Other(Value::String(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Inner, E> {
                Ok(Inner::Other(Value::String(v)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Inner, E> {
                Ok(Inner::Other(Value::Null))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Inner, E> {
                Ok(Inner::Other(Value::Null))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Inner, D::Error> {
                Inner::deserialize(d)
            }
        }
        deserializer.deserialize_any(InnerVisitor)
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
                let mut parts = Parts::default();
                while let Some(key) = map.next_key::<ConnectionKey>()? {
                    match key {
                        ConnectionKey::Id => parts.out.id = map.next_value()?,
                        ConnectionKey::Name => parts.out.name = map.next_value()?,
                        ConnectionKey::DisplayName => parts.out.display_name = map.next_value()?,
                        ConnectionKey::Strategy => parts.out.strategy = map.next_value()?,
                        ConnectionKey::Connection => parts.inner = Some(map.next_value()?),
                        ConnectionKey::Code => parts.code = Some(map.next_value()?),
                        ConnectionKey::Message => parts.message = Some(map.next_value()?),
                        ConnectionKey::Other(k) => {
                            let v: Value = map.next_value()?;
                            parts.out.extra.insert(k, v);
                        }
                    }
                }
                if parts.code.is_none() && parts.message.is_none() && parts.inner.is_none() {
                    // The flat shape of a list item: nothing to unwrap or keep aside.
                    return Ok(parts.out);
                }
                parts.finish().map_err(serde::de::Error::custom)
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

    /// The rule as first written, on a `Value`: what the streaming decode must agree with.
    fn reference(v: &Value) -> Option<Connection> {
        let Value::Object(map) = v else { return None };
        let mut out = Connection::default();
        let mut inner = None;
        for (k, v) in map {
            match k.as_str() {
                "id" => out.id = serde_json::from_value(v.clone()).ok()?,
                "name" => out.name = serde_json::from_value(v.clone()).ok()?,
                "display_name" => out.display_name = serde_json::from_value(v.clone()).ok()?,
                "strategy" => out.strategy = serde_json::from_value(v.clone()).ok()?,
                "connection" => inner = Some(v.clone()),
                _ => {
                    out.extra.insert(k.clone(), v.clone());
                }
            }
        }
        let flat_absent = out.id.is_none()
            && out.name.is_none()
            && out.display_name.is_none()
            && out.strategy.is_none();
        match inner {
            Some(v @ Value::Object(_)) if flat_absent => reference(&v),
            Some(v) => {
                out.extra.insert("connection".to_owned(), v);
                Some(out)
            }
            None => Some(out),
        }
    }

    /// Connection texts of every shape the decode tells apart, valid or not.
    const CASES: &[&str] = &[
        r#"{"id":"c1","name":"n","display_name":"d","strategy":"oauth2:google","x":[1]}"#,
        r#"{"code":"OK","message":"Success","connection":{"id":"c1","strategy":"saml:custom","x":{"a":1}}}"#,
        r#"{"connection":{"code":"inner","id":"c1"},"message":"m"}"#,
        r#"{"id":"c1","connection":{"id":"c2"},"code":"OK"}"#,
        r#"{"code":"OK","connection":"not an object"}"#,
        r#"{"code":"OK","connection":null}"#,
        r#"{"code":"OK","connection":[1,2.5,"x",true,null,{"id":"c9"}]}"#,
        r#"{"code":"OK","connection":{"connection":{"id":"deep"},"message":"m"}}"#,
        r#"{"code":"OK","connection":{"connection":{"id":"deep"},"id":"mid"}}"#,
        r#"{"connection":{"id":"first","id":"second","name":null}}"#,
        r#"{"connection":{"id":5,"id":"fine"}}"#,
        r#"{"connection":{"id":5}}"#,
        r#"{"connection":{"strategy":"email:password","enabled_applications":[]}}"#,
        r#"{"connection":{}}"#,
        r#"{}"#,
        r#"{"id":null,"connection":{"id":"c1"}}"#,
        // Duplicates inside the inner object, of known and unknown keys: the last one wins.
        r#"{"code":"OK","message":"Success","connection":{"id":"a","x":1,"id":"b","x":2,"name":"n","name":null}}"#,
        r#"{"id":"c1","connection":{"id":"a","id":"b","x":null,"x":[1],"name":null},"code":"OK","message":null}"#,
        r#"{"connection":{"strategy":5,"strategy":"oauth2:github"}}"#,
        r#"{"connection":{"strategy":"oauth2:github","strategy":5}}"#,
        r#"{"connection":{"connection":{"id":"a"},"connection":{"id":"b"}}}"#,
        r#"{"connection":{"connection":{"id":"a"},"connection":"s"}}"#,
        r#"{"connection":{"connection":"s","connection":{"id":"b"}}}"#,
        r#"{"connection":{"code":"a","code":"b","message":1,"message":null}}"#,
        // Duplicates of the outer `connection` key.
        r#"{"connection":{"id":"x"},"connection":"later"}"#,
        r#"{"connection":"earlier","connection":{"id":"x"}}"#,
        r#"{"id":"flat","connection":{"id":"x"},"connection":{"y":1,"y":2}}"#,
        // The envelope's code and message inside the connection.
        r#"{"connection":{"code":"in","message":null,"id":"c"},"code":"OK"}"#,
        r#"{"connection":{"code":"in"}}"#,
        r#"{"code":"OK","connection":{"code":"OK","message":"m","connection":{"code":"OK","connection":{"id":"deepest"}}}}"#,
        r#"{"connection":{"id":"c","connection":5}}"#,
        r#"{"connection":{"id":null,"connection":{"id":"deep"}}}"#,
        // Nulls for every known field.
        r#"{"id":null,"name":null,"display_name":null,"strategy":null,"connection":{"id":"c1"}}"#,
        r#"{"connection":{"id":null,"name":null,"display_name":null,"strategy":null,"x":null}}"#,
        r#"{"code":null,"message":null,"connection":null}"#,
        // Wrong types, escapes, numbers, nesting, whitespace, not a connection at all.
        r#"{"connection":{"display_name":1,"id":2}}"#,
        r#"{"name":"flat","connection":{"id":"c","strategy":"nope:nope"}}"#,
        r#"{"connection":{"\u0069d":"esc","n\u0061me":"m","\u00e9":"\u00e9"}}"#,
        r#"{"connection":{"n":-1,"f":2.5,"u":18446744073709551615,"e":1e3}}"#,
        r#"{"connection":{"x":1e400}}"#,
        r#"{"connection":{"id":"a","enabled_applications":["x"],"options":{"k":{"deep":[null,{}]}}}}"#,
        r#" { "connection" : { "id" : "a" } , "id" : "b" } "#,
        r#"{"connection":{"id":"a",}}"#,
        r#"{"connection":{"id":"a"}"#,
        r#"[]"#,
        r#""str""#,
        r#"null"#,
    ];

    #[test]
    fn streaming_decode_follows_the_value_rule_for_every_shape() {
        for &text in CASES {
            let value: Value = serde_json::from_str(text).unwrap_or_default();
            let want = reference(&value);
            let streamed = serde_json::from_str::<Connection>(text).ok();
            let from_value = serde_json::from_value::<Connection>(value.clone()).ok();
            assert_eq!(streamed, want, "from_str {text}");
            assert_eq!(from_value, want, "from_value {text}");
        }
    }

    /// `{..}` as a map, for comparing `extra`.
    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn duplicate_keys_inside_the_envelope_last_wins() -> Result<(), serde_json::Error> {
        let got: Connection = serde_json::from_str(
            r#"{"code":"OK","message":"Success","connection":{"id":"first","name":"n","x":1,
                "id":"second","x":2,"name":null,"strategy":5,"strategy":"oauth2:google"}}"#,
        )?;
        assert_eq!(got.id(), Some("second"));
        assert_eq!(got.name, None, "a later null replaces an earlier name");
        assert_eq!(
            got.strategy,
            Some(Strategy::Google),
            "only the last strategy is decoded"
        );
        assert_eq!(got.extra, map(json!({"x": 2})));
        Ok(())
    }

    #[test]
    fn with_flat_fields_the_inner_connection_is_kept_as_sent() -> Result<(), serde_json::Error> {
        let inner = r#"{"id":"a","x":null,"id":"b","x":[1],"name":null,"code":"in",
                        "connection":{"id":"deep","id":"deeper"},"message":null}"#;
        let got: Connection = serde_json::from_str(&format!(
            r#"{{"id":"c1","connection":{inner},"code":"OK","message":null}}"#
        ))?;
        assert_eq!(got.id(), Some("c1"));
        let sent: Value = serde_json::from_str(inner)?;
        assert_eq!(
            sent,
            json!({"id": "b", "x": [1], "name": null, "code": "in",
                   "connection": {"id": "deeper"}, "message": null})
        );
        assert_eq!(
            got.extra,
            map(json!({"connection": sent, "code": "OK", "message": null}))
        );
        Ok(())
    }

    #[test]
    fn code_and_message_stay_in_extra_unless_the_envelope_is_unwrapped()
    -> Result<(), serde_json::Error> {
        // No connection to unwrap: the outer object is the connection.
        let outer: Connection = serde_json::from_str(r#"{"code":"OK","message":"m","id":"c"}"#)?;
        assert_eq!(outer.extra, map(json!({"code": "OK", "message": "m"})));
        // The inner object is the connection: its own code and message are kept, the
        // envelope's are not.
        let inner: Connection = serde_json::from_str(
            r#"{"code":"OK","message":"Success","connection":{"id":"c","code":"in","message":null}}"#,
        )?;
        assert_eq!(inner.id(), Some("c"));
        assert_eq!(inner.extra, map(json!({"code": "in", "message": null})));
        // An inner object with no field and nothing to unwrap keeps them too.
        let bare: Connection = serde_json::from_str(r#"{"code":"OK","connection":{"code":"in"}}"#)?;
        assert_eq!(
            bare,
            Connection {
                extra: map(json!({"code": "in"})),
                ..Connection::default()
            }
        );
        Ok(())
    }

    #[test]
    fn a_connection_that_is_not_an_object_is_kept_in_extra() -> Result<(), serde_json::Error> {
        for inner in [
            json!("text"),
            json!(null),
            json!([1, {"id": "c9"}]),
            json!(2.5),
        ] {
            let text = format!(r#"{{"code":"OK","connection":{inner}}}"#);
            let got: Connection = serde_json::from_str(&text)?;
            assert_eq!(got.id, None, "{text}");
            assert_eq!(
                got.extra,
                map(json!({"code": "OK", "connection": inner})),
                "{text}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_nested_envelope_is_unwrapped_only_without_flat_fields() -> Result<(), serde_json::Error> {
        let deep: Connection = serde_json::from_str(
            r#"{"code":"OK","connection":{"code":"OK","message":"m","connection":{"id":"deep","x":1}}}"#,
        )?;
        assert_eq!(deep.id(), Some("deep"));
        assert_eq!(deep.extra, map(json!({"x": 1})));
        let mid: Connection = serde_json::from_str(
            r#"{"code":"OK","connection":{"id":"mid","code":"c","connection":{"id":"deep"}}}"#,
        )?;
        assert_eq!(mid.id(), Some("mid"));
        assert_eq!(
            mid.extra,
            map(json!({"code": "c", "connection": {"id": "deep"}}))
        );
        Ok(())
    }

    #[test]
    fn null_known_fields_count_as_absent() -> Result<(), serde_json::Error> {
        // Null flat fields do not stop the envelope from being unwrapped…
        let got: Connection = serde_json::from_str(
            r#"{"id":null,"name":null,"display_name":null,"strategy":null,"connection":{"id":"c1"}}"#,
        )?;
        assert_eq!(
            got,
            Connection {
                id: Some("c1".to_owned()),
                ..Connection::default()
            }
        );
        // …and inside it they decode to `None`, other nulls are kept.
        let inner: Connection = serde_json::from_str(
            r#"{"connection":{"id":null,"name":null,"display_name":null,"strategy":null,"x":null}}"#,
        )?;
        assert_eq!(
            inner,
            Connection {
                extra: map(json!({"x": null})),
                ..Connection::default()
            }
        );
        Ok(())
    }
}
