//! The Authress client, its builder and the provider hooks.

use std::fmt;
use std::sync::Arc;

use idp_core::http::{HeaderMap, StatusCode};
use idp_core::{
    BaseUrl, CachedToken, Credentials, Error, ErrorBody, ExposeSecret, Result, SecretString,
    StaticToken,
};

use crate::auth::{AccessKey, AccessKeyTokens, REFRESH_BEFORE, strip_bearer};
use crate::ops::Connections;

/// The Authress provider marker: its name, `Accept` header, error body and request id rules.
///
/// Authress sends no rate-limit headers and only `Retry-After` on 429, which the core default
/// hint already reads, so rate limits and retry hints use the core defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Authress;

/// Response headers that may carry a request id, in order of preference. The notes name none
/// for Authress; these are the ones its AWS-hosted API front ends send.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "x-amzn-requestid", "x-amz-cf-id"];

impl idp_core::Provider for Authress {
    const NAME: &'static str = "authress";
    const USER_AGENT: &'static str = concat!("idp-authress/", env!("CARGO_PKG_VERSION"));
    const ACCEPT: &'static str = "application/links+json";

    fn parse_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorBody {
        crate::error::parse_error(status, headers, body)
    }

    fn request_id(headers: &HeaderMap) -> Option<String> {
        REQUEST_ID_HEADERS.iter().find_map(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        })
    }

    /// One bucket for the account: Authress documents no per-endpoint limits and sends no
    /// rate-limit headers (shared/notes/authress.md §7: its SDKs treat 429 as
    /// `TooManyRequests`, honouring `Retry-After` only), so the governor learns only from a
    /// 429's `Retry-After` (the default [`idp_core::Provider::retry_hint`]), which then holds
    /// every call of the account until it has passed.
    fn rate_bucket(_operation_id: &'static str, _path_template: &'static str) -> &'static str {
        "account"
    }

    /// Never: Authress documents no concurrency limit.
    fn is_concurrency_limited(
        _headers: &HeaderMap,
        _rate_limit: Option<&idp_core::RateLimit>,
    ) -> bool {
        false
    }
}

idp_core::define_client! {
    /// A client of the Authress API. Cheap to clone; share one per process.
    ///
    /// ```no_run
    /// # async fn run() -> idp_authress::Result<()> {
    /// let client = idp_authress::Client::builder()
    ///     .base_url("https://login.example.com") // or https://<accountId>.api.authress.io
    ///     .access_key(std::env::var("AUTHRESS_KEY").unwrap_or_default())
    ///     .build()?;
    /// let connection = client.connections().get("google").send().await?;
    /// # Ok(()) }
    /// ```
    Authress
}

impl Client {
    /// The SSO connections of the account.
    pub fn connections(&self) -> Connections<'_> {
        Connections { client: self }
    }
}

#[derive(Clone, Default)]
enum Auth {
    #[default]
    None,
    AccessKey(SecretString),
    UserToken(SecretString),
    RawAccessKey(SecretString),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Auth::None => "None",
            Auth::AccessKey(_) => "AccessKey([redacted])",
            Auth::UserToken(_) => "UserToken([redacted])",
            Auth::RawAccessKey(_) => "RawAccessKey([redacted])",
        })
    }
}

/// Builds a [`Client`]: [`ClientBuilder::new`] (or [`Client::builder`]), then a base URL and
/// one way to authenticate. Of the built-in modes ([`ClientBuilder::access_key`],
/// [`ClientBuilder::user_token`], [`ClientBuilder::raw_access_key_as_bearer`]) the last one set
/// wins; custom [`ClientBuilder::credentials`] replace them all.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    core: idp_core::ClientBuilder<Authress>,
    base_url: Option<String>,
    auth: Auth,
}

impl ClientBuilder {
    /// A builder with the defaults (reqwest transport, 30 s timeout, 3 retries) and no
    /// authentication yet.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    idp_core::forward_builder_settings!(core);

    /// The API base URL: your custom domain (`https://login.example.com`, recommended) or
    /// `https://<accountId>.api.authress.io`. When the scheme is missing, `http://` is added for
    /// loopback hosts (`localhost:8888`, `127.0.0.1:8888`, `[::1]:8888`, as for authress-local)
    /// and `https://` for every other host; a trailing slash is removed. Optional with
    /// [`ClientBuilder::access_key`], which names the account.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticates as a service client with its access key
    /// (`clientId.keyId.accountId.privateKey`, from the Authress portal). The SDK signs a
    /// short-lived EdDSA JWT locally and sends only that; the private key stays in the process.
    /// The key is validated at [`ClientBuilder::build`]. The token is signed again when less than
    /// [`ClientBuilder::token_refresh_before`] (default one hour) of its 24 hours is left.
    #[must_use]
    pub fn access_key(mut self, key: impl Into<SecretString>) -> Self {
        self.auth = Auth::AccessKey(key.into());
        self
    }

    /// Authenticates with a user's Authress token (a JWT), sent as is (`Bearer` is added; a
    /// leading `Bearer ` in the value is removed).
    #[must_use]
    pub fn user_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Auth::UserToken(token.into());
        self
    }

    /// Sends the access key itself as the bearer token, as the Go SDK, the old Rust crate and the
    /// Terraform provider do. Authress accepts it, but **it puts the private key on the wire with
    /// every request**; prefer [`ClientBuilder::access_key`], which signs a token locally.
    #[must_use]
    pub fn raw_access_key_as_bearer(mut self, key: impl Into<SecretString>) -> Self {
        self.auth = Auth::RawAccessKey(key.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] for a malformed access key (the message does not
    /// echo it), no authentication method, no base URL where none can be derived, or an invalid
    /// base URL; [`crate::ErrorKind::Transport`] when the default transport cannot be built.
    pub fn build(self) -> Result<Client> {
        let ClientBuilder {
            core,
            base_url,
            auth,
        } = self;
        let resolve = |key: Option<&AccessKey>| -> Result<BaseUrl> {
            match (&base_url, key) {
                (Some(url), _) => BaseUrl::parse(&with_default_scheme(url)),
                (None, Some(key)) => BaseUrl::parse(&key.default_base_url()),
                (None, None) => Err(Error::invalid_input(
                    "authress: a base URL is required (your custom domain or https://<accountId>.api.authress.io)",
                )),
            }
        };
        if core.has_credentials() {
            // Custom credentials replace the built-in modes.
            let url = resolve(None)?;
            let inner = core.base_url(url.as_str()).build()?;
            return Ok(Client { inner });
        }
        let refresh_before = core.token_refresh_setting().unwrap_or(REFRESH_BEFORE);
        let (url, credentials): (BaseUrl, Arc<dyn Credentials>) = match auth {
            Auth::None => {
                return Err(Error::invalid_input(
                    "authress: no credentials; call access_key, user_token, raw_access_key_as_bearer or credentials",
                ));
            }
            Auth::AccessKey(secret) => {
                let key = AccessKey::parse(secret.expose_secret())?;
                let url = resolve(Some(&key))?;
                let tokens = AccessKeyTokens::new(key, &url)?;
                (
                    url,
                    Arc::new(CachedToken::new(tokens).refresh_before(refresh_before)),
                )
            }
            Auth::RawAccessKey(secret) => {
                let key = AccessKey::parse(secret.expose_secret())?;
                let url = resolve(Some(&key))?;
                let token = SecretString::from(secret.expose_secret().trim());
                (url, Arc::new(StaticToken::bearer(&token)?))
            }
            Auth::UserToken(secret) => {
                let url = resolve(None)?;
                let token = SecretString::from(strip_bearer(secret.expose_secret()));
                (url, Arc::new(StaticToken::bearer(&token)?))
            }
        };
        let inner = core
            .base_url(url.as_str())
            .credentials(credentials)
            .build()?;
        Ok(Client { inner })
    }
}

/// Adds the scheme Authress' own SDKs add to a base URL given without one: `http://` for
/// `localhost…` (authress-sdk.js `src/util.js` `sanitizeUrl`: `url.match(/^localhost/)` →
/// `http://${url}`; authress-local listens on plain HTTP, port 8888), widened here to every
/// loopback host (`127.0.0.0/8`, `::1`); `https://` otherwise. A URL with a scheme is kept.
fn with_default_scheme(input: &str) -> String {
    let trimmed = input.trim();
    if trimmed.contains("://") {
        return trimmed.to_owned();
    }
    let authority = trimmed.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        format!("http://{trimmed}")
    } else {
        format!("https://{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::with_default_scheme;

    #[test]
    fn loopback_hosts_without_a_scheme_get_http_like_the_official_sdks() {
        for (input, want) in [
            ("localhost:8888", "http://localhost:8888"),
            ("LOCALHOST:8888/", "http://LOCALHOST:8888/"),
            ("localhost", "http://localhost"),
            ("127.0.0.1:8888", "http://127.0.0.1:8888"),
            ("127.1.2.3", "http://127.1.2.3"),
            ("[::1]:8888", "http://[::1]:8888"),
            (" login.example.com/ ", "https://login.example.com/"),
            ("localhost.example.com", "https://localhost.example.com"),
            ("acc-1.api.authress.io", "https://acc-1.api.authress.io"),
            ("https://localhost:8888", "https://localhost:8888"),
            ("http://login.example.com", "http://login.example.com"),
        ] {
            assert_eq!(with_default_scheme(input), want, "{input}");
        }
    }
}
