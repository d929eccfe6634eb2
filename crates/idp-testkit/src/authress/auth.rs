//! The service-client access key (Ed25519) and the check of the bearer tokens signed with it.

use std::io;

use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::signature::KeyPair;
use serde_json::Value;

use super::{AuthressState, unauthorized};
use crate::wire::authorization;

/// A fresh Ed25519 key: (PKCS#8 v1 DER, raw public key).
pub(super) fn generate_ed25519() -> io::Result<(Vec<u8>, Vec<u8>)> {
    let rng = ring::rand::SystemRandom::new();
    let mut seed = [0u8; 32];
    ring::rand::SecureRandom::fill(&rng, &mut seed)
        .map_err(|_| io::Error::other("no randomness for the Ed25519 key"))?;
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map_err(|_| io::Error::other("could not build the Ed25519 key"))?;
    // PKCS#8 v1 (RFC 8410): SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    Ok((der, pair.public_key().as_ref().to_vec()))
}

/// The service-client access key `clientId.keyId.accountId.privateKey` (`privateKey` the
/// standard-base64 PKCS#8 DER).
pub(super) fn access_key(client_id: &str, key_id: &str, account_id: &str, der: &[u8]) -> String {
    format!("{client_id}.{key_id}.{account_id}.{}", STANDARD.encode(der))
}

/// Accepts `Authorization: Bearer <token>` where the token is the raw access key or a JWT it
/// signed.
pub(super) fn authenticate(state: &AuthressState, headers: &HeaderMap) -> Result<(), Response> {
    let Some((scheme, token)) = authorization(headers).split_once(' ') else {
        return Err(unauthorized("Unauthorized: no bearer token."));
    };
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("Bearer") || token.is_empty() {
        return Err(unauthorized("Unauthorized: no bearer token."));
    }
    if token == state.access_key {
        return Ok(());
    }
    verify_jwt(state, token)
}

/// The `typ` header values the official SDKs send: `at+jwt` (authress-sdk.js
/// `src/serviceClientTokenProvider.js`, authress-sdk.cs) and PyJWT's default `JWT`
/// (authress-sdk.py `authress/utils/service_client_token_provider.py` sets no `typ`).
const ACCEPTED_TYP: [&str; 2] = ["at+jwt", "JWT"];

/// The issuers a service-client token may name: `<origin>/v1/clients/<clientId>`, where origin
/// is the custom domain the client talks to (here the fake's own base URL) or the account host
/// `https://<accountId>.api.authress.io` (authress-sdk.js `src/serviceClientTokenProvider.js`
/// uses the account host for every `*.authress.io` host). The SDKs percent-encode the client
/// id; the fake's `sc_testkit` has nothing to encode.
fn accepted_issuers(state: &AuthressState) -> [String; 2] {
    let client = &state.client_id;
    [
        format!("{}/v1/clients/{client}", state.base_url),
        format!(
            "https://{}.api.authress.io/v1/clients/{client}",
            state.account_id
        ),
    ]
}

/// An EdDSA JWT with the access key's `kid`, an accepted `typ`, the account audience, the
/// service client as `sub` and in `iss`, and a valid `exp` / `nbf`: the claims every official
/// SDK signs (JS 3.x, C#, Python; see the research notes, "Locally signed JWT").
fn verify_jwt(state: &AuthressState, token: &str) -> Result<(), Response> {
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return Err(unauthorized("Unauthorized: the token is not a JWT."));
    };
    if header.alg != Algorithm::EdDSA {
        return Err(unauthorized(
            "Unauthorized: the token must be signed with EdDSA.",
        ));
    }
    if header.kid.as_deref() != Some(state.key_id.as_str()) {
        return Err(unauthorized("Unauthorized: unknown key id."));
    }
    if !header
        .typ
        .as_deref()
        .is_some_and(|t| ACCEPTED_TYP.iter().any(|a| a.eq_ignore_ascii_case(t)))
    {
        return Err(unauthorized(
            "Unauthorized: the token type (typ) must be at+jwt.",
        ));
    }
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[state.audience()]);
    validation.set_issuer(&accepted_issuers(state));
    validation.sub = Some(state.client_id.clone());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let key = DecodingKey::from_ed_der(&state.public_key);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|_| ())
        .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            unauthorized(match e.kind() {
                ErrorKind::InvalidIssuer => {
                    "Unauthorized: the token issuer (iss) is not this account's service client."
                }
                ErrorKind::InvalidSubject => {
                    "Unauthorized: the token subject (sub) is not the service client."
                }
                ErrorKind::MissingRequiredClaim(_) => {
                    "Unauthorized: the token lacks a required claim (exp, aud, iss, sub)."
                }
                _ => "Unauthorized: the token is invalid or expired.",
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_is_pkcs8_v1_and_matches_public_key() {
        let (der, public) = generate_ed25519().unwrap();
        assert_eq!(der.len(), 48);
        assert!(STANDARD.encode(&der).starts_with("MC4CAQAwBQYDK2VwBCIEI"));
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap();
        assert_eq!(pair.public_key().as_ref(), public.as_slice());
    }
}
