//! Operations: plain values describing one API call.

use std::fmt;

use bytes::Bytes;
use http::Method;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::urls::encode_segment_into;

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

/// The values of an operation's path parameters, in the order its [`Operation::PATH`] template
/// names them. Built from an array: `PathParams::from([self.app_id.as_str(), self.user_id.as_str()])`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathParams<'a> {
    values: [&'a str; PathParams::MAX],
    len: usize,
}

impl<'a> PathParams<'a> {
    /// The most parameters one path holds.
    pub const MAX: usize = 4;

    /// No path parameters.
    pub const fn none() -> Self {
        PathParams {
            values: [""; PathParams::MAX],
            len: 0,
        }
    }

    /// The values, in template order.
    pub fn as_slice(&self) -> &[&'a str] {
        &self.values[..self.len]
    }
}

impl<'a, const N: usize> From<[&'a str; N]> for PathParams<'a> {
    fn from(values: [&'a str; N]) -> Self {
        const { assert!(N <= PathParams::MAX, "too many path parameters") };
        let mut out = PathParams::none();
        out.values[..N].copy_from_slice(&values);
        out.len = N;
        out
    }
}

/// The query string of a request, in order. Unset optional parameters are left out with
/// [`Query::push_opt`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(&'static str, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `name=value`.
    pub fn push(&mut self, name: &'static str, value: impl fmt::Display) -> &mut Self {
        self.pairs.push((name, value.to_string()));
        self
    }

    /// Adds `name=value` when `value` is set.
    pub fn push_opt<V: fmt::Display>(&mut self, name: &'static str, value: Option<V>) -> &mut Self {
        if let Some(v) = value {
            self.push(name, v);
        }
        self
    }

    /// The pairs, in order (values not yet percent-encoded).
    pub fn pairs(&self) -> &[(&'static str, String)] {
        &self.pairs
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// One API call, as data: method and path template (declared once, as constants), path
/// parameters, query, body, validation and output type.
///
/// Provider crates implement it once per operation; users build operations as plain values
/// (`GetApplicationUser::new(app, user).expand("user")`), inspect them, keep them, and run them
/// with their client's `execute` / `items`. Everything below is available without a network:
///
/// - [`Operation::validate`] — the checks that run before anything is sent;
/// - [`Operation::path`] — the path with each parameter encoded as one segment;
/// - [`Operation::query_pairs`] — the query, in order;
/// - [`Operation::body`] — the body, serialized.
pub trait Operation: Send + Sync + fmt::Debug {
    /// The provider the operation belongs to.
    type Provider: Provider;
    /// What a success response decodes into. An empty body decodes as JSON `null`, so `()` fits
    /// operations that answer `204 No Content`.
    type Output: DeserializeOwned + Send + 'static;

    /// The spec's `operationId`, used in spans, errors and the coverage table.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The spec's path template below the base URL (`/api/v1/apps/{appId}/users`). Each `{name}`
    /// is filled, in order, from [`Operation::path_params`], encoded as one segment.
    const PATH: &'static str;

    /// The values of the template's `{…}` parameters, in order.
    fn path_params(&self) -> PathParams<'_> {
        PathParams::none()
    }

    /// Checks the operation before anything is sent (ranges, combinations, required values).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] with a message that says what to change.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// Adds the query parameters, in order; unset optional parameters are left out.
    fn query(&self, _query: &mut Query) {}

    /// The request body.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when the body cannot be serialized.
    fn body(&self) -> Result<Option<Body>> {
        Ok(None)
    }

    /// Whether sending the request twice has the same effect as once. Defaults to the method's
    /// semantics (GET, HEAD, PUT, DELETE, OPTIONS are idempotent).
    fn idempotent(&self) -> bool {
        let m = Self::METHOD;
        m == Method::GET
            || m == Method::HEAD
            || m == Method::PUT
            || m == Method::DELETE
            || m == Method::OPTIONS
    }

    /// Decodes a success body into the output. The default is [`crate::decode_json`]; an
    /// operation overrides it when the wire wraps the output (an envelope) or has several shapes.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Decode`].
    fn decode(body: &[u8]) -> Result<Self::Output>
    where
        Self: Sized,
    {
        crate::client::decode_json(body)
    }

    /// The path below the base URL: [`Operation::PATH`] with every parameter encoded by
    /// [`crate::encode_segment`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] for an empty or invalid path parameter.
    fn path(&self) -> Result<String> {
        render_path(Self::PATH, self.path_params().as_slice())
    }

    /// The query parameters, in order.
    fn query_pairs(&self) -> Query {
        let mut q = Query::new();
        self.query(&mut q);
        q
    }
}

/// Fills a path template's `{name}` placeholders, in order, each value encoded as one segment.
///
/// # Errors
/// [`crate::ErrorKind::InvalidInput`] for an empty or invalid value, or when the number of values
/// does not match the template.
pub fn render_path(template: &str, values: &[&str]) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut values = values.iter();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Error::invalid_input(format!("unbalanced path template {template}")))?;
        let name = &after[..close];
        let value = values
            .next()
            .ok_or_else(|| Error::invalid_input(format!("no value for path parameter `{name}`")))?;
        encode_segment_into(&mut out, name, value)?;
        rest = &after[close + 1..];
    }
    if values.next().is_some() {
        return Err(Error::invalid_input(format!(
            "more path values than the template {template} names"
        )));
    }
    out.push_str(rest);
    Ok(out)
}

/// One row of a provider's operation table: what the crate implements. Derived from the
/// operation types with [`OperationInfo::of`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperationInfo {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The spec's path template (`/api/v1/apps/{appId}/users`).
    pub path: &'static str,
}

impl OperationInfo {
    /// The row of operation `O`, from its constants.
    pub const fn of<O: Operation>() -> OperationInfo {
        OperationInfo {
            id: O::ID,
            method: O::METHOD,
            path: O::PATH,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_placeholders_in_order_and_encodes_each_as_one_segment() {
        let p = render_path("/api/v1/apps/{appId}/users/{userId}", &["a/b", "u 1"]);
        assert_eq!(p.ok().as_deref(), Some("/api/v1/apps/a%2Fb/users/u%201"));
        assert_eq!(render_path("/x", &[]).ok().as_deref(), Some("/x"));
    }

    #[test]
    fn render_refuses_a_count_mismatch_and_empty_values() {
        assert!(render_path("/a/{id}", &[]).is_err());
        assert!(render_path("/a", &["x"]).is_err());
        let empty = render_path("/a/{id}", &[""]);
        assert!(empty.is_err_and(|e| e.to_string().contains("id")));
    }

    #[test]
    fn query_push_opt_skips_unset_values() {
        let mut q = Query::new();
        q.push_opt("a", Some(1))
            .push_opt("b", None::<&str>)
            .push("c", "x");
        assert_eq!(q.pairs(), &[("a", "1".to_owned()), ("c", "x".to_owned())]);
    }
}
