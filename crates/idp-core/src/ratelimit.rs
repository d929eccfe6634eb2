//! Rate-limit state reported by a response.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// Rate-limit headers of one response (Okta `X-Rate-Limit-*`, IETF `RateLimit-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets, when the server says.
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Reads `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` (epoch seconds).
    ///
    /// When a header appears more than once (Okta sends duplicates on some concurrency limits), the
    /// smallest value wins: it is the binding limit.
    pub fn from_x_rate_limit_headers(headers: &HeaderMap) -> Option<RateLimit> {
        Self::read(headers, "x-rate-limit-", |secs| {
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
        })
    }

    /// Reads the IETF draft headers `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
    /// (delta seconds, measured from `now`).
    pub fn from_ietf_headers(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        Self::read(headers, "ratelimit-", |secs| {
            now.checked_add(Duration::from_secs(secs))
        })
    }

    /// `<prefix>limit`, `<prefix>remaining` and `<prefix>reset` (turned into a time by `reset_at`;
    /// a value past what `SystemTime` holds is dropped); `None` when none is present.
    fn read(
        headers: &HeaderMap,
        prefix: &str,
        reset_at: impl Fn(u64) -> Option<SystemTime>,
    ) -> Option<RateLimit> {
        let limit = min_u64(headers, &format!("{prefix}limit"));
        let remaining = min_u64(headers, &format!("{prefix}remaining"));
        let reset = min_u64(headers, &format!("{prefix}reset")).and_then(reset_at);
        if limit.is_none() && remaining.is_none() && reset.is_none() {
            None
        } else {
            Some(RateLimit {
                limit,
                remaining,
                reset,
            })
        }
    }
}

/// The smallest numeric value of a header that may repeat or hold a comma-separated list.
pub(crate) fn min_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|v| v.trim().parse::<u64>().ok())
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn duplicated_okta_headers_take_the_minimum() {
        let mut h = HeaderMap::new();
        h.append("x-rate-limit-limit", HeaderValue::from_static("600"));
        h.append("x-rate-limit-limit", HeaderValue::from_static("50"));
        h.append("x-rate-limit-remaining", HeaderValue::from_static("0"));
        h.append(
            "x-rate-limit-reset",
            HeaderValue::from_static("1700000100, 1700000060"),
        );
        let rl = RateLimit::from_x_rate_limit_headers(&h);
        assert_eq!(
            rl,
            Some(RateLimit {
                limit: Some(50),
                remaining: Some(0),
                reset: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_060)),
            })
        );
    }

    #[test]
    fn no_headers_no_rate_limit() {
        assert_eq!(
            RateLimit::from_x_rate_limit_headers(&HeaderMap::new()),
            None
        );
        assert_eq!(
            RateLimit::from_ietf_headers(&HeaderMap::new(), SystemTime::now()),
            None
        );
    }
}
