//! The Kinde client, its builder and the provider hooks.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use idp_core::http::{HeaderMap, HeaderName, StatusCode};
use idp_core::ratelimit::header_u64;
use idp_core::retry::retry_after;
use idp_core::{
    CachedToken, Credentials, Error, ErrorBody, RateLimit, Reset, Result, RetryHint, SecretString,
    StaticToken,
};

use crate::auth::{DEFAULT_TOKEN_REFRESH_BEFORE, KindeM2M, strip_bearer};
use crate::config;
use crate::ops::Connections;
use idp_core::auth::ExposeSecret;

/// Kinde's rate-limit headers (the IETF draft family): `[limit, remaining, reset]`, the reset in
/// seconds from now.
/// Statics, so no response parses the names again.
static RATE_LIMIT_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("ratelimit-limit"),
    HeaderName::from_static("ratelimit-remaining"),
    HeaderName::from_static("ratelimit-reset"),
];

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
        let [limit, remaining, reset] = &RATE_LIMIT_HEADERS;
        RateLimit::from_headers(headers, [limit, remaining, reset], Reset::DeltaSeconds, now)
    }

    /// A 429's wait: `Retry-After` when the server sends it (Kinde does not document it, but a
    /// proxy in front may), else `RateLimit-Reset` — the seconds until the window resets, the
    /// header Kinde's rate-limit docs name (the smallest value when repeated).
    fn retry_hint(headers: &HeaderMap, now: SystemTime) -> Option<RetryHint> {
        if let Some(wait) = retry_after(headers, now) {
            return Some(RetryHint::RetryAfter(wait));
        }
        header_u64(headers, &RATE_LIMIT_HEADERS[2])
            .map(|secs| RetryHint::WindowResets(Duration::from_secs(secs)))
    }

    /// One bucket for the whole Management API: Kinde's "API rate limits" page
    /// (<https://docs.kinde.com/developer-tools/kinde-api/api-rate-limits>) describes one basic
    /// rate limiter that "restricts the number of API requests per minute" for the business, and
    /// documents no per-endpoint buckets or numbers.
    fn rate_bucket(_operation_id: &'static str, _path_template: &'static str) -> &'static str {
        "/api/v1"
    }

    /// Never: the same page says Kinde also runs a concurrency limiter, but documents no way to
    /// tell its 429 from the rate limiter's (both carry only `RateLimit-Reset`), so every 429
    /// waits for the reset and the governor's cap stays where it is.
    fn is_concurrency_limited(_headers: &HeaderMap, _rate_limit: Option<&RateLimit>) -> bool {
        false
    }
}

idp_core::define_client! {
    /// A Kinde Management API client. Cheap to clone; share one per process (the M2M token cache is
    /// inside, and Kinde bills per issued token).
    ///
    /// Run any operation built as a value with [`Client::execute`] (lists: [`Client::items`],
    /// [`Client::pages`], [`Client::pager`]), or through the resource handle
    /// ([`Client::connections`]), which builds the same values.
    ///
    /// ```no_run
    /// # async fn run() -> idp_kinde::Result<()> {
    /// use idp_kinde::ops::GetConnection;
    /// let kinde = idp_kinde::Client::builder()
    ///     .domain("acme.kinde.com")
    ///     .client_credentials("m2m-client-id", "m2m-client-secret")
    ///     .build()?;
    /// let connection = kinde.connections().get("conn_0123456789abcdef").send().await?;
    /// let same = kinde.execute(GetConnection::new("conn_0123456789abcdef")).await?;
    /// assert_eq!(connection.id(), same.id());
    /// # Ok(()) }
    /// ```
    Kinde
}

impl Client {
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

/// Builds a [`Client`]: the Kinde domain, credentials (M2M client credentials, a bearer token, or
/// your own [`Credentials`](crate::Credentials)),
/// and the shared settings (transport, retries, timeouts…).
#[derive(Debug)]
pub struct ClientBuilder {
    core: idp_core::ClientBuilder<Kinde>,
    domain: Option<String>,
    auth: Option<Auth>,
    audience: Option<String>,
    token_url: Option<String>,
    allow_custom_domain: bool,
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
            allow_custom_domain: false,
        }
    }

    idp_core::forward_builder_settings!(core);

    /// Your Kinde business domain: `acme.kinde.com` or `https://acme.kinde.com` (a bare
    /// subdomain such as `acme` becomes `https://acme.kinde.com`). Use the `*.kinde.com`
    /// subdomain, not a custom domain: Kinde requires it for the Management API and M2M tokens.
    /// The API base URL, the token endpoint (`/oauth2/token`) and the default audience (`/api`)
    /// derive from it. Plain `http` is accepted for loopback hosts only (tests).
    ///
    /// A host outside `kinde.com` (other than a loopback host) is refused by
    /// [`ClientBuilder::build`]: Kinde's docs ("Pointing your domain") say M2M tokens and the
    /// Management API need the Kinde subdomain even when sign-in uses a custom domain, and tokens
    /// from the two are not interchangeable. See [`ClientBuilder::allow_custom_domain`] for a
    /// proxy that forwards to Kinde.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Authenticate with an M2M application's client id and secret (client-credentials grant).
    /// Tokens are cached, refreshed 60 s before they expire (see
    /// [`ClientBuilder::token_refresh_before`]), fetched once however many calls need one, and
    /// refreshed once after a 401.
    #[must_use]
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        self.auth = Some(Auth::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// Authenticate with an access token you obtained yourself (sent as `Authorization: Bearer`).
    /// It is never refreshed. A leading `Bearer ` (any case) in the value is removed, so a token
    /// copied with its scheme is not sent as `Bearer Bearer …`.
    #[must_use]
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(Auth::AccessToken(token.into()));
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

    /// Accept a [`ClientBuilder::domain`] outside `kinde.com` (default `false`): only for a
    /// gateway or proxy that forwards to your `<subdomain>.kinde.com`. A Kinde custom domain
    /// (the one your users sign in on) does not serve the Management API or M2M tokens.
    #[must_use]
    pub fn allow_custom_domain(mut self, allow: bool) -> Self {
        self.allow_custom_domain = allow;
        self
    }

    /// Builds the client.
    ///
    /// Credentials set with [`ClientBuilder::credentials`] win over
    /// [`ClientBuilder::client_credentials`] and [`ClientBuilder::access_token`]. M2M tokens are
    /// refreshed [`ClientBuilder::token_refresh_before`] ahead of expiry (default 60 s, at most
    /// half their lifetime).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a missing or invalid
    /// domain, a domain outside `kinde.com` (unless [`ClientBuilder::allow_custom_domain`]),
    /// missing credentials, or an empty client id, secret or token;
    /// [`ErrorKind::Transport`](crate::ErrorKind::Transport) when the default transport cannot be
    /// built.
    pub fn build(self) -> Result<Client> {
        let raw = self.domain.ok_or_else(|| {
            Error::invalid_input(
                "kinde: a domain is required (`.domain(\"acme.kinde.com\")` or KINDE_DOMAIN)",
            )
        })?;
        let base = config::normalize_domain(&raw)?;
        if !self.allow_custom_domain {
            config::require_kinde_host(&base)?;
        }
        let core = self.core.base_url(base.clone());
        if core.has_credentials() {
            return Ok(Client {
                inner: core.build()?,
            });
        }
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
                let margin = core
                    .token_refresh_setting()
                    .unwrap_or(DEFAULT_TOKEN_REFRESH_BEFORE);
                Arc::new(CachedToken::new(source).refresh_before(margin))
            }
            Some(Auth::AccessToken(token)) => {
                let token = SecretString::from(strip_bearer(token.expose_secret()));
                Arc::new(StaticToken::bearer(&token)?)
            }
            None => {
                return Err(Error::invalid_input(
                    "kinde: credentials are required (`.client_credentials(id, secret)`, `.access_token(token)` or `.credentials(..)`)",
                ));
            }
        };
        let inner = core.credentials(credentials).build()?;
        Ok(Client { inner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idp_core::Provider;
    use idp_core::http::HeaderValue;

    use idp_test_support::{epoch as at, headers};

    #[test]
    fn ratelimit_reset_is_delta_seconds_until_the_window_resets() {
        let h = headers(&[("ratelimit-reset", "3")]);
        assert_eq!(
            Kinde::retry_hint(&h, at(123)),
            Some(RetryHint::WindowResets(Duration::from_secs(3)))
        );
        // Repeated or listed: the smallest value is the binding window.
        let h = headers(&[("ratelimit-reset", "30"), ("ratelimit-reset", "4, 9")]);
        assert_eq!(
            Kinde::retry_hint(&h, at(0)),
            Some(RetryHint::WindowResets(Duration::from_secs(4)))
        );
    }

    #[test]
    fn retry_after_wins_over_ratelimit_reset() {
        let h = headers(&[("retry-after", "5"), ("ratelimit-reset", "30")]);
        assert_eq!(
            Kinde::retry_hint(&h, at(0)),
            Some(RetryHint::RetryAfter(Duration::from_secs(5)))
        );
        // An HTTP-date Retry-After is measured against the response Date.
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("retry-after", "Tue, 14 Nov 2023 22:13:29 GMT"),
            ("ratelimit-reset", "30"),
        ]);
        assert_eq!(
            Kinde::retry_hint(&h, at(0)),
            Some(RetryHint::RetryAfter(Duration::from_secs(9)))
        );
    }

    #[test]
    fn huge_values_are_long_waits_not_panics() {
        let max = "18446744073709551615"; // u64::MAX
        for name in ["retry-after", "ratelimit-reset"] {
            let mut h = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT")]);
            h.append(name, HeaderValue::from_static(max));
            let hint = Kinde::retry_hint(&h, at(1_700_000_000));
            assert!(
                hint.is_some_and(|d| d.wait() > Duration::from_secs(60)),
                "{name}: {hint:?}"
            );
        }
        // A reset past what `SystemTime` holds is dropped from the rate-limit state, not a panic.
        let h = headers(&[("ratelimit-limit", "100"), ("ratelimit-reset", max)]);
        let rl = Kinde::rate_limit(&h, at(1_700_000_000));
        assert_eq!(rl.map(|r| (r.limit, r.reset)), Some((Some(100), None)));
    }

    #[test]
    fn garbage_is_ignored() {
        let h = headers(&[("retry-after", "soon"), ("ratelimit-reset", "x")]);
        assert_eq!(Kinde::retry_hint(&h, at(0)), None);
        assert_eq!(Kinde::rate_limit(&h, at(0)), None);
        // An unreadable Retry-After does not hide a readable reset.
        let h = headers(&[("retry-after", "soon"), ("ratelimit-reset", "7")]);
        assert_eq!(
            Kinde::retry_hint(&h, at(0)),
            Some(RetryHint::WindowResets(Duration::from_secs(7)))
        );
        assert_eq!(Kinde::retry_hint(&HeaderMap::new(), at(0)), None);
    }

    #[test]
    fn rate_limit_reads_the_ratelimit_family_with_a_delta_reset() {
        let h = headers(&[
            ("ratelimit-limit", "100"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "30"),
            // Okta's family means nothing here.
            ("x-rate-limit-limit", "5"),
        ]);
        let rl = Kinde::rate_limit(&h, at(1_000)).unwrap_or_default();
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset),
            (Some(100), Some(0), Some(at(1_030)))
        );
        assert_eq!(
            Kinde::rate_limit(&headers(&[("x-rate-limit-reset", "9")]), at(0)),
            None
        );
    }

    #[test]
    fn secrets_are_taken_as_secret_strings_and_never_shown() -> Result<()> {
        let m2m = Client::builder()
            .domain("acme")
            .client_credentials("id-1", SecretString::from("S3CRET-xyz"));
        let bearer = Client::builder()
            .domain("acme")
            .access_token(String::from("T0KEN-xyz"));
        let builders = format!("{m2m:?} {bearer:?}");
        let text = format!("{builders} {:?} {:?}", m2m.build()?, bearer.build()?);
        assert!(text.contains("id-1"), "{text}");
        assert!(
            !text.contains("S3CRET") && !text.contains("T0KEN"),
            "{text}"
        );
        Ok(())
    }

    #[derive(Debug)]
    struct Custom;

    #[async_trait::async_trait]
    impl Credentials for Custom {
        async fn authorize(
            &self,
            _request: &mut idp_core::HttpRequest,
            _cx: &idp_core::AuthContext<'_>,
        ) -> Result<idp_core::AuthStamp> {
            Err(Error::auth("custom"))
        }
    }

    #[test]
    fn custom_credentials_need_no_built_in_mode_and_win_over_them() -> Result<()> {
        let client = Client::builder()
            .domain("acme")
            .credentials(Arc::new(Custom))
            .build()?;
        assert_eq!(client.core().base_url().as_str(), "https://acme.kinde.com");
        // With a built-in mode too, the custom credentials are kept (an empty secret would
        // otherwise be refused).
        let built = Client::builder()
            .domain("acme")
            .client_credentials("id", "")
            .credentials(Arc::new(Custom))
            .build();
        assert!(built.is_ok(), "{built:?}");
        let missing = Client::builder().domain("acme").build().err();
        assert!(
            missing.is_some_and(|e| e.to_string().contains("credentials are required")),
            "no credentials at all is an error"
        );
        Ok(())
    }
}
