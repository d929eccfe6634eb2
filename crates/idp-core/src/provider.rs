//! What a provider crate tells the pipeline: its name, how its errors, request ids, rate limits and
//! retry hints look.

use std::fmt;
use std::time::SystemTime;

use http::{HeaderMap, StatusCode};

use crate::error::ErrorBody;
use crate::ratelimit::RateLimit;
use crate::retry::RetryHint;

/// The hooks of one provider. Implemented by a zero-sized marker type in each provider crate, so an
/// operation of one provider cannot be sent with another provider's client.
pub trait Provider: Send + Sync + fmt::Debug + 'static {
    /// The provider's name in spans and logs (`okta`, `authress`, `kinde`).
    const NAME: &'static str;
    /// The product part of the `User-Agent` (`idp-okta/0.1.0`).
    const USER_AGENT: &'static str;
    /// The `Accept` header of every API request.
    const ACCEPT: &'static str = "application/json";

    /// Parses an error body. It must accept anything (HTML, truncated JSON, nothing) without panicking.
    fn parse_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorBody;

    /// The request id of a response, if the provider sends one.
    fn request_id(headers: &HeaderMap) -> Option<String>;

    /// The rate-limit state of a response, if the provider sends one.
    fn rate_limit(_headers: &HeaderMap, _now: SystemTime) -> Option<RateLimit> {
        None
    }

    /// How long a 429 response asked the client to wait before retrying, by the provider's rule.
    /// Defaults to `Retry-After` ([`crate::retry::retry_after`]). Other statuses only honour
    /// `Retry-After`: rate-limit windows say nothing about a failing server. With the governor
    /// on, the same wait closes the 429's bucket for every other call until it has passed
    /// (unless [`Provider::is_concurrency_limited`] says the 429 was for concurrency).
    fn retry_hint(headers: &HeaderMap, now: SystemTime) -> Option<RetryHint> {
        crate::retry::retry_after(headers, now).map(RetryHint::RetryAfter)
    }

    /// The rate-limit bucket an operation draws on (operations that share one count together):
    /// the governor paces each bucket by the limit, remaining count and reset its answers
    /// report. Defaults to the operation's path template; providers write their documented
    /// mapping (Okta: the rows of its management rate-limit table; Kinde and Authress, which
    /// document no per-endpoint limits: one bucket for everything).
    fn rate_bucket(operation_id: &'static str, path_template: &'static str) -> &'static str {
        let _ = operation_id;
        path_template
    }

    /// Whether a 429 is for too many requests in flight rather than an exhausted bucket (the
    /// governor then halves its concurrency cap instead of closing the bucket; Okta: limit =
    /// remaining = 0). Defaults to never.
    fn is_concurrency_limited(_headers: &HeaderMap, _rate_limit: Option<&RateLimit>) -> bool {
        false
    }

    /// Adds provider headers to a retried request. `first_request_id` is the request id of the
    /// first failed attempt, `retry_count` counts from 1.
    fn retry_headers(_headers: &mut HeaderMap, _first_request_id: Option<&str>, _retry_count: u32) {
    }
}
