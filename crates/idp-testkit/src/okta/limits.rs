//! Okta's rate limits, as the fake models them (all off unless configured, so tests that do not
//! ask for them see the plain reporting headers of `OktaFlavor::decorate`).
//!
//! Sources (Okta developer docs):
//! - Per-bucket, per-minute limits, one bucket per row of the "Management rate limits" table
//!   (<https://developer.okta.com/docs/reference/rl-global-mgmt/>): every `/api/v1/apps/*`
//!   operation the fake serves is in the row "Create, list, or other app actions: Calls to the
//!   /api/v1/apps endpoint and all other endpoints of the form /api/v1/apps/* including
//!   /api/v1/apps/{id}/*" ([`BUCKET_APPS`]); the hook-key operations are in "Most other API
//!   actions: /api/v1" ([`BUCKET_API_V1`]). Windows are fixed and aligned to the epoch, so a
//!   one-minute window resets on the minute, as `X-Rate-Limit-Reset` values from real orgs do.
//! - Headers ("Rate limit best practices",
//!   <https://developer.okta.com/docs/reference/rl-best-practices/>): `X-Rate-Limit-Limit`
//!   "the rate limit ceiling that is applicable for the current request",
//!   `X-Rate-Limit-Remaining` "the number of requests left for the current rate-limit window",
//!   `X-Rate-Limit-Reset` "the time at which the rate limit resets, specified in UTC epoch time
//!   (in seconds)". The fake computes them from the bucket's real count, with `Date`.
//! - The per-token share ("Token and OAuth 2.0 app rate limits",
//!   <https://developer.okta.com/docs/reference/rl2-token-oauth>): "By default, each API token or
//!   OAuth 2.0 app can use up to 50% of a bucket's total rate limit". A token's share is a bucket
//!   nested beneath the org's ("Rate limits overview", rl-previous: "more specific buckets can be
//!   nested beneath a broader bucket"); the headers describe whichever binds (fewer left). The
//!   principal is the `Authorization` credential (an SSWS token, or an access token for OAuth:
//!   Okta counts per OAuth app, which is the same while one token is in use).
//! - The org-wide concurrency limit ("Concurrency limits", rl2-concurrency: 75 simultaneous
//!   transactions by default, 35 on the Integrator Free plan): a request over it is refused with
//!   429, and "the first two header values are always 0 for concurrent rate limit errors. The
//!   third header reports an estimated time interval when the concurrent rate limit may be
//!   resolved" (okta/okta-developer-docs PR #6155, "Monitor rate limits"). The fake estimates one
//!   second. A refused request counts in no bucket.
//! - Real requests take tens of milliseconds, which is what makes concurrency matter; the fake
//!   answers in microseconds, so [`FakeOkta::service_time`] holds each admitted request in flight
//!   at least that long.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::errors::okta_error;
use super::{FakeOkta, OktaState, Op};
use crate::server::lock;
use crate::wire::{http_date, set_header};

/// The bucket of every `/api/v1/apps*` operation ("Create, list, or other app actions").
pub(super) const BUCKET_APPS: &str = "/api/v1/apps*";
/// The bucket of the hook-key operations ("Most other API actions: /api/v1").
pub(super) const BUCKET_API_V1: &str = "/api/v1*";

/// Okta's default share of a bucket for one API token or OAuth app.
const DEFAULT_TOKEN_SHARE: f64 = 0.5;

const RATE_LIMITED: &str = "API call exceeded rate limit due to too many requests.";

/// The configured limits and their live counts.
pub(super) struct LimitState {
    buckets: HashMap<&'static str, Bucket>,
    concurrency: Option<usize>,
    token_share: f64,
    service_time: Duration,
    in_flight: usize,
    peak_in_flight: usize,
    bucket_429s: usize,
    concurrency_429s: usize,
}

impl Default for LimitState {
    fn default() -> Self {
        LimitState {
            buckets: HashMap::new(),
            concurrency: None,
            token_share: DEFAULT_TOKEN_SHARE,
            service_time: Duration::ZERO,
            in_flight: 0,
            peak_in_flight: 0,
            bucket_429s: 0,
            concurrency_429s: 0,
        }
    }
}

/// One bucket: its limit per window and the current window's counts.
struct Bucket {
    limit: u64,
    window_ms: u64,
    /// The current window's index (epoch milliseconds / window length).
    index: u64,
    used: u64,
    per_principal: HashMap<String, u64>,
}

impl Bucket {
    /// Moves to the window `now_ms` falls in; the epoch second when it ends (rounded up).
    fn roll(&mut self, now_ms: u64) -> u64 {
        let index = now_ms / self.window_ms;
        if index != self.index {
            self.index = index;
            self.used = 0;
            self.per_principal.clear();
        }
        ((index + 1) * self.window_ms).div_ceil(1000)
    }
}

/// The bucket an operation draws on, by Okta's management rate-limit table.
fn bucket_of(op: Op) -> Option<&'static str> {
    match op {
        Op::Token => None,
        Op::CreateHookKey
        | Op::ListHookKeys
        | Op::GetPublicKey
        | Op::GetHookKey
        | Op::ReplaceHookKey
        | Op::DeleteHookKey => Some(BUCKET_API_V1),
        _ => Some(BUCKET_APPS),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// An admitted request: holds its in-flight slot until dropped, and knows the headers its
/// answer carries.
pub(super) struct Admission {
    state: Arc<OktaState>,
    counted: bool,
    headers: Option<(u64, u64, u64)>,
    service_time: Duration,
}

impl Admission {
    /// Keeps the request in flight for the configured service time, then sets the rate-limit
    /// headers of the bucket on `response`.
    pub(super) async fn finish(self, mut response: Response) -> Response {
        if !self.service_time.is_zero() {
            tokio::time::sleep(self.service_time).await;
        }
        if let Some((limit, remaining, reset)) = self.headers {
            set_limit_headers(response.headers_mut(), limit, remaining, reset);
        }
        response
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if self.counted {
            let mut limits = lock(&self.state.limits);
            limits.in_flight = limits.in_flight.saturating_sub(1);
        }
    }
}

/// Admits a request for `op` under the configured limits, or answers the 429 Okta would.
pub(super) fn admit(
    state: &Arc<OktaState>,
    op: Op,
    headers: &HeaderMap,
) -> Result<Admission, Response> {
    let mut limits = lock(&state.limits);
    let counted = limits.concurrency.is_some();
    if let Some(max) = limits.concurrency {
        if limits.in_flight >= max {
            limits.concurrency_429s += 1;
            let reset = now_ms().div_ceil(1000) + 1;
            return Err(too_many(0, reset));
        }
    }
    let principal = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let share = limits.token_share;
    let mut answer = None;
    if let Some(bucket) = bucket_of(op).and_then(|b| limits.buckets.get_mut(b)) {
        let reset = bucket.roll(now_ms());
        let token_limit = ((bucket.limit as f64 * share).floor() as u64).max(1);
        let token_used = bucket.per_principal.get(&principal).copied().unwrap_or(0);
        let org_left = bucket.limit.saturating_sub(bucket.used);
        let token_left = token_limit.saturating_sub(token_used);
        // The nested bucket with fewer left is the one that binds (and that the headers show).
        let (limit, left) = if token_left < org_left {
            (token_limit, token_left)
        } else {
            (bucket.limit, org_left)
        };
        if left == 0 {
            limits.bucket_429s += 1;
            return Err(too_many(limit, reset));
        }
        bucket.used += 1;
        *bucket.per_principal.entry(principal).or_default() += 1;
        answer = Some((limit, left - 1, reset));
    }
    if counted {
        limits.in_flight += 1;
        limits.peak_in_flight = limits.peak_in_flight.max(limits.in_flight);
    }
    Ok(Admission {
        state: state.clone(),
        counted,
        headers: answer,
        service_time: limits.service_time,
    })
}

/// `429 E0000047` with `X-Rate-Limit-Limit: limit`, `-Remaining: 0`, `-Reset: reset` and `Date`
/// (a concurrency 429 has limit 0 too).
fn too_many(limit: u64, reset: u64) -> Response {
    let mut response = okta_error(StatusCode::TOO_MANY_REQUESTS, "E0000047", RATE_LIMITED, &[]);
    set_limit_headers(response.headers_mut(), limit, 0, reset);
    response
}

fn set_limit_headers(headers: &mut HeaderMap, limit: u64, remaining: u64, reset: u64) {
    set_header(headers, "x-rate-limit-limit", &limit.to_string());
    set_header(headers, "x-rate-limit-remaining", &remaining.to_string());
    set_header(headers, "x-rate-limit-reset", &reset.to_string());
    set_header(headers, "date", &http_date(now_ms() / 1000));
}

/// Okta's rate limits on the fake (all off until configured).
impl FakeOkta {
    /// Enforces a bucket: at most `limit` requests per `window` (Okta's are one minute; tests
    /// use short ones), in fixed windows aligned to the epoch. `bucket` is one of Okta's rows:
    /// `"/api/v1/apps*"` (every app-user and provisioning-connection operation) or `"/api/v1*"`
    /// (hook keys). Each token may use [`FakeOkta::token_share`] of it (50 % unless changed).
    /// Returns false (and does nothing) for another name or a zero limit or window.
    pub fn rate_limit_bucket(&self, bucket: &str, limit: u64, window: Duration) -> bool {
        let name = match bucket {
            BUCKET_APPS => BUCKET_APPS,
            BUCKET_API_V1 => BUCKET_API_V1,
            _ => return false,
        };
        let window_ms = window.as_millis() as u64;
        if limit == 0 || window_ms == 0 {
            return false;
        }
        lock(&self.state.limits).buckets.insert(
            name,
            Bucket {
                limit,
                window_ms,
                index: 0,
                used: 0,
                per_principal: HashMap::new(),
            },
        );
        true
    }

    /// Enforces the org-wide concurrency limit: a request arriving while `limit` are in flight
    /// is refused with 429 and `X-Rate-Limit-Limit` = `-Remaining` = 0, as Okta sends.
    pub fn concurrency_limit(&self, limit: usize) {
        lock(&self.state.limits).concurrency = Some(limit);
    }

    /// The share of each enforced bucket one token may use, in `(0, 1]` (Okta's default 0.5; an
    /// admin can raise it, as the benchmark does with 1.0).
    pub fn token_share(&self, share: f64) {
        let share = if share.is_finite() {
            share.clamp(0.01, 1.0)
        } else {
            DEFAULT_TOKEN_SHARE
        };
        lock(&self.state.limits).token_share = share;
    }

    /// Holds every admitted API request in flight at least this long (real answers take tens of
    /// milliseconds; without it the concurrency limit is never reached).
    pub fn service_time(&self, time: Duration) {
        lock(&self.state.limits).service_time = time;
    }

    /// How many requests an enforced bucket (or a token's share of it) refused with 429.
    pub fn bucket_429s(&self) -> usize {
        lock(&self.state.limits).bucket_429s
    }

    /// How many requests the concurrency limit refused with 429.
    pub fn concurrency_429s(&self) -> usize {
        lock(&self.state.limits).concurrency_429s
    }

    /// The most API requests in flight at once so far (counted while a concurrency limit is
    /// set).
    pub fn peak_in_flight(&self) -> usize {
        lock(&self.state.limits).peak_in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_roll_on_their_boundaries_and_reset_in_epoch_seconds() {
        let mut b = Bucket {
            limit: 10,
            window_ms: 1000,
            index: 0,
            used: 3,
            per_principal: HashMap::new(),
        };
        assert_eq!(b.roll(1_700_000_000_250), 1_700_000_001);
        assert_eq!(b.used, 0, "a new window starts empty");
        b.used = 4;
        assert_eq!(b.roll(1_700_000_000_999), 1_700_000_001);
        assert_eq!(b.used, 4, "same window");
        b.window_ms = 60_000;
        assert_eq!(b.roll(1_700_000_000_000), 1_700_000_040, "on the minute");
    }

    #[test]
    fn every_api_operation_has_its_bucket() {
        assert_eq!(bucket_of(Op::AssignUser), Some(BUCKET_APPS));
        assert_eq!(bucket_of(Op::GetConnection), Some(BUCKET_APPS));
        assert_eq!(bucket_of(Op::ListHookKeys), Some(BUCKET_API_V1));
        assert_eq!(bucket_of(Op::Token), None);
    }
}
