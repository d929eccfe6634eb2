//! Authress credentials.
//!
//! - [`AccessKey`] + [`AccessKeyTokens`]: a service client access key
//!   `clientId.keyId.accountId.privateKey` (the private key is base64 of a PKCS#8 DER Ed25519
//!   key). The SDK signs its own short-lived JWT with it locally (EdDSA, header
//!   `{alg: EdDSA, kid: keyId, typ: at+jwt}`), exactly as the official JavaScript, C# and Python
//!   SDKs do, so the private key never leaves the process. The token lives 24 hours and is
//!   reused until less than one hour is left, then signed again (no network involved).
//! - A user's bearer token passed through (`ClientBuilder::user_token`).
//! - The raw access key sent as the bearer (`ClientBuilder::raw_access_key_as_bearer`), only on
//!   explicit request: Authress accepts it, but it puts the private key on the wire.
//!
//! Secrets never appear in `Debug` output or error messages.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use idp_core::{AccessToken, AuthContext, BaseUrl, Error, Result, SecretString, TokenSource};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretSlice};
use serde::Serialize;

/// How long a locally signed token is valid (24 h, as the official SDKs).
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A cached token is signed again when less than this is left (1 h, as the official SDKs).
pub const REFRESH_BEFORE: Duration = Duration::from_secs(60 * 60);

/// How far back `nbf` is set, to tolerate clock skew (as the C# SDK).
const NOT_BEFORE_SKEW: Duration = Duration::from_secs(10 * 60);

/// A parsed service client access key: `clientId.keyId.accountId.privateKey`.
///
/// The private key is held as a secret; `Debug` shows only the ids.
///
/// ```
/// use idp_authress::auth::AccessKey;
/// let err = AccessKey::parse("not-a-key").unwrap_err();
/// assert_eq!(err.kind(), idp_authress::ErrorKind::InvalidInput);
/// assert!(!err.to_string().contains("not-a-key"));
/// ```
#[derive(Clone)]
pub struct AccessKey {
    client_id: String,
    key_id: String,
    account_id: String,
    private_key: SecretSlice<u8>,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("client_id", &self.client_id)
            .field("key_id", &self.key_id)
            .field("account_id", &self.account_id)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

fn malformed(reason: &str) -> Error {
    Error::invalid_input(format!(
        "the Authress access key is malformed: {reason} (expected clientId.keyId.accountId.privateKey \
         as shown for the service client in the Authress portal)"
    ))
}

/// The legacy access key format: standard base64 of a JSON object
/// `{keyId, privateKey (PEM RSA), audience, clientId}`, which authress-sdk.py still accepts
/// (`authress/utils/service_client_token_provider.py`: `json.loads(base64.b64decode(access_key))`,
/// then signs RS256; its `test/test_service_client_token_provider.py` uses one). It starts with
/// `eyJ` like a JWT, but has no `.`.
fn is_legacy_key(key: &str) -> bool {
    if key.contains('.') || !key.starts_with("eyJ") {
        return false;
    }
    let unpadded = key.trim_end_matches('=');
    let Ok(bytes) = STANDARD_NO_PAD
        .decode(unpadded)
        .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
    else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(map)) => ["privateKey", "clientId", "audience"]
            .iter()
            .any(|field| map.contains_key(*field)),
        _ => false,
    }
}

impl AccessKey {
    /// Parses and validates an access key. Surrounding whitespace is ignored; the private key may
    /// be standard or URL-safe base64, with or without padding.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when the key is not four dot-separated parts, a part is
    /// empty, it looks like a JWT, it is in the legacy base64-JSON (RS256) format, or the private
    /// key is not a base64 PKCS#8 Ed25519 key. The message says which format is expected and
    /// never contains the key.
    pub fn parse(key: &str) -> Result<AccessKey> {
        let key = key.trim();
        if is_legacy_key(key) {
            return Err(malformed(
                "it is a legacy access key (base64 of a JSON object with clientId, keyId, audience \
                 and an RSA privateKey), which this SDK does not support; create a new access key \
                 for the service client in the Authress portal",
            ));
        }
        if key.starts_with("eyJ") {
            return Err(malformed(
                "it looks like a JWT; pass a user's token with `user_token` instead",
            ));
        }
        let parts: Vec<&str> = key.split('.').collect();
        let [client_id, key_id, account_id, private_key] = parts.as_slice() else {
            return Err(malformed(&format!(
                "it has {} dot-separated parts instead of 4",
                parts.len()
            )));
        };
        if client_id.is_empty()
            || key_id.is_empty()
            || account_id.is_empty()
            || private_key.is_empty()
        {
            return Err(malformed("a part is empty"));
        }
        let unpadded = private_key.trim_end_matches('=');
        let der = STANDARD_NO_PAD
            .decode(unpadded)
            .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
            .map_err(|_| malformed("the private key is not valid base64"))?;
        if ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).is_err() {
            return Err(malformed("the private key is not a PKCS#8 Ed25519 key"));
        }
        Ok(AccessKey {
            client_id: (*client_id).to_owned(),
            key_id: (*key_id).to_owned(),
            account_id: (*account_id).to_owned(),
            private_key: SecretSlice::from(der),
        })
    }

    /// The service client id (`sub` and `client_id` of the signed token).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The key id (`kid` of the signed token).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The Authress account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The account's API host, `https://<accountId>.api.authress.io` (used when no base URL is set).
    pub fn default_base_url(&self) -> String {
        format!("https://{}.api.authress.io", self.account_id)
    }

    /// The token audience, `<accountId>.accounts.authress.io`.
    pub fn audience(&self) -> String {
        format!("{}.accounts.authress.io", self.account_id)
    }
}

/// Signs service client tokens locally from an [`AccessKey`]; wrap it in
/// [`crate::CachedToken`] (the client builder does) to reuse them until one hour before expiry.
///
/// Claims: `iss` = `<origin>/v1/clients/<clientId>` where origin is the custom domain, or
/// `https://<accountId>.api.authress.io` when the base URL is an `*.authress.io` host; `sub` and
/// `client_id` = clientId; `aud` = `<accountId>.accounts.authress.io`; `iat`; `nbf` = iat − 10 min;
/// `exp` = iat + 24 h; `scope` = `openid`.
pub struct AccessKeyTokens {
    key: AccessKey,
    issuer: String,
}

impl fmt::Debug for AccessKeyTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyTokens")
            .field("key", &self.key)
            .field("issuer", &self.issuer)
            .finish()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    client_id: &'a str,
    aud: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    scope: &'static str,
}

impl AccessKeyTokens {
    /// A token source for `key`, talking to the API at `base_url`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidInput`] when the client id cannot be put in the issuer URL.
    pub fn new(key: AccessKey, base_url: &BaseUrl) -> Result<Self> {
        let host = base_url.host().to_ascii_lowercase();
        let origin = if host == "authress.io" || host.ends_with(".authress.io") {
            key.default_base_url()
        } else {
            base_url.url().origin().ascii_serialization()
        };
        let issuer = format!(
            "{origin}/v1/clients/{}",
            idp_core::encode_segment("clientId", &key.client_id)?
        );
        Ok(AccessKeyTokens { key, issuer })
    }

    /// The `iss` claim of the tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The access key.
    pub fn key(&self) -> &AccessKey {
        &self.key
    }

    /// Signs a token valid from `now` for [`TOKEN_LIFETIME`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Auth`] when the clock is before 1970 or signing fails.
    pub fn sign(&self, now: SystemTime) -> Result<AccessToken> {
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::auth("the clock is before 1970; cannot sign an Authress token"))?
            .as_secs();
        let exp = iat + TOKEN_LIFETIME.as_secs();
        let claims = Claims {
            iss: &self.issuer,
            sub: &self.key.client_id,
            client_id: &self.key.client_id,
            aud: self.key.audience(),
            iat,
            nbf: iat.saturating_sub(NOT_BEFORE_SKEW.as_secs()),
            exp,
            scope: "openid",
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.key.key_id.clone());
        header.typ = Some("at+jwt".to_owned());
        let signing_key = EncodingKey::from_ed_der(self.key.private_key.expose_secret());
        let jwt = jsonwebtoken::encode(&header, &claims, &signing_key)
            .map_err(|_| Error::auth("the Authress service client token could not be signed"))?;
        Ok(AccessToken::new(
            SecretString::from(jwt),
            Some(UNIX_EPOCH + Duration::from_secs(exp)),
        ))
    }
}

#[async_trait]
impl TokenSource for AccessKeyTokens {
    async fn fetch(&self, cx: &AuthContext<'_>) -> Result<AccessToken> {
        self.sign(cx.now())
    }
}

/// Removes a leading `Bearer ` (any case) from a user's token.
pub(crate) fn strip_bearer(token: &str) -> &str {
    let token = token.trim();
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ => token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn pkcs8() -> Vec<u8> {
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map(|d| d.as_ref().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn parses_standard_and_url_safe_base64() -> Result<()> {
        let der = pkcs8();
        for encoded in [
            STANDARD.encode(&der),
            URL_SAFE.encode(&der),
            URL_SAFE_NO_PAD.encode(&der),
        ] {
            let key = AccessKey::parse(&format!(" sc_a.kid1.acc-1.{encoded}\n"))?;
            assert_eq!(
                (key.client_id(), key.key_id(), key.account_id()),
                ("sc_a", "kid1", "acc-1")
            );
            assert_eq!(key.default_base_url(), "https://acc-1.api.authress.io");
            assert_eq!(key.audience(), "acc-1.accounts.authress.io");
        }
        Ok(())
    }

    #[test]
    fn parses_a_48_byte_pkcs8_v1_key_like_authress_issues() -> Result<()> {
        // Authress keys are PKCS#8 v1 (48 bytes, no public key): rebuild one from ring's seed.
        let der = pkcs8();
        let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| Error::auth("ring"))?;
        let seed = &der[16..48];
        let mut v1 = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        v1.extend_from_slice(seed);
        let encoded = STANDARD.encode(&v1);
        assert!(encoded.starts_with("MC4CAQAwBQYDK2VwBCIEI"));
        let key = AccessKey::parse(&format!("sc_a.kid1.acc-1.{encoded}"))?;
        let rebuilt = Ed25519KeyPair::from_pkcs8_maybe_unchecked(key.private_key.expose_secret())
            .map_err(|_| Error::auth("ring"))?;
        assert_eq!(rebuilt.public_key().as_ref(), pair.public_key().as_ref());
        Ok(())
    }

    #[test]
    fn malformed_keys_are_refused_without_echo() {
        let der = STANDARD.encode(pkcs8());
        let cases = [
            ("", "parts"),
            ("sc_a.kid1.acc-1", "parts"),
            ("sc_a.kid1.acc-1.SECRETPART.extra", "parts"),
            ("sc_a..acc-1.SECRETPART", "empty"),
            ("sc_a.kid1.acc-1.SECRET*PART!", "base64"),
            ("sc_a.kid1.acc-1.U0VDUkVUUEFSVA==", "Ed25519"),
            (
                "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJTRUNSRVRQQVJUIn0.c2ln",
                "JWT",
            ),
        ];
        for (input, reason) in cases {
            let err = AccessKey::parse(input).err();
            let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(idp_core::ErrorKind::InvalidInput),
                "{input}"
            );
            assert!(text.contains(reason), "{text}");
            assert!(!text.contains("SECRET") && !text.contains("eyJ"), "{text}");
        }
        let ok = AccessKey::parse(&format!("sc_a.kid1.acc-1.{der}"));
        assert!(!format!("{ok:?}").contains(&der[..20]));
    }

    #[test]
    fn issuer_uses_the_account_host_for_authress_domains_and_the_custom_domain_otherwise()
    -> Result<()> {
        let key = AccessKey::parse(&format!(
            "sc_service_client.uDeF.acc-test_account_id.{}",
            STANDARD.encode(pkcs8())
        ))?;
        let regional = AccessKeyTokens::new(
            key.clone(),
            &BaseUrl::parse("acc-test_account_id.api-eu-west.authress.io")?,
        )?;
        assert_eq!(
            regional.issuer(),
            "https://acc-test_account_id.api.authress.io/v1/clients/sc_service_client"
        );
        let custom = AccessKeyTokens::new(key, &BaseUrl::parse("https://login.example.com/")?)?;
        assert_eq!(
            custom.issuer(),
            "https://login.example.com/v1/clients/sc_service_client"
        );
        Ok(())
    }

    #[test]
    fn bearer_prefix_is_stripped() {
        assert_eq!(strip_bearer("Bearer eyJabc"), "eyJabc");
        assert_eq!(strip_bearer("  bearer  eyJabc "), "eyJabc");
        assert_eq!(strip_bearer("eyJabc"), "eyJabc");
    }
}
