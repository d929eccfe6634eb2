//! Operations: plain values describing one API call.

use std::fmt;

use bytes::Bytes;
use http::Method;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::provider::Provider;

/// A request body with its content type.
#[derive(Clone, PartialEq, Eq)]
pub struct Body {
    content_type: &'static str,
    bytes: Bytes,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold secrets (a provisioning token, an admin password): only their size shows.
        f.debug_struct("Body")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Body {
    /// A JSON body (`application/json`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] if the value cannot be serialized.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::invalid_input(format!("the request body cannot be serialized: {e}"))
        })?;
        Ok(Body {
            content_type: "application/json",
            bytes: Bytes::from(bytes),
        })
    }

    /// A body of raw bytes with a content type.
    pub fn raw(content_type: &'static str, bytes: impl Into<Bytes>) -> Body {
        Body {
            content_type,
            bytes: bytes.into(),
        }
    }

    /// The content type.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

/// One API call, as data: method, path (with encoded segments), query, body and output type.
///
/// Provider crates implement it once per operation; the client executes it.
pub trait Operation: Send + Sync + fmt::Debug {
    /// The provider the operation belongs to.
    type Provider: Provider;
    /// What a success response decodes into. An empty body decodes as JSON `null`, so `()` fits
    /// operations that answer `204 No Content`.
    type Output: DeserializeOwned + Send + 'static;

    /// The spec's `operationId`, used in spans, errors and the coverage table.
    const ID: &'static str;

    /// The HTTP method.
    fn method(&self) -> Method;

    /// The path below the base URL, starting with `/`, with every parameter encoded by
    /// [`crate::encode_segment`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] for an empty or invalid path parameter.
    fn path(&self) -> Result<String>;

    /// Query parameters, in order. Unset optional parameters are left out.
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The request body.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when the body is invalid.
    fn body(&self) -> Result<Option<Body>> {
        Ok(None)
    }

    /// Whether sending the request twice has the same effect as once. Defaults to the method's
    /// semantics (GET, HEAD, PUT, DELETE, OPTIONS are idempotent).
    fn idempotent(&self) -> bool {
        let m = self.method();
        m == Method::GET
            || m == Method::HEAD
            || m == Method::PUT
            || m == Method::DELETE
            || m == Method::OPTIONS
    }
}

/// One row of a provider's operation table: what the crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationInfo {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The spec's path template (`/api/v1/apps/{appId}/users`).
    pub path: &'static str,
}
