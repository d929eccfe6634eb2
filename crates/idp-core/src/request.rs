//! Macros that give each provider crate its `Request<O>` type and the generic methods of its
//! `Client`. They are macros only because of the orphan rule: a provider crate adds inherent
//! methods to `Request<ItsOperation>` (the parameter setters), so the type must be its own.

/// Defines, in a provider crate, `pub struct Client` (the attributes given, typically its docs,
/// go on it) — cheap to clone, wrapping an `idp_core::Client<Provider>` in a field `inner` — with
/// `Client::builder()` (the crate's `ClientBuilder::new()`), `Debug` and the generic methods
/// `core`, `request`, `execute`, `bulk`, `items`, `pages`, `pager`; and `pub struct Request<O>` — an
/// operation bound to that client, with `send`, `send_with_meta`, `send_as`, per-call `timeout` /
/// `retry_policy` / `deadline` / `idempotent_ok`, and for paginated operations `items`, `pages`,
/// `pager` and `collect_all`. The crate adds its resource handles in its own `impl Client`.
#[macro_export]
macro_rules! define_client {
    ($(#[$meta:meta])* $provider:ty) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct Client {
            inner: $crate::Client<$provider>,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client").field("inner", &self.inner).finish()
            }
        }

        /// An operation bound to the client, ready to send.
        ///
        /// Set optional parameters with its methods (each forwards to the operation's setter of
        /// the same name), then `.send().await` — or, for lists, `.items()` / `.pages()` /
        /// `.pager()`.
        #[must_use = "a request does nothing until it is sent"]
        pub struct Request<O: $crate::Operation<Provider = $provider>>($crate::Call<$provider, O>);

        impl<O: $crate::Operation<Provider = $provider>> ::std::fmt::Debug for Request<O> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl<O: $crate::Operation<Provider = $provider>> Request<O> {
            /// Binds `op` to `client` (as [`Client::request`] does).
            pub fn new(client: &Client, op: O) -> Self {
                Request(client.inner.call(op))
            }

            /// Changes the operation with `f` (every parameter setter of a `Request` is this).
            pub fn map(self, f: impl FnOnce(O) -> O) -> Self {
                Request(self.0.map_operation(f))
            }

            /// The operation this request will send (its parameters, as data).
            pub fn operation(&self) -> &O {
                self.0.operation()
            }

            /// Overrides the client's timeout for this call.
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                Request(self.0.timeout(timeout))
            }

            /// Overrides the client's retry policy for this call
            /// (`RetryPolicy::none()` makes exactly one attempt).
            pub fn retry_policy(self, policy: $crate::RetryPolicy) -> Self {
                Request(self.0.retry_policy(policy))
            }

            /// Bounds this call as a whole — every attempt, token request and retry wait — by
            /// `deadline` (the per-attempt timeout still applies to each attempt). When it
            /// passes, the error is `ErrorKind::DeadlineExceeded`.
            pub fn deadline(self, deadline: ::std::time::Duration) -> Self {
                Request(self.0.deadline(deadline))
            }

            /// For a DELETE: when a retry finds nothing (404) after an earlier attempt that may
            /// have reached the server (a timeout, a broken connection, a 5xx), report success —
            /// the earlier attempt most likely did the work. Off by default: without it such a
            /// 404 is an error, as the API answered.
            pub fn idempotent_ok(self) -> Self {
                Request(self.0.idempotent_ok())
            }

            /// The underlying core call.
            pub fn into_call(self) -> $crate::Call<$provider, O> {
                self.0
            }

            /// Sends the request and decodes the response.
            ///
            /// # Errors
            /// An [`idp_core::Error`]($crate::Error) naming the operation: `InvalidInput` before
            /// sending, `Api` / `Auth` for error statuses, `Transport`, `Timeout`, `Decode`,
            /// `RetriesExhausted`.
            // The call's own future, not one more `async` layer around it.
            pub fn send(self) -> impl ::std::future::Future<Output = $crate::Result<O::Output>> {
                self.0.send()
            }

            /// Sends the request and decodes the body into a type of your choice (for example a
            /// model with your own profile type). Per-call options are kept.
            ///
            /// # Errors
            /// As [`Request::send`].
            pub fn send_as<T: $crate::__private::serde::de::DeserializeOwned + 'static>(
                self,
            ) -> impl ::std::future::Future<Output = $crate::Result<T>> {
                self.0.send_as()
            }

            /// Sends the request and returns the decoded response with its metadata
            /// (status, headers, request id, rate limits).
            ///
            /// # Errors
            /// As [`Request::send`].
            pub fn send_with_meta(
                self,
            ) -> impl ::std::future::Future<Output = $crate::Result<$crate::Response<O::Output>>>
            {
                self.0.send_with_meta()
            }
        }

        impl<O: $crate::Paginated<Provider = $provider>> Request<O> {
            /// A pager over the pages (resumable through its cursor).
            pub fn pager(self) -> $crate::Pager<$provider, O> {
                self.0.pager()
            }

            /// A lazy stream of every item; pages are fetched as the stream is polled.
            pub fn items(self) -> $crate::ItemStream<O::Item> {
                self.0.items()
            }

            /// A lazy stream of pages.
            pub fn pages(self) -> $crate::PageStream<O::Item> {
                self.0.pages()
            }

            /// Fetches every item into a `Vec`.
            ///
            /// # Errors
            /// The first error of any page.
            pub async fn collect_all(self) -> $crate::Result<::std::vec::Vec<O::Item>> {
                self.0.pager().collect_all().await
            }
        }

        impl Client {
            /// A builder (the same as [`ClientBuilder::new`]).
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The core client (base URL, retry policy, raw execution with per-call options).
            pub fn core(&self) -> &$crate::Client<$provider> {
                &self.inner
            }

            /// Binds any operation of this provider to the client, for per-call options
            /// (`.timeout(..)`, `.retry_policy(..)`) before `.send()` or `.items()`.
            pub fn request<O: $crate::Operation<Provider = $provider>>(&self, op: O) -> Request<O> {
                Request::new(self, op)
            }

            /// Runs any operation of this provider, built as a plain value, and decodes its output.
            ///
            /// # Errors
            /// As [`Request::send`].
            pub async fn execute<O: $crate::Operation<Provider = $provider>>(
                &self,
                op: O,
            ) -> $crate::Result<O::Output> {
                self.inner.execute(&op).await
            }

            /// A batch of operations of this provider, run with bounded concurrency on the
            /// client's rate budget: `.run().await` returns the report, `.stream()` yields one
            /// outcome per item (see [`idp_core::Bulk`]($crate::Bulk)).
            pub fn bulk<O: $crate::Operation<Provider = $provider> + 'static>(
                &self,
                ops: impl ::std::iter::IntoIterator<Item = O>,
            ) -> $crate::Bulk<O> {
                self.inner.bulk(ops)
            }

            /// A lazy stream of every item of a list operation, built as a plain value.
            pub fn items<O: $crate::Paginated<Provider = $provider>>(
                &self,
                op: O,
            ) -> $crate::ItemStream<O::Item> {
                self.inner.call(op).items()
            }

            /// A lazy stream of the pages of a list operation.
            pub fn pages<O: $crate::Paginated<Provider = $provider>>(
                &self,
                op: O,
            ) -> $crate::PageStream<O::Item> {
                self.inner.call(op).pages()
            }

            /// A resumable pager over a list operation.
            pub fn pager<O: $crate::Paginated<Provider = $provider>>(
                &self,
                op: O,
            ) -> $crate::Pager<$provider, O> {
                self.inner.call(op).pager()
            }
        }
    };
}

/// Gives `Request<Op>` one forwarding method per named setter of `Op`:
/// `forward_setters!(ListThings { limit(limit: u32), q(q: impl Into<String>) })` defines
/// `Request<ListThings>::limit`, which calls `ListThings::limit` — the setter's real code lives on
/// the operation, written once.
#[macro_export]
macro_rules! forward_setters {
    ($op:ident { $($name:ident($arg:ident: $ty:ty)),* $(,)? }) => {
        impl Request<$op> {
            $(
                #[doc = concat!("Sets [`", stringify!($op), "::", stringify!($name), "`] on the operation.")]
                pub fn $name(self, $arg: $ty) -> Self {
                    self.map(|op| op.$name($arg))
                }
            )*
        }
    };
}

/// Expands, inside a provider's `impl ClientBuilder { … }`, to the settings every provider's
/// builder shares, forwarded to the `idp_core::ClientBuilder` held in the named field.
#[macro_export]
macro_rules! forward_builder_settings {
    ($field:ident) => {
        /// Custom credentials: they replace the provider's built-in authentication modes.
        #[must_use]
        pub fn credentials(
            mut self,
            credentials: ::std::sync::Arc<dyn $crate::Credentials>,
        ) -> Self {
            self.$field = self.$field.credentials(credentials);
            self
        }

        /// A custom transport (the default is a pooled reqwest client with rustls).
        #[must_use]
        pub fn transport(mut self, transport: ::std::sync::Arc<dyn $crate::Transport>) -> Self {
            self.$field = self.$field.transport(transport);
            self
        }

        /// The retry policy (default: 3 retries, 0.5 s base, 20 s cap, server hints up to 62 s:
        /// one 60 s window, a 1 s margin, 1 s of rounding).
        #[must_use]
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field = self.$field.retry_policy(policy);
            self
        }

        /// The per-request timeout (default 30 s; `None` disables it).
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::option::Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.timeout(timeout);
            self
        }

        /// The total deadline of every call — all attempts, token requests and retry waits
        /// (default `None`: bounded by the retry policy alone).
        #[must_use]
        pub fn deadline(mut self, deadline: ::std::option::Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.deadline(deadline);
            self
        }

        /// The connect timeout of the default transport (default 10 s).
        #[must_use]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.connect_timeout(timeout);
            self
        }

        /// The response size cap of the default transport (default 32 MiB).
        #[must_use]
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.$field = self.$field.max_response_bytes(limit);
            self
        }

        /// Text appended to the `User-Agent` header (your application's name and version).
        #[must_use]
        pub fn user_agent_suffix(
            mut self,
            suffix: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.$field = self.$field.user_agent_suffix(suffix);
            self
        }

        /// How long before expiry a cached token is refreshed (for credentials that fetch
        /// tokens; ignored by static tokens). The provider's default applies otherwise.
        #[must_use]
        pub fn token_refresh_before(mut self, before: ::std::time::Duration) -> Self {
            self.$field = self.$field.token_refresh_before(before);
            self
        }

        /// The rate budget every call draws on (default: none unless `governor(true)`). Share
        /// one budget between clients of the same org.
        #[must_use]
        pub fn rate_budget(mut self, budget: ::std::sync::Arc<dyn $crate::RateBudget>) -> Self {
            self.$field = self.$field.rate_budget(budget);
            self
        }

        /// Turns the in-process rate governor on or off (off by default for now).
        #[must_use]
        pub fn governor(mut self, on: bool) -> Self {
            self.$field = self.$field.governor(on);
            self
        }

        /// The share of each rate-limit bucket this client may use per window (default 1.0;
        /// 0.5 leaves half to the org's other integrations).
        #[must_use]
        pub fn max_capacity(mut self, share: f64) -> Self {
            self.$field = self.$field.max_capacity(share);
            self
        }

        /// The most requests in flight at once (default 8; lowered after a concurrency 429 and
        /// raised back slowly, never above this).
        #[must_use]
        pub fn max_concurrency(mut self, n: usize) -> Self {
            self.$field = self.$field.max_concurrency(n);
            self
        }

        /// The sleeper used between retries (tests inject one that records waits).
        #[must_use]
        pub fn sleeper(mut self, sleeper: ::std::sync::Arc<dyn $crate::Sleeper>) -> Self {
            self.$field = self.$field.sleeper(sleeper);
            self
        }

        /// The clock used for token expiry and rate-limit resets.
        #[must_use]
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::Clock>) -> Self {
            self.$field = self.$field.clock(clock);
            self
        }
    };
}
