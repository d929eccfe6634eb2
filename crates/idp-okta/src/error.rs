//! Okta error bodies → the core error.

use http::{HeaderMap, StatusCode};
use idp_core::ErrorBody;

use crate::models::Error as OktaError;

/// Parses an Okta error body (`errorCode`, `errorSummary`, `errorCauses`, `errorId`). Accepts any
/// bytes: a body that is not an Okta error (HTML, truncated, empty, too deeply nested) gives an
/// empty [`ErrorBody`]; the OAuth `{error, error_description}` shape is read too.
pub(crate) fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
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
