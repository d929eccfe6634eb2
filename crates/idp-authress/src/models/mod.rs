//! Wire models of the Authress connections API (`application/links+json` bodies, camelCase keys).
//!
//! Fields the spec marks `nullable` are [`Nullable`]: a field can be left out of a request
//! ([`Nullable::Absent`], the default), sent as an explicit JSON `null` ([`Nullable::Null`], which
//! is how Authress is told to clear a value), or sent with a value ([`Nullable::Value`]). A `null`
//! the server sends decodes as [`Nullable::Null`] and is sent back as `null`, so a
//! GET → edit → PUT round trip changes only what you changed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod connections;

pub use connections::{
    CollectionLinks, Connection, ConnectionCollection, ConnectionConditions, ConnectionData,
    ConnectionDefaultConnectionProperties, ConnectionLinkingConfiguration,
    ConnectionTenantConfiguration, ConnectionType, ConnectionUserDataConfiguration, DataLocation,
    Link, LinkingType, Links, Pagination, PaginationNext, SupportedContentType,
    TenantAssignmentType, UserConnectionCredentials,
};

/// A field that may be absent, explicitly `null`, or set.
///
/// Use it with `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`: absent fields are
/// left out of the JSON, `Null` is written as `null`.
///
/// ```
/// use idp_authress::models::{Connection, Nullable};
///
/// # fn main() -> Result<(), serde_json::Error> {
/// let mut connection = Connection::default();
/// connection.token_url = "https://oauth2.example.com/token".into(); // a value
/// connection.issuer_url = Nullable::Null;                           // clear it on the server
/// let json = serde_json::to_value(&connection)?;
/// assert_eq!(json["tokenUrl"], "https://oauth2.example.com/token");
/// assert!(json["issuerUrl"].is_null());
/// assert!(json.get("clientId").is_none()); // Absent: not sent at all
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// Not present in the JSON (not sent).
    #[default]
    Absent,
    /// An explicit JSON `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True when the field is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value as mutable, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, consuming the field.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `Some(v)` becomes a value, `None` an explicit `null`.
    pub fn or_null(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T: fmt::Debug> fmt::Debug for Nullable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nullable::Absent => f.write_str("Absent"),
            Nullable::Null => f.write_str("Null"),
            Nullable::Value(v) => fmt::Debug::fmt(v, f),
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => serializer.serialize_some(v),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Nullable::or_null(Option::<T>::deserialize(deserializer)?))
    }
}
