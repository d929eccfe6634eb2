//! The one error type of the workspace.
//!
//! [`Error`] is opaque: inspect it through [`Error::kind`] and the accessors. Its `Display` names the
//! operation, the HTTP status, the provider's error code and message and the request id, and never a
//! secret or a whole response body.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::ratelimit::RateLimit;

/// A `Result` whose error is the workspace [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, broadly. Match on it with a wildcard arm: new kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's input was refused before any request was sent (empty id, bad URL, bad key…).
    InvalidInput,
    /// Credentials were missing, malformed or refused (a token request failed, or the API answered 401).
    Auth,
    /// The request could not be sent or its response could not be read (connection refused, reset…).
    Transport,
    /// The request or the connection timed out.
    Timeout,
    /// The API answered with an error status.
    Api,
    /// The API answered with a success status but a body that does not decode into the expected type.
    Decode,
    /// The server broke the protocol: a repeated pagination cursor, a next link to another origin,
    /// a response over the size cap, a redirect.
    InvalidResponse,
    /// A retryable failure persisted through every attempt the retry policy allows.
    RetriesExhausted,
    /// The call's total deadline (every attempt and wait together) passed; distinct from
    /// [`ErrorKind::Timeout`], which is one attempt's own timeout.
    DeadlineExceeded,
}

impl ErrorKind {
    fn label(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Api => "API error",
            ErrorKind::Decode => "could not decode the response",
            ErrorKind::InvalidResponse => "invalid response",
            ErrorKind::RetriesExhausted => "retries exhausted",
            ErrorKind::DeadlineExceeded => "deadline exceeded",
        }
    }
}

/// What a provider's error body said, as parsed by the provider crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The provider's error code (Okta `errorCode`, Kinde `errors[].code`, Authress `errorCode`).
    pub code: Option<String>,
    /// The provider's human message (Okta `errorSummary`, Kinde `errors[].message`, Authress `title`).
    pub message: Option<String>,
    /// Further causes (Okta `errorCauses[].errorSummary`, further Kinde errors).
    pub causes: Vec<String>,
    /// The provider's id for this error instance (Okta `errorId`).
    pub error_id: Option<String>,
}

impl ErrorBody {
    /// An error body with a code and a message.
    pub fn new(code: Option<String>, message: Option<String>) -> Self {
        ErrorBody {
            code,
            message,
            causes: Vec::new(),
            error_id: None,
        }
    }

    /// Sets the causes.
    #[must_use]
    pub fn with_causes(mut self, causes: Vec<String>) -> Self {
        self.causes = causes;
        self
    }

    /// Sets the provider's error instance id.
    #[must_use]
    pub fn with_error_id(mut self, error_id: Option<String>) -> Self {
        self.error_id = error_id;
        self
    }
}

/// An error response from the API: status, the provider's code and message, request id,
/// rate-limit state and the raw body.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What the provider's error body said.
    pub body: ErrorBody,
    /// The request id the provider assigned (each provider names its own header).
    pub request_id: Option<String>,
    /// Rate-limit headers of the response, if the provider sends them.
    pub rate_limit: Option<RateLimit>,
    /// How long the server asked the client to wait before retrying.
    pub retry_after: Option<Duration>,
    /// The raw response body (possibly not JSON).
    pub raw_body: Bytes,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The raw body is summarized by its length: error bodies may echo request data.
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("request_id", &self.request_id)
            .field("rate_limit", &self.rate_limit)
            .field("retry_after", &self.retry_after)
            .field("raw_body_len", &self.raw_body.len())
            .finish()
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    message: String,
    api: Option<ApiError>,
    attempts: u32,
    source: Option<Source>,
}

/// The error of every idp operation.
///
/// ```
/// use idp_core::{Error, ErrorKind};
/// let err = Error::invalid_input("appId must not be empty").with_operation("listApplicationUsers");
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("listApplicationUsers"));
/// ```
pub struct Error(Box<Inner>);

impl Error {
    /// A new error of `kind` with a message. The message must not contain secrets.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            operation: None,
            message: message.into(),
            api: None,
            attempts: 0,
            source: None,
        }))
    }

    /// An [`ErrorKind::InvalidInput`] error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// An [`ErrorKind::Auth`] error.
    pub fn auth(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Auth, message)
    }

    /// An [`ErrorKind::Decode`] error.
    pub fn decode(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Decode, message)
    }

    /// An [`ErrorKind::InvalidResponse`] error.
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidResponse, message)
    }

    /// An error built from an API error response.
    pub fn api(kind: ErrorKind, api: ApiError) -> Self {
        let mut err = Error::new(kind, String::new());
        err.0.api = Some(api);
        err
    }

    /// Names the operation the error belongs to (kept if already set).
    #[must_use]
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        if self.0.operation.is_none() {
            self.0.operation = Some(operation);
        }
        self
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Records how many attempts were made.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    /// Changes the kind (used when a retryable failure becomes [`ErrorKind::RetriesExhausted`]).
    #[must_use]
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The id of the operation that failed (the spec's `operationId`), when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.operation
    }

    /// The error's message, without operation or status.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The API error response, when the server answered with an error status
    /// (also kept on [`ErrorKind::RetriesExhausted`] and [`ErrorKind::Auth`] errors).
    pub fn api_error(&self) -> Option<&ApiError> {
        self.0.api.as_ref()
    }

    /// The raw body of the error response (which may not be JSON), if any.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.0.api.as_ref().map(|api| api.raw_body.as_ref())
    }

    /// The HTTP status of the error response, if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.api.as_ref().map(|api| api.status)
    }

    /// The provider's error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.0.api.as_ref().and_then(|api| api.body.code.as_deref())
    }

    /// The provider's error message, if any.
    pub fn provider_message(&self) -> Option<&str> {
        self.0
            .api
            .as_ref()
            .and_then(|api| api.body.message.as_deref())
    }

    /// The request id of the failed response, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.0
            .api
            .as_ref()
            .and_then(|api| api.request_id.as_deref())
    }

    /// The rate-limit state of the failed response, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.0.api.as_ref().and_then(|api| api.rate_limit.as_ref())
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.api.as_ref().and_then(|api| api.retry_after)
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// True for a 404 response.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// True for a 401 response.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// True for a 403 response.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// True for a 409 response.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// True for a 429 response.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// True for a timeout: one attempt's own timeout, or the call's total deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.0.kind,
            ErrorKind::Timeout | ErrorKind::DeadlineExceeded
        )
    }

    /// True when the call's total deadline passed ([`ErrorKind::DeadlineExceeded`]).
    pub fn is_deadline_exceeded(&self) -> bool {
        self.0.kind == ErrorKind::DeadlineExceeded
    }

    /// Replaces the message (kept free of secrets by the caller).
    #[must_use]
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.0.message = message.into();
        self
    }

    /// A copy for another waiter on the same outcome (one token refresh shared by many calls).
    /// The sources the pipeline classifies ([`crate::TransportError`] and
    /// [`crate::auth::TokenEndpointResponse`]) are copied; any other source is dropped.
    pub(crate) fn duplicate(&self) -> Error {
        let source: Option<Source> = self.0.source.as_ref().and_then(|s| {
            if let Some(t) = s.downcast_ref::<crate::transport::TransportError>() {
                Some(Box::new(t.clone()) as Source)
            } else {
                s.downcast_ref::<crate::auth::TokenEndpointResponse>()
                    .map(|r| Box::new(r.clone()) as Source)
            }
        });
        Error(Box::new(Inner {
            kind: self.0.kind,
            operation: self.0.operation,
            message: self.0.message.clone(),
            api: self.0.api.clone(),
            attempts: self.0.attempts,
            source,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.0.operation {
            write!(f, "{op}: ")?;
        }
        write!(f, "{}", self.0.kind.label())?;
        if let Some(api) = &self.0.api {
            write!(f, ": {}", api.status)?;
            match (&api.body.code, &api.body.message) {
                (Some(code), Some(msg)) => write!(f, " ({code}: {msg})")?,
                (Some(code), None) => write!(f, " ({code})")?,
                (None, Some(msg)) => write!(f, " ({msg})")?,
                (None, None) => {}
            }
            if !api.body.causes.is_empty() {
                write!(f, " causes: [{}]", api.body.causes.join("; "))?;
            }
        }
        if !self.0.message.is_empty() {
            write!(f, ": {}", self.0.message)?;
        }
        if self.0.attempts > 1 {
            write!(f, " after {} attempts", self.0.attempts)?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request-id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("operation", &self.0.operation)
            .field("message", &self.0.message)
            .field("api", &self.0.api)
            .field("attempts", &self.0.attempts)
            .field("source", &self.0.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            body: ErrorBody::new(
                Some("E0000007".into()),
                Some("Not found: Resource not found".into()),
            ),
            request_id: Some("req-1".into()),
            rate_limit: None,
            retry_after: None,
            raw_body: Bytes::from_static(b"{\"secret\":\"do-not-print\"}"),
        }
    }

    #[test]
    fn display_names_operation_status_code_message_and_request_id() {
        let err = Error::api(ErrorKind::Api, api(404)).with_operation("getApplicationUser");
        let text = err.to_string();
        assert_eq!(
            text,
            "getApplicationUser: API error: 404 Not Found (E0000007: Not found: Resource not found) [request-id req-1]"
        );
        assert!(err.is_not_found());
        assert_eq!(err.code(), Some("E0000007"));
    }

    #[test]
    fn debug_and_display_never_print_the_raw_body() {
        let err = Error::api(ErrorKind::Api, api(400));
        assert!(!format!("{err:?}").contains("do-not-print"));
        assert!(!err.to_string().contains("do-not-print"));
    }

    #[test]
    fn first_operation_name_wins() {
        let err = Error::invalid_input("x")
            .with_operation("a")
            .with_operation("b");
        assert_eq!(err.operation(), Some("a"));
    }
}
