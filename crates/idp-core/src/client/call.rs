//! [`Call`]: an operation bound to a client, with per-call options.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::operation::Operation;
use crate::provider::Provider;
use crate::retry::RetryPolicy;

use super::decode::decode_json;
use super::{CallOptions, Client, Response};

/// An operation bound to a client, with per-call options; `send` executes it.
#[must_use = "a call does nothing until it is sent"]
pub struct Call<P: Provider, O: Operation<Provider = P>> {
    pub(super) client: Client<P>,
    pub(super) op: O,
    pub(super) options: CallOptions,
}

impl<P: Provider, O: Operation<Provider = P>> fmt::Debug for Call<P, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.op)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: Provider, O: Operation<Provider = P>> Call<P, O> {
    /// Binds `op` to `client`.
    pub fn new(client: Client<P>, op: O) -> Self {
        client.call(op)
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.op
    }

    /// Changes the operation (provider crates build their setters on it).
    pub fn map_operation(mut self, f: impl FnOnce(O) -> O) -> Self {
        self.op = f(self.op);
        self
    }

    /// Overrides the timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Bounds this call as a whole — every attempt, token request and wait — by `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// For a DELETE: a retry that finds nothing (404) after an earlier attempt that may have
    /// reached the server (timeout, broken connection, 5xx) reports success. Never on by default.
    pub fn idempotent_ok(mut self) -> Self {
        self.options.idempotent_ok = true;
        self
    }

    /// The client, operation and options.
    pub fn into_parts(self) -> (Client<P>, O, CallOptions) {
        (self.client, self.op, self.options)
    }

    /// Sends the call and decodes the output.
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn send(self) -> Result<O::Output> {
        // Decoded here rather than through `execute_with`: the output is then moved once less
        // (no `Response` built around it only to be taken apart).
        let (_, body) = self.client.send_operation(&self.op, &self.options).await?;
        O::decode(&body).map_err(|e| e.with_operation(O::ID))
    }

    /// Sends the call and decodes the body into a caller-chosen type (for example a model with
    /// a custom profile type). Per-call options are kept.
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn send_as<T: DeserializeOwned + 'static>(self) -> Result<T> {
        let (_, body) = self.client.send_operation(&self.op, &self.options).await?;
        decode_json::<T>(&body).map_err(|e| e.with_operation(O::ID))
    }

    /// Sends the call and returns the output with the response metadata (status, headers,
    /// request id, rate limits).
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn send_with_meta(self) -> Result<Response<O::Output>> {
        self.client.execute_with(&self.op, &self.options).await
    }
}
