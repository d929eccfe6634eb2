//! `POST /oauth2/v1/token`: the org authorization server's client-credentials grant with a
//! private-key JWT client assertion, optionally DPoP bound, and the service-app keys that verify
//! the assertions.

use std::fmt;
use std::io;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};

use super::auth::{DpopError, NonceRule, VerifiedProof, segment_json, verify_dpop};
use super::{IssuedToken, OktaData, OktaState, ServiceApp};
use crate::server::lock;
use crate::wire::{form_fields, now_secs, oauth_error, oauth_json, random_hex, set_header};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const TOKEN_LIFETIME: u64 = 3600;

/// A public key registered for a fake Okta service app.
#[derive(Clone)]
#[non_exhaustive]
pub enum ServiceAppKey {
    /// A PEM document: an RSA or EC (P-256/P-384) `PUBLIC KEY` / `RSA PUBLIC KEY`, or a private
    /// key (`PRIVATE KEY` PKCS#8 RSA or EC, `RSA PRIVATE KEY` PKCS#1) from which the public key is
    /// derived.
    Pem(String),
    /// A public JWK (`kty` `RSA` with `n`/`e`, or `EC` with `crv`/`x`/`y`).
    Jwk(Value),
}

impl fmt::Debug for ServiceAppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceAppKey::Pem(_) => f.write_str("ServiceAppKey::Pem(..)"),
            ServiceAppKey::Jwk(_) => f.write_str("ServiceAppKey::Jwk(..)"),
        }
    }
}

impl ServiceAppKey {
    pub(super) fn decoding_key(&self) -> io::Result<DecodingKey> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
        match self {
            ServiceAppKey::Jwk(value) => {
                let jwk: jsonwebtoken::jwk::Jwk =
                    serde_json::from_value(value.clone()).map_err(|_| invalid("not a JWK"))?;
                DecodingKey::from_jwk(&jwk).map_err(|_| invalid("unsupported JWK"))
            }
            ServiceAppKey::Pem(pem) => {
                let bytes = pem.as_bytes();
                if pem.contains("PRIVATE KEY") {
                    let der = pem_body(pem).ok_or_else(|| invalid("bad PEM"))?;
                    return public_from_private_pkcs8(&der)
                        .ok_or_else(|| invalid("unsupported private key"));
                }
                DecodingKey::from_rsa_pem(bytes)
                    .or_else(|_| DecodingKey::from_ec_pem(bytes))
                    .map_err(|_| invalid("unsupported public key PEM"))
            }
        }
    }
}

/// Base64 body of a PEM document.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().chars())
        .collect();
    STANDARD.decode(b64).ok()
}

/// Derives a verification key from a PKCS#8 RSA or EC private key.
fn public_from_private_pkcs8(der: &[u8]) -> Option<DecodingKey> {
    use ring::signature::{self, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    for alg in [
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
    ] {
        if let Ok(pair) = signature::EcdsaKeyPair::from_pkcs8(alg, der, &rng) {
            // Uncompressed point: 0x04 || x || y.
            let point = pair.public_key().as_ref();
            let coords = point.get(1..)?;
            let (x, y) = coords.split_at(coords.len() / 2);
            return DecodingKey::from_ec_components(
                &URL_SAFE_NO_PAD.encode(x),
                &URL_SAFE_NO_PAD.encode(y),
            )
            .ok();
        }
    }
    let pair = signature::RsaKeyPair::from_pkcs8(der)
        .or_else(|_| signature::RsaKeyPair::from_der(der))
        .ok()?;
    // ring gives the public key as a PKCS#1 RSAPublicKey DER document.
    Some(DecodingKey::from_rsa_der(pair.public().as_ref()))
}

/// What a service app that does not require DPoP does with a token request that carries a
/// DPoP proof anyway. Sources disagree on what Okta does, so the fake can do either:
///
/// - [`Unsolicited::Ignore`]: the proof is ignored and a plain `Bearer` token issued — what the
///   okta-sdk-golang DPoP-first change (PR #597, for issue #598) reports from real orgs ("App does
///   not require DPoP → Okta ignores the unsolicited proof and returns a Bearer token").
/// - [`Unsolicited::Refuse`]: `400 invalid_dpop_proof` — what okta-sdk-python's
///   `okta/errors/dpop_errors.py` (v3.4.4) tells users who see `invalid_dpop_proof` to check
///   ("Verify dpopEnabled=True in both SDK config AND Okta application settings"), and what
///   issue 13 of this project describes.
/// - [`Unsolicited::Bind`] (the default, the fake's original behaviour, which RFC 9449 §5
///   allows): the token is bound to the proof's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Unsolicited {
    /// Bind the token to the proof's key (RFC 9449 allows it; kept as the default).
    #[default]
    Bind,
    /// Ignore the proof and issue a `Bearer` token (okta-sdk-golang PR #597).
    Ignore,
    /// Refuse the request with `400 invalid_dpop_proof` (okta-sdk-python `dpop_errors.py`).
    Refuse,
}

/// The `error_description` of a refused unsolicited proof. Okta does not publish this text; the
/// wording is the fake's own, the code (`invalid_dpop_proof`) is the one okta-sdk-python's
/// DPoP error help answers with "enable DPoP in the Okta application settings".
const UNSOLICITED_DPOP: &str =
    "DPoP proof JWT was provided but the client is not configured for DPoP-bound access tokens.";

impl super::FakeOkta {
    /// Makes a service app that does not require DPoP refuse token requests that carry a DPoP
    /// proof anyway (`400 invalid_dpop_proof`, see `Unsolicited::Refuse` for the source), or,
    /// with `false`, go back to binding the token to the proof. Returns false if the app is
    /// unknown.
    pub fn refuse_unsolicited_dpop(&self, client_id: &str, refuse: bool) -> bool {
        self.set_unsolicited(
            client_id,
            if refuse {
                Unsolicited::Refuse
            } else {
                Unsolicited::Bind
            },
        )
    }

    /// Makes a service app that does not require DPoP ignore a DPoP proof on a token request and
    /// issue a plain `Bearer` token (okta-sdk-golang PR #597), or, with `false`, go back to
    /// binding the token to the proof. Returns false if the app is unknown.
    pub fn ignore_unsolicited_dpop(&self, client_id: &str, ignore: bool) -> bool {
        self.set_unsolicited(
            client_id,
            if ignore {
                Unsolicited::Ignore
            } else {
                Unsolicited::Bind
            },
        )
    }

    fn set_unsolicited(&self, client_id: &str, policy: Unsolicited) -> bool {
        let mut data = lock(&self.state.data);
        match data.service_apps.get_mut(client_id) {
            Some(app) => {
                app.unsolicited_dpop = policy;
                true
            }
            None => false,
        }
    }
}

/// The token endpoint URL (the client assertion's `aud`, the DPoP proof's `htu`).
pub(super) fn token_url(state: &OktaState) -> String {
    format!("{}/oauth2/v1/token", state.base_url)
}

/// `POST /oauth2/v1/token`: client credentials with a private-key JWT client assertion.
pub(super) fn token(state: &OktaState, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut data = lock(&state.data);
    data.token_requests += 1;
    match grant(state, &mut data, headers, body) {
        Ok(response) | Err(response) => response,
    }
}

/// Checks the request in the order the real server does, then issues the token.
fn grant(
    state: &OktaState,
    data: &mut OktaData,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Response> {
    let form = form_fields(body);
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    check_grant_type(field("grant_type"), field("client_assertion_type"))?;
    let assertion = field("client_assertion");
    let token_url = token_url(state);
    // DPoP nonce challenge before anything else.
    let proof = token_proof(data, headers, &token_url)?;
    let client_id = assertion_issuer(assertion);
    let app = known_client(data, &client_id, field("client_id"))?;
    if app.require_dpop && proof.is_none() {
        return Err(invalid_dpop_proof("The DPoP proof JWT header is missing."));
    }
    let proof = match (app.require_dpop, proof, app.unsolicited_dpop) {
        (false, Some(_), Unsolicited::Refuse) => {
            return Err(invalid_dpop_proof(UNSOLICITED_DPOP));
        }
        (false, Some(_), Unsolicited::Ignore) => None,
        (_, proof, _) => proof,
    };
    let claims = verify_assertion(app, assertion, &client_id, &token_url)?;
    let jti = fresh_assertion_jti(data, &claims)?;
    let scopes = requested_scopes(field("scope"))?;
    if !jti.is_empty() {
        data.used_jtis.insert(format!("assertion:{jti}"));
    }
    let jkt = proof.map(|p| {
        data.used_jtis.insert(p.jti);
        p.jkt
    });
    Ok(issue_token(data, scopes, jkt))
}

fn check_grant_type(grant_type: &str, assertion_type: &str) -> Result<(), Response> {
    if grant_type != "client_credentials" {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        ));
    }
    if assertion_type != JWT_BEARER {
        return Err(invalid_client(
            "Client authentication failed: a private_key_jwt client assertion is required.",
        ));
    }
    Ok(())
}

/// Verifies the `DPoP` proof, if one was sent; it must carry the current nonce.
fn token_proof(
    data: &OktaData,
    headers: &HeaderMap,
    token_url: &str,
) -> Result<Option<VerifiedProof>, Response> {
    let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let nonce = &data.dpop_nonce;
    match verify_dpop(
        proof,
        "POST",
        token_url,
        None,
        NonceRule::Required(nonce),
        &data.used_jtis,
    ) {
        Ok(verified) => Ok(Some(verified)),
        Err(DpopError::Nonce) => {
            let mut response = oauth_error(
                StatusCode::BAD_REQUEST,
                "use_dpop_nonce",
                "Authorization server requires nonce in DPoP proof.",
            );
            set_header(response.headers_mut(), "dpop-nonce", nonce);
            Err(response)
        }
        Err(DpopError::Invalid(why)) => Err(invalid_dpop_proof(why)),
    }
}

/// The client the assertion claims to come from (its `iss`, not yet verified).
fn assertion_issuer(assertion: &str) -> String {
    assertion
        .split('.')
        .nth(1)
        .and_then(segment_json)
        .as_ref()
        .and_then(|c| c.get("iss"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// The registered service app, which a `client_id` form field (if sent) must also name.
fn known_client<'d>(
    data: &'d OktaData,
    client_id: &str,
    form_client_id: &str,
) -> Result<&'d ServiceApp, Response> {
    let Some(app) = data.service_apps.get(client_id) else {
        return Err(invalid_client(
            "The client_id provided in the client assertion is not known.",
        ));
    };
    if !form_client_id.is_empty() && form_client_id != client_id {
        return Err(invalid_client(
            "The client_id does not match the client assertion.",
        ));
    }
    Ok(app)
}

/// The assertion's claims, once one of the app's keys verifies its signature, `aud`, `iss`,
/// `sub` and `exp`.
fn verify_assertion(
    app: &ServiceApp,
    assertion: &str,
    client_id: &str,
    token_url: &str,
) -> Result<Value, Response> {
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return Err(invalid_client("The client assertion is not a valid JWT."));
    };
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[token_url]);
    validation.set_issuer(&[client_id]);
    validation.sub = Some(client_id.to_owned());
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.leeway = 30;
    app.keys
        .iter()
        .find_map(|key| jsonwebtoken::decode::<Value>(assertion, key, &validation).ok())
        .map(|verified| verified.claims)
        .ok_or_else(|| {
            invalid_client(
                "The client assertion signature or claims (aud, iss, sub, exp) are invalid.",
            )
        })
}

/// The assertion expires within the hour and its `jti` (if any) was not used before.
fn fresh_assertion_jti(data: &OktaData, claims: &Value) -> Result<String, Response> {
    let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
    if exp > now_secs() + 3600 + 60 {
        return Err(invalid_client(
            "The client assertion exp is more than one hour in the future.",
        ));
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !jti.is_empty() && data.used_jtis.contains(&format!("assertion:{jti}")) {
        return Err(invalid_client("The client assertion jti was already used."));
    }
    Ok(jti)
}

/// The `scope` field: one or more `okta.*` scopes.
fn requested_scopes(scope: &str) -> Result<Vec<String>, Response> {
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
    if scopes.is_empty() || scopes.iter().any(|s| !s.starts_with("okta.")) {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        ));
    }
    Ok(scopes)
}

/// Stores a fresh access token (DPoP bound when `jkt` is given) and answers with it.
fn issue_token(data: &mut OktaData, scopes: Vec<String>, jkt: Option<String>) -> Response {
    let access_token = format!("okta-at.{}", random_hex());
    let token_type = if jkt.is_some() { "DPoP" } else { "Bearer" };
    let scope = scopes.join(" ");
    data.tokens.insert(
        access_token.clone(),
        IssuedToken {
            scopes,
            jkt,
            expires_at: now_secs() + TOKEN_LIFETIME,
        },
    );
    oauth_json(
        StatusCode::OK,
        &json!({
            "token_type": token_type,
            "expires_in": TOKEN_LIFETIME,
            "access_token": access_token,
            "scope": scope,
        }),
    )
}

fn invalid_client(why: &str) -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", why)
}

fn invalid_dpop_proof(why: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", why)
}
