//! Authress error bodies. The spec declares none, and real bodies are not reliably JSON (plain
//! text from gateways and authress-local, JSON with `title` and sometimes `errorCode` from the
//! API). The core keeps the status, request id and raw body of every error; this reads `title`
//! and `errorCode` when the body is a JSON object, and nothing otherwise.

use idp_core::ErrorBody;
use idp_core::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthressErrorBody {
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    error_code: Option<Value>,
}

fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses an Authress error body; accepts any bytes without panicking.
pub(crate) fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
    // serde_json limits recursion depth, so deeply nested input fails cleanly.
    match serde_json::from_slice::<AuthressErrorBody>(body) {
        Ok(parsed) => ErrorBody::new(text(parsed.error_code), text(parsed.title)),
        Err(_) => ErrorBody::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> ErrorBody {
        parse_error(StatusCode::NOT_FOUND, &HeaderMap::new(), body)
    }

    #[test]
    fn json_title_and_error_code_are_read() {
        let body = parse(br#"{"title":"Connection not found","errorCode":"NotFound","extra":1}"#);
        assert_eq!(body.code.as_deref(), Some("NotFound"));
        assert_eq!(body.message.as_deref(), Some("Connection not found"));
    }

    #[test]
    fn title_alone_is_the_message() {
        let body = parse(br#"{"title":"Forbidden"}"#);
        assert_eq!(body.code, None);
        assert_eq!(body.message.as_deref(), Some("Forbidden"));
    }

    #[test]
    fn any_bytes_parse_to_nothing_without_panicking() {
        let deep = "[".repeat(100_000);
        let inputs: [&[u8]; 8] = [
            b"",
            b"An internal error occurred",
            b"<html><body>502 Bad Gateway</body></html>",
            b"{\"title\":\"trunc",
            b"[1,2,3]",
            b"null",
            &[0xff, 0xfe, 0x00, 0x80],
            deep.as_bytes(),
        ];
        for input in inputs {
            assert_eq!(parse(input), ErrorBody::default());
        }
        let odd = parse(br#"{"title":{"nested":true},"errorCode":42}"#);
        assert_eq!(odd.code.as_deref(), Some("42"));
        assert_eq!(odd.message, None);
    }
}
