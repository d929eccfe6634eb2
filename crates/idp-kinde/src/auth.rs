//! Kinde machine-to-machine (M2M) authentication: the OAuth 2 client-credentials grant.
//!
//! [`KindeM2M`] posts `grant_type=client_credentials`, `client_id`, `client_secret` and `audience`
//! (form-encoded, the secret in the body as every Kinde SDK does) to
//! `https://<subdomain>.kinde.com/oauth2/token`, with a `Kinde-SDK` header. The client wraps it in
//! an [`CachedToken`](crate::CachedToken): one token cached in memory, refreshed 60 s before it expires, one
//! token request in flight however many calls need it, and one refresh and retry after a 401.
//! Kinde bills M2M tokens per issued token, so the cache matters.
//!
//! The token's lifetime is `expires_in`, else the JWT's `exp` claim (read without verifying the
//! signature: it is only used to schedule the refresh), else 3600 s.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use base64::Engine as _;
use idp_core::auth::{ExposeSecret, oauth};
use idp_core::http::HeaderValue;
use idp_core::{AccessToken, AuthContext, Error, Result, SecretString, TokenSource};

/// The `Kinde-SDK` header sent on token requests: `Rust/<crate version>/<rustc version>/rust`,
/// the four-part format of Kinde's own SDKs.
pub fn kinde_sdk_header() -> String {
    format!(
        "Rust/{}/{}/rust",
        env!("CARGO_PKG_VERSION"),
        idp_core::RUSTC_VERSION
    )
}

/// The lifetime assumed when the token response has no `expires_in` and the token no `exp`.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How long before expiry an M2M token is refreshed unless
/// [`ClientBuilder::token_refresh_before`](crate::ClientBuilder::token_refresh_before) says
/// otherwise: 60 s, as Kinde's own SDKs do (at most half the token's lifetime).
pub const DEFAULT_TOKEN_REFRESH_BEFORE: Duration = Duration::from_secs(60);

/// The client-credentials grant against Kinde's token endpoint. Use it through
/// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials), which caches
/// its tokens.
#[derive(Clone)]
pub struct KindeM2M {
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    audience: String,
}

impl fmt::Debug for KindeM2M {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KindeM2M")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("audience", &self.audience)
            .finish()
    }
}

impl KindeM2M {
    /// A grant posting to `token_url` for `audience`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for an empty client id or secret, or a client id with
    /// control characters.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: SecretString,
        audience: impl Into<String>,
    ) -> Result<Self> {
        let client_id = client_id.into().trim().to_owned();
        idp_core::auth::check_identifier("the Kinde M2M client id", &client_id)?;
        if client_secret.expose_secret().trim().is_empty() {
            return Err(Error::invalid_input(
                "the Kinde M2M client secret must not be empty",
            ));
        }
        Ok(KindeM2M {
            token_url: token_url.into(),
            client_id,
            client_secret,
            audience: audience.into(),
        })
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The audience requested (`https://<subdomain>.kinde.com/api` by default).
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// An error that cannot echo the secret, even if the server put it in its description.
    fn scrub(&self, err: Error) -> Error {
        let secret = self.client_secret.expose_secret();
        if !secret.is_empty() && err.to_string().contains(secret) {
            Error::new(err.kind(), err.message().replace(secret, "[redacted]"))
        } else {
            err
        }
    }
}

#[async_trait]
impl TokenSource for KindeM2M {
    async fn fetch(&self, cx: &AuthContext<'_>) -> Result<AccessToken> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("audience", self.audience.as_str()),
        ];
        let mut request = oauth::token_request(&self.token_url, &form)?;
        request.headers_mut().insert(
            "kinde-sdk",
            HeaderValue::try_from(kinde_sdk_header())
                .map_err(|_| Error::invalid_input("invalid Kinde-SDK header"))?,
        );
        let response = cx.send(request).await?;
        let now = cx.now();
        let token = oauth::parse_token_response(&response, now).map_err(|e| self.scrub(e))?;
        let token_type = if token.token_type().eq_ignore_ascii_case("bearer") {
            "Bearer".to_owned()
        } else {
            token.token_type().to_owned()
        };
        let expires_at = token
            .expires_at()
            .or_else(|| jwt_exp(token.secret().expose_secret()))
            .unwrap_or(now + DEFAULT_TOKEN_LIFETIME);
        Ok(AccessToken::new(token.secret().clone(), Some(expires_at)).with_token_type(token_type))
    }
}

/// A user-supplied token without a leading `Bearer ` (any case) and surrounding whitespace.
pub(crate) fn strip_bearer(token: &str) -> &str {
    let token = token.trim();
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ => token,
    }
}

/// The `exp` claim of a JWT, read without verifying anything. `None` when the token is not a JWT
/// or has no numeric `exp`.
pub(crate) fn jwt_exp(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = match claims.get("exp")? {
        serde_json::Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        _ => None,
    }?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            b64.encode(r#"{"alg":"RS256"}"#),
            b64.encode(claims)
        )
    }

    #[test]
    fn jwt_exp_is_read_without_verification() {
        let exp = jwt_exp(&jwt(
            r#"{"aud":["https://acme.kinde.com/api"],"exp":1700003600,"gty":["client_credentials"]}"#,
        ));
        assert_eq!(
            exp,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_003_600))
        );
    }

    #[test]
    fn an_exp_past_what_system_time_holds_is_none_not_a_panic() {
        assert_eq!(jwt_exp(&jwt(r#"{"exp":1e30}"#)), None);
        assert_eq!(jwt_exp(&jwt(r#"{"exp":18446744073709551615}"#)), None);
    }

    #[test]
    fn bearer_prefix_is_stripped() {
        assert_eq!(strip_bearer("Bearer xyz"), "xyz");
        assert_eq!(strip_bearer("  bEaReR   xyz "), "xyz");
        assert_eq!(strip_bearer("xyz"), "xyz");
        assert_eq!(strip_bearer("Bearerxyz"), "Bearerxyz");
        assert_eq!(strip_bearer("Bear"), "Bear");
    }

    #[test]
    fn non_jwts_have_no_exp() {
        for t in [
            "opaque-token",
            "a.b",
            "a.b.c.d",
            &jwt(r#"{"iat":1}"#),
            &jwt(r#"{"exp":"soon"}"#),
            "a.!!!.c",
        ] {
            assert_eq!(jwt_exp(t), None, "{t}");
        }
    }

    #[test]
    fn debug_redacts_the_secret() -> Result<()> {
        let m2m = KindeM2M::new(
            "https://acme.kinde.com/oauth2/token",
            "client-1",
            SecretString::from("SUPER-SECRET"),
            "https://acme.kinde.com/api",
        )?;
        let text = format!("{m2m:?}");
        assert!(
            !text.contains("SUPER-SECRET") && text.contains("client-1"),
            "{text}"
        );
        Ok(())
    }

    #[test]
    fn empty_credentials_are_invalid_input() {
        let err = KindeM2M::new("u", " ", SecretString::from("s"), "a").err();
        assert_eq!(
            err.map(|e| e.kind()),
            Some(idp_core::ErrorKind::InvalidInput)
        );
        let err = KindeM2M::new("u", "id", SecretString::from(""), "a").err();
        assert_eq!(
            err.map(|e| e.kind()),
            Some(idp_core::ErrorKind::InvalidInput)
        );
    }

    #[test]
    fn sdk_header_has_four_parts() {
        assert_eq!(kinde_sdk_header().split('/').count(), 4);
        assert!(kinde_sdk_header().starts_with(concat!("Rust/", env!("CARGO_PKG_VERSION"), "/")));
        assert!(kinde_sdk_header().ends_with("/rust"));
    }
}
