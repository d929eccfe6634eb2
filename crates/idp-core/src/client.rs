//! The client and the one request pipeline: build → authenticate → send → classify → retry → decode.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{AuthContext, Credentials, NoAuth, TokenEndpointResponse};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::operation::Operation;
use crate::provider::Provider;
use crate::ratelimit::RateLimit;
use crate::retry::{
    Clock, Outcome, RetryDecision, RetryHint, RetryPolicy, Sleeper, SystemClock, TokioSleeper,
};
use crate::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, HttpRequest, HttpResponse,
    ReqwestTransport, Transport, TransportError,
};
use crate::urls::BaseUrl;

/// Default per-request timeout (the whole exchange, body included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a success response carried besides its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The provider's request id.
    pub request_id: Option<String>,
    /// The provider's rate-limit state.
    pub rate_limit: Option<RateLimit>,
}

/// A decoded value with the response's metadata.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// Status, headers, request id and rate limits.
    pub meta: ResponseMeta,
}

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Overrides the client's per-request timeout.
    pub timeout: Option<Duration>,
    /// Overrides the client's retry policy.
    pub retry: Option<RetryPolicy>,
    /// Overrides the client's total deadline: every attempt and every wait of the call together.
    pub deadline: Option<Duration>,
    /// A DELETE that is retried after an attempt that may have reached the server (a timeout, a
    /// broken connection, a 5xx) reports success when the retry finds nothing (404): the earlier
    /// attempt most likely did the work. Off by default: a 404 is then an error, as the API says.
    pub idempotent_ok: bool,
}

struct Inner {
    base_url: BaseUrl,
    transport: Arc<dyn Transport>,
    credentials: Arc<dyn Credentials>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    user_agent: HeaderValue,
    sleeper: Arc<dyn Sleeper>,
    clock: Arc<dyn Clock>,
}

/// A client for one provider: base URL, transport, credentials, retry policy, timeouts.
/// Cheap to clone (an `Arc` inside); share one per process or per tenant.
pub struct Client<P> {
    inner: Arc<Inner>,
    _provider: PhantomData<fn() -> P>,
}

impl<P> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
            _provider: PhantomData,
        }
    }
}

impl<P: Provider> fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &P::NAME)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Provider crates wrap it with their own auth options.
pub struct ClientBuilder<P> {
    base_url: Option<String>,
    credentials: Option<Arc<dyn Credentials>>,
    transport: Option<Arc<dyn Transport>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    connect_timeout: Duration,
    max_response_bytes: usize,
    user_agent_suffix: Option<String>,
    token_refresh_before: Option<Duration>,
    sleeper: Arc<dyn Sleeper>,
    clock: Arc<dyn Clock>,
    _provider: PhantomData<fn() -> P>,
}

impl<P: Provider> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &P::NAME)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<P: Provider> Default for ClientBuilder<P> {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            credentials: None,
            transport: None,
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_TIMEOUT),
            deadline: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent_suffix: None,
            token_refresh_before: None,
            sleeper: Arc::new(TokioSleeper),
            clock: Arc::new(SystemClock),
            _provider: PhantomData,
        }
    }
}

impl<P: Provider> ClientBuilder<P> {
    /// A builder with the defaults: reqwest transport, default retry policy, 30 s timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API base URL (normalized by [`BaseUrl::parse`] at `build`).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: Arc<dyn Credentials>) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// A custom transport (the default is [`ReqwestTransport`]).
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The per-request timeout (`None` for no timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The total deadline of every call: all attempts, token requests and retry waits together
    /// (`None`, the default, for no bound beyond the retry policy). Distinct from the per-attempt
    /// [`ClientBuilder::timeout`]; the error says which one expired.
    #[must_use]
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The connect timeout of the default transport.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The response size cap of the default transport.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Text appended to the `User-Agent` (your application's name and version).
    #[must_use]
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// How long before expiry a cached token is refreshed, for providers whose credentials cache
    /// tokens (the provider's default otherwise). Read back with
    /// [`ClientBuilder::token_refresh_setting`].
    #[must_use]
    pub fn token_refresh_before(mut self, before: Duration) -> Self {
        self.token_refresh_before = Some(before);
        self
    }

    /// The refresh margin set with [`ClientBuilder::token_refresh_before`], if any.
    pub fn token_refresh_setting(&self) -> Option<Duration> {
        self.token_refresh_before
    }

    /// Whether credentials were set with [`ClientBuilder::credentials`] (provider builders then
    /// keep them instead of building their own).
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// The sleeper used between retries (tests inject one that records instead of waiting).
    #[must_use]
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// The clock used for token expiry and rate-limit resets.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] for a missing or invalid base URL or user-agent suffix;
    /// [`ErrorKind::Transport`] when the default transport cannot be built.
    pub fn build(self) -> Result<Client<P>> {
        let raw = self
            .base_url
            .ok_or_else(|| Error::invalid_input(format!("{}: a base URL is required", P::NAME)))?;
        let base_url = BaseUrl::parse(&raw)?;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => Arc::new(ReqwestTransport::with_options(
                self.connect_timeout,
                self.max_response_bytes,
            )?),
        };
        let mut ua = format!("{} rust/{}", P::USER_AGENT, env!("IDP_RUSTC_VERSION"));
        if let Some(suffix) = self.user_agent_suffix.filter(|s| !s.trim().is_empty()) {
            ua.push(' ');
            ua.push_str(suffix.trim());
        }
        let user_agent = HeaderValue::try_from(ua).map_err(|_| {
            Error::invalid_input(
                "the user-agent suffix contains characters not allowed in a header",
            )
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                transport,
                credentials: self.credentials.unwrap_or_else(|| Arc::new(NoAuth)),
                retry: self.retry,
                timeout: self.timeout,
                deadline: self.deadline,
                user_agent,
                sleeper: self.sleeper,
                clock: self.clock,
            }),
            _provider: PhantomData,
        })
    }
}

/// The parts of a request that are rebuilt for every attempt.
struct Prepared {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Prepared {
    fn request(&self) -> HttpRequest {
        let mut req = http::Request::new(self.body.clone());
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.uri.clone();
        *req.headers_mut() = self.headers.clone();
        req
    }
}

/// What one response means for the call.
enum Classified {
    Success(ResponseMeta, Bytes),
    RetryWithFreshCredentials,
    Failure(StatusCode, ApiError),
}

/// The state of one call's attempts, and the one place a retry decision is settled.
struct Attempts<'a> {
    policy: &'a RetryPolicy,
    sleeper: &'a dyn Sleeper,
    clock: &'a dyn Clock,
    span: tracing::Span,
    /// The total deadline, and the time it passes.
    deadline: Option<(Duration, SystemTime)>,
    retries: u32,
    attempts: u32,
    auth_retried: bool,
    /// An earlier attempt may have reached the server and been applied (timeout, reset, 5xx).
    may_have_applied: bool,
    first_request_id: Option<String>,
}

impl Attempts<'_> {
    /// Counts a new attempt and builds its request (with the provider's retry headers on retries).
    fn begin<P: Provider>(&mut self, prepared: &Prepared) -> HttpRequest {
        self.attempts += 1;
        self.span.record("attempts", self.attempts);
        let mut request = prepared.request();
        if self.retries > 0 {
            P::retry_headers(
                request.headers_mut(),
                self.first_request_id.as_deref(),
                self.retries,
            );
        }
        request
    }

    fn decide(
        &self,
        outcome: Outcome<'_>,
        hint: Option<Duration>,
        idempotent: bool,
    ) -> RetryDecision {
        self.policy
            .decide(self.retries, idempotent, outcome, hint, fastrand::f64())
    }

    /// The time left before the deadline (`None` without a deadline).
    fn remaining(&self) -> Option<Duration> {
        let (_, at) = self.deadline?;
        Some(
            at.duration_since(self.clock.now())
                .unwrap_or(Duration::ZERO),
        )
    }

    /// The error for a deadline that passed, naming it.
    fn deadline_error(&self, cause: Option<&Error>) -> Error {
        let total = self.deadline.map_or(Duration::ZERO, |(d, _)| d);
        let mut msg = format!("the call's deadline of {total:?} passed");
        if let Some(cause) = cause {
            msg.push_str(&format!(" (last failure: {cause})"));
        }
        Error::new(ErrorKind::DeadlineExceeded, msg).with_attempts(self.attempts)
    }

    /// This attempt's timeout: the per-attempt timeout, cut to what is left of the deadline.
    fn attempt_timeout(&self, timeout: Option<Duration>) -> Result<Option<Duration>> {
        match self.remaining() {
            None => Ok(timeout),
            Some(left) if left.is_zero() => Err(self.deadline_error(None)),
            Some(left) => Ok(Some(timeout.map_or(left, |t| t.min(left)))),
        }
    }

    /// A timeout that happened because the deadline cut the attempt short is the deadline's.
    fn expired_during(&self, error: Error) -> Error {
        if error.kind() == ErrorKind::Timeout && self.remaining().is_some_and(|d| d.is_zero()) {
            self.deadline_error(None)
        } else {
            error
        }
    }

    /// Waits and returns `Ok` when the decision is to retry; otherwise returns the final error
    /// (`RetriesExhausted` once a retry has been made and none is left; `DeadlineExceeded` when
    /// the wait would end past the deadline).
    async fn settle(&mut self, decision: RetryDecision, error: Error) -> Result<()> {
        if error.kind() == ErrorKind::DeadlineExceeded {
            return Err(error);
        }
        match decision {
            RetryDecision::RetryAfter(delay)
                if self.remaining().is_some_and(|left| delay >= left) =>
            {
                Err(self.deadline_error(Some(&error)))
            }
            RetryDecision::RetryAfter(delay) => {
                tracing::debug!(
                    attempt = self.attempts,
                    delay_ms = delay.as_millis() as u64,
                    error = %error,
                    "retrying"
                );
                self.sleeper.sleep(delay).await;
                self.retries += 1;
                Ok(())
            }
            RetryDecision::Exhausted if self.retries > 0 => Err(error
                .with_attempts(self.attempts)
                .with_kind(ErrorKind::RetriesExhausted)),
            _ => Err(error.with_attempts(self.attempts)),
        }
    }
}

fn transport_error(err: TransportError) -> Error {
    let kind = match err {
        TransportError::Timeout => ErrorKind::Timeout,
        TransportError::BodyTooLarge { .. } | TransportError::Redirect { .. } => {
            ErrorKind::InvalidResponse
        }
        _ => ErrorKind::Transport,
    };
    Error::new(kind, err.to_string()).with_source(err)
}

/// Decodes a JSON body into `T`; an empty body decodes as `null`. When `T` is `()` (an operation
/// whose success has no content, such as a delete) any body is accepted and ignored: a server that
/// answers a `204` operation with `200 {}` has still done the work. The error names the type and
/// the JSON path, and is truncated so it cannot carry a whole body.
///
/// # Errors
/// [`ErrorKind::Decode`].
pub fn decode_json<T: DeserializeOwned + 'static>(body: &[u8]) -> Result<T> {
    let ignore = std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>();
    let body: &[u8] = if ignore || body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // Fast path: plain serde_json. Only a failure is decoded again, with path tracking, to say where.
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => Err(decode_error::<T>(&e.path().to_string(), e.inner())),
                Ok(_) => Err(decode_error::<T>(".", &plain)),
            }
        }
    }
}

/// Cuts server-controlled text to at most `max` bytes, on a character boundary.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let cut = (0..=max)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}…", &text[..cut])
}

fn decode_error<T>(path: &str, err: &serde_json::Error) -> Error {
    Error::decode(format!(
        "the response does not match {} (at `{}`: {})",
        std::any::type_name::<T>(),
        clip(path, 120),
        clip(&err.to_string(), 200)
    ))
}

impl<P: Provider> Client<P> {
    /// A builder.
    pub fn builder() -> ClientBuilder<P> {
        ClientBuilder::new()
    }

    /// The normalized base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The client's retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The client's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Wraps an operation into a [`Call`] with per-call options.
    pub fn call<O: Operation<Provider = P>>(&self, op: O) -> Call<P, O> {
        Call {
            client: self.clone(),
            op,
            options: CallOptions::default(),
        }
    }

    /// Executes an operation and decodes its output.
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn execute<O: Operation<Provider = P>>(&self, op: &O) -> Result<O::Output> {
        self.execute_with(op, &CallOptions::default())
            .await
            .map(|r| r.value)
    }

    /// Executes an operation with per-call options and returns the output with response metadata.
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn execute_with<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<Response<O::Output>> {
        let (meta, body) = self.send_operation(op, options).await?;
        let value = O::decode(&body).map_err(|e| e.with_operation(O::ID))?;
        Ok(Response { value, meta })
    }

    fn prepare<O: Operation<Provider = P>>(&self, op: &O) -> Result<Prepared> {
        op.validate()?;
        let path = op.path()?;
        let query = op.query_pairs();
        let body = op.body()?;
        let uri_text = self.inner.base_url.join(&path, query.pairs());
        let uri = Uri::try_from(uri_text.as_str())
            .map_err(|_| Error::invalid_input("the request URI is invalid"))?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(P::ACCEPT));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        let bytes = match body {
            Some(b) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(b.content_type()));
                b.bytes().clone()
            }
            None => {
                // Some front ends answer 411 to a POST with neither Content-Length nor
                // Transfer-Encoding; the providers' own SDKs send `Content-Length: 0`.
                if matches!(O::METHOD, Method::POST | Method::PUT | Method::PATCH) {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                }
                Bytes::new()
            }
        };
        Ok(Prepared {
            method: O::METHOD,
            uri,
            headers,
            body: bytes,
        })
    }

    /// Runs the pipeline for one operation and returns the success response's metadata and body.
    async fn send_operation<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        let prepared = self.prepare(op).map_err(|e| e.with_operation(O::ID))?;
        let span = tracing::info_span!(
            "idp.call",
            provider = P::NAME,
            operation = O::ID,
            method = %prepared.method,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run(&prepared, op.idempotent(), options)
            .instrument(span)
            .await
            .map_err(|e| e.with_operation(O::ID))
    }

    /// The attempt loop: authorize, send, classify; every failure goes through
    /// [`Attempts::settle`], the one place a retry is decided.
    async fn run(
        &self,
        prepared: &Prepared,
        idempotent: bool,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        let inner = &*self.inner;
        let deadline = options.deadline.or(inner.deadline);
        let mut attempts = Attempts {
            policy: options.retry.as_ref().unwrap_or(&inner.retry),
            sleeper: &*inner.sleeper,
            clock: &*inner.clock,
            span: tracing::Span::current(),
            deadline: deadline.and_then(|d| Some((d, inner.clock.now().checked_add(d)?))),
            retries: 0,
            attempts: 0,
            auth_retried: false,
            may_have_applied: false,
            first_request_id: None,
        };
        let delete_ok = options.idempotent_ok && prepared.method == Method::DELETE;
        loop {
            let timeout = attempts.attempt_timeout(options.timeout.or(inner.timeout))?;
            let mut request = attempts.begin::<P>(prepared);
            let cx = AuthContext::new(&*inner.transport, &*inner.clock, timeout, &inner.user_agent);
            let stamp = match inner.credentials.authorize(&mut request, &cx).await {
                Ok(stamp) => stamp,
                Err(err) => {
                    let err = attempts.expired_during(err);
                    self.settle_token_failure(&mut attempts, err).await?;
                    continue;
                }
            };
            let response = match self.send_once(request, timeout).await {
                Ok(response) => response,
                Err(err) => {
                    attempts.may_have_applied |= !matches!(err, TransportError::Connect(_));
                    let decision = attempts.decide(Outcome::Transport(&err), None, idempotent);
                    let error = attempts.expired_during(transport_error(err));
                    attempts.settle(decision, error).await?;
                    continue;
                }
            };
            match self.classify(response, &mut attempts, stamp) {
                Classified::Success(meta, body) => return Ok((meta, body)),
                Classified::RetryWithFreshCredentials => continue,
                Classified::Failure(status, api) => {
                    if delete_ok && status == StatusCode::NOT_FOUND && attempts.may_have_applied {
                        tracing::debug!("404 on a retried DELETE: the earlier attempt applied it");
                        let meta = ResponseMeta {
                            status,
                            headers: HeaderMap::new(),
                            request_id: api.request_id,
                            rate_limit: api.rate_limit,
                        };
                        return Ok((meta, Bytes::new()));
                    }
                    attempts.may_have_applied |= status.is_server_error();
                    let decision =
                        attempts.decide(Outcome::Status(status), api.retry_after, idempotent);
                    let kind = if status == StatusCode::UNAUTHORIZED {
                        ErrorKind::Auth
                    } else {
                        ErrorKind::Api
                    };
                    attempts.settle(decision, Error::api(kind, api)).await?;
                }
            }
        }
    }

    /// A failed credentials step: a token request that failed below HTTP, or a token endpoint
    /// that answered 429/5xx, is retried like any request (a token grant is safe to repeat), with
    /// the provider's hints; any other credentials failure is final.
    async fn settle_token_failure(&self, attempts: &mut Attempts<'_>, err: Error) -> Result<()> {
        let source = std::error::Error::source(&err);
        if let Some(te) = source.and_then(|s| s.downcast_ref::<TransportError>()) {
            let decision = attempts.decide(Outcome::Transport(te), None, true);
            return attempts.settle(decision, err).await;
        }
        if let Some(failure) = source.and_then(|s| s.downcast_ref::<TokenEndpointResponse>()) {
            let api = self.token_endpoint_error(failure);
            let decision = attempts.decide(Outcome::Status(failure.status), api.retry_after, true);
            let error = Error::api(ErrorKind::Api, api).with_message(err.message());
            return attempts.settle(decision, error).await;
        }
        Err(err.with_attempts(attempts.attempts))
    }

    /// A throttled or failing token endpoint's answer, read with the provider's rules.
    fn token_endpoint_error(&self, failure: &TokenEndpointResponse) -> ApiError {
        let response = {
            let mut r = http::Response::new(failure.body.clone());
            *r.status_mut() = failure.status;
            *r.headers_mut() = failure.headers.clone();
            r
        };
        let request_id = P::request_id(&failure.headers);
        self.api_error(&response, request_id, self.inner.clock.now())
    }

    /// Sends one attempt through the transport, bounded by the per-attempt timeout.
    async fn send_once(
        &self,
        request: HttpRequest,
        timeout: Option<Duration>,
    ) -> std::result::Result<HttpResponse, TransportError> {
        let sent = self.inner.transport.send(request);
        match timeout {
            Some(t) => tokio::time::timeout(t, sent)
                .await
                .unwrap_or(Err(TransportError::Timeout)),
            None => sent.await,
        }
    }

    /// Sorts a response into success, a 401 worth one retry with fresh credentials, or a failure
    /// with the provider's error.
    fn classify(
        &self,
        response: HttpResponse,
        attempts: &mut Attempts<'_>,
        stamp: crate::auth::AuthStamp,
    ) -> Classified {
        let inner = &*self.inner;
        inner.credentials.on_response(&response);
        let status = response.status();
        let now = inner.clock.now();
        let request_id = P::request_id(response.headers());
        attempts.span.record("status", status.as_u16());
        if let Some(id) = &request_id {
            attempts.span.record("request_id", id.as_str());
        }
        if status.is_success() {
            let rate_limit = P::rate_limit(response.headers(), now);
            let (parts, body) = response.into_parts();
            let meta = ResponseMeta {
                status,
                headers: parts.headers,
                request_id,
                rate_limit,
            };
            return Classified::Success(meta, body);
        }
        if status == StatusCode::UNAUTHORIZED
            && !attempts.auth_retried
            && inner.credentials.on_unauthorized(stamp, &response)
        {
            tracing::debug!(
                attempt = attempts.attempts,
                "401: retrying once with refreshed credentials"
            );
            attempts.auth_retried = true;
            return Classified::RetryWithFreshCredentials;
        }
        let api = self.api_error(&response, request_id, now);
        if attempts.first_request_id.is_none() {
            attempts.first_request_id.clone_from(&api.request_id);
        }
        Classified::Failure(status, api)
    }

    fn api_error(
        &self,
        response: &HttpResponse,
        request_id: Option<String>,
        now: SystemTime,
    ) -> ApiError {
        let headers = response.headers();
        ApiError {
            status: response.status(),
            body: P::parse_error(response.status(), headers, response.body()),
            request_id,
            rate_limit: P::rate_limit(headers, now),
            retry_after: if response.status() == StatusCode::TOO_MANY_REQUESTS {
                P::retry_hint(headers, now).map(RetryHint::wait)
            } else {
                crate::retry::retry_after(headers, now)
            },
            raw_body: response.body().clone(),
        }
    }

    /// Runs an operation and returns the raw success body with its metadata (for pagination and
    /// for callers who decode into their own types).
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn execute_raw<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        self.send_operation(op, options).await
    }

    /// Executes an operation but decodes into a caller-chosen type (e.g. a custom profile type).
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn execute_as<O: Operation<Provider = P>, T: DeserializeOwned + 'static>(
        &self,
        op: &O,
    ) -> Result<T> {
        let (_, body) = self.send_operation(op, &CallOptions::default()).await?;
        decode_json::<T>(&body).map_err(|e| e.with_operation(O::ID))
    }
}

/// An operation bound to a client, with per-call options; `send` executes it.
#[must_use = "a call does nothing until it is sent"]
pub struct Call<P: Provider, O: Operation<Provider = P>> {
    client: Client<P>,
    op: O,
    options: CallOptions,
}

impl<P: Provider, O: Operation<Provider = P>> fmt::Debug for Call<P, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.op)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: Provider, O: Operation<Provider = P>> Call<P, O> {
    /// Binds `op` to `client`.
    pub fn new(client: Client<P>, op: O) -> Self {
        client.call(op)
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// Changes the operation (provider crates build their setters on it).
    pub fn map_operation(mut self, f: impl FnOnce(O) -> O) -> Self {
        self.op = f(self.op);
        self
    }

    /// Overrides the timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Bounds this call as a whole — every attempt, token request and wait — by `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// For a DELETE: a retry that finds nothing (404) after an earlier attempt that may have
    /// reached the server (timeout, broken connection, 5xx) reports success. Never on by default.
    pub fn idempotent_ok(mut self) -> Self {
        self.options.idempotent_ok = true;
        self
    }

    /// The client, operation and options.
    pub fn into_parts(self) -> (Client<P>, O, CallOptions) {
        (self.client, self.op, self.options)
    }

    /// Sends the call and decodes the output.
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn send(self) -> Result<O::Output> {
        self.client
            .execute_with(&self.op, &self.options)
            .await
            .map(|r| r.value)
    }

    /// Sends the call and decodes the body into a caller-chosen type (for example a model with
    /// a custom profile type). Per-call options are kept.
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn send_as<T: DeserializeOwned + 'static>(self) -> Result<T> {
        let (_, body) = self.client.send_operation(&self.op, &self.options).await?;
        decode_json::<T>(&body).map_err(|e| e.with_operation(O::ID))
    }

    /// Sends the call and returns the output with the response metadata (status, headers,
    /// request id, rate limits).
    ///
    /// # Errors
    /// Any [`ErrorKind`]; the error names the operation.
    pub async fn send_with_meta(self) -> Result<Response<O::Output>> {
        self.client.execute_with(&self.op, &self.options).await
    }
}
