//! Okta's error bodies: `{"errorCode","errorSummary","errorLink","errorId","errorCauses"}`.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::{JSON, set_rate_limit_headers};
use crate::validate::{self, Problem, Validate, Violation};
use crate::wire::{
    ceil_secs, http_date, json_object, json_response, now_secs, random_hex, set_header,
};

const RATE_LIMITED: &str = "API call exceeded rate limit due to too many requests.";
const NOT_FOUND: &str = "Not found: Resource not found";
const INVALID_TOKEN: &str = "Invalid token provided";
const FORBIDDEN: &str = "You do not have permission to perform the requested action";
const VALIDATION_FAILED: &str = "Api validation failed";
const INTERNAL: &str = "Internal Server Error";

/// An Okta error answer; each cause becomes an `errorCauses` entry.
pub(super) fn okta_error(
    status: StatusCode,
    code: &str,
    summary: &str,
    causes: &[String],
) -> Response {
    let causes: Vec<Value> = causes
        .iter()
        .map(|c| json!({ "errorSummary": c }))
        .collect();
    json_response(
        status,
        JSON,
        &json!({
            "errorCode": code,
            "errorSummary": summary,
            "errorLink": code,
            "errorId": format!("oae{}", &random_hex()[..19]),
            "errorCauses": causes,
        }),
    )
}

/// `404 E0000007`.
pub(super) fn not_found() -> Response {
    okta_error(StatusCode::NOT_FOUND, "E0000007", NOT_FOUND, &[])
}

/// `405 E0000022`: a known path with a method it does not support ("The endpoint does not
/// support the provided HTTP method"; an unknown path is a 404 E0000007 instead), with the
/// `Allow` header listing the path's methods: RFC 9110 §15.5.6 ("The origin server MUST
/// generate an Allow header field in a 405 response"), which Okta's Spring front end does and
/// which schemathesis' `unsupported_method` check requires.
pub(super) fn unsupported_method(allow: &str) -> Response {
    let mut response = okta_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "E0000022",
        "The endpoint does not support the provided HTTP method",
        &[],
    );
    set_header(response.headers_mut(), "allow", allow);
    response
}

/// `400 E0000001` with one cause; a cause `field: text` names the field in the summary
/// (`Api validation failed: field`, as Okta words it: developer.okta.com error codes, E0000001,
/// and the bodies users quote, e.g. okta/okta-developer-docs#1622
/// `"errorSummary": "Api validation failed: conditions.people", "errorCauses":
/// [{"errorSummary": "conditions.people: …"}]`).
pub(super) fn bad_request(cause: &str) -> Response {
    let summary = match cause.split_once(": ") {
        Some((field, _)) if !field.contains(' ') => format!("{VALIDATION_FAILED}: {field}"),
        _ => VALIDATION_FAILED.to_owned(),
    };
    okta_error(
        StatusCode::BAD_REQUEST,
        "E0000001",
        &summary,
        &[cause.to_owned()],
    )
}

/// `400 E0000003` "The request body was not well-formed." (Okta's reader exception, with no
/// causes): what Okta answers for a body it cannot read into its model — not JSON, or a value
/// of the wrong JSON type (developer.okta.com error codes, E0000003; bodies quoted in
/// okta/okta-developer-docs#3157 and flypenguin/okta-cli#1, a user object with fields at the
/// wrong level; the okta-sdk-python README PR #300 for a malformed body).
pub(super) fn not_well_formed() -> Response {
    okta_error(
        StatusCode::BAD_REQUEST,
        "E0000003",
        "The request body was not well-formed.",
        &[],
    )
}

/// Okta's answer to a request that fails the typed checks: a body it cannot read is `E0000003`;
/// otherwise `E0000001` naming the first field, one `errorCauses` entry per violation.
pub(super) fn invalid(violations: &[Violation]) -> Response {
    let unreadable = violations
        .iter()
        .any(|v| matches!(v.problem, Problem::Syntax | Problem::Type { .. }));
    let Some(first) = violations.first().filter(|_| !unreadable) else {
        return not_well_formed();
    };
    let causes: Vec<String> = violations
        .iter()
        .map(|v| format!("{}: {}", v.path, okta_text(&v.problem)))
        .collect();
    okta_error(
        StatusCode::BAD_REQUEST,
        "E0000001",
        &format!("{VALIDATION_FAILED}: {}", first.path),
        &causes,
    )
}

/// A violation in the words Okta's causes use ("The field cannot be left blank", as in the
/// E0000001 bodies users quote; lengths as Java Bean Validation's `@Size` says them).
fn okta_text(problem: &Problem) -> String {
    match problem {
        Problem::Syntax | Problem::Type { .. } => "The request body was not well-formed.".into(),
        Problem::Missing => "The field cannot be left blank.".into(),
        Problem::Unknown => "Property not found.".into(),
        Problem::Length { min, max, .. } => format!("size must be between {min} and {max}."),
        Problem::Pattern { pattern } => format!("The value must match {pattern}."),
        Problem::Enum { allowed } => match allowed {
            [a, b] => format!("The value must be {a} or {b}."),
            _ => format!("The value must be one of {}.", allowed.join(", ")),
        },
        Problem::Range { min, max } => {
            format!("The value must be an integer between {min} and {max}.")
        }
        Problem::Rule(text) => text.clone(),
    }
}

/// `401 E0000011`, with a `WWW-Authenticate` challenge when given.
pub(super) fn invalid_token(www_authenticate: Option<&str>) -> Response {
    let mut response = okta_error(StatusCode::UNAUTHORIZED, "E0000011", INVALID_TOKEN, &[]);
    if let Some(value) = www_authenticate {
        set_header(response.headers_mut(), "www-authenticate", value);
    }
    response
}

/// `403 E0000006`.
pub(super) fn forbidden() -> Response {
    okta_error(StatusCode::FORBIDDEN, "E0000006", FORBIDDEN, &[])
}

/// `500 E0000009`.
pub(super) fn internal() -> Response {
    okta_error(StatusCode::INTERNAL_SERVER_ERROR, "E0000009", INTERNAL, &[])
}

/// `429 E0000047` with `X-Rate-Limit-*` headers (the limit resets after `reset_after`) and `Date`.
pub(super) fn rate_limited(reset_after: Duration) -> Response {
    let now = now_secs();
    let mut response = okta_error(StatusCode::TOO_MANY_REQUESTS, "E0000047", RATE_LIMITED, &[]);
    let h = response.headers_mut();
    set_rate_limit_headers(h, 0, now + ceil_secs(reset_after));
    set_header(h, "date", &http_date(now));
    response
}

/// The error Okta answers with this status (for injected faults).
pub(super) fn for_status(status: StatusCode) -> Response {
    let (code, summary) = match status.as_u16() {
        503 => ("E0000010", "Service is in read only mode"),
        429 => ("E0000047", RATE_LIMITED),
        404 => ("E0000007", NOT_FOUND),
        401 => ("E0000011", INVALID_TOKEN),
        403 => ("E0000006", FORBIDDEN),
        400 => ("E0000001", VALIDATION_FAILED),
        _ => ("E0000009", INTERNAL),
    };
    okta_error(status, code, summary, &[])
}

/// The body as a JSON object, or the `400 E0000003` Okta answers for a malformed body.
pub(super) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    json_object(body).ok_or_else(not_well_formed)
}

/// The body decoded as the typed request `T` and checked, plus the body as a JSON object (what
/// the fake stores); or Okta's `400`.
pub(super) fn parse_typed<T: DeserializeOwned + Validate>(
    body: &[u8],
) -> Result<(T, Map<String, Value>), Response> {
    let typed = validate::parse::<T>(body).map_err(|v| invalid(&v))?;
    Ok((typed, parse_object(body)?))
}
