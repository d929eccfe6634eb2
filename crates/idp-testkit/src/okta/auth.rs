//! Credential checks for the Management API: SSWS API tokens, Bearer and DPoP-bound access tokens
//! with their scopes, and DPoP proof verification (RFC 9449), shared with the token endpoint.

use std::collections::HashSet;

use axum::http::{HeaderMap, Method};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::errors::{forbidden, invalid_token};
use super::{OktaData, OktaState, Op};
use crate::server::lock;
use crate::wire::{authorization, now_secs, set_header};

/// Checks the `Authorization` header (and the `DPoP` proof of a DPoP-bound token) of a
/// Management API request, and that an access token carries the operation's scope.
pub(super) fn authenticate(
    state: &OktaState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    op: Op,
) -> Result<(), Response> {
    let auth = authorization(headers);
    if let Some(token) = ssws_token(auth) {
        return check_api_token(state, token);
    }
    let (scheme, credential) = auth.split_once(' ').unwrap_or((auth, ""));
    let credential = credential.trim();
    let is_dpop = scheme.eq_ignore_ascii_case("DPoP");
    if !is_dpop && !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(invalid_token(None));
    }
    let mut data = lock(&state.data);
    let (scopes, jkt) = live_token(&data, credential)?;
    match (jkt, is_dpop) {
        (None, false) => {}
        (Some(jkt), true) => {
            // `htu` is compared with the URL as sent: scheme, host and the still
            // percent-encoded path, without query or fragment (RFC 9449 §4.3; okta-sdk-nodejs
            // #453 is a client that got this wrong: "'htu' claim in the DPoP proof JWT is
            // invalid").
            let htu = format!("{}{}", state.base_url, path);
            let target = ProofTarget {
                htm: method.as_str(),
                htu: &htu,
                access_token: credential,
                jkt: &jkt,
            };
            check_bound_proof(&mut data, dpop_header(headers), &target)?;
        }
        (Some(_), false) | (None, true) => return Err(scheme_mismatch()),
    }
    check_scope(&scopes, op.scope(), &state.base_url)
}

/// The `DPoP` proof header (`""` when absent).
fn dpop_header(headers: &HeaderMap) -> &str {
    headers
        .get("dpop")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A DPoP-bound token sent as `Bearer`, or a Bearer token sent as `DPoP`.
fn scheme_mismatch() -> Response {
    dpop_challenge(
        "invalid_dpop_proof",
        "The token type does not match the authorization scheme.",
    )
}

/// A DPoP problem on a Management API call: Okta answers `400` (not RFC 9449's 401) with an
/// empty body and the problem only in `WWW-Authenticate: DPoP algs=…, error="…",
/// error_description="…"` (the header okta-sdk-nodejs #453 quotes; the 400 on an API call after
/// a DPoP token was obtained is devforum.okta.com/t/…/30239; okta-sdk-python #541).
fn dpop_challenge(error: &str, description: &str) -> Response {
    let value = format!(
        r#"DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", error="{error}", error_description="{description}""#
    );
    let mut response = axum::http::Response::new(axum::body::Body::empty());
    *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    set_header(response.headers_mut(), "www-authenticate", &value);
    response
}

/// The API token of an `SSWS` authorization, with or without the space after the scheme.
///
/// Okta documents `SSWS <token>` (developer.okta.com "Create an API token"), and accepts the
/// token glued to the scheme too: the official Python SDK okta 3.x (3.4.6,
/// `okta/configuration.py` `Configuration.auth_settings()`) builds the header of every generated
/// API call as `self.authorization_mode + self.access_token`, that is `SSWS<token>`, and it is
/// what most Okta automation runs on against real orgs (issue 15). The scheme is
/// case-insensitive (RFC 9110 §11.1).
fn ssws_token(auth: &str) -> Option<&str> {
    let scheme = auth.get(..4)?;
    if !scheme.eq_ignore_ascii_case("SSWS") {
        return None;
    }
    Some(auth.get(4..)?.trim())
}

/// `Authorization: SSWS <token>` must carry the org's API token.
fn check_api_token(state: &OktaState, credential: &str) -> Result<(), Response> {
    if !credential.is_empty() && credential == state.api_token {
        Ok(())
    } else {
        Err(invalid_token(None))
    }
}

/// The scopes and DPoP binding of an issued, unexpired access token.
fn live_token(
    data: &OktaData,
    credential: &str,
) -> Result<(Vec<String>, Option<String>), Response> {
    let Some(token) = data.tokens.get(credential) else {
        return Err(challenge(
            "Bearer",
            "invalid_token",
            "The access token is invalid.",
        ));
    };
    if token.expires_at <= now_secs() {
        return Err(challenge(
            "Bearer",
            "invalid_token",
            "The access token is expired.",
        ));
    }
    Ok((token.scopes.clone(), token.jkt.clone()))
}

/// A `401 E0000011` with `WWW-Authenticate: <scheme> error="…", error_description="…"`.
fn challenge(scheme: &str, error: &str, description: &str) -> Response {
    let value = format!(r#"{scheme} error="{error}", error_description="{description}""#);
    invalid_token(Some(&value))
}

/// The request a DPoP-bound access token is presented with.
struct ProofTarget<'a> {
    htm: &'a str,
    htu: &'a str,
    access_token: &'a str,
    /// The thumbprint the token is bound to.
    jkt: &'a str,
}

/// Verifies the proof of a DPoP-bound token (a nonce is optional here, but a stale one is
/// challenged) and records its `jti`.
fn check_bound_proof(
    data: &mut OktaData,
    proof: &str,
    target: &ProofTarget<'_>,
) -> Result<(), Response> {
    let nonce = data.dpop_nonce.clone();
    let rule = if data.require_resource_nonce {
        NonceRule::Required(&nonce)
    } else {
        NonceRule::Optional(&nonce)
    };
    match verify_dpop(
        proof,
        target.htm,
        target.htu,
        Some(target.access_token),
        rule,
        &data.used_jtis,
    ) {
        Ok(proof) if proof.jkt == target.jkt => {
            data.used_jtis.insert(proof.jti);
            Ok(())
        }
        Ok(_) => Err(dpop_challenge(
            "invalid_dpop_proof",
            "The DPoP proof key does not match the token binding.",
        )),
        Err(DpopError::Nonce) => {
            let mut response = dpop_challenge(
                "use_dpop_nonce",
                "Resource server requires nonce in DPoP proof.",
            );
            set_header(response.headers_mut(), "dpop-nonce", &nonce);
            Err(response)
        }
        Err(DpopError::Invalid(why)) => Err(dpop_challenge("invalid_dpop_proof", why)),
    }
}

/// The token must carry the operation's scope, or the `.manage` scope that includes it. A
/// missing scope is `403 E0000006` with `WWW-Authenticate: Bearer … error="insufficient_scope"`
/// naming the scope needed (RFC 6750 §3.1, as Okta's resource server answers; the header
/// okta-sdk-nodejs #453 quotes carries the same `realm`/`scope` parameters).
fn check_scope(scopes: &[String], needed: &str, realm: &str) -> Result<(), Response> {
    let manage = needed.replace(".read", ".manage");
    if scopes.iter().any(|s| s == needed || *s == manage) {
        Ok(())
    } else {
        let mut response = forbidden();
        let value = format!(
            r#"Bearer realm="{realm}", scope="{needed}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.""#
        );
        set_header(response.headers_mut(), "www-authenticate", &value);
        Err(response)
    }
}

// ---------------------------------------------------------------------------------------------
// DPoP proofs

pub(super) enum NonceRule<'a> {
    /// The proof must carry this nonce.
    Required(&'a str),
    /// If the proof carries a nonce, it must be this one.
    Optional(&'a str),
}

pub(super) enum DpopError {
    Nonce,
    Invalid(&'static str),
}

pub(super) struct VerifiedProof {
    pub(super) jkt: String,
    pub(super) jti: String,
}

/// Verifies a DPoP proof (RFC 9449) and returns its key thumbprint.
pub(super) fn verify_dpop(
    proof: &str,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
    nonce: NonceRule<'_>,
    used_jtis: &HashSet<String>,
) -> Result<VerifiedProof, DpopError> {
    let (header_json, claims) = proof_parts(proof)?;
    // The nonce challenge comes first, as on the real server.
    check_nonce(&claims, nonce)?;
    let jwk_value = proof_jwk(&header_json)?;
    verify_proof_signature(proof, jwk_value)?;
    let jti = check_proof_claims(&claims, htm, htu, access_token, used_jtis)?;
    let jkt =
        jwk_thumbprint(jwk_value).ok_or(DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    Ok(VerifiedProof {
        jkt,
        jti: jti.to_owned(),
    })
}

/// A JWS segment (base64url, padding tolerated) parsed as JSON.
pub(super) fn segment_json(segment: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(segment.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The proof's header and claims, before any check.
fn proof_parts(proof: &str) -> Result<(Value, Value), DpopError> {
    let not_a_jws = DpopError::Invalid("The DPoP proof is not a JWS.");
    let mut parts = proof.split('.');
    let (Some(h), Some(c), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(not_a_jws);
    };
    match (segment_json(h), segment_json(c)) {
        (Some(header), Some(claims)) => Ok((header, claims)),
        _ => Err(not_a_jws),
    }
}

fn check_nonce(claims: &Value, nonce: NonceRule<'_>) -> Result<(), DpopError> {
    let sent_nonce = claims.get("nonce").and_then(Value::as_str);
    match nonce {
        NonceRule::Required(expected) if sent_nonce != Some(expected) => Err(DpopError::Nonce),
        NonceRule::Optional(expected) if sent_nonce.is_some_and(|n| n != expected) => {
            Err(DpopError::Nonce)
        }
        _ => Ok(()),
    }
}

/// The public JWK from a `dpop+jwt` header.
fn proof_jwk(header: &Value) -> Result<&Value, DpopError> {
    if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(DpopError::Invalid("The DPoP proof typ must be dpop+jwt."));
    }
    let Some(jwk) = header.get("jwk").filter(|j| j.is_object()) else {
        return Err(DpopError::Invalid("The DPoP proof has no jwk header."));
    };
    if jwk.get("d").is_some() {
        return Err(DpopError::Invalid(
            "The DPoP proof jwk contains a private key.",
        ));
    }
    Ok(jwk)
}

/// The proof is signed, with a supported asymmetric alg, by the key in its own header.
fn verify_proof_signature(proof: &str, jwk_value: &Value) -> Result<(), DpopError> {
    let header = jsonwebtoken::decode_header(proof)
        .map_err(|_| DpopError::Invalid("The DPoP proof header is invalid."))?;
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
    ) {
        return Err(DpopError::Invalid("The DPoP proof alg is not supported."));
    }
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk_value.clone())
        .map_err(|_| DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|_| DpopError::Invalid("The DPoP proof jwk is invalid."))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    jsonwebtoken::decode::<Value>(proof, &key, &validation)
        .map(|_| ())
        .map_err(|_| DpopError::Invalid("The DPoP proof signature is invalid."))
}

/// Checks `htm`, `htu`, `iat`, `jti` (fresh) and `ath`; returns the `jti`.
fn check_proof_claims<'c>(
    claims: &'c Value,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
    used_jtis: &HashSet<String>,
) -> Result<&'c str, DpopError> {
    check_proof_target(claims, htm, htu)?;
    let jti = fresh_jti(claims, used_jtis)?;
    if let Some(token) = access_token {
        check_ath(claims, token)?;
    }
    Ok(jti)
}

/// `htm` and `htu` (without query and fragment) name this request.
fn check_proof_target(claims: &Value, htm: &str, htu: &str) -> Result<(), DpopError> {
    if claims.get("htm").and_then(Value::as_str) != Some(htm) {
        return Err(DpopError::Invalid(
            "The DPoP proof htm does not match the request.",
        ));
    }
    let sent_htu = claims.get("htu").and_then(Value::as_str).unwrap_or("");
    let sent_htu = sent_htu.split(['?', '#']).next().unwrap_or("");
    if sent_htu != htu {
        return Err(DpopError::Invalid(
            "The DPoP proof htu does not match the request.",
        ));
    }
    Ok(())
}

/// `iat` within five minutes of now, and a `jti` not seen before.
fn fresh_jti<'c>(claims: &'c Value, used_jtis: &HashSet<String>) -> Result<&'c str, DpopError> {
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
    let now = now_secs() as i64;
    if (iat - now).abs() > 300 {
        return Err(DpopError::Invalid("The DPoP proof iat is out of range."));
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty())
        .ok_or(DpopError::Invalid("The DPoP proof has no jti."))?;
    if used_jtis.contains(jti) {
        return Err(DpopError::Invalid("The DPoP proof jti was already used."));
    }
    Ok(jti)
}

/// `ath` is the base64url SHA-256 of the access token.
fn check_ath(claims: &Value, token: &str) -> Result<(), DpopError> {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let ath = URL_SAFE_NO_PAD.encode(digest.as_ref());
    if claims.get("ath").and_then(Value::as_str) != Some(ath.as_str()) {
        return Err(DpopError::Invalid(
            "The DPoP proof ath does not match the token.",
        ));
    }
    Ok(())
}

/// RFC 7638 JWK thumbprint (SHA-256, base64url).
pub(super) fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    let get = |k: &str| jwk.get(k).and_then(Value::as_str);
    let canonical = match get("kty")? {
        "RSA" => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, get("e")?, get("n")?),
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            get("crv")?,
            get("x")?,
            get("y")?
        ),
        "OKP" => format!(
            r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
            get("crv")?,
            get("x")?
        ),
        _ => return None,
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(digest.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ssws_token_is_read_with_or_without_the_space() {
        assert_eq!(ssws_token("SSWS 00abc"), Some("00abc"));
        assert_eq!(ssws_token("SSWS00abc"), Some("00abc"));
        assert_eq!(ssws_token("ssws  00abc "), Some("00abc"));
        assert_eq!(ssws_token("SSWS"), Some(""));
        assert_eq!(ssws_token("Bearer 00abc"), None);
        assert_eq!(ssws_token("SSW"), None);
        assert_eq!(ssws_token("ÄÄÄ"), None);
    }

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 section 3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
        });
        assert_eq!(
            jwk_thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }
}
