//! Open enums: known values as variants, anything else kept as an opaque [`UnknownValue`] that
//! round-trips unchanged.

use std::fmt;

/// A value the SDK does not know yet, kept exactly as the server sent it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Wraps a raw value.
    pub fn new(raw: impl Into<String>) -> Self {
        UnknownValue(raw.into())
    }

    /// The raw value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Declares an open string enum: `#[non_exhaustive]`, serde through strings, an `Unknown`
/// variant that keeps any other value and serializes it back unchanged.
///
/// ```
/// idp_core::open_enum! {
///     /// The status of a thing.
///     pub enum Status {
///         /// Active.
///         Active = "ACTIVE",
///         /// Inactive.
///         Inactive = "INACTIVE",
///     }
/// }
/// let s: Status = serde_json::from_str("\"PENDING\"")?;
/// assert_eq!(s.as_str(), "PENDING");
/// assert_eq!(serde_json::to_string(&s)?, "\"PENDING\"");
/// assert_eq!(Status::from("ACTIVE"), Status::Active);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know; kept as sent.
            Unknown($crate::UnknownValue),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Unknown(v) => v.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $value => $name::$variant, )*
                    other => $name::Unknown($crate::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(s: ::std::string::String) -> Self {
                $name::from(s.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::deserialize_open_enum(d)
            }
        }
    };
}

/// Decodes an open enum from a string without allocating for a known value: the text is matched
/// where the deserializer has it (serde's `Cow<str>` would always copy it into a `String` first).
#[doc(hidden)]
pub fn deserialize_open_enum<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct Text<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for Text<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    d.deserialize_str(Text(std::marker::PhantomData))
}
