//! Authress error bodies. The spec declares none, and real bodies come in three shapes:
//!
//! 1. The API's own JSON, `{"title": …, "errorCode": …}` (the JS SDK builds its error message
//!    from `response.data.title`: `Authress/authress-sdk.js` `src/httpClient.js`).
//! 2. The AWS front end's JSON, `{"message": "…"}`: API Gateway's default gateway responses
//!    (throttling 429 `Too Many Requests`, 403 `Missing Authentication Token`, 502/504
//!    `Internal server error` / `Endpoint request timed out`), documented at
//!    <https://docs.aws.amazon.com/apigateway/latest/developerguide/customize-gateway-responses.html>
//!    ("you receive an error response with the `{ "message": "Missing Authentication Token" }`
//!    message").
//! 3. Plain text or HTML: CloudFront and load-balancer error pages, and authress-local's
//!    `Couldn't parse body parameter …` / `An internal error occurred` (see the research notes).
//!
//! The core keeps the status, request id and raw body of every error; this reads `errorCode` as
//! the code and `title`, else `message`, as the message; for a body that is not JSON (and does
//! not start like JSON) it takes a short excerpt of the text as the message, so `Display` says
//! what the server said.

use idp_core::ErrorBody;
use idp_core::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;

/// The longest excerpt of a non-JSON body used as the message, in characters.
const EXCERPT_CHARS: usize = 160;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthressErrorBody {
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    error_code: Option<Value>,
    /// The AWS front end's field (API Gateway gateway responses).
    #[serde(default)]
    message: Option<Value>,
}

fn text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A short, single-line excerpt of a text body: HTML tags dropped, whitespace collapsed, cut at
/// [`EXCERPT_CHARS`] characters (on a character boundary). `None` for an empty body, bytes that
/// are not UTF-8, or text with control characters (binary).
fn excerpt(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let mut plain = String::with_capacity(text.len().min(4 * EXCERPT_CHARS));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => plain.push(' '),
            c if c.is_control() => return None,
            c => plain.push(c),
        }
        if plain.len() > 8 * EXCERPT_CHARS {
            break;
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    let mut chars = joined.chars();
    let cut: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    Some(if chars.next().is_some() {
        format!("{cut}…")
    } else {
        cut
    })
}

/// Whether the body starts (after whitespace) like a JSON object or array.
fn looks_like_json(body: &[u8]) -> bool {
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// Parses an Authress error body; accepts any bytes without panicking.
pub(crate) fn parse_error(_status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorBody {
    // serde_json limits recursion depth, so deeply nested input fails cleanly.
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => match serde_json::from_value::<AuthressErrorBody>(value) {
            Ok(parsed) => {
                let message = text(parsed.title).or_else(|| text(parsed.message));
                ErrorBody::new(text(parsed.error_code), message)
            }
            Err(_) => ErrorBody::default(),
        },
        // Other JSON (an array, a number, `null`) says nothing a person can read.
        Ok(_) => ErrorBody::default(),
        // Broken JSON (truncated, too deep, out-of-range numbers) is not shown either: its
        // text is structure, not a message.
        Err(_) if looks_like_json(body) => ErrorBody::default(),
        Err(_) => ErrorBody::new(None, excerpt(body)),
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
    fn aws_front_end_message_is_the_message_when_there_is_no_title() {
        // The bodies API Gateway's default gateway responses send (AWS developer guide,
        // "Gateway responses for REST APIs").
        for (body, want) in [
            (
                &br#"{"message":"Missing Authentication Token"}"#[..],
                "Missing Authentication Token",
            ),
            (br#"{"message": "Too Many Requests"}"#, "Too Many Requests"),
            (
                br#"{"message": "Internal server error"}"#,
                "Internal server error",
            ),
            (
                br#"{"message": "Endpoint request timed out"}"#,
                "Endpoint request timed out",
            ),
        ] {
            let parsed = parse(body);
            assert_eq!(parsed.message.as_deref(), Some(want));
            assert_eq!(parsed.code, None);
        }
        // Authress's own title wins over a message.
        let both = parse(br#"{"title":"Forbidden","message":"other"}"#);
        assert_eq!(both.message.as_deref(), Some("Forbidden"));
    }

    #[test]
    fn a_text_body_gives_a_short_excerpt() {
        // authress-local's plain-text 500, and a CloudFront-style HTML page.
        let plain = parse(b"An internal error occurred\n");
        assert_eq!(plain.message.as_deref(), Some("An internal error occurred"));
        let html = parse(b"<html><body><h1>502 Bad Gateway</h1>\n<p>The request could not be satisfied.</p></body></html>");
        assert_eq!(
            html.message.as_deref(),
            Some("502 Bad Gateway The request could not be satisfied.")
        );
        let long = "x".repeat(10_000);
        let cut = parse(long.as_bytes()).message.unwrap_or_default();
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        let multibyte = "é".repeat(EXCERPT_CHARS + 5);
        let cut = parse(multibyte.as_bytes()).message.unwrap_or_default();
        assert!(cut.starts_with("éé") && cut.ends_with('…'));
    }

    #[test]
    fn bodies_with_nothing_readable_parse_to_nothing_without_panicking() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"   \n ",
            b"<html></html>",
            b"[1,2,3]",
            b"null",
            b"{}",
            &[0xff, 0xfe, 0x00, 0x80],
            b"bin\x00ary",
        ];
        for (i, input) in inputs.into_iter().enumerate() {
            assert_eq!(parse(input), ErrorBody::default(), "input {i}");
        }
        // Broken JSON is structure, not a message: nesting deeper than serde_json's limit,
        // a truncated object, an out-of-range number.
        let deep = "[".repeat(100_000);
        for broken in [
            deep.as_bytes(),
            b"{\"title\":\"trunc",
            b" {\"errorCode\":1e999}",
        ] {
            assert_eq!(parse(broken), ErrorBody::default());
        }
        let odd = parse(br#"{"title":{"nested":true},"errorCode":42}"#);
        assert_eq!(odd.code.as_deref(), Some("42"));
        assert_eq!(odd.message, None);
    }
}
