//! The machinery every fake shares: a loopback listener whose connections can be killed, the
//! request log, fault injection, and shutdown on drop.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::control::{self, StartOptions};
use crate::faults::{Fault, Faults};

/// Locks a mutex, ignoring poisoning (a panicking test thread must not wedge the fake).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Largest request body the fakes read.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// One request as the fake received it, for assertions in tests.
///
/// Headers are kept verbatim (including `Authorization` and `DPoP`), but `Debug` prints only the
/// header names, so logging a request never leaks a credential.
#[derive(Clone)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// Upper-case HTTP method, e.g. `GET`.
    pub method: String,
    /// The path as sent (still percent-encoded), e.g. `/api/v1/apps/0oa1/users`.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Every header, in the order received (names are lower case).
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Bytes,
    /// The spec operationId the fake resolved the request to (or `token` for the token endpoint).
    pub operation: Option<&'static str>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
}

impl LoggedRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for LoggedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("LoggedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("header_names", &names)
            .field("body_len", &self.body.len())
            .field("operation", &self.operation)
            .field("fault", &self.fault)
            .finish()
    }
}

/// What each provider contributes to the shared middleware.
pub(crate) trait Flavor: Send + Sync + 'static {
    /// The spec operationId for a request (or `token` for the token endpoint).
    fn operation(&self, method: &Method, path: &str) -> Option<&'static str>;
    /// A 429 answer with the provider's rate-limit headers.
    fn rate_limited(&self, reset_after: Duration) -> Response;
    /// An error answer with the provider's error body.
    fn server_error(&self, status: StatusCode) -> Response;
    /// Adds headers that every response carries (Okta: request id and rate-limit headers).
    fn decorate(&self, _headers: &mut HeaderMap) {}
    /// Forgets the fake's data (`POST /__testkit/reset`); credentials stay valid.
    fn reset(&self) {}
    /// Seeds data (`POST /__testkit/seed`) and describes what was created, e.g. `{"ids": [...]}`.
    fn seed(&self, _request: &control::SeedRequest) -> serde_json::Value {
        serde_json::json!({})
    }
}

/// State shared by the middleware.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) log: Arc<Mutex<VecDeque<LoggedRequest>>>,
    /// The request log keeps at most this many requests (the newest).
    pub(crate) log_limit: usize,
    pub(crate) faults: Faults,
    pub(crate) flavor: Arc<dyn Flavor>,
}

/// A running server; dropping it stops the server.
pub(crate) struct Server {
    base_url: String,
    shared: Shared,
    shutdown: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// A bound loopback listener, before the router is known.
pub(crate) struct Bound {
    listener: TcpListener,
    pub(crate) base_url: String,
    log_limit: usize,
}

/// Binds `127.0.0.1:<options.port>` (0: an OS-assigned port).
pub(crate) async fn bind_with(options: &StartOptions) -> io::Result<Bound> {
    let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
    let addr = listener.local_addr()?;
    Ok(Bound {
        listener,
        base_url: format!("http://{addr}"),
        log_limit: options.request_log_limit.unwrap_or(usize::MAX),
    })
}

impl Server {
    /// Serves `router` (wrapped in the logging / fault middleware) on the caller's runtime.
    pub(crate) fn serve(bound: Bound, router: Router, flavor: Arc<dyn Flavor>) -> Server {
        let shared = Shared {
            log: Arc::new(Mutex::new(VecDeque::new())),
            log_limit: bound.log_limit,
            faults: Faults::default(),
            flavor,
        };
        let app = router.layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            middleware,
        ));
        let (tx, rx) = oneshot::channel::<()>();
        let listener = KillableListener {
            inner: bound.listener,
        };
        tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<ConnKill>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Server {
            base_url: bound.base_url,
            shared,
            shutdown: Some(tx),
        }
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.shared.faults
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The shared middleware: buffer and log the request, then apply a fault or serve it.
async fn middleware(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let kill = request
        .extensions()
        .get::<ConnectInfo<ConnKill>>()
        .map(|ci| ci.0.clone());
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    // The testkit's own control API is neither logged nor subject to faults.
    if parts.uri.path().starts_with(control::PREFIX) {
        return control::handle(&shared, &parts, &body);
    }
    let fault = log_request(&shared, &parts, &body);
    let request = Request::from_parts(parts, Body::from(body));

    let mut response = match fault {
        None => next.run(request).await,
        Some(Fault::Latency(d)) => {
            tokio::time::sleep(d).await;
            next.run(request).await
        }
        Some(Fault::Status429 { reset_after }) => shared.flavor.rate_limited(reset_after),
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            shared.flavor.server_error(status)
        }
        Some(Fault::DropConnection) => {
            if let Some(kill) = kill {
                kill.0.store(true, Ordering::SeqCst);
            }
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::MalformedBody) => malformed(next.run(request).await),
        Some(Fault::TruncatedBody) => truncated(next.run(request).await).await,
        Some(Fault::Respond {
            status,
            content_type,
            body,
        }) => respond(status, &content_type, body),
    };
    shared.flavor.decorate(response.headers_mut());
    response
}

/// Resolves the request's operation, takes the fault armed for it (if any) and logs the request
/// with both.
fn log_request(shared: &Shared, parts: &Parts, body: &Bytes) -> Option<Fault> {
    let path = parts.uri.path().to_owned();
    let method = parts.method.as_str().to_owned();
    let operation = shared.flavor.operation(&parts.method, &path);
    let fault = shared
        .faults
        .take(&method, &path, operation, operation == Some("token"));
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut log = lock(&shared.log);
    if shared.log_limit == 0 {
        return fault;
    }
    while log.len() >= shared.log_limit {
        log.pop_front();
    }
    log.push_back(LoggedRequest {
        method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: body.clone(),
        operation,
        fault: fault.clone(),
    });
    drop(log);
    fault
}

/// The response with its body replaced by bytes that are not JSON (`Fault::MalformedBody`).
fn malformed(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(
        parts,
        Body::from("<html><body>502 Bad Gateway {not json</body></html>"),
    )
}

/// A canned response (`Fault::Respond`); an invalid status becomes 500, an invalid content type
/// `text/plain`.
fn respond(status: u16, content_type: &str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("text/plain"));
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}

/// The response with the second half of its body cut off (`Fault::TruncatedBody`).
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

/// The kill switch of one accepted connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConnKill(Arc<AtomicBool>);

impl Connected<IncomingStream<'_, KillableListener>> for ConnKill {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().1.clone()
    }
}

/// A TCP listener whose streams can be killed from a handler (used by `Fault::DropConnection`).
pub(crate) struct KillableListener {
    inner: TcpListener,
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = (SocketAddr, ConnKill);

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let kill = ConnKill::default();
                    return (
                        KillableStream {
                            inner: stream,
                            kill: kill.clone(),
                        },
                        (addr, kill),
                    );
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok((self.inner.local_addr()?, ConnKill::default()))
    }
}

/// A TCP stream that fails every write (and reads EOF) once killed, so the server closes the
/// connection without sending a byte of the response.
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: ConnKill,
}

impl KillableStream {
    fn killed(&self) -> bool {
        self.kill.0.load(Ordering::SeqCst)
    }
}

fn killed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.killed() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
