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

/// What the budget knows of one bucket.
#[derive(Debug, Clone, Copy, Default)]
struct BucketState {
    limit: Option<u64>,
    /// What the last response said was left, minus what was sent since.
    left: Option<u64>,
    reset: Option<SystemTime>,
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

    /// What to do now for a request on `bucket`: go (the slot is taken), wait for a slot, or wait
    /// until the bucket's window resets.
    fn try_take(&self, bucket: &'static str, now: SystemTime) -> Step {
        let mut state = self.lock();
        if state.in_flight as f64 >= state.cap.floor().max(1.0) {
            return Step::WaitForSlot;
        }
        let share = self.max_capacity;
        let entry = state.buckets.entry(bucket).or_default();
        if let (Some(reset), Some(left), Some(limit)) = (entry.reset, entry.left, entry.limit) {
            if reset <= now {
                // A new window: the server will tell the new state with the next answer.
                *entry = BucketState::default();
            } else {
                let kept = limit - (limit as f64 * share).floor() as u64;
                if left <= kept {
                    return Step::WaitUntil(reset.duration_since(now).unwrap_or(Duration::ZERO));
                }
                entry.left = Some(left - 1);
            }
        }
        state.in_flight += 1;
        Step::Go
    }

    /// Gives a slot back and learns from the response.
    fn release(&self, bucket: &'static str, observation: Option<&Observation>) {
        {
            let mut state = self.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            if let Some(obs) = observation {
                self.learn(&mut state, bucket, obs);
            }
        }
        self.released.notify_one();
    }

    fn learn(&self, state: &mut State, bucket: &'static str, obs: &Observation) {
        if obs.concurrency_limited {
            state.cap = (state.cap / 2.0).max(1.0);
        } else if !obs.rate_limited {
            let cap = state.cap;
            state.cap = (cap + 1.0 / cap.max(1.0)).min(self.max_concurrency as f64);
        }
        let Some(rl) = obs.rate_limit else {
            return;
        };
        if obs.rate_limited {
            // A 429 is the retry policy's to wait out (it honours the hint); a concurrency 429
            // (Okta: limit = remaining = 0) says nothing of the bucket. Pacing learns from the
            // answers that went through, whose `remaining` counts down to the window's end.
            return;
        }
        let entry = state.buckets.entry(bucket).or_default();
        let (Some(limit), Some(remaining), Some(reset)) = (rl.limit, rl.remaining, rl.reset) else {
            return;
        };
        match entry.reset {
            // Answers of the same window arrive in any order: the smallest count left is the
            // truest, and requests sent since were already taken off it.
            Some(known) if known == reset => {
                entry.left = Some(entry.left.map_or(remaining, |l| l.min(remaining)));
                entry.limit = Some(limit);
            }
            Some(known) if known > reset => {}
            _ => {
                *entry = BucketState {
                    limit: Some(limit),
                    left: Some(remaining),
                    reset: Some(reset),
                };
            }
        }
    }
}

/// The longest wait for one window: a 60 s window plus margins. A reset further away (a skewed
/// clock, a hostile header) is not waited for longer.
const MAX_WINDOW_WAIT: Duration = Duration::from_secs(62);

enum Step {
    Go,
    WaitForSlot,
    WaitUntil(Duration),
}

#[async_trait]
impl RateBudget for InProcessBudget {
    async fn acquire(&self, bucket: &'static str, cx: &BudgetContext<'_>) -> Permit {
        loop {
            match self.try_take(bucket, cx.clock.now()) {
                Step::Go => {
                    let budget = self.clone();
                    return Permit::new(move |obs| budget.release(bucket, obs));
                }
                Step::WaitForSlot => {
                    // `notify_one` keeps a wake-up for a waiter that is not yet waiting, so a slot
                    // freed between the check above and this wait is not missed.
                    self.released.notified().await;
                }
                Step::WaitUntil(wait) => {
                    tracing::debug!(
                        bucket,
                        wait_ms = wait.as_millis() as u64,
                        "rate budget: waiting for the window to reset"
                    );
                    cx.sleeper
                        .sleep(wait.clamp(Duration::from_millis(1), MAX_WINDOW_WAIT))
                        .await;
                    // The window has passed (by the sleeper's account, whatever the local clock
                    // says of the server's reset): start afresh and learn from the next answer.
                    self.lock().buckets.remove(bucket);
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

    #[test]
    fn an_exhausted_bucket_waits_until_its_reset() {
        let budget = InProcessBudget::new();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let reset = now + Duration::from_secs(30);
        assert!(matches!(budget.try_take("b", now), Step::Go));
        budget.release("b", Some(&rl(10, 1, reset)));
        assert!(matches!(budget.try_take("b", now), Step::Go), "one left");
        budget.release("b", None);
        assert!(
            matches!(budget.try_take("b", now), Step::WaitUntil(d) if d == Duration::from_secs(30)),
            "the bucket is exhausted until its reset"
        );
        // Other buckets are not held back.
        assert!(matches!(budget.try_take("other", now), Step::Go));
        // After the reset the window is fresh.
        assert!(matches!(budget.try_take("b", reset), Step::Go));
    }

    #[test]
    fn max_capacity_keeps_a_share_for_others() {
        let budget = InProcessBudget::new().max_capacity(0.5);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let reset = now + Duration::from_secs(60);
        assert!(matches!(budget.try_take("b", now), Step::Go));
        budget.release("b", Some(&rl(10, 9, reset)));
        let mut went = 0;
        while let Step::Go = budget.try_take("b", now) {
            budget.release("b", None);
            went += 1;
        }
        assert_eq!(
            went, 4,
            "half of 10 per window: 1 + 4 sent, 5 left to others"
        );
    }

    #[test]
    fn a_concurrency_429_halves_the_cap_and_successes_raise_it_slowly() {
        let budget = InProcessBudget::new().max_concurrency(8);
        assert_eq!(budget.concurrency(), 8);
        let limited = Observation {
            rate_limited: true,
            concurrency_limited: true,
            ..Observation::default()
        };
        assert!(matches!(budget.try_take("b", SystemTime::now()), Step::Go));
        budget.release("b", Some(&limited));
        assert_eq!(budget.concurrency(), 4);
        for _ in 0..4 {
            assert!(matches!(budget.try_take("b", SystemTime::now()), Step::Go));
        }
        assert!(matches!(
            budget.try_take("b", SystemTime::now()),
            Step::WaitForSlot
        ));
        for _ in 0..4 {
            budget.release("b", Some(&Observation::default()));
        }
        assert_eq!(
            budget.concurrency(),
            4,
            "one success per slot adds about one"
        );
        for _ in 0..40 {
            budget.release("b", Some(&Observation::default()));
        }
        assert_eq!(budget.concurrency(), 8, "never above the maximum");
    }

    #[test]
    fn a_dropped_permit_gives_its_slot_back() {
        let budget = InProcessBudget::new().max_concurrency(1);
        let permit = {
            assert!(matches!(budget.try_take("b", SystemTime::now()), Step::Go));
            let b = budget.clone();
            Permit::new(move |obs| b.release("b", obs))
        };
        assert!(matches!(
            budget.try_take("b", SystemTime::now()),
            Step::WaitForSlot
        ));
        drop(permit);
        assert!(matches!(budget.try_take("b", SystemTime::now()), Step::Go));
    }
}
