//! Private keys given as a JWK (the JSON the Okta console generates for service apps by default,
//! and what Okta's Python and Go SDKs accept in `privateKey` / `OKTA_CLIENT_PRIVATEKEY`).
//!
//! An RSA JWK (`n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi`) becomes a PKCS#1 `RSAPrivateKey` and
//! an EC P-256 JWK (`x`, `y`, `d`) a PKCS#8 key, both in DER, which is what the signer loads.
//! Errors name the missing member, never a key value.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_core::{Error, Result};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value};

/// A private key read from a JWK: the signer, its algorithm and the JWK's `kid`.
pub(crate) struct JwkKey {
    pub(crate) alg: Algorithm,
    pub(crate) key: EncodingKey,
    pub(crate) kid: Option<String>,
}

/// Whether the text looks like a JWK (a JSON object) rather than PEM.
pub(crate) fn looks_like_jwk(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Reads a private JWK (RSA, or EC P-256). A JWK Set with one key is accepted too.
pub(crate) fn from_jwk(text: &str) -> Result<JwkKey> {
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|_| Error::invalid_input("the private key is not valid JWK JSON"))?;
    let jwk = single_key(&value)?;
    let kid = jwk
        .get("kid")
        .and_then(Value::as_str)
        .filter(|k| !k.trim().is_empty())
        .map(str::to_owned);
    let (alg, key) = match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => (Algorithm::RS256, EncodingKey::from_rsa_der(&rsa_der(jwk)?)),
        Some("EC") => (Algorithm::ES256, EncodingKey::from_ec_der(&ec_der(jwk)?)),
        _ => {
            return Err(Error::invalid_input(
                "the private JWK must have kty RSA or EC (P-256)",
            ));
        }
    };
    Ok(JwkKey { alg, key, kid })
}

/// The JWK object itself, or the only key of a JWK Set (`{"keys":[…]}`).
fn single_key(value: &Value) -> Result<&Map<String, Value>> {
    let obj = value
        .as_object()
        .ok_or_else(|| Error::invalid_input("the private JWK must be a JSON object"))?;
    match obj.get("keys").and_then(Value::as_array) {
        Some(keys) if keys.len() == 1 => keys[0]
            .as_object()
            .ok_or_else(|| Error::invalid_input("the JWK Set's key must be a JSON object")),
        Some(_) => Err(Error::invalid_input(
            "the JWK Set must hold exactly one private key",
        )),
        None => Ok(obj),
    }
}

/// A base64url member as bytes (`InvalidInput` naming the member when absent or malformed).
fn member(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>> {
    let text = jwk.get(name).and_then(Value::as_str).ok_or_else(|| {
        Error::invalid_input(format!(
            "the private JWK has no `{name}` (a public key, or not a full private key?)"
        ))
    })?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| Error::invalid_input(format!("the private JWK's `{name}` is not base64url")))
}

/// PKCS#1 `RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, dp, dq, qi }`.
fn rsa_der(jwk: &Map<String, Value>) -> Result<Vec<u8>> {
    let mut body = der_uint(&[0]);
    for name in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
        body.extend(der_uint(&member(jwk, name)?));
    }
    Ok(der(0x30, &body))
}

/// OID 1.2.840.10045.2.1 (`ecPublicKey`) and 1.2.840.10045.3.1.7 (`prime256v1`).
const EC_PUBLIC_KEY: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const PRIME256V1: [u8; 8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// PKCS#8 `PrivateKeyInfo` around the SEC1 `ECPrivateKey` (with its public key) of a P-256 JWK.
fn ec_der(jwk: &Map<String, Value>) -> Result<Vec<u8>> {
    if jwk.get("crv").and_then(Value::as_str) != Some("P-256") {
        return Err(Error::invalid_input(
            "EC private JWKs must use the P-256 curve (ES256)",
        ));
    }
    let (d, x, y) = (member(jwk, "d")?, member(jwk, "x")?, member(jwk, "y")?);
    if d.len() != 32 || x.len() != 32 || y.len() != 32 {
        return Err(Error::invalid_input(
            "the EC private JWK's d, x and y must be 32 bytes each (P-256)",
        ));
    }
    let mut point = vec![0x00, 0x04];
    point.extend(&x);
    point.extend(&y);
    let mut ec_key = der_uint(&[1]);
    ec_key.extend(der(0x04, &d));
    ec_key.extend(der(0xa1, &der(0x03, &point)));
    let mut algorithm = der(0x06, &EC_PUBLIC_KEY);
    algorithm.extend(der(0x06, &PRIME256V1));
    let mut info = der_uint(&[0]);
    info.extend(der(0x30, &algorithm));
    info.extend(der(0x04, &der(0x30, &ec_key)));
    Ok(der(0x30, &info))
}

/// A DER element: tag, definite length, content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend(content);
    out
}

/// A DER INTEGER of an unsigned big-endian number.
fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend(trimmed);
    der(0x02, &content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_long_lengths() {
        assert_eq!(der_uint(&[0]), vec![0x02, 0x01, 0x00]);
        assert_eq!(der_uint(&[0x00, 0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_uint(&[0x01, 0x00]), vec![0x02, 0x02, 0x01, 0x00]);
        let long = der(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn public_and_broken_jwks_are_invalid_input_without_echo() {
        for text in [
            r#"{"kty":"RSA","n":"SECRETMATERIAL","e":"AQAB"}"#,
            r#"{"kty":"EC","crv":"P-256","x":"SECRETMATERIAL","y":"AAAA"}"#,
            r#"{"kty":"EC","crv":"P-384","d":"SECRETMATERIAL"}"#,
            r#"{"kty":"oct","k":"SECRETMATERIAL"}"#,
            r#"{"keys":[]}"#,
            r#"{"kty":"RSA", SECRETMATERIAL"#,
        ] {
            let err = from_jwk(text).err().map(|e| format!("{e} {e:?}"));
            let err = err.unwrap_or_default();
            assert!(!err.is_empty(), "{text}");
            assert!(!err.contains("SECRETMATERIAL"), "{err}");
        }
    }
}
