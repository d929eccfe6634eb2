//! [`ClientBuilder`]: the settings of a client, checked at `build`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::auth::{Credentials, NoAuth};
use crate::error::{Error, Result};
use crate::governor::{DEFAULT_MAX_CONCURRENCY, InProcessBudget, RateBudget};
use crate::provider::Provider;
use crate::retry::{Clock, RetryPolicy, Sleeper, SystemClock, TokioSleeper};
use crate::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport, Transport,
};
use crate::urls::BaseUrl;

use super::{Client, DEFAULT_TIMEOUT, Inner};

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
    budget: Option<Arc<dyn RateBudget>>,
    governor: bool,
    max_capacity: f64,
    max_concurrency: usize,
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
            budget: None,
            governor: false,
            max_capacity: 1.0,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
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

    /// The rate budget every call draws on (default: none, the governor is off unless
    /// [`ClientBuilder::governor`]`(true)`, which uses an [`InProcessBudget`] with
    /// [`ClientBuilder::max_capacity`] and [`ClientBuilder::max_concurrency`]). Share one budget
    /// between clients of the same org, or plug in a shared store for a fleet of workers.
    #[must_use]
    pub fn rate_budget(mut self, budget: Arc<dyn RateBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Turns the rate governor on or off (the default for now: every request goes at once and
    /// 429s are only retried).
    #[must_use]
    pub fn governor(mut self, on: bool) -> Self {
        self.governor = on;
        self
    }

    /// The share of each rate-limit bucket this client may use per window, in `(0, 1]` (default
    /// 1.0; 0.5 leaves half to the org's other integrations).
    #[must_use]
    pub fn max_capacity(mut self, share: f64) -> Self {
        self.max_capacity = share;
        self
    }

    /// The most requests in flight at once (default [`DEFAULT_MAX_CONCURRENCY`]; the governor
    /// lowers it after a concurrency 429 and raises it back, never above this).
    #[must_use]
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a missing or invalid base URL or user-agent suffix;
    /// [`ErrorKind::Transport`](crate::ErrorKind::Transport) when the default transport cannot be built.
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
                budget: match (self.budget, self.governor) {
                    (Some(budget), _) => budget,
                    (None, true) => Arc::new(
                        InProcessBudget::new()
                            .max_capacity(self.max_capacity)
                            .max_concurrency(self.max_concurrency),
                    ),
                    (None, false) => Arc::new(()),
                },
            }),
            _provider: PhantomData,
        })
    }
}
