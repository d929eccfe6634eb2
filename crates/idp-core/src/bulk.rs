//! Bulk work: many operations of one kind, run with bounded concurrency on the client's rate
//! budget, one outcome per item, and a report that can resume the batch.
//!
//! [`Client::bulk`] (and every provider client's `bulk`) wraps a list of operations into a
//! [`Bulk`]. Configure it, then either drive it to the end with [`Bulk::run`], which returns the
//! [`BulkReport`], or consume [`Bulk::stream`], a [`Stream`] of [`BulkOutcome`]s in completion
//! order.
//!
//! - **One failure never stops the batch.** Every item ends as an outcome with its own `Result`.
//! - **No item is sent twice by the bulk layer.** Each item is one call: the client's retry
//!   policy applies to it as to any call (a non-idempotent POST is not retried after a 5xx or a
//!   timeout), and the bulk layer itself never re-sends.
//! - **Bounded concurrency.** At most [`Bulk::concurrency`] items are in flight; by default as
//!   many as the rate budget allows now ([`crate::RateBudget::concurrency`], read again before
//!   each item starts, so the batch follows what the governor learns), or
//!   [`DEFAULT_MAX_CONCURRENCY`] with the governor off (a budget that allows more than 1 024).
//! - **Resumable.** The report serializes with serde; [`Bulk::resume`] skips what it lists as
//!   finished. Items are identified by their index in the batch, or by a key of yours
//!   ([`Bulk::key_by`]) so that a resumed batch may be rebuilt in another order.
//! - **Progress.** [`Bulk::progress`] is a `tokio::sync::watch` receiver of [`BulkProgress`]
//!   (done, failed, in flight, rate, time left); [`Bulk::on_progress`] is the same as a callback.
//!
//! ```
//! use idp_core::{BulkReport, Client, Operation};
//!
//! // Runs any batch of operations and saves the report (for example to resume it later).
//! async fn run_all<O: Operation + 'static>(client: &Client<O::Provider>, ops: Vec<O>) -> BulkReport {
//!     let bulk = client.bulk(ops).concurrency(4);
//!     let mut progress = bulk.progress();
//!     tokio::spawn(async move {
//!         while progress.changed().await.is_ok() {
//!             let p = progress.borrow_and_update().clone();
//!             eprintln!("{}/{} done, {} failed, {:.0}/s", p.done(), p.total, p.failed, p.rate);
//!         }
//!     });
//!     let report = bulk.run().await;
//!     for failure in &report.failed {
//!         eprintln!("item {} failed: {}", failure.index, failure.error.message);
//!     }
//!     report
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use futures_core::Stream;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::client::{CallOptions, Client};
use crate::error::{Error, ErrorKind, Result};
use crate::governor::{DEFAULT_MAX_CONCURRENCY, RateBudget};
use crate::operation::Operation;
use crate::provider::Provider;
use crate::retry::{Clock, RetryPolicy};

/// The window over which [`BulkProgress::rate`] is measured.
const RATE_WINDOW: Duration = Duration::from_secs(5);

impl<P: Provider> Client<P> {
    /// A batch of operations to run with bounded concurrency, one outcome per item
    /// (see [`Bulk`]).
    pub fn bulk<O: Operation<Provider = P> + 'static>(
        &self,
        ops: impl IntoIterator<Item = O>,
    ) -> Bulk<O> {
        Bulk::new(self.clone(), ops.into_iter().collect())
    }
}

type ProgressCallback = Arc<dyn Fn(&BulkProgress) + Send + Sync>;

/// A batch of operations, configured before it runs: [`Bulk::run`] drives it to the end and
/// returns the [`BulkReport`]; [`Bulk::stream`] yields each item's [`BulkOutcome`].
#[must_use = "a bulk batch does nothing until it is run or streamed"]
pub struct Bulk<O: Operation> {
    client: Client<O::Provider>,
    items: Vec<O>,
    keys: Option<Vec<String>>,
    concurrency: Option<usize>,
    options: CallOptions,
    /// What a resumed report already settled, by index in this batch.
    prior: BTreeMap<usize, Prior>,
    progress: watch::Sender<BulkProgress>,
    callback: Option<ProgressCallback>,
}

impl<O: Operation> fmt::Debug for Bulk<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bulk")
            .field("operation", &O::ID)
            .field("items", &self.items.len())
            .field("keyed", &self.keys.is_some())
            .field("concurrency", &self.concurrency)
            .field("resumed", &self.prior.len())
            .finish_non_exhaustive()
    }
}

/// What a resumed report says of one item.
#[derive(Debug, Clone)]
enum Prior {
    Succeeded,
    Failed(ErrorSummary),
}

impl<O: Operation + 'static> Bulk<O> {
    /// A batch of `items` on `client` (the same as [`Client::bulk`]).
    pub fn new(client: Client<O::Provider>, items: Vec<O>) -> Self {
        let (progress, _) = watch::channel(BulkProgress {
            total: items.len(),
            ..BulkProgress::default()
        });
        Bulk {
            client,
            items,
            keys: None,
            concurrency: None,
            options: CallOptions::default(),
            prior: BTreeMap::new(),
            progress,
            callback: None,
        }
    }

    /// The operations, in batch order (an item's index is its position here).
    pub fn operations(&self) -> &[O] {
        &self.items
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch has no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// At most `n` items in flight at once (at least 1). Without it, as many as the client's
    /// rate budget allows now ([`crate::RateBudget::concurrency`]), or
    /// [`DEFAULT_MAX_CONCURRENCY`] when the governor is off.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n.max(1));
        self
    }

    /// Names each item with a key of yours (a user id, a connection name), computed now. Keys
    /// appear in outcomes and in the report, and [`Bulk::resume`] matches items by key instead
    /// of by index, so the resumed batch may be rebuilt in any order. Call it before
    /// [`Bulk::resume`].
    pub fn key_by(mut self, key: impl Fn(&O) -> String) -> Self {
        self.keys = Some(self.items.iter().map(key).collect());
        self
    }

    /// The per-attempt timeout of every item (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The retry policy of every item (overrides the client's). It applies per item, as to any
    /// call: non-idempotent items are never retried after an attempt that may have applied.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// The total deadline of each item: its attempts and waits together (not of the batch).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// Calls `f` with the progress every time it changes (an item starts or ends). Keep it
    /// quick: it runs on the task that polls the batch.
    pub fn on_progress(mut self, f: impl Fn(&BulkProgress) + Send + Sync + 'static) -> Self {
        self.callback = Some(Arc::new(f));
        self
    }

    /// A receiver of the batch's progress. `changed()` wakes on every change and fails once the
    /// batch's stream is gone (finished or dropped); the last value then has
    /// [`BulkProgress::finished`] set if the batch ran to the end.
    pub fn progress(&self) -> watch::Receiver<BulkProgress> {
        self.progress.subscribe()
    }

    /// Skips what `report` (from an earlier run of the same batch, for example read back from
    /// JSON) lists as finished: succeeded and failed items are not sent again and are carried
    /// into this run's report, listed in [`BulkReport::skipped`]. An item that was in flight
    /// when the earlier run stopped ([`BulkReport::interrupted`]) is sent again only if its
    /// operation is idempotent; otherwise it may have been applied, so it is reported failed
    /// (kind `interrupted`) and left to you. To send failed items again, remove them from
    /// `report.failed` first.
    ///
    /// Items are matched by key when the report has keys ([`Bulk::key_by`] must then be called
    /// first; keys not in this batch are ignored), by index otherwise.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when the report cannot belong to this batch: a different
    /// number of items (by index), keys on one side only, duplicate keys in this batch, or an
    /// index out of range.
    pub fn resume(mut self, report: BulkReport) -> Result<Self> {
        let map = self.resume_map(&report)?;
        let to_here = |i: usize| map.get(i).copied().flatten();
        for i in report.succeeded.iter().filter_map(|&i| to_here(i)) {
            self.prior.insert(i, Prior::Succeeded);
        }
        for failure in &report.failed {
            if let Some(i) = to_here(failure.index) {
                self.prior.insert(i, Prior::Failed(failure.error.clone()));
            }
        }
        for i in report.interrupted.iter().filter_map(|&i| to_here(i)) {
            if !self.items[i].idempotent() && !self.prior.contains_key(&i) {
                self.prior
                    .insert(i, Prior::Failed(ErrorSummary::interrupted(O::ID)));
            }
        }
        Ok(self)
    }

    /// For each index of `report`, the index of the same item in this batch.
    fn resume_map(&self, report: &BulkReport) -> Result<Vec<Option<usize>>> {
        let invalid =
            |m: &str| Error::invalid_input(format!("cannot resume from this report: {m}"));
        let listed = report.succeeded.iter().copied();
        let listed = listed
            .chain(report.failed.iter().map(|f| f.index))
            .chain(report.interrupted.iter().copied());
        if listed.clone().any(|i| i >= report.total) {
            return Err(invalid("it lists an index beyond its total"));
        }
        match (&self.keys, report.keys.is_empty()) {
            (None, true) if report.total == self.items.len() => {
                Ok((0..report.total).map(Some).collect())
            }
            (None, true) => Err(invalid(&format!(
                "it has {} items, this batch {}",
                report.total,
                self.items.len()
            ))),
            (None, false) => Err(invalid(
                "it names items by key; call `key_by` before `resume`",
            )),
            (Some(_), true) => Err(invalid("it has no keys; resume without `key_by`")),
            (Some(_), false) if report.keys.len() != report.total => {
                Err(invalid("its keys do not match its total"))
            }
            (Some(keys), false) => {
                let mut here = HashMap::with_capacity(keys.len());
                for (i, key) in keys.iter().enumerate() {
                    if here.insert(key.as_str(), i).is_some() {
                        return Err(invalid(&format!("the key `{key}` names two items")));
                    }
                }
                Ok(report
                    .keys
                    .iter()
                    .map(|k| here.get(k.as_str()).copied())
                    .collect())
            }
        }
    }

    /// The stream of outcomes, in completion order. Items start as the stream is polled;
    /// dropping it cancels the items in flight (see [`BulkStream::into_report`]).
    pub fn stream(self) -> BulkStream<O> {
        BulkStream::new(self)
    }

    /// Runs every item and returns the report.
    pub async fn run(self) -> BulkReport {
        let mut stream = self.stream();
        while stream.next().await.is_some() {}
        stream.report()
    }
}

/// Above this, a budget's concurrency means "unbounded" (the governor off says `usize::MAX`).
const UNBOUNDED: usize = 1024;

/// The concurrency a budget allows now; an unbounded budget (the governor off) gets the default.
fn budget_concurrency(budget: &dyn RateBudget) -> usize {
    match budget.concurrency() {
        n if n > UNBOUNDED => DEFAULT_MAX_CONCURRENCY,
        n => n.max(1),
    }
}

/// One item's end: its index, key, operation and result.
#[non_exhaustive]
pub struct BulkOutcome<O: Operation> {
    /// The item's index in the batch.
    pub index: usize,
    /// The item's key ([`Bulk::key_by`]), if the batch has keys.
    pub key: Option<String>,
    /// The operation, as it was given.
    pub operation: O,
    /// What the call returned.
    pub result: Result<O::Output>,
}

impl<O: Operation> BulkOutcome<O> {
    /// The result alone (for `TryStreamExt` combinators: `stream.map(BulkOutcome::into_result)`).
    ///
    /// # Errors
    /// The item's error.
    pub fn into_result(self) -> Result<O::Output> {
        self.result
    }
}

impl<O: Operation> fmt::Debug for BulkOutcome<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkOutcome")
            .field("index", &self.index)
            .field("key", &self.key)
            .field("operation", &self.operation)
            .field("result", &self.result.as_ref().map(|_| "ok"))
            .finish()
    }
}

/// The record of a batch: what succeeded, failed, was skipped or cut off. Serializes with serde
/// (it holds indices, keys and error summaries, never a request body or a secret) and feeds
/// [`Bulk::resume`].
///
/// It is cumulative: a resumed run's report also lists what the earlier runs settled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkReport {
    /// The number of items in the batch.
    pub total: usize,
    /// The indices of the items that succeeded, ascending.
    pub succeeded: Vec<usize>,
    /// The items that failed, by ascending index.
    pub failed: Vec<BulkFailure>,
    /// The indices this run did not send because the report it resumed had them settled
    /// (each is also in `succeeded` or `failed`), ascending.
    #[serde(default)]
    pub skipped: Vec<usize>,
    /// The indices that were in flight when the report was taken: the batch stopped before
    /// they ended, so they may or may not have been applied.
    #[serde(default)]
    pub interrupted: Vec<usize>,
    /// Every item's key, by index, when the batch has keys ([`Bulk::key_by`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

impl BulkReport {
    /// The indices neither succeeded nor failed (never started, or interrupted), ascending.
    pub fn pending(&self) -> Vec<usize> {
        let settled: BTreeSet<usize> = self
            .succeeded
            .iter()
            .copied()
            .chain(self.failed.iter().map(|f| f.index))
            .collect();
        (0..self.total).filter(|i| !settled.contains(i)).collect()
    }

    /// Whether every item succeeded or failed.
    pub fn is_complete(&self) -> bool {
        self.succeeded.len() + self.failed.len() == self.total
    }

    /// Whether every item succeeded.
    pub fn is_success(&self) -> bool {
        self.succeeded.len() == self.total
    }

    /// The key of item `index`, if the batch has keys.
    pub fn key(&self, index: usize) -> Option<&str> {
        self.keys.get(index).map(String::as_str)
    }
}

/// One failed item of a [`BulkReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkFailure {
    /// The item's index in the batch.
    pub index: usize,
    /// The item's key, if the batch has keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What went wrong.
    pub error: ErrorSummary,
}

/// What an [`Error`] said, in a form that serializes: kind, operation, status, the provider's
/// code, the message and the request id. Like the error's `Display`, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorSummary {
    /// The error's kind in snake case (`api`, `retries_exhausted`, `transport`, …), or
    /// `interrupted` for an item cut off by an earlier run that stopped.
    pub kind: String,
    /// The operation's id (the spec's `operationId`).
    #[serde(default)]
    pub operation: Option<String>,
    /// The HTTP status of the error response.
    #[serde(default)]
    pub status: Option<u16>,
    /// The provider's error code.
    #[serde(default)]
    pub code: Option<String>,
    /// The error's full message (its `Display`).
    pub message: String,
    /// The provider's request id.
    #[serde(default)]
    pub request_id: Option<String>,
    /// How many attempts were made.
    #[serde(default)]
    pub attempts: u32,
}

impl ErrorSummary {
    /// The summary of `error`.
    pub fn of(error: &Error) -> Self {
        ErrorSummary {
            kind: kind_name(error.kind()).to_owned(),
            operation: error.operation().map(str::to_owned),
            status: error.status().map(|s| s.as_u16()),
            code: error.code().map(str::to_owned),
            message: error.to_string(),
            request_id: error.request_id().map(str::to_owned),
            attempts: error.attempts(),
        }
    }

    fn interrupted(operation: &'static str) -> Self {
        ErrorSummary {
            kind: "interrupted".to_owned(),
            operation: Some(operation.to_owned()),
            status: None,
            code: None,
            message: format!(
                "{operation}: interrupted: the batch stopped while this item was in flight; it \
                 may have been applied, and it is not idempotent, so it was not sent again"
            ),
            request_id: None,
            attempts: 0,
        }
    }
}

impl From<&Error> for ErrorSummary {
    fn from(error: &Error) -> Self {
        ErrorSummary::of(error)
    }
}

fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "invalid_input",
        ErrorKind::Auth => "auth",
        ErrorKind::Transport => "transport",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Api => "api",
        ErrorKind::Decode => "decode",
        ErrorKind::InvalidResponse => "invalid_response",
        ErrorKind::RetriesExhausted => "retries_exhausted",
        ErrorKind::DeadlineExceeded => "deadline_exceeded",
    }
}

/// Where a batch stands.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct BulkProgress {
    /// The number of items in the batch.
    pub total: usize,
    /// Items that succeeded (with those a resumed report had settled).
    pub succeeded: usize,
    /// Items that failed (with those a resumed report had settled).
    pub failed: usize,
    /// Items not sent because a resumed report had them settled.
    pub skipped: usize,
    /// Items in flight now.
    pub in_flight: usize,
    /// Items ended per second by this run, over the last few seconds (by the client's clock).
    pub rate: f64,
    /// The estimated time left at that rate (`None` before the first item ends).
    pub eta: Option<Duration>,
    /// Time since the batch started (by the client's clock).
    pub elapsed: Duration,
    /// The batch ran to its end.
    pub finished: bool,
}

impl BulkProgress {
    /// Items ended: succeeded or failed.
    pub fn done(&self) -> usize {
        self.succeeded + self.failed
    }

    /// Items not ended yet (in flight or waiting).
    pub fn remaining(&self) -> usize {
        self.total.saturating_sub(self.done())
    }
}

type ItemFuture<O> =
    Pin<Box<dyn Future<Output = (usize, O, Result<<O as Operation>::Output>)> + Send>>;

/// The outcomes of a running [`Bulk`], in completion order: a [`Stream`] of [`BulkOutcome`].
///
/// Items start as the stream is polled, up to the batch's concurrency. [`BulkStream::report`]
/// tells where the batch stands at any time; dropping the stream (or
/// [`BulkStream::into_report`]) cancels the items in flight, which the report lists as
/// [`BulkReport::interrupted`].
#[must_use = "streams do nothing unless polled"]
pub struct BulkStream<O: Operation> {
    client: Client<O::Provider>,
    options: Arc<CallOptions>,
    concurrency: Option<usize>,
    queue: VecDeque<(usize, O)>,
    running: FuturesUnordered<ItemFuture<O>>,
    ledger: Ledger,
    progress: watch::Sender<BulkProgress>,
    callback: Option<ProgressCallback>,
}

// The stream never pins its fields in place: they live behind boxes and queues.
impl<O: Operation> Unpin for BulkStream<O> {}

impl<O: Operation> fmt::Debug for BulkStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkStream")
            .field("operation", &O::ID)
            .field("waiting", &self.queue.len())
            .field("in_flight", &self.running.len())
            .finish_non_exhaustive()
    }
}

impl<O: Operation + 'static> BulkStream<O> {
    fn new(bulk: Bulk<O>) -> Self {
        let clock = Arc::clone(bulk.client.clock());
        let mut ledger = Ledger::new(bulk.items.len(), bulk.keys, clock);
        let mut queue = VecDeque::with_capacity(bulk.items.len());
        for (index, op) in bulk.items.into_iter().enumerate() {
            match bulk.prior.get(&index) {
                Some(prior) => ledger.carry(index, prior),
                None => queue.push_back((index, op)),
            }
        }
        let stream = BulkStream {
            client: bulk.client,
            options: Arc::new(bulk.options),
            concurrency: bulk.concurrency,
            queue,
            running: FuturesUnordered::new(),
            ledger,
            progress: bulk.progress,
            callback: bulk.callback,
        };
        stream.publish();
        stream
    }

    /// The next outcome, in completion order (`None` once every item has ended) — the
    /// [`Stream`] without importing a futures crate.
    pub async fn next(&mut self) -> Option<BulkOutcome<O>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Where the batch stands now; items in flight are listed as
    /// [`BulkReport::interrupted`] (they are, if the stream is dropped now).
    pub fn report(&self) -> BulkReport {
        self.ledger.report()
    }

    /// Stops the batch now — the items in flight are cancelled — and returns its report.
    pub fn into_report(self) -> BulkReport {
        self.report()
    }

    /// A receiver of the batch's progress (as [`Bulk::progress`]).
    pub fn progress(&self) -> watch::Receiver<BulkProgress> {
        self.progress.subscribe()
    }

    /// How many items may be in flight now.
    fn limit(&self) -> usize {
        self.concurrency
            .unwrap_or_else(|| budget_concurrency(&**self.client.rate_budget()))
    }

    /// Starts items until the concurrency limit is reached.
    fn fill(&mut self) {
        let limit = self.limit();
        let mut started = false;
        while self.running.len() < limit {
            let Some((index, op)) = self.queue.pop_front() else {
                break;
            };
            let client = self.client.clone();
            let options = Arc::clone(&self.options);
            self.ledger.in_flight.insert(index);
            self.running.push(Box::pin(async move {
                let result = client.execute_with(&op, &options).await.map(|r| r.value);
                (index, op, result)
            }));
            started = true;
        }
        if started {
            self.publish();
        }
    }

    fn publish(&self) {
        let progress = self.ledger.progress(self.running.len());
        if let Some(callback) = &self.callback {
            callback(&progress);
        }
        self.progress.send_replace(progress);
    }
}

impl<O: Operation + 'static> Stream for BulkStream<O> {
    type Item = BulkOutcome<O>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.fill();
        match this.running.poll_next_unpin(cx) {
            Poll::Ready(Some((index, operation, result))) => {
                this.ledger.settle(index, &result);
                this.publish();
                Poll::Ready(Some(BulkOutcome {
                    index,
                    key: this.ledger.key(index),
                    operation,
                    result,
                }))
            }
            // `fill` leaves nothing waiting when nothing runs: the batch is over.
            Poll::Ready(None) => {
                if !this.ledger.finished {
                    this.ledger.finished = true;
                    this.publish();
                }
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.queue.len() + self.running.len();
        (left, Some(left))
    }
}

/// What a batch has settled so far, and when.
struct Ledger {
    total: usize,
    keys: Option<Vec<String>>,
    succeeded: BTreeSet<usize>,
    failed: BTreeMap<usize, BulkFailure>,
    skipped: Vec<usize>,
    in_flight: BTreeSet<usize>,
    clock: Arc<dyn Clock>,
    started: SystemTime,
    /// When this run's recent items ended (within [`RATE_WINDOW`]).
    recent: VecDeque<SystemTime>,
    finished: bool,
}

impl Ledger {
    fn new(total: usize, keys: Option<Vec<String>>, clock: Arc<dyn Clock>) -> Self {
        Ledger {
            total,
            keys,
            succeeded: BTreeSet::new(),
            failed: BTreeMap::new(),
            skipped: Vec::new(),
            in_flight: BTreeSet::new(),
            started: clock.now(),
            clock,
            recent: VecDeque::new(),
            finished: false,
        }
    }

    fn key(&self, index: usize) -> Option<String> {
        self.keys.as_ref().and_then(|k| k.get(index)).cloned()
    }

    /// Records an item a resumed report had settled.
    fn carry(&mut self, index: usize, prior: &Prior) {
        self.skipped.push(index);
        match prior {
            Prior::Succeeded => {
                self.succeeded.insert(index);
            }
            Prior::Failed(error) => self.fail(index, error.clone()),
        }
    }

    fn fail(&mut self, index: usize, error: ErrorSummary) {
        let key = self.key(index);
        self.failed.insert(index, BulkFailure { index, key, error });
    }

    /// Records an item this run ended.
    fn settle<T>(&mut self, index: usize, result: &Result<T>) {
        self.in_flight.remove(&index);
        match result {
            Ok(_) => {
                self.succeeded.insert(index);
            }
            Err(error) => self.fail(index, ErrorSummary::of(error)),
        }
        let now = self.clock.now();
        self.recent.push_back(now);
        while let Some(&oldest) = self.recent.front() {
            match now.duration_since(oldest) {
                // An item that ended a whole window ago is out of it: a steady pace of one
                // item a second reads as one a second.
                Ok(age) if age >= RATE_WINDOW => self.recent.pop_front(),
                _ => break,
            };
        }
    }

    fn report(&self) -> BulkReport {
        BulkReport {
            total: self.total,
            succeeded: self.succeeded.iter().copied().collect(),
            failed: self.failed.values().cloned().collect(),
            skipped: self.skipped.clone(),
            interrupted: self.in_flight.iter().copied().collect(),
            keys: self.keys.clone().unwrap_or_default(),
        }
    }

    fn progress(&self, in_flight: usize) -> BulkProgress {
        let now = self.clock.now();
        let elapsed = now.duration_since(self.started).unwrap_or_default();
        let mut progress = BulkProgress {
            total: self.total,
            succeeded: self.succeeded.len(),
            failed: self.failed.len(),
            skipped: self.skipped.len(),
            in_flight,
            rate: 0.0,
            eta: None,
            elapsed,
            finished: self.finished,
        };
        (progress.rate, progress.eta) = estimate(self.recent.len(), elapsed, progress.remaining());
        progress
    }
}

/// The rate of `recent` items ended over the last [`RATE_WINDOW`] (or since the start, if
/// shorter), and the time `remaining` items take at that rate.
fn estimate(recent: usize, elapsed: Duration, remaining: usize) -> (f64, Option<Duration>) {
    let window = elapsed.min(RATE_WINDOW).as_secs_f64();
    if remaining == 0 {
        let rate = if window > 0.0 {
            recent as f64 / window
        } else {
            0.0
        };
        return (rate, Some(Duration::ZERO));
    }
    if recent == 0 || window <= 0.0 {
        return (0.0, None);
    }
    let rate = recent as f64 / window;
    let eta = Duration::try_from_secs_f64(remaining as f64 / rate).ok();
    (rate, eta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_divides_what_is_left_by_the_recent_rate() {
        let (rate, eta) = estimate(50, Duration::from_secs(10), 100);
        assert_eq!(rate, 10.0, "50 items in the last 5 s");
        assert_eq!(eta, Some(Duration::from_secs(10)));
        let (rate, eta) = estimate(4, Duration::from_secs(2), 8);
        assert_eq!(
            rate, 2.0,
            "since the start when it is shorter than the window"
        );
        assert_eq!(eta, Some(Duration::from_secs(4)));
    }

    #[test]
    fn no_estimate_before_the_first_item_ends_and_none_needed_at_the_end() {
        assert_eq!(estimate(0, Duration::from_secs(3), 10), (0.0, None));
        assert_eq!(estimate(0, Duration::ZERO, 10), (0.0, None));
        assert_eq!(estimate(5, Duration::ZERO, 0).1, Some(Duration::ZERO));
    }

    #[test]
    fn every_error_kind_has_a_snake_case_name() {
        let kinds = [
            ErrorKind::InvalidInput,
            ErrorKind::Auth,
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::Api,
            ErrorKind::Decode,
            ErrorKind::InvalidResponse,
            ErrorKind::RetriesExhausted,
            ErrorKind::DeadlineExceeded,
        ];
        let names: BTreeSet<&str> = kinds.into_iter().map(kind_name).collect();
        assert_eq!(names.len(), kinds.len());
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
    }

    #[test]
    fn a_report_tells_what_is_pending() {
        let report = BulkReport {
            total: 4,
            succeeded: vec![0, 2],
            failed: vec![BulkFailure {
                index: 3,
                key: None,
                error: ErrorSummary::interrupted("op"),
            }],
            interrupted: vec![1],
            ..BulkReport::default()
        };
        assert_eq!(report.pending(), vec![1]);
        assert!(!report.is_complete());
        assert!(!report.is_success());
    }
}
