//! The rate governor: paces a client's requests from the rate-limit state the servers report, so
//! that bulk work runs at the rate the org allows instead of in 429 storms.
//!
//! Every request of a client (and of its clones) draws on a [`RateBudget`] before it is sent:
//!
//! - **Buckets.** Each operation belongs to a bucket, the provider's rule
//!   ([`crate::Provider::rate_bucket`]; Okta documents its buckets by endpoint). The budget learns
//!   each bucket's limit, remaining count and reset from the responses (`RateLimit` as the provider
//!   reads it) and delays a request *before* sending it when the bucket would otherwise be
//!   exhausted, until the window resets.
//! - **Capacity share.** With `max_capacity(0.5)` the client uses at most half of each bucket's
//!   limit per window, leaving the rest to the org's other integrations (sign-in flows share them).
//! - **Concurrency.** Requests in flight are capped; a concurrency 429 (the provider says which
//!   429s are: [`crate::Provider::is_concurrency_limited`]) halves the cap, and every success
//!   raises it back slowly (additive increase), never above the configured maximum.
//!
//! [`InProcessBudget`] is the default; a fleet of workers sharing one org's budget can implement
//! [`RateBudget`] over a shared store (see DESIGN.md). [`RateBudget`] for `()` is the governor
//! turned off.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::ratelimit::RateLimit;
use crate::retry::{Clock, Sleeper};

/// What one response told the budget.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Observation {
    /// The response's rate-limit state, as the provider reads it.
    pub rate_limit: Option<RateLimit>,
    /// The response was a 429.
    pub rate_limited: bool,
    /// The response was a 429 for too many requests in flight (not an exhausted bucket).
    pub concurrency_limited: bool,
    /// For a 429 of an exhausted bucket: when the server said the bucket opens again (the
    /// provider's retry hint, e.g. Authress' `Retry-After`, Okta's reset). Every request on the
    /// bucket waits for it, not only the one that was refused.
    pub retry_at: Option<SystemTime>,
}

/// A slot in a budget, held while one request is in flight. Dropping it without
/// [`Permit::complete`] (a cancelled call, a transport failure) gives the slot back all the same.
#[must_use = "a permit holds an in-flight slot until completed or dropped"]
pub struct Permit {
    release: Option<Release>,
}

type Release = Box<dyn FnOnce(Option<&Observation>) + Send + Sync>;

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("held", &self.release.is_some())
            .finish()
    }
}

impl Permit {
    /// A permit that holds nothing (for budgets that do not count).
    pub fn free() -> Self {
        Permit { release: None }
    }

    /// A permit that calls `release` exactly once, with the response's observation when there was
    /// one.
    pub fn new(release: impl FnOnce(Option<&Observation>) + Send + Sync + 'static) -> Self {
        Permit {
            release: Some(Box::new(release)),
        }
    }

    /// Gives the slot back with what the response said.
    pub fn complete(mut self, observation: &Observation) {
        if let Some(release) = self.release.take() {
            release(Some(observation));
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release(None);
        }
    }
}

/// The time and waiting a budget uses: the client's clock and sleeper, so tests run instantly.
pub struct BudgetContext<'a> {
    /// The client's clock.
    pub clock: &'a dyn Clock,
    /// The client's sleeper.
    pub sleeper: &'a dyn Sleeper,
}

impl fmt::Debug for BudgetContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BudgetContext").finish_non_exhaustive()
    }
}

/// A rate budget shared by every call of a client.
#[async_trait]
pub trait RateBudget: Send + Sync + fmt::Debug + 'static {
    /// Waits until a request on `bucket` may be sent, and reserves it.
    async fn acquire(&self, bucket: &'static str, cx: &BudgetContext<'_>) -> Permit;

    /// The number of requests this budget lets run at once now (bulk work sizes itself by it).
    fn concurrency(&self) -> usize;
}

/// The governor turned off: every request goes at once.
#[async_trait]
impl RateBudget for () {
    async fn acquire(&self, _bucket: &'static str, _cx: &BudgetContext<'_>) -> Permit {
        Permit::free()
    }

    fn concurrency(&self) -> usize {
        usize::MAX
    }
}

/// What the budget knows of one bucket's current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    limit: u64,
    /// What the answers said was left, minus what was sent after each of them.
    left: u64,
    reset: SystemTime,
}

/// What the budget knows of one bucket.
#[derive(Debug, Clone, Default)]
struct BucketState {
    window: Option<Window>,
    /// Requests sent on the bucket so far (each permit remembers its number, so an answer
    /// can be corrected for the requests sent after it, which the server may not have counted).
    sent: u64,
    /// The numbers of the bucket's requests in flight (at most the concurrency cap).
    in_flight: Vec<u64>,
    /// A 429 said the bucket is closed until then.
    closed_until: Option<SystemTime>,
}

#[derive(Debug)]
struct State {
    buckets: HashMap<&'static str, BucketState>,
    in_flight: usize,
    /// The learned concurrency cap (additive increase, multiplicative decrease).
    cap: f64,
}

/// The in-process rate budget (the default): per-bucket windows learned from responses, a
/// capacity share, and a learned concurrency cap.
#[derive(Clone)]
pub struct InProcessBudget {
    state: Arc<Mutex<State>>,
    released: Arc<tokio::sync::Notify>,
    max_capacity: f64,
    max_concurrency: usize,
}

impl fmt::Debug for InProcessBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessBudget")
            .field("max_capacity", &self.max_capacity)
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
}

impl Default for InProcessBudget {
    fn default() -> Self {
        InProcessBudget::new()
    }
}

/// The default cap on requests in flight: below the smallest org-wide concurrency limit Okta
/// documents for its plans, so a default client never meets a concurrency 429 on its own.
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;

impl InProcessBudget {
    /// A budget using the whole of each bucket, at most [`DEFAULT_MAX_CONCURRENCY`] in flight.
    pub fn new() -> Self {
        InProcessBudget {
            state: Arc::new(Mutex::new(State {
                buckets: HashMap::new(),
                in_flight: 0,
                cap: DEFAULT_MAX_CONCURRENCY as f64,
            })),
            released: Arc::new(tokio::sync::Notify::new()),
            max_capacity: 1.0,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
        }
    }

    /// The share of each bucket's limit this client may use per window, in `(0, 1]` (values
    /// outside are clamped; 0.5 leaves half to the org's other integrations).
    #[must_use]
    pub fn max_capacity(mut self, share: f64) -> Self {
        self.max_capacity = if share.is_finite() {
            share.clamp(0.01, 1.0)
        } else {
            1.0
        };
        self
    }

    /// The most requests in flight at once (at least 1).
    #[must_use]
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        if let Ok(mut state) = self.state.lock() {
            state.cap = self.max_concurrency as f64;
        }
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What to do now for a request on `bucket`: go (the slot is taken; the request's number
    /// on the bucket is returned), wait for a slot, or wait until the bucket opens again.
    fn try_take(&self, bucket: &'static str, now: SystemTime) -> Step {
        let mut state = self.lock();
        if state.in_flight as f64 >= state.cap.floor().max(1.0) {
            return Step::WaitForSlot;
        }
        let share = self.max_capacity;
        let entry = state.buckets.entry(bucket).or_default();
        if let Some(until) = entry.closed_until {
            if until > now {
                return Step::WaitUntil(until, until.duration_since(now).unwrap_or_default());
            }
            entry.closed_until = None;
        }
        if let Some(w) = entry.window {
            if w.reset <= now {
                // A new window: the server tells its state with the next answer.
                entry.window = None;
            } else {
                let kept = w.limit - (w.limit as f64 * share).floor() as u64;
                if w.left <= kept {
                    let wait = w.reset.duration_since(now).unwrap_or_default();
                    return Step::WaitUntil(w.reset, wait);
                }
                entry.window = Some(Window {
                    left: w.left - 1,
                    ..w
                });
            }
        }
        let seq = entry.sent;
        entry.sent += 1;
        entry.in_flight.push(seq);
        state.in_flight += 1;
        Step::Go(seq)
    }

    /// After waiting until `until`: the window (or the 429's pause) that ended then is over by
    /// the sleeper's account, whatever the local clock says of the server's reset; a newer
    /// state learnt meanwhile is kept.
    fn passed(&self, bucket: &'static str, until: SystemTime) {
        let mut state = self.lock();
        if let Some(entry) = state.buckets.get_mut(bucket) {
            if entry.window.is_some_and(|w| w.reset <= until) {
                entry.window = None;
            }
            if entry.closed_until.is_some_and(|c| c <= until) {
                entry.closed_until = None;
            }
        }
    }

    /// Gives a slot back and learns from the response to request number `seq` of the bucket.
    fn release(&self, bucket: &'static str, seq: u64, observation: Option<&Observation>) {
        {
            let mut state = self.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            if let Some(entry) = state.buckets.get_mut(bucket) {
                if let Some(i) = entry.in_flight.iter().position(|s| *s == seq) {
                    entry.in_flight.swap_remove(i);
                }
            }
            if let Some(obs) = observation {
                self.learn(&mut state, bucket, seq, obs);
            }
        }
        self.released.notify_one();
    }

    fn learn(&self, state: &mut State, bucket: &'static str, seq: u64, obs: &Observation) {
        if obs.concurrency_limited {
            state.cap = (state.cap / 2.0).max(1.0);
        } else if !obs.rate_limited {
            let cap = state.cap;
            state.cap = (cap + 1.0 / cap.max(1.0)).min(self.max_concurrency as f64);
        }
        let entry = state.buckets.entry(bucket).or_default();
        if obs.rate_limited {
            // A concurrency 429 (Okta: limit = remaining = 0) says nothing of the bucket; an
            // exhausted bucket's 429 closes it for everyone until the server's hint.
            if !obs.concurrency_limited {
                if let Some(at) = obs.retry_at {
                    entry.closed_until = Some(entry.closed_until.map_or(at, |c| c.max(at)));
                }
            }
            return;
        }
        let Some(RateLimit {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
        }) = obs.rate_limit
        else {
            return;
        };
        // The server may not have counted, when it answered, the requests sent after this one
        // nor those sent before it that are still in flight (requests overtake each other):
        // they are taken off what it said is left (a little pessimistic, never optimistic).
        let sent_after = entry.sent.saturating_sub(seq.saturating_add(1));
        let before = entry.in_flight.iter().filter(|s| **s < seq).count() as u64;
        let left = remaining.saturating_sub(sent_after + before);
        entry.window = Some(match entry.window {
            // Answers of one window arrive in any order, and a reset in whole seconds from now
            // (Kinde) moves by up to a second between them: resets less than a second apart
            // are one window, whose smallest estimate is kept.
            Some(w) if same_window(w.reset, reset) => Window {
                limit,
                left: w.left.min(left),
                reset: w.reset.max(reset),
            },
            // An answer of a window already over.
            Some(w) if w.reset > reset => w,
            _ => Window { limit, left, reset },
        });
    }
}

/// Whether two resets name the same window: less than the one-second resolution of reset headers
/// apart.
fn same_window(a: SystemTime, b: SystemTime) -> bool {
    let apart = a.duration_since(b).or_else(|_| b.duration_since(a));
    apart.is_ok_and(|d| d < Duration::from_secs(1))
}

/// The longest wait for one window: a 60 s window plus margins. A reset further away (a skewed
/// clock, a hostile header) is not waited for longer.
const MAX_WINDOW_WAIT: Duration = Duration::from_secs(62);

enum Step {
    /// Send now; the request's number on its bucket.
    Go(u64),
    WaitForSlot,
    /// Wait until the bucket opens again (at that time, after that wait).
    WaitUntil(SystemTime, Duration),
}

#[async_trait]
impl RateBudget for InProcessBudget {
    async fn acquire(&self, bucket: &'static str, cx: &BudgetContext<'_>) -> Permit {
        loop {
            match self.try_take(bucket, cx.clock.now()) {
                Step::Go(seq) => {
                    let budget = self.clone();
                    return Permit::new(move |obs| budget.release(bucket, seq, obs));
                }
                Step::WaitForSlot => {
                    // `notify_one` keeps a wake-up for a waiter that is not yet waiting, so a slot
                    // freed between the check above and this wait is not missed.
                    self.released.notified().await;
                }
                Step::WaitUntil(until, wait) => {
                    tracing::debug!(
                        bucket,
                        wait_ms = wait.as_millis() as u64,
                        "rate budget: waiting for the bucket to open again"
                    );
                    cx.sleeper
                        .sleep(wait.clamp(Duration::from_millis(1), MAX_WINDOW_WAIT))
                        .await;
                    self.passed(bucket, until);
                }
            }
        }
    }

    fn concurrency(&self) -> usize {
        self.lock().cap.floor().max(1.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(limit: u64, remaining: u64, reset: SystemTime) -> Observation {
        Observation {
            rate_limit: Some(RateLimit {
                limit: Some(limit),
                remaining: Some(remaining),
                reset: Some(reset),
            }),
            ..Observation::default()
        }
    }

    /// Takes a slot that must be granted; its number on the bucket.
    fn go(budget: &InProcessBudget, bucket: &'static str, now: SystemTime) -> u64 {
        match budget.try_take(bucket, now) {
            Step::Go(seq) => seq,
            Step::WaitForSlot => panic!("{bucket}: waits for a slot"),
            Step::WaitUntil(_, d) => panic!("{bucket}: waits {d:?}"),
        }
    }

    fn waits(budget: &InProcessBudget, bucket: &'static str, now: SystemTime) -> Option<Duration> {
        match budget.try_take(bucket, now) {
            Step::WaitUntil(_, d) => Some(d),
            _ => None,
        }
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn an_exhausted_bucket_waits_until_its_reset() {
        let budget = InProcessBudget::new();
        let (now, reset) = (at(100), at(130));
        let seq = go(&budget, "b", now);
        budget.release("b", seq, Some(&rl(10, 1, reset)));
        let seq = go(&budget, "b", now); // one left
        budget.release("b", seq, None);
        assert_eq!(
            waits(&budget, "b", now),
            Some(Duration::from_secs(30)),
            "the bucket is exhausted until its reset"
        );
        // Other buckets are not held back.
        let seq = go(&budget, "other", now);
        budget.release("other", seq, None);
        // After the reset the window is fresh.
        go(&budget, "b", reset);
    }

    #[test]
    fn an_answer_is_corrected_for_the_requests_sent_after_it() {
        let budget = InProcessBudget::new().max_concurrency(8);
        let (now, reset) = (at(100), at(101));
        let first = go(&budget, "b", now);
        let later: Vec<u64> = (0..4).map(|_| go(&budget, "b", now)).collect();
        // The server counted only the first request when it answered it: 5 left by its
        // count, but 4 more were sent since.
        budget.release("b", first, Some(&rl(6, 5, reset)));
        go(&budget, "b", now);
        assert!(
            waits(&budget, "b", now).is_some(),
            "5 - 4 sent after = 1 left, taken by the request above"
        );
        for seq in later {
            budget.release("b", seq, None);
        }
    }

    #[test]
    fn an_answer_that_overtook_earlier_requests_is_corrected_for_them() {
        let budget = InProcessBudget::new();
        let (now, reset) = (at(100), at(101));
        let first = go(&budget, "b", now);
        let second = go(&budget, "b", now);
        // The second request was counted (and answered) before the first reached the server.
        budget.release("b", second, Some(&rl(3, 2, reset)));
        go(&budget, "b", now);
        assert!(
            waits(&budget, "b", now).is_some(),
            "2 left - the first, still in flight = 1, taken by the request above"
        );
        budget.release("b", first, None);
    }

    #[test]
    fn resets_in_whole_seconds_from_now_that_drift_are_one_window() {
        let budget = InProcessBudget::new();
        let now = at(100);
        let reset = now + Duration::from_millis(1_000);
        let seq = go(&budget, "b", now);
        budget.release("b", seq, Some(&rl(10, 1, reset)));
        // A later answer of the same window: its delta reset counted from a later `now`.
        let seq = go(&budget, "b", now);
        let drifted = now + Duration::from_millis(1_400);
        budget.release("b", seq, Some(&rl(10, 5, drifted)));
        assert!(
            waits(&budget, "b", now).is_some(),
            "the smaller estimate of the window is kept"
        );
        // A reset a full second later is the next window.
        let seq = go(&budget, "b", drifted);
        budget.release(
            "b",
            seq,
            Some(&rl(10, 9, now + Duration::from_millis(2_400))),
        );
        go(&budget, "b", drifted);
    }

    #[test]
    fn max_capacity_keeps_a_share_for_others() {
        let budget = InProcessBudget::new().max_capacity(0.5);
        let (now, reset) = (at(100), at(160));
        let seq = go(&budget, "b", now);
        budget.release("b", seq, Some(&rl(10, 9, reset)));
        let mut went = 0;
        while let Step::Go(seq) = budget.try_take("b", now) {
            budget.release("b", seq, None);
            went += 1;
        }
        assert_eq!(
            went, 4,
            "half of 10 per window: 1 + 4 sent, 5 left to others"
        );
    }

    #[test]
    fn a_429_with_a_retry_hint_closes_the_bucket_for_every_request() {
        let budget = InProcessBudget::new();
        let now = at(100);
        let seq = go(&budget, "b", now);
        let refused = Observation {
            rate_limited: true,
            retry_at: Some(at(107)),
            ..Observation::default()
        };
        budget.release("b", seq, Some(&refused));
        assert_eq!(waits(&budget, "b", now), Some(Duration::from_secs(7)));
        assert_eq!(waits(&budget, "b", at(106)), Some(Duration::from_secs(1)));
        go(&budget, "b", at(107));
        // A sleeper that does not move the clock: the pause is over once waited for.
        let seq = go(&budget, "c", now);
        budget.release("c", seq, Some(&refused));
        budget.passed("c", at(107));
        go(&budget, "c", now);
    }

    #[test]
    fn a_concurrency_429_halves_the_cap_and_successes_raise_it_slowly() {
        let budget = InProcessBudget::new().max_concurrency(8);
        assert_eq!(budget.concurrency(), 8);
        let limited = Observation {
            rate_limited: true,
            concurrency_limited: true,
            retry_at: Some(at(200)),
            ..Observation::default()
        };
        let now = at(100);
        let seq = go(&budget, "b", now);
        budget.release("b", seq, Some(&limited));
        assert_eq!(budget.concurrency(), 4);
        let held: Vec<u64> = (0..4).map(|_| go(&budget, "b", now)).collect();
        assert!(
            matches!(budget.try_take("b", now), Step::WaitForSlot),
            "4 in flight is the cap now; the bucket itself is not closed"
        );
        for seq in held {
            budget.release("b", seq, Some(&Observation::default()));
        }
        assert_eq!(
            budget.concurrency(),
            4,
            "one success per slot adds about one"
        );
        for _ in 0..40 {
            budget.release("b", 0, Some(&Observation::default()));
        }
        assert_eq!(budget.concurrency(), 8, "never above the maximum");
    }

    #[test]
    fn a_dropped_permit_gives_its_slot_back() {
        let budget = InProcessBudget::new().max_concurrency(1);
        let permit = {
            let seq = go(&budget, "b", at(100));
            let b = budget.clone();
            Permit::new(move |obs| b.release("b", seq, obs))
        };
        assert!(matches!(budget.try_take("b", at(100)), Step::WaitForSlot));
        drop(permit);
        go(&budget, "b", at(100));
    }
}
