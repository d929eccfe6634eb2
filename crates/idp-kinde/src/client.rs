//! The Kinde client, its builder and the provider hooks.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use idp_core::http::{HeaderMap, StatusCode};
use idp_core::{
    CachedToken, Credentials, Error, ErrorBody, RateLimit, Result, SecretString, StaticToken,
};

use crate::auth::KindeM2M;
use crate::config;
use crate::ops::Connections;

/// The Kinde provider marker: ties operations, errors and rate limits to Kinde's conventions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinde;

impl idp_core::Provider for Kinde {
    const NAME: &'static str = "kinde";
    const USER_AGENT: &'static str = concat!("idp-kinde/", env!("CARGO_PKG_VERSION"));

    fn parse_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        crate::error::parse_error(status, headers, body)
    }

    /// Kinde documents no request-id header.
    fn request_id(_headers: &HeaderMap) -> Option<String> {
        None
    }

    /// Kinde's `RateLimit-*` headers (`RateLimit-Reset` in seconds from now).
    fn rate_limit(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        RateLimit::from_ietf_headers(headers, now)
    }
}

idp_core::define_request!(Kinde);

/// A Kinde Management API client. Cheap to clone; share one per process (the M2M token cache is
/// inside, and Kinde bills per issued token).
///
/// ```no_run
/// # async fn run() -> idp_kinde::Result<()> {
/// let kinde = idp_kinde::Client::builder()
///     .domain("acme.kinde.com")
///     .client_credentials("m2m-client-id", "m2m-client-secret")
///     .build()?;
/// let connection = kinde.connections().get("conn_0123456789abcdef").send().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: idp_core::Client<Kinde>,
}

impl Client {
    /// A builder: set [`ClientBuilder::domain`] and credentials, then [`ClientBuilder::build`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `KINDE_DOMAIN`, `KINDE_MANAGEMENT_CLIENT_ID`,
    /// `KINDE_MANAGEMENT_CLIENT_SECRET` and optionally `KINDE_AUDIENCE` (the variables of Kinde's
    /// own management SDKs). See [`ClientBuilder::from_env`] to adjust it before building.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] naming a missing or invalid variable.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The core client (base URL, retry policy, raw execution of operations).
    pub fn core(&self) -> &idp_core::Client<Kinde> {
        &self.inner
    }

    /// The connections: create, delete, get, list, replace, update.
    pub fn connections(&self) -> Connections<'_> {
        Connections::new(self)
    }
}

enum Auth {
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
    },
    AccessToken(SecretString),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .finish(),
            Auth::AccessToken(_) => f.debug_tuple("AccessToken").field(&"[redacted]").finish(),
        }
    }
}

/// Builds a [`Client`]: the Kinde domain, credentials (M2M client credentials or a bearer token),
/// and the shared settings (transport, retries, timeouts…).
#[derive(Debug)]
pub struct ClientBuilder {
    core: idp_core::ClientBuilder<Kinde>,
    domain: Option<String>,
    auth: Option<Auth>,
    audience: Option<String>,
    token_url: Option<String>,
    refresh_before: Option<Duration>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        ClientBuilder {
            core: idp_core::ClientBuilder::new(),
            domain: None,
            auth: None,
            audience: None,
            token_url: None,
            refresh_before: None,
        }
    }

    /// A builder preset from the environment (see [`Client::from_env`]); later calls override it.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] naming a missing variable.
    pub fn from_env() -> Result<ClientBuilder> {
        config::from_lookup(|name| std::env::var(name).ok())
    }

    idp_core::forward_builder_settings!(core);

    /// Your Kinde business domain: `acme.kinde.com` or `https://acme.kinde.com` (a bare
    /// subdomain such as `acme` becomes `https://acme.kinde.com`). Use the `*.kinde.com`
    /// subdomain, not a custom domain: Kinde requires it for the Management API and M2M tokens.
    /// The API base URL, the token endpoint (`/oauth2/token`) and the default audience (`/api`)
    /// derive from it. Plain `http` is accepted for loopback hosts only (tests).
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Authenticate with an M2M application's client id and secret (client-credentials grant).
    /// Tokens are cached, refreshed 60 s before they expire, fetched once however many calls
    /// need one, and refreshed once after a 401.
    #[must_use]
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth = Some(Auth::ClientCredentials {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        });
        self
    }

    /// Authenticate with an access token you obtained yourself (sent as `Authorization: Bearer`).
    /// It is never refreshed.
    #[must_use]
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::AccessToken(SecretString::from(token.into())));
        self
    }

    /// The audience of M2M tokens (default `https://<domain>/api`).
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The token endpoint (default `https://<domain>/oauth2/token`).
    #[must_use]
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// How long before expiry an M2M token is refreshed (default 60 s, at most half its lifetime).
    #[must_use]
    pub fn token_refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = Some(margin);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] for a missing or invalid domain, missing credentials,
    /// or an empty client id, secret or token; [`idp_core::ErrorKind::Transport`] when the default
    /// transport cannot be built.
    pub fn build(self) -> Result<Client> {
        let raw = self.domain.ok_or_else(|| {
            Error::invalid_input(
                "kinde: a domain is required (`.domain(\"acme.kinde.com\")` or KINDE_DOMAIN)",
            )
        })?;
        let base = config::normalize_domain(&raw)?;
        let credentials: Arc<dyn Credentials> = match self.auth {
            Some(Auth::ClientCredentials {
                client_id,
                client_secret,
            }) => {
                let token_url = self
                    .token_url
                    .unwrap_or_else(|| format!("{base}/oauth2/token"));
                let audience = self.audience.unwrap_or_else(|| format!("{base}/api"));
                let source = KindeM2M::new(token_url, client_id, client_secret, audience)?;
                let mut cached = CachedToken::new(source);
                if let Some(margin) = self.refresh_before {
                    cached = cached.refresh_before(margin);
                }
                Arc::new(cached)
            }
            Some(Auth::AccessToken(token)) => Arc::new(StaticToken::bearer(&token)?),
            None => {
                return Err(Error::invalid_input(
                    "kinde: credentials are required (`.client_credentials(id, secret)` or `.access_token(token)`)",
                ));
            }
        };
        let inner = self.core.base_url(base).credentials(credentials).build()?;
        Ok(Client { inner })
    }
}
