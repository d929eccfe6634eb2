//! Small helpers the fakes share when answering: JSON and OAuth responses, headers, query
//! strings, path segments, paging, and the clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Whole seconds, rounded up (at least 1 for a non-zero duration).
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 timestamp with milliseconds, e.g. `2024-05-01T10:00:00.000Z`.
pub(crate) fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// IMF-fixdate (`Date` header), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = secs as i64;
    let days = secs.div_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let rem = secs.rem_euclid(86_400);
    let weekday = DAYS
        .get(days.rem_euclid(7) as usize)
        .copied()
        .unwrap_or("Thu");
    let month = MONTHS
        .get((mo as usize).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A JSON response with a status and content type.
pub(crate) fn json_response(
    status: StatusCode,
    content_type: &'static str,
    value: &serde_json::Value,
) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `204 No Content` with an empty body.
pub(crate) fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// A JSON answer from an OAuth token endpoint, with `Cache-Control: no-store` (RFC 6749
/// section 5.1).
pub(crate) fn oauth_json(status: StatusCode, value: &Value) -> Response {
    let mut response = json_response(status, "application/json", value);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An OAuth error answer, `{"error","error_description"}` (RFC 6749 section 5.2).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    oauth_json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// The `Authorization` header, or `""` when it is missing or not visible ASCII.
pub(crate) fn authorization(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The fields of a form-encoded body (of a repeated field, the last value wins).
pub(crate) fn form_fields(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The body parsed as JSON, if it is a JSON object.
pub(crate) fn json_object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A page size from a query parameter: `default` when absent, capped at `max`; `None` when it is
/// not a positive integer.
pub(crate) fn page_size(raw: Option<&str>, default: usize, max: usize) -> Option<usize> {
    let Some(raw) = raw else {
        return Some(default);
    };
    match raw.parse::<i64>() {
        Ok(n) if n >= 1 => Some((n as usize).min(max)),
        _ => None,
    }
}

/// The first `limit` items that `keep` accepts, each shown through `view`, and whether more
/// accepted items follow.
pub(crate) fn take_page<'a>(
    items: impl Iterator<Item = &'a Value>,
    limit: usize,
    keep: impl Fn(&Value) -> bool,
    view: impl Fn(&Value) -> Value,
) -> (Vec<Value>, bool) {
    let mut page = Vec::new();
    for item in items.filter(|item| keep(item)) {
        if page.len() == limit {
            return (page, true);
        }
        page.push(view(item));
    }
    (page, false)
}

/// Sets a header from a string, skipping values that are not valid header values.
pub(crate) fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// Parses a query string into decoded pairs.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of a query parameter.
pub(crate) fn query_get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Random URL-safe identifier characters (32 hex digits).
pub(crate) fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Splits a path into segments after a prefix, percent-decoding each segment.
pub(crate) fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i..i + 3) {
            Some([b'%', h, l]) => match (hex_val(*h), hex_val(*l)) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            _ => out.push(bytes.get(i).copied().unwrap_or(b'%')),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes a value as one path segment (unreserved characters kept).
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_formats_known_instants() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn segments_round_trip() {
        let raw = "google|1 2/3+4@x";
        assert_eq!(decode_segment(&encode_segment(raw)), raw);
        assert_eq!(decode_segment("%zz%41"), "%zzA");
    }

    #[test]
    fn page_size_defaults_caps_and_rejects() {
        assert_eq!(page_size(None, 10, 500), Some(10));
        assert_eq!(page_size(Some("900"), 10, 500), Some(500));
        assert_eq!(page_size(Some("0"), 10, 500), None);
        assert_eq!(page_size(Some("x"), 10, 500), None);
    }

    #[test]
    fn take_page_reports_whether_more_follow() {
        let items: Vec<Value> = (0..5).map(|n| json!(n)).collect();
        let odd = |v: &Value| v.as_i64().is_some_and(|n| n % 2 == 1);
        let (page, more) = take_page(items.iter(), 1, odd, Value::clone);
        assert_eq!((page, more), (vec![json!(1)], true));
        let (page, more) = take_page(items.iter(), 2, odd, Value::clone);
        assert_eq!((page, more), (vec![json!(1), json!(3)], false));
    }

    #[test]
    fn ceil_secs_rounds_up() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(2)), 2);
        assert_eq!(ceil_secs(Duration::ZERO), 0);
    }
}
