//! Kinde's error bodies → the core [`ErrorBody`].
//!
//! Kinde answers `{"errors": [{"code", "message"}, …]}` for most errors, `{"errors": {"code",
//! "message"}}` (a single object) for 404s on update/replace/delete, and nothing at all (or
//! something that is not JSON) for some 401s and 429s. All of these are accepted; so is an OAuth
//! style `{"error", "error_description"}` and a top-level `{"code", "message"}`.

use idp_core::ErrorBody;
use idp_core::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// Parses any bytes into an [`ErrorBody`] without panicking: the first error gives the code and
/// message, the others become causes (`CODE: message`).
pub(crate) fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
    // serde_json refuses nesting deeper than 128 levels with an error, never a stack overflow.
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let entries: Vec<(Option<String>, Option<String>)> = match value.get("errors") {
        Some(Value::Array(items)) => items.iter().map(entry).collect(),
        Some(obj @ Value::Object(_)) => vec![entry(obj)],
        _ => {
            let code = text(&value, "code").or_else(|| text(&value, "error"));
            let message = text(&value, "message").or_else(|| text(&value, "error_description"));
            if code.is_some() || message.is_some() {
                vec![(code, message)]
            } else {
                Vec::new()
            }
        }
    };
    let mut iter = entries
        .into_iter()
        .filter(|(c, m)| c.is_some() || m.is_some());
    let Some((code, message)) = iter.next() else {
        return ErrorBody::default();
    };
    let causes = iter
        .map(|(c, m)| match (c, m) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c,
            (None, Some(m)) => m,
            (None, None) => String::new(),
        })
        .collect();
    ErrorBody::new(code, message).with_causes(causes)
}

fn entry(value: &Value) -> (Option<String>, Option<String>) {
    (text(value, "code"), text(value, "message"))
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> ErrorBody {
        parse_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), body)
    }

    #[test]
    fn errors_as_array_first_is_code_others_are_causes() {
        let b = parse(
            br#"{"errors":[{"code":"INVALID_REQUEST","message":"bad name"},{"code":"MISSING","message":"strategy"}]}"#,
        );
        assert_eq!(b.code.as_deref(), Some("INVALID_REQUEST"));
        assert_eq!(b.message.as_deref(), Some("bad name"));
        assert_eq!(b.causes, vec!["MISSING: strategy".to_owned()]);
    }

    #[test]
    fn errors_as_single_object() {
        let b = parse(br#"{"errors":{"code":"ROUTE_NOT_FOUND","message":"The requested API route does not exist"}}"#);
        assert_eq!(b.code.as_deref(), Some("ROUTE_NOT_FOUND"));
        assert_eq!(
            b.message.as_deref(),
            Some("The requested API route does not exist")
        );
        assert!(b.causes.is_empty());
    }

    #[test]
    fn oauth_and_top_level_shapes() {
        let b = parse(br#"{"error":"invalid_token","error_description":"expired"}"#);
        assert_eq!(
            (b.code.as_deref(), b.message.as_deref()),
            (Some("invalid_token"), Some("expired"))
        );
        let b = parse(br#"{"code":"FORBIDDEN","message":"missing scope read:connections"}"#);
        assert_eq!(b.code.as_deref(), Some("FORBIDDEN"));
    }

    #[test]
    fn any_bytes_are_accepted() {
        let deep = "[".repeat(100_000);
        let nested = format!("{{\"errors\":{}{}", "[".repeat(5000), "]".repeat(5000));
        let cases: Vec<&[u8]> = vec![
            b"",
            b"<html><body>502 Bad Gateway</body></html>",
            br#"{"errors":[{"code":"X""#,
            b"\xff\xfe\x00",
            b"null",
            b"[]",
            br#"{"errors":"just text"}"#,
            br#"{"errors":[1,null,"x",{"code":7}]}"#,
            deep.as_bytes(),
            nested.as_bytes(),
        ];
        for body in cases {
            let b = parse(body);
            assert!(b.message.is_none() || !b.message.as_deref().unwrap_or_default().contains('<'));
        }
        assert_eq!(
            parse(br#"{"errors":[1,null,{"code":7}]}"#).code.as_deref(),
            Some("7")
        );
        assert_eq!(parse(b""), ErrorBody::default());
    }
}
