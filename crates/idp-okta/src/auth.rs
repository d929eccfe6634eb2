//! Okta authentication: API tokens (`SSWS`), caller-supplied access tokens (`Bearer`), and OAuth 2.0
//! service apps with `private_key_jwt` client credentials and DPoP ([`OktaOAuth`]).

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue, StatusCode, Uri};
use idp_core::auth::{ExposeSecret, authorization_value, oauth};
use idp_core::{
    AccessToken, AuthContext, BaseUrl, Error, HttpRequest, HttpResponse, OnUnauthorized, Result,
    SecretString, TokenSource,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde::Serialize;

/// The client assertion type of `private_key_jwt`.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long a client assertion is valid (Okta accepts at most one hour).
pub const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);
/// How early a cached access token is refreshed (Okta's Python SDK default: 5 minutes).
pub const TOKEN_REFRESH_BEFORE: Duration = Duration::from_secs(300);

/// A private key that signs client assertions (RS256 or ES256). `Debug` shows only the algorithm.
#[derive(Clone)]
pub(crate) struct AssertionKey {
    alg: Algorithm,
    key: EncodingKey,
}

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl AssertionKey {
    /// Loads a private key given as PEM or as a JWK (JSON: RSA, or EC P-256; the format the Okta
    /// console generates by default, and that Okta's Python and Go SDKs accept), with the
    /// JWK's `kid` when it has one.
    ///
    /// Errors are [`idp_core::ErrorKind::InvalidInput`] and never echo the key.
    pub(crate) fn load(key: &SecretString) -> Result<(Self, Option<String>)> {
        let text = key.expose_secret();
        if !crate::jwk::looks_like_jwk(text) {
            return Ok((Self::from_pem(key)?, None));
        }
        let jwk = crate::jwk::from_jwk(text)?;
        let key = AssertionKey {
            alg: jwk.alg,
            key: jwk.key,
        };
        key.probe()?;
        Ok((key, jwk.kid))
    }

    /// Keys are only parsed for real when signing: sign once now so a bad key fails at build.
    fn probe(&self) -> Result<()> {
        let alg = self.alg;
        jsonwebtoken::encode(&Header::new(alg), &serde_json::json!({ "probe": true }), &self.key)
            .map(|_| ())
            .map_err(|_| {
                Error::invalid_input(format!(
                    "the private key cannot sign {alg:?} client assertions (RSA keys need at least 2048 bits; EC keys must be P-256)"
                ))
            })
    }

    /// Loads a PEM private key: PKCS#8 RSA (`BEGIN PRIVATE KEY`), PKCS#1 RSA
    /// (`BEGIN RSA PRIVATE KEY`) or PKCS#8 EC P-256. RSA keys sign RS256, EC keys ES256.
    ///
    /// Errors are [`idp_core::ErrorKind::InvalidInput`] and never echo the key.
    pub(crate) fn from_pem(pem: &SecretString) -> Result<Self> {
        let pem = pem.expose_secret().trim();
        if pem.contains("BEGIN ENCRYPTED PRIVATE KEY") {
            return Err(Error::invalid_input(
                "the private key is encrypted; decrypt it first (openssl pkcs8 -topk8 -nocrypt)",
            ));
        }
        if pem.contains("BEGIN EC PRIVATE KEY") {
            return Err(Error::invalid_input(
                "SEC1 EC private keys (`BEGIN EC PRIVATE KEY`) are not supported; convert the key to PKCS#8 \
                 (openssl pkcs8 -topk8 -nocrypt)",
            ));
        }
        if !(pem.contains("BEGIN PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
            return Err(Error::invalid_input(
                "the private key is not a PEM private key (expected `BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`)",
            ));
        }
        let bytes = pem.as_bytes();
        let (alg, key) = if let Ok(key) = EncodingKey::from_rsa_pem(bytes) {
            (Algorithm::RS256, key)
        } else if let Ok(key) = EncodingKey::from_ec_pem(bytes) {
            (Algorithm::ES256, key)
        } else {
            return Err(Error::invalid_input(
                "the private key could not be read: expected an RSA key (PKCS#1 or PKCS#8) or a PKCS#8 EC P-256 key",
            ));
        };
        let key = AssertionKey { alg, key };
        key.probe()?;
        Ok(key)
    }

    /// The JWS algorithm (`RS256` or `ES256`).
    pub(crate) fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An ephemeral ES256 (P-256) key that signs DPoP proofs. Generated per client; `Debug` shows
/// only its public JWK thumbprint input.
pub(crate) struct DpopKey {
    pair: EcdsaKeyPair,
    jwk: serde_json::Value,
    rng: SystemRandom,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("alg", &"ES256")
            .finish_non_exhaustive()
    }
}

impl DpopKey {
    pub(crate) fn generate() -> Result<Self> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| Error::auth("could not generate the DPoP key"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| Error::auth("could not load the DPoP key"))?;
        let public = pair.public_key().as_ref();
        // Uncompressed point: 0x04 || X (32 bytes) || Y (32 bytes).
        if public.len() != 65 {
            return Err(Error::auth("unexpected DPoP public key encoding"));
        }
        let jwk = serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": b64(&public[1..33]),
            "y": b64(&public[33..65]),
        });
        Ok(DpopKey { pair, jwk, rng })
    }

    /// A DPoP proof JWT for `htm` `htu` (RFC 9449), with `nonce` and `ath` when given.
    pub(crate) fn proof(
        &self,
        htm: &str,
        htu: &str,
        nonce: Option<&str>,
        ath: Option<&str>,
        now: SystemTime,
    ) -> Result<String> {
        let header = serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk });
        let mut claims = serde_json::json!({
            "htm": htm,
            "htu": htu,
            "iat": epoch_secs(now),
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        if let Some(map) = claims.as_object_mut() {
            if let Some(nonce) = nonce {
                map.insert("nonce".into(), nonce.into());
            }
            if let Some(ath) = ath {
                map.insert("ath".into(), ath.into());
            }
        }
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let sig = self
            .pair
            .sign(&self.rng, input.as_bytes())
            .map_err(|_| Error::auth("could not sign the DPoP proof"))?;
        Ok(format!("{input}.{}", b64(sig.as_ref())))
    }
}

/// `htu`: the request URL without query and fragment.
pub(crate) fn htu(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("https");
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    format!("{scheme}://{authority}{}", uri.path())
}

/// `ath`: base64url(SHA-256(access token)).
pub(crate) fn ath(token: &str) -> String {
    b64(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref())
}

fn dpop_nonce(headers: &HeaderMap) -> Option<String> {
    headers
        .get("dpop-nonce")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The OAuth 2.0 client-credentials grant of an Okta service app with `private_key_jwt`, with
/// DPoP (on by default). Use it through [`idp_core::CachedToken`] (the client builder does):
/// tokens are cached, refreshed five minutes early, fetched once however many tasks ask.
///
/// - Token request: `POST {org}/oauth2/v1/token`, form `grant_type=client_credentials`, `scope`,
///   `client_assertion_type`, `client_assertion` (a JWT signed with your key: `iss` = `sub` =
///   client id, `aud` = the token URL, `iat`, `exp` = `iat` + 5 min, `jti`, optional `kid`).
/// - DPoP: every token request and API call carries a `DPoP` proof signed with a per-client
///   ES256 key; a `use_dpop_nonce` challenge (400 from the token endpoint; 400 from the API as
///   Okta sends it, or 401 as RFC 9449 says) is answered once with the server's `DPoP-Nonce`;
///   API calls send `Authorization: DPoP <token>` and a proof with `ath`.
/// - An app that does not use DPoP: if Okta issues a `Bearer` token to a proof-bound request
///   (okta-sdk-golang PR #597 reports it ignores the proof), or refuses the proof
///   (`400 invalid_dpop_proof`, or `invalid_request` naming DPoP), the source sends one plain
///   token request instead and, when that succeeds, remembers it: later token requests carry
///   no proof and API calls use `Bearer`. If the plain request is refused for want of a proof,
///   the app requires DPoP and the first refusal (Okta's description of the proof) is the
///   error. The refused attempt costs one extra token request (and a failed grant in the org's
///   System Log) once per client; `.dpop(false)` skips the proof from the start.
pub struct OktaOAuth {
    token_url: String,
    client_id: String,
    scopes: String,
    key_id: Option<String>,
    key: AssertionKey,
    dpop: Option<DpopKey>,
    /// The app turned out not to use DPoP: token requests go without a proof.
    plain: AtomicBool,
    token_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
}

impl fmt::Debug for OktaOAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaOAuth")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("key_id", &self.key_id)
            .field("alg", &self.key.algorithm())
            .field("dpop", &self.dpop.is_some())
            .finish_non_exhaustive()
    }
}

/// What [`OktaOAuth::new`] needs.
#[derive(Clone)]
pub struct OktaOAuthConfig {
    /// The org URL (`https://acme.okta.com`).
    pub org_url: BaseUrl,
    /// The service app's client id.
    pub client_id: String,
    /// The private key registered with the service app: PEM (PKCS#8 or PKCS#1 RSA, PKCS#8 EC
    /// P-256) or a private JWK (RSA, or EC P-256), whose `kid` is used unless `key_id` is set.
    pub private_key_pem: SecretString,
    /// The `okta.*` scopes to ask for.
    pub scopes: Vec<String>,
    /// The key's `kid` (needed when the app has several keys; a JWK's own `kid` otherwise).
    pub key_id: Option<String>,
    /// Whether to use DPoP.
    pub dpop: bool,
}

impl fmt::Debug for OktaOAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaOAuthConfig")
            .field("org_url", &self.org_url)
            .field("client_id", &self.client_id)
            .field("private_key_pem", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("key_id", &self.key_id)
            .field("dpop", &self.dpop)
            .finish()
    }
}

impl OktaOAuth {
    /// A token source for an Okta service app.
    ///
    /// # Errors
    /// [`idp_core::ErrorKind::InvalidInput`] for an empty client id, no scopes or an unusable
    /// private key (the message never shows the key).
    pub fn new(config: OktaOAuthConfig) -> Result<Self> {
        idp_core::auth::check_identifier(
            "private_key_jwt: the client id",
            config.client_id.trim(),
        )?;
        if let Some(kid) = config.key_id.as_deref().filter(|k| !k.trim().is_empty()) {
            idp_core::auth::check_identifier("private_key_jwt: the key id", kid)?;
        }
        let scopes: Vec<&str> = config
            .scopes
            .iter()
            .flat_map(|s| s.split([',', ' ']))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if scopes.is_empty() {
            return Err(Error::invalid_input(
                "private_key_jwt: at least one scope is required (e.g. okta.apps.read)",
            ));
        }
        let (key, jwk_kid) = AssertionKey::load(&config.private_key_pem)?;
        let dpop = if config.dpop {
            Some(DpopKey::generate()?)
        } else {
            None
        };
        Ok(OktaOAuth {
            token_url: format!("{}/oauth2/v1/token", config.org_url.as_str()),
            client_id: config.client_id.trim().to_owned(),
            scopes: scopes.join(" "),
            key_id: config.key_id.filter(|k| !k.trim().is_empty()).or(jwk_kid),
            key,
            dpop,
            plain: AtomicBool::new(false),
            token_nonce: Mutex::new(None),
            resource_nonce: Mutex::new(None),
        })
    }

    /// The token endpoint (`{org}/oauth2/v1/token`).
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// Whether DPoP is on: configured, and the service app has not shown that it does not use
    /// it (by refusing a proof or issuing a `Bearer` token to a proof-bound request).
    pub fn dpop_enabled(&self) -> bool {
        self.proofs_on_token_requests()
    }

    /// A signed client assertion.
    fn assertion(&self, now: SystemTime) -> Result<String> {
        let iat = epoch_secs(now);
        let claims = AssertionClaims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: &self.token_url,
            iat,
            exp: iat + ASSERTION_LIFETIME.as_secs(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        let mut header = Header::new(self.key.alg);
        header.kid.clone_from(&self.key_id);
        jsonwebtoken::encode(&header, &claims, &self.key.key)
            .map_err(|_| Error::auth("could not sign the client assertion"))
    }

    /// Whether token requests carry a DPoP proof: DPoP is on and the app has not shown that it
    /// does not use it.
    fn proofs_on_token_requests(&self) -> bool {
        self.dpop.is_some() && !self.plain.load(Ordering::Relaxed)
    }

    /// The outcome of the plain token request sent after a proof was refused: a token means the
    /// app does not use DPoP (remembered: later token requests go without a proof); a refusal
    /// for want of a proof means the app requires DPoP and the proof itself was the problem, so
    /// the first refusal (Okta's description of the proof) is the error.
    fn after_plain_attempt(
        &self,
        response: &HttpResponse,
        now: SystemTime,
        refusal: Error,
    ) -> Result<AccessToken> {
        if response.status().is_success() {
            let token = oauth::parse_token_response(response, now)?;
            tracing::warn!(
                "the Okta service app refuses DPoP proofs: using Bearer tokens from now on \
                 (build the client with .dpop(false) to skip the refused request)"
            );
            self.plain.store(true, Ordering::Relaxed);
            return Ok(token);
        }
        if oauth_error_code(response).as_deref() == Some("invalid_dpop_proof") {
            return Err(Error::auth(format!(
                "{} — the app requires DPoP (a request without a proof was refused too), so the \
                 proof was rejected; check the clock and that nothing rewrites the request",
                refusal.message()
            )));
        }
        oauth::parse_token_response(response, now)
    }

    fn token_request(&self, now: SystemTime, with_proof: bool) -> Result<HttpRequest> {
        let assertion = self.assertion(now)?;
        let form = [
            ("grant_type", "client_credentials"),
            ("scope", self.scopes.as_str()),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", assertion.as_str()),
        ];
        let mut request = oauth::token_request(&self.token_url, &form)?;
        if let Some(dpop) = self.dpop.as_ref().filter(|_| with_proof) {
            let nonce = lock(&self.token_nonce).clone();
            let proof = dpop.proof("POST", &self.token_url, nonce.as_deref(), None, now)?;
            request.headers_mut().insert("dpop", header_value(&proof)?);
        }
        Ok(request)
    }
}

fn header_value(v: &str) -> Result<HeaderValue> {
    let mut value =
        HeaderValue::from_str(v).map_err(|_| Error::auth("could not build the DPoP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

fn oauth_error_code(response: &HttpResponse) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(response.body())
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
}

/// Whether a token response refuses the DPoP proof itself (not a nonce challenge): `400` with
/// `invalid_dpop_proof`, or `invalid_request` whose description names DPoP — what a service app
/// that does not use DPoP may answer a proof-bound request with (okta-sdk-python's DPoP error
/// help, `okta/errors/dpop_errors.py`: "Verify dpopEnabled=True in both SDK config AND Okta
/// application settings").
fn refuses_proof(response: &HttpResponse) -> bool {
    if response.status() != StatusCode::BAD_REQUEST {
        return false;
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(response.body()) else {
        return false;
    };
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    match text("error") {
        "invalid_dpop_proof" => true,
        "invalid_request" => text("error_description")
            .to_ascii_lowercase()
            .contains("dpop"),
        _ => false,
    }
}

/// Whether the response is a DPoP nonce challenge: `error="use_dpop_nonce"` in
/// `WWW-Authenticate` (resource server; Okta sends it with status 400, RFC 9449 says 401) or in
/// the OAuth error body (token endpoint, 400).
fn challenges_nonce(response: &HttpResponse) -> bool {
    crate::error::challenge_error(response.headers()).is_some_and(|(e, _)| e == "use_dpop_nonce")
        || oauth_error_code(response).as_deref() == Some("use_dpop_nonce")
}

#[async_trait]
impl TokenSource for OktaOAuth {
    /// Gets a token; with DPoP, answers one `use_dpop_nonce` challenge, and adapts once to an
    /// app that does not use DPoP (see [`OktaOAuth`]).
    async fn fetch(&self, cx: &AuthContext<'_>) -> Result<AccessToken> {
        let mut answered_nonce = false;
        // The refusal of a proof-bound request, once a plain one is being tried instead.
        let mut refused: Option<Error> = None;
        loop {
            let now = cx.now();
            let with_proof = self.proofs_on_token_requests() && refused.is_none();
            let response = cx.send(self.token_request(now, with_proof)?).await?;
            let nonce = dpop_nonce(response.headers());
            if let Some(n) = &nonce {
                *lock(&self.token_nonce) = Some(n.clone());
            }
            if with_proof
                && !answered_nonce
                && nonce.is_some()
                && response.status() == StatusCode::BAD_REQUEST
                && challenges_nonce(&response)
            {
                tracing::debug!("token endpoint asked for a DPoP nonce; retrying once with it");
                answered_nonce = true;
                continue;
            }
            if with_proof && refuses_proof(&response) {
                tracing::debug!("token endpoint refused the DPoP proof; trying once without one");
                refused = Some(oauth::token_error(&response));
                continue;
            }
            if let Some(refusal) = refused {
                return self.after_plain_attempt(&response, now, refusal);
            }
            let token = oauth::parse_token_response(&response, now)?;
            if with_proof && !token.token_type().eq_ignore_ascii_case("dpop") {
                // Okta ignored the proof (the app does not require DPoP): a Bearer token.
                tracing::debug!("the service app does not use DPoP: Bearer tokens from now on");
                self.plain.store(true, Ordering::Relaxed);
            }
            return Ok(token);
        }
    }

    fn apply(
        &self,
        token: &AccessToken,
        request: &mut HttpRequest,
        cx: &AuthContext<'_>,
    ) -> Result<()> {
        let secret = token.secret().expose_secret();
        match &self.dpop {
            Some(dpop) if token.token_type().eq_ignore_ascii_case("dpop") => {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, authorization_value("DPoP", secret)?);
                let nonce = lock(&self.resource_nonce).clone();
                let proof = dpop.proof(
                    request.method().as_str(),
                    &htu(request.uri()),
                    nonce.as_deref(),
                    Some(&ath(secret)),
                    cx.now(),
                )?;
                request.headers_mut().insert("dpop", header_value(&proof)?);
                request.headers_mut().insert(
                    "x-okta-user-agent-extended",
                    HeaderValue::from_static("isDPoP:true"),
                );
            }
            _ => {
                request.headers_mut().insert(
                    AUTHORIZATION,
                    authorization_value(token.token_type(), secret)?,
                );
            }
        }
        Ok(())
    }

    fn on_unauthorized(&self, response: &HttpResponse) -> OnUnauthorized {
        if self.dpop.is_some() && challenges_nonce(response) {
            if let Some(nonce) = dpop_nonce(response.headers()) {
                *lock(&self.resource_nonce) = Some(nonce);
                return OnUnauthorized::Retry;
            }
        }
        OnUnauthorized::Refresh
    }

    /// Okta's resource server answers a DPoP nonce challenge with `400` (okta-sdk-python #541,
    /// okta-sdk-nodejs #453): `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce`
    /// header. The nonce is recorded and the call retried once with it; any other 400
    /// (`invalid_dpop_proof`, a validation error) is not retried.
    fn on_challenge(&self, response: &HttpResponse) -> OnUnauthorized {
        if self.dpop.is_some() && challenges_nonce(response) {
            if let Some(nonce) = dpop_nonce(response.headers()) {
                *lock(&self.resource_nonce) = Some(nonce);
                return OnUnauthorized::Retry;
            }
        }
        OnUnauthorized::GiveUp
    }

    /// Records a `DPoP-Nonce` from any API response (a 200 that rotates it, or a challenge), so
    /// the next proof carries the newest nonce.
    fn on_response(&self, response: &HttpResponse) {
        if self.dpop.is_some() {
            if let Some(nonce) = dpop_nonce(response.headers()) {
                *lock(&self.resource_nonce) = Some(nonce);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_drops_query_and_fragment() -> Result<()> {
        let uri: Uri = "https://acme.okta.com/api/v1/apps/a/users?limit=2&after=x"
            .parse()
            .map_err(|_| Error::invalid_input("uri"))?;
        assert_eq!(htu(&uri), "https://acme.okta.com/api/v1/apps/a/users");
        Ok(())
    }

    #[test]
    fn ath_is_base64url_sha256() {
        // SHA-256("abc") = ba7816bf…; base64url without padding.
        assert_eq!(ath("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    #[test]
    fn malformed_keys_are_invalid_input_without_echo() {
        for pem in [
            "not a key at all SECRETMATERIAL",
            "-----BEGIN PRIVATE KEY-----\nSECRETMATERIAL\n-----END PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nU0VDUkVUTUFURVJJQUw=\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nSECRETMATERIAL\n-----END EC PRIVATE KEY-----\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nSECRETMATERIAL\n-----END ENCRYPTED PRIVATE KEY-----\n",
        ] {
            let err = AssertionKey::from_pem(&SecretString::from(pem)).err();
            assert_eq!(
                err.as_ref().map(Error::kind),
                Some(idp_core::ErrorKind::InvalidInput),
                "{pem}"
            );
            let text = err.map(|e| format!("{e} {e:?}")).unwrap_or_default();
            assert!(
                !text.contains("SECRETMATERIAL") && !text.contains("U0VDUkVU"),
                "{text}"
            );
        }
    }

    #[test]
    fn dpop_proof_has_the_rfc9449_shape() -> Result<()> {
        let key = DpopKey::generate()?;
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let proof = key.proof("GET", "https://a.okta.com/x", Some("n1"), Some("h"), now)?;
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |s: &str| -> serde_json::Value {
            URL_SAFE_NO_PAD
                .decode(s)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default()
        };
        let header = decode(parts[0]);
        let claims = decode(parts[1]);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["crv"], "P-256");
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://a.okta.com/x");
        assert_eq!(claims["iat"], 1_700_000_000u64);
        assert_eq!(claims["nonce"], "n1");
        assert_eq!(claims["ath"], "h");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(parts[2]).map(|s| s.len()).ok(),
            Some(64)
        );
        Ok(())
    }
}
