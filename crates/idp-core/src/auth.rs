//! Authentication: what puts the `Authorization` header on a request.
//!
//! - [`StaticToken`]: a fixed header value such as Okta's `SSWS <token>` or a caller's `Bearer <token>`.
//! - [`CachedToken`]: a token obtained from a [`TokenSource`] (an OAuth grant, a locally signed JWT),
//!   cached, refreshed before it expires, single-flight (one fetch in flight however many tasks ask),
//!   refreshed once after a 401, and retried once after a 400 the source calls a challenge.
//!
//! Secrets are held as [`SecretString`] or as sensitive header values; no `Debug` output shows them.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
pub use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::retry::Clock;
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// Identifies which credential a request was sent with, so that a 401 invalidates that credential
/// and not a newer one another task already fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthStamp(pub u64);

/// A token endpoint answered 429 or 5xx: the endpoint is throttled or unavailable, not the
/// credentials wrong. Kept as the source of the error [`oauth::token_error`] returns, so that the
/// pipeline classifies it like an API response — the provider's retry hint, rate-limit state and
/// request id — and retries it under the retry policy.
#[derive(Debug, Clone)]
pub struct TokenEndpointResponse {
    /// The status (429 or 5xx).
    pub status: http::StatusCode,
    /// The response headers (for the provider's retry hint, rate limits and request id).
    pub headers: http::HeaderMap,
    /// The response body (parsed only by the provider's error-body rule; never displayed).
    pub body: Bytes,
}

impl fmt::Display for TokenEndpointResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the token endpoint answered {}", self.status)
    }
}

impl std::error::Error for TokenEndpointResponse {}

/// What the pipeline gives credentials: the transport (to fetch tokens), the clock and defaults.
pub struct AuthContext<'a> {
    transport: &'a dyn Transport,
    clock: &'a dyn Clock,
    timeout: Option<Duration>,
    user_agent: &'a HeaderValue,
}

impl fmt::Debug for AuthContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<'a> AuthContext<'a> {
    /// A context over a transport and clock.
    pub fn new(
        transport: &'a dyn Transport,
        clock: &'a dyn Clock,
        timeout: Option<Duration>,
        user_agent: &'a HeaderValue,
    ) -> Self {
        AuthContext {
            transport,
            clock,
            timeout,
            user_agent,
        }
    }

    /// The current time from the client's clock.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Sends a token request through the client's transport, with its timeout and `User-Agent`.
    ///
    /// # Errors
    /// [`ErrorKind::Transport`] (or [`ErrorKind::Timeout`]) when the request cannot be sent; the
    /// [`TransportError`] is the error's source.
    pub async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse> {
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.user_agent.clone());
        }
        let fut = self.transport.send(request);
        let res = match self.timeout {
            Some(t) => match tokio::time::timeout(t, fut).await {
                Ok(r) => r,
                Err(_) => Err(TransportError::Timeout),
            },
            None => fut.await,
        };
        // The transport error stays the source, so the pipeline can retry what sent nothing.
        res.map_err(|e| {
            let kind = if matches!(e, TransportError::Timeout) {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            };
            Error::new(kind, format!("the token request failed: {e}")).with_source(e)
        })
    }
}

/// Produces the authentication headers of a request.
#[async_trait]
pub trait Credentials: Send + Sync + fmt::Debug + 'static {
    /// Adds `Authorization` (and any other auth header) to `request`.
    ///
    /// # Errors
    /// [`ErrorKind::Auth`] when no credential can be had (a token request failed).
    async fn authorize(&self, request: &mut HttpRequest, cx: &AuthContext<'_>)
    -> Result<AuthStamp>;

    /// Called when the API answered 401 to a request authorized with `stamp`. Returns true when
    /// one more attempt may succeed (the credential was dropped and will be fetched again, or a
    /// challenge such as a DPoP nonce was recorded). The pipeline retries at most once per call.
    fn on_unauthorized(&self, _stamp: AuthStamp, _response: &HttpResponse) -> bool {
        false
    }

    /// Called when the API answered 400 to a request authorized with `stamp`. Some servers send
    /// authentication challenges with 400 instead of 401 (Okta answers a DPoP nonce challenge on
    /// an API call with `400` and a `WWW-Authenticate` challenge). Returns true when the response
    /// is such a challenge and it was recorded, so one more attempt may succeed. By default a 400
    /// is not a challenge. The pipeline retries at most once per call for a 400 challenge (and
    /// at most once for a 401), so a server that keeps challenging cannot make a call loop.
    fn on_challenge(&self, _stamp: AuthStamp, _response: &HttpResponse) -> bool {
        false
    }

    /// Sees every API response (for example to record a new DPoP nonce).
    fn on_response(&self, _response: &HttpResponse) {}
}

/// Sets a sensitive `Authorization: <scheme> <secret>` header.
///
/// # Errors
/// [`ErrorKind::InvalidInput`] when the secret holds characters not allowed in a header (for
/// example a newline); the message does not echo the secret.
pub fn authorization_value(scheme: &str, secret: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("{scheme} {secret}")).map_err(|_| {
        Error::invalid_input(format!(
            "the {scheme} credential contains characters that are not allowed in an HTTP header"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Checks an identifier the caller supplies (a client id, a key id): not empty, no control
/// characters. The message names `what` and never echoes the value.
///
/// # Errors
/// [`ErrorKind::InvalidInput`].
pub fn check_identifier(what: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(format!("{what} must not be empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{what} must not contain control characters (such as a line break)"
        )));
    }
    Ok(())
}

/// A fixed `Authorization` header: an API token (`SSWS …`) or a caller-supplied `Bearer` token.
#[derive(Clone)]
pub struct StaticToken {
    scheme: &'static str,
    value: HeaderValue,
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("scheme", &self.scheme)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl StaticToken {
    /// A static credential sent as `Authorization: <scheme> <token>`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] for an empty token or one with characters not allowed in a header.
    pub fn new(scheme: &'static str, token: &SecretString) -> Result<Self> {
        let secret = token.expose_secret().trim();
        if secret.is_empty() {
            return Err(Error::invalid_input(format!(
                "the {scheme} token must not be empty"
            )));
        }
        Ok(StaticToken {
            scheme,
            value: authorization_value(scheme, secret)?,
        })
    }

    /// A `Bearer` token.
    ///
    /// # Errors
    /// See [`StaticToken::new`].
    pub fn bearer(token: &SecretString) -> Result<Self> {
        StaticToken::new("Bearer", token)
    }
}

#[async_trait]
impl Credentials for StaticToken {
    async fn authorize(
        &self,
        request: &mut HttpRequest,
        _cx: &AuthContext<'_>,
    ) -> Result<AuthStamp> {
        request
            .headers_mut()
            .insert(AUTHORIZATION, self.value.clone());
        Ok(AuthStamp(0))
    }
}

/// No authentication at all (for public endpoints and tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

#[async_trait]
impl Credentials for NoAuth {
    async fn authorize(
        &self,
        _request: &mut HttpRequest,
        _cx: &AuthContext<'_>,
    ) -> Result<AuthStamp> {
        Ok(AuthStamp(0))
    }
}

/// An access token and when it expires.
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    token_type: String,
    expires_at: Option<SystemTime>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl AccessToken {
    /// A `Bearer` token expiring at `expires_at` (`None`: valid until the API answers 401).
    pub fn new(secret: SecretString, expires_at: Option<SystemTime>) -> Self {
        AccessToken {
            secret,
            token_type: "Bearer".to_owned(),
            expires_at,
        }
    }

    /// Sets the token type (`Bearer`, `DPoP`).
    #[must_use]
    pub fn with_token_type(mut self, token_type: impl Into<String>) -> Self {
        self.token_type = token_type.into();
        self
    }

    /// The secret token.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// The token type the server issued.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// When the token expires.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

/// What to do after a 401 to a request sent with a cached token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnUnauthorized {
    /// Drop the token and fetch a new one for the single retry.
    Refresh,
    /// Keep the token and retry once (a challenge was recorded, e.g. a DPoP nonce).
    Retry,
    /// Do not retry.
    GiveUp,
}

/// Obtains access tokens (an OAuth grant, a locally signed JWT…) for [`CachedToken`].
#[async_trait]
pub trait TokenSource: Send + Sync + fmt::Debug + 'static {
    /// Obtains a fresh token.
    ///
    /// # Errors
    /// [`ErrorKind::Auth`] naming the OAuth error, never the secret.
    async fn fetch(&self, cx: &AuthContext<'_>) -> Result<AccessToken>;

    /// Puts the token on a request; by default `Authorization: <token_type> <token>`. The context
    /// gives the client's clock (for proofs such as DPoP that carry a time).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] or [`ErrorKind::Auth`] when the header cannot be made.
    fn apply(
        &self,
        token: &AccessToken,
        request: &mut HttpRequest,
        _cx: &AuthContext<'_>,
    ) -> Result<()> {
        let value = authorization_value(token.token_type(), token.secret().expose_secret())?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// Decides what a 401 means; by default the token is refreshed.
    fn on_unauthorized(&self, _response: &HttpResponse) -> OnUnauthorized {
        OnUnauthorized::Refresh
    }

    /// Decides what a 400 means (see [`Credentials::on_challenge`]): [`OnUnauthorized::Retry`]
    /// for a challenge the source recorded (a DPoP nonce), [`OnUnauthorized::Refresh`] to drop
    /// the token first. By default a 400 is not a challenge ([`OnUnauthorized::GiveUp`]).
    fn on_challenge(&self, _response: &HttpResponse) -> OnUnauthorized {
        OnUnauthorized::GiveUp
    }

    /// Sees every API response.
    fn on_response(&self, _response: &HttpResponse) {}
}

struct Cached {
    token: AccessToken,
    obtained: SystemTime,
    stamp: AuthStamp,
}

/// Caches a [`TokenSource`]'s token: refreshed `refresh_before` ahead of expiry (at most half the
/// token's lifetime early), one fetch in flight at a time, dropped after a 401.
///
/// Callers that waited on a fetch that failed all get that fetch's error (and so the same retry
/// decision) instead of each sending a token request of its own: a throttled token endpoint is
/// asked once per round, however many calls are waiting.
pub struct CachedToken<S> {
    source: S,
    refresh_before: Duration,
    cached: Mutex<Option<Cached>>,
    fetch_lock: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    /// Fetches finished, and the error of the last one when it failed (with its number).
    flights: AtomicU64,
    failure: Mutex<Option<(u64, Error)>>,
}

impl<S: fmt::Debug> fmt::Debug for CachedToken<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("source", &self.source)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

/// Default early-refresh margin of [`CachedToken`].
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(60);

impl<S: TokenSource> CachedToken<S> {
    /// Caches tokens from `source`, refreshing them 60 s before they expire.
    pub fn new(source: S) -> Self {
        CachedToken {
            source,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            cached: Mutex::new(None),
            fetch_lock: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            flights: AtomicU64::new(0),
            failure: Mutex::new(None),
        }
    }

    /// Sets the early-refresh margin.
    #[must_use]
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// The token source.
    pub fn source(&self) -> &S {
        &self.source
    }

    fn fresh(&self, now: SystemTime) -> Option<(AccessToken, AuthStamp)> {
        let guard = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let cached = guard.as_ref()?;
        if let Some(exp) = cached.token.expires_at {
            let lifetime = exp
                .duration_since(cached.obtained)
                .unwrap_or(Duration::ZERO);
            let margin = self.refresh_before.min(lifetime / 2);
            if now.checked_add(margin).is_none_or(|t| t >= exp) {
                return None;
            }
        }
        Some((cached.token.clone(), cached.stamp))
    }

    /// A valid token, fetched if needed (single-flight).
    ///
    /// # Errors
    /// The source's error when a fetch fails.
    pub async fn token(&self, cx: &AuthContext<'_>) -> Result<(AccessToken, AuthStamp)> {
        if let Some(hit) = self.fresh(cx.now()) {
            return Ok(hit);
        }
        let seen = self.flights.load(Ordering::Acquire);
        let _flight = self.fetch_lock.lock().await;
        if let Some(hit) = self.fresh(cx.now()) {
            return Ok(hit);
        }
        // A fetch finished while this caller waited, and failed: share its outcome.
        {
            let failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((flight, err)) = failure.as_ref() {
                if *flight > seen {
                    return Err(err.duplicate());
                }
            }
        }
        let fetched = self.source.fetch(cx).await;
        let flight = self.flights.fetch_add(1, Ordering::AcqRel) + 1;
        let token = match fetched {
            Ok(token) => {
                *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = None;
                token
            }
            Err(err) => {
                *self.failure.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((flight, err.duplicate()));
                return Err(err);
            }
        };
        let stamp = AuthStamp(self.generation.fetch_add(1, Ordering::Relaxed) + 1);
        let mut guard = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        *guard = Some(Cached {
            token: token.clone(),
            obtained: cx.now(),
            stamp,
        });
        Ok((token, stamp))
    }
}

impl<S: TokenSource> CachedToken<S> {
    /// Carries out the source's answer to a 401 or a 400 challenge: `Refresh` drops the token
    /// the request was sent with (not a newer one another task fetched). True when a retry may
    /// succeed.
    fn follow(&self, stamp: AuthStamp, decision: OnUnauthorized) -> bool {
        match decision {
            OnUnauthorized::Refresh => {
                let mut guard = self.cached.lock().unwrap_or_else(|e| e.into_inner());
                if guard.as_ref().is_some_and(|c| c.stamp == stamp) {
                    *guard = None;
                }
                true
            }
            OnUnauthorized::Retry => true,
            OnUnauthorized::GiveUp => false,
        }
    }
}

#[async_trait]
impl<S: TokenSource> Credentials for CachedToken<S> {
    async fn authorize(
        &self,
        request: &mut HttpRequest,
        cx: &AuthContext<'_>,
    ) -> Result<AuthStamp> {
        let (token, stamp) = self.token(cx).await?;
        self.source.apply(&token, request, cx)?;
        Ok(stamp)
    }

    fn on_unauthorized(&self, stamp: AuthStamp, response: &HttpResponse) -> bool {
        self.follow(stamp, self.source.on_unauthorized(response))
    }

    fn on_challenge(&self, stamp: AuthStamp, response: &HttpResponse) -> bool {
        self.follow(stamp, self.source.on_challenge(response))
    }

    fn on_response(&self, response: &HttpResponse) {
        self.source.on_response(response);
    }
}

/// OAuth 2.0 helpers shared by the providers that use token endpoints.
pub mod oauth {
    use super::*;

    /// A form-encoded `POST` to a token endpoint.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when the URL is not a valid URI.
    pub fn token_request(url: &str, form: &[(&str, &str)]) -> Result<HttpRequest> {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            ser.append_pair(k, v);
        }
        http::Request::builder()
            .method(Method::POST)
            .uri(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::ACCEPT, "application/json")
            .body(Bytes::from(ser.finish()))
            .map_err(|_| Error::invalid_input("the token endpoint URL is not a valid URI"))
    }

    #[derive(Deserialize)]
    struct TokenBody {
        access_token: String,
        #[serde(default)]
        token_type: Option<String>,
        #[serde(default)]
        expires_in: Option<serde_json::Value>,
    }

    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        error: Option<String>,
        #[serde(default)]
        error_description: Option<String>,
    }

    /// The error of a failed token response. A 429 or 5xx (a throttled or unavailable endpoint)
    /// is an [`ErrorKind::Api`] error whose source is a [`TokenEndpointResponse`], which the
    /// pipeline retries with the provider's hints; any other status is [`ErrorKind::Auth`] with the
    /// OAuth `error` and `error_description`. The body is never echoed beyond those two fields.
    pub fn token_error(response: &HttpResponse) -> Error {
        let status = response.status();
        if status == http::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let failure = TokenEndpointResponse {
                status,
                headers: response.headers().clone(),
                body: response.body().clone(),
            };
            return Error::new(ErrorKind::Api, failure.to_string()).with_source(failure);
        }
        let parsed: Option<ErrorBody> = serde_json::from_slice(response.body()).ok();
        let (code, desc) = parsed
            .map(|b| (b.error, b.error_description))
            .unwrap_or((None, None));
        let mut msg = format!("the token endpoint answered {}", response.status());
        if let Some(code) = code {
            msg.push_str(&format!(": {code}"));
        }
        if let Some(desc) = desc {
            msg.push_str(&format!(" ({desc})"));
        }
        Error::auth(msg)
    }

    /// Reads a successful token response. The expiry is `expires_in` (seconds, number or string)
    /// when given, otherwise `None` (the caller may derive it from the token).
    ///
    /// # Errors
    /// [`ErrorKind::Auth`] for an error status (naming `error`/`error_description`) or a body
    /// without an `access_token`.
    pub fn parse_token_response(response: &HttpResponse, now: SystemTime) -> Result<AccessToken> {
        if !response.status().is_success() {
            return Err(token_error(response));
        }
        let body: TokenBody = serde_json::from_slice(response.body())
            .map_err(|_| Error::auth("the token endpoint answered without a valid access_token"))?;
        let expires_in = body.expires_in.and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let token = AccessToken::new(
            SecretString::from(body.access_token),
            // An absurd `expires_in` (past what `SystemTime` holds) means "no known expiry".
            expires_in.and_then(|s| now.checked_add(Duration::from_secs(s))),
        );
        Ok(match body.token_type {
            Some(t) if !t.is_empty() => token.with_token_type(t),
            _ => token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let secret = SecretString::from("s3cr3t-token-value");
        let st = StaticToken::new("SSWS", &secret).ok();
        assert!(!format!("{st:?}").contains("s3cr3t"));
        let at = AccessToken::new(secret, None);
        assert!(!format!("{at:?}").contains("s3cr3t"));
    }

    #[test]
    fn header_injection_is_refused_without_echo() {
        let secret = SecretString::from("abc\r\nX-Evil: 1");
        let err = StaticToken::new("SSWS", &secret).err();
        assert_eq!(err.as_ref().map(Error::kind), Some(ErrorKind::InvalidInput));
        assert!(
            !err.map(|e| e.to_string())
                .unwrap_or_default()
                .contains("Evil")
        );
        let empty = StaticToken::bearer(&SecretString::from("  ")).err();
        assert_eq!(empty.map(|e| e.kind()), Some(ErrorKind::InvalidInput));
    }

    #[test]
    fn token_error_names_oauth_error_but_not_the_rest() {
        let resp = http::Response::builder()
            .status(401)
            .body(Bytes::from_static(
                br#"{"error":"invalid_client","error_description":"bad client","client_secret":"leak"}"#,
            ))
            .unwrap_or_default();
        let err = oauth::parse_token_response(&resp, SystemTime::now()).err();
        let text = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::Auth));
        assert!(
            text.contains("invalid_client") && text.contains("bad client"),
            "{text}"
        );
        assert!(!text.contains("leak"));
    }

    #[test]
    fn an_absurd_expires_in_is_no_expiry_not_a_panic() {
        let resp = http::Response::builder()
            .status(200)
            .body(Bytes::from_static(
                br#"{"access_token":"t","expires_in":18446744073709551615}"#,
            ))
            .unwrap_or_default();
        let tok = oauth::parse_token_response(&resp, SystemTime::now()).ok();
        assert_eq!(tok.map(|t| t.expires_at()), Some(None));
    }

    #[test]
    fn token_response_expiry_from_expires_in() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let resp = http::Response::builder()
            .status(200)
            .body(Bytes::from_static(
                br#"{"access_token":"t","token_type":"DPoP","expires_in":"3600"}"#,
            ))
            .unwrap_or_default();
        let tok = oauth::parse_token_response(&resp, now).ok();
        assert_eq!(
            tok.as_ref().and_then(AccessToken::expires_at),
            Some(now + Duration::from_secs(3600))
        );
        assert_eq!(tok.as_ref().map(AccessToken::token_type), Some("DPoP"));
    }
}
