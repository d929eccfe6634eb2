//! Okta error bodies → the core error.

use http::{HeaderMap, StatusCode};
use idp_core::ErrorBody;

use crate::models::Error as OktaError;

/// Okta's error fields on an [`idp_core::Error`]: `errorId`, `errorCauses`, `errorLink`, and the
/// whole error object, for an error the API answered with (none for a transport failure or an
/// input refused before sending).
///
/// ```
/// use idp_okta::OktaErrorExt;
/// # fn show(err: &idp_okta::Error) {
/// if let Some(id) = err.error_id() {
///     eprintln!("quote {id} to Okta support");
/// }
/// for cause in err.error_causes() {
///     eprintln!("cause: {cause}");
/// }
/// # }
/// ```
pub trait OktaErrorExt {
    /// `errorId`: the id of this occurrence, which Okta support asks for.
    fn error_id(&self) -> Option<&str>;
    /// The `errorSummary` of each of `errorCauses` (an array, or the single object some
    /// responses carry), in order.
    fn error_causes(&self) -> &[String];
    /// `errorLink` (in practice the error code again).
    fn error_link(&self) -> Option<String>;
    /// The whole Okta error object (`errorCode`, `errorSummary`, `errorLink`, `errorId`,
    /// `errorCauses` with their undeclared fields), read from the response body; `None` when the
    /// body is not an Okta error (an OAuth error, a challenge in `WWW-Authenticate`, HTML).
    fn okta_error(&self) -> Option<OktaError>;
}

impl OktaErrorExt for idp_core::Error {
    fn error_id(&self) -> Option<&str> {
        self.api_error()
            .and_then(|api| api.body.error_id.as_deref())
    }

    fn error_causes(&self) -> &[String] {
        self.api_error()
            .map_or(&[], |api| api.body.causes.as_slice())
    }

    fn error_link(&self) -> Option<String> {
        self.okta_error().and_then(|e| e.error_link)
    }

    fn okta_error(&self) -> Option<OktaError> {
        let body = self.raw_body()?;
        let value = serde_json::from_slice::<serde_json::Value>(body).ok()?;
        let is_okta = value.get("errorCode").is_some() || value.get("errorSummary").is_some();
        if !is_okta {
            return None;
        }
        serde_json::from_value(value).ok()
    }
}

/// Parses an Okta error body (`errorCode`, `errorSummary`, `errorCauses`, `errorId`). Accepts any
/// bytes: a body that is not an Okta error (HTML, truncated, empty, too deeply nested) gives an
/// empty [`ErrorBody`]; the OAuth `{error, error_description}` shape is read too.
///
/// Where the body names no code, the `error` and `error_description` of a `WWW-Authenticate`
/// challenge are the code and message: Okta answers DPoP problems on API calls with `400` and
/// the problem only in `WWW-Authenticate: DPoP …, error="invalid_dpop_proof",
/// error_description="…"` (okta-sdk-python #541, okta-sdk-nodejs #453), and scope problems
/// with `error="insufficient_scope"`.
pub(crate) fn parse_error(_status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorBody {
    let parsed = parse_body(body);
    if parsed.code.is_some() {
        return parsed;
    }
    match challenge_error(headers) {
        Some((code, description)) => ErrorBody::new(Some(code), description.or(parsed.message))
            .with_causes(parsed.causes)
            .with_error_id(parsed.error_id),
        None => parsed,
    }
}

/// The `error` and `error_description` parameters of the first `WWW-Authenticate` challenge
/// that has an `error`.
pub(crate) fn challenge_error(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    headers
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let params = auth_params(v);
            let get = |name: &str| {
                params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            get("error").map(|e| (e, get("error_description")))
        })
}

/// The `name=value` / `name="quoted value"` parameters of a challenge (RFC 9110 §11.2), after
/// its scheme; a quoted value may contain commas and `\"` escapes.
fn auth_params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    // Skip the scheme (the first token, when it is not itself a parameter).
    if let Some((scheme, after)) = rest.split_once(' ') {
        if !scheme.contains('=') {
            rest = after;
        }
    }
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_owned();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            v.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    other => v.push(other),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        out.push((name, value));
    }
    out
}

/// The Okta (or OAuth) error body.
fn parse_body(body: &[u8]) -> ErrorBody {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return ErrorBody::default();
    };
    if !value.is_object() {
        return ErrorBody::default();
    }
    let oauth_code = value
        .get("error")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let oauth_desc = value
        .get("error_description")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let parsed: OktaError = serde_json::from_value(value).unwrap_or_default();
    let causes = parsed
        .error_causes
        .into_iter()
        .filter_map(|c| c.error_summary)
        .collect();
    ErrorBody::new(
        parsed.error_code.or(oauth_code),
        parsed.error_summary.or(oauth_desc),
    )
    .with_causes(causes)
    .with_error_id(parsed.error_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> ErrorBody {
        parse_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), body)
    }

    #[test]
    fn okta_error_fields_are_read() {
        let b = parse(
            br#"{"errorCode":"E0000041","errorSummary":"Credentials should not be set","errorLink":"E0000041","errorId":"oae1","errorCauses":{"errorSummary":"User level credentials"}}"#,
        );
        assert_eq!(b.code.as_deref(), Some("E0000041"));
        assert_eq!(b.message.as_deref(), Some("Credentials should not be set"));
        assert_eq!(b.error_id.as_deref(), Some("oae1"));
        assert_eq!(b.causes, vec!["User level credentials".to_owned()]);
    }

    #[test]
    fn oauth_errors_are_read() {
        let b = parse(br#"{"error":"invalid_dpop_proof","error_description":"bad proof"}"#);
        assert_eq!(b.code.as_deref(), Some("invalid_dpop_proof"));
        assert_eq!(b.message.as_deref(), Some("bad proof"));
    }

    /// Issue 13, item 2: the header okta-sdk-nodejs #453 quotes, on a 400 with no body.
    #[test]
    fn dpop_problems_are_read_from_www_authenticate() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static(
                r#"DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="http://integrator-8941517.okta.com/oauth2/v1/authorize", realm="http://integrator-8941517.okta.com", scope="okta.groups.read", error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid.", resource="/api/v1/groups/00gwsh7e1dYS1VtcJ697/users""#,
            ),
        );
        let b = parse_error(StatusCode::BAD_REQUEST, &headers, b"");
        assert_eq!(b.code.as_deref(), Some("invalid_dpop_proof"));
        assert_eq!(
            b.message.as_deref(),
            Some("'htu' claim in the DPoP proof JWT is invalid.")
        );
        // A body code wins; escapes and commas inside quotes are kept.
        let body = br#"{"errorCode":"E0000011","errorSummary":"Invalid token provided"}"#;
        assert_eq!(
            parse_error(StatusCode::UNAUTHORIZED, &headers, body)
                .code
                .as_deref(),
            Some("E0000011")
        );
        let params = auth_params(r#"Bearer error="a,b", error_description="say \"hi\"", x=1"#);
        assert_eq!(
            params,
            vec![
                ("error".to_owned(), "a,b".to_owned()),
                ("error_description".to_owned(), "say \"hi\"".to_owned()),
                ("x".to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(auth_params("Bearer"), vec![]);
        assert_eq!(auth_params(r#"DPoP error="unterminated"#).len(), 1);
    }

    #[test]
    fn any_bytes_are_accepted() {
        let deep = "[".repeat(100_000);
        let deep_obj = "{\"a\":".repeat(10_000);
        let inputs: Vec<&[u8]> = vec![
            b"",
            b"<html><body>502 Bad Gateway</body></html>",
            b"{\"errorCode\":\"E1\",\"errorSum",
            b"\xff\xfe\x00",
            b"null",
            b"[1,2]",
            b"{\"errorCode\":5,\"errorCauses\":[1,\"x\",null,{}]}",
            deep.as_bytes(),
            deep_obj.as_bytes(),
        ];
        for input in inputs {
            let _ = parse(input);
        }
        assert_eq!(parse(b"<html>").code, None);
    }
}
