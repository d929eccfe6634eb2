//! Okta's error bodies: `{"errorCode","errorSummary","errorLink","errorId","errorCauses"}`.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{JSON, set_rate_limit_headers};
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
/// support the provided HTTP method"; an unknown path is a 404 E0000007 instead).
pub(super) fn unsupported_method() -> Response {
    okta_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "E0000022",
        "The endpoint does not support the provided HTTP method",
        &[],
    )
}

/// `400 E0000001` with one cause.
pub(super) fn bad_request(cause: &str) -> Response {
    okta_error(
        StatusCode::BAD_REQUEST,
        "E0000001",
        VALIDATION_FAILED,
        &[cause.to_owned()],
    )
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

/// The body as a JSON object, or the `400` Okta answers for a malformed body.
pub(super) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    json_object(body).ok_or_else(|| bad_request("The request body was not well-formed."))
}
