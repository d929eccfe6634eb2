//! Sending bytes: the [`Transport`] seam and its default reqwest implementation.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};

/// A request as the transport sees it: method, absolute URI, headers and a body of bytes.
pub type HttpRequest = http::Request<Bytes>;
/// A response as the transport returns it, with its whole body read.
pub type HttpResponse = http::Response<Bytes>;

/// Why a request failed below HTTP. It says whether the request may have reached the server,
/// which decides whether a non-idempotent call may be retried.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made: nothing was sent, a retry is always safe.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The request or the connection timed out; the server may have processed it.
    #[error("timed out")]
    Timeout,
    /// The connection failed after the request may have been sent (reset, closed mid-body…).
    #[error("connection failed: {0}")]
    Io(String),
    /// The response body exceeded the configured size cap.
    #[error("response body exceeds the cap of {limit} bytes")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The server answered with a redirect, which the SDK never follows.
    #[error("the server answered with a redirect ({status}), which is not followed")]
    Redirect {
        /// The redirect status.
        status: u16,
    },
    /// The request could not be built (invalid URI or header).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl TransportError {
    /// True when the request certainly did not reach the server.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            TransportError::Connect(_) | TransportError::InvalidRequest(_)
        )
    }
}

/// Sends one HTTP request and returns the response with its body read. Nothing else: no retries,
/// no authentication, no decoding. Implement it to plug in another HTTP stack.
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Sends the request.
    ///
    /// # Errors
    /// A [`TransportError`] when no response could be had.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Default connect timeout of [`ReqwestTransport`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body: generous, but bounded.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The default transport: a shared `reqwest::Client` (connection pool, rustls with ring, HTTP/2),
/// no redirects followed, a connect timeout and a cap on response sizes.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
    bases: Arc<BaseUrls>,
}

/// The parsed `scheme://authority/` of the origins this transport has sent to (a handful: the
/// API and a token endpoint), so a request's URL is the origin's copy with its path and query
/// set, instead of its whole text parsed again (host parsing and IDNA are most of a URL parse).
#[derive(Default)]
struct BaseUrls {
    entries: RwLock<Vec<(String, String, reqwest::Url)>>,
}

/// The most origins [`BaseUrls`] keeps; URLs of any other origin are parsed whole.
const MAX_BASE_URLS: usize = 8;

impl BaseUrls {
    /// The `reqwest::Url` of an absolute URI: the same URL `Url::parse(&uri.to_string())` gives.
    fn url(&self, uri: &http::Uri) -> Result<reqwest::Url, TransportError> {
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return parse_whole(uri);
        };
        let authority = authority.as_str();
        let cached = self.entries.read().ok().and_then(|entries| {
            entries
                .iter()
                .find(|(s, a, _)| s == scheme && a == authority)
                .map(|(_, _, url)| url.clone())
        });
        let mut url = match cached {
            Some(url) => url,
            None => {
                let url = reqwest::Url::parse(&format!("{scheme}://{authority}/"))
                    .map_err(|e| TransportError::InvalidRequest(e.to_string()))?;
                if let Ok(mut entries) = self.entries.write() {
                    if entries.len() < MAX_BASE_URLS {
                        entries.push((scheme.to_owned(), authority.to_owned(), url.clone()));
                    }
                }
                url
            }
        };
        if url.cannot_be_a_base() {
            return parse_whole(uri);
        }
        url.set_path(uri.path());
        url.set_query(uri.query());
        Ok(url)
    }
}

fn parse_whole(uri: &http::Uri) -> Result<reqwest::Url, TransportError> {
    reqwest::Url::parse(&uri.to_string()).map_err(|e| TransportError::InvalidRequest(e.to_string()))
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl ReqwestTransport {
    /// A transport with the default connect timeout and size cap.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Transport`] if the TLS stack cannot be initialised.
    pub fn new() -> crate::Result<Self> {
        Self::with_options(DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES)
    }

    /// A transport with the given connect timeout and response size cap.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Transport`] if the TLS stack cannot be initialised.
    pub fn with_options(
        connect_timeout: Duration,
        max_response_bytes: usize,
    ) -> crate::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| {
                crate::Error::new(
                    crate::ErrorKind::Transport,
                    "could not build the HTTP client",
                )
                .with_source(e)
            })?;
        Ok(ReqwestTransport {
            client,
            max_response_bytes,
            bases: Arc::default(),
        })
    }

    /// Wraps an existing `reqwest::Client` (its redirect policy should be `none`).
    pub fn from_client(client: reqwest::Client, max_response_bytes: usize) -> Self {
        ReqwestTransport {
            client,
            max_response_bytes,
            bases: Arc::default(),
        }
    }

    /// The reqwest request of an `http` request: the same request `reqwest::Request::try_from`
    /// builds, with the URL taken from [`BaseUrls`] rather than parsed from the URI's text.
    fn reqwest_request(&self, request: HttpRequest) -> Result<reqwest::Request, TransportError> {
        if !request.extensions().is_empty() {
            // Only `try_from` can carry extensions over.
            return reqwest::Request::try_from(request)
                .map_err(|e| TransportError::InvalidRequest(describe(&e)));
        }
        let url = self.bases.url(request.uri())?;
        let (parts, body) = request.into_parts();
        let mut out = reqwest::Request::new(parts.method, url);
        *out.headers_mut() = parts.headers;
        *out.version_mut() = parts.version;
        *out.body_mut() = Some(body.into());
        Ok(out)
    }
}

fn classify(err: &reqwest::Error) -> TransportError {
    if err.is_timeout() {
        TransportError::Timeout
    } else if err.is_connect() {
        TransportError::Connect(describe(err))
    } else if err.is_builder() {
        TransportError::InvalidRequest(describe(err))
    } else {
        TransportError::Io(describe(err))
    }
}

/// The error chain as text, without the URL (which reqwest includes and which may carry a query).
fn describe(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() {
        "request failed".to_owned()
    } else {
        parts.join(": ")
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let request = self.reqwest_request(request)?;
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(TransportError::Redirect {
                status: status.as_u16(),
            });
        }
        if let Some(len) = response.content_length() {
            if len > self.max_response_bytes as u64 {
                return Err(TransportError::BodyTooLarge {
                    limit: self.max_response_bytes,
                });
            }
        }
        let body = read_body(&mut response, self.max_response_bytes).await?;
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.version_mut() = response.version();
        *out.headers_mut() = std::mem::take(response.headers_mut());
        Ok(out)
    }
}

/// The most a body buffer is given up front from `Content-Length`.
const PREALLOCATE_MAX: usize = 4 * 1024 * 1024;

/// The whole body, at most `max` bytes. A body that arrives in one chunk (the usual case for an
/// API answer) is handed on as that chunk, without a copy; a longer one is gathered into one
/// buffer sized from `Content-Length` when the server sent it.
async fn read_body(response: &mut reqwest::Response, max: usize) -> Result<Bytes, TransportError> {
    let too_large = || TransportError::BodyTooLarge { limit: max };
    let Some(first) = response.chunk().await.map_err(|e| classify(&e))? else {
        return Ok(Bytes::new());
    };
    if first.len() > max {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await.map_err(|e| classify(&e))? else {
        return Ok(first);
    };
    let hint = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
        .min(max)
        // What a server claims is not allocated beyond this before it is sent.
        .min(PREALLOCATE_MAX);
    let mut body = BytesMut::with_capacity(hint.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    // The chunks share the connection's read buffer: let go of each once copied.
    drop(first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        drop(chunk);
        next = response.chunk().await.map_err(|e| classify(&e))?;
    }
    Ok(body.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_the_origin_cache_equal_whole_parses() {
        let bases = BaseUrls::default();
        let uris = [
            "https://api.example.com/api/v1/apps/0oa1/users/00u1",
            "https://api.example.com/api/v1/apps/0oa1/users?limit=200&after=00u%7C1&q=a+b",
            "https://api.example.com/",
            "https://api.example.com/a/./b/../c?",
            "https://api.example.com//double//slash",
            "https://API.Example.com:443/api/v1/x%2Fy?z=%20",
            "http://127.0.0.1:8080/v1/connections/con_1",
            "http://[::1]:9/x?y",
            "https://user:pw@auth.example.net/api/v1/connections?page_size=2",
            "https://xn--bcher-kva.example/b%C3%BCcher/%",
            "https://api.example.com/%C3%A9?%C3%A9=%C3%A9",
        ];
        for _round in 0..2 {
            for text in uris {
                let uri: http::Uri = text
                    .parse()
                    .unwrap_or_else(|e| panic!("{text} is not a URI: {e}"));
                let whole = parse_whole(&uri).map(String::from).ok();
                let cached = bases.url(&uri).map(String::from).ok();
                assert!(whole.is_some(), "{text}");
                assert_eq!(cached, whole, "{text}");
            }
        }
        let entries = bases.entries.read().map(|e| e.len()).unwrap_or(0);
        assert!(entries <= MAX_BASE_URLS, "{entries}");
    }
}
