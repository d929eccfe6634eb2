//! [`Nullable`]: a request field that may be left out, sent as an explicit `null`, or set.
//!
//! Where a provider's spec marks a field `nullable` and `null` means something (clear the value),
//! models use it: left out of a request ([`Nullable::Absent`], the default), sent as JSON `null`
//! ([`Nullable::Null`]), or sent with a value ([`Nullable::Value`]). A `null` the server sends
//! decodes as [`Nullable::Null`] and is sent back as `null`, so a GET → edit → PUT round trip
//! changes only what the caller changed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that may be absent, explicitly `null`, or set.
///
/// Use it with `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`: absent fields are
/// left out of the JSON, `Null` is written as `null`.
///
/// ```
/// use idp_core::Nullable;
///
/// #[derive(serde::Serialize)]
/// struct Patch {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     issuer_url: Nullable<String>,
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     client_id: Nullable<String>,
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     token_url: Nullable<String>,
/// }
/// # fn main() -> Result<(), serde_json::Error> {
/// let patch = Patch {
///     token_url: "https://oauth2.example.com/token".into(), // a value
///     issuer_url: Nullable::Null,                           // clear it on the server
///     client_id: Nullable::Absent,                          // not sent at all
/// };
/// let json = serde_json::to_value(&patch)?;
/// assert_eq!(json["token_url"], "https://oauth2.example.com/token");
/// assert!(json["issuer_url"].is_null());
/// assert!(json.get("client_id").is_none());
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
