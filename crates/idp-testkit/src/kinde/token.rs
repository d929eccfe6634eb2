//! `POST /oauth2/token` (M2M client credentials) and the check of the bearer tokens it issues.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

use super::{KindeState, forbidden, unauthorized};
use crate::server::lock;
use crate::wire::{authorization, form_fields, now_secs, oauth_error, oauth_json};

const TOKEN_LIFETIME: u64 = 86_400;

/// The four connections scopes of the Kinde Management API (granted by default).
pub(super) const ALL_SCOPES: [&str; 4] = [
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
];

/// An access token the fake issued.
pub(super) struct Issued {
    expires_at: u64,
    scopes: Vec<String>,
}

/// The connections endpoints require `Authorization: Bearer <token>` with an unexpired token
/// issued by [`token`] (else `401`) that carries `scope` (else `403`: the M2M app was not granted
/// it on the dashboard).
pub(super) fn authenticate(
    state: &KindeState,
    headers: &HeaderMap,
    scope: Option<&str>,
) -> Result<(), Response> {
    let token = match authorization(headers).split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("Bearer") => token.trim(),
        _ => return Err(unauthorized("Missing or invalid Authorization header.")),
    };
    let data = lock(&state.data);
    let issued = match data.tokens.get(token) {
        Some(issued) if issued.expires_at > now_secs() => issued,
        Some(_) => return Err(unauthorized("The access token has expired.")),
        None => return Err(unauthorized("The access token is invalid.")),
    };
    match scope {
        Some(needed) if !issued.scopes.iter().any(|s| s == needed) => Err(forbidden(needed)),
        _ => Ok(()),
    }
}

/// `POST /oauth2/token` (client credentials, client_secret_post or HTTP Basic).
pub(super) fn token(state: &KindeState, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut data = lock(&state.data);
    data.token_requests += 1;
    if let Err(response) = check_request(state, headers, body) {
        return response;
    }
    let now = now_secs();
    let scope = data.scopes.join(" ");
    let Some(access_token) = sign_access_token(state, now, &scope) else {
        return oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The token could not be signed.",
        );
    };
    let scopes = data.scopes.clone();
    data.tokens.insert(
        access_token.clone(),
        Issued {
            expires_at: now + TOKEN_LIFETIME,
            scopes,
        },
    );
    oauth_json(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME,
            "scope": scope,
            "token_type": "bearer",
        }),
    )
}

/// The grant type, the client's credentials (HTTP Basic wins over the form) and the audience.
fn check_request(state: &KindeState, headers: &HeaderMap, body: &[u8]) -> Result<(), Response> {
    let form = form_fields(body);
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (client_id, client_secret) =
        basic_credentials(headers).unwrap_or_else(|| (field("client_id"), field("client_secret")));
    if field("grant_type") != "client_credentials" {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        ));
    }
    if client_id != state.client_id || client_secret != state.client_secret {
        return Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
        ));
    }
    if !accepted_audience(state, headers, &field("audience")) {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "The client is not authorized to request a token for this audience.",
        ));
    }
    Ok(())
}

/// Whether a token request may name this audience: the Management API of this business,
/// `<scheme>://<its host>/api`.
///
/// Kinde documents the audience as `https://<your_subdomain>.kinde.com/api` (docs.kinde.com,
/// "Access the Kinde Management API"; Kinde is https-only), and its SDKs derive it from the
/// configured domain: kinde-python-sdk 2.4.0 (`kinde_sdk/management/management_token_manager.py`,
/// `request_new_token`) sends `f"https://{self.domain}/api"` whatever the domain. So the fake
/// accepts `https://` as well as its own `http://` form, for its own `host:port` and for the host
/// the request was addressed to (`Host`: the name a client reaches the fake under, e.g. through a
/// TLS terminator in front of it, is that client's Kinde domain).
fn accepted_audience(state: &KindeState, headers: &HeaderMap, audience: &str) -> bool {
    if audience == state.audience() {
        return true;
    }
    let own_host = state
        .base_url
        .split_once("://")
        .map_or(state.base_url.as_str(), |(_, host)| host);
    let request_host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok());
    let Some(host) = audience
        .strip_prefix("https://")
        .or_else(|| audience.strip_prefix("http://"))
        .and_then(|rest| rest.strip_suffix("/api"))
    else {
        return false;
    };
    !host.is_empty() && (host == own_host || Some(host) == request_host)
}

/// An HS256 JWT with the claims of a Kinde M2M access token.
fn sign_access_token(state: &KindeState, now: u64, scope: &str) -> Option<String> {
    let claims = json!({
        "aud": [state.audience()],
        "azp": state.client_id,
        "exp": now + TOKEN_LIFETIME,
        "iat": now,
        "iss": state.base_url,
        "jti": uuid::Uuid::new_v4().to_string(),
        "gty": ["client_credentials"],
        "scope": scope,
    });
    let key = EncodingKey::from_secret(state.signing_secret.as_bytes());
    jsonwebtoken::encode(&Header::default(), &claims, &key).ok()
}

/// HTTP Basic client credentials (each part form-urlencoded first, RFC 6749 section 2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let (scheme, value) = authorization(headers).split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(value.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    #[test]
    fn basic_credentials_are_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("id%3A1:se%2Bcret"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&value).unwrap(),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("id:1".to_owned(), "se+cret".to_owned()))
        );
    }
}
