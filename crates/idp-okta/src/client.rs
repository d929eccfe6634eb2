//! The Okta client, its builder and the provider rules (errors, request ids, rate limits, retries).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};
use idp_core::{
    BaseUrl, CachedToken, Credentials, Error, ErrorBody, Operation, Provider, RateLimit, Result,
    SecretString, StaticToken,
};

use crate::auth::{OktaOAuth, OktaOAuthConfig, TOKEN_REFRESH_BEFORE};
use crate::ops::{ApplicationConnections, ApplicationUsers, HookKeys};

/// The Okta provider marker: ties operations, requests and the core client to Okta's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Okta;

/// The request id header of every Okta response.
pub const REQUEST_ID_HEADER: &str = "x-okta-request-id";

impl Provider for Okta {
    const NAME: &'static str = "okta";
    const USER_AGENT: &'static str = concat!("idp-okta/", env!("CARGO_PKG_VERSION"));

    fn parse_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        crate::error::parse_error(status, headers, body)
    }

    fn request_id(headers: &HeaderMap) -> Option<String> {
        headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    fn rate_limit(headers: &HeaderMap, _now: SystemTime) -> Option<RateLimit> {
        RateLimit::from_x_rate_limit_headers(headers)
    }

    /// `Retry-After` when sent; otherwise `X-Rate-Limit-Reset − Date + 1 s`, as Okta's SDKs wait.
    fn retry_hint(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
        let hint = idp_core::retry::server_hint(headers, now)?;
        let from_reset = !headers.contains_key(http::header::RETRY_AFTER)
            && headers.contains_key("x-rate-limit-reset");
        Some(if from_reset {
            hint.saturating_add(Duration::from_secs(1))
        } else {
            hint
        })
    }

    fn retry_headers(headers: &mut HeaderMap, first_request_id: Option<&str>, retry_count: u32) {
        if let Some(id) = first_request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
            headers.insert("x-okta-retry-for", id);
        }
        headers.insert("x-okta-retry-count", HeaderValue::from(retry_count));
    }
}

idp_core::define_request!(Okta);

/// An Okta management API client. Cheap to clone; share one per org.
///
/// ```no_run
/// # async fn run() -> idp_okta::Result<()> {
/// let okta = idp_okta::Client::builder()
///     .org_url("https://acme.okta.com")
///     .api_token("00abc…")
///     .build()?;
/// let user = okta.application_users().get("0oa1app", "00u1user").send().await?;
/// println!("{:?}", user.status);
/// let mut users = okta.application_users().list("0oa1app").limit(200).items();
/// while let Some(user) = users.try_next().await? {
///     println!("{:?}", user.id);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: idp_core::Client<Okta>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("inner", &self.inner)
            .finish()
    }
}

impl Client {
    /// A builder: set `org_url` and one of `api_token`, `access_token` or `private_key_jwt`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment variables of Okta's official SDKs
    /// (`OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`, `OKTA_CLIENT_AUTHORIZATIONMODE`, …); see
    /// [`ClientBuilder::from_env`].
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] for missing or invalid settings.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The core client (base URL, retry policy, raw execution of any operation).
    pub fn core(&self) -> &idp_core::Client<Okta> {
        &self.inner
    }

    /// The default provisioning connection of apps.
    pub fn application_connections(&self) -> ApplicationConnections<'_> {
        ApplicationConnections { client: self }
    }

    /// App assignments (application users).
    pub fn application_users(&self) -> ApplicationUsers<'_> {
        ApplicationUsers { client: self }
    }

    /// Keys for inline hooks.
    pub fn hook_keys(&self) -> HookKeys<'_> {
        HookKeys { client: self }
    }

    pub(crate) fn request<O: Operation<Provider = Okta>>(&self, op: O) -> Request<O> {
        Request::new(self.inner.clone(), op)
    }
}

enum AuthMode {
    ApiToken(SecretString),
    AccessToken(SecretString),
    PrivateKey {
        client_id: String,
        key_pem: SecretString,
        scopes: Vec<String>,
    },
}

impl fmt::Debug for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthMode::ApiToken(_) => f.write_str("ApiToken([redacted])"),
            AuthMode::AccessToken(_) => f.write_str("AccessToken([redacted])"),
            AuthMode::PrivateKey {
                client_id, scopes, ..
            } => f
                .debug_struct("PrivateKey")
                .field("client_id", client_id)
                .field("key_pem", &"[redacted]")
                .field("scopes", scopes)
                .finish(),
        }
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    core: idp_core::ClientBuilder<Okta>,
    org_url: Option<String>,
    auth: Option<AuthMode>,
    key_id: Option<String>,
    dpop: bool,
    credentials: Option<Arc<dyn Credentials>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("org_url", &self.org_url)
            .field("auth", &self.auth)
            .field("key_id", &self.key_id)
            .field("dpop", &self.dpop)
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults (30 s timeout, 3 retries honouring Okta's rate-limit reset).
    pub fn new() -> Self {
        ClientBuilder {
            core: idp_core::ClientBuilder::new(),
            org_url: None,
            auth: None,
            key_id: None,
            dpop: true,
            credentials: None,
        }
    }

    idp_core::forward_builder_settings!(core);

    /// The org URL, `https://acme.okta.com` (the scheme may be left out; plain `http` only for
    /// loopback hosts).
    pub fn org_url(mut self, url: impl Into<String>) -> Self {
        self.org_url = Some(url.into());
        self
    }

    /// Authenticates with an API token: `Authorization: SSWS <token>`.
    pub fn api_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(AuthMode::ApiToken(token.into()));
        self
    }

    /// Authenticates with an OAuth 2.0 access token you obtained: `Authorization: Bearer <token>`.
    /// It is not refreshed.
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(AuthMode::AccessToken(token.into()));
        self
    }

    /// Authenticates as an OAuth 2.0 service app with `private_key_jwt` client credentials:
    /// `client_id`, the PEM private key registered with the app (PKCS#8 or PKCS#1 RSA, or PKCS#8
    /// EC P-256), and the `okta.*` scopes to request.
    ///
    /// **DPoP is on by default** (Okta service apps now default to "Require DPoP"); turn it off with
    /// [`ClientBuilder::dpop`]`(false)` for apps that do not require it. Set the key's `kid` with
    /// [`ClientBuilder::key_id`] when the app has several keys.
    pub fn private_key_jwt<S: Into<String>>(
        mut self,
        client_id: impl Into<String>,
        private_key_pem: impl Into<SecretString>,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.auth = Some(AuthMode::PrivateKey {
            client_id: client_id.into(),
            key_pem: private_key_pem.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// The `kid` header of client assertions (`private_key_jwt`).
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.key_id = Some(kid.into());
        self
    }

    /// Turns DPoP on (default) or off for `private_key_jwt`.
    pub fn dpop(mut self, on: bool) -> Self {
        self.dpop = on;
        self
    }

    /// Custom credentials (replace the three built-in modes).
    pub fn credentials(mut self, credentials: Arc<dyn Credentials>) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] for a missing or invalid org URL, missing
    /// credentials, an empty token or an unusable private key (never echoed).
    pub fn build(self) -> Result<Client> {
        let raw = self.org_url.ok_or_else(|| {
            Error::invalid_input("okta: an org URL is required (org_url or OKTA_CLIENT_ORGURL)")
        })?;
        if raw.contains("{yourOktaDomain}") {
            return Err(Error::invalid_input(
                "okta: replace {yourOktaDomain} in the org URL with your Okta domain",
            ));
        }
        let org = BaseUrl::parse(&raw)?;
        if org.host().contains("-admin.") {
            return Err(Error::invalid_input(
                "okta: the org URL must not be the admin console URL (remove `-admin` from the host)",
            ));
        }
        let credentials: Arc<dyn Credentials> = match (self.credentials, self.auth) {
            (Some(c), _) => c,
            (None, Some(AuthMode::ApiToken(t))) => Arc::new(StaticToken::new("SSWS", &t)?),
            (None, Some(AuthMode::AccessToken(t))) => Arc::new(StaticToken::bearer(&t)?),
            (
                None,
                Some(AuthMode::PrivateKey {
                    client_id,
                    key_pem,
                    scopes,
                }),
            ) => {
                let config = OktaOAuthConfig {
                    org_url: org.clone(),
                    client_id,
                    private_key_pem: key_pem,
                    scopes,
                    key_id: self.key_id,
                    dpop: self.dpop,
                };
                let source = OktaOAuth::new(config)?;
                Arc::new(CachedToken::new(source).refresh_before(TOKEN_REFRESH_BEFORE))
            }
            (None, None) => {
                return Err(Error::invalid_input(
                    "okta: no credentials; call api_token, access_token or private_key_jwt",
                ));
            }
        };
        let inner = self
            .core
            .base_url(org.as_str())
            .credentials(credentials)
            .build()?;
        Ok(Client { inner })
    }
}
