//! A raw loopback HTTP/1.1 server for hostile-server tests: one request per connection, scripted
//! replies (verbatim bytes or an endless body), every request head recorded. It speaks just enough
//! HTTP to let a test send what no well-behaved server would.

use std::io;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the raw server writes back on one connection, after which it closes it.
pub enum Reply {
    /// These bytes, verbatim.
    Bytes(Vec<u8>),
    /// A head, then the same chunk forever (until the client goes away or 1 GiB was written).
    Endless {
        /// The status line and headers.
        head: Vec<u8>,
        /// The chunk repeated after the head.
        chunk: Vec<u8>,
    },
}

impl Reply {
    /// Raw bytes (status line, headers and body as given).
    pub fn bytes(raw: impl Into<Vec<u8>>) -> Reply {
        Reply::Bytes(raw.into())
    }

    /// A complete JSON response with `connection: close`.
    pub fn json(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(body);
        Reply::Bytes(head.into_bytes())
    }
}

/// One request as the raw server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET /path?query HTTP/1.1`.
    pub line: String,
    /// The whole head (request line and headers).
    pub head: String,
}

impl RawRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

type Handler = Arc<dyn Fn(usize, &RawRequest) -> Reply + Send + Sync>;

/// A scripted loopback server; stops when dropped.
pub struct RawServer {
    base_url: String,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    /// The n-th connection gets `replies[n]`; later ones a 500.
    pub async fn start(replies: Vec<Reply>) -> io::Result<RawServer> {
        let replies = Arc::new(Mutex::new(
            replies.into_iter().map(Some).collect::<Vec<_>>(),
        ));
        Self::with_handler(move |n, _| {
            replies
                .lock()
                .ok()
                .and_then(|mut r| r.get_mut(n).and_then(Option::take))
                .unwrap_or_else(|| Reply::json(500, &[], "{}"))
        })
        .await
    }

    /// Every connection is answered by `handler(index, request)`.
    pub async fn with_handler(
        handler: impl Fn(usize, &RawRequest) -> Reply + Send + Sync + 'static,
    ) -> io::Result<RawServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let handler: Handler = Arc::new(handler);
        let task = tokio::spawn(async move {
            let mut n = 0;
            while let Ok((sock, _)) = listener.accept().await {
                let index = n;
                n += 1;
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let _ = serve_one(sock, index, handler, log).await;
                });
            }
        });
        Ok(RawServer {
            base_url,
            requests,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The request lines received, in order.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.line).collect()
    }

    /// The requests received, in order.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn serve_one(
    mut sock: tokio::net::TcpStream,
    index: usize,
    handler: Handler,
    log: Arc<Mutex<Vec<RawRequest>>>,
) -> io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let request = RawRequest {
        line: head.lines().next().unwrap_or_default().to_owned(),
        head,
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    if let Ok(mut log) = log.lock() {
        log.push(request.clone());
    }
    match handler(index, &request) {
        Reply::Bytes(bytes) => sock.write_all(&bytes).await?,
        Reply::Endless { head, chunk } => {
            sock.write_all(&head).await?;
            let mut written = 0usize;
            while written < 1 << 30 {
                sock.write_all(&chunk).await?;
                written += chunk.len();
            }
        }
    }
    sock.shutdown().await
}
