//! The machinery every fake shares: a loopback listener whose connections can be killed, the
//! request log, fault injection, and shutdown on drop.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

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
}

/// State shared by the middleware.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) log: Arc<Mutex<Vec<LoggedRequest>>>,
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
}

/// Binds `127.0.0.1:0`.
pub(crate) async fn bind() -> io::Result<Bound> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    Ok(Bound {
        listener,
        base_url: format!("http://{addr}"),
    })
}

impl Server {
    /// Serves `router` (wrapped in the logging / fault middleware) on the caller's runtime.
    pub(crate) fn serve(bound: Bound, router: Router, flavor: Arc<dyn Flavor>) -> Server {
        let shared = Shared {
            log: Arc::new(Mutex::new(Vec::new())),
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
        lock(&self.shared.log).clone()
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
    lock(&shared.log).push(LoggedRequest {
        method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: body.clone(),
        operation,
        fault: fault.clone(),
    });
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
        Some(Fault::MalformedBody) => {
            let response = next.run(request).await;
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
        Some(Fault::TruncatedBody) => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, BODY_LIMIT)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
    };
    shared.flavor.decorate(response.headers_mut());
    response
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

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the fakes.

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Whole seconds, rounded up (at least 1 for a non-zero duration).
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 timestamp with milliseconds, e.g. `2024-05-01T10:00:00.000Z`.
pub(crate) fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// IMF-fixdate (`Date` header), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = secs as i64;
    let days = secs.div_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let rem = secs.rem_euclid(86_400);
    let weekday = DAYS
        .get(days.rem_euclid(7) as usize)
        .copied()
        .unwrap_or("Thu");
    let month = MONTHS
        .get((mo as usize).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A JSON response with a status and content type.
pub(crate) fn json_response(
    status: StatusCode,
    content_type: &'static str,
    value: &serde_json::Value,
) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Sets a header from a string, skipping values that are not valid header values.
pub(crate) fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// Parses a query string into decoded pairs.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of a query parameter.
pub(crate) fn query_get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Random URL-safe identifier characters (32 hex digits).
pub(crate) fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Splits a path into segments after a prefix, percent-decoding each segment.
pub(crate) fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i..i + 3) {
            Some([b'%', h, l]) => match (hex_val(*h), hex_val(*l)) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            _ => out.push(bytes.get(i).copied().unwrap_or(b'%')),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes a value as one path segment (unreserved characters kept).
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_formats_known_instants() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn segments_round_trip() {
        let raw = "google|1 2/3+4@x";
        assert_eq!(decode_segment(&encode_segment(raw)), raw);
        assert_eq!(decode_segment("%zz%41"), "%zzA");
    }

    #[test]
    fn ceil_secs_rounds_up() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(2)), 2);
        assert_eq!(ceil_secs(Duration::ZERO), 0);
    }
}
