//! The Okta client, its builder and the provider rules (errors, request ids, rate limits, retries).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use idp_core::ratelimit::header_u64;
use idp_core::retry::{retry_after, wait_until_epoch};
use idp_core::{
    BaseUrl, CachedToken, Credentials, Error, ErrorBody, Provider, RateLimit, Reset, Result,
    RetryHint, SecretString, StaticToken,
};

use crate::auth::{OktaOAuth, OktaOAuthConfig, TOKEN_REFRESH_BEFORE};
use crate::ops::{ApplicationConnections, ApplicationUsers, HookKeys};

/// The Okta provider marker: ties operations, requests and the core client to Okta's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Okta;

/// The request id header of every Okta response.
pub const REQUEST_ID_HEADER: &str = "x-okta-request-id";

/// Okta's rate-limit headers: limit, remaining, reset (epoch seconds).
/// Statics, so no response parses the names again.
static RATE_LIMIT_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("x-rate-limit-limit"),
    HeaderName::from_static("x-rate-limit-remaining"),
    HeaderName::from_static("x-rate-limit-reset"),
];

/// Added to the wait until `X-Rate-Limit-Reset`, as Okta's Go and Python SDKs do: the reset is
/// in whole seconds, so the window may still be closed at the exact second.
const RESET_MARGIN: Duration = Duration::from_secs(1);

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

    /// `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (epoch seconds); when a header repeats,
    /// the smallest value is the binding one.
    fn rate_limit(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        let [limit, remaining, reset] = &RATE_LIMIT_HEADERS;
        RateLimit::from_headers(headers, [limit, remaining, reset], Reset::EpochSeconds, now)
    }

    /// `Retry-After` when sent; otherwise `X-Rate-Limit-Reset − Date + 1 s`, as Okta's SDKs wait
    /// (the reset measured against the server's `Date`, never the local clock unless `Date` is
    /// missing; the smallest reset when the header repeats).
    fn retry_hint(headers: &HeaderMap, now: SystemTime) -> Option<RetryHint> {
        if let Some(wait) = retry_after(headers, now) {
            return Some(RetryHint::RetryAfter(wait));
        }
        let reset = header_u64(headers, &RATE_LIMIT_HEADERS[2])?;
        let wait = wait_until_epoch(reset, headers, now).saturating_add(RESET_MARGIN);
        Some(RetryHint::WindowResets(wait))
    }

    /// Okta's documented buckets for our operations ("Management rate limits",
    /// <https://developer.okta.com/docs/reference/rl-global-mgmt/>, per-minute table):
    ///
    /// - every `/api/v1/apps/{appId}/users…` and `/api/v1/apps/{appId}/connections/default…`
    ///   operation → the row "Create, list, or other app actions: Calls to the /api/v1/apps
    ///   endpoint and all other endpoints of the form /api/v1/apps/* including
    ///   /api/v1/apps/{id}/*" (bucket `/api/v1/apps*`; 100/min on paid plans, 20 on the free
    ///   one). The row "Get, update, or delete an app by ID: /api/v1/apps/{id}" is for the app
    ///   instance itself, which none of our operations calls.
    /// - every `/api/v1/hook-keys…` operation → the row "Most other API actions: /api/v1"
    ///   (bucket `/api/v1*`; 600/min on paid plans, 1 200 on Workforce Identity).
    ///
    /// Any other path (none today) falls back to its own template, so an unmapped operation is
    /// never paced by another bucket's window.
    fn rate_bucket(operation_id: &'static str, path_template: &'static str) -> &'static str {
        let _ = operation_id;
        okta_bucket(path_template)
    }

    /// A concurrency 429: Okta reports the concurrent values instead of the bucket's, and "the
    /// first two header values are always 0 for concurrent rate limit errors" (Okta developer
    /// docs, "Monitor rate limits", okta/okta-developer-docs PR #6155; "Rate limit best
    /// practices": "when a request exceeds the limit for concurrent requests,
    /// X-Rate-Limit-Limit, X-Rate-Limit-Remaining, and X-Rate-Limit-Reset report the concurrent
    /// values"). okta-sdk-python logs these as "Concurrent limit rate exceeded".
    fn is_concurrency_limited(_headers: &HeaderMap, rate_limit: Option<&RateLimit>) -> bool {
        rate_limit.is_some_and(|rl| rl.limit == Some(0) && rl.remaining == Some(0))
    }

    fn retry_headers(headers: &mut HeaderMap, first_request_id: Option<&str>, retry_count: u32) {
        if let Some(id) = first_request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
            headers.insert("x-okta-retry-for", id);
        }
        headers.insert("x-okta-retry-count", HeaderValue::from(retry_count));
    }
}

/// The rate-limit bucket of every `/api/v1/apps*` operation ("Create, list, or other app
/// actions" in Okta's management rate-limit table).
const BUCKET_APPS: &str = "/api/v1/apps*";

/// The rate-limit bucket of the operations Okta lists under "Most other API actions: /api/v1"
/// (hook keys).
const BUCKET_API_V1: &str = "/api/v1*";

/// The bucket a path template draws on, by Okta's management rate-limit table.
fn okta_bucket(path_template: &'static str) -> &'static str {
    if path_template == "/api/v1/apps" || path_template.starts_with("/api/v1/apps/") {
        BUCKET_APPS
    } else if path_template.starts_with("/api/v1/hook-keys") {
        BUCKET_API_V1
    } else {
        path_template
    }
}

idp_core::define_client! {
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
    Okta
}

impl Client {
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

/// Builds a [`Client`]: the org URL, one way to authenticate, and the settings every idp
/// builder shares (transport, retry policy, timeouts, user agent, token refresh, sleeper, clock).
///
/// ```
/// # fn run() -> idp_okta::Result<()> {
/// use std::time::Duration;
/// use idp_okta::{ClientBuilder, RetryPolicy};
///
/// let okta = ClientBuilder::new()
///     .org_url("https://acme.okta.com")
///     .private_key_jwt("0oaServiceApp", "-----BEGIN PRIVATE KEY-----…", ["okta.apps.read"])
///     .token_refresh_before(Duration::from_secs(120))
///     .retry_policy(RetryPolicy::default().max_retries(2))
///     .timeout(Some(Duration::from_secs(10)));
/// # let _ = okta; Ok(()) }
/// ```
pub struct ClientBuilder {
    core: idp_core::ClientBuilder<Okta>,
    org_url: Option<String>,
    auth: Option<AuthMode>,
    key_id: Option<String>,
    dpop: bool,
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
        }
    }

    idp_core::forward_builder_settings!(core);

    /// The org URL, `https://acme.okta.com` (the scheme may be left out; plain `http` only for
    /// loopback hosts).
    #[must_use]
    pub fn org_url(mut self, url: impl Into<String>) -> Self {
        self.org_url = Some(url.into());
        self
    }

    /// Authenticates with an API token: `Authorization: SSWS <token>`.
    #[must_use]
    pub fn api_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(AuthMode::ApiToken(token.into()));
        self
    }

    /// Authenticates with an OAuth 2.0 access token you obtained: `Authorization: Bearer <token>`.
    /// It is not refreshed.
    #[must_use]
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(AuthMode::AccessToken(token.into()));
        self
    }

    /// Authenticates as an OAuth 2.0 service app with `private_key_jwt` client credentials:
    /// `client_id`, the private key registered with the app — PEM (PKCS#8 or PKCS#1 RSA, or
    /// PKCS#8 EC P-256) or a private JWK as the Okta console generates it (RSA, or EC P-256; its
    /// `kid` is sent unless [`ClientBuilder::key_id`] says otherwise) — and the `okta.*` scopes.
    ///
    /// **DPoP is on by default** (Okta service apps now default to "Require DPoP"); turn it off with
    /// [`ClientBuilder::dpop`]`(false)` for apps that do not require it. Set the key's `kid` with
    /// [`ClientBuilder::key_id`] when the app has several keys. Tokens are refreshed
    /// [`TOKEN_REFRESH_BEFORE`] before they expire unless
    /// [`ClientBuilder::token_refresh_before`] says otherwise.
    #[must_use]
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
    #[must_use]
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.key_id = Some(kid.into());
        self
    }

    /// Turns DPoP on (default) or off for `private_key_jwt`.
    #[must_use]
    pub fn dpop(mut self, on: bool) -> Self {
        self.dpop = on;
        self
    }

    /// Builds the client. Credentials set with [`ClientBuilder::credentials`] replace the three
    /// built-in modes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a missing or invalid org
    /// URL, missing credentials, an empty token or an unusable private key (never echoed).
    pub fn build(self) -> Result<Client> {
        let org = org_url(self.org_url)?;
        let mut core = self.core.base_url(org.as_str());
        if !core.has_credentials() {
            let refresh_before = core.token_refresh_setting().unwrap_or(TOKEN_REFRESH_BEFORE);
            let credentials =
                built_in_credentials(self.auth, &org, self.key_id, self.dpop, refresh_before)?;
            core = core.credentials(credentials);
        }
        Ok(Client {
            inner: core.build()?,
        })
    }
}

/// Parses and checks the org URL.
fn org_url(raw: Option<String>) -> Result<BaseUrl> {
    let raw = raw.ok_or_else(|| {
        Error::invalid_input("okta: an org URL is required (org_url or OKTA_CLIENT_ORGURL)")
    })?;
    // The checks of Okta's Python SDK (`okta/config/config_validator.py`, `_validate_org_url`).
    let lower = raw.trim().to_ascii_lowercase();
    if lower.contains("{youroktadomain}") {
        return Err(Error::invalid_input(
            "okta: replace {yourOktaDomain} in the org URL with your Okta domain",
        ));
    }
    if lower.matches("://").count() > 1 {
        return Err(Error::invalid_input(
            "okta: the org URL has a typo (`://` appears twice); it should look like https://acme.okta.com",
        ));
    }
    let org = BaseUrl::parse(&raw)?;
    let host = org.host().to_ascii_lowercase();
    if host.contains("-admin") {
        return Err(Error::invalid_input(
            "okta: the org URL must not be the admin console URL (remove `-admin` from the host)",
        ));
    }
    if host.ends_with(".com.com") {
        return Err(Error::invalid_input(
            "okta: the org URL has a typo (the host ends in `.com.com`)",
        ));
    }
    Ok(org)
}

/// Whether a secret still holds a documentation placeholder (`{apiToken}`, compared in lower
/// case as Okta's Python SDK does); the secret itself is never shown.
fn is_placeholder(secret: &SecretString, placeholder: &str) -> bool {
    use idp_core::auth::ExposeSecret;
    secret
        .expose_secret()
        .to_ascii_lowercase()
        .contains(placeholder)
}

/// The credentials of a built-in authentication mode.
fn built_in_credentials(
    auth: Option<AuthMode>,
    org: &BaseUrl,
    key_id: Option<String>,
    dpop: bool,
    refresh_before: Duration,
) -> Result<Arc<dyn Credentials>> {
    Ok(match auth {
        Some(AuthMode::ApiToken(t)) if is_placeholder(&t, "{apitoken}") => {
            return Err(Error::invalid_input(
                "okta: replace {apiToken} with your Okta API token",
            ));
        }
        Some(AuthMode::PrivateKey { client_id, .. })
            if client_id.to_ascii_lowercase().contains("{clientid}") =>
        {
            return Err(Error::invalid_input(
                "okta: replace {clientId} with the client id of your service app",
            ));
        }
        Some(AuthMode::ApiToken(t)) => Arc::new(StaticToken::new("SSWS", &t)?),
        Some(AuthMode::AccessToken(t)) => Arc::new(StaticToken::bearer(&t)?),
        Some(AuthMode::PrivateKey {
            client_id,
            key_pem,
            scopes,
        }) => {
            let source = OktaOAuth::new(OktaOAuthConfig {
                org_url: org.clone(),
                client_id,
                private_key_pem: key_pem,
                scopes,
                key_id,
                dpop,
            })?;
            Arc::new(CachedToken::new(source).refresh_before(refresh_before))
        }
        None => {
            return Err(Error::invalid_input(
                "okta: no credentials; call api_token, access_token or private_key_jwt",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    use idp_test_support::{epoch as at, headers};

    /// `Date: Tue, 14 Nov 2023 22:13:20 GMT` is 1 700 000 000 s after the epoch.
    const DATE: (&str, &str) = ("date", "Tue, 14 Nov 2023 22:13:20 GMT");

    fn window(secs: u64) -> Option<RetryHint> {
        Some(RetryHint::WindowResets(Duration::from_secs(secs)))
    }

    #[test]
    fn reset_is_measured_against_the_date_header_not_the_local_clock() {
        let h = headers(&[DATE, ("x-rate-limit-reset", "1700000009")]);
        // 9 s to the reset by the server's clock, + 1 s, whatever the local clock says.
        assert_eq!(Okta::retry_hint(&h, at(1_700_003_600)), window(10));
        assert_eq!(Okta::retry_hint(&h, at(0)), window(10));
    }

    #[test]
    fn without_date_the_local_clock_is_used() {
        let h = headers(&[("x-rate-limit-reset", "1700000004")]);
        assert_eq!(Okta::retry_hint(&h, at(1_700_000_000)), window(5));
    }

    #[test]
    fn a_duplicated_reset_takes_the_smallest() {
        let h = headers(&[
            DATE,
            ("x-rate-limit-reset", "1700000030"),
            ("x-rate-limit-reset", "1700000004"),
        ]);
        assert_eq!(Okta::retry_hint(&h, at(0)), window(5));
        let joined = headers(&[DATE, ("x-rate-limit-reset", "1700000030, 1700000002")]);
        assert_eq!(Okta::retry_hint(&joined, at(0)), window(3));
    }

    #[test]
    fn retry_after_wins_over_the_reset_and_gets_no_margin() {
        let h = headers(&[
            DATE,
            ("retry-after", "4"),
            ("x-rate-limit-reset", "1700000030"),
        ]);
        assert_eq!(
            Okta::retry_hint(&h, at(0)),
            Some(RetryHint::RetryAfter(Duration::from_secs(4)))
        );
        let dated = headers(&[
            DATE,
            ("retry-after", "Tue, 14 Nov 2023 22:13:27 GMT"),
            ("x-rate-limit-reset", "1700000030"),
        ]);
        assert_eq!(
            Okta::retry_hint(&dated, at(0)),
            Some(RetryHint::RetryAfter(Duration::from_secs(7)))
        );
    }

    #[test]
    fn a_past_reset_waits_only_the_margin() {
        let h = headers(&[DATE, ("x-rate-limit-reset", "1600000000")]);
        assert_eq!(Okta::retry_hint(&h, at(0)), window(1));
        assert_eq!(
            Okta::retry_hint(&h, at(0)).map(RetryHint::wait),
            Some(RESET_MARGIN)
        );
    }

    #[test]
    fn the_margin_is_one_second_on_top_of_the_reset() {
        assert_eq!(RESET_MARGIN, Duration::from_secs(1));
        let exact = headers(&[DATE, ("x-rate-limit-reset", "1700000000")]);
        assert_eq!(Okta::retry_hint(&exact, at(0)), window(1));
        let later = headers(&[DATE, ("x-rate-limit-reset", "1700000060")]);
        assert_eq!(Okta::retry_hint(&later, at(0)), window(61));
    }

    #[test]
    fn huge_values_are_long_waits_not_panics() {
        let max = "18446744073709551615";
        for name in ["x-rate-limit-reset", "retry-after"] {
            let mut h = headers(&[DATE]);
            h.append(name, HeaderValue::from_static(max));
            let hint = Okta::retry_hint(&h, at(1_700_000_000));
            assert!(
                hint.is_some_and(|d| d.wait() > Duration::from_secs(60)),
                "{name}: {hint:?}"
            );
            let rl = Okta::rate_limit(&h, at(1_700_000_000));
            assert!(rl.is_none_or(|r| r.reset.is_none()), "{name}: {rl:?}");
        }
    }

    #[test]
    fn no_hint_without_retry_after_or_reset_and_garbage_is_ignored() {
        assert_eq!(Okta::retry_hint(&headers(&[DATE]), at(0)), None);
        let garbage = headers(&[DATE, ("x-rate-limit-reset", "soon")]);
        assert_eq!(Okta::retry_hint(&garbage, at(0)), None);
        let bad_retry_after = headers(&[
            DATE,
            ("retry-after", "soon"),
            ("x-rate-limit-reset", "1700000002"),
        ]);
        assert_eq!(Okta::retry_hint(&bad_retry_after, at(0)), window(3));
    }

    #[test]
    fn rate_limit_reads_okta_headers_with_the_smallest_value_binding() {
        let h = headers(&[
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-limit", "50"),
            ("x-rate-limit-remaining", "7"),
            ("x-rate-limit-reset", "1700000060"),
        ]);
        let rl = Okta::rate_limit(&h, at(0)).map(|r| (r.limit, r.remaining, r.reset));
        assert_eq!(rl, Some((Some(50), Some(7), Some(at(1_700_000_060)))));
        assert_eq!(Okta::rate_limit(&headers(&[DATE]), at(0)), None);
        let ietf = headers(&[("ratelimit-limit", "10"), ("ratelimit-reset", "3")]);
        assert_eq!(Okta::rate_limit(&ietf, at(0)), None, "not Okta's headers");
    }

    #[test]
    fn retry_headers_name_the_first_request_and_count() {
        let mut h = HeaderMap::new();
        Okta::retry_headers(&mut h, Some("req-429"), 2);
        assert_eq!(
            h.get("x-okta-retry-for").and_then(|v| v.to_str().ok()),
            Some("req-429")
        );
        assert_eq!(
            h.get("x-okta-retry-count").and_then(|v| v.to_str().ok()),
            Some("2")
        );
    }

    #[test]
    fn every_operation_draws_on_its_documented_bucket() {
        for op in crate::OPERATIONS {
            let expected = if op.path.starts_with("/api/v1/apps/") {
                "/api/v1/apps*"
            } else if op.path.starts_with("/api/v1/hook-keys") {
                "/api/v1*"
            } else {
                panic!("no bucket mapped for {} {}", op.id, op.path)
            };
            assert_eq!(Okta::rate_bucket(op.id, op.path), expected, "{}", op.id);
        }
    }

    #[test]
    fn a_429_with_limit_and_remaining_zero_is_a_concurrency_limit() {
        let concurrent = headers(&[
            ("x-rate-limit-limit", "0"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1700000001"),
        ]);
        let rl = Okta::rate_limit(&concurrent, at(1_700_000_000));
        assert!(Okta::is_concurrency_limited(&concurrent, rl.as_ref()));
        let bucket = headers(&[
            ("x-rate-limit-limit", "600"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1700000060"),
        ]);
        let rl = Okta::rate_limit(&bucket, at(1_700_000_000));
        assert!(!Okta::is_concurrency_limited(&bucket, rl.as_ref()));
        assert!(!Okta::is_concurrency_limited(&HeaderMap::new(), None));
    }
}
