//! Models of the Hook Key API (keys for inline hooks).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// The body of create / replace key (`KeyRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyRequest {
    /// Display name of the key (1..255 characters, unique in the org).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl KeyRequest {
    /// A request naming the key.
    pub fn new(name: impl Into<String>) -> Self {
        KeyRequest {
            name: Some(name.into()),
        }
    }
}

/// The public key of a hook key (`_embedded`; Okta's SDKs call it `Embedded`): a JWK.
///
/// Decoding accepts the bare JWK (what the spec declares) and the JWK wrapped in `{"_embedded": …}`
/// (what Okta's example for "retrieve a public key" shows).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "EmbeddedWire")]
#[non_exhaustive]
pub struct Embedded {
    /// Algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// RSA exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Key type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    /// RSA modulus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// Acceptable use (Okta sometimes sends the string `"null"`; kept as sent).
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// Further JWK members, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The public JWK of a hook key, by its role.
pub type PublicKey = Embedded;

impl Embedded {
    /// The key id (`kid`: the hook key's `keyId`).
    pub fn id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

#[derive(Deserialize)]
struct EmbeddedFields {
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    kty: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(rename = "use", default)]
    use_: Option<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EmbeddedWire {
    Wrapped {
        #[serde(rename = "_embedded")]
        embedded: EmbeddedFields,
    },
    Bare(EmbeddedFields),
}

impl From<EmbeddedWire> for Embedded {
    fn from(wire: EmbeddedWire) -> Self {
        let f = match wire {
            EmbeddedWire::Wrapped { embedded } => embedded,
            EmbeddedWire::Bare(f) => f,
        };
        Embedded {
            alg: f.alg,
            e: f.e,
            kid: f.kid,
            kty: f.kty,
            n: f.n,
            use_: f.use_,
            extra: f.extra,
        }
    }
}

/// `isUsed`: declared as a string with format boolean; Okta's examples send `"true"`/`"false"`,
/// Go's SDK expects a JSON bool. Both are accepted; it is written back as the declared string.
pub(crate) mod lenient_bool {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(true) => s.serialize_str("true"),
            Some(false) => s.serialize_str("false"),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<bool>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean or the string \"true\" / \"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Some(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v.trim() {
                    s if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
                    s if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
                    "" | "null" => Ok(None),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V)
    }
}

/// A hook key (`HookKey`, titled `HookKeyInstance`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HookKey {
    /// The key record id (use it for get / replace / delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The alias of the public key (use it for "get public key").
    #[serde(rename = "keyId", default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the key was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the key was updated (RFC 3339).
    #[serde(
        rename = "lastUpdated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated: Option<String>,
    /// Whether the key is in use (bool or `"true"`/`"false"` on the wire).
    #[serde(
        rename = "isUsed",
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_used: Option<bool>,
    /// The public key, when asked for with `expand=publickey` (not declared by the spec).
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Embedded>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A hook key with its public key (`DetailedHookKeyInstance`), returned by create and replace.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DetailedHookKeyInstance {
    /// The key record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The alias of the public key.
    #[serde(rename = "keyId", default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the key was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the key was updated (RFC 3339).
    #[serde(
        rename = "lastUpdated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated: Option<String>,
    /// Whether the key is in use (bool or `"true"`/`"false"` on the wire).
    #[serde(
        rename = "isUsed",
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_used: Option<bool>,
    /// The public key.
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Embedded>,
    /// Fields this version of the SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl HookKey {
    /// [`HookKey::created`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn created(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.created.as_deref())
    }

    /// [`HookKey::last_updated`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn last_updated(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.last_updated.as_deref())
    }

    /// The key record id (for get / replace / delete).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The alias of the public key (for [`GetPublicKey`](crate::ops::GetPublicKey)).
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }
}

impl DetailedHookKeyInstance {
    /// [`DetailedHookKeyInstance::created`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn created(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.created.as_deref())
    }

    /// [`DetailedHookKeyInstance::last_updated`] parsed (RFC 3339); `None` when absent or unparsable.
    pub fn last_updated(&self) -> Option<super::OffsetDateTime> {
        super::timestamp(self.last_updated.as_deref())
    }

    /// The key record id (for get / replace / delete).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The alias of the public key (for [`GetPublicKey`](crate::ops::GetPublicKey)).
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_used_accepts_bool_string_and_null() -> Result<(), serde_json::Error> {
        for (raw, want) in [
            (r#"{"isUsed":"true"}"#, Some(true)),
            (r#"{"isUsed":"false"}"#, Some(false)),
            (r#"{"isUsed":true}"#, Some(true)),
            (r#"{"isUsed":false}"#, Some(false)),
            (r#"{"isUsed":null}"#, None),
            (r#"{}"#, None),
        ] {
            let k: HookKey = serde_json::from_str(raw)?;
            assert_eq!(k.is_used, want, "{raw}");
        }
        assert!(serde_json::from_str::<HookKey>(r#"{"isUsed":"maybe"}"#).is_err());
        let k: HookKey = serde_json::from_str(r#"{"isUsed":true}"#)?;
        assert_eq!(serde_json::to_string(&k)?, r#"{"isUsed":"true"}"#);
        Ok(())
    }

    #[test]
    fn public_key_bare_or_wrapped() -> Result<(), serde_json::Error> {
        let bare: Embedded =
            serde_json::from_str(r#"{"kty":"RSA","kid":"k1","use":null,"e":"AQAB"}"#)?;
        let wrapped: Embedded = serde_json::from_str(
            r#"{"_embedded":{"kty":"RSA","kid":"k1","use":null,"e":"AQAB"}}"#,
        )?;
        assert_eq!(bare, wrapped);
        assert_eq!(bare.kid.as_deref(), Some("k1"));
        Ok(())
    }
}
