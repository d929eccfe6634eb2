//! Fault injection: make the next `n` matching requests fail in a chosen way.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::server::lock;

/// A failure that a fake server injects instead of (or around) its normal answer.
///
/// Each fault is counted: [`Faults::next`] arms it for the next `n` matching requests, after
/// which normal service resumes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer `429 Too Many Requests` with the provider's own rate-limit headers, advertising that
    /// the limit resets after `reset_after` (rounded up to whole seconds):
    /// Okta `X-Rate-Limit-Limit/Remaining/Reset` (epoch seconds) plus `Date`, Kinde
    /// `RateLimit-Reset` (seconds), Authress `Retry-After` (seconds). The request is not processed.
    Status429 {
        /// How long until the advertised rate-limit window resets.
        reset_after: Duration,
    },
    /// Answer with this status (normally a 5xx) and the provider's error body. The request is not
    /// processed.
    Status(u16),
    /// Wait this long, then serve the request normally.
    Latency(Duration),
    /// Close the connection without sending any response. The request is not processed; the
    /// client sees a connection error, never an HTTP response.
    DropConnection,
    /// Process the request, then replace its response body with bytes that are not JSON (status
    /// and headers are kept).
    MalformedBody,
    /// Process the request, then cut its response body in half (the `Content-Length` matches the
    /// bytes sent, so the client receives an incomplete JSON document and fails to decode it).
    TruncatedBody,
    /// Answer with exactly this status, `Content-Type` and body, as a proxy or gateway in front
    /// of the service would (for example AWS API Gateway's `{"message": "Internal server error"}`
    /// 502, or a plain-text page). The request is not processed. Build it with
    /// [`Fault::respond`].
    Respond {
        /// The status code.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body, sent verbatim.
        body: String,
    },
}

impl Fault {
    /// [`Fault::Respond`]: answer `status` with `body` as `content_type`, without processing the
    /// request.
    ///
    /// ```
    /// use idp_testkit::Fault;
    /// let fault = Fault::respond(502, "application/json", r#"{"message": "Internal server error"}"#);
    /// assert!(matches!(fault, Fault::Respond { status: 502, .. }));
    /// ```
    pub fn respond(status: u16, content_type: &str, body: &str) -> Fault {
        Fault::Respond {
            status,
            content_type: content_type.to_owned(),
            body: body.to_owned(),
        }
    }
}

/// Which requests a fault rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Every request except the token endpoint.
    Any,
    /// Requests whose method matches (if given) and whose path starts with the prefix.
    Route {
        method: Option<String>,
        path_prefix: String,
    },
    /// Requests resolved to this spec operationId (e.g. `listApplicationUsers`, `GetConnections`),
    /// or `token` for the fake token endpoint.
    Operation(String),
}

#[derive(Debug, Clone)]
struct Rule {
    target: Target,
    remaining: usize,
    fault: Fault,
}

/// The fault-injection controls of one fake server (cheap to clone; clones share the rules).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use idp_testkit::{Fault, FakeKinde};
///
/// let kinde = FakeKinde::start().await?;
/// // The next two API requests (any route except the token endpoint) get a 503.
/// kinde.faults().next(2, Fault::Status(503));
/// // The next list request is rate limited for one second.
/// kinde
///     .faults()
///     .operation("GetConnections")
///     .next(1, Fault::Status429 { reset_after: Duration::from_secs(1) });
/// // The next POST under /api/v1/connections loses its connection.
/// kinde.faults().route("POST", "/api/v1/connections").next(1, Fault::DropConnection);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule>>>,
}

/// A fault target chosen with [`Faults::route`] or [`Faults::operation`]; arm it with
/// [`FaultScope::next`].
#[derive(Debug)]
#[must_use = "a FaultScope does nothing until `.next(n, fault)` is called"]
pub struct FaultScope<'a> {
    faults: &'a Faults,
    target: Target,
}

impl FaultScope<'_> {
    /// Injects `fault` into the next `n` requests matching this scope.
    pub fn next(self, n: usize, fault: Fault) {
        self.faults.push(self.target, n, fault);
    }
}

impl Faults {
    /// Injects `fault` into the next `n` requests on any route, except the fake token endpoint
    /// (target that one with `.operation("token")` or `.route("POST", "/oauth2")`).
    pub fn next(&self, n: usize, fault: Fault) {
        self.push(Target::Any, n, fault);
    }

    /// Targets requests with this HTTP method (`"*"` for any) whose path starts with `path_prefix`.
    pub fn route(&self, method: &str, path_prefix: &str) -> FaultScope<'_> {
        let method = if method == "*" {
            None
        } else {
            Some(method.to_ascii_uppercase())
        };
        FaultScope {
            faults: self,
            target: Target::Route {
                method,
                path_prefix: path_prefix.to_owned(),
            },
        }
    }

    /// Targets requests for one spec operation, by its operationId (for example
    /// `listApplicationUsers`, `getConnections`, `GetConnections`), or `"token"` for the fake token
    /// endpoint.
    pub fn operation(&self, operation_id: &str) -> FaultScope<'_> {
        FaultScope {
            faults: self,
            target: Target::Operation(operation_id.to_owned()),
        }
    }

    /// Removes every armed fault.
    pub fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// How many injections are still armed, over all rules.
    pub fn pending(&self) -> usize {
        lock(&self.rules).iter().map(|r| r.remaining).sum()
    }

    fn push(&self, target: Target, n: usize, fault: Fault) {
        if n == 0 {
            return;
        }
        lock(&self.rules).push(Rule {
            target,
            remaining: n,
            fault,
        });
    }

    /// Takes one injection for this request, if a rule matches (first armed rule wins).
    pub(crate) fn take(
        &self,
        method: &str,
        path: &str,
        operation: Option<&str>,
        is_token_endpoint: bool,
    ) -> Option<Fault> {
        let mut rules = lock(&self.rules);
        let index = rules.iter().position(|rule| {
            rule.remaining > 0
                && match &rule.target {
                    Target::Any => !is_token_endpoint,
                    Target::Route {
                        method: m,
                        path_prefix,
                    } => m.as_deref().is_none_or(|m| m == method) && path.starts_with(path_prefix),
                    Target::Operation(op) => operation == Some(op.as_str()),
                }
        })?;
        let rule = rules.get_mut(index)?;
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_rules_expire_after_n_matches() {
        let faults = Faults::default();
        faults.next(2, Fault::Status(503));
        assert_eq!(faults.pending(), 2);
        assert_eq!(
            faults.take("GET", "/x", None, false),
            Some(Fault::Status(503))
        );
        assert_eq!(
            faults.take("GET", "/x", None, true),
            None,
            "token endpoint excluded"
        );
        assert_eq!(
            faults.take("GET", "/x", None, false),
            Some(Fault::Status(503))
        );
        assert_eq!(faults.take("GET", "/x", None, false), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn route_and_operation_targets_match_only_their_requests() {
        let faults = Faults::default();
        faults
            .route("post", "/api/v1/apps")
            .next(1, Fault::DropConnection);
        faults.operation("token").next(1, Fault::MalformedBody);
        assert_eq!(faults.take("GET", "/api/v1/apps/a", None, false), None);
        assert_eq!(faults.take("POST", "/other", None, false), None);
        assert_eq!(
            faults.take("POST", "/api/v1/apps/a/users", None, false),
            Some(Fault::DropConnection)
        );
        assert_eq!(
            faults.take("POST", "/oauth2/v1/token", Some("token"), true),
            Some(Fault::MalformedBody)
        );
        faults.route("*", "/").next(5, Fault::TruncatedBody);
        faults.clear();
        assert_eq!(faults.pending(), 0);
    }
}
