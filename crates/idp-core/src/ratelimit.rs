//! Rate-limit state reported by a response.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::AsHeaderName;

/// Rate-limit state of one response, read from whichever headers the provider sends
/// ([`RateLimit::from_headers`]).
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

/// How a reset header counts time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reset {
    /// Whole seconds since the Unix epoch.
    EpochSeconds,
    /// Whole seconds from now.
    DeltaSeconds,
}

impl RateLimit {
    /// Reads a provider's three headers `[limit, remaining, reset]` (lower-case names); the
    /// reset counts time as `reset` says, deltas measured from `now`. `None` when none is present.
    ///
    /// When a header appears more than once or holds a list, the smallest value wins: it is the
    /// binding limit. A reset past what `SystemTime` holds is dropped.
    ///
    /// The names may be `&str` or, cheaper on every response (no parse of the name), `&HeaderName`
    /// statics.
    pub fn from_headers<K: AsHeaderName>(
        headers: &HeaderMap,
        [limit, remaining, reset_name]: [K; 3],
        reset: Reset,
        now: SystemTime,
    ) -> Option<RateLimit> {
        let limit = header_u64(headers, limit);
        let remaining = header_u64(headers, remaining);
        let reset = header_u64(headers, reset_name).and_then(|secs| match reset {
            Reset::EpochSeconds => SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)),
            Reset::DeltaSeconds => now.checked_add(Duration::from_secs(secs)),
        });
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

/// The smallest numeric value of a header that may repeat or hold a comma-separated list (`None`
/// when absent or not a number).
pub fn header_u64<K: AsHeaderName>(headers: &HeaderMap, name: K) -> Option<u64> {
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

    const NAMES: [&str; 3] = ["x-limit", "x-remaining", "x-reset"];

    #[test]
    fn duplicated_headers_take_the_minimum() {
        let mut h = HeaderMap::new();
        h.append("x-limit", HeaderValue::from_static("600"));
        h.append("x-limit", HeaderValue::from_static("50"));
        h.append("x-remaining", HeaderValue::from_static("0"));
        h.append(
            "x-reset",
            HeaderValue::from_static("1700000100, 1700000060"),
        );
        let rl = RateLimit::from_headers(&h, NAMES, Reset::EpochSeconds, SystemTime::UNIX_EPOCH);
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
    fn delta_resets_count_from_now() {
        let mut h = HeaderMap::new();
        h.append("x-reset", HeaderValue::from_static("30"));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let rl = RateLimit::from_headers(&h, NAMES, Reset::DeltaSeconds, now);
        assert_eq!(
            rl.and_then(|r| r.reset),
            Some(now + Duration::from_secs(30))
        );
    }

    #[test]
    fn no_headers_no_rate_limit() {
        let none = RateLimit::from_headers(
            &HeaderMap::new(),
            NAMES,
            Reset::DeltaSeconds,
            SystemTime::now(),
        );
        assert_eq!(none, None);
    }
}
